/** The login journeys in Chromium (R01–R11), each page checked by axe, with no CSP violation. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible, launchBrowser, startServer, type Browser, type RunningApp } from './browser.js';
import { buildActiveAccount } from '../factories.js';
import { latestCode, latestLink, messagesTo } from '../mails.js';
import { createAccount } from '../../src/features/account-admin/account-admin.service.js';
import { SYSTEM_ACTOR } from '../../src/platform/audit/audit.js';

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


async function typeCredentials(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${server.url}/connexion`);
  await page.getByLabel('Nom d’utilisateur').fill(username);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

describe('login journeys in Chromium', () => {
  it('R11 activation → first login → code from the outbox → terms → home', async () => {
    const email = `${randomUUID()}@exemple.test`;
    const account = await createAccount(server.deps, SYSTEM_ACTOR, { lastName: 'Fabre', firstName: 'Inès', email });
    const page = await newPage();
    await page.goto(`${server.url}${await latestLink(server.deps.db, email)}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Activer votre compte');
    await expectAccessible(page);
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('Lune-Pleine-2026');
    await page.getByLabel('Confirmez le nouveau mot de passe').fill('Lune-Pleine-2026');
    await page.getByRole('button', { name: 'Activer mon compte' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Votre compte est activé');
    await expectAccessible(page);

    await page.getByLabel('Nom d’utilisateur').fill(account.username);
    await page.getByLabel('Mot de passe', { exact: true }).fill('Lune-Pleine-2026');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Code de connexion');
    await expectAccessible(page);
    await page.getByLabel('Code reçu').fill(await latestCode(server.deps.db, email));
    await page.getByRole('button', { name: 'Valider' }).click();

    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Conditions générales d’utilisation');
    await expectAccessible(page);
    await page.getByLabel('J’ai lu et j’accepte les conditions générales d’utilisation').check();
    await page.getByRole('button', { name: 'Valider' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Bienvenue sur Habilis');
    await expect(page.getByRole('button', { name: 'Déconnexion' }).isVisible()).resolves.toBe(true);
    await page.close();
  });

  it('R05 the trusted browser skips the code at the next login, even after Déconnexion', async () => {
    const account = await buildActiveAccount(server.deps.db, PASSWORD, { email: `${randomUUID()}@exemple.test` });
    const page = await newPage();
    await typeCredentials(page, account.username, PASSWORD);
    await page.getByLabel('Code reçu').fill(await latestCode(server.deps.db, account.email));
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByRole('button', { name: 'Déconnexion' }).click();
    await expect(page.getByRole('link', { name: 'Se connecter' }).isVisible()).resolves.toBe(true);
    await typeCredentials(page, account.username, PASSWORD);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Bienvenue sur Habilis');
    expect(await messagesTo(server.deps.db, account.email)).toHaveLength(1);
    await page.close();
  });

  it('R01 R02 a wrong password gives the generic message; the fifth blocks the account', async () => {
    const account = await buildActiveAccount(server.deps.db, PASSWORD, { email: `${randomUUID()}@exemple.test` });
    const page = await newPage();
    await typeCredentials(page, account.username, 'Mauvais-Mot-2026');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Nom d’utilisateur ou mot de passe incorrect.');
    await expectAccessible(page);
    for (let i = 0; i < 4; i += 1) await typeCredentials(page, account.username, 'Mauvais-Mot-2026');
    await typeCredentials(page, account.username, PASSWORD);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Compte bloqué');
    await expectAccessible(page);
    await page.close();
  });

  it('R09 forgotten password end to end, the anti-robot check solved by the real widget', async () => {
    const account = await buildActiveAccount(server.deps.db, PASSWORD, { email: `${randomUUID()}@exemple.test` });
    const page = await newPage();
    await page.goto(`${server.url}/connexion`);
    await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
    await expectAccessible(page);
    await page.getByLabel('Nom d’utilisateur').fill(account.username);
    // The widget computes its proof of work in a worker of ours, under the strict CSP.
    await page.locator('altcha-widget input[type="checkbox"]').focus();
    await page.keyboard.press('Space');
    await page.locator('altcha-widget input[name="altcha"]').waitFor({ state: 'attached', timeout: 30_000 });
    await page.waitForFunction(() => (document.querySelector('altcha-widget input[name="altcha"]') as HTMLInputElement | null)?.value.length, null, { timeout: 30_000 });
    await page.getByRole('button', { name: 'Recevoir le lien' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Si ce nom d’utilisateur correspond à un compte');
    const mails = await messagesTo(server.deps.db, account.email);
    expect(mails).toHaveLength(1);

    await page.goto(`${server.url}${await latestLink(server.deps.db, account.email)}`);
    await expectAccessible(page);
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('Orage-Calme-2027');
    await page.getByLabel('Confirmez le nouveau mot de passe').fill('Orage-Calme-2027');
    await page.getByRole('button', { name: 'Enregistrer mon nouveau mot de passe' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Votre mot de passe est enregistré');
    await typeCredentials(page, account.username, 'Orage-Calme-2027');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Code de connexion');
    await page.close();
  });

  it('the pages raised no console error (CSP violations included)', () => {
    expect(browser.consoleErrors).toEqual([]);
  });
});
