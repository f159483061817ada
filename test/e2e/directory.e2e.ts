/**
 * The directory in Chromium (R50–R52): a referent edits the description of a ROR-synchronised
 * establishment, whose ROR fields are read-only, and adds a photograph; a professional searches and
 * opens the sheet. Every page checked by axe.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible, launchBrowser, startServer, type Browser, type RunningApp } from './browser.js';
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit, openTestSession } from '../factories.js';
import type { Account } from '../../src/db/schema.js';

let server: RunningApp;
let browser: Browser;
let referent: Account;
let professional: Account;
let establishment: { id: number; name: string };
let photoDir: string;
const tag = randomUUID().slice(0, 6).replace(/\d/g, 'q');

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  photoDir = await mkdtemp(path.join(tmpdir(), 'habilis-photo-'));
  const db = server.deps.db;
  const row = await buildEstablishment(db, { name: `Clinique ${tag}` });
  await db.updateTable('establishments').set({ ror_synced: true, ror_id: `ror-${tag}`, ror_synced_at: new Date(), city: 'Montpellier', postcode: '34000' }).where('id', '=', row.id).execute();
  establishment = { id: row.id, name: row.name };
  const unit = await buildUnit(db, row.id, `Cardiologie ${tag}`);
  referent = await buildAccount(db, { first_name: 'Hélène', last_name: `Référente${tag}` });
  await buildHabilitation(db, { accountId: referent.id, profile: 'REFERENT_STRUCTURE', establishmentId: row.id });
  professional = await buildAccount(db, { first_name: 'Paul', last_name: `Prescripteur${tag}` });
  await buildHabilitation(db, { accountId: professional.id, profile: 'SANITAIRE_PRESCRIPTEUR', unitId: unit.id });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (photoDir) await rm(photoDir, { recursive: true, force: true });
});

async function as(account: Account): Promise<Page> {
  await browser.context.clearCookies();
  const cookie = await openTestSession(server.deps.db, account.id);
  const [name, value] = cookie.split('=') as [string, string];
  await browser.context.addCookies([{ name, value, url: server.url }]);
  return browser.newPage();
}

describe('the directory in Chromium', () => {
  it('R50 R51 a referent edits the description of a synchronised establishment, whose ROR fields are read-only, and adds a photograph', async () => {
    const page = await as(referent);
    await page.goto(`${server.url}/annuaire/etablissements/${establishment.id}`);
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Modifier la fiche' }).click();
    await expectAccessible(page);
    // R50: the name is shown, marked, and not an input.
    await expect(page.getByText('synchronisé ROR').count()).resolves.toBeGreaterThan(0);
    await expect(page.getByLabel('Nom', { exact: true }).count()).resolves.toBe(0);
    await expect(page.locator('.ror-owned').textContent()).resolves.toContain(establishment.name);

    await page.getByLabel('Description').fill('Clinique de 80 lits, accueil 24 h sur 24.');
    await page.getByLabel('Itinéraire d’accès').fill('Tram 1, arrêt Occitanie.');
    await page.getByRole('button', { name: 'Enregistrer la fiche' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('La fiche est enregistrée.');
    await expect(page.locator('main').textContent()).resolves.toContain('Clinique de 80 lits, accueil 24 h sur 24.');
    await expectAccessible(page);

    const file = path.join(photoDir, 'facade.jpg');
    await writeFile(file, await sharp({ create: { width: 640, height: 480, channels: 3, background: '#4477aa' } }).jpeg().toBuffer());
    await page.getByRole('link', { name: 'Modifier la fiche' }).click();
    await page.getByLabel('Ajouter une photographie').setInputFiles(file);
    await page.getByLabel('Texte alternatif (ce que montre la photographie)').fill('Façade de la clinique');
    await page.getByRole('button', { name: 'Envoyer la photographie' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('La photographie est ajoutée.');
    const image = page.getByRole('img', { name: 'Façade de la clinique' });
    await expect(image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).resolves.toBe(320);
    await expectAccessible(page);
    await page.close();
  });

  it('R52 a professional searches the directory and opens a sheet', async () => {
    const page = await as(professional);
    await page.goto(`${server.url}/annuaire/etablissements`);
    await expectAccessible(page);
    await page.getByLabel('Nom', { exact: true }).fill(`clinique ${tag}`);
    await page.getByLabel('Département').selectOption('34');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await expect(page.getByRole('table').getByRole('row').count()).resolves.toBe(2);
    await expectAccessible(page);
    await page.getByRole('link', { name: establishment.name }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(establishment.name);
    await expect(page.locator('main').textContent()).resolves.toContain(`Cardiologie ${tag}`);
    await expect(page.getByRole('link', { name: 'Modifier la fiche' }).count()).resolves.toBe(0);
    await expectAccessible(page);
    await page.goto(`${server.url}/annuaire/unites?nom=${encodeURIComponent(`cardiologie ${tag}`)}`);
    await expectAccessible(page);
    await page.close();
  });
});
