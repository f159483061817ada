/** The ESMS notifications through HTTP: tiers (R60), follow-up (R61), dashboard (R62), read log (R64). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import ExcelJS from 'exceljs';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { buildAccount, buildHabilitation, buildUnit, openTestSession } from '../../../test/factories.js';
import { addNotification, buildEsmsWorld, distinctiveDecision, type EsmsWorld } from '../../../test/esms-world.js';
import { addToDate, parisDate } from '../../platform/clock.js';
import type { Account } from '../../db/schema.js';
import { TIER1_FIELDS, TIER2_FIELDS, TIER3_FIELDS } from './esms.rules.js';
import { changeStatus } from './esms.repository.js';

let t: TestApp;

/** Every cell of every sheet of an .xlsx, as text. */
async function workbookText(bytes: Buffer): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const cells: string[] = [];
  workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.value)))));
  return cells.join('\n');
}
let w: EsmsWorld;
const today = parisDate(new Date());

async function agentFor(account: Account): Promise<Agent> {
  const agent = new Agent(t.app);
  agent.cookies.set('habilis_session', (await openTestSession(t.deps.db, account.id)).split('=')[1]!);
  return agent;
}

async function notificationRow(id: number) {
  return t.deps.db.selectFrom('esms_notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}
async function followups(id: number) {
  return t.deps.db.selectFrom('esms_followups').selectAll().where('notification_id', '=', id).orderBy('id').execute();
}

beforeAll(async () => {
  t = await buildTestApp();
  w = await buildEsmsWorld(t.deps.db);
});
afterAll(async () => {
  await t?.close();
});

describe('R60 tiers never leak', () => {
  it('R60 generated matrix: every tier × every field × page, JSON and export — values above the tier are absent from the bytes', async () => {
    const agents = { 1: await agentFor(w.tier[1]), 2: await agentFor(w.tier[2]), 3: await agentFor(w.tier[3]) };
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[a-z]{6}$/), fc.boolean(), async (word, withUnit) => {
        const marker = `${word}${run++}q`;
        const record = distinctiveDecision({}, marker);
        const id = await addNotification(t.deps.db, w.ime.id, record, withUnit ? w.unitA.id : null);
        const t2 = TIER2_FIELDS.map((f) => `T2${f}${marker}`);
        const t3 = TIER3_FIELDS.map((f) => `T3${f}${marker}`);
        for (const tier of [1, 2, 3] as const) {
          for (const channel of ['page', 'json', 'export'] as const) {
            const response =
              channel === 'page' ? await agents[tier].get(`/esms/notifications/${id}`)
              : channel === 'json' ? await agents[tier].get(`/api/v1/esms/notifications/${id}`, { accept: 'application/json' })
              : await agents[tier].get(`/esms/tableau-de-bord/export?onglet=a_traiter&q=${record.person.mdphIndividualNumber}`);
            expect(response.statusCode, `${tier} ${channel}`).toBe(200);
            // The workbook is a zip: its bytes are read as the cells' text.
            const text = channel === 'export' ? await workbookText(response.rawPayload) : response.body;
            expect(text).toContain(record.nationalId);
            for (const value of t2) expect(text.includes(value), `tier ${tier} ${channel} ${value}`).toBe(tier >= 2);
            for (const value of t3) expect(text.includes(value), `tier ${tier} ${channel} ${value}`).toBe(tier >= 3);
          }
        }
      }),
      { numRuns: 4 },
    );
    expect(TIER1_FIELDS.length + TIER2_FIELDS.length + TIER3_FIELDS.length).toBe(13 + 11 + 5);
  });

  it('R60 a referent, a region profile and another ESMS see no notification at all (404 as for a missing one, and no dashboard)', async () => {
    const record = distinctiveDecision();
    const id = await addNotification(t.deps.db, w.ime.id, record);
    for (const account of [w.referent, w.region, w.otherEsms]) {
      const agent = await agentFor(account);
      const page = await agent.get(`/esms/notifications/${id}`);
      expect(page.statusCode).toBe(account === w.otherEsms ? 404 : 403);
      expect(page.body).not.toContain(record.person.lastName);
      const json = await agent.get(`/api/v1/esms/notifications/${id}`, { accept: 'application/json' });
      expect([403, 404]).toContain(json.statusCode);
      expect(json.body).not.toContain(record.nationalId);
    }
    const other = await (await agentFor(w.otherEsms)).get('/esms/tableau-de-bord');
    expect(other.body).not.toContain(record.person.lastName);
    expect((await (await agentFor(w.referent)).get('/esms/tableau-de-bord')).statusCode).toBe(403);
  });
});

