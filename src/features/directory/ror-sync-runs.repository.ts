/** All SQL of the record of ROR synchronisation runs (`directory_sync_runs`, its one owner) and of the lock that lets one run at a time. */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';

export type ResourceKind = 'organizations' | 'locations' | 'services';
export type RunStatus = 'succeeded' | 'partial' | 'failed';

export interface SyncRunCounts {
  created: number;
  updated: number;
  closed: number;
  unchanged: number;
}

/** Key of the PostgreSQL advisory lock that lets one run at a time, whichever node starts it. */
export const SYNC_LOCK_KEY = 7_000_007;

/**
 * Runs `task` holding the synchronisation lock, on one connection kept for the whole task (the task
 * itself uses the pool); null, without running it, when another session holds the lock.
 */
export async function withSyncLock<T>(db: Db, task: () => Promise<T>): Promise<T | null> {
  return db.connection().execute(async (connection) => {
    const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(${SYNC_LOCK_KEY}) AS locked`.execute(connection);
    if (!rows[0]?.locked) return null;
    try {
      return await task();
    } finally {
      await sql`SELECT pg_advisory_unlock(${SYNC_LOCK_KEY})`.execute(connection);
    }
  });
}

export async function startRun(db: Db, kind: 'full' | 'delta', since: Date | null, now: Date): Promise<number> {
  const row = await db.insertInto('directory_sync_runs').values({ kind, since, started_at: now }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function finishRun(
  db: Db,
  id: number,
  values: SyncRunCounts & {
    status: RunStatus;
    countsByKind: Record<ResourceKind, SyncRunCounts>;
    errors: { resourceId: string; message: string }[];
    errorCount: number;
    message: string | null;
    now: Date;
  },
): Promise<void> {
  await db
    .updateTable('directory_sync_runs')
    .set({
      status: values.status,
      finished_at: values.now,
      created: values.created,
      updated: values.updated,
      closed: values.closed,
      unchanged: values.unchanged,
      counts_by_kind: JSON.stringify(values.countsByKind),
      error_count: values.errorCount,
      errors: JSON.stringify(values.errors),
      message: values.message,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Runs still "running" although no process holds the lock: their process ended (stopped, killed,
 * lost its database connection) before it could record the end. They become failed, with why.
 * Call it only while holding the lock.
 */
export async function failStaleRuns(db: Db, now: Date, message: string): Promise<number[]> {
  const rows = await db
    .updateTable('directory_sync_runs')
    .set({ status: 'failed', finished_at: now, message })
    .where('status', '=', 'running')
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

/** The last run that read everything it was given (status succeeded): its start bounds the next delta. */
export async function getLastSucceededRun(db: Db) {
  return db
    .selectFrom('directory_sync_runs')
    .select(['id', 'kind', 'started_at', 'finished_at'])
    .where('status', '=', 'succeeded')
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The last full run that read the whole ROR (refusals or not): the weekly full run counts from it. */
export async function getLastReadFullRun(db: Db) {
  return db
    .selectFrom('directory_sync_runs')
    .select(['id', 'started_at'])
    .where('kind', '=', 'full')
    .where('status', 'in', ['succeeded', 'partial'])
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function listRuns(db: Db, limit = 20) {
  return db
    .selectFrom('directory_sync_runs')
    .select(['id', 'kind', 'started_at', 'finished_at', 'status', 'created', 'updated', 'closed', 'unchanged', 'counts_by_kind', 'error_count', 'errors', 'message'])
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** The end of the last run that read the whole ROR answer (R50's "last sync date" on the sheets). */
export async function getLastSyncDate(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom('directory_sync_runs')
    .select('finished_at')
    .where('status', 'in', ['succeeded', 'partial'])
    .orderBy('finished_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.finished_at ?? null;
}
