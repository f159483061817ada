/**
 * Global setup of every test run: a fresh database, migrated, with the catalogue — on the server
 * of DATABASE_URL when it is set, else on an embedded PostgreSQL started for the run. Like
 * production, the run has two roles of its own (roles.ts): the owner migrates, and every test
 * connects as the application role. The database, the roles (cluster-wide, named after the run so
 * that parallel runs never meet) and the embedded server are dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDatabase, withDatabaseName } from '../src/db/database.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/db/embedded.js';
import { dropDatabasesAndRoles, migrateAsOwner, provisionDatabase } from '../src/db/roles.js';
import { loadCatalogue } from '../src/db/seed/catalogue.js';

export interface TestRoles {
  ownerRole: string;
  appRole: string;
  password: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's database as the application role, migrated, catalogue loaded. */
    databaseUrl: string;
    /** The same database as its owner role: only for set-ups that need owner powers (test/databases.ts). */
    ownerUrl: string;
    /** The server's maintenance database as a superuser: tests that need a database of their own create it there. */
    adminUrl: string;
    /** The run's two roles. */
    testRoles: TestRoles;
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
  const roles: TestRoles = { ownerRole: `${name}_owner`, appRole: `${name}_app`, password: randomBytes(18).toString('hex') };
  const teardown = async () => {
    await dropDatabasesAndRoles(adminUrl, roles);
    await embedded?.stop();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  };
  try {
    const { appUrl, ownerUrl } = await provisionDatabase(adminUrl, { database: name, ...roles });
    await migrateAsOwner(ownerUrl, roles.appRole);
    const db = createDatabase(appUrl, 2);
    await loadCatalogue(db);
    await db.destroy();
    project.provide('databaseUrl', appUrl);
    project.provide('ownerUrl', ownerUrl);
    project.provide('adminUrl', adminUrl);
    project.provide('testRoles', roles);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
