import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createDatabase } from './database.js';
import { migrateToLatest } from './migrate.js';
import { migrations } from './migrations/index.js';
import { createScratchDatabase } from '../../test/databases.js';

const scratch: { drop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const s of scratch) await s.drop();
});

describe('migrations', () => {
  it('build the whole model from an empty database, and a restart applies nothing more', async () => {
    const database = await createScratchDatabase();
    scratch.push(database);
    // Migrations are the owner role's work (roles.ts).
    const db = createDatabase(database.ownerUrl, 2);
    try {
      expect(await migrateToLatest(db)).toEqual(Object.keys(migrations));
      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(db);
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining([
          'accounts', 'audit_events', 'departments', 'domains', 'establishments', 'habilitations', 'legal_entities',
          'outbox_messages', 'profile_grantors', 'profile_rights', 'profiles', 'regions', 'rights', 'sessions', 'units',
        ]),
      );
      const jobTables = await sql<{ n: number }>`
        select count(*)::int as n from information_schema.tables where table_schema = 'pgboss'`.execute(db);
      expect(jobTables.rows[0]!.n).toBeGreaterThan(0);
      expect(await migrateToLatest(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
