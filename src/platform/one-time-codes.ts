/**
 * The shared mechanics of one-time codes (login R04, mobile verification R41): a wrong entry is
 * counted and the last allowed one invalidates the code; a right one is consumed atomically, so a
 * code works once even when two requests race.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** Counts a wrong entry; at `max` the code is invalidated. Returns the attempts now used. */
export async function recordWrongCode(db: Kysely<Database>, codeId: number, now: Date, max: number): Promise<number> {
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

/** Single use, atomically: only one request can turn `consumed_at` from NULL. */
export async function consumeCode(db: Kysely<Database>, codeId: number, now: Date): Promise<boolean> {
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

/** Codes are kept a day after they expire (the "sent at" of the resend throttle looks back an hour), then removed. */
export async function purgeOldCodes(db: Kysely<Database>, expiredBefore: Date): Promise<number> {
  const result = await db.deleteFrom('one_time_codes').where('expires_at', '<', expiredBefore).executeTakeFirst();
  return Number(result.numDeletedRows);
}
