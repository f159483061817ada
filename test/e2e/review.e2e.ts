/**
 * The review of habilitations in Chromium (R39, R35, R36, R37, R25): a structure referent chooses
 * the filters, sorts, changes an end date, deletes a row after its confirmation page, and downloads
 * the export, which exceljs opens. Every page is checked by axe, with no console or CSP error.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { expectAccessible, launchBrowser, signedInPage, startServer, type Browser, type RunningApp } from './browser.js';

/** Pages answered 4xx on purpose in these journeys; any other console error is a defect. */
const EXPECTED_ERRORS = /status of 400\b/;
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit } from '../factories.js';
import { addToDate, formatDate, parisDate } from '../../src/platform/clock.js';
import type { Account } from '../../src/db/schema.js';

let server: RunningApp;
let browser: Browser;
const today = parisDate(new Date());
const world = {} as {
  establishment: { id: number; name: string; finess: string };
  referent: Account;
  coordination: Account;
  soon: Account;
  leaving: Account;
  other: Account;
};

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const db = server.deps.db;
  const establishment = await buildEstablishment(db, { department: '34', region: '76', name: 'Centre hospitalier des Garrigues' });
  await db.updateTable('establishments').set({ domain_code: 'SANITAIRE' }).where('id', '=', establishment.id).execute();
  const cardiology = await buildUnit(db, establishment.id, 'Cardiologie');
  const geriatrics = await buildUnit(db, establishment.id, 'Gériatrie');
  const holder = async (firstName: string, lastName: string, profile: string, place: { unitId?: number; establishmentId?: number; departmentCode?: string }, end?: string) => {
    const account = await buildAccount(db, { first_name: firstName, last_name: lastName });
    await buildHabilitation(db, { accountId: account.id, profile, ...place, ...(end ? { end } : {}) });
    return account;
  };
  world.establishment = establishment;
  world.referent = await holder('Hélène', 'Martinez', 'REFERENT_STRUCTURE', { establishmentId: establishment.id });
  world.coordination = await holder('Louis', 'Nguyen', 'SANITAIRE_COORDINATION', { departmentCode: '34' });
  world.soon = await holder('Émilie', 'Vincent', 'SANITAIRE_PRESCRIPTEUR', { unitId: cardiology.id }, addToDate(today, { days: 10 }));
  world.leaving = await holder('Bruno', 'Arnaud', 'SANITAIRE_RECEVEUR', { unitId: geriatrics.id });
  world.other = await holder('Zoé', 'Blanc', 'SANITAIRE_PRESCRIPTEUR', { unitId: geriatrics.id }, addToDate(today, { days: 25 }));
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const h1 = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

