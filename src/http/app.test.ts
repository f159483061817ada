/** The HTTP shell: error pages, security headers, CSRF and origin checks, request ids, health. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, csrfPair, type TestApp } from '../../test/test-app.js';
import { buildApp } from './app.js';
import { buildDeps } from '../deps.js';
import { testConfig } from '../../test/test-app.js';

let t: TestApp;
const HTML = { accept: 'text/html,application/xhtml+xml' };
const ORIGIN = { origin: 'http://localhost:3000' };

beforeAll(async () => {
  t = await buildTestApp();
  // Test-only routes, registered like any other: a failing handler and a form target.
  t.app.route({ method: 'GET', url: '/test/panne', config: { access: 'public' }, handler: async () => { throw new Error('panne simulée'); } });
  t.app.route({ method: 'POST', url: '/test/formulaire', config: { access: 'public' }, handler: async () => ({ ok: true }) });
  t.app.route({ method: 'POST', url: '/api/test/echo', config: { access: 'public', csrf: false }, handler: async (request) => ({ body: request.body }) });
});
afterAll(async () => {
  await t.close();
});

describe('home page', () => {
  it('answers in French HTML with the modules described', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/', headers: HTML });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('<html lang="fr">');
    expect(response.body).toContain('Bienvenue sur Habilis');
    expect(response.body).toContain('Comptes et habilitations');
  });

  it('serves its stylesheet with a long cache under a content hash, and 404 for a stale hash', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/' });
    const href = /href="(\/static\/[^"]+\.css)"/.exec(page.body)![1]!;
    const css = await t.app.inject({ method: 'GET', url: href });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toContain('immutable');
    expect((await t.app.inject({ method: 'GET', url: '/static/000000000000/habilis.css' })).statusCode).toBe(404);
  });
});

describe('security headers', () => {
  it('sends a strict CSP without inline script, no framing, and a request id', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/' });
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('sends no HSTS on localhost, and HSTS plus __Host- cookies behind https', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/' })).headers['strict-transport-security']).toBeUndefined();
    const secure = await buildApp(buildDeps(testConfig({ BASE_URL: 'https://habilis.example.fr' }), testConfig().databaseUrl!));
    try {
      const response = await secure.inject({ method: 'GET', url: '/' });
      expect(response.headers['strict-transport-security']).toContain('max-age=63072000');
      const cookie = String(response.headers['set-cookie']);
      expect(cookie).toMatch(/^__Host-habilis_csrf=/);
      expect(cookie).toContain('Secure');
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Lax');
    } finally {
      await secure.close();
    }
  });

  it('ignores a request id sent by the client', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/', headers: { 'request-id': 'forgé', 'x-request-id': 'forgé' } });
    expect(response.headers['x-request-id']).not.toBe('forgé');
  });
});

describe('error pages', () => {
  it('404: a French page for browsers, JSON with code and request id for API clients', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/nulle-part', headers: HTML });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('Page introuvable');
    expect(page.body).toContain(page.headers['x-request-id']);
    const json = await t.app.inject({ method: 'GET', url: '/api/nulle-part', headers: { accept: 'application/json' } });
    expect(json.statusCode).toBe(404);
    expect(json.json()).toEqual({ code: 'NOT_FOUND', message: 'La page demandée n’existe pas ou n’existe plus.', requestId: json.headers['x-request-id'] });
  });

  it('500: a French page that names no internal detail', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/test/panne', headers: HTML });
    expect(page.statusCode).toBe(500);
    expect(page.body).toContain('Erreur du service');
    expect(page.body).not.toContain('panne simulée');
    const json = await t.app.inject({ method: 'GET', url: '/test/panne', headers: { accept: 'application/json' } });
    expect(json.json().code).toBe('INTERNAL');
    expect(JSON.stringify(json.json())).not.toContain('panne simulée');
  });
});

describe('bad input gets a French 4xx, never a 500', () => {
  it('refuses a POST without CSRF token (403)', async () => {
    const { cookie } = await csrfPair(t.app);
    const response = await t.app.inject({
      method: 'POST', url: '/test/formulaire', headers: { ...HTML, ...ORIGIN, cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1',
    });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('Le formulaire a expiré');
  });

  it('refuses a POST with a token but from another origin, or with no origin at all (403)', async () => {
    const { cookie, token } = await csrfPair(t.app);
    const form = { cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    const foreign = await t.app.inject({ method: 'POST', url: '/test/formulaire', headers: { ...form, origin: 'https://attaquant.example' }, payload: `_csrf=${token}` });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().code).toBe('ORIGIN_INVALID');
    const none = await t.app.inject({ method: 'POST', url: '/test/formulaire', headers: form, payload: `_csrf=${token}` });
    expect(none.statusCode).toBe(403);
  });

  it('refuses a token that belongs to another browser (403)', async () => {
    const mine = await csrfPair(t.app);
    const theirs = await csrfPair(t.app);
    const response = await t.app.inject({
      method: 'POST', url: '/test/formulaire', headers: { ...ORIGIN, cookie: mine.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, payload: `_csrf=${theirs.token}`,
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('CSRF_INVALID');
  });

  it('accepts the same POST with the right origin and token', async () => {
    const { cookie, token } = await csrfPair(t.app);
    const response = await t.app.inject({
      method: 'POST', url: '/test/formulaire', headers: { ...ORIGIN, cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${token}`,
    });
    expect(response.statusCode).toBe(200);
  });

  it('refuses an oversized body with 413 and a French page', async () => {
    const { cookie, token } = await csrfPair(t.app);
    const response = await t.app.inject({
      method: 'POST', url: '/test/formulaire', headers: { ...HTML, ...ORIGIN, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${token}&x=${'a'.repeat(200_000)}`,
    });
    expect(response.statusCode).toBe(413);
    expect(response.body).toContain('trop volumineuses');
  });

  it('refuses a content type it does not accept with 415', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/test/formulaire', headers: { ...HTML, ...ORIGIN, 'content-type': 'application/x-msdownload' }, payload: 'MZ' });
    expect(response.statusCode).toBe(415);
    expect(response.body).toContain('Format non accepté');
  });

  it('refuses malformed JSON with 400 (JSON is read under /api/ only: body-limits.test.ts)', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/test/echo', headers: { ...ORIGIN, 'content-type': 'application/json', accept: 'application/json' }, payload: '{"a":' });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('BAD_REQUEST');
  });
});

describe('health', () => {
  it('live and ready answer 200 when the database answers', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health/live' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('ready answers 503 when the database does not', async () => {
    const down = await buildTestApp({ env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nulle' } });
    try {
      expect((await down.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
      const ready = await down.app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toEqual({ status: 'unavailable', database: 'unreachable' });
    } finally {
      await down.close();
    }
  });
});
