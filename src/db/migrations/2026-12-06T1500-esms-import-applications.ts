/**
 * ESMS import by OAuth client credentials (issues 14 and 17): a registered application (idp_clients)
 * with the scope esms.import imports only into the region a region administrator bound it to here.
 * One region per application: a token never opens an import into any region.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE esms_import_applications (
      id serial PRIMARY KEY,
      client_id text NOT NULL UNIQUE REFERENCES idp_clients(client_id) ON DELETE CASCADE,
      region_code text NOT NULL REFERENCES regions(code),
      created_by_account_id integer NOT NULL REFERENCES accounts(id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS esms_import_applications`.execute(db);
}
