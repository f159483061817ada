/**
 * What orders read (R70): the scope matrix (structure referent → their structure, coordination →
 * their department, region → their region), re-checked when the job runs; the figures of the
 * "Comptes et habilitations" requests with their small counts hidden; one order through a real
 * pg-boss queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { agentOf, buildObservatoryWorld, type ObservatoryWorld } from '../../../test/observatory-world.js';
import { buildAccount, buildHabilitation } from '../../../test/factories.js';
import type { Account } from '../../db/schema.js';
import { addToDate, parisDate } from '../../platform/clock.js';
import { recordAudit, SYSTEM_ACTOR } from '../../platform/audit/audit.js';
import { startJobs } from '../../platform/jobs/jobs.js';
import { computeOrder } from './observatory-compute.service.js';
import { observatoryOrderJob } from './observatory-order.job.js';
import type { OrderResult } from './observatory.request.js';
import { SUPPRESSED, type ResultTable } from './observatory.rules.js';

let t: TestApp;
let w: ObservatoryWorld;
const today = parisDate(new Date());
const monthAgo = addToDate(today, { months: -1 });

beforeAll(async () => {
  t = await buildTestApp();
  w = await buildObservatoryWorld(t.deps.db, { region: '95', deptA: '951', deptB: '952' });
});
afterAll(async () => {
  await t.close();
});

/** Orders through HTTP as this person, computes, returns the stored result (or the failure). */
async function run(account: Account, demande: string, criteria: Record<string, string> = {}) {
  const agent = await agentOf(t, account);
  const response = await agent.post('/observatoire/commander', { demande, debut: monthAgo, fin: today, ...criteria });
  expect(response.statusCode).toBe(303);
  const id = Number(/commande=(\d+)/.exec(response.headers.location as string)![1]);
  const outcome = await computeOrder(t.deps, id);
  const row = await t.deps.db.selectFrom('observatory_orders').select(['status', 'failure_reason', 'result']).where('id', '=', id).executeTakeFirstOrThrow();
  return { id, outcome, status: row.status, reason: row.failure_reason, result: row.result as OrderResult | null };
}

const table = (result: OrderResult | null, key: string): ResultTable => result!.tables.find((tb) => tb.key === key)!;
const column = (tb: ResultTable, key: string) => tb.columns.findIndex((c) => c.key === key);
const places = (result: OrderResult | null) => table(result, 'lieux').rows.map((r) => `${String(r[0]).slice(0, 3)} ${r[1]}`).sort();

