/** F5 statuses read by a registered application (OAuth client credentials, scope esms.read) bound by a region administrator to ESMS: R60 tier 1, R61, R64 log. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { openTestSession } from '../../../test/factories.js';
import { addNotification, buildEsmsWorld, distinctiveDecision, type EsmsWorld } from '../../../test/esms-world.js';
import { adminPrincipal, clientCredentials, forgedBearers, registerTestClient } from '../../../test/idp-world.js';
import { bindReadApplication } from './esms-applications.repository.js';
import { TIER2_FIELDS, TIER3_FIELDS } from './esms.rules.js';
import type { DecisionRecord } from './esms.repository.js';

let t: TestApp;
let w: EsmsWorld;
/** A registered application with these scopes, and its client-credentials access token. */
async function tokenOf(scopes: string[], scope = scopes[0]!) {
  const client = await registerTestClient(t.deps, await adminPrincipal(t.deps), { scopes, domains: [], redirect: '' });
  const issued = await clientCredentials(t.app, client, scope);
  expect(issued.status).toBe(200);
  return { clientId: client.clientId, bearer: `Bearer ${issued.body.access_token!}` };
}
async function bound(establishmentId: number) {
  const app = await tokenOf(['esms.read']);
  expect(await bindReadApplication(t.deps.db, { clientId: app.clientId, establishmentId, createdBy: w.region.id, at: new Date() })).toBe(true);
  return app;
}
async function get(url: string, authorization?: string) {
  return t.app.inject({ method: 'GET', url, headers: { accept: 'application/fhir+json', ...(authorization ? { authorization } : {}) } });
}
/** Every page of the answer, following the "next" links; the pages' bodies and the Tasks. */
async function readAll(start: string, authorization: string) {
  const bodies: string[] = [];
  const tasks: Record<string, unknown>[] = [];
  let url: string | null = start;
  while (url) {
    const response = await get(url, authorization);
    expect(response.statusCode).toBe(200);
    const bundle = response.json();
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    bodies.push(response.body);
    tasks.push(...bundle.entry.map((e: { resource: Record<string, unknown> }) => e.resource));
    const next = bundle.link.find((l: { relation: string }) => l.relation === 'next');
    if (next) expect(new URL(next.url).pathname).toBe('/api/v1/esms/applications/statuts');
    url = next ? new URL(next.url).pathname + new URL(next.url).search : null;
  }
  return { bodies, tasks };
}
/** The values of a decision that only tiers 2 and 3 may read, and the person's name (never in F5). */
const aboveTier1 = (record: DecisionRecord) => [
  record.person.lastName,
  ...TIER2_FIELDS.map((f) => record.evaluation![f]!),
  ...TIER3_FIELDS.map((f) => record.medical![f]!),
];

beforeAll(async () => {
  t = await buildTestApp();
  w = await buildEsmsWorld(t.deps.db);
});
afterAll(async () => {
  await t?.close();
});

