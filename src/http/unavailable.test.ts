/**
 * The database out of reach (issue 12, faults): pages answer a French 503, never a 500 with a stack;
 * readiness says so. The two-node test (test/cluster) restarts a real PostgreSQL under load.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/test-app.js';
import { freePort } from '../db/embedded.js';
import { isDatabaseUnreachable } from './error-handler.js';

let t: TestApp;
beforeAll(async () => {
  // Nothing listens on this port: every query is refused (ECONNREFUSED), as during a restart.
  t = await buildTestApp({ env: { DATABASE_URL: `postgres://habilis@127.0.0.1:${await freePort()}/habilis` } });
});
afterAll(async () => {
  await t.close();
});

describe('PostgreSQL unreachable', () => {
  it('a signed-in page gets the French 503 page with Retry-After, not a 500', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/mon-compte', headers: { accept: 'text/html', cookie: 'habilis_session=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq' } });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body).toContain('Le service est momentanément indisponible.');
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(response.body).not.toMatch(/at .+:\d+:\d+/);
  });

  it('an API client gets 503 UNAVAILABLE in JSON, and readiness says the database is unreachable', async () => {
    const api = await t.app.inject({ method: 'GET', url: '/mon-compte', headers: { accept: 'application/json', cookie: 'habilis_session=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq' } });
    expect(api.statusCode).toBe(503);
    expect(api.json().code).toBe('UNAVAILABLE');
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'unavailable', database: 'unreachable' });
  });

  it('recognises a shutdown (57P01), a lost connection (08006) and a cut socket, and nothing else', () => {
    const withCode = (code: string) => Object.assign(new Error('x'), { code });
    expect(isDatabaseUnreachable(withCode('57P01'))).toBe(true);
    expect(isDatabaseUnreachable(withCode('08006'))).toBe(true);
    expect(isDatabaseUnreachable(withCode('ECONNREFUSED'))).toBe(true);
    expect(isDatabaseUnreachable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnreachable(withCode('23505'))).toBe(false);
    expect(isDatabaseUnreachable(new Error('panne'))).toBe(false);
  });
});
