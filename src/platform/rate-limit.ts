/**
 * Fixed-window rate limits kept in PostgreSQL, so that every app node counts the same attempts
 * (an in-memory limiter would give each node its own allowance).
 */
import { sql } from 'kysely';
import type { Db } from '../db/database.js';

export interface Limit {
  /** Window length in seconds. */
  window: number;
  /** Attempts allowed per window. */
  max: number;
}

export interface LimitState {
  allowed: boolean;
  count: number;
  retryAfterSeconds: number;
}

function windowStart(now: Date, windowSeconds: number): Date {
  const ms = windowSeconds * 1000;
  return new Date(Math.floor(now.getTime() / ms) * ms);
}

/**
 * Counting one attempt for `key`, as a query returning the new `count`: hitLimit runs it alone; a
 * caller may run it in one statement with its own read (the password step), then ask limitState.
 */
export function attemptCount(db: Db, key: string, limit: Limit, now: Date) {
  const start = windowStart(now, limit.window);
  return db
    .insertInto('rate_limits')
    .values({ key, window_start: start, count: 1, expires_at: new Date(start.getTime() + limit.window * 1000) })
    .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ count: sql`rate_limits.count + 1` }))
    .returning('count');
}
export type AttemptCount = ReturnType<typeof attemptCount>;

/** The count of `key` in the current window, as a subquery (no row: no attempt yet). */
export function windowCount(db: Db, key: string, limit: Limit, now: Date) {
  return db.selectFrom('rate_limits').select('count').where('key', '=', key).where('window_start', '=', windowStart(now, limit.window));
}
export type WindowCount = ReturnType<typeof windowCount>;

export function limitState(count: number, limit: Limit, now: Date): LimitState {
  const end = windowStart(now, limit.window).getTime() + limit.window * 1000;
  return { allowed: count <= limit.max, count, retryAfterSeconds: Math.ceil((end - now.getTime()) / 1000) };
}

/** Counts one attempt for `key` and says whether it is within the limit. */
export async function hitLimit(db: Db, key: string, limit: Limit, now: Date): Promise<LimitState> {
  const row = await attemptCount(db, key, limit, now).executeTakeFirstOrThrow();
  return limitState(row.count, limit, now);
}

/** The current count for `key`, without counting an attempt. */
export async function peekLimit(db: Db, key: string, limit: Limit, now: Date): Promise<number> {
  const row = await windowCount(db, key, limit, now).executeTakeFirst();
  return row?.count ?? 0;
}

/** Removes finished windows (run by a job). */
export async function purgeExpiredLimits(db: Db, now: Date): Promise<void> {
  await db.deleteFrom('rate_limits').where('expires_at', '<', now).execute();
}

/**
 * Serialises, until the caller's transaction ends, every request about one target (an account's
 * codes, an invitation): a "read the recent sends, then send" throttle is then one atomic step, and
 * N parallel requests never pass more than it allows (issue 12). A transaction-level advisory lock:
 * nothing to clean up, released at commit or rollback, shared by every node of the same database.
 * It must be taken in its own statement, before the read: a statement's snapshot is taken when it
 * starts, so a read in the locking statement could miss the send committed by the previous holder.
 */
export async function lockTarget(trx: Db, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
}
