/**
 * The Observatoire migration (R70): on a database whose profiles already exist (the catalogue leaves
 * them as administrators shaped them), structure referents receive `observatory.order`, once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Migrator, sql } from 'kysely';
import { createDatabase } from '../database.js';
import { migrations } from './index.js';
import { createScratchDatabase } from '../../../test/databases.js';

const scratch: { drop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const s of scratch) await s.drop();
});

describe('2026-12-06T1400-observatory', () => {
  it('R70 gives observatory.order to the existing "Référent structure" profile, and creates the orders and files tables', async () => {
    const database = await createScratchDatabase();
    scratch.push(database);
    const db = createDatabase(database.ownerUrl, 2);
    try {
      const names = Object.keys(migrations);
      const before = names[names.indexOf('2026-12-06T1400-observatory') - 1]!;
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
      expect((await migrator.migrateTo(before)).error).toBeUndefined();
      await sql`insert into rights (code, label) values ('observatory.order', 'Commander'), ('accounts.manage', 'Comptes')`.execute(db);
      const profile = await sql<{ id: number }>`
        insert into profiles (code, name, location_level) values ('REFERENT_STRUCTURE', 'Référent structure', 'establishment') returning id`.execute(db);
      const id = profile.rows[0]!.id;
      await sql`insert into profile_rights (profile_id, right_code) values (${id}, 'accounts.manage')`.execute(db);

      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      const rights = await sql<{ right_code: string }>`select right_code from profile_rights where profile_id = ${id} order by right_code`.execute(db);
      expect(rights.rows.map((r) => r.right_code)).toEqual(['accounts.manage', 'observatory.order']);
      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_name like 'observatory_%' order by table_name`.execute(db);
      expect(tables.rows.map((r) => r.table_name)).toEqual(['observatory_files', 'observatory_orders']);
    } finally {
      await db.destroy();
    }
  });
});
