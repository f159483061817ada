/**
 * GET /metrics (issue 12, observability): Prometheus text behind a token or an address list,
 * requests counted by route pattern (never the URL), login outcomes by method, outbox backlog and
 * age, job failures, database pool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../../test/test-app.js';
import { buildActiveAccount, buildAccount } from '../../test/factories.js';
import { latestCode } from '../../test/mails.js';
import { Agent } from '../../test/agent.js';
import { startJobs } from '../platform/jobs/jobs.js';

const TOKEN = 'jeton-de-supervision-de-32-caracteres-au-moins';
const PASSWORD = 'Mot-de-passe-2026!';

/** The value of one series, 0 when absent. */
function valueOf(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('without METRICS_TOKEN nor METRICS_ALLOW', () => {
  it('has no /metrics at all (404)', async () => {
    const t = await buildTestApp();
    try {
      const response = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.statusCode).toBe(404);
      expect(t.app.routeTable.some((r) => r.url === '/metrics')).toBe(false);
    } finally {
      await t.close();
    }
  });
});

describe('with METRICS_TOKEN', () => {
  let t: TestApp;
  const scrape = async () => {
    const response = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.statusCode).toBe(200);
    return response.body;
  };
  beforeAll(async () => {
    t = await buildTestApp({ env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('is declared in the route table with the metrics access', () => {
    expect(t.app.routeTable).toContainEqual({ method: 'GET', url: '/metrics', access: 'metrics' });
  });

  it('refuses a request without the token, or with a wrong one (403, French)', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/metrics', headers: { accept: 'text/html' } });
    expect(none.statusCode).toBe(403);
    expect(none.body).toContain('Vous n’avez pas les droits nécessaires');
    const wrong = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}x`, accept: 'application/json' } });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().code).toBe('FORBIDDEN');
  });

  it('counts requests by route pattern and status, never by URL, with a latency histogram', async () => {
    await t.app.inject({ method: 'GET', url: '/administration/comptes/987654', headers: { accept: 'application/json' } });
    await t.app.inject({ method: 'GET', url: '/nulle-part/123456' });
    const text = await scrape();
    expect(text).toContain('# TYPE habilis_http_requests_total counter');
    expect(valueOf(text, 'habilis_http_requests_total{method="GET",route="/administration/comptes/:id",status="401"}')).toBeGreaterThanOrEqual(1);
    expect(valueOf(text, 'habilis_http_requests_total{method="GET",route="(aucune)",status="404"}')).toBeGreaterThanOrEqual(1);
    expect(text).toContain('habilis_http_request_duration_seconds_bucket{le="0.1",method="GET",route="/administration/comptes/:id"}');
    expect(text).not.toContain('987654');
    expect(text).not.toContain('123456');
  });

  it('counts login outcomes by method: a wrong password, then a password and its code', async () => {
    const before = await scrape();
    const unknown = new Agent(t.app);
    expect((await unknown.post('/connexion', { username: 'personne.inconnue', password: 'mauvais' })).statusCode).toBe(401);
    const account = await buildActiveAccount(t.deps.db, PASSWORD);
    const agent = new Agent(t.app);
    expect((await agent.post('/connexion', { username: account.username, password: PASSWORD })).statusCode).toBe(303);
    expect((await agent.post('/connexion/code', { code: await latestCode(t.deps.db, account.email) })).statusCode).toBe(303);
    const after = await scrape();
    const delta = (series: string) => valueOf(after, series) - valueOf(before, series);
    expect(delta('habilis_logins_total{method="password",outcome="failure"}')).toBe(1);
    expect(delta('habilis_logins_total{method="password+code",outcome="success"}')).toBe(1);
  });

  it('shows the outbox backlog and the age of the oldest undelivered message', async () => {
    const account = await buildAccount(t.deps.db);
    await t.deps.db
      .insertInto('outbox_messages')
      .values({ channel: 'mail', recipient: account.email, subject: 'Test', text_body: 'Test', created_at: sql<Date>`now() - interval '10 minutes'` })
      .execute();
    const text = await scrape();
    expect(valueOf(text, 'habilis_outbox_pending{channel="mail"}')).toBeGreaterThanOrEqual(1);
    expect(valueOf(text, 'habilis_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(600);
    expect(valueOf(text, 'habilis_database_up')).toBe(1);
    await t.deps.db.updateTable('outbox_messages').set({ status: 'sent', sent_at: new Date() }).where('recipient', '=', account.email).execute();
  });

  it('shows the database pool: total, idle and waiting connections', async () => {
    const text = await scrape();
    expect(valueOf(text, 'habilis_db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
    expect(text).toContain('habilis_db_pool_connections{state="idle"}');
    expect(text).toContain('habilis_db_pool_connections{state="waiting"}');
  });

  it('counts the failures of a background job', async () => {
    const name = `test-echec-${Date.now()}`;
    const jobs = await startJobs(t.deps.config.databaseUrl!, [{ name, retryLimit: 0, run: async () => { throw new Error('échec simulé'); } }], t.deps.logger, { work: true });
    try {
      await jobs.trigger(name);
      const series = `habilis_job_failures_total{job="${name}"}`;
      const deadline = Date.now() + 20_000;
      while (valueOf(await scrape(), series) < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(valueOf(await scrape(), series)).toBe(1);
    } finally {
      await jobs.stop();
    }
  });
});

describe('with METRICS_ALLOW', () => {
  it('answers an allowed address without a token, and refuses any other', async () => {
    const t = await buildTestApp({ env: { METRICS_ALLOW: '127.0.0.1, 10.20.0.0/16' } });
    try {
      expect((await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.20.3.4' })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.21.3.4' })).statusCode).toBe(403);
      expect((await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '192.0.2.7', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(403);
    } finally {
      await t.close();
    }
  });
});
