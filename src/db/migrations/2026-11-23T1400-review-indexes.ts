/**
 * Review of habilitations: R25's count of live structure referents per establishment, for every
 * establishment of a region at once. Without it each establishment's count reads all its
 * habilitations from the heap (3 s for a region of 3 600 establishments on the 1 M-account bench
 * database); with it, an index-only scan of the few live rows of one profile (0.2 s cold).
 * The review's own rows need no new index: habilitations_establishment_idx and
 * habilitations_unit_idx serve them (see bench/README.md).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE INDEX IF NOT EXISTS habilitations_live_establishment_profile_idx
      ON habilitations (establishment_id, profile_id, end_date) INCLUDE (start_date, account_id)
      WHERE deleted_at IS NULL AND establishment_id IS NOT NULL;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS habilitations_live_establishment_profile_idx`.execute(db);
}