describe('GET /api/v1/esms/applications/statuts (scope esms.read)', () => {
  it('R60 R61 R64 a bound application reads the Tasks of its ESMS only, paginated, tier 1 only, and its reading is logged', async () => {
    const since = new Date(Date.now() - 1000);
    const mine = [distinctiveDecision(), distinctiveDecision(), distinctiveDecision()];
    const mineIds: number[] = [];
    for (const record of mine) mineIds.push(await addNotification(t.deps.db, w.ime.id, record));
    const foreign = distinctiveDecision();
    await addNotification(t.deps.db, w.other.id, foreign);
    const app = await bound(w.ime.id);
    const { bodies, tasks } = await readAll(`/api/v1/esms/applications/statuts?_lastUpdated=gt${since.toISOString()}&_count=2`, app.bearer);
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    const all = bodies.join('\n');
    for (const record of mine) expect(all).toContain(record.nationalId);
    expect(all).not.toContain(foreign.nationalId);
    expect(tasks.map((task) => task.id).sort()).toEqual(mineIds.map((id) => `esms-notification-${id}`).sort());
    // The data above tier 1 is in the database (the world stores it); none of it is in the answer.
    const stored = await t.deps.db.selectFrom('esms_medical_data').innerJoin('esms_decisions', 'esms_decisions.id', 'esms_medical_data.decision_id').select('main_pathology').where('national_id', '=', mine[0]!.nationalId).executeTakeFirst();
    expect(stored?.main_pathology).toBe(mine[0]!.medical!.mainPathology);
    for (const record of [...mine, foreign]) for (const value of aboveTier1(record)) expect(all).not.toContain(value);
    const task = tasks[0]!;
    expect(task).toMatchObject({ resourceType: 'Task', status: 'completed', intent: 'plan' });
    expect(JSON.stringify(task)).toContain(`"1${w.ime.finess}"`);
    const log = await t.deps.db.selectFrom('esms_access_log').select(['account_id', 'notification_ids', 'tier', 'channel']).where('actor_label', '=', `application ${app.clientId}`).execute();
    expect(log.length).toBe(bodies.length);
    expect(log.every((row) => row.account_id === null && row.tier === 1 && row.channel === 'json')).toBe(true);
    expect(log.flatMap((row) => row.notification_ids).sort()).toEqual([...mineIds].sort());
  });

  it('R60 an application bound to another ESMS sees none of this one’s statuses', async () => {
    const since = new Date(Date.now() - 1000);
    const here = distinctiveDecision();
    await addNotification(t.deps.db, w.ime.id, here);
    const there = distinctiveDecision();
    await addNotification(t.deps.db, w.other.id, there);
    const app = await bound(w.other.id);
    const { bodies } = await readAll(`/api/v1/esms/applications/statuts?_lastUpdated=gt${since.toISOString()}`, app.bearer);
    const all = bodies.join('\n');
    expect(all).toContain(there.nationalId);
    expect(all).not.toContain(here.nationalId);
    expect(all).not.toContain(w.ime.finess);
  });

  it('an application with the scope that no region administrator bound reads nothing (403, French message); a bad _lastUpdated is a FHIR 400', async () => {
    const unbound = await tokenOf(['esms.read']);
    const response = await get('/api/v1/esms/applications/statuts?_lastUpdated=gt2026-01-01', unbound.bearer);
    expect(response.statusCode).toBe(403);
    expect(response.json().message).toBe('Cette application n’est rattachée à aucun ESMS pour la lecture des statuts : un administrateur de région doit l’y rattacher (page « Import des décisions »).');
    const app = await bound(w.ime.id);
    const bad = await get('/api/v1/esms/applications/statuts?_lastUpdated=2026-01-01', app.bearer);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().resourceType).toBe('OperationOutcome');
  });

  it('R17 a token without the scope esms.read gets 403; no token, a forged or an expired token 401; a session alone opens nothing', async () => {
    const app = await bound(w.ime.id);
    const url = '/api/v1/esms/applications/statuts?_lastUpdated=gt2026-01-01';
    const importer = await tokenOf(['esms.import']);
    const noScope = await get(url, importer.bearer);
    expect(noScope.statusCode).toBe(403);
    expect(noScope.headers['www-authenticate']).toBe('Bearer error="insufficient_scope"');
    expect(noScope.json().message).toBe('Ce client n’a pas la portée « esms.read » nécessaire à cet appel.');
    const none = await get(url);
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    // The importer's token made to say esms.read, or to be the bound application's; the bound one's with a broken signature; garbage.
    const forged = [...forgedBearers(app.bearer, importer.bearer, { scope: 'esms.read' }), forgedBearers(app.bearer, importer.bearer, { scope: 'esms.read', clientId: app.clientId })[0]!];
    for (const authorization of forged) {
      const response = await get(url, authorization);
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    }
    const session = await t.app.inject({ method: 'GET', url, headers: { accept: 'application/fhir+json', cookie: await openTestSession(t.deps.db, w.tier[1].id) } });
    expect(session.statusCode).toBe(401);
    expect((await get(url, app.bearer)).statusCode).toBe(200);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 10 * 60_000 });
    try {
      const expired = await get(url, app.bearer);
      expect(expired.statusCode).toBe(401);
      expect(expired.json().message).toContain('invalide ou expiré');
    } finally {
      vi.useRealTimers();
    }
  });
});
