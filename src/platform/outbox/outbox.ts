/**
 * Outbox: e-mails and SMS are rows written in the same transaction as the change that causes
 * them, then delivered by a job. A message is never lost when SMTP or the SMS gateway is down:
 * it stays pending and is retried with a growing delay.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, OutboxMessage } from '../../db/schema.js';
import type { Clock } from '../clock.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Carries a code or a link: its body is wiped once delivered. */
  sensitive?: boolean;
}

export interface Sms {
  to: string;
  text: string;
  sensitive?: boolean;
}

/** Sends one message or throws; implemented by SMTP (mail) and the HTTP gateway (SMS). */
export interface Transport {
  send(message: OutboxMessage): Promise<void>;
}

export const WIPED_BODY = '[contenu effacé après envoi]';
/** How long a worker holds a claimed message before another node may retry it. */
const LEASE_MS = 5 * 60_000;
/** After this many failures (about two days of retries) a message is marked failed for an operator. */
export const MAX_ATTEMPTS = 40;

export async function enqueueMail(trx: Kysely<Database>, mail: Mail): Promise<void> {
  await mailInsert(trx, mail).execute();
}

export async function enqueueSms(trx: Kysely<Database>, sms: Sms): Promise<void> {
  await smsInsert(trx, sms).execute();
}

/** The INSERT of a mail, unexecuted: for a caller that writes it in one statement with its cause. */
export function mailInsert(db: Kysely<Database>, mail: Mail) {
  return db.insertInto('outbox_messages').values({
    channel: 'mail',
    recipient: mail.to,
    subject: mail.subject,
    text_body: mail.text,
    html_body: mail.html ?? null,
    sensitive: mail.sensitive ?? false,
  });
}

export function smsInsert(db: Kysely<Database>, sms: Sms) {
  return db.insertInto('outbox_messages').values({ channel: 'sms', recipient: sms.to, text_body: sms.text, sensitive: sms.sensitive ?? false });
}

/** Delay before the next try: 1, 2, 4 … minutes, at most one hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60 * 60_000, 60_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Delivers the due messages of one channel. Messages are claimed with a lease (SKIP LOCKED), so
 * several app nodes share the work and a node that dies mid-send only delays its messages.
 */
export async function deliverPending(
  db: Kysely<Database>,
  channel: 'mail' | 'sms',
  transport: Transport,
  clock: Clock,
  batchSize = 20,
): Promise<{ sent: number; retried: number; failed: number }> {
  const now = clock.now();
  const claimed = await db
    .updateTable('outbox_messages')
    .set({ next_attempt_at: new Date(now.getTime() + LEASE_MS), attempts: sql`attempts + 1` })
    .where(
      'id',
      'in',
      db
        .selectFrom('outbox_messages')
        .select('id')
        .where('channel', '=', channel)
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .orderBy('id')
        .limit(batchSize)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();

  const counts = { sent: 0, retried: 0, failed: 0 };
  for (const message of claimed.sort((a, b) => a.id - b.id)) {
    try {
      await transport.send(message);
      await db
        .updateTable('outbox_messages')
        .set({
          status: 'sent',
          sent_at: clock.now(),
          last_error: null,
          ...(message.sensitive ? { text_body: WIPED_BODY, html_body: null } : {}),
        })
        .where('id', '=', message.id)
        .execute();
      counts.sent += 1;
    } catch (error) {
      const giveUp = message.attempts >= MAX_ATTEMPTS;
      await db
        .updateTable('outbox_messages')
        .set({
          status: giveUp ? 'failed' : 'pending',
          // A code or a link that will never be delivered is not kept either.
          ...(giveUp && message.sensitive ? { text_body: WIPED_BODY, html_body: null } : {}),
          // The transport's message only (no body, no recipient): it names the cause for an operator.
          last_error: error instanceof Error ? error.message.slice(0, 500) : 'erreur inconnue',
          next_attempt_at: new Date(clock.now().getTime() + retryDelayMs(message.attempts)),
        })
        .where('id', '=', message.id)
        .execute();
      if (giveUp) counts.failed += 1;
      else counts.retried += 1;
    }
  }
  return counts;
}

/** The latest messages, newest first: for the development viewers only. */
export async function listRecentMessages(db: Kysely<Database>, channel: 'mail' | 'sms', limit = 100): Promise<OutboxMessage[]> {
  return db
    .selectFrom('outbox_messages')
    .selectAll()
    .where('channel', '=', channel)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Sensitive messages still undelivered after a day carry expired codes and links: their bodies go. */
export async function wipeStaleSensitiveMessages(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db
    .updateTable('outbox_messages')
    .set({ text_body: WIPED_BODY, html_body: null })
    .where('sensitive', '=', true)
    .where('status', '<>', 'sent')
    .where('created_at', '<', new Date(now.getTime() - 24 * 3_600_000))
    .where('text_body', '<>', WIPED_BODY)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Messages waiting per channel and the age of the oldest one (metrics; the pending index answers it). */
export async function outboxBacklog(db: Kysely<Database>): Promise<{ channel: 'mail' | 'sms'; pending: number; oldestSeconds: number }[]> {
  const { rows } = await sql<{ channel: 'mail' | 'sms'; pending: number; oldest: number | null }>`
    select c.channel, count(m.id)::int as pending,
           extract(epoch from (now() - min(m.created_at)))::float8 as oldest
    from (values ('mail'), ('sms')) as c(channel)
    left join outbox_messages m on m.channel = c.channel and m.status = 'pending'
    group by c.channel`.execute(db);
  return rows.map((row) => ({ channel: row.channel, pending: row.pending, oldestSeconds: row.oldest ?? 0 }));
}
