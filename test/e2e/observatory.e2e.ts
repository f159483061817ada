/**
 * The Observatoire in Chromium (R70): a coordination chooses a request, fills the period and a
 * criterion behind "+", sends it, waits on Consulter (the polling script reloads the page once the
 * real pg-boss job has made it ready), sees the charts, and downloads the Excel file, which exceljs
 * opens. Every page is checked by axe, with no console or CSP error.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { expectAccessible, launchBrowser, signedInPage, startServer, type Browser, type RunningApp } from './browser.js';

/** Pages answered 4xx on purpose in these journeys; any other console error is a defect. */
const EXPECTED_ERRORS = /status of 400\b/;
import { addEsmsNotification, buildObservatoryWorld, type ObservatoryWorld } from '../observatory-world.js';
import { buildAccount, buildEstablishment, buildHabilitation, ensureTerritory } from '../factories.js';
import { addToDate, parisDate } from '../../src/platform/clock.js';
import { startJobs, type Jobs } from '../../src/platform/jobs/jobs.js';
import { observatoryOrderJob } from '../../src/features/observatory/observatory-order.job.js';

let server: RunningApp;
let browser: Browser;
let jobs: Jobs;
let w: ObservatoryWorld;
const today = parisDate(new Date());

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  w = await buildObservatoryWorld(server.deps.db);
  jobs = await startJobs(server.deps.config.databaseUrl!, [], server.deps.logger, { work: true, queues: [observatoryOrderJob(server.deps)] });
  server.deps.jobs = jobs;
});
afterAll(async () => {
  await jobs?.stop();
  await browser?.close();
  await server?.stop();
});

describe('Observatoire in Chromium', () => {
  it('R70 a coordination orders, waits, sees the charts and downloads the Excel file', async () => {
    const page = await signedInPage(browser, server, w.coordinationA.id, EXPECTED_ERRORS);
    await page.goto(server.url);
    await page.getByRole('link', { name: 'Commander' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Commander des statistiques');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Habilitations actives par profil et par lieu' }).click();
    await expectAccessible(page);
    // Sent without a period: refused at the fields, in French.
    await page.getByRole('button', { name: 'Envoyer la demande' }).click();
    await expect(page.getByText('Indiquez le début de la période, au format JJ/MM/AAAA.').first().isVisible()).resolves.toBe(true);
    await expectAccessible(page);

    await page.getByLabel('Du').fill(addToDate(today, { months: -1 }));
    await page.getByLabel('Au').fill(today);
    await page.getByText('+ Ajouter des critères').click();
    await page.getByLabel('Département (coordination)').selectOption('911');
    await page.getByLabel('Commentaire (facultatif)').fill('Comité régional de décembre');
    await page.getByRole('button', { name: 'Envoyer la demande' }).click();
    await expect(page.getByText('Demande envoyée').isVisible()).resolves.toBe(true);
    await expectAccessible(page);

    // The script asks the status and reloads once the job is done; no click needed.
    await page.getByRole('link', { name: /^Voir/ }).first().waitFor({ timeout: 30_000 });
    await expect(page.locator('[data-order-status]').first().textContent()).resolves.toBe('prête');
    await expect(page.getByText('Comité régional de décembre').isVisible()).resolves.toBe(true);
    await expectAccessible(page);

    await page.getByRole('link', { name: /^Voir/ }).first().click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Habilitations actives par profil et par lieu');
    const chart = page.getByRole('img', { name: /Habilitations actives par profil/ });
    await expect(chart.isVisible()).resolves.toBe(true);
    await expect(page.getByRole('table', { name: /Données du graphique/ }).isVisible()).resolves.toBe(true);
    await expect(page.getByText('Secret statistique').isVisible()).resolves.toBe(true);
    await expectAccessible(page);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Télécharger le fichier Excel/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/^statistiques-habilitations-actives-.*\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile((await download.path())!)) as unknown as ArrayBuffer);
    expect(workbook.worksheets[0]!.name).toBe('Paramètres');
    const parameters = Object.fromEntries(workbook.worksheets[0]!.getSheetValues().slice(2).map((row) => [(row as unknown[])[1], (row as unknown[])[2]]));
    expect(parameters['Critères']).toBe('Département (coordination) : 911 – Département 911');
    expect(parameters['Fin de la période']).toBeInstanceOf(Date);
    const places = workbook.getWorksheet('Habilitations par lieu')!;
    const rows = places.getSheetValues().slice(2) as unknown[][];
    expect(rows.find((r) => r[2] === 'Centre Alpha')?.[4]).toBe(9);
    expect(rows.find((r) => r[2] === 'Clinique Bêta')?.[4]).toBe('< 5');
    expect(rows.some((r) => r[2] === 'Hôpital Gamma')).toBe(false);
    expect(browser.consoleErrors).toEqual([]);
  });

  it('R70 a Handicap region orders the follow-up funnel and reads it as an accessible chart', async () => {
    const db = server.deps.db;
    await ensureTerritory(db, '97', '979');
    const ime = await buildEstablishment(db, { region: '97', department: '979', name: 'IME Les Oliviers', domain: 'HANDICAP' });
    for (let i = 0; i < 12; i += 1) {
      const path: [string, number][] = [['40', 2], ['41', 6], ['42', 15], ['47', 60]].slice(0, 1 + (i % 4)) as [string, number][];
      await addEsmsNotification(db, ime.id, { category: '183', decided: -90, age: 11, path: i < 2 ? [] : path });
    }
    const region = await buildAccount(db);
    await buildHabilitation(db, { accountId: region.id, profile: 'HANDICAP_REGION', regionCode: '97' });
    const page = await signedInPage(browser, server, region.id, EXPECTED_ERRORS);
    await page.goto(`${server.url}/observatoire/commander`);
    await page.getByRole('link', { name: 'Parcours de suivi : de la notification à l’entrée' }).click();
    await page.getByLabel('Du').fill(addToDate(today, { months: -6 }));
    await page.getByLabel('Au').fill(today);
    await page.getByText('+ Ajouter des critères').click();
    await page.getByLabel('Catégorie d’orientation').selectOption('183');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Envoyer la demande' }).click();
    await page.getByRole('link', { name: /^Voir/ }).first().waitFor({ timeout: 30_000 });
    await page.getByRole('link', { name: /^Voir/ }).first().click();
    await expect(page.getByRole('img', { name: /Entonnoir du suivi des notifications/ }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('table', { name: /Données du graphique : Entonnoir/ }).isVisible()).resolves.toBe(true);
    await expectAccessible(page);
    expect(browser.consoleErrors).toEqual([]);
  });
});