describe('review of habilitations in Chromium', () => {
  it('R39 R37 R35 R36 a referent reviews, sorts, changes an end date, deletes a row and downloads the export', async () => {
    const page = await signedInPage(browser, server, world.referent.id, EXPECTED_ERRORS);
    await page.goto(`${server.url}/administration/revue`);
    await expect(h1(page)).resolves.toBe('Revue des habilitations');
    await expectAccessible(page);

    // The filters, chosen as a user does (they also come preselected for a referent of one structure).
    await page.getByLabel('Domaine').selectOption('SANITAIRE');
    await page.getByLabel('Coordination (département)').selectOption('34');
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.getByLabel('Structure', { exact: true }).selectOption(String(world.establishment.id));
    await page.getByRole('button', { name: 'Afficher' }).click();
    await expect(page.getByRole('heading', { level: 2, name: `Habilitations de ${world.establishment.name}` }).isVisible()).resolves.toBe(true);
    // R37: colour and words.
    const soonRow = page.getByRole('row', { name: /VINCENT/ });
    await expect(soonRow.getByText('expire dans 10 jours').isVisible()).resolves.toBe(true);
    await expect(page.getByRole('row', { name: /BLANC/ }).getByText('expire dans 25 jours').isVisible()).resolves.toBe(true);
    // R25: one referent only.
    await expect(page.getByText('Moins de 2 référents').isVisible()).resolves.toBe(true);
    // R38: the rights open without JavaScript.
    await soonRow.getByText('Droits').click();
    await expect(soonRow.getByText('Créer et envoyer des demandes d’admission (prescripteur)').isVisible()).resolves.toBe(true);
    await expectAccessible(page);

    // Sort by end date: the soonest first.
    await page.getByRole('columnheader', { name: /^Fin/ }).getByRole('link').click();
    await expect(page.getByRole('columnheader', { name: /^Fin/ }).getAttribute('aria-sort')).resolves.toBe('ascending');
    const firstRow = page.locator('tbody tr').first();
    await expect(firstRow.locator('th').textContent()).resolves.toBe('VINCENT');
    await expectAccessible(page);

    // R35: prolong Émilie Vincent's habilitation from her row.
    const newEnd = addToDate(today, { years: 1, months: 6 });
    await page.getByLabel('Nouvelle date de fin de l’habilitation de Émilie VINCENT, Sanitaire - Prescripteur').fill(newEnd);
    await page.getByRole('button', { name: 'Changer la fin (prolonger ou raccourcir) de l’habilitation de Émilie VINCENT, Sanitaire - Prescripteur' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'La date de fin de l’habilitation est modifiée.' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('row', { name: /VINCENT/ }).getByText(formatDate(newEnd)).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('columnheader', { name: /^Fin/ }).getAttribute('aria-sort')).resolves.toBe('ascending');
    await expectAccessible(page);

    // R35: a date beyond 5 years comes back at its field (the browser's own check bypassed, as a forged form would).
    const input = page.getByLabel('Nouvelle date de fin de l’habilitation de Zoé BLANC, Sanitaire - Prescripteur');
    await input.evaluate((el) => el.removeAttribute('max'));
    await input.fill(addToDate(today, { years: 7 }));
    await page.getByRole('button', { name: 'Changer la fin (prolonger ou raccourcir) de l’habilitation de Zoé BLANC, Sanitaire - Prescripteur' }).click();
    await expect(h1(page)).resolves.toBe('Modifier la date de fin');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Une habilitation dure au plus 5 ans');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Annuler et revenir à la revue' }).click();

    // R36: delete Bruno Arnaud's habilitation, after the confirmation page.
    await page.getByRole('link', { name: 'Supprimer l’habilitation de Bruno ARNAUD, Sanitaire - Receveur' }).click();
    await expect(h1(page)).resolves.toBe('Supprimer l’habilitation');
    await expect(page.getByText(`Bruno ARNAUD (${world.leaving.username})`).isVisible()).resolves.toBe(true);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Confirmer la suppression' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'L’habilitation est supprimée.' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('row', { name: /ARNAUD/ }).count()).resolves.toBe(0);
    await page.getByLabel('Afficher les habilitations supprimées ou expirées').check();
    await page.getByRole('button', { name: 'Afficher' }).click();
    await expect(page.getByRole('row', { name: /ARNAUD/ }).getByText(/Supprimée le/).isVisible()).resolves.toBe(true);
    await expectAccessible(page);
    const deleted = await server.deps.db.selectFrom('habilitations').select(['deleted_at', 'deleted_by_account_id']).where('account_id', '=', world.leaving.id).executeTakeFirstOrThrow();
    expect(deleted.deleted_by_account_id).toBe(world.referent.id);

    // "Exporter": the file downloads and opens, with the rows of the screen.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Exporter/ }).click()]);
    expect(download.suggestedFilename()).toBe(`revue-habilitations-${world.establishment.finess}-${today}.xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile((await download.path())!)) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Revue des habilitations')!;
    expect(sheet.getRow(1).getCell(1).value).toBe('Nom');
    const names = sheet.getSheetValues().slice(2).map((row) => (row as unknown[])[1]);
    expect(names).toEqual(expect.arrayContaining(['MARTINEZ', 'VINCENT', 'ARNAUD', 'BLANC']));
    expect(sheet.getRow(2).getCell(9).value).toBeInstanceOf(Date);
    await page.close();
  });

  it('R25 a coordination lists the structures of its department with fewer than 2 referents', async () => {
    const page = await signedInPage(browser, server, world.coordination.id, EXPECTED_ERRORS);
    await page.goto(`${server.url}/administration/structures-sans-referents`);
    await expect(h1(page)).resolves.toBe('Structures avec moins de 2 référents');
    await expect(page.getByRole('rowheader', { name: world.establishment.name }).isVisible()).resolves.toBe(true);
    await expectAccessible(page);
    await page.getByRole('link', { name: `Revue des habilitations de ${world.establishment.name}` }).click();
    await expect(page.getByRole('heading', { level: 2, name: `Habilitations de ${world.establishment.name}` }).isVisible()).resolves.toBe(true);
    await expectAccessible(page);
    await page.close();
  });

  it('the pages raised no console error (CSP violations included)', () => {
    expect(browser.consoleErrors).toEqual([]);
  });
});
