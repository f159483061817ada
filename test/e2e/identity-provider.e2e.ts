/**
 * Issue 17 in Chromium: the example module (examples/orientation-module) signs a professional in
 * through Habilis — password, code, back to the module with no consent page (first-party client) —
 * its ID token checked by openid-client; a step-up when the module asks more (R17); and the region
 * administrator's "Applications clientes" page. Every Habilis page on the way is checked by axe.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible, launchBrowser, startServer, type Browser, type RunningApp } from './browser.js';
import { buildActiveAccount, buildEstablishment, buildHabilitation, ensureTerritory } from '../factories.js';
import { latestCode } from '../mails.js';
import { adminPrincipal, PASSWORD } from '../idp-world.js';
import { checkClientForm, registerClient } from '../../src/features/identity-provider/idp-clients.service.js';
import { startOrientationModule, type RunningModule } from '../../examples/orientation-module/module.js';

let habilis: RunningApp;
let browser: Browser;
const modules: RunningModule[] = [];

beforeAll(async () => {
  habilis = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const module of modules) await module.close();
  await browser?.close();
  await habilis?.stop();
});

/** Registers a client for a module about to listen on a port chosen here, and starts it. */
async function moduleFor(options: { acrValues?: string } = {}): Promise<RunningModule> {
  const { freePort } = await import('../../src/db/embedded.js');
  const port = await freePort();
  const clientId = `orientation-${randomUUID().slice(0, 8)}`;
  const input = await checkClientForm(
    habilis.deps,
    { name: 'Module Sanitaire', clientId, redirectUris: `http://localhost:${port}/retour`, postLogoutRedirectUris: '', backchannelLogoutUri: '', scopes: ['openid', 'profile', 'email', 'habilitations', 'access.evaluate'], domains: ['SANITAIRE'], authMethod: 'client_secret_basic', jwks: '' },
    { creating: true },
  );
  const { secret } = await registerClient(habilis.deps, await adminPrincipal(habilis.deps), input, null);
  const module = await startOrientationModule({ issuer: `${habilis.url}/oidc`, clientId, clientSecret: secret!, port, decision: { right: 'accounts.manage', resource: { type: 'region', id: '76' } }, ...options });
  modules.push(module);
  return module;
}

async function signInWithCode(page: Page, account: { username: string; email: string }) {
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Connexion');
  await expectAccessible(page);
  await page.getByLabel('Nom d’utilisateur').fill(account.username);
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expectAccessible(page);
  await page.getByLabel('Code reçu').fill(await latestCode(habilis.deps.db, account.email));
  await page.getByRole('button', { name: 'Valider' }).click();
}

describe('R17 a module signs in through Habilis', () => {
  it('R17 module → Habilis login with code → back to the module with acr/amr, habilitations and a decision; zero axe violations on Habilis', async () => {
    const establishment = await buildEstablishment(habilis.deps.db, { domain: 'SANITAIRE' });
    const account = await buildActiveAccount(habilis.deps.db, PASSWORD, { email: `${randomUUID()}@exemple.test` });
    await buildHabilitation(habilis.deps.db, { accountId: account.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id });
    const module = await moduleFor();
    const page = await browser.cleanPage();
    await page.goto(module.url);
    await page.getByRole('link', { name: 'Se connecter avec Habilis' }).click();
    await signInWithCode(page, account);
    await page.waitForURL(`${module.url}/`);
    await expect(page.locator('#personne').textContent()).resolves.toBe(`${account.first_name} ${account.last_name}`);
    await expect(page.locator('#acr').textContent()).resolves.toBe('urn:habilis:acr:mfa');
    await expect(page.locator('#amr').textContent()).resolves.toBe('pwd otp mfa');
    await expect(page.locator('#habilitations').textContent()).resolves.toBe('Référent structure');
    // accounts.manage at the region: a structure referent may not — the decision API said so.
    await expect(page.locator('#decision').textContent()).resolves.toBe('refusé');
    expect(browser.consoleErrors).toEqual([]);
  });

  it('R17 a module asking the mfa acr of a trusted browser gets the step-up page, then the code, never the weaker session', async () => {
    const account = await buildActiveAccount(habilis.deps.db, PASSWORD, { email: `${randomUUID()}@exemple.test` });
    const page = await browser.cleanPage();
    // First sign-in at Habilis itself: this browser becomes trusted (R05), the next login skips the code.
    await page.goto(`${habilis.url}/connexion`);
    await signInWithCode(page, account);
    await page.getByRole('button', { name: 'Déconnexion' }).click();
    await page.goto(`${habilis.url}/connexion`);
    await page.getByLabel('Nom d’utilisateur').fill(account.username);
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${habilis.url}/`);

    const module = await moduleFor({ acrValues: 'urn:habilis:acr:mfa' });
    await page.goto(module.url);
    await page.getByRole('link', { name: 'Se connecter avec Habilis' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Authentification renforcée demandée');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Me reconnecter' }).click();
    await signInWithCode(page, account);
    await page.waitForURL(`${module.url}/`);
    await expect(page.locator('#acr').textContent()).resolves.toBe('urn:habilis:acr:mfa');
    await expect(page.locator('#amr').textContent()).resolves.toBe('pwd otp mfa');
  });
});

describe('Applications clientes', () => {
  it('the region administrator registers a client and sees its secret once; zero axe violations', async () => {
    await ensureTerritory(habilis.deps.db);
    const admin = await buildActiveAccount(habilis.deps.db, PASSWORD, { email: `${randomUUID()}@exemple.test` });
    await buildHabilitation(habilis.deps.db, { accountId: admin.id, profile: 'SANITAIRE_REGION', regionCode: '76' });
    const page = await browser.cleanPage();
    await page.goto(`${habilis.url}/administration/applications`);
    await signInWithCode(page, admin);
    await page.waitForURL(`${habilis.url}/administration/applications`);
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Enregistrer une application' }).click();
    await expectAccessible(page);
    // A refused form first: errors at the fields, accessible.
    await page.getByRole('button', { name: 'Enregistrer l’application' }).click();
    await expect(page.getByRole('heading', { name: /problème/ }).isVisible()).resolves.toBe(true);
    await expectAccessible(page);
    await page.getByLabel('Nom de l’application').fill('Module Grand Âge');
    await page.getByLabel('Identifiant du client (client_id)').fill(`grand-age-${randomUUID().slice(0, 6)}`);
    await page.getByLabel('Adresses de retour (redirect_uri)').fill('https://grand-age.exemple.fr/retour');
    await page.getByLabel('openid — connexion des utilisateurs par Habilis').check();
    await page.getByLabel('habilitations — habilitations actives des domaines cochés').check();
    await page.getByLabel('Grand Âge').check();
    await page.getByRole('button', { name: 'Enregistrer l’application' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Secret de l’application Module Grand Âge');
    await expect(page.locator('#secret').textContent()).resolves.toMatch(/^[\w-]{43}$/);
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Revenir à l’application' }).click();
    await expectAccessible(page);
    await page.goto(`${habilis.url}/documentation/api`);
    await expectAccessible(page);
  });
});
