/**
 * The Handicap requests of the Observatoire (R70) on the ESMS notifications (issue 14): figures of
 * each request on a small region of known notifications and follow-ups, small counts hidden, and the
 * scope (a Handicap region, a Handicap coordination, a structure referent; a Sanitaire region may
 * not order them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { addEsmsNotification, agentOf, writtenBy } from '../../../test/observatory-world.js';
import { buildAccount, buildEstablishment, buildHabilitation, ensureTerritory } from '../../../test/factories.js';
import type { Account } from '../../db/schema.js';
import { addToDate, parisDate } from '../../platform/clock.js';
import { computeOrder } from './observatory-compute.service.js';
import type { OrderResult } from './observatory.request.js';
import { SUPPRESSED, type ResultTable } from './observatory.rules.js';

let t: TestApp;
const today = parisDate(new Date());
const from = addToDate(today, { months: -6 });
const day = (offset: number) => addToDate(today, { days: offset });
const w = {} as { imeA: number; esatB: number; imeC: number; region: Account; coordination: Account; referent: Account; sanitaire: Account };

const notification = addEsmsNotification;

beforeAll(async () => {
  t = await buildTestApp();
  const db = t.deps.db;
  await ensureTerritory(db, '96', '961');
  await ensureTerritory(db, '96', '962');
  w.imeA = (await buildEstablishment(db, { region: '96', department: '961', name: 'IME Les Acacias', domain: 'HANDICAP' })).id;
  w.esatB = (await buildEstablishment(db, { region: '96', department: '961', name: 'ESAT du Bois', domain: 'HANDICAP' })).id;
  w.imeC = (await buildEstablishment(db, { region: '96', department: '962', name: 'IME du Causse', domain: 'HANDICAP' })).id;
  const holder = async (profile: string, place: { regionCode?: string; departmentCode?: string; establishmentId?: number }) => {
    const account = await buildAccount(db);
    await buildHabilitation(db, { accountId: account.id, profile, ...place });
    return account;
  };
  w.region = await holder('HANDICAP_REGION', { regionCode: '96' });
  w.coordination = await holder('HANDICAP_COORDINATION', { departmentCode: '961' });
  w.referent = await holder('REFERENT_STRUCTURE', { establishmentId: w.imeA });
  w.sanitaire = await holder('SANITAIRE_REGION', { regionCode: '96' });

  // IME A: five on the waiting list (42) for 90 days, two of them Creton; two admissible (72); one entered then left; one admission impossible.
  for (let i = 0; i < 5; i += 1) await notification(t.deps.db, w.imeA, { category: '183', decided: -100, age: i < 2 ? 21 : 10, creton: i < 2, path: [['40', 2], ['41', 5], ['42', 10]] });
  for (let i = 0; i < 2; i += 1) await notification(t.deps.db, w.imeA, { category: '183', decided: -100, age: 12, path: [['40', 2], ['41', 20], ['42', 25], ['72', 40]] });
  await notification(t.deps.db, w.imeA, { category: '183', decided: -100, age: 14, path: [['40', 1], ['41', 3], ['42', 5], ['47', 30], ['48', 70, '89']] });
  await notification(t.deps.db, w.imeA, { category: '183', decided: -100, age: 9, path: [['45', 8, '114'], ['46', 20, '114']] });
  // ESAT B: five adults, contacted within a week.
  for (let i = 0; i < 5; i += 1) await notification(t.deps.db, w.esatB, { category: '246', decided: -50, age: 30, path: [['40', 3], ['41', 7]] });
  // IME C (the other department): six not yet answered, their decision ending within 40 days.
  for (let i = 0; i < 6; i += 1) await notification(t.deps.db, w.imeC, { category: '183', decided: -30, age: 8, end: day(40) });
});
afterAll(async () => {
  await t.close();
});

async function run(account: Account, demande: string, criteria: Record<string, string> = {}): Promise<OrderResult> {
  const agent = await agentOf(t, account);
  const response = await agent.post('/observatoire/commander', { demande, debut: from, fin: today, ...criteria });
  expect(response.statusCode).toBe(303);
  const id = Number(/commande=(\d+)/.exec(response.headers.location as string)![1]);
  expect(await computeOrder(t.deps, id)).toBe('ready');
  const row = await t.deps.db.selectFrom('observatory_orders').select('result').where('id', '=', id).executeTakeFirstOrThrow();
  return row.result as OrderResult;
}

const table = (result: OrderResult, key: string): ResultTable => result.tables.find((tb) => tb.key === key)!;
const byLabel = (tb: ResultTable) => Object.fromEntries(tb.rows.map((r) => [String(r[0]), r.slice(1)]));

describe('R70 Handicap statistics', () => {
  it('R70 notifications received by category, MDPH and age band, Creton flagged; scope region, coordination, structure', async () => {
    const region = await run(w.region, 'notifications-recues');
    expect(byLabel(table(region, 'categories'))).toEqual({ 'IME – Institut médico-éducatif': [15, SUPPRESSED], "ESAT – Établissement et service d'aide par le travail": [5, 0] });
    expect(table(region, 'categories').total).toEqual(['Total', 20, SUPPRESSED]);
    expect(byLabel(table(region, 'ages'))['20 à 24 ans']).toEqual([SUPPRESSED, SUPPRESSED]);
    expect(byLabel(table(region, 'mdph'))).toEqual({ 'MDPH 34': [20, SUPPRESSED] });
    const coordination = await run(w.coordination, 'notifications-recues');
    expect(table(coordination, 'categories').total?.[1]).toBe(14);
    const referent = await run(w.referent, 'notifications-recues');
    expect(table(referent, 'categories').total?.[1]).toBe(9);
    const narrowed = await run(w.region, 'notifications-recues', { categorie: '246' });
    expect(table(narrowed, 'categories').total?.[1]).toBe(5);
  });

  it('R70 an unknown orientation category is refused at its field, nothing written', async () => {
    const agent = await agentOf(t, w.region);
    const before = await writtenBy(t.deps.db, w.region.id);
    const response = await agent.post('/observatoire/commander', { demande: 'liste-attente', debut: from, fin: today, categorie: '999' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Catégorie d’orientation : choisissez une valeur de la liste.');
    expect(await writtenBy(t.deps.db, w.region.id)).toEqual(before);
  });

  it('R70 a Sanitaire region may not order Handicap statistics', async () => {
    const agent = await agentOf(t, w.sanitaire);
    expect((await agent.get('/observatoire/commander')).body).not.toContain('notifications-recues');
    const response = await agent.post('/observatoire/commander', { demande: 'notifications-recues', debut: from, fin: today });
    expect(response.statusCode).toBe(404);
  });

  it('R70 waiting list on the last day: 42 and 72 with median and 90th-percentile waits, small counts hidden with their figures', async () => {
    const result = await run(w.coordination, 'liste-attente');
    const statuses = table(result, 'statuts');
    const rows = byLabel(statuses);
    const key42 = Object.keys(rows).find((k) => k.startsWith('42 '))!;
    const key72 = Object.keys(rows).find((k) => k.startsWith('72 '))!;
    expect(rows[key72]).toEqual([SUPPRESSED, SUPPRESSED, SUPPRESSED]);
    // 42 holds 5: shown would let the total (7) give 72's 2 away: hidden too.
    expect(rows[key42]).toEqual([SUPPRESSED, SUPPRESSED, SUPPRESSED]);
    expect(statuses.total?.[1]).toBe(7);
    const categories = byLabel(table(result, 'categories'));
    expect(categories['IME – Institut médico-éducatif']).toEqual([7, 90, 90]);
  });

  it('R70 the funnel 39 → 40 → 41 → 42 → 47 with the median delay between stages', async () => {
    const stages = table(await run(w.region, 'parcours-suivi'), 'etapes');
    expect(stages.rows.map((r) => [String(r[0]).slice(0, 2), r[1]])).toEqual([
      ['39', 20],
      ['40', 13],
      ['41', 13],
      ['42', 8],
      ['47', SUPPRESSED],
    ]);
    expect(stages.rows[1]![3]).toBe(2);
    expect(stages.rows[3]![2]).toBe(40);
    expect(stages.rows[4]![3]).toBe(SUPPRESSED);
  });

  it('R70 admissions impossible by reason, exits by reason and length of stay: all under 5, all hidden', async () => {
    const impossible = table(await run(w.region, 'admissions-impossibles'), 'motifs');
    expect(impossible.rows).toEqual([[expect.stringContaining('114 – '), SUPPRESSED, SUPPRESSED]]);
    expect(impossible.total).toEqual(['Total', SUPPRESSED, SUPPRESSED]);
    const exits = await run(w.region, 'sorties');
    expect(table(exits, 'motifs').rows).toEqual([[expect.stringContaining('89 – '), SUPPRESSED, SUPPRESSED]]);
    expect(byLabel(table(exits, 'durees'))['Moins d’un an']).toEqual([SUPPRESSED]);
  });

  it('R70 share of ESMS answers within 15 days, and notifications expiring within 3 months', async () => {
    const answers = byLabel(table(await run(w.region, 'reponses-15-jours'), 'categories'));
    expect(answers['IME – Institut médico-éducatif']).toEqual([15, 7, 46.7]);
    expect(answers["ESAT – Établissement et service d'aide par le travail"]).toEqual([5, 5, 100]);
    const expiring = await run(w.region, 'notifications-echeance');
    expect(byLabel(table(expiring, 'categories'))).toEqual({ 'IME – Institut médico-éducatif': [6] });
    expect((await run(w.coordination, 'notifications-echeance')).tables[0]!.rows).toEqual([]);
  });
});
