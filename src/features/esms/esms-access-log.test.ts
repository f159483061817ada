/** R64: every reading is logged, the log is append-only, tier-3 holders see who read in the last 30 days, and the purge keeps ESMS_ACCESS_LOG_MONTHS (the clock travels). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { Agent } from '../../../test/agent.js';
import { openTestSession } from '../../../test/factories.js';
import { addNotification, buildEsmsWorld, distinctiveDecision, type EsmsWorld } from '../../../test/esms-world.js';
import { fixedClock } from '../../platform/clock.js';
import type { Account } from '../../db/schema.js';
import { purgeEsmsAccessLog } from './esms-access-log.job.js';

const clock = fixedClock(new Date());
let t: TestApp;
let w: EsmsWorld;

async function agentFor(account: Account): Promise<Agent> {
  const agent = new Agent(t.app);
  agent.cookies.set('habilis_session', (await openTestSession(t.deps.db, account.id, { lastSeenAt: clock.now(), expiresAt: new Date(clock.now().getTime() + 3_600_000) })).split('=')[1]!);
  return agent;
}
const rowsFor = async (id: number) => (await t.deps.db.selectFrom('esms_access_log').selectAll().execute()).filter((r) => r.notification_ids.includes(id));

beforeAll(async () => {
  t = await buildTestApp({ deps: { clock }, env: { ESMS_ACCESS_LOG_MONTHS: '12' } });
  w = await buildEsmsWorld(t.deps.db);
});
afterAll(async () => {
  await t?.close();
});

describe('R64 access log', () => {
  it('R64 page, JSON and export readings are logged with who, when, tier and channel; only tier 3 sees the readers, within 30 days', async () => {
    const record = distinctiveDecision();
    const id = await addNotification(t.deps.db, w.ime.id, record);
    const tier1 = await agentFor(w.tier[1]);
    await tier1.get(`/esms/notifications/${id}`);
    await tier1.get(`/api/v1/esms/notifications/${id}`, { accept: 'application/json' });
    await tier1.get(`/esms/tableau-de-bord/export?onglet=a_traiter&q=${record.person.lastName}`);
    const rows = await rowsFor(id);
    expect(rows.map((r) => [r.account_id, r.tier, r.channel])).toEqual([
      [w.tier[1].id, 1, 'page'],
      [w.tier[1].id, 1, 'json'],
      [w.tier[1].id, 1, 'export'],
    ]);
    expect(rows.every((r) => r.occurred_at.getTime() === clock.now().getTime())).toBe(true);

    const medical = await (await agentFor(w.tier[3])).get(`/esms/notifications/${id}`);
    expect(medical.body).toContain('Consultations des 30 derniers jours');
    expect(medical.body).toContain(w.tier[1].username);
    const social = await (await agentFor(w.tier[2])).get(`/esms/notifications/${id}`);
    expect(social.body).not.toContain('Consultations des 30 derniers jours');

    clock.advance(31 * 86_400_000);
    const later = await (await agentFor(w.tier[3])).get(`/esms/notifications/${id}`);
    const section = later.body.slice(later.body.indexOf('Consultations des 30 derniers jours'));
    expect(section).not.toContain(w.tier[1].username);
    expect(section).not.toContain(w.tier[2].username);
  });

  it('R64 the log is append-only for the application', async () => {
    await expect(sql`update esms_access_log set tier = 3`.execute(t.deps.db)).rejects.toThrow();
    await expect(sql`delete from esms_access_log`.execute(t.deps.db)).rejects.toThrow();
    await expect(sql`update esms_followups set comment = 'x'`.execute(t.deps.db)).rejects.toThrow();
  });

  it('R64 the purge removes rows older than ESMS_ACCESS_LOG_MONTHS and keeps the others (the clock travels)', async () => {
    const id = await addNotification(t.deps.db, w.ime.id, distinctiveDecision());
    const agent = await agentFor(w.tier[2]);
    await agent.get(`/esms/notifications/${id}`);
    clock.advance(6 * 30 * 86_400_000);
    await (await agentFor(w.tier[2])).get(`/api/v1/esms/notifications/${id}`, { accept: 'application/json' });
    expect(await rowsFor(id)).toHaveLength(2);
    clock.advance(7 * 30 * 86_400_000);
    const removed = await purgeEsmsAccessLog(t.deps);
    expect(removed).toBeGreaterThanOrEqual(1);
    const left = await rowsFor(id);
    expect(left.map((r) => r.channel)).toEqual(['json']);
    expect(await purgeEsmsAccessLog(t.deps)).toBe(0);
  });
});
