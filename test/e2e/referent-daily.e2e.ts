/**
 * Referents' daily work in Chromium (issue 13): a referent adds a habilitation to an account from
 * another structure (R26); a prolongation shows its dates (R35); a region user runs a review (R39);
 * pages at 390 and 1366 px wide have no horizontal page scroll. Every page checked by axe.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible, launchBrowser, signedInPage, startServer, type Browser, type RunningApp } from './browser.js';
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit, ensureTerritory } from '../factories.js';
import { addToDate, formatDate, parisDate } from '../../src/platform/clock.js';
import type { Account } from '../../src/db/schema.js';

let server: RunningApp;
let browser: Browser;
const tag = randomUUID().slice(0, 6).replace(/\d/g, 'q');
const today = parisDate(new Date());
// A territory of its own: the review's lists hold this file's structures only.
const REGION = '96';
const DEPT = '961';
const w = {} as { estA: { id: number; name: string }; unitA: { id: number; name: string }; referent: Account; region: Account; mover: Account; staff: Account; ending: Account };

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const db = server.deps.db;
  await ensureTerritory(db, REGION, DEPT);
  w.estA = await buildEstablishment(db, { department: DEPT, region: REGION, name: `Hôpital Arrivée ${tag}`, domain: 'SANITAIRE' });
  w.unitA = await buildUnit(db, w.estA.id, 'Pneumologie');
  const estB = await buildEstablishment(db, { department: DEPT, region: REGION, name: `Clinique Départ ${tag}`, domain: 'SANITAIRE' });
  w.referent = await buildAccount(db, { first_name: 'Hélène', last_name: `Accueil${tag}` });
  await buildHabilitation(db, { accountId: w.referent.id, profile: 'REFERENT_STRUCTURE', establishmentId: w.estA.id });
  w.region = await buildAccount(db, { first_name: 'Louis', last_name: `Région${tag}` });
  await buildHabilitation(db, { accountId: w.region.id, profile: 'SANITAIRE_REGION', regionCode: REGION });
  w.mover = await buildAccount(db, { first_name: 'Noémie', last_name: `Mobile${tag}` });
  await buildHabilitation(db, { accountId: w.mover.id, profile: 'SANITAIRE_RECEVEUR', unitId: (await buildUnit(db, estB.id, 'Accueil')).id });
  w.staff = await buildAccount(db, { first_name: 'Paul', last_name: `Equipe${tag}` });
  await buildHabilitation(db, { accountId: w.staff.id, profile: 'SANITAIRE_PRESCRIPTEUR', unitId: w.unitA.id, start: today, end: addToDate(today, { months: 3 }) });
  w.ending = await buildAccount(db, { first_name: 'Lina', last_name: `Bientôt${tag}` });
  await buildHabilitation(db, { accountId: w.ending.id, profile: 'SANITAIRE_RECEVEUR', unitId: w.unitA.id, end: addToDate(today, { days: 10 }) });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedIn(account: Account, width = 1366): Promise<Page> {
  const page = await signedInPage(browser, server, account.id);
  await page.setViewportSize({ width, height: 900 });
  return page;
}

const h1 = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

describe('referents’ daily work in Chromium', () => {
  it('R26 a referent adds a habilitation to an account from another structure, found by its exact username', async () => {
    const page = await signedIn(w.referent);
    await page.goto(`${server.url}/administration/comptes`);
    await page.getByLabel('Nom, prénom, nom d’utilisateur ou adresse e-mail').fill(w.mover.username);
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await expect(page.getByRole('row', { name: new RegExp(w.mover.username) }).textContent()).resolves.toContain('hors de votre périmètre');
    await expect(page.locator('main').textContent()).resolves.not.toContain(w.mover.email);
    await expectAccessible(page);
    await page.getByRole('link', { name: `Ajouter une habilitation de votre périmètre à Noémie MOBILE${tag.toUpperCase()}` }).click();
    await expect(h1(page)).resolves.toBe('Attribuer une habilitation');
    await expectAccessible(page);
    await page.getByLabel('Profil', { exact: true }).selectOption({ label: 'Sanitaire - Receveur' });
    await page.getByLabel('Lieu', { exact: true }).selectOption({ label: `${w.estA.name} – Pneumologie` });
    await page.getByRole('button', { name: 'Attribuer' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('L’habilitation est attribuée.');
    await expect(h1(page)).resolves.toContain(`Noémie MOBILE${tag.toUpperCase()}`);
    await expect(page.getByRole('table').last().textContent()).resolves.toContain(`Habilitation ajoutée par Hélène ACCUEIL${tag.toUpperCase()}`);
    await expectAccessible(page);
    await page.close();
  });

  it('R35 a prolongation shows its dates and never shortens', async () => {
    const page = await signedIn(w.referent);
    await page.goto(`${server.url}/administration/comptes/${w.staff.id}`);
    const oneYear = formatDate(addToDate(today, { years: 1 }));
    await expect(page.getByRole('button', { name: `Prolonger Sanitaire - Prescripteur jusqu’au ${oneYear} (+1 an)` }).textContent()).resolves.toBe(`+1 an → ${oneYear}`);
    await expectAccessible(page);
    await page.getByRole('button', { name: /\(\+1 an\)$/ }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('La date de fin est enregistrée.');
    // Now ending in a year: "+6 mois" would shorten it, so it is gone; "+1 an" too.
    await expect(page.getByRole('button', { name: /\(\+6 mois\)$/ }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: /\(\+1 an\)$/ }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: /\(\+2 ans\)$/ }).count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: /Changer la fin \(prolonger ou raccourcir\)/ }).isVisible()).resolves.toBe(true);
    await page.close();
  });

  it('R39 a region user runs a review: the domain and the coordination load the structure list', async () => {
    const page = await signedIn(w.region);
    await page.goto(`${server.url}/administration/revue`);
    await expect(page.getByLabel('Structure', { exact: true }).textContent()).resolves.toContain('Choisissez d’abord un domaine et une coordination');
    await expectAccessible(page);
    await Promise.all([page.waitForURL(/domaine=SANITAIRE/), page.getByLabel('Domaine').selectOption('SANITAIRE')]);
    await Promise.all([page.waitForURL(new RegExp(`coordination=${DEPT}`)), page.getByLabel('Coordination (département)').selectOption(DEPT)]);
    await page.getByLabel('Structure', { exact: true }).selectOption(String(w.estA.id));
    await page.getByRole('button', { name: 'Afficher' }).click();
    await expect(page.getByRole('heading', { level: 2, name: `Habilitations de ${w.estA.name}` }).isVisible()).resolves.toBe(true);
    await expectAccessible(page);
    await page.close();
  });

  it('R37 R42 Mon compte flags a habilitation ending within 15 days and says whom to ask', async () => {
    const page = await signedIn(w.ending, 390);
    await page.goto(`${server.url}/mon-compte`);
    const cell = page.getByRole('row', { name: /Sanitaire - Receveur/ }).getByText('expire dans 10 jours');
    await expect(cell.isVisible()).resolves.toBe(true);
    await expect(page.getByRole('row', { name: /Sanitaire - Receveur/ }).getByRole('link', { name: 'Mes référents' }).isVisible()).resolves.toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectAccessible(page);
    await page.close();
  });

  it('the menu collapses behind a "Menu" button at 390 px, and is open as it is at 1366 px', async () => {
    const narrow = await signedIn(w.referent, 390);
    await narrow.goto(`${server.url}/administration/comptes`);
    const toggle = narrow.getByRole('button', { name: 'Menu' });
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(narrow.locator('.main-nav').getByRole('link', { name: 'Revue des habilitations' }).isVisible()).resolves.toBe(false);
    await toggle.click();
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
    await expect(narrow.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Revue des habilitations' }).isVisible()).resolves.toBe(true);
    await expectAccessible(narrow);
    await narrow.close();
    const wide = await signedIn(w.referent, 1366);
    await wide.goto(`${server.url}/administration/comptes`);
    await expect(wide.getByRole('button', { name: 'Menu' }).isVisible()).resolves.toBe(false);
    await expect(wide.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Revue des habilitations' }).isVisible()).resolves.toBe(true);
    await wide.close();
  });

  for (const width of [390, 1366]) {
    it(`pages at ${width} px wide: no horizontal page scroll, no axe violation`, async () => {
      const page = await signedIn(w.referent, width);
      for (const path of ['/administration/comptes?q=equipe', `/administration/comptes/${w.staff.id}`, `/administration/revue?domaine=SANITAIRE&coordination=${DEPT}&structure=${w.estA.id}`]) {
        await page.goto(`${server.url}${path}`);
        // The page itself never scrolls sideways; wide tables scroll inside their frame.
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `${path} at ${width} px`).toBeLessThanOrEqual(width);
        await expectAccessible(page);
      }
      await page.close();
    });
  }
});
