/** The connection: one pg pool per process, wrapped by Kysely. */
import pg from 'pg';
import { Kysely, PostgresDialect, sql, type OperationNodeSource } from 'kysely';
import type { Database } from './schema.js';

// bigint (counts, audit ids) as JavaScript numbers: every value we store is far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
// A SQL date is a calendar day, not an instant: keep 'YYYY-MM-DD' instead of a midnight-UTC Date.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export type Db = Kysely<Database>;

/** The pool behind each Kysely instance, for its figures (metrics: total, idle, waiting). */
const pools = new WeakMap<object, pg.Pool>();
export function poolOf(db: Db): pg.Pool | undefined {
  return pools.get(db);
}

export function createDatabase(connectionString: string, poolSize = 10): Db {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    // A connection attempt that gets no answer (a server stopping or starting, a network cut) fails
    // after this long instead of holding the request forever: the request gets its 503.
    connectionTimeoutMillis: 5_000,
    // Business dates are computed in the application; the session time zone keeps SQL's now()::date in step.
    options: '-c timezone=Europe/Paris',
  });
  // An idle client losing its server (restart, failover) must not crash the process: the next query reconnects.
  pool.on('error', () => undefined);
  // Nor a client checked out of the pool (a transaction between two statements): pg emits its
  // 'error' with no listener then, an uncaught exception. Its next statement fails instead (a 503,
  // error-handler.ts), and the pool drops the dead client when it comes back.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

/** Replaces the database name of a connection string. */
export function withDatabaseName(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/**
 * Several writes in one round trip, as ONE statement: every write but the last becomes a
 * data-modifying CTE of the last. PostgreSQL applies such a statement atomically (all its rows or
 * none, as a transaction would) and without the BEGIN and COMMIT round trips. Every CTE sees the
 * database as it was before the statement: the writes must not need each other's rows.
 */
export async function executeAsOneStatement(db: Db, writes: readonly OperationNodeSource[]): Promise<void> {
  const last = writes.at(-1);
  if (!last) return;
  const ctes = writes.slice(0, -1).map((write, i) => sql`${sql.id(`write_${i}`)} as (${write})`);
  await (ctes.length > 0 ? sql`with ${sql.join(ctes)} ${last}` : sql`${last}`).execute(db);
}

/**
 * Readiness (GET /health/ready): the database answers a query. It belongs to no feature's table,
 * so it sits with the connection itself rather than in a repository.
 */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

/**
 * A hot read as a named prepared statement: PostgreSQL parses and plans it once per connection
 * instead of at every call (the decision API's one query, issue 17). The text must be a constant
 * with $n parameters; it runs on the pool, never inside a transaction.
 */
export async function queryPrepared<R>(db: Db, name: string, text: string, values: unknown[]): Promise<R[]> {
  const pool = pools.get(db);
  if (!pool) throw new Error('queryPrepared: une base (pool), pas une transaction');
  return (await pool.query<R & pg.QueryResultRow>({ name, text, values })).rows;
}
