/** A database of a test's own, on the run's server, for tests that need an empty one. */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { withDatabaseName } from '../src/db/database.js';
import { adminQuery } from './setup.js';

export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = inject('adminUrl');
  const name = `habilis_scratch_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  return {
    url: withDatabaseName(adminUrl, name),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
