/**
 * bench/admin-search.ts — R21 account search on a 1 M-account database, as a region referent
 * (the widest scope) and as a structure referent, through the same service the page calls.
 * Prints p50/p95 and the ratio to the 20 ms target, with the key lines of the query plan.
 *
 * Usage (DATABASE_URL = a server; the bench uses --database if it exists there, else creates one
 * with the generator and drops it at the end):
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node --import tsx bench/admin-search.ts [--database habilis_bench_review_1m]
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { buildDeps } from '../src/deps.js';
import { withDatabaseName } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { loadCatalogue } from '../src/db/seed/catalogue.js';
import { generate } from '../src/db/seed/generate.js';
import { listActiveGrants } from '../src/features/habilitations/habilitation.repository.js';
import { searchAccounts } from '../src/features/account-admin/account-admin.service.js';
import type { Principal } from '../src/features/habilitations/habilitation.policy.js';

const TARGET_P95_MS = 20;
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main() {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('DATABASE_URL (un serveur PostgreSQL) est nécessaire pour ce banc.');
  const admin = withDatabaseName(server, 'postgres');
  const wanted = arg('--database');
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  const exists = wanted ? (await client.query('select 1 from pg_database where datname = $1', [wanted])).rowCount === 1 : false;
  const name = exists ? wanted! : `habilis_bench_search_${process.pid}`;
  if (!exists) await client.query(`CREATE DATABASE ${name}`);
  await client.end();

  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: withDatabaseName(server, name), SESSION_SECRET: 'bench-secret-of-at-least-32-bytes-long', LOG_LEVEL: 'silent', JOBS: 'false' });
  const deps = buildDeps(config, config.databaseUrl!);
  await migrateToLatest(deps.db);
  if (!exists) {
    await loadCatalogue(deps.db);
    await generate(deps.db, { accounts: Number(arg('--accounts') ?? 1_000_000), now: new Date(), log: () => undefined });
  }
  const accounts = await deps.db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();

  // Principals as the session would load them: a region profile and the referent of the largest structure.
  const today = new Date().toISOString().slice(0, 10);
  const principalOf = async (profile: string, extra: (q: ReturnType<typeof baseQuery>) => ReturnType<typeof baseQuery>): Promise<Principal> => {
    const row = await extra(baseQuery(profile)).executeTakeFirstOrThrow();
    return { accountId: row.account_id, viewer: { firstName: 'Banc', lastName: 'Essai', username: 'banc' }, strength: 'strong', grants: await listActiveGrants(deps.db, row.account_id, today) };
  };
  const baseQuery = (profile: string) =>
    deps.db
      .selectFrom('habilitations as h')
      .innerJoin('profiles as p', 'p.id', 'h.profile_id')
      .select('h.account_id')
      .where('p.code', '=', profile)
      .where('h.deleted_at', 'is', null)
      .where('h.start_date', '<=', today)
      .where('h.end_date', '>=', today)
      .limit(1);
  const largest = await deps.db
    .selectFrom('habilitation_places')
    .select('establishment_id')
    .where('establishment_id', 'is not', null)
    .groupBy('establishment_id')
    .orderBy(sql`count(*)`, 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  const region = await principalOf('SANITAIRE_REGION', (q) => q);
  const referent = await principalOf('REFERENT_STRUCTURE', (q) => q.where('h.establishment_id', '=', largest.establishment_id!)).catch(() => region);

  // Queries a referent types: a last name, a name fragment and a first name, an e-mail fragment.
  const samples = await deps.db.selectFrom('accounts').select(['last_name', 'first_name', 'email']).where('id', 'in', [1, 77, 5_003, 250_000, 640_000, 999_999]).execute();
  const queries = samples.flatMap((s) => [s.last_name, `${s.last_name.slice(0, 4)} ${s.first_name}`, s.email.split('@')[0]!.slice(0, 8)]);

  console.log(`bench/admin-search — ${new Date().toISOString()} — ${os.cpus()[0]?.model ?? '?'} × ${os.availableParallelism()}, Node ${process.version}`);
  console.log(`database ${name}: ${accounts.n} accounts; ${queries.length} queries × 20 rounds per principal`);
  for (const [label, principal] of [
    ['region referent', region],
    ['structure referent (largest structure)', referent],
  ] as const) {
    const timings: number[] = [];
    for (let round = 0; round < 20; round += 1) {
      for (const query of queries) {
        const started = performance.now();
        await searchAccounts(deps, principal, query, 1);
        timings.push(performance.now() - started);
      }
    }
    const p95 = percentile(timings, 95);
    console.log(`search as ${label}: p50 ${percentile(timings, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, ratio p95/target ${(p95 / TARGET_P95_MS).toFixed(2)} (target p95 ≤ ${TARGET_P95_MS} ms)`);
    // Issue 13: one letter is enough (R21) — the first letter of each sampled last name, and a letter of a first name after a last name.
    const single = samples.flatMap((s) => [s.last_name.slice(0, 1), `${s.last_name} ${s.first_name.slice(0, 1)}`]);
    const singleTimings: number[] = [];
    for (let round = 0; round < 10; round += 1) {
      for (const query of single) {
        const started = performance.now();
        await searchAccounts(deps, principal, query, 1);
        singleTimings.push(performance.now() - started);
      }
    }
    const p95Single = percentile(singleTimings, 95);
    console.log(`  one-letter queries as ${label}: p50 ${percentile(singleTimings, 50).toFixed(1)} ms, p95 ${p95Single.toFixed(1)} ms, ratio ${(p95Single / TARGET_P95_MS).toFixed(2)}`);
  }
  const word = queries[0]!.toLowerCase();
  const plan = await sql<{ 'QUERY PLAN': string }>`explain analyze select id from accounts where search_text like ${`%${word}%`} and search_text like ${`${word}%`} order by search_text, id limit 20`.execute(deps.db);
  console.log('plan key lines:');
  for (const line of plan.rows.map((r) => r['QUERY PLAN']).filter((l) => /Index|Scan|Execution Time|Sort/.test(l)).slice(0, 6)) console.log(`  ${line.trim()}`);

  await deps.db.destroy();
  if (!exists) {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await c.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
