/**
 * Bench of the synthetic data generator: a fresh database (on DATABASE_URL's server, else on an
 * embedded PostgreSQL started for the run), migrated, catalogue loaded; times generate() for
 * --accounts N (1 000 000 by default) and prints its rates and its ratio to the limit, "minutes,
 * not hours", taken as 600 s. The database (and the embedded server) are dropped at the end.
 *
 *   npm run bench:generate -- --accounts 1000000
 */
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDatabase, withDatabaseName } from '../src/db/database.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/db/embedded.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { loadCatalogue } from '../src/db/seed/catalogue.js';
import { DEFAULT_ACCOUNTS, generate, MAX_ACCOUNTS } from '../src/db/seed/generate.js';

const LIMIT_SECONDS = 600;

function accountsArgument(argv: string[]): number {
  const index = argv.findIndex((a) => a === '--accounts' || a.startsWith('--accounts='));
  if (index < 0) return DEFAULT_ACCOUNTS;
  const arg = argv[index]!;
  const raw = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
  const value = Number(raw?.replaceAll('_', ''));
  if (!Number.isInteger(value) || value < 1 || value > MAX_ACCOUNTS) {
    throw new Error(`--accounts attend un nombre entier entre 1 et ${MAX_ACCOUNTS} (reçu : ${raw ?? 'rien'})`);
  }
  return value;
}

async function adminQuery(adminUrl: string, text: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const result = await client.query<{ v?: string }>(text);
    return result.rows[0]?.v ?? '';
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const accounts = accountsArgument(process.argv.slice(2));
  const print = (line: string) => process.stdout.write(`${line}\n`);

  let embedded: EmbeddedServer | null = null;
  let tempDir: string | null = null;
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = withDatabaseName(process.env.DATABASE_URL, 'postgres');
  } else {
    tempDir = await mkdtemp(path.join(tmpdir(), 'habilis-bench-'));
    await chmod(tempDir, 0o755);
    embedded = await startEmbeddedPostgres({ dataDir: path.join(tempDir, 'pg'), persistent: false });
    adminUrl = embedded.url;
  }
  const name = `habilis_bench_generate_${Date.now()}`;
  try {
    const version = await adminQuery(adminUrl, `select current_setting('server_version') as v`);
    print(`PostgreSQL ${version} (${embedded ? 'embarqué' : 'DATABASE_URL'}), Node ${process.version}, base ${name}`);
    await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
    const db = createDatabase(withDatabaseName(adminUrl, name), 2);
    try {
      await migrateToLatest(db);
      await loadCatalogue(db);
      const t0 = performance.now();
      const result = await generate(db, { accounts, now: new Date(), log: print });
      const seconds = (performance.now() - t0) / 1000;
      print('');
      print(`accounts: ${result.accounts}, habilitations: ${result.habilitations}, establishments: ${result.establishments}, units: ${result.units}`);
      for (const p of result.phases) print(`phase ${p.name}: ${(p.ms / 1000).toFixed(1)} s`);
      print(`total: ${seconds.toFixed(1)} s`);
      print(`accounts/s: ${Math.round(result.accounts / seconds)}`);
      print(`habilitations/s: ${Math.round(result.habilitations / seconds)}`);
      print(`ratio to ${LIMIT_SECONDS} s limit: ${(seconds / LIMIT_SECONDS).toFixed(2)}`);
    } finally {
      await db.destroy();
    }
  } finally {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await embedded?.stop();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Échec du bench : ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
