/**
 * Databases of a test's own, on the run's server and with the run's two roles: `url` is the
 * application role's connection, `ownerUrl` the owner's (migrations, set-ups that need owner powers).
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { withDatabaseName } from '../src/db/database.js';
import { migrateAsOwner, withRole } from '../src/db/roles.js';
import { adminQuery } from './setup.js';

export interface ScratchDatabase {
  url: string;
  ownerUrl: string;
  drop(): Promise<void>;
}

/** An empty database owned by the run's owner role; `migrated`: with the migrations and the application role's grants. */
export async function createScratchDatabase(options: { migrated?: boolean } = {}): Promise<ScratchDatabase> {
  const adminUrl = inject('adminUrl');
  const { ownerRole, appRole, password } = inject('testRoles');
  const name = `habilis_scratch_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name} OWNER ${ownerRole}`);
  const url = withDatabaseName(adminUrl, name);
  const scratch = {
    url: withRole(url, appRole, password),
    ownerUrl: withRole(url, ownerRole, password),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
  if (options.migrated) await migrateAsOwner(scratch.ownerUrl, appRole);
  return scratch;
}

/** The run's database as its owner role: for a set-up the application role may not do. */
export function ownerDatabaseUrl(): string {
  return inject('ownerUrl');
}
