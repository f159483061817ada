/**
 * Development addresses (issue 12, mechanism 6): outside production the printed address works
 * whichever loopback name is typed; in production only BASE_URL's origin sends a form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, csrfPair, TEST_SECRET, type TestApp } from '../../test/test-app.js';
import { hmac } from '../platform/crypto.js';

const FORM = 'application/x-www-form-urlencoded';
const target = { method: 'POST', url: '/test/formulaire', config: { access: 'public' as const }, handler: async () => ({ ok: true }) };

describe('outside production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { PORT: '3000' } });
    t.app.route(target);
  });
  afterAll(async () => {
    await t.close();
  });

  async function postFrom(origin: string, header: 'origin' | 'referer' = 'origin') {
    const { cookie, token } = await csrfPair(t.app);
    return t.app.inject({ method: 'POST', url: '/test/formulaire', headers: { cookie, [header]: origin, 'content-type': FORM, accept: 'application/json' }, payload: `_csrf=${token}` });
  }

  it('accepts a form from http://localhost:3000, http://127.0.0.1:3000 and http://[::1]:3000', async () => {
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']) {
      expect((await postFrom(origin)).statusCode, origin).toBe(200);
    }
    expect((await postFrom('http://127.0.0.1:3000/connexion', 'referer')).statusCode).toBe(200);
  });

  it('refuses another port, another scheme or another host of the same names', async () => {
    for (const origin of ['http://localhost:3001', 'http://127.0.0.1:8080', 'https://127.0.0.1:3000', 'http://127.0.0.2:3000', 'http://localhost.attaquant.example:3000']) {
      const response = await postFrom(origin);
      expect(response.statusCode, origin).toBe(403);
      expect(response.json().code).toBe('ORIGIN_INVALID');
    }
  });
});

describe('in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({
      env: { NODE_ENV: 'production', PORT: '3000', BASE_URL: 'https://habilis.example.fr', SMTP_URL: 'smtp://127.0.0.1:2525', DEMO_DATA: 'false', IDP_KEY_ENCRYPTION_KEY: 'a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=' },
    });
    t.app.route(target);
  });
  afterAll(async () => {
    await t.close();
  });

  async function postFrom(origin: string) {
    const home = await t.app.inject({ method: 'GET', url: '/' });
    const seed = home.cookies.find((c) => c.name === '__Host-habilis_csrf')!.value;
    const token = hmac(Buffer.from(TEST_SECRET), `csrf:${seed}`);
    return t.app.inject({
      method: 'POST', url: '/test/formulaire',
      headers: { cookie: `__Host-habilis_csrf=${seed}`, origin, 'content-type': FORM, accept: 'application/json' },
      payload: `_csrf=${token}`,
    });
  }

  it('accepts a form from BASE_URL only, never from a loopback address', async () => {
    expect((await postFrom('https://habilis.example.fr')).statusCode).toBe(200);
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']) {
      const response = await postFrom(origin);
      expect(response.statusCode, origin).toBe(403);
      expect(response.json().code).toBe('ORIGIN_INVALID');
    }
  });
});