describe('R61 opening and following up', () => {
  it('R61 R64 the first opening marks 39 → 40 once, and every opening is logged with its tier and channel', async () => {
    const id = await addNotification(t.deps.db, w.ime.id, distinctiveDecision());
    const agent = await agentFor(w.tier[1]);
    expect((await agent.get(`/esms/notifications/${id}`)).body).toContain('Notification lue');
    await agent.get(`/esms/notifications/${id}`);
    expect((await notificationRow(id)).status_code).toBe('40');
    expect((await followups(id)).map((f) => f.status_code)).toEqual(['40']);
    const log = await t.deps.db.selectFrom('esms_access_log').selectAll().where('account_id', '=', w.tier[1].id).execute();
    const mine = log.filter((l) => l.notification_ids.includes(id));
    expect(mine).toHaveLength(2);
    expect(mine.every((l) => l.tier === 1 && l.channel === 'page')).toBe(true);
  });

  it('R61 journey: liste d’attente then admis, each line of the history with who and when', async () => {
    const id = await addNotification(t.deps.db, w.ime.id, distinctiveDecision());
    const agent = await agentFor(w.tier[1]);
    await agent.get(`/esms/notifications/${id}`);
    let version = (await notificationRow(id)).version;
    let response = await agent.post(`/esms/notifications/${id}/suivi`, { version: String(version), statut: '42', date: today, motif: '', unite: String(w.unitA.id), commentaire: 'Dossier reçu' });
    expect(response.statusCode).toBe(303);
    version = (await notificationRow(id)).version;
    response = await agent.post(`/esms/notifications/${id}/suivi`, { version: String(version), statut: '71', date: today, motif: '', unite: '', commentaire: '' });
    expect(response.statusCode).toBe(303);
    const page = await agent.get(`/esms/notifications/${id}`);
    expect(page.body).toContain("Liste d'attente. Admis dans l'ESMS");
    const lines = await followups(id);
    expect(lines.map((l) => l.status_code)).toEqual(['40', '42', '71']);
    expect(lines.every((l) => l.actor_account_id === w.tier[1].id && l.actor_label.includes(w.tier[1].username))).toBe(true);
    expect((await notificationRow(id)).unit_id).toBe(w.unitA.id);
  });

  it('R61 bad inputs: a French message at the field, 400, nothing written', async () => {
    const record = distinctiveDecision();
    const id = await addNotification(t.deps.db, w.ime.id, record);
    const agent = await agentFor(w.tier[2]);
    const foreignUnit = await buildUnit(t.deps.db, w.other.id);
    await agent.get(`/esms/notifications/${id}`);
    const version = String((await notificationRow(id)).version);
    const cases: [Record<string, string>, string][] = [
      [{ statut: '47', date: today }, 'Ce statut ne peut pas suivre le statut actuel'],
      [{ statut: '42', date: addToDate(today, { days: 1 }) }, 'La date ne peut pas être dans le futur'],
      [{ statut: '42', date: addToDate(record.decisionDate, { days: -1 }) }, 'La date ne peut pas précéder la date de la décision'],
      [{ statut: '42', date: '31/02/2026' }, 'Saisissez une date valide'],
      [{ statut: '45', date: today }, 'Ce statut demande un motif'],
      [{ statut: '45', date: today, motif: '999' }, 'Ce statut demande un motif'],
      [{ statut: '42', date: today, motif: '85' }, 'Ce statut ne prend pas de motif'],
      [{ statut: '42', date: today, unite: String(foreignUnit.id) }, 'Choisissez une unité de l’établissement'],
    ];
    for (const [fields, message] of cases) {
      const response = await agent.post(`/esms/notifications/${id}/suivi`, { version, motif: '', unite: '', commentaire: '', ...fields });
      expect(response.statusCode, JSON.stringify(fields)).toBe(400);
      expect(response.body.replaceAll('&#39;', "'").replaceAll('&rsquo;', '’')).toContain(message);
    }
    expect((await followups(id)).map((f) => f.status_code)).toEqual(['40']);
    expect((await notificationRow(id)).status_code).toBe('40');
  });

  it('R61 two people at once: the second gets "modifié entre-temps", never a lost update', async () => {
    const id = await addNotification(t.deps.db, w.ime.id, distinctiveDecision());
    const first = await agentFor(w.tier[1]);
    const second = await agentFor(w.tier[3]);
    await first.get(`/esms/notifications/${id}`);
    const version = String((await notificationRow(id)).version);
    expect((await first.post(`/esms/notifications/${id}/suivi`, { version, statut: '41', date: today, motif: '', unite: '', commentaire: '' })).statusCode).toBe(303);
    const late = await second.post(`/esms/notifications/${id}/suivi`, { version, statut: '42', date: today, motif: '', unite: '', commentaire: '' });
    expect(late.statusCode).toBe(409);
    expect(late.body).toContain('modifiée entre-temps');
    expect((await notificationRow(id)).status_code).toBe('41');
  });

  it('R61 concurrency in the database: two transactions with the same version, one wins, the other writes nothing', async () => {
    const id = await addNotification(t.deps.db, w.ime.id, distinctiveDecision());
    const version = (await notificationRow(id)).version;
    const change = (statusCode: string) => ({ statusCode, statusDate: today, reasonCode: null, unitId: null, comment: null, actorAccountId: w.tier[1].id, actorLabel: 'test', at: new Date() });
    const results = await Promise.all([
      t.deps.db.transaction().execute((trx) => changeStatus(trx, id, version, change('41'))),
      t.deps.db.transaction().execute((trx) => changeStatus(trx, id, version, change('42'))),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await followups(id)).toHaveLength(1);
    expect((await notificationRow(id)).version).toBe(version + 1);
  });
});

describe('R62 dashboard', () => {
  it('R62 R64 "Exporter": the columns of the viewer\'s tier only, and one access row for the export', async () => {
    const record = distinctiveDecision();
    await addNotification(t.deps.db, w.ime.id, record);
    const headersOf = async (tier: 1 | 2 | 3) => {
      const response = await (await agentFor(w.tier[tier])).get(`/esms/tableau-de-bord/export?onglet=a_traiter&q=${record.person.lastName}`);
      expect(response.headers['content-type']).toContain('spreadsheetml');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
      const sheet = workbook.getWorksheet('Notifications')!;
      expect(sheet.rowCount).toBe(2);
      return (sheet.getRow(1).values as unknown[]).filter(Boolean);
    };
    const [one, two, three] = [await headersOf(1), await headersOf(2), await headersOf(3)];
    expect(one).not.toContain('Prise en charge');
    expect(two).toContain('Prise en charge');
    expect(two).not.toContain('Pathologie principale');
    expect(three).toContain('Pathologie principale');
    expect(three.length - two.length).toBe(5);
    expect(two.length - one.length).toBe(11);
    const log = await t.deps.db.selectFrom('esms_access_log').selectAll().where('channel', '=', 'export').where('account_id', '=', w.tier[3].id).execute();
    expect(log.at(-1)).toMatchObject({ tier: 3 });
  });

  it('R62 tabs with counts, validity spelled out, search by name and by MDPH number', async () => {
    const soon = distinctiveDecision({ endDate: addToDate(today, { months: 1 }) });
    const expired = distinctiveDecision({ endDate: addToDate(today, { days: -1 }), openingDate: addToDate(today, { months: -6 }), decisionDate: addToDate(today, { months: -7 }) });
    await addNotification(t.deps.db, w.ime.id, soon);
    await addNotification(t.deps.db, w.ime.id, expired);
    const agent = await agentFor(w.tier[1]);
    const page = await agent.get(`/esms/tableau-de-bord?onglet=a_traiter&q=${soon.person.lastName}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/À traiter \(\d+\)/);
    expect(page.body).toContain('Liste d’attente (');
    expect(page.body).toContain(soon.person.lastName.toUpperCase());
    expect(page.body).not.toContain(expired.person.lastName.toUpperCase());
    expect(page.body).toContain('Expire dans moins de 3 mois');
    const byNumber = await agent.get(`/esms/tableau-de-bord?onglet=a_traiter&q=${expired.person.mdphIndividualNumber}`);
    expect(byNumber.body).toContain(expired.person.lastName.toUpperCase());
    expect(byNumber.body).toContain('(Expirée)');
    const filtered = await agent.get('/esms/tableau-de-bord?onglet=a_traiter&validite=expiree');
    expect(filtered.body).toContain(expired.person.lastName.toUpperCase());
    expect(filtered.body).not.toContain(soon.person.lastName.toUpperCase());
  });
});

describe('F5 statuses as FHIR Task', () => {
  it('R60 R64 GET /api/v1/esms/statuts?_lastUpdated=gt…: ESMSTask of the viewer\'s ESMS only, paginated, no name', async () => {
    const since = new Date(Date.now() - 1000);
    const mine = [distinctiveDecision(), distinctiveDecision(), distinctiveDecision()];
    for (const record of mine) await addNotification(t.deps.db, w.ime.id, record);
    const foreign = distinctiveDecision();
    await addNotification(t.deps.db, w.other.id, foreign);
    const agent = await agentFor(w.tier[1]);
    let url: string | null = `/api/v1/esms/statuts?_lastUpdated=gt${since.toISOString()}&_count=2`;
    const tasks: Record<string, unknown>[] = [];
    let pages = 0;
    while (url) {
      const response = await agent.get(url, { accept: 'application/fhir+json' });
      expect(response.statusCode).toBe(200);
      const bundle = response.json();
      expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
      expect(response.body).not.toContain(foreign.nationalId);
      for (const record of [...mine, foreign]) expect(response.body).not.toContain(record.person.lastName);
      tasks.push(...bundle.entry.map((e: { resource: Record<string, unknown> }) => e.resource));
      const next = bundle.link.find((l: { relation: string }) => l.relation === 'next');
      url = next ? new URL(next.url).pathname + new URL(next.url).search : null;
      pages++;
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    const ids = tasks.map((task) => JSON.stringify(task));
    for (const record of mine) expect(ids.some((s) => s.includes(record.nationalId))).toBe(true);
    const task = tasks[0]!;
    expect(task).toMatchObject({ resourceType: 'Task', status: 'completed', intent: 'plan' });
    const codes = (task.input as { type: { coding: { code: string }[] } }[]).map((i) => i.type.coding[0]!.code);
    expect(codes).toEqual(expect.arrayContaining(['idNat_Struct', 'nomESMS', 'statutESMS', 'dateStatutESMS', 'idDecision', 'idNat_Decision']));
    expect(JSON.stringify(task)).toContain(`"1${w.ime.finess}"`);
    const bad = await agent.get('/api/v1/esms/statuts?_lastUpdated=2026-01-01', { accept: 'application/fhir+json' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().resourceType).toBe('OperationOutcome');
  });
});

describe('R60 places', () => {
  it('R60 an ESMS profile at a unit reads that unit’s notifications only, at its own tier', async () => {
    const holder = await buildAccount(t.deps.db);
    await buildHabilitation(t.deps.db, { accountId: holder.id, profile: 'HANDICAP_ESMS_SOCIAL', unitId: w.unitA.id });
    const inUnit = distinctiveDecision();
    const otherUnit = distinctiveDecision();
    const wholeEstablishment = distinctiveDecision();
    const a = await addNotification(t.deps.db, w.ime.id, inUnit, w.unitA.id);
    const b = await addNotification(t.deps.db, w.ime.id, otherUnit, w.unitB.id);
    const c = await addNotification(t.deps.db, w.ime.id, wholeEstablishment, null);
    const agent = await agentFor(holder);
    const page = await agent.get(`/esms/notifications/${a}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`T2careArrangement`);
    expect(page.body).not.toContain(`T3mainPathology`);
    expect((await agent.get(`/esms/notifications/${b}`)).statusCode).toBe(404);
    expect((await agent.get(`/esms/notifications/${c}`)).statusCode).toBe(404);
    const dashboard = await agent.get('/esms/tableau-de-bord?onglet=a_traiter');
    expect(dashboard.body).toContain(inUnit.person.lastName.toUpperCase());
    expect(dashboard.body).not.toContain(otherUnit.person.lastName.toUpperCase());
    expect(dashboard.body).not.toContain(wholeEstablishment.person.lastName.toUpperCase());
  });
});
