/**
 * One mechanism for every one-time code (STYLE 10): the login code (R04), the mobile verification
 * (R41) and the code that proves an invited assistant's mailbox (R15).
 *
 * - A code is 6 random digits, stored only as an HMAC keyed by the server secret: 10^6 values are
 *   too few for a plain hash, a leaked table must not reveal them. The HMAC input starts with the
 *   caller's context (the account, the number, the invitation), so a code only ever verifies what
 *   it was sent for.
 * - It is bound to what it proves: a session (login), an account (mobile), an invitation.
 * - Checking is rate-limited per address, compares in constant time, counts wrong entries (the last
 *   allowed one invalidates the code) and never consumes: the caller consumes it atomically in the
 *   transaction of what the code unlocks (`UPDATE … WHERE consumed_at IS NULL … RETURNING`), so a
 *   code works once even when two requests race.
 * - A new code for the same binding invalidates the earlier ones; the resend throttle of the caller
 *   reads the send times.
 */
import { randomInt } from 'node:crypto';
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { hmac, safeEqual } from './crypto.js';
import { hitLimit, type Limit } from './rate-limit.js';

type Q = Kysely<Database>;

export type CodePurpose = 'login' | 'mobile_verification' | 'assistant_acceptance';

/** What a code is bound to: the session it completes, the account whose mobile it verifies, the invitation whose mailbox it proves. */
export type CodeBinding = { sessionIdHash: Buffer; accountId: number } | { accountId: number } | { delegationId: number };

/** Checks of codes from one address in 5 minutes: generous, a hospital's staff may share one public address. */
export const CODE_CHECKS_PER_ADDRESS: Limit = { window: 5 * 60, max: 100 };

/** Seconds until fewer than `max` sends remain in the last hour (0: one more may go now). */
export function hourlyCapWaitSeconds(recentSends: Date[], now: Date, max: number): number {
  const hourAgo = now.getTime() - 3_600_000;
  const lastHour = recentSends.filter((d) => d.getTime() > hourAgo).sort((a, b) => a.getTime() - b.getTime());
  if (lastHour.length < max) return 0;
  return Math.ceil((lastHour[lastHour.length - max]!.getTime() + 3_600_000 - now.getTime()) / 1000);
}

/** Resend throttle (R04): at most one code a minute and five an hour. */
export function resendWaitSeconds(recentSends: Date[], now: Date): number {
  const hourly = hourlyCapWaitSeconds(recentSends, now, 5);
  if (hourly > 0) return hourly;
  const lastMinute = recentSends.filter((d) => d.getTime() > now.getTime() - 60_000);
  if (lastMinute.length >= 1) return Math.ceil((Math.max(...lastMinute.map((d) => d.getTime())) + 60_000 - now.getTime()) / 1000);
  return 0;
}

function codeHmac(secret: Buffer, context: string, code: string): string {
  return hmac(secret, `${context}:${code}`);
}

/** The codes of a purpose and binding: each binding narrows by its own column (a session, an invitation, or an account's codes of the purpose). */
function boundTo(purpose: CodePurpose, binding: CodeBinding) {
  return (eb: ExpressionBuilder<Database, 'one_time_codes'>) =>
    eb.and([
      eb('purpose', '=', purpose),
      'sessionIdHash' in binding
        ? eb('session_id_hash', '=', binding.sessionIdHash)
        : 'delegationId' in binding
          ? eb('delegation_id', '=', binding.delegationId)
          : eb('account_id', '=', binding.accountId),
    ]);
}

export interface CodeToIssue {
  purpose: CodePurpose;
  binding: CodeBinding;
  channel: 'EMAIL' | 'SMS';
  /** Where it went, masked ("n…@s….fr", "06 •• •• •• 12"), for pages and the history. */
  destination: string;
  /** The HMAC context: who or what the code is for (`otp:<account>`, `mobile:<account>:<number>`…). */
  context: string;
  secret: Buffer;
  ttlMs: number;
  now: Date;
}

/**
 * A new code: its digits (for the message only) and the writes that store it, unexecuted — the
 * caller runs them in its transaction, or in one statement with its session, message and audit
 * event. The first write invalidates the binding's earlier unused codes; in one statement it cannot
 * see the new one.
 */
export function issueCode(db: Q, input: CodeToIssue) {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const { binding } = input;
  const invalidation = db
    .updateTable('one_time_codes')
    .set({ invalidated_at: input.now })
    .where(boundTo(input.purpose, binding))
    .where('consumed_at', 'is', null)
    .where('invalidated_at', 'is', null);
  const insert = db.insertInto('one_time_codes').values({
    purpose: input.purpose,
    account_id: 'accountId' in binding ? binding.accountId : null,
    session_id_hash: 'sessionIdHash' in binding ? binding.sessionIdHash : null,
    delegation_id: 'delegationId' in binding ? binding.delegationId : null,
    code_hash: codeHmac(input.secret, input.context, code),
    channel: input.channel,
    destination: input.destination,
    created_at: input.now,
    expires_at: new Date(input.now.getTime() + input.ttlMs),
  });
  return { code, writes: [invalidation, insert] as const };
}

/** The same, written at once in the caller's transaction; returns the digits for the message. */
export async function storeNewCode(trx: Q, input: CodeToIssue): Promise<string> {
  const { code, writes } = issueCode(trx, input);
  for (const write of writes) await write.execute();
  return code;
}

