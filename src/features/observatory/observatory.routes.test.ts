/**
 * The Observatoire through HTTP (R70), as orderers and attackers see it: order → job → ready →
 * Voir → download → purge (the clock travels), every bad input refused in French with a 4xx and
 * nothing written, another person's order absent, at most 5 open orders (atomic), the JSON status.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { agentOf, buildObservatoryWorld, writtenBy, type ObservatoryWorld } from '../../../test/observatory-world.js';
import { addToDate, fixedClock, parisDate } from '../../platform/clock.js';
import { computeOrder } from './observatory-compute.service.js';
import { purgeObservatory } from './observatory-purge.job.js';
import { PARAMETERS_SHEET } from './observatory.export.js';

let t: TestApp;
let w: ObservatoryWorld;
const clock = fixedClock(new Date());
const today = () => parisDate(clock.now());

beforeAll(async () => {
  t = await buildTestApp({ deps: { clock } });
  w = await buildObservatoryWorld(t.deps.db);
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  clock.set(new Date());
});

const orderIdOf = (location: string | undefined) => Number(/commande=(\d+)/.exec(location ?? '')?.[1]);

async function order(account = w.coordinationA, fields: Record<string, string> = {}) {
  const agent = await agentOf(t, account);
  const response = await agent.post('/observatoire/commander', { demande: 'habilitations-actives', debut: addToDate(today(), { months: -1 }), fin: today(), commentaire: 'Pour le comité de pilotage', ...fields });
  return { agent, response, id: orderIdOf(response.headers.location as string | undefined) };
}

describe('R70 Commander → Consulter → Voir → Excel → purge', () => {
  it('R70 an order is computed by its job, shown with charts, downloaded (audited) and deleted 10 days after it is ready', async () => {
    const catalogue = await (await agentOf(t, w.coordinationA)).get('/observatoire/commander');
    expect(catalogue.statusCode).toBe(200);
    expect(catalogue.body).toContain('Habilitations actives par profil et par lieu');
    expect(catalogue.body).toContain('Délai de consolidation');
    const form = await (await agentOf(t, w.coordinationA)).get('/observatoire/commander?demande=habilitations-actives');
    expect(form.body).toContain('Envoyer la demande');
    expect(form.body).toContain('+ Ajouter des critères');
    expect(form.body).toContain('Clinique Bêta');
    expect(form.body).not.toContain('Hôpital Gamma'); // another department: not offered to a coordination of 911

    const { agent, response, id } = await order();
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/observatoire/consulter?commande=${id}&consolidation=1`);
    const ordered = await t.deps.db.selectFrom('audit_events').selectAll().where('code', '=', 'OBSERVATORY_ORDERED').where('actor_account_id', '=', w.coordinationA.id).execute();
    expect(ordered.map((e) => e.details)).toContainEqual({ orderId: id, request: 'habilitations-actives' });

    const pending = await agent.get(`/observatoire/consulter?commande=${id}&consolidation=1`);
    expect(pending.body).toContain('en attente');
    expect(pending.body).toContain('Pour le comité de pilotage');
    expect(pending.body).toContain('moins de 15 jours');
    expect(pending.body).toContain('>Actualiser</a>');
    const status = await agent.get('/observatoire/consulter/etat', { accept: 'application/json' });
    expect(status.json()).toMatchObject({ open: true, orders: expect.arrayContaining([{ id, status: 'pending' }]) });
    expect((await agent.get(`/observatoire/commandes/${id}`)).statusCode).toBe(409);

    expect(await computeOrder(t.deps, id)).toBe('ready');
    expect(await computeOrder(t.deps, id)).toBe('skipped'); // a second delivery changes nothing

    const ready = await agent.get('/observatoire/consulter');
    expect(ready.body).toContain(`href="/observatoire/commandes/${id}"`);
    expect(ready.body).toContain(`href="/observatoire/commandes/${id}/excel"`);
    const page = await agent.get(`/observatoire/commandes/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<svg');
    expect(page.body).toMatch(/<title id="graphique-1-title">Habilitations actives par profil<\/title>/);
    expect(page.body).toContain('<desc id="graphique-1-desc">');
    expect(page.body).toContain('Données du graphique');
    expect(page.body).toContain('Centre Alpha');
    expect(page.body).toContain('&lt; 5'); // Clinique Bêta's 3 receivers

    const file = await agent.get(`/observatoire/commandes/${id}/excel`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([PARAMETERS_SHEET, 'Habilitations par profil', 'Habilitations par lieu']);
    const parameters = workbook.getWorksheet(PARAMETERS_SHEET)!;
    expect(parameters.getCell('A2').value).toBe('Demande');
    expect(parameters.getCell('B3').value).toBeInstanceOf(Date);
    const places = workbook.getWorksheet('Habilitations par lieu')!;
    expect(places.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(places.getColumn(2).width).toBeGreaterThanOrEqual(10);
    const alpha = places.getRows(2, places.rowCount - 1)!.find((r) => r.getCell(2).value === 'Centre Alpha')!;
    expect(alpha.getCell(4).value).toBe(9); // 8 prescribers + the referent
    const downloads = await t.deps.db.selectFrom('audit_events').select('details').where('code', '=', 'OBSERVATORY_DOWNLOADED').where('actor_account_id', '=', w.coordinationA.id).execute();
    expect(downloads.map((d) => d.details)).toContainEqual({ orderId: id, request: 'habilitations-actives' });

    // 10 days later the file and the result are gone; the order stays listed, "expirée", then leaves.
    clock.advance(10 * 86_400_000 - 60_000);
    await purgeObservatory(t.deps);
    expect((await (await agentOf(t, w.coordinationA, clock.now())).get(`/observatoire/commandes/${id}/excel`)).statusCode).toBe(200);
    clock.advance(120_000);
    expect((await purgeObservatory(t.deps)).expired).toBeGreaterThanOrEqual(1);
    const later = await agentOf(t, w.coordinationA, clock.now());
    expect((await later.get(`/observatoire/commandes/${id}/excel`)).statusCode).toBe(409);
    expect((await later.get('/observatoire/consulter')).body).toContain('expirée');
    expect(await t.deps.db.selectFrom('observatory_files').select('order_id').where('order_id', '=', id).execute()).toEqual([]);
    const expired = await t.deps.db.selectFrom('observatory_orders').select(['result', 'comment']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(expired).toEqual({ result: null, comment: null });
    clock.advance(20 * 86_400_000);
    await purgeObservatory(t.deps);
    expect(await t.deps.db.selectFrom('observatory_orders').select('id').where('id', '=', id).execute()).toEqual([]);
  });
});

describe('R70 bad input: a French 4xx, nothing written', () => {
  const cases: [string, Record<string, string>, number, string][] = [
    ['an end before the start', { debut: '2026-03-01', fin: '2026-02-01' }, 400, 'La fin de la période doit être postérieure ou égale à son début.'],
    ['a period longer than 5 years', { debut: '2019-01-01', fin: '2024-06-30' }, 400, 'La période ne peut pas dépasser 5 ans.'],
    ['a period in the future', { fin: '2999-01-01' }, 400, 'La période ne peut pas se terminer dans le futur'],
    ['no start', { debut: '' }, 400, 'Indiquez le début de la période'],
    ['a date that does not exist', { debut: '2025-02-30' }, 400, 'Indiquez le début de la période'],
    ['a comment over 500 characters', { commentaire: 'x'.repeat(501) }, 400, 'Le commentaire ne peut pas dépasser 500 caractères.'],
    ['an establishment id that is not a number', { etablissement: '1 or 1=1' }, 400, 'Établissement : choisissez une valeur de la liste.'],
    ['an unknown profile', { profil: '2147483647' }, 400, 'Profil : choisissez une valeur de la liste.'],
    ['an unknown FINESS', { etablissement_finess: '000000000' }, 400, 'Numéro FINESS : choisissez une valeur de la liste.'],
  ];
  for (const [what, fields, status, message] of cases) {
    it(`R70 refuses ${what}`, async () => {
      const before = await writtenBy(t.deps.db, w.coordinationA.id);
      const { response } = await order(w.coordinationA, fields);
      expect(response.statusCode).toBe(status);
      expect(response.body).toContain(message.replaceAll('’', '’'));
      expect(response.body).toContain('Envoyer la demande'); // the form again, with what was typed
      expect(await writtenBy(t.deps.db, w.coordinationA.id)).toEqual(before);
    });
  }

  it('R70 the form shown again warns when the period ends less than 15 days ago', async () => {
    const { response } = await order(w.coordinationA, { fin: today(), commentaire: 'x'.repeat(501) });
    expect(response.body).toContain('Période récente');
  });

  it('R70 refuses a criterion outside the scope (forged form): 403, nothing written', async () => {
    const before = await writtenBy(t.deps.db, w.coordinationA.id);
    const gamma = await order(w.coordinationA, { etablissement: String(w.estC.id) });
    expect(gamma.response.statusCode).toBe(403);
    expect(gamma.response.body).toContain('Établissement : cette valeur est en dehors de votre périmètre.');
    const department = await order(w.coordinationA, { departement: '912' });
    expect(department.response.statusCode).toBe(403);
    const referent = await order(w.referentA, { etablissement: String(w.estB.id) });
    expect(referent.response.statusCode).toBe(403);
    expect(await writtenBy(t.deps.db, w.coordinationA.id)).toEqual(before);
  });

  it('R70 refuses an unknown request (404) and someone without the right (403)', async () => {
    const before = await writtenBy(t.deps.db, w.coordinationA.id);
    const unknown = await order(w.coordinationA, { demande: 'tout-le-monde' });
    expect(unknown.response.statusCode).toBe(404);
    expect(unknown.response.body).toContain('Cette demande de statistiques n’existe pas.');
    expect((await (await agentOf(t, w.coordinationA)).get('/observatoire/commander?demande=inconnue')).statusCode).toBe(404);
    expect(await writtenBy(t.deps.db, w.coordinationA.id)).toEqual(before);
    const plain = await agentOf(t, w.plain);
    expect((await plain.get('/observatoire/commander')).statusCode).toBe(403);
    expect((await plain.post('/observatoire/commander', { demande: 'habilitations-actives', debut: today(), fin: today() })).statusCode).toBe(403);
    expect(await writtenBy(t.deps.db, w.plain.id)).toEqual({ orders: 0, events: 0 });
  });

  it('R70 another person’s order id answers 404 for Voir and Excel, and malformed ids too', async () => {
    const { id } = await order(w.region);
    await computeOrder(t.deps, id);
    const downloadsBefore = await writtenBy(t.deps.db, w.coordinationA.id);
    const other = await agentOf(t, w.coordinationA);
    for (const url of [`/observatoire/commandes/${id}`, `/observatoire/commandes/${id}/excel`]) {
      const response = await other.get(url);
      expect(response.statusCode).toBe(404);
      expect(response.body).toContain('Cette commande n’existe pas ou n’existe plus.');
    }
    expect((await other.get('/observatoire/consulter')).body).not.toContain(`commande-${id}"`);
    for (const bad of ['0', '-1', '1e3', '99999999999', 'abc']) expect((await other.get(`/observatoire/commandes/${bad}`)).statusCode).toBe(404);
    expect(await writtenBy(t.deps.db, w.coordinationA.id)).toEqual(downloadsBefore); // no download recorded
  });

  it('R70 at most 5 orders waiting per person, even sent at once', async () => {
    const { referentA } = w;
    await t.deps.db.updateTable('observatory_orders').set({ status: 'ready' }).where('account_id', '=', referentA.id).execute();
    const agents = await Promise.all(Array.from({ length: 8 }, () => agentOf(t, referentA)));
    const responses = await Promise.all(agents.map((a) => a.post('/observatoire/commander', { demande: 'comptes-par-etat', debut: addToDate(today(), { months: -2 }), fin: addToDate(today(), { months: -1 }) })));
    expect(responses.filter((r) => r.statusCode === 303)).toHaveLength(5);
    const refused = responses.filter((r) => r.statusCode !== 303);
    expect(refused.map((r) => r.statusCode)).toEqual([429, 429, 429]);
    expect(refused[0]!.body).toContain('Vous avez déjà 5 commandes en attente ou en cours');
    const open = await t.deps.db.selectFrom('observatory_orders').select('id').where('account_id', '=', referentA.id).where('status', '=', 'pending').execute();
    expect(open).toHaveLength(5);
  });
});
