/**
 * ESMS import by OAuth client credentials (issues 14 and 17): a registered application (idp_clients)
 * with the scope esms.import imports only into the region a region administrator bound it to here.
 * One region per application: a token never opens an import into any region. The interim API clients
 * (id + secret checked by the esms feature itself) are dropped: the import accepts OAuth tokens only, and
 * a region administrator binds the MDPH's registered application instead.
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
    DROP TABLE esms_api_clients;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS esms_import_applications;
    CREATE TABLE esms_api_clients (
      id serial PRIMARY KEY,
      client_id text NOT NULL UNIQUE CHECK (client_id ~ '^[a-z0-9-]{8,64}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      secret_hash bytea NOT NULL,
      scope text NOT NULL CHECK (scope IN ('esms.import')),
      region_code text NOT NULL REFERENCES regions(code),
      created_by_account_id integer NOT NULL REFERENCES accounts(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    );
  `.execute(db);
}
