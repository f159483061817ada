/**
 * Global setup of every test run: a fresh database, migrated, with the catalogue — on the server
 * of DATABASE_URL when it is set, else on an embedded PostgreSQL started for the run. The database
 * (and the embedded server) are dropped at the end: no run depends on what an earlier run left.
 */
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDatabase, withDatabaseName } from '../src/db/database.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/db/embedded.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { loadCatalogue } from '../src/db/seed/catalogue.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's database, migrated, catalogue loaded. */
    databaseUrl: string;
    /** The server's maintenance database: tests that need a database of their own create it there. */
    adminUrl: string;
  }
}

export async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject) {
  let embedded: EmbeddedServer | null = null;
  let tempDir: string | null = null;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    tempDir = await mkdtemp(path.join(tmpdir(), 'habilis-test-'));
    await chmod(tempDir, 0o755);
    embedded = await startEmbeddedPostgres({ dataDir: path.join(tempDir, 'pg'), persistent: false });
    adminUrl = embedded.url;
  } else {
    adminUrl = withDatabaseName(adminUrl, 'postgres');
  }
  const name = `habilis_test_${Date.now()}_${process.pid}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const databaseUrl = withDatabaseName(adminUrl, name);
  const db = createDatabase(databaseUrl, 2);
  await migrateToLatest(db);
  await loadCatalogue(db);
  await db.destroy();
  project.provide('databaseUrl', databaseUrl);
  project.provide('adminUrl', adminUrl);

  return async () => {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await embedded?.stop();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  };
}
