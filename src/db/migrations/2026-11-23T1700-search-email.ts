/**
 * Account search (R21): referents often type the start of an e-mail address. A folded copy of the
 * address, in collation "C", lets LIKE 'prefix%' read a btree range in order instead of a trigram
 * bitmap over every address that contains the word.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE accounts ADD COLUMN email_fold text COLLATE "C" GENERATED ALWAYS AS (habilis_fold(email)) STORED;
    CREATE INDEX accounts_email_fold_idx ON accounts (email_fold, id);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP INDEX IF EXISTS accounts_email_fold_idx;
    ALTER TABLE accounts DROP COLUMN IF EXISTS email_fold;
  `.execute(db);
}