describe('R70 scope matrix: an order reads only where the orderer holds observatory.order', () => {
  it('R70 structure referent → their structure; coordination → their department; region → their region; another region → nothing of it', async () => {
    expect(places((await run(w.referentA, 'habilitations-actives')).result)).toEqual(['951 Centre Alpha']);
    expect(places((await run(w.coordinationA, 'habilitations-actives')).result)).toEqual(['951 (coordination)', '951 Centre Alpha', '951 Clinique Bêta']);
    expect(places((await run(w.region, 'habilitations-actives')).result)).toEqual(expect.arrayContaining(['951 (coordination)', '951 Centre Alpha', '951 Clinique Bêta', '952 Hôpital Gamma', 'Rég (région)']));
    const other = places((await run(w.otherRegion, 'habilitations-actives')).result);
    expect(other.some((p) => /Alpha|Bêta|Gamma/.test(p))).toBe(false);
  });

  it('R70 criteria narrow inside the scope: a region ordering one department reads its establishments only', async () => {
    expect(places((await run(w.region, 'habilitations-actives', { departement: '952' })).result)).toEqual(['952 Hôpital Gamma']);
    expect(places((await run(w.coordinationA, 'habilitations-actives', { etablissement: String(w.estB.id) })).result)).toEqual(['951 Clinique Bêta']);
    const unit = (await run(w.referentA, 'habilitations-actives', { unite: String(w.unitA.id) })).result;
    expect(table(unit, 'profils').rows.map((r) => r[0])).toEqual(['Sanitaire - Prescripteur']); // the unit's people only, not the referent of the structure
    const form = await (await agentOf(t, w.referentA)).get('/observatoire/commander?demande=habilitations-actives');
    expect(form.body).toContain('Unité Alpha 1');
  });

  it('R70 the scope is checked again when the job runs: a habilitation deleted since fails the order with a French reason', async () => {
    const coordination = await buildAccount(t.deps.db);
    const h = await buildHabilitation(t.deps.db, { accountId: coordination.id, profile: 'SANITAIRE_COORDINATION', departmentCode: '951' });
    const agent = await agentOf(t, coordination);
    const response = await agent.post('/observatoire/commander', { demande: 'habilitations-actives', debut: monthAgo, fin: today, etablissement: String(w.estA.id) });
    const id = Number(/commande=(\d+)/.exec(response.headers.location as string)![1]);
    await t.deps.db.updateTable('habilitations').set({ deleted_at: new Date() }).where('id', '=', h.id).execute();
    expect(await computeOrder(t.deps, id)).toBe('failed');
    const row = await t.deps.db.selectFrom('observatory_orders').select(['status', 'failure_reason', 'result']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', result: null });
    expect(row.failure_reason).toContain('Vos habilitations ne permettent plus de commander ces statistiques');
    expect(await t.deps.db.selectFrom('observatory_files').select('order_id').where('order_id', '=', id).execute()).toEqual([]);
    // Consulter says why.
    expect((await agent.get('/observatoire/consulter')).statusCode).toBe(403); // no right left at all: not even the list
  });
});

describe('R70 Comptes et habilitations: figures, with counts under 5 hidden', () => {
  it('R70 active habilitations: Bêta’s 3 receivers are "< 5", and a second cell so the total does not give them away', async () => {
    const result = (await run(w.coordinationA, 'habilitations-actives')).result;
    const lieux = table(result, 'lieux');
    const n = column(lieux, 'habilitations');
    const beta = lieux.rows.find((r) => r[1] === 'Clinique Bêta')!;
    expect(beta[n]).toBe(SUPPRESSED);
    expect(lieux.rows.filter((r) => r[n] === SUPPRESSED).length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(result)).not.toMatch(/"habilitations":3\b/);
  });

  it('R70 structures with fewer than 2 referents: Alpha has one, Bêta none', async () => {
    const result = (await run(w.coordinationA, 'structures-sans-2-referents')).result;
    const list = table(result, 'structures').rows.map((r) => [r[2], r[3]]);
    expect(list).toEqual(expect.arrayContaining([['Centre Alpha', 'Un seul référent'], ['Clinique Bêta', 'Aucun référent']]));
    const byDepartment = table(result, 'departements').rows.find((r) => String(r[0]).startsWith('951'))!;
    expect(byDepartment.slice(1)).toEqual([2, 1, 1, 2]);
  });

  it('R70 accounts by state: one blocked account among nine is hidden, and the active count with it', async () => {
    const blocked = await buildAccount(t.deps.db, { blocked_at: new Date() });
    await buildHabilitation(t.deps.db, { accountId: blocked.id, profile: 'SANITAIRE_PRESCRIPTEUR', unitId: w.unitA.id });
    const states = table((await run(w.referentA, 'comptes-par-etat')).result, 'etats');
    expect(states.rows).toEqual([
      ['Actif', SUPPRESSED],
      ['Bloqué', SUPPRESSED],
      ['Désactivé', 0],
    ]);
    expect(states.total).toEqual(['Total', 10]);
  });

  it('R70 habilitations ending within a month', async () => {
    const soon = await buildAccount(t.deps.db);
    await buildHabilitation(t.deps.db, { accountId: soon.id, profile: 'SANITAIRE_RECEVEUR', unitId: w.unitA.id, end: addToDate(today, { days: 10 }) });
    const byProfile = table((await run(w.referentA, 'habilitations-echeance')).result, 'profils');
    expect(byProfile.rows).toEqual([['Sanitaire - Receveur', SUPPRESSED, SUPPRESSED]]);
    expect(byProfile.total).toEqual(['Total', SUPPRESSED, SUPPRESSED]);
  });

  it('R70 strong-authentication methods: the recorded method, or for an older event its description and the code sent before it', async () => {
    const people = await Promise.all(Array.from({ length: 9 }, () => buildAccount(t.deps.db)));
    for (const p of people) await buildHabilitation(t.deps.db, { accountId: p.id, profile: 'SANITAIRE_RECEVEUR', unitId: w.unitA.id });
    const at = new Date(Date.now() - 2 * 86_400_000);
    const login = (accountId: number, description: string, details?: Record<string, unknown>) =>
      recordAudit(t.deps.db, { actor: SYSTEM_ACTOR, subjectAccountId: accountId, code: 'LOGIN_SUCCEEDED', description, ...(details ? { details } : {}), at });
    for (const p of people.slice(0, 6)) await login(p.id, 'Connexion réussie (mot de passe et code à usage unique)', { method: 'code-email' });
    for (const p of people.slice(6, 8)) {
      await recordAudit(t.deps.db, { actor: SYSTEM_ACTOR, subjectAccountId: p.id, code: 'OTP_SENT', description: 'Envoi d’un code de connexion par SMS (06 •• •• •• 12)', at: new Date(at.getTime() - 60_000) });
      await login(p.id, 'Connexion réussie (mot de passe et code à usage unique)');
    }
    await login(people[8]!.id, 'Connexion réussie (carte CPS)');
    const result = (await run(w.referentA, 'authentification-forte')).result;
    const methods = Object.fromEntries(table(result, 'methodes').rows.map((r) => [r[0], r[1]]));
    expect(methods).toMatchObject({ 'Code par e-mail': 6, 'Code par SMS': SUPPRESSED, 'Carte CPS': SUPPRESSED, 'e-CPS (Pro Santé Connect)': 0 });
    expect(result!.charts.map((c) => c.kind)).toEqual(['bars', 'line']);
  });
});

describe('R70 a pg-boss job per order', () => {
  it('R70 an order sent through HTTP is computed by the queue and becomes ready', async () => {
    const jobs = await startJobs(t.deps.config.databaseUrl!, [], t.deps.logger, { work: true, queues: [observatoryOrderJob(t.deps)] });
    t.deps.jobs = jobs;
    try {
      const agent = await agentOf(t, w.region);
      const response = await agent.post('/observatoire/commander', { demande: 'comptes-par-etat', debut: monthAgo, fin: today });
      const id = Number(/commande=(\d+)/.exec(response.headers.location as string)![1]);
      let status = 'pending';
      for (const deadline = Date.now() + 25_000; Date.now() < deadline && status !== 'ready'; await new Promise((r) => setTimeout(r, 250))) {
        status = (await t.deps.db.selectFrom('observatory_orders').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
      }
      expect(status).toBe('ready');
    } finally {
      t.deps.jobs = null;
      await jobs.stop();
    }
  });
});
