/** Logs carry a request id on every line and never a cookie, a query string (one-time tokens) or a secret. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/test-app.js';
import { LOG_REDACTIONS, serializeError } from '../deps.js';

const lines: Record<string, unknown>[] = [];
let t: TestApp;
beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      callback();
    },
  });
  const logger = pino({ level: 'info', redact: { paths: LOG_REDACTIONS, censor: '[masqué]' }, serializers: { err: serializeError } }, sink);
  t = await buildTestApp({ deps: { logger } });
  t.app.route({
    method: 'GET', url: '/test/erreur', config: { access: 'public' },
    handler: async (request) => {
      request.log.info({ password: 'MotDePasse!2026', token: 'jeton-secret', otp: '123456' }, 'tentative');
      throw Object.assign(new Error('échec'), { client: { password: 'secret-de-connexion' } });
    },
  });
});
afterAll(async () => {
  await t.close();
});

describe('logs', () => {
  it('have a request id on each request line, without cookies, query strings or secrets', async () => {
    await t.app.inject({ method: 'GET', url: '/?jeton=lien-a-usage-unique', headers: { cookie: 'habilis_session=valeur-de-session' } });
    await t.app.inject({ method: 'GET', url: '/test/erreur', headers: { accept: 'application/json' } });
    const text = JSON.stringify(lines);
    expect(lines.some((l) => l.msg === 'requête' && l.path === '/' && typeof l.reqId === 'string')).toBe(true);
    expect(lines.some((l) => l.msg === 'erreur non gérée' && typeof l.reqId === 'string')).toBe(true);
    for (const secret of ['lien-a-usage-unique', 'valeur-de-session', 'MotDePasse!2026', 'jeton-secret', '123456', 'secret-de-connexion']) {
      expect(text).not.toContain(secret);
    }
  });
});
