/**
 * e-CPS journeys in Chromium (R12–R16) through a loopback provider that behaves like Pro Santé
 * Connect: the provider's own login page, then Habilis's pages, each checked by axe.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible, launchBrowser, type Browser } from './browser.js';
import { buildActiveAccount } from '../factories.js';
import { latestCode, latestLink } from '../mails.js';
import { buildTestDeps } from '../test-app.js';
import { buildApp } from '../../src/http/app.js';
import { freePort } from '../../src/db/embedded.js';
import type { Deps } from '../../src/deps.js';
import type { FastifyInstance } from 'fastify';
import { startTestPsc, type TestPsc } from '../psc-provider.js';

const PASSWORD = 'Tulipe-Verte-42';
let url: string;
let deps: Deps;
let app: FastifyInstance;
let psc: TestPsc;
let partner: TestPsc;
let browser: Browser;

beforeAll(async () => {
  const port = await freePort();
  url = `http://localhost:${port}`;
  psc = await startTestPsc({ redirectUri: `${url}/connexion/psc/retour`, postLogoutRedirectUri: `${url}/` });
  partner = await startTestPsc({ redirectUri: `${url}/connexion/partenaire/dpi-chu/retour`, postLogoutRedirectUri: `${url}/` });
  partner.acr = null;
  const partners = [{ id: 'dpi-chu', name: 'DPI du CHU', issuer: partner.issuer, clientId: partner.clientId, clientSecret: partner.clientSecret }];
  deps = buildTestDeps({
    env: {
      PORT: String(port),
      BASE_URL: url,
      PSC_ISSUER: psc.issuerSetting,
      PSC_CLIENT_ID: psc.clientId,
      PSC_CLIENT_SECRET: psc.clientSecret,
      PARTNERS: JSON.stringify(partners),
    },
  });
  app = await buildApp(deps);
  await app.listen({ host: '127.0.0.1', port });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await deps?.db.destroy();
  await psc?.close();
  await partner?.close();
});

function newProfessional() {
  const rpps = `10${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
  const user = { subjectNameId: `8${rpps}`, givenName: 'Hugo', familyName: 'Lambert' };
  psc.addUser(user);
  return { ...user, rpps };
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

/** Username, password, then the code read from the outbox. */
async function loginWithPassword(page: Page, account: { username: string; email: string }): Promise<void> {
  await page.getByLabel('Nom d’utilisateur').fill(account.username);
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByLabel('Code reçu').fill(await latestCode(deps.db, account.email));
  await page.getByRole('button', { name: 'Valider' }).click();
}

/** From Habilis's login page through the provider's page, back to Habilis. */
async function loginWithEcps(page: Page, subjectNameId: string): Promise<void> {
  await page.goto(`${url}/connexion`);
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Se connecter avec Pro Santé Connect' }).click();
  await expect(heading(page)).resolves.toBe('Pro Santé Connect (fournisseur de test)');
  await page.getByLabel('Identifiant national (SubjectNameID)').fill(subjectNameId);
  await page.getByRole('button', { name: 'Valider avec mon e-CPS' }).click();
}

