/**
 * bench/admin-review.ts — the review of habilitations (R39) on the 1 M-account synthetic database:
 *
 * 1. The export of 100 000 rows (the habilitations of the first establishments, by id, until
 *    100 000 rows — no single structure holds that many) through the service the route calls
 *    (`writeReviewExport`: server-side cursor → exceljs streaming writer → a stream that discards),
 *    its time and the peak RSS of the process sampled during it (targets ≤ 10 s, ≤ 300 MB), each
 *    run in a fresh Node process: with the default flags, with a smaller young generation, and a
 *    probe forcing GCs to show the live heap stays flat.
 * 2. The first page of the review of the largest structure, through `loadReview` (every query of
 *    the page: filter lists, count, rows, rights, referents) and through HTTP (`GET
 *    /administration/revue` with a session of one of its referents, page rendering included):
 *    p50/p95 (target p95 ≤ 50 ms), and the key lines of EXPLAIN ANALYZE of its queries.
 * 3. R25's list of structures with fewer than 2 referents for the largest region (no target), and
 *    its plan's key lines.
 *
 * Usage (DATABASE_URL = a server; --database: an existing generated database, else one is created
 * with the generator and dropped at the end):
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node --import tsx bench/admin-review.ts [--database habilis_bench_review_1m] [--runs 300]
 */
import os from 'node:os';
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { CompiledQuery, sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { buildDeps, type Deps } from '../src/deps.js';
import { withDatabaseName } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { loadCatalogue } from '../src/db/seed/catalogue.js';
import { generate } from '../src/db/seed/generate.js';
import { buildApp } from '../src/http/app.js';
import { parisDate } from '../src/platform/clock.js';
import { randomToken, sha256 } from '../src/platform/crypto.js';
import type { Principal } from '../src/features/habilitations/habilitation.policy.js';
import { RIGHT_CODES } from '../src/features/habilitations/habilitation.rights.js';
import { loadReview, planReviewExport, writeReviewExport } from '../src/features/habilitations/habilitation-review.service.js';
import { parseReviewQuery } from '../src/features/habilitations/habilitation-review.schemas.js';
import { compileReviewRows, listUnitIds } from '../src/features/habilitations/habilitation-review.repository.js';
import { listStructuresWithFewReferents } from '../src/features/habilitations/referent-coverage.service.js';

const TARGET_PAGE_P95_MS = 50;
const TARGET_EXPORT_S = 10;
const TARGET_RSS_MB = 300;
const EXPORT_ROWS = 100_000;

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const runs = Number(arg('--runs') ?? 300);
const print = (line = '') => process.stdout.write(`${line}\n`);
const mb = (bytes: number) => bytes / 1024 / 1024;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timeRuns(count: number, task: () => Promise<unknown>): Promise<{ p50: number; p95: number; p99: number; max: number }> {
  for (let i = 0; i < Math.min(20, count); i += 1) await task();
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const t0 = performance.now();
    await task();
    times.push(performance.now() - t0);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), max: Math.max(...times) };
}

/** EXPLAIN (ANALYZE, BUFFERS) of a compiled query, keeping the lines a reader looks at first. */
async function explainKeyLines(deps: Deps, query: CompiledQuery): Promise<string[]> {
  const result = await deps.db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain (analyze, buffers) ${query.sql}`, [...query.parameters]));
  return result.rows
    .map((r) => r['QUERY PLAN'])
    .filter((line) => /Scan|BitmapOr|Sort|Limit|Nested Loop|Hash Join|Merge Join|Aggregate|WindowAgg|Execution Time|Planning Time|Rows Removed/.test(line))
    .map((line) => line.replace(/\s+\(cost=[^)]*\)/, '').trimEnd());
}

function principal(accountId: number, location: Principal['grants'][number]['location']): Principal {
  return {
    accountId,
    viewer: { firstName: 'Banc', lastName: 'Essai', username: 'banc.essai' },
    strength: 'strong',
    grants: [{ habilitationId: 0, profileCode: 'BANC', rights: RIGHT_CODES, location }],
  };
}


/**
 * The export runs, each in a fresh Node process (nothing else in its memory): the defaults; a
 * smaller young generation (see bench/README.md); and a probe that forces a GC every 500 ms to show
 * the live heap stays flat (its time and peak are not the figures).
 */
const EXPORT_RUNS: { label: string; flags: string[]; probe: boolean }[] = [
  { label: 'node, réglages par défaut', flags: [], probe: false },
  { label: 'node --max-semi-space-size=16', flags: ['--max-semi-space-size=16'], probe: false },
  { label: 'sonde : GC forcé toutes les 500 ms', flags: ['--expose-gc'], probe: true },
];

interface ExportFigures {
  rows: number;
  establishments: number;
  seconds: number;
  fileMb: number;
  rssBeforeMb: number;
  peakRssMb: number;
  heapAfterGcMb: number[];
}

async function exportInChild(database: string, run: (typeof EXPORT_RUNS)[number]): Promise<ExportFigures> {
  const child = spawn(process.execPath, [...run.flags, ...process.execArgv, process.argv[1]!, '--export-child', '--database', database, ...(run.probe ? ['--probe'] : [])], {
    env: process.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`export en sous-processus : code ${code}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as ExportFigures;
}

