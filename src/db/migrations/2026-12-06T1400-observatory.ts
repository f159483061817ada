/**
 * Observatoire (R70, issue 15): statistics orders and their computed files, both in PostgreSQL so
 * any node serves them; the login method index the "strong authentication" request reads; and the
 * right `observatory.order` for structure referents ("a referent orders for their structure"):
 * coordination and region profiles already held it. The catalogue seed gives it to new databases;
 * this statement gives it to a database whose profiles already exist (the seed leaves existing
 * profiles as administrators shaped them), and does nothing on an empty one.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE observatory_orders (
      id serial PRIMARY KEY,
      account_id integer NOT NULL REFERENCES accounts(id),
      request_code text NOT NULL CHECK (request_code ~ '^[a-z0-9-]{1,60}$'),
      period_start date NOT NULL,
      period_end date NOT NULL,
      criteria jsonb NOT NULL DEFAULT '{}',
      criteria_labels jsonb NOT NULL DEFAULT '[]',
      comment text CHECK (char_length(comment) <= 500),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'ready', 'failed', 'expired')),
      failure_reason text,
      attempts integer NOT NULL DEFAULT 0,
      ordered_at timestamptz NOT NULL,
      started_at timestamptz,
      finished_at timestamptz,
      scope_label text,
      result jsonb,
      expires_at timestamptz,
      CONSTRAINT observatory_orders_period_check CHECK (period_end >= period_start)
    );
    CREATE INDEX observatory_orders_account_idx ON observatory_orders (account_id, ordered_at DESC);
    CREATE INDEX observatory_orders_open_idx ON observatory_orders (status, ordered_at) WHERE status IN ('pending', 'running');
    CREATE INDEX observatory_orders_expires_idx ON observatory_orders (expires_at) WHERE expires_at IS NOT NULL;

    CREATE TABLE observatory_files (
      order_id integer PRIMARY KEY REFERENCES observatory_orders(id) ON DELETE CASCADE,
      file_name text NOT NULL,
      content bytea NOT NULL,
      byte_size integer NOT NULL,
      created_at timestamptz NOT NULL
    );

    CREATE INDEX IF NOT EXISTS audit_events_login_succeeded_idx ON audit_events (occurred_at) INCLUDE (subject_account_id)
      WHERE code = 'LOGIN_SUCCEEDED';

    INSERT INTO profile_rights (profile_id, right_code)
      SELECT p.id, r.code FROM profiles p JOIN rights r ON r.code = 'observatory.order'
      WHERE p.code = 'REFERENT_STRUCTURE'
      ON CONFLICT DO NOTHING;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DELETE FROM profile_rights WHERE right_code = 'observatory.order'
      AND profile_id IN (SELECT id FROM profiles WHERE code = 'REFERENT_STRUCTURE');
    DROP INDEX IF EXISTS audit_events_login_succeeded_idx;
    DROP TABLE IF EXISTS observatory_files, observatory_orders;
  `.execute(db);
}
