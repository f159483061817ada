import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser, startServer, type Browser, type RunningApp } from './browser.js';
import { buildAccount, buildEstablishment, buildHabilitation, openTestSession } from '../factories.js';
import { enqueueMail } from '../../src/platform/outbox/outbox.js';

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

describe('the accessibility check itself', () => {
  it('reports violations on a faulty page, so a clean result means something', async () => {
    const page = await browser.newPage();
    await page.setContent('<html><body><img src="x.png"><input type="text"></body></html>');
    const violations = await axeViolations(page);
    expect(violations.some((v) => v.startsWith('image-alt'))).toBe(true);
    expect(violations.some((v) => v.startsWith('html-has-lang'))).toBe(true);
    await page.close();
  });
});

describe('home page in Chromium', () => {
  it('renders in French with its stylesheet and has no axe violation', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${server.url}/`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('Accueil – Habilis');
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Bienvenue sur Habilis');
    // The stylesheet applied (a CSP or path mistake would leave the header unstyled).
    const background = await page.locator('.site-header').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(background).toBe('rgb(7, 63, 84)');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('the skip link is the first stop of the keyboard and leads to the content', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    expect(await focused.textContent()).toBe('Aller au contenu');
    expect(await focused.isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    expect(page.url()).toBe(`${server.url}/#contenu`);
    await page.close();
  });

  it('shows the signed-in person, Déconnexion and the menus, with no axe violation', async () => {
    const account = await buildAccount(server.deps.db, { first_name: 'Hélène', last_name: 'Martin' });
    const establishment = await buildEstablishment(server.deps.db);
    await buildHabilitation(server.deps.db, { accountId: account.id, profile: 'REFERENT_STRUCTURE', establishmentId: establishment.id });
    const cookie = await openTestSession(server.deps.db, account.id);
    const [name, value] = cookie.split('=') as [string, string];
    await browser.context.addCookies([{ name, value, url: server.url }]);
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await expect(page.getByRole('link', { name: 'Hélène MARTIN' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Déconnexion' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Comptes et habilitations' }).isVisible()).resolves.toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await browser.context.clearCookies();
    await page.close();
  });

  it('the 404 page is in French and has no axe violation', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${server.url}/page-qui-n-existe-pas`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Page introuvable');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('the development mail viewer shows a queued mail and has no axe violation', async () => {
    await enqueueMail(server.deps.db, { to: 'camille@exemple.test', subject: 'Votre compte Habilis', text: 'Bonjour Camille' });
    const page = await browser.newPage();
    await page.goto(`${server.url}/dev/mails`);
    await expect(page.getByRole('heading', { name: 'Votre compte Habilis' }).first().isVisible()).resolves.toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