/**
 * The plan of the 100 000-row export: the review of the first establishment (by id), widened to the
 * next ones until 100 000 habilitations — no structure holds that many.
 */
async function exportPlan(deps: Deps) {
  const sizes = await sql<{ id: number; n: number }>`
    select x.id, count(*)::int as n from (
      select h.establishment_id as id from habilitations h where h.establishment_id <= 2000
      union all
      select u.establishment_id from habilitations h join units u on u.id = h.unit_id where u.establishment_id <= 2000) x
    group by x.id order by x.id`.execute(deps.db);
  const exportIds: number[] = [];
  let expected = 0;
  for (const row of sizes.rows) {
    if (expected >= EXPORT_ROWS) break;
    exportIds.push(row.id);
    expected += row.n;
  }
  const first = await sql<{ department_code: string; region_code: string; domain_code: string | null }>`
    select e.department_code, d.region_code, e.domain_code from establishments e join departments d on d.code = e.department_code
    where e.id = ${exportIds[0]!}`.execute(deps.db);
  const place = first.rows[0]!;
  const exporter = principal(1, { level: 'region', regionCode: place.region_code });
  const review = await planReviewExport(
    deps,
    exporter,
    parseReviewQuery({ domaine: place.domain_code ?? 'SANITAIRE', coordination: place.department_code, structure: String(exportIds[0]), tout: '1' }),
  );
  // The same plan, widened to the first establishments.
  review.plan.criteria = { ...review.plan.criteria, establishmentIds: exportIds, unitIds: await listUnitIds(deps.db, exportIds) };
  return { review, exporter, establishments: exportIds.length };
}

/**
 * One export of 100 000 rows through writeReviewExport — the function the route calls — into a
 * stream that counts and discards. RSS is sampled every 10 ms and at every chunk written.
 */
async function exportOnce(deps: Deps, probe: boolean): Promise<ExportFigures> {
  const { review, exporter, establishments } = await exportPlan(deps);
  let bytes = 0;
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sample = () => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  };
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      sample();
      callback();
    },
  });
  const heapAfterGc: number[] = [];
  const collect = (globalThis as { gc?: () => void }).gc;
  const sampler = setInterval(sample, 10);
  const prober = probe && collect ? setInterval(() => {
    collect();
    heapAfterGc.push(mb(process.memoryUsage().heapUsed));
  }, 500) : null;
  const finished = new Promise((resolve) => sink.on('finish', resolve));
  const t0 = performance.now();
  const rows = await writeReviewExport(deps, exporter, review, sink);
  await finished;
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  if (prober) clearInterval(prober);
  sample();
  return { rows, establishments, seconds, fileMb: mb(bytes), rssBeforeMb: mb(rssBefore), peakRssMb: mb(peakRss), heapAfterGcMb: heapAfterGc };
}

function benchDeps(server: string, name: string): Deps {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: withDatabaseName(server, name),
    SESSION_SECRET: 'bench-secret-of-at-least-32-bytes-long',
    LOG_LEVEL: 'silent',
    JOBS: 'false',
  });
  return buildDeps(config, config.databaseUrl!);
}

/** The child process of an export run: prints its figures as one JSON line. */
async function exportChildMain(server: string): Promise<void> {
  const deps = benchDeps(server, arg('--database')!);
  try {
    print(JSON.stringify(await exportOnce(deps, process.argv.includes('--probe'))));
  } finally {
    await deps.db.destroy();
  }
}

