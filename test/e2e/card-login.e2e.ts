/**
 * e-CPS journeys in Chromium (R12–R14) through a loopback provider that behaves like Pro Santé
 * Connect: the provider's own login page, then Habilis's pages, each checked by axe.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible, launchBrowser, type Browser } from './browser.js';
import { buildActiveAccount } from '../factories.js';
import { latestCode } from '../mails.js';
import { buildTestDeps } from '../test-app.js';
import { buildApp } from '../../src/http/app.js';
import { freePort } from '../../src/db/embedded.js';
import type { Deps } from '../../src/deps.js';
import type { FastifyInstance } from 'fastify';
import { startTestPsc, type TestPsc } from '../../src/features/card-login/psc.test-provider.js';

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
    await page.getByLabel('Nom d’utilisateur').fill(account.username);
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByLabel('Code reçu').fill(await latestCode(deps.db, account.email));
    await page.getByRole('button', { name: 'Valider' }).click();
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
    await page.getByLabel('Confirmation du mot de passe').fill('Fougere-Bleue-77');
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Le code postal se compose de 5 chiffres.');
    await expectAccessible(page);
    await page.getByLabel('Code postal').fill('34000');
    await page.getByLabel('Mot de passe', { exact: true }).fill('Fougere-Bleue-77');
    await page.getByLabel('Confirmation du mot de passe').fill('Fougere-Bleue-77');
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
});
