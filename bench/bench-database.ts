/**
 * The database of one bench run: created on DATABASE_URL's server, else on an embedded PostgreSQL
 * started in a temporary folder for the run; `drop()` removes the database, stops the embedded
 * server and deletes its folder. Benches never touch an existing database through this.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { withDatabaseName } from '../src/db/database.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';

export interface BenchDatabase {
  /** The run's database. */
  url: string;
  name: string;
  /** 'embarqué' or 'DATABASE_URL', as the benches print it. */
  server: string;
  /** The server's version, e.g. "15.20 (Debian …)". */
  version: string;
  drop(): Promise<void>;
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

export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  let tempDir: string | null = null;
  let stopEmbedded: (() => Promise<void>) | null = null;
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = withDatabaseName(process.env.DATABASE_URL, 'postgres');
  } else {
    tempDir = await mkdtemp(path.join(tmpdir(), 'habilis-bench-'));
    await chmod(tempDir, 0o755);
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(tempDir, 'pg'), persistent: false });
    stopEmbedded = () => embedded.stop();
    adminUrl = embedded.url;
  }
  const name = `habilis_bench_${label}_${Date.now()}`;
  const version = await adminQuery(adminUrl, `select current_setting('server_version') as v`);
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  return {
    url: withDatabaseName(adminUrl, name),
    name,
    server: stopEmbedded ? 'embarqué' : 'DATABASE_URL',
    version,
    drop: async () => {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await stopEmbedded?.();
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
    },
  };
}
