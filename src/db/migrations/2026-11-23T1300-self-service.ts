/**
 * Self-service (R41): a change of e-mail address waits for the new address to be validated through
 * a single-use link; until then the account keeps its old address. The link's token is kept only as
 * its SHA-256, like the other links (account_tokens), in a table of its own because it carries the
 * new address.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE email_changes (
      token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
      account_id integer NOT NULL REFERENCES accounts(id),
      new_email text NOT NULL CHECK (new_email ~ '^[^@[:space:]]+@[^@[:space:]]+[.][^@[:space:]]+$' AND length(new_email) <= 254),
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
      consumed_at timestamptz
    );
    -- One pending change per account: a new request replaces (consumes) the previous one.
    CREATE UNIQUE INDEX email_changes_one_pending_key ON email_changes(account_id) WHERE consumed_at IS NULL;
    CREATE INDEX email_changes_account_idx ON email_changes(account_id, created_at DESC);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS email_changes;`.execute(db);
}
