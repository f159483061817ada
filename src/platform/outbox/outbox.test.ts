/** The outbox delivers through a real SMTP server and a real HTTP gateway, and loses nothing while they are down. */
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { buildTestDeps } from '../../../test/test-app.js';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/databases.js';
import type { Deps } from '../../deps.js';
import { freePort } from '../../db/embedded.js';
import { fixedClock } from '../clock.js';
import { deliverPending, enqueueMail, enqueueSms, retryDelayMs, WIPED_BODY } from './outbox.js';
import { createSmtpTransport } from './smtp-transport.js';
import { createHttpSmsGateway } from './sms-gateway.js';
import { startJobs } from '../jobs/jobs.js';
import { outboxJob } from './outbox.job.js';

interface Received {
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback that keeps what it receives. */
async function startSmtp(port: number, inbox: Received[]): Promise<SMTPServer> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

const stopSmtp = (server: SMTPServer) => new Promise<void>((resolve) => server.close(() => resolve()));

let deps: Deps;
let scratch: ScratchDatabase;
// A minute ahead of the database clock, so mails queued during the test are already due.
const clock = fixedClock(new Date(Date.now() + 60_000));
// A database of its own: the other files' pending mails (hundreds in a run) would otherwise go
// through this file's SMTP server, one connection each, and take its time.
beforeAll(async () => {
  scratch = await createScratchDatabase({ migrated: true });
  deps = buildTestDeps({ env: { DATABASE_URL: scratch.url }, deps: { clock } });
});
afterAll(async () => {
  await deps?.db.destroy();
  await scratch?.drop();
});

async function messageBySubject(subject: string) {
  return deps.db.selectFrom('outbox_messages').selectAll().where('subject', '=', subject).executeTakeFirstOrThrow();
}

/** Delivers until the queue is empty (or nothing more is due). */
async function deliverAll(transport: Parameters<typeof deliverPending>[2], channel: 'mail' | 'sms' = 'mail') {
  for (let i = 0; i < 50; i += 1) {
    const counts = await deliverPending(deps.db, channel, transport, clock, 100);
    if (counts.sent + counts.retried + counts.failed === 0) return;
  }
}

describe('mail outbox over SMTP', () => {
  it('delivers a mail to a real SMTP server, in French, HTML and text', async () => {
    const port = await freePort();
    const inbox: Received[] = [];
    const server = await startSmtp(port, inbox);
    const transport = createSmtpTransport(`smtp://127.0.0.1:${port}`, 'Habilis <ne-pas-repondre@habilis.test>');
    try {
      const subject = `Bienvenue ${randomUUID()}`;
      const to = `${randomUUID()}@exemple.test`;
      await enqueueMail(deps.db, { to, subject, text: 'Bonjour, votre compte est créé.', html: '<p>Bonjour, votre compte est créé.</p>' });
      await deliverAll(transport);
      const mine = inbox.filter((m) => m.to.includes(to));
      expect(mine).toHaveLength(1);
      expect(mine[0]!.raw).toContain('multipart/alternative');
      const row = await messageBySubject(subject);
      expect(row.status).toBe('sent');
      expect(row.sent_at).not.toBeNull();
    } finally {
      transport.close();
      await stopSmtp(server);
    }
  });

  it('keeps mails while SMTP is down, then delivers every one when it is back (none lost)', async () => {
    const port = await freePort();
    const transport = createSmtpTransport(`smtp://127.0.0.1:${port}`, 'Habilis <ne-pas-repondre@habilis.test>');
    const to = `${randomUUID()}@exemple.test`;
    const subjects = [1, 2, 3].map((n) => `Panne ${n} ${randomUUID()}`);
    for (const subject of subjects) await enqueueMail(deps.db, { to, subject, text: 'Message à ne pas perdre' });

    await deliverAll(transport);
    for (const subject of subjects) {
      const row = await messageBySubject(subject);
      expect(row.status).toBe('pending');
      expect(row.attempts).toBe(1);
      expect(row.last_error).toMatch(/ECONNREFUSED|connect/i);
      expect(row.next_attempt_at.getTime()).toBe(clock.now().getTime() + retryDelayMs(1));
    }

    const inbox: Received[] = [];
    const server = await startSmtp(port, inbox);
    try {
      // Not yet due: nothing is sent before the retry delay.
      await deliverAll(transport);
      expect(inbox.filter((m) => m.to.includes(to))).toHaveLength(0);
      clock.advance(retryDelayMs(1) + 1000);
      await deliverAll(transport);
      expect(inbox.filter((m) => m.to.includes(to))).toHaveLength(3);
      for (const subject of subjects) expect((await messageBySubject(subject)).status).toBe('sent');
    } finally {
      transport.close();
      await stopSmtp(server);
    }
  });

  it('wipes the body of a sensitive mail once delivered', async () => {
    const port = await freePort();
    const server = await startSmtp(port, []);
    const transport = createSmtpTransport(`smtp://127.0.0.1:${port}`, 'Habilis <ne-pas-repondre@habilis.test>');
    try {
      const subject = `Code ${randomUUID()}`;
      await enqueueMail(deps.db, { to: 'x@exemple.test', subject, text: 'Votre code : 482913', html: '<p>482913</p>', sensitive: true });
      await deliverAll(transport);
      const row = await messageBySubject(subject);
      expect(row.status).toBe('sent');
      expect(row.text_body).toBe(WIPED_BODY);
      expect(row.html_body).toBeNull();
    } finally {
      transport.close();
      await stopSmtp(server);
    }
  });
});

describe('SMS outbox over the HTTP gateway', () => {
  let gateway: Server;
  let port: number;
  const received: { auth: string | undefined; body: { to: string; text: string } }[] = [];
  let failNext = 0;
  beforeAll(async () => {
    port = await freePort();
    gateway = createServer((request, response) => {
      let data = '';
      request.on('data', (chunk) => (data += chunk));
      request.on('end', () => {
        if (failNext > 0) {
          failNext -= 1;
          response.writeHead(502).end();
          return;
        }
        received.push({ auth: request.headers.authorization, body: JSON.parse(data) });
        response.writeHead(202, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => gateway.listen(port, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => gateway.close(() => resolve())));

  it('posts the SMS with the bearer token, and retries after a gateway error', async () => {
    const transport = createHttpSmsGateway(`http://127.0.0.1:${port}/sms`, 'jeton-passerelle');
    const text = `Votre code Habilis : ${randomUUID()}`;
    await enqueueSms(deps.db, { to: '+33612345678', text });
    failNext = 1_000;
    await deliverAll(transport, 'sms');
    const pending = await deps.db.selectFrom('outbox_messages').selectAll().where('text_body', '=', text).executeTakeFirstOrThrow();
    expect(pending.status).toBe('pending');
    expect(pending.last_error).toBe('passerelle SMS : HTTP 502');
    failNext = 0;
    clock.advance(60 * 60_000);
    await deliverAll(transport, 'sms');
    expect(received.filter((r) => r.body.text === text)).toEqual([{ auth: 'Bearer jeton-passerelle', body: { to: '+33612345678', text } }]);
  });
});

describe('the outbox job on pg-boss', () => {
  it('delivers a queued mail by itself once triggered', async () => {
    const port = await freePort();
    const inbox: Received[] = [];
    const server = await startSmtp(port, inbox);
    const transport = createSmtpTransport(`smtp://127.0.0.1:${port}`, 'Habilis <ne-pas-repondre@habilis.test>');
    const jobDeps: Deps = { ...deps, clock: { now: () => new Date(Date.now() + 24 * 3_600_000) }, mailTransport: transport };
    const jobs = await startJobs(deps.config.databaseUrl!, [outboxJob(jobDeps)], deps.logger, { work: true });
    try {
      const to = `${randomUUID()}@exemple.test`;
      await enqueueMail(deps.db, { to, subject: 'Par le job', text: 'Livré par pg-boss' });
      await jobs.trigger('outbox-deliver');
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && !inbox.some((m) => m.to.includes(to))) await new Promise((r) => setTimeout(r, 200));
      expect(inbox.filter((m) => m.to.includes(to))).toHaveLength(1);
    } finally {
      await jobs.stop();
      transport.close();
      await stopSmtp(server);
    }
  });
});