/** When codes of this binding were sent since `since` (the caller's resend throttle). */
export async function codeSendTimes(db: Q, purpose: CodePurpose, binding: CodeBinding, since: Date): Promise<Date[]> {
  const rows = await db.selectFrom('one_time_codes').select('created_at').where(boundTo(purpose, binding)).where('created_at', '>', since).execute();
  return rows.map((r) => r.created_at);
}

/** The latest unused code of the binding: still valid (unexpired, not invalidated) or not. */
export async function latestCode(db: Q, purpose: CodePurpose, binding: CodeBinding, now: Date): Promise<{ valid: boolean; sentAt: Date } | null> {
  const row = await db
    .selectFrom('one_time_codes')
    .select(['created_at', 'expires_at', 'invalidated_at'])
    .where(boundTo(purpose, binding))
    .where('consumed_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { valid: row.invalidated_at === null && row.expires_at > now, sentAt: row.created_at } : null;
}

export interface CodeToCheck {
  purpose: CodePurpose;
  binding: CodeBinding;
  typed: string;
  context: string;
  secret: Buffer;
  maxAttempts: number;
  now: Date;
  /** Counted per address (CODE_CHECKS_PER_ADDRESS) before anything else; absent: not counted. */
  limitKey?: string;
  /** The code must belong to this account (a login code checked for a session's account). */
  accountId?: number;
  /** Writes that go with a wrong entry in its transaction (its audit event), given the attempts now used. */
  onWrong?: (trx: Q, attempts: number) => Promise<void>;
}

export type CodeCheck =
  | { ok: true; codeId: number; channel: 'EMAIL' | 'SMS' }
  | { ok: false; reason: 'rate_limited' | 'format' | 'expired' }
  | { ok: false; reason: 'wrong'; attemptsLeft: number };

/**
 * Checks a typed code against the binding's latest unused code: 6 digits (spaces ignored), not
 * expired, not invalidated, compared in constant time. A wrong entry is counted with the caller's
 * writes (`onWrong`), and the last allowed one invalidates the code. A right one is NOT consumed
 * here: the caller consumes it (`consumeCode`) in the transaction of what it unlocks.
 */
export async function checkCode(db: Q, input: CodeToCheck): Promise<CodeCheck> {
  if (input.limitKey && !(await hitLimit(db, input.limitKey, CODE_CHECKS_PER_ADDRESS, input.now)).allowed) return { ok: false, reason: 'rate_limited' };
  const typed = input.typed.replace(/\s/g, '');
  if (!/^\d{6}$/.test(typed)) return { ok: false, reason: 'format' };
  const stored = await db
    .selectFrom('one_time_codes')
    .select(['id', 'account_id', 'code_hash', 'channel', 'expires_at', 'invalidated_at'])
    .where(boundTo(input.purpose, input.binding))
    .where('consumed_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!stored || stored.invalidated_at || stored.expires_at <= input.now) return { ok: false, reason: 'expired' };
  if (input.accountId !== undefined && stored.account_id !== input.accountId) return { ok: false, reason: 'expired' };
  if (safeEqual(codeHmac(input.secret, input.context, typed), stored.code_hash)) return { ok: true, codeId: stored.id, channel: stored.channel };
  const attempts = await db.transaction().execute(async (trx) => {
    const used = await recordWrongCode(trx, stored.id, input.now, input.maxAttempts);
    await input.onWrong?.(trx, used);
    return used;
  });
  const left = input.maxAttempts - attempts;
  return left <= 0 ? { ok: false, reason: 'expired' } : { ok: false, reason: 'wrong', attemptsLeft: left };
}

/** Counts a wrong entry; at `max` the code is invalidated. Returns the attempts now used. */
async function recordWrongCode(db: Q, codeId: number, now: Date, max: number): Promise<number> {
  const row = await db
    .updateTable('one_time_codes')
    .set({
      attempts: sql`attempts + 1`,
      invalidated_at: sql`case when attempts + 1 >= ${max} then ${now}::timestamptz else invalidated_at end`,
    })
    .where('id', '=', codeId)
    .returning('attempts')
    .executeTakeFirstOrThrow();
  return row.attempts;
}

/** Single use, atomically: only one request can turn `consumed_at` from NULL (and only while the code is valid). */
export async function consumeCode(db: Q, codeId: number, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('one_time_codes')
    .set({ consumed_at: now })
    .where('id', '=', codeId)
    .where('consumed_at', 'is', null)
    .where('invalidated_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Invalidates the binding's unused codes (a mobile number changed: its codes verify nothing any more). */
export async function invalidateCodes(db: Q, purpose: CodePurpose, binding: CodeBinding, now: Date): Promise<void> {
  await db.updateTable('one_time_codes').set({ invalidated_at: now }).where(boundTo(purpose, binding)).where('consumed_at', 'is', null).where('invalidated_at', 'is', null).execute();
}

/** Codes are kept a day after they expire (the "sent at" of the resend throttle looks back an hour), then removed. */
export async function purgeOldCodes(db: Q, expiredBefore: Date): Promise<number> {
  const result = await db.deleteFrom('one_time_codes').where('expires_at', '<', expiredBefore).executeTakeFirst();
  return Number(result.numDeletedRows);
}
