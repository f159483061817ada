import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { buildTestApp, type TestApp } from '../../../test/test-app.js';
import { enqueueMail, enqueueSms } from '../../platform/outbox/outbox.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('development outbox viewers', () => {
  it('/dev/mails lists the e-mails waiting in the outbox, newest first', async () => {
    const subject = `Essai ${randomUUID()}`;
    await enqueueMail(t.deps.db, { to: 'camille@exemple.test', subject, text: 'Votre code : 123456' });
    const response = await t.app.inject({ method: 'GET', url: '/dev/mails' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(subject);
    expect(response.body).toContain('Votre code : 123456');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('/dev/sms lists the SMS', async () => {
    const text = `Code ${randomUUID()}`;
    await enqueueSms(t.deps.db, { to: '+33612345678', text });
    const response = await t.app.inject({ method: 'GET', url: '/dev/sms' });
    expect(response.body).toContain(text);
  });

  it('answers 404 to a request that does not come from this machine', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/dev/mails', remoteAddress: '10.1.2.3' });
    expect(response.statusCode).toBe(404);
  });

  it('does not exist in production', async () => {
    const production = await buildTestApp({
      env: { NODE_ENV: 'production', BASE_URL: 'https://habilis.example.fr', SMTP_URL: 'smtp://127.0.0.1:1', IDP_KEY_ENCRYPTION_KEY: 'a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=' },
    });
    try {
      expect((await production.app.inject({ method: 'GET', url: '/dev/mails' })).statusCode).toBe(404);
      expect((await production.app.inject({ method: 'GET', url: '/dev/sms' })).statusCode).toBe(404);
      expect(production.app.routeTable.some((r) => r.url.startsWith('/dev/'))).toBe(false);
    } finally {
      await production.close();
    }
  });
});
