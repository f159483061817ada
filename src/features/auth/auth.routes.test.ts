import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, csrfPair, type TestApp } from '../../../test/test-app.js';
import { buildAccount, openTestSession } from '../../../test/factories.js';
import { sha256 } from '../../platform/crypto.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('Déconnexion', () => {
  it('ends the session server-side and clears its cookie', async () => {
    const account = await buildAccount(t.deps.db);
    const session = await openTestSession(t.deps.db, account.id);
    const { cookie, token } = await csrfPair(t.app);
    const response = await t.app.inject({
      method: 'POST',
      url: '/deconnexion',
      headers: { cookie: `${session}; ${cookie}`, origin: 'http://localhost:3000', 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${token}`,
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/');
    expect(response.cookies.find((c) => c.name === 'habilis_session')?.value).toBe('');
    const row = await t.deps.db.selectFrom('sessions').select('account_id').where('id_hash', '=', sha256(session.split('=')[1]!)).executeTakeFirst();
    expect(row).toBeUndefined();
    // The old cookie, replayed, opens nothing.
    const replay = await t.app.inject({ method: 'GET', url: '/', headers: { cookie: session } });
    expect(replay.body).not.toContain('Déconnexion');
  });

  it('cannot be triggered by another site (no CSRF token)', async () => {
    const account = await buildAccount(t.deps.db);
    const session = await openTestSession(t.deps.db, account.id);
    const response = await t.app.inject({
      method: 'POST', url: '/deconnexion', headers: { cookie: session, origin: 'https://attaquant.example', 'content-type': 'application/x-www-form-urlencoded' }, payload: '',
    });
    expect(response.statusCode).toBe(403);
    const still = await t.app.inject({ method: 'GET', url: '/', headers: { cookie: session } });
    expect(still.body).toContain('Déconnexion');
  });
});
