/**
 * HTTP bench: requests per second of `GET /` on the real application (every plugin and hook: helmet,
 * CSRF cookie, session lookup, page rendering) against a bare Fastify server answering a small
 * HTML string on the same machine in the same run — the bare figure is the limit, so the ratio
 * says what our stack costs, whatever the machine.
 *
 *   npm run bench:http
 *
 * The servers run in this process; the load comes from a child process (autocannon, keep-alive,
 * 2 × cores connections, a warm-up then a measured run), so client and server do not share one
 * event loop. Only loopback addresses; every run is bounded in time; the database is dropped.
 */
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import { loadConfig } from '../src/config.js';
import { buildDeps } from '../src/deps.js';
import { createDatabase } from '../src/db/database.js';
import { createBenchDatabase } from './bench-database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { loadCatalogue } from '../src/db/seed/catalogue.js';
import { buildApp } from '../src/http/app.js';

const WARMUP_SECONDS = 2;
const MEASURE_SECONDS = 10;
const CONNECTIONS = 2 * availableParallelism();

interface LoadResult {
  requestsPerSecond: number;
  total: number;
  mean: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

// ─── Load generator (child process) ────────────────────────────────────────────────────────────

/** The q-quantile of sorted values. */
function quantile(sorted: Float64Array, q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function runLoad(url: string): Promise<LoadResult> {
  const options = { url, connections: CONNECTIONS, pipelining: 1, timeout: 5 };
  await autocannon({ ...options, duration: WARMUP_SECONDS });
  // autocannon's own histogram keeps whole milliseconds (p50 reads 0 on loopback): the latencies
  // are recorded here as the fractional milliseconds its response event gives.
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ ...options, duration: MEASURE_SECONDS }, (error, r) => (error ? reject(error) : resolve(r)));
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  const sorted = Float64Array.from(latencies).sort();
  return {
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    mean: latencies.reduce((sum, x) => sum + x, 0) / Math.max(1, latencies.length),
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** Runs the load generator in a child process (this same file, with `--load URL`). */
function loadFromChild(url: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // The child inherits this process's execArgv, hence tsx's loader: it can run this TypeScript file.
    const child = fork(fileURLToPath(import.meta.url), ['--load', url], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const deadline = setTimeout(() => child.kill('SIGKILL'), (WARMUP_SECONDS + MEASURE_SECONDS + 30) * 1000);
    let result: LoadResult | null = null;
    child.on('message', (message) => {
      result = message as LoadResult;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(deadline);
      if (result) resolve(result);
      else reject(new Error(`le générateur de charge s'est arrêté sans résultat (code ${code})`));
    });
  });
}

// ─── Servers and report (main process) ─────────────────────────────────────────────────────────

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('adresse d’écoute inattendue');
  return `http://127.0.0.1:${address.port}/`;
}

function report(name: string, r: LoadResult): void {
  process.stdout.write(
    `${name.padEnd(6)} ${Math.round(r.requestsPerSecond).toString().padStart(7)} req/s   latency mean ${r.mean.toFixed(2)} ms, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms   ` +
      `(${r.total} requêtes, ${r.non2xx} non-2xx, ${r.errors} erreurs)\n`,
  );
}

async function main(): Promise<void> {
  const database = await createBenchDatabase('http');
  const databaseUrl = database.url;
  let app: FastifyInstance | null = null;
  let bare: FastifyInstance | null = null;
  let deps: ReturnType<typeof buildDeps> | null = null;
  try {
    const migrationDb = createDatabase(databaseUrl, 2);
    await migrateToLatest(migrationDb);
    await loadCatalogue(migrationDb);
    await migrationDb.destroy();

    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      JOBS: 'false',
      SESSION_SECRET: 'bench-secret-of-at-least-32-bytes-long!',
      DATABASE_URL: databaseUrl,
    });
    deps = buildDeps(config, databaseUrl, { mailTransport: null, smsTransport: null });
    app = await buildApp(deps);
    const appUrl = await listen(app);

    bare = Fastify({ logger: false });
    const html = '<!doctype html><html lang="fr"><head><title>Habilis</title></head><body><h1>Bonjour</h1></body></html>';
    bare.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
    const bareUrl = await listen(bare);

    // A failing home page would measure error pages: check it answers 200 before loading it.
    const probe = await fetch(appUrl);
    if (probe.status !== 200) throw new Error(`GET / a répondu ${probe.status}`);
    await probe.arrayBuffer();

    process.stdout.write(
      `Node ${process.version}, ${availableParallelism()} cœurs, PostgreSQL ${database.version} (${database.server}), ` +
        `${CONNECTIONS} connexions keep-alive, ${WARMUP_SECONDS} s de chauffe puis ${MEASURE_SECONDS} s mesurées\n`,
    );
    const home = await loadFromChild(appUrl);
    report('home', home);
    const bareResult = await loadFromChild(bareUrl);
    report('bare', bareResult);
    process.stdout.write(`ratio home/bare: ${(home.requestsPerSecond / bareResult.requestsPerSecond).toFixed(2)}\n`);
  } finally {
    await app?.close();
    await bare?.close();
    await deps?.db.destroy();
    await database.drop();
  }
}

const loadIndex = process.argv.indexOf('--load');
if (loadIndex >= 0) {
  const url = process.argv[loadIndex + 1] ?? '';
  // Loopback only: this load generator never targets another machine.
  if (new URL(url).hostname !== '127.0.0.1') throw new Error(`cible refusée : ${url}`);
  runLoad(url).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`Échec du générateur de charge : ${String(error)}\n`);
      process.exit(1);
    },
  );
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`Échec du bench : ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
