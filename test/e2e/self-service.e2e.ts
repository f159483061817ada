/** "Mon compte" and "Mes référents" in Chromium (R40, R41, R42), each page checked by axe, with no CSP violation. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible, launchBrowser, startServer, type Browser, type RunningApp } from './browser.js';
import { buildActiveAccount, buildEstablishment, buildHabilitation, buildUnit, uniqueMobile } from '../factories.js';
import { latestCode, latestLink, messagesTo } from '../mails.js';

const PASSWORD = 'Tulipe-Verte-42';
let server: RunningApp;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const newPage = () => browser.cleanPage();


const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

/** Username, password, then the code from the outbox, read where the account sends it. */
async function logIn(page: Page, username: string, codeTo: string): Promise<void> {
  await page.goto(`${server.url}/connexion`);
  await page.getByLabel('Nom d’utilisateur').fill(username);
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  if ((await heading(page)) === 'Code de connexion') {
    await page.getByLabel('Code reçu').fill(await latestCode(server.deps.db, codeTo));
    await page.getByRole('button', { name: 'Valider' }).click();
  }
  await expect(heading(page)).resolves.toBe('Bienvenue sur Habilis');
}

describe('self-service journeys in Chromium', () => {
  it('R41 edits the identity from the header link; a wrong field is explained at the field', async () => {
    const account = await buildActiveAccount(server.deps.db, PASSWORD, { email: `${randomUUID()}@exemple.test`, first_name: 'Inès', last_name: 'Fabre' });
    const page = await newPage();
    await logIn(page, account.username, account.email);
    await page.getByRole('link', { name: 'Inès FABRE' }).click();
    await expect(heading(page)).resolves.toBe('Mon compte');
    await expectAccessible(page);

    await page.getByLabel('Téléphone', { exact: true }).fill('12');
    await page.getByRole('button', { name: 'Enregistrer mes informations' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Numéro de téléphone invalide');
    await expectAccessible(page);

    await page.getByLabel('Nom', { exact: true }).fill('Fabre-Roux');
    await page.getByLabel('Téléphone', { exact: true }).fill('04 67 12 34 56');
    await page.getByLabel('Profession').fill('Cadre de santé');
    await page.getByRole('button', { name: 'Enregistrer mes informations' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Vos informations personnelles sont enregistrées.');
    await expect(page.getByRole('link', { name: 'Inès FABRE-ROUX' }).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Téléphone', { exact: true }).inputValue()).resolves.toBe('04 67 12 34 56');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Modifier mon mot de passe' }).click();
    await expect(heading(page)).resolves.toBe('Modifier mon mot de passe');
    await expectAccessible(page);
    await page.close();
  });

  it('R41 R04 verifies a mobile with the code from the SMS outbox, switches to SMS, and logs in again with the code by SMS', async () => {
    const mobile = uniqueMobile();
    const account = await buildActiveAccount(server.deps.db, PASSWORD, { email: `${randomUUID()}@exemple.test` });
    const page = await newPage();
    await logIn(page, account.username, account.email);
    await page.goto(`${server.url}/mon-compte`);
    await page.getByRole('textbox', { name: 'Téléphone mobile' }).fill(mobile.replace(/(\d{2})(?=\d)/g, '$1 '));
    await page.getByLabel('Mot de passe actuel', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Enregistrer mes informations' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Vos informations personnelles sont enregistrées.');
    await expect(page.getByRole('radio', { name: /^SMS/ }).isDisabled()).resolves.toBe(true);

    await page.getByRole('button', { name: 'Vérifier' }).click();
    await expect(heading(page)).resolves.toBe('Vérifier mon téléphone mobile');
    await expectAccessible(page);
    await page.getByLabel('Code reçu par SMS').fill(await latestCode(server.deps.db, mobile));
    await page.getByRole('button', { name: 'Valider' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Votre téléphone mobile est vérifié');
    await expectAccessible(page);

    await page.getByRole('radio', { name: /^SMS/ }).check();
    await page.getByLabel('Mot de passe actuel (confirmation)').fill(PASSWORD);
    await page.getByRole('button', { name: 'Enregistrer ma préférence' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Votre préférence de réception du code de connexion est enregistrée.');
    await expect(page.getByRole('radio', { name: /^SMS/ }).isChecked()).resolves.toBe(true);
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Déconnexion' }).click();
    const mailsBefore = (await messagesTo(server.deps.db, account.email)).length;
    await page.goto(`${server.url}/connexion`);
    await page.getByLabel('Nom d’utilisateur').fill(account.username);
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(heading(page)).resolves.toBe('Code de connexion');
    await expect(page.getByText(`par SMS au 06 •• •• •• ${mobile.slice(-2)}`).isVisible()).resolves.toBe(true);
    await page.getByLabel('Code reçu').fill(await latestCode(server.deps.db, mobile));
    await page.getByRole('button', { name: 'Valider' }).click();
    await expect(heading(page)).resolves.toBe('Bienvenue sur Habilis');
    // The code came by SMS only: no new e-mail.
    expect(await messagesTo(server.deps.db, account.email)).toHaveLength(mailsBefore);
    await page.close();
  });

  it('R40 R42 sets the e-mail flag of a habilitation, then finds its referents in Mes référents', async () => {
    const establishment = await buildEstablishment(server.deps.db, { name: `Clinique du Lez ${randomUUID().slice(0, 4)}` });
    const unit = await buildUnit(server.deps.db, establishment.id, 'Médecine interne');
    const account = await buildActiveAccount(server.deps.db, PASSWORD, { email: `${randomUUID()}@exemple.test` });
    const h = await buildHabilitation(server.deps.db, { accountId: account.id, profile: 'SANITAIRE_PRESCRIPTEUR', unitId: unit.id });
    const referent = await buildActiveAccount(server.deps.db, PASSWORD, { email: `${randomUUID()}@exemple.test`, first_name: 'Claire', last_name: 'Petit', phone: '0467000001' });
    await buildHabilitation(server.deps.db, { accountId: referent.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id });
    const page = await newPage();
    await logIn(page, account.username, account.email);

    await page.goto(`${server.url}/mon-compte`);
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Sanitaire - Prescripteur' }) });
    await row.locator('summary').click();
    await expect(row.getByText('Créer et envoyer des demandes d’admission (prescripteur)').isVisible()).resolves.toBe(true);
    await row.getByRole('checkbox').uncheck();
    await row.getByRole('button', { name: /^Enregistrer/ }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Votre choix de réception des mails est enregistré.');
    const flag = await server.deps.db.selectFrom('habilitations').select('email_notifications').where('id', '=', h.id).executeTakeFirstOrThrow();
    expect(flag.email_notifications).toBe(false);
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Mes référents' }).first().click();
    await expect(heading(page)).resolves.toBe('Mes référents');
    await expect(page.getByRole('table', { name: `Référents de l’établissement ${establishment.name}` }).textContent()).resolves.toContain('Claire PETIT');
    await expect(page.getByText('04 67 00 00 01').isVisible()).resolves.toBe(true);
    await expect(page.getByText('Cette structure compte moins de 2 référents').isVisible()).resolves.toBe(true);
    await expectAccessible(page);

    // R36 R41: the cross, a confirmation page, and the habilitation stays listed as deleted.
    await page.goto(`${server.url}/mon-compte`);
    await page.getByRole('link', { name: `Supprimer l’habilitation Sanitaire - Prescripteur – Médecine interne – ${establishment.name}` }).click();
    await expect(heading(page)).resolves.toBe('Supprimer une habilitation');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Confirmer la suppression' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('L’habilitation est supprimée.');
    await expect(page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Sanitaire - Prescripteur' }) }).textContent()).resolves.toContain('Supprimée');
    await page.close();
  });

  it('R41 changes the e-mail address: the old one stays until the link sent to the new one is used', async () => {
    const account = await buildActiveAccount(server.deps.db, PASSWORD, { email: `${randomUUID()}@exemple.test` });
    const newEmail = `${randomUUID()}@exemple.test`;
    const page = await newPage();
    await logIn(page, account.username, account.email);
    await page.goto(`${server.url}/mon-compte`);
    await page.getByLabel('Adresse e-mail').fill(newEmail);
    await page.getByLabel('Mot de passe actuel', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Enregistrer mes informations' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Un lien de validation vient d’être envoyé');
    await expect(page.getByText('Changement d’adresse e-mail en attente').isVisible()).resolves.toBe(true);
    await expectAccessible(page);
    await page.goto(`${server.url}${await latestLink(server.deps.db, newEmail)}`);
    await expect(heading(page)).resolves.toBe('Valider ma nouvelle adresse e-mail');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Valider cette adresse' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Votre nouvelle adresse e-mail est validée');
    await expect(page.getByLabel('Adresse e-mail').inputValue()).resolves.toBe(newEmail);
    await page.close();
  });

  it('the pages raised no console error (CSP violations included)', () => {
    expect(browser.consoleErrors).toEqual([]);
  });
});