describe('e-CPS journeys in Chromium', () => {
  it('R13 R12 e-CPS login through the provider → pairing with the password → home; then the e-CPS alone', async () => {
    const pro = newProfessional();
    const account = await buildActiveAccount(deps.db, PASSWORD);
    const page = await browser.cleanPage();
    // Pairing needs a browser where the account's owner has proven a one-time code: log in once.
    await page.goto(`${url}/connexion`);
    await loginWithPassword(page, account);
    await page.getByRole('button', { name: 'Déconnexion' }).click();
    await loginWithEcps(page, pro.subjectNameId);
    await expect(heading(page)).resolves.toBe('Associer votre e-CPS (Pro Santé Connect) à votre compte');
    await expect(page.locator('main').textContent()).resolves.toContain(pro.rpps);
    await expectAccessible(page);

    await page.getByLabel('Nom d’utilisateur').fill(account.username);
    await page.getByLabel('Mot de passe', { exact: true }).fill('Mauvais-Mot-2-Passe');
    await page.getByRole('button', { name: 'Associer et me connecter' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Nom d’utilisateur ou mot de passe incorrect.');
    await expectAccessible(page);
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Associer et me connecter' }).click();
    await expect(heading(page)).resolves.toBe('Bienvenue sur Habilis');
    await expectAccessible(page);

    const later = await browser.cleanPage();
    await loginWithEcps(later, pro.subjectNameId);
    await expect(heading(later)).resolves.toBe('Bienvenue sur Habilis');
    expect(browser.consoleErrors).toEqual([]);
  });

  it('R14 first e-CPS login without an account → "Créer mon compte" → terms → home', async () => {
    const pro = newProfessional();
    const page = await browser.cleanPage();
    await loginWithEcps(page, pro.subjectNameId);
    await page.getByRole('link', { name: 'Créer mon compte' }).click();
    await expect(heading(page)).resolves.toBe('Créer mon compte de professionnel libéral');
    await expectAccessible(page);
    await page.getByLabel('Profession').fill('Médecin');
    await page.getByLabel('Adresse e-mail').fill(`${randomUUID()}@exemple.test`);
    await page.getByLabel('Téléphone').fill('04 67 00 00 00');
    await page.getByLabel('Adresse du cabinet').fill('1 place de la Comédie');
    await page.getByLabel('Code postal').fill('3400');
    await page.getByLabel('Commune').fill('Montpellier');
    await page.getByLabel('Mot de passe', { exact: true }).fill('Fougere-Bleue-77');
    await page.getByLabel('Confirmez le mot de passe').fill('Fougere-Bleue-77');
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Le code postal se compose de 5 chiffres.');
    await expectAccessible(page);
    await page.getByLabel('Code postal').fill('34000');
    await page.getByLabel('Mot de passe', { exact: true }).fill('Fougere-Bleue-77');
    await page.getByLabel('Confirmez le mot de passe').fill('Fougere-Bleue-77');
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await expect(heading(page)).resolves.toBe('Conditions générales d’utilisation');
    await page.getByLabel('J’ai lu et j’accepte les conditions générales d’utilisation').check();
    await page.getByRole('button', { name: 'Valider' }).click();
    await expect(heading(page)).resolves.toBe('Bienvenue sur Habilis');
    await expectAccessible(page);
    expect(browser.consoleErrors).toEqual([]);
  });

  it('R16 partner sign-in refused without MFA (French page, way to log in directly), accepted with it', async () => {
    const subject = `chu-${randomUUID().slice(0, 8)}`;
    partner.addUser({ subjectNameId: subject, givenName: 'Rose', familyName: 'Bernard' });
    const account = await buildActiveAccount(deps.db, PASSWORD);
    await deps.db.insertInto('professional_identities').values({ kind: 'partner:dpi-chu', subject, account_id: account.id, paired_at: new Date() }).execute();
    const fromPartner = async (page: Page) => {
      // The partner's software opens Habilis's sign-in URL in the browser.
      await page.goto(`${url}/connexion/partenaire/dpi-chu`);
      await page.getByLabel('Identifiant national (SubjectNameID)').fill(subject);
      await page.getByRole('button', { name: 'Valider avec mon e-CPS' }).click();
    };
    partner.amr = ['pwd'];
    const refused = await browser.cleanPage();
    await fromPartner(refused);
    await expect(heading(refused)).resolves.toBe('Connexion depuis le site partenaire impossible');
    await expect(refused.locator('main').textContent()).resolves.toContain('méthode forte');
    await expectAccessible(refused);
    await refused.getByRole('link', { name: 'Me connecter directement sur Habilis' }).click();
    await expect(heading(refused)).resolves.toBe('Connexion');

    partner.amr = ['pwd', 'otp'];
    const accepted = await browser.cleanPage();
    await fromPartner(accepted);
    await expect(heading(accepted)).resolves.toBe('Bienvenue sur Habilis');
    await expectAccessible(accepted);
    partner.amr = null;
    expect(browser.consoleErrors).toEqual([]);
  });

  it('R15 a liberal professional invites an assistant, who joins with e-CPS; accesses changed then withdrawn; an existing account accepts too', async () => {
    const professional = await buildActiveAccount(deps.db, PASSWORD, { first_name: 'Hélène', last_name: 'Roux' });
    await deps.db.insertInto('liberal_practices').values({ account_id: professional.id, address: '1 place du Marché', postcode: '34000', city: 'Montpellier', created_at: new Date() }).execute();
    const pro = await browser.cleanPage();
    await pro.goto(`${url}/connexion`);
    await loginWithPassword(pro, professional);
    await pro.getByRole('link', { name: 'Mes assistants' }).click();
    await expect(heading(pro)).resolves.toBe('Mes assistants');
    await expectAccessible(pro);
    await pro.getByRole('button', { name: 'Envoyer l’invitation' }).click();
    await expect(pro.getByRole('alert').first().textContent()).resolves.toContain('Indiquez le nom de votre assistant.');
    await expectAccessible(pro);
    const email = `assistante-${randomUUID().slice(0, 8)}@exemple.test`;
    await pro.getByLabel('Nom', { exact: true }).fill('Petit');
    await pro.getByLabel('Prénom', { exact: true }).fill('Inès');
    await pro.getByLabel('Adresse e-mail').fill(email);
    await pro.getByLabel('Accès aux dossiers').selectOption('write');
    await pro.getByLabel('Accès aux données médicales').selectOption('read');
    await pro.getByRole('button', { name: 'Envoyer l’invitation' }).click();
    await expect(pro.getByRole('status').textContent()).resolves.toContain('L’invitation est envoyée.');
    await expectAccessible(pro);

    // The assistant opens the e-mailed link in their own browser and joins with e-CPS.
    const number = `10${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
    psc.addUser({ subjectNameId: `8${number}`, givenName: 'Inès', familyName: 'Petit' });
    // Another browser: the assistant's own computer, with its own cookies.
    const elsewhere = await launchBrowser();
    onTestFinished(() => elsewhere.close());
    const assistant = await elsewhere.cleanPage();
    await assistant.goto(`${url}${await latestLink(deps.db, email)}`);
    await expect(heading(assistant)).resolves.toBe('Hélène ROUX vous invite comme assistant');
    await expectAccessible(assistant);
    await assistant.getByRole('link', { name: 'Continuer avec e-CPS (Pro Santé Connect)' }).click();
    await assistant.getByLabel('Identifiant national (SubjectNameID)').fill(`8${number}`);
    await assistant.getByRole('button', { name: 'Valider avec mon e-CPS' }).click();
    await expect(heading(assistant)).resolves.toBe('Créer mon compte d’assistant');
    await expect(assistant.locator('main').textContent()).resolves.toContain(email);
    await expectAccessible(assistant);
    await assistant.getByLabel(/Code reçu par e-mail/).fill(await latestCode(deps.db, email));
    await assistant.getByLabel('Mot de passe', { exact: true }).fill('Fougere-Bleue-77');
    await assistant.getByLabel('Confirmez le mot de passe').fill('Fougere-Bleue-77');
    await assistant.getByRole('button', { name: 'Créer mon compte' }).click();
    await expect(assistant.getByRole('alert').textContent()).resolves.toContain('Indiquez votre profession.');
    await expectAccessible(assistant);
    await assistant.getByLabel(/Code reçu par e-mail/).fill(await latestCode(deps.db, email));
    await assistant.getByLabel('Profession').fill('Secrétaire médicale');
    await assistant.getByLabel('Mot de passe', { exact: true }).fill('Fougere-Bleue-77');
    await assistant.getByLabel('Confirmez le mot de passe').fill('Fougere-Bleue-77');
    await assistant.getByRole('button', { name: 'Créer mon compte' }).click();
    await assistant.getByLabel('J’ai lu et j’accepte les conditions générales d’utilisation').check();
    await assistant.getByRole('button', { name: 'Valider' }).click();
    await assistant.getByRole('link', { name: 'Mes délégations' }).click();
    await expect(heading(assistant)).resolves.toBe('Mes délégations');
    await expect(assistant.locator('main').textContent()).resolves.toContain('Hélène ROUX');
    await expectAccessible(assistant);

    // The professional changes, then withdraws the accesses; the assistant's next page shows it.
    await pro.reload();
    await pro.getByLabel('Accès aux données d’autonomie').first().selectOption('read');
    await pro.getByRole('button', { name: 'Enregistrer les accès' }).click();
    await expect(pro.getByRole('status').textContent()).resolves.toContain('Les accès sont enregistrés.');
    await assistant.reload();
    await expect(assistant.locator('main').textContent()).resolves.toContain('Accès aux données d’autonomieLecture');
    // R27: the withdrawal is confirmed on a page naming the assistant and the consequence.
    await pro.getByRole('link', { name: 'Retirer tous les accès de Inès PETIT' }).click();
    await expect(heading(pro)).resolves.toBe('Retirer les accès d’un assistant');
    await expect(pro.locator('main').textContent()).resolves.toContain('Inès PETIT ne pourra plus agir pour votre compte');
    await expectAccessible(pro);
    await pro.getByRole('button', { name: 'Oui, retirer tous les accès' }).click();
    await expect(pro.getByRole('status').textContent()).resolves.toContain('n’a plus aucun accès');
    await expectAccessible(pro);
    await assistant.reload();
    await expect(assistant.locator('main').textContent()).resolves.toContain('Vous n’agissez pour le compte d’aucun professionnel.');

    // Someone who already has an account, with an e-CPS paired to it, accepts with it on the confirmation page.
    const colleague = await buildActiveAccount(deps.db, PASSWORD);
    const colleagueNumber = `10${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
    psc.addUser({ subjectNameId: `8${colleagueNumber}`, givenName: colleague.first_name, familyName: colleague.last_name });
    await deps.db.insertInto('professional_identities').values({ kind: 'psc', subject: `8${colleagueNumber}`, account_id: colleague.id, paired_at: new Date() }).execute();
    await pro.getByLabel('Nom', { exact: true }).fill(colleague.last_name);
    await pro.getByLabel('Prénom', { exact: true }).fill(colleague.first_name);
    await pro.getByLabel('Adresse e-mail').fill(colleague.email);
    await pro.getByLabel('Accès aux dossiers').last().selectOption('read');
    await pro.getByRole('button', { name: 'Envoyer l’invitation' }).click();
    const existing = await elsewhere.cleanPage();
    await existing.goto(`${url}${await latestLink(deps.db, colleague.email)}`);
    await existing.getByRole('link', { name: 'Continuer avec e-CPS (Pro Santé Connect)' }).click();
    await existing.getByLabel('Identifiant national (SubjectNameID)').fill(`8${colleagueNumber}`);
    await existing.getByRole('button', { name: 'Valider avec mon e-CPS' }).click();
    await expect(heading(existing)).resolves.toBe('Devenir assistant de Hélène ROUX');
    await expectAccessible(existing);
    await existing.getByRole('button', { name: 'Accepter l’invitation' }).click();
    await expect(heading(existing)).resolves.toBe('Mes délégations');
    await expect(existing.locator('main').textContent()).resolves.toContain('Hélène ROUX');
    expect(browser.consoleErrors).toEqual([]);
    expect(elsewhere.consoleErrors).toEqual([]);
  });
});
