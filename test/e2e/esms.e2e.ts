/**
 * The ESMS notifications in Chromium (R60–R63): a tier-1 and a tier-3 professional open the same
 * notification (only the tier-3 one has the medical block in the page), a follow-up goes to "liste
 * d'attente" then "admis", and a notification of another ESMS is retrieved. Every page is checked by
 * axe, with no console or CSP error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, signedInPage, startServer, type Browser, type RunningApp } from './browser.js';

/** Pages answered 4xx on purpose in these journeys; any other console error is a defect. */
const EXPECTED_ERRORS = /status of (400|409)\b/;
import { buildEstablishment, ensureTerritory } from '../factories.js';
import { addNotification, buildEsmsWorld, distinctiveDecision, type EsmsWorld } from '../esms-world.js';
import { parisDate } from '../../src/platform/clock.js';
import { adminPrincipal, registerTestClient } from '../idp-world.js';

let server: RunningApp;
let browser: Browser;
let w: EsmsWorld;
const record = distinctiveDecision();
let notificationId: number;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  w = await buildEsmsWorld(server.deps.db);
  notificationId = await addNotification(server.deps.db, w.ime.id, record, w.unitA.id);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('ESMS notifications in Chromium', () => {
  it('R60 R62 a tier-1 and a tier-3 professional open the same notification: only the tier-3 page holds the medical block', async () => {
    const admin = await signedInPage(browser, server, w.tier[1].id, EXPECTED_ERRORS);
    await admin.goto(`${server.url}/esms/tableau-de-bord`);
    await expect(admin.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Tableau de bord des notifications');
    await expectAccessible(admin);
    await admin.getByRole('link', { name: new RegExp(record.person.lastName.toUpperCase()) }).click();
    await expect(admin.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(record.person.lastName.toUpperCase());
    const adminHtml = await admin.content();
    expect(adminHtml).not.toContain('Données médicales');
    expect(adminHtml).not.toContain(record.medical.mainPathology!);
    expect(adminHtml).not.toContain(record.evaluation.careArrangement!);
    await expectAccessible(admin);
    await admin.close();

    const medical = await signedInPage(browser, server, w.tier[3].id, EXPECTED_ERRORS);
    await medical.goto(`${server.url}/esms/notifications/${notificationId}`);
    await expect(medical.getByRole('heading', { level: 2, name: 'Données médicales' }).isVisible()).resolves.toBe(true);
    await expect(medical.getByText(record.medical.mainPathology!).isVisible()).resolves.toBe(true);
    await expect(medical.getByRole('heading', { level: 2, name: 'Consultations des 30 derniers jours' }).isVisible()).resolves.toBe(true);
    await expectAccessible(medical);
    await medical.close();
  });

  it('R61 follow-up to "liste d’attente" then "admis", the history below; a wrong date is refused at its field', async () => {
    const page = await signedInPage(browser, server, w.tier[1].id, EXPECTED_ERRORS);
    await page.goto(`${server.url}/esms/notifications/${notificationId}`);
    await page.getByLabel('Nouveau statut').selectOption('42');
    await page.getByLabel('Date du statut').fill('2099-01-01');
    await page.getByRole('button', { name: 'Enregistrer le suivi' }).click();
    await expect(page.getByText('La date ne peut pas être dans le futur').first().isVisible()).resolves.toBe(true);
    await expectAccessible(page);
    await page.getByLabel('Nouveau statut').selectOption('42');
    await page.getByLabel('Date du statut').fill(parisDate(new Date()));
    await page.getByLabel('Commentaire (facultatif)').fill('Dossier reçu, visite prévue');
    await page.getByRole('button', { name: 'Enregistrer le suivi' }).click();
    await expect(page.getByText('Le suivi a été enregistré.').isVisible()).resolves.toBe(true);
    await page.getByLabel('Nouveau statut').selectOption('71');
    await page.getByRole('button', { name: 'Enregistrer le suivi' }).click();
    await expect(page.getByText('Le suivi a été enregistré.').isVisible()).resolves.toBe(true);
    const history = page.getByRole('table', { name: 'Historique du suivi' });
    await expect(history.getByText("Liste d'attente. Admis dans l'ESMS").isVisible()).resolves.toBe(true);
    await expect(history.getByText('Dossier reçu, visite prévue').isVisible()).resolves.toBe(true);
    await expectAccessible(page);
    await page.goto(`${server.url}/esms/tableau-de-bord?onglet=admis`);
    await expect(page.getByRole('link', { name: new RegExp(record.person.lastName.toUpperCase()) }).isVisible()).resolves.toBe(true);
    await expectAccessible(page);
    await page.close();
  });

  it('R63 retrieval of a notification addressed to another ESMS', async () => {
    const other = distinctiveDecision();
    await addNotification(server.deps.db, w.other.id, other);
    const page = await signedInPage(browser, server, w.tier[2].id, EXPECTED_ERRORS);
    await page.goto(`${server.url}/esms/recuperer`);
    await expectAccessible(page);
    await page.getByLabel('MDPH (département)').fill('34');
    await page.getByLabel('Numéro individuel MDPH').fill(other.person.mdphIndividualNumber);
    await page.getByLabel('Date de naissance').fill('2000-01-01');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await expect(page.getByText('Aucune notification ne correspond à ces trois informations').isVisible()).resolves.toBe(true);
    await expectAccessible(page);
    await page.getByLabel('Date de naissance').fill(other.person.birthDate);
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await expect(page.getByText(`Décision ${other.mdphDecisionId}`).isVisible()).resolves.toBe(true);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Récupérer la notification' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(other.person.lastName.toUpperCase());
    await expect(page.getByRole('heading', { level: 2, name: 'Évaluation des besoins' }).isVisible()).resolves.toBe(true);
    await expectAccessible(page);
    await page.close();
    expect(browser.consoleErrors).toEqual([]);
  });

  it('a region administrator binds a registered application to a region for the import API; an unknown id is refused at its field', async () => {
    const client = await registerTestClient(server.deps, await adminPrincipal(server.deps), { scopes: ['esms.import'], domains: [], redirect: '' });
    const page = await signedInPage(browser, server, w.region.id, EXPECTED_ERRORS);
    await page.goto(`${server.url}/esms/import`);
    await expectAccessible(page);
    await page.getByLabel('Identifiant de l’application (client_id)').fill('module-inconnu');
    await page.getByRole('button', { name: 'Rattacher l’application' }).click();
    await expect(page.locator('#application-error').textContent()).resolves.toContain('Aucune application enregistrée avec la portée esms.import');
    await expectAccessible(page);
    await page.getByLabel('Identifiant de l’application (client_id)').fill(client.clientId);
    await page.getByRole('button', { name: 'Rattacher l’application' }).click();
    await expect(page.getByText('importe désormais dans cette région').isVisible()).resolves.toBe(true);
    await expectAccessible(page);
    await page.close();
    expect(browser.consoleErrors).toEqual([]);
  });

  it('R60 a region administrator lets a registered application read the statuses of an ESMS of their region; another region’s establishment is refused at its field; the binding is withdrawn', async () => {
    const client = await registerTestClient(server.deps, await adminPrincipal(server.deps), { scopes: ['esms.read'], domains: [], redirect: '' });
    await ensureTerritory(server.deps.db, '84', '69');
    const lyon = await buildEstablishment(server.deps.db, { department: '69', region: '84' });
    const page = await signedInPage(browser, server, w.region.id, EXPECTED_ERRORS);
    await page.goto(`${server.url}/esms/import`);
    await expectAccessible(page);
    await page.getByLabel('Identifiant de l’application qui lit les statuts (client_id)').fill(client.clientId);
    await page.getByLabel('Numéro FINESS de l’établissement').fill(lyon.finess);
    await page.getByRole('button', { name: 'Autoriser la lecture des statuts' }).click();
    await expect(page.locator('#read-finess-error').textContent()).resolves.toContain('Aucun établissement de votre région n’a ce numéro FINESS.');
    await expectAccessible(page);
    await page.getByLabel('Numéro FINESS de l’établissement').fill(w.ime.finess);
    await page.getByRole('button', { name: 'Autoriser la lecture des statuts' }).click();
    await expect(page.getByText(`lit désormais les statuts de l’établissement ${w.ime.finess}`).isVisible()).resolves.toBe(true);
    await expectAccessible(page);
    await page.getByRole('button', { name: `Retirer le rattachement de ${client.clientId} à ${w.ime.finess}` }).click();
    await expect(page.getByText(`ne lit plus les statuts de l’établissement ${w.ime.finess}`).isVisible()).resolves.toBe(true);
    await expectAccessible(page);
    await page.close();
    expect(browser.consoleErrors).toEqual([]);
  });
});
