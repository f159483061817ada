/**
 * F5 statuses read by OAuth client credentials (issue 17 item 4): a registered application (idp_clients)
 * with the scope esms.read reads the statuses (tier 1) of the ESMS a region administrator bound it to here,
 * and of no other. An application may be bound to several ESMS, each once.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE esms_read_applications (
      id serial PRIMARY KEY,
      client_id text NOT NULL REFERENCES idp_clients(client_id) ON DELETE CASCADE,
      establishment_id integer NOT NULL REFERENCES establishments(id),
      created_by_account_id integer NOT NULL REFERENCES accounts(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (client_id, establishment_id)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS esms_read_applications;`.execute(db);
}
