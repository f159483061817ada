/**
 * The directory in Chromium (R50–R52): a referent edits the description of a ROR-synchronised
 * establishment, whose ROR fields are read-only, adds a photograph and a PDF document (a renamed
 * executable is refused at the field); a professional searches establishments and services and
 * opens the sheet; a town typed without its accents finds a sheet that shows its MSSanté address,
 * its temporary closure and its units' hierarchy as the ROR guide gives them. Every page checked by axe.
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
import { buildPdf } from '../pdf.js';
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
  await db
    .updateTable('establishments')
    .set({ ror_synced: true, ror_id: `ror-${tag}`, ror_synced_at: new Date(), city: 'Montpellier', postcode: '34000', domain_code: 'SANITAIRE' })
    .where('id', '=', row.id)
    .execute();
  establishment = { id: row.id, name: row.name };
  const unit = await buildUnit(db, row.id, `Cardiologie ${tag}`);
  // A service as the ROR synchronisation writes it (R50), for the services search (R52).
  await db
    .insertInto('establishment_services')
    .values({ ror_id: `svc-${tag}`, establishment_id: row.id, unit_id: unit.id, name: `Consultations ${tag}`, category: 'Médecine', specialties: 'Cardiologie' })
    .execute();
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
  it('R50 R51 a referent edits the description of a synchronised establishment, whose ROR fields are read-only, adds a photograph and a PDF document, a renamed executable refused at the field', async () => {
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

    // R51: a renamed executable is refused at the field; a real PDF is added and listed.
    const fake = path.join(photoDir, 'reglement.pdf');
    await writeFile(fake, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(4000, 7)]));
    await page.getByRole('link', { name: 'Modifier la fiche' }).click();
    await page.getByLabel('Ajouter un document').setInputFiles(fake);
    await page.getByLabel('Intitulé du document').fill('Règlement intérieur');
    await page.getByRole('button', { name: 'Envoyer le document' }).click();
    await expect(page.locator('#document-error').textContent()).resolves.toContain('n’est pas un document PDF');
    await expect(page.getByLabel('Ajouter un document').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByLabel('Intitulé du document').inputValue()).resolves.toBe('Règlement intérieur');
    await expectAccessible(page);

    const pdf = path.join(photoDir, 'reglement-interieur.pdf');
    await writeFile(pdf, buildPdf('Règlement intérieur'));
    await page.getByLabel('Ajouter un document').setInputFiles(pdf);
    await page.getByRole('button', { name: 'Envoyer le document' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Le document est ajouté.');
    const link = page.getByRole('link', { name: 'Règlement intérieur' });
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^\/annuaire\/documents\/\d+$/);
    const download = await page.request.get(`${server.url}${href}`);
    expect(download.headers()['content-disposition']).toContain('attachment');
    expect(download.headers()['content-type']).toBe('application/pdf');
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
    await expect(page.locator('main').textContent()).resolves.toContain(`Consultations ${tag}`);
    await page.goto(`${server.url}/annuaire/unites?nom=${encodeURIComponent(`cardiologie ${tag}`)}`);
    await expectAccessible(page);
    await page.close();
  });

  it('R50 R52 a town typed without accents finds a closed sheet, which shows its MSSanté address, its closure and its units’ hierarchy', async () => {
    const db = server.deps.db;
    const row = await buildEstablishment(db, { name: `Maison ${tag} Saint-Aphrodise` });
    await db
      .updateTable('establishments')
      .set({ ror_synced: true, ror_id: `ror-b-${tag}`, city: `Béziers${tag}`, postcode: '34500', mssante: `accueil@maison-${tag}.mssante.fr`, email: `contact@maison-${tag}.fr`, email_from_ror: true })
      .set({ closes_on: '2026-01-15', closure_type: 'temporary', reopens_on: '2099-02-01', closed_at: new Date('2026-01-14T23:00:00Z') })
      .where('id', '=', row.id)
      .execute();
    const pole = await buildUnit(db, row.id, `Pôle gériatrie ${tag}`);
    const service = await buildUnit(db, row.id, `Court séjour ${tag}`);
    await db.updateTable('units').set({ unit_type: 'Pôle' }).where('id', '=', pole.id).execute();
    await db.updateTable('units').set({ unit_type: 'Structure interne ou Service', parent_unit_id: pole.id }).where('id', '=', service.id).execute();
    const page = await as(professional);
    await page.goto(`${server.url}/annuaire/etablissements`);
    await page.getByLabel('Commune').fill(`BEZIERS${tag}`);
    await page.getByLabel('Inclure les établissements fermés').check();
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await expect(page.getByRole('table').getByRole('row').count()).resolves.toBe(2);
    await page.getByRole('link', { name: row.name }).click();
    const main = await page.locator('main').textContent();
    expect(main).toContain(`accueil@maison-${tag}.mssante.fr`);
    expect(main).toContain('Fermé temporairement depuis le 15/01/2026');
    expect(main).toContain('Structure interne ou Service');
    await expect(page.getByRole('row', { name: new RegExp(`Court séjour ${tag}`) }).textContent()).resolves.toContain(`Pôle gériatrie ${tag}`);
    await expectAccessible(page);
    await page.close();
  });

  it('R52 a professional searches services by specialty and domain and opens the sheet that offers them', async () => {
    const page = await as(professional);
    await page.goto(`${server.url}/annuaire/etablissements`);
    await page.getByRole('navigation', { name: 'Rechercher dans l’annuaire' }).getByRole('link', { name: 'Services' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Annuaire des services');
    await expectAccessible(page);
    await page.getByLabel('Nom du service').fill(`consultations ${tag}`);
    await page.getByLabel('Catégorie, type ou spécialité').fill('cardio');
    await page.getByLabel('Domaine').selectOption('SANITAIRE');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await expect(page.getByRole('table').getByRole('row').count()).resolves.toBe(2);
    await expect(page.getByRole('table').textContent()).resolves.toContain('Médecine – Cardiologie');
    await expectAccessible(page);
    await page.getByRole('link', { name: establishment.name }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(establishment.name);
    await expect(page.getByRole('heading', { name: 'Services' }).count()).resolves.toBe(1);
    await expect(page.locator('main').textContent()).resolves.toContain(`Consultations ${tag}`);
    await expect(page.getByRole('link', { name: 'Règlement intérieur' }).count()).resolves.toBe(1);
    await expectAccessible(page);
    await page.close();
  });
});
