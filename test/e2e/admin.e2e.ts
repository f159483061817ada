/**
 * A structure referent's day in Chromium (R03, R20–R24, R30–R38): search, create an account, grant
 * a habilitation to three accounts at once (twice), prolong, delete, unblock; the new colleague then
 * activates the account and logs in. Every page checked by axe.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible, launchBrowser, startServer, type Browser, type RunningApp } from './browser.js';
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit, openTestSession } from '../factories.js';
import { latestCode, latestLink } from '../mails.js';
import type { Account } from '../../src/db/schema.js';

let server: RunningApp;
let browser: Browser;
let referent: Account;
let colleagues: Account[];
let blocked: Account;
let unitName: string;
const tag = randomUUID().slice(0, 6).replace(/\d/g, 'q');

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const db = server.deps.db;
  const establishment = await buildEstablishment(db, { name: `Hôpital ${tag}` });
  const unit = await buildUnit(db, establishment.id, `Cardiologie ${tag}`);
  unitName = unit.name;
  referent = await buildAccount(db, { first_name: 'Hélène', last_name: `Référente${tag}` });
  await buildHabilitation(db, { accountId: referent.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id });
  colleagues = [];
  for (const first of ['Anne', 'Bruno', 'Chloé']) {
    const colleague = await buildAccount(db, { first_name: first, last_name: `Equipe${tag}` });
    await buildHabilitation(db, { accountId: colleague.id, profile: 'SANITAIRE_PRESCRIPTEUR', unitId: unit.id });
    colleagues.push(colleague);
  }
  blocked = await buildAccount(db, { first_name: 'Denis', last_name: `Bloque${tag}`, blocked_at: new Date(), failed_login_count: 5 });
  await buildHabilitation(db, { accountId: blocked.id, profile: 'SANITAIRE_RECEVEUR', unitId: unit.id });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function asReferent(): Promise<Page> {
  await browser.context.clearCookies();
  const cookie = await openTestSession(server.deps.db, referent.id);
  const [name, value] = cookie.split('=') as [string, string];
  await browser.context.addCookies([{ name, value, url: server.url }]);
  return browser.newPage();
}


describe('a referent administers accounts in Chromium', () => {
  it('R21 R20 searches first, then creates an account that receives its activation e-mail', async () => {
    const page = await asReferent();
    await page.goto(`${server.url}/administration/comptes`);
    await expectAccessible(page);
    await page.getByLabel('Nom, prénom, nom d’utilisateur ou adresse e-mail').fill(`equipe${tag}`);
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await expect(page.getByRole('table').getByRole('row').count()).resolves.toBe(4);
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Créer un compte' }).click();
    await expectAccessible(page);
    await page.getByLabel('Nom', { exact: true }).fill(`Nouvelle${tag}`);
    await page.getByLabel('Prénom', { exact: true }).fill('Inès');
    await page.getByLabel('Adresse e-mail professionnelle').fill(`ines.${tag}@exemple.test`);
    await page.getByLabel('Profession', { exact: true }).selectOption('Infirmier');
    await page.getByRole('button', { name: 'Créer le compte' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Le compte est créé.');
    await expectAccessible(page);
    await page.close();
  });

  it('R34 grants a habilitation to three accounts at once, twice; R35 prolongs one; R36 deletes one', async () => {
    const page = await asReferent();
    for (const profile of ['Sanitaire - Receveur', 'Référent unité']) {
      await page.goto(`${server.url}/administration/comptes?q=equipe${tag}`);
      for (const colleague of colleagues) await page.getByLabel(`Sélectionner ${colleague.first_name} ${colleague.last_name}`).check();
      await page.getByRole('button', { name: 'Attribuer une habilitation aux comptes sélectionnés' }).click();
      await expectAccessible(page);
      await page.getByLabel('Profil', { exact: true }).selectOption({ label: profile });
      await page.getByLabel('Lieu', { exact: true }).selectOption({ label: `Hôpital ${tag} – ${unitName}` });
      await page.getByRole('button', { name: 'Attribuer' }).click();
      // R34: the page lists who received what.
      await expect(page.getByRole('status').first().textContent()).resolves.toContain('est attribuée à 3 comptes');
      for (const colleague of colleagues) await expect(page.getByRole('link', { name: new RegExp(colleague.username) }).isVisible()).resolves.toBe(true);
      await expectAccessible(page);
    }
    const count = await server.deps.db.selectFrom('habilitations').select('id').where('account_id', 'in', colleagues.map((c) => c.id)).execute();
    expect(count).toHaveLength(9);

    await page.goto(`${server.url}/administration/comptes/${colleagues[0]!.id}`);
    await expectAccessible(page);
    await page.getByRole('button', { name: /^Prolonger Sanitaire - Receveur jusqu’au .* \(\+5 ans\)$/ }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('La date de fin est enregistrée.');
    await page.getByRole('link', { name: /^Supprimer l’habilitation Référent unité/ }).click();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Oui, supprimer l’habilitation' }).click();
    await expect(page.getByText('Supprimée le').first().isVisible()).resolves.toBe(true);
    await expect(page.getByRole('table').last().textContent()).resolves.toContain('Suppression de l’habilitation');
    await page.close();
  });

  it('R03 unblocks a blocked account after confirming', async () => {
    const page = await asReferent();
    await page.goto(`${server.url}/administration/comptes/${blocked.id}`);
    await page.getByRole('link', { name: 'Débloquer le compte' }).click();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Oui, débloquer le compte' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Le compte est débloqué.');
    await expect(page.getByRole('table').last().textContent()).resolves.toContain('Déblocage du compte');
    await page.close();
  });

  it('R11 the new colleague activates the account and logs in', async () => {
    await browser.context.clearCookies();
    const page = await browser.newPage();
    const email = `ines.${tag}@exemple.test`;
    await page.goto(`${server.url}${await latestLink(server.deps.db, email)}`);
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('Lune-Pleine-2026');
    await page.getByLabel('Confirmez le nouveau mot de passe').fill('Lune-Pleine-2026');
    await page.getByRole('button', { name: 'Activer mon compte' }).click();
    const account = await server.deps.db.selectFrom('accounts').select('username').where('email', '=', email).executeTakeFirstOrThrow();
    await page.getByLabel('Nom d’utilisateur').fill(account.username);
    await page.getByLabel('Mot de passe', { exact: true }).fill('Lune-Pleine-2026');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByLabel('Code reçu').fill(await latestCode(server.deps.db, email));
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByLabel('J’ai lu et j’accepte les conditions générales d’utilisation').check();
    await page.getByRole('button', { name: 'Valider' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Bienvenue sur Habilis');
    await page.close();
  });
});