async function main() {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('DATABASE_URL (un serveur PostgreSQL) est nécessaire pour ce banc.');
  const admin = withDatabaseName(server, 'postgres');
  const wanted = arg('--database');
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  const exists = wanted ? (await client.query('select 1 from pg_database where datname = $1', [wanted])).rowCount === 1 : false;
  const name = exists ? wanted! : `habilis_bench_review_${process.pid}`;
  if (!exists) await client.query(`CREATE DATABASE ${name}`);
  await client.end();

  const deps = benchDeps(server, name);
  let sessionHash: Buffer | null = null;
  try {
    const applied = await migrateToLatest(deps.db);
    if (!exists) {
      await loadCatalogue(deps.db);
      print(`Génération de ${arg('--accounts') ?? '1 000 000'} comptes dans ${name}…`);
      await generate(deps.db, { accounts: Number(arg('--accounts') ?? 1_000_000), now: new Date(), log: print });
    } else if (applied.length > 0) {
      await sql`analyze habilitations`.execute(deps.db);
    }
    const version = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(deps.db);
    const counts = await sql<{ accounts: number; habilitations: number }>`
      select (select count(*) from accounts)::int as accounts, (select count(*) from habilitations)::int as habilitations`.execute(deps.db);
    const today = parisDate(new Date());
    print(`# bench/admin-review.ts — ${new Date().toISOString()}`);
    print(`machine: ${os.cpus().length} cœurs (${os.cpus()[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB; Node ${process.version}; PostgreSQL ${version.rows[0]!.v}`);
    print(`base ${name}: ${counts.rows[0]!.accounts.toLocaleString('fr-FR')} comptes, ${counts.rows[0]!.habilitations.toLocaleString('fr-FR')} habilitations${applied.length ? ` (migrations appliquées : ${applied.join(', ')})` : ''}`);
    print();

    // ── 1. Export of 100 000 rows, in fresh processes ──────────────────────────────────────────
    for (const run of EXPORT_RUNS) {
      const r = await exportInChild(name, run);
      if (run.probe) {
        print(`## ${run.label} : tas vivant après GC, de 500 ms en 500 ms : ${r.heapAfterGcMb.map((v) => v.toFixed(0)).join(', ')} Mo`);
        print();
        continue;
      }
      print(`## Export de ${r.rows.toLocaleString('fr-FR')} lignes (${r.establishments} établissements, supprimées et expirées comprises) — ${run.label}`);
      print(`durée : ${r.seconds.toFixed(2)} s — ${Math.round(r.rows / r.seconds).toLocaleString('fr-FR')} lignes/s — fichier ${r.fileMb.toFixed(1)} Mo`);
      print(`RSS du processus au départ : ${r.rssBeforeMb.toFixed(0)} Mo ; pic pendant l’export : ${r.peakRssMb.toFixed(0)} Mo`);
      print(`ratio durée / ${TARGET_EXPORT_S} s : ${(r.seconds / TARGET_EXPORT_S).toFixed(2)} ; ratio pic RSS / ${TARGET_RSS_MB} Mo : ${(r.peakRssMb / TARGET_RSS_MB).toFixed(2)}`);
      print();
    }

    // ── 2. First page of the largest structure ───────────────────────────────────────────────
    const largest = await sql<{ id: number; n: number; department_code: string; region_code: string; domain_code: string | null; name: string }>`
      with c as (
        select coalesce(h.establishment_id, u.establishment_id) as id, count(*)::int as n
        from habilitations h left join units u on u.id = h.unit_id
        where h.establishment_id is not null or h.unit_id is not null
        group by 1 order by 2 desc limit 1)
      select c.id, c.n, e.department_code, d.region_code, e.domain_code, e.name
      from c join establishments e on e.id = c.id join departments d on d.code = e.department_code`.execute(deps.db);
    const big = largest.rows[0]!;
    const filters = parseReviewQuery({ domaine: big.domain_code ?? 'SANITAIRE', coordination: big.department_code, structure: String(big.id) });
    const viewer = principal(1, { level: 'establishment', establishmentId: big.id, departmentCode: big.department_code, regionCode: big.region_code });
    const page = await loadReview(deps, viewer, filters);
    print(`## Revue, première page de la plus grande structure : ${big.name} (${big.n} habilitations, ${page.total} en cours ou à venir, ${page.rows.length} lignes affichées)`);
    const service = await timeRuns(runs, () => loadReview(deps, viewer, filters));
    print(`loadReview (toutes les requêtes de la page), ${runs} fois : p50 ${service.p50.toFixed(2)} ms, p95 ${service.p95.toFixed(2)} ms, p99 ${service.p99.toFixed(2)} ms, max ${service.max.toFixed(1)} ms`);

    const referent = await sql<{ account_id: number }>`
      select h.account_id from habilitations h join profiles p on p.id = h.profile_id and p.code = 'REFERENT_STRUCTURE'
      join accounts a on a.id = h.account_id and a.blocked_at is null and a.deactivated_at is null
      where h.establishment_id = ${big.id} and h.deleted_at is null and h.start_date <= ${today}::date and h.end_date >= ${today}::date limit 1`.execute(deps.db);
    let http: Awaited<ReturnType<typeof timeRuns>> | null = null;
    if (referent.rows[0]) {
      const token = randomToken();
      sessionHash = sha256(token);
      await deps.db
        .insertInto('sessions')
        .values({ id_hash: sessionHash, account_id: referent.rows[0].account_id, strength: 'strong', auth_method: 'bench', expires_at: new Date(Date.now() + 3_600_000) })
        .execute();
      const app = await buildApp(deps);
      const url = `/administration/revue?domaine=${filters.domain}&coordination=${filters.department}&structure=${big.id}`;
      const check = await app.inject({ method: 'GET', url, headers: { cookie: `habilis_session=${token}`, accept: 'text/html' } });
      if (check.statusCode !== 200 || !check.body.includes('review-row')) throw new Error(`GET ${url} → ${check.statusCode}`);
      http = await timeRuns(runs, () => app.inject({ method: 'GET', url, headers: { cookie: `habilis_session=${token}`, accept: 'text/html' } }));
      print(`GET /administration/revue (HTTP, session, rendu compris), ${runs} fois : p50 ${http.p50.toFixed(2)} ms, p95 ${http.p95.toFixed(2)} ms, p99 ${http.p99.toFixed(2)} ms`);
      await app.close();
    }
    const worst = Math.max(service.p95, http?.p95 ?? 0);
    print(`ratio p95 / ${TARGET_PAGE_P95_MS} ms : ${(service.p95 / TARGET_PAGE_P95_MS).toFixed(2)} (service)${http ? `, ${(http.p95 / TARGET_PAGE_P95_MS).toFixed(2)} (HTTP)` : ''} — pire : ${(worst / TARGET_PAGE_P95_MS).toFixed(2)}`);
    print();
    print('EXPLAIN ANALYZE, page de 50 lignes (lignes clés) :');
    const order = { sort: filters.sort, direction: filters.direction };
    for (const line of await explainKeyLines(deps, compileReviewRows(deps.db, page.criteria!, order, { offset: 0, limit: 50 }))) print(`  ${line}`);
    print();
    print('EXPLAIN ANALYZE, export (100 000 lignes, même requête sans pagination) :');
    for (const line of await explainKeyLines(deps, compileReviewRows(deps.db, (await exportPlan(deps)).review.plan.criteria, { sort: 'nom', direction: 'asc' }))) print(`  ${line}`);
    print();

    // ── 3. R25 for the largest region ─────────────────────────────────────────────────────────
    const region = await sql<{ region_code: string; n: number }>`
      select d.region_code, count(*)::int as n from establishments e join departments d on d.code = e.department_code group by 1 order by 2 desc limit 1`.execute(deps.db);
    const supervisor = principal(1, { level: 'region', regionCode: region.rows[0]!.region_code });
    const coverage = await listStructuresWithFewReferents(deps, supervisor, 1);
    const r25 = await timeRuns(Math.min(runs, 30), () => listStructuresWithFewReferents(deps, supervisor, 1));
    print(`## R25, région ${region.rows[0]!.region_code} (${region.rows[0]!.n} établissements, ${coverage.total} avec moins de 2 référents) : p50 ${r25.p50.toFixed(1)} ms, p95 ${r25.p95.toFixed(1)} ms`);
  } finally {
    if (sessionHash) await deps.db.deleteFrom('sessions').where('id_hash', '=', sessionHash).execute();
    await deps.db.destroy();
    if (!exists) {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    }
  }
}

(process.argv.includes('--export-child') ? exportChildMain(process.env.DATABASE_URL!) : main()).catch((error: unknown) => {
  process.stderr.write(`Échec du bench : ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
