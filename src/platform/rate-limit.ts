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

/** Counts one attempt for `key` and says whether it is within the limit. */
export async function hitLimit(db: Db, key: string, limit: Limit, now: Date): Promise<LimitState> {
  const start = windowStart(now, limit.window);
  const end = new Date(start.getTime() + limit.window * 1000);
  const row = await db
    .insertInto('rate_limits')
    .values({ key, window_start: start, count: 1, expires_at: end })
    .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ count: sql`rate_limits.count + 1` }))
    .returning('count')
    .executeTakeFirstOrThrow();
  return { allowed: row.count <= limit.max, count: row.count, retryAfterSeconds: Math.ceil((end.getTime() - now.getTime()) / 1000) };
}

/** The current count for `key`, without counting an attempt. */
export async function peekLimit(db: Db, key: string, limit: Limit, now: Date): Promise<number> {
  const row = await db
    .selectFrom('rate_limits')
    .select('count')
    .where('key', '=', key)
    .where('window_start', '=', windowStart(now, limit.window))
    .executeTakeFirst();
  return row?.count ?? 0;
}

/** Removes finished windows (run by a job). */
export async function purgeExpiredLimits(db: Db, now: Date): Promise<void> {
  await db.deleteFrom('rate_limits').where('expires_at', '<', now).execute();
}
