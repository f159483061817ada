/**
 * Strong authentication: one-time codes, trusted browsers, password history, single-use links,
 * rate-limit counters shared by every node, spent anti-robot challenges, and the step a session
 * must still complete (new password, terms of use) before it opens the application.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- A strong session may still owe a step before the application opens.
    ALTER TABLE sessions ADD COLUMN pending_step text CHECK (pending_step IN ('password_change', 'terms'));

    -- One-time codes (R04): only an HMAC of the code is stored; single use; attempts counted.
    CREATE TABLE one_time_codes (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      account_id integer NOT NULL REFERENCES accounts(id),
      purpose text NOT NULL CHECK (purpose IN ('login', 'mobile_verification')),
      -- The session (its id hash) the code was sent for: a code only completes that session.
      session_id_hash bytea,
      code_hash text NOT NULL,
      channel text NOT NULL CHECK (channel IN ('EMAIL', 'SMS')),
      destination text NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      consumed_at timestamptz,
      invalidated_at timestamptz
    );
    CREATE INDEX one_time_codes_account_idx ON one_time_codes(account_id, created_at DESC);
    CREATE INDEX one_time_codes_session_idx ON one_time_codes(session_id_hash) WHERE consumed_at IS NULL;

    -- Trusted browsers (R05): the browser's random id is kept only as its SHA-256, per account.
    CREATE TABLE trusted_browsers (
      browser_hash bytea NOT NULL CHECK (length(browser_hash) = 32),
      account_id integer NOT NULL REFERENCES accounts(id),
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      PRIMARY KEY (browser_hash, account_id)
    );
    CREATE INDEX trusted_browsers_account_idx ON trusted_browsers(account_id);

    -- Former password hashes (R08: the last ones cannot be chosen again).
    CREATE TABLE password_history (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      account_id integer NOT NULL REFERENCES accounts(id),
      password_hash text NOT NULL,
      created_at timestamptz NOT NULL
    );
    CREATE INDEX password_history_account_idx ON password_history(account_id, created_at DESC);

    -- Single-use links (activation R11, reset R09): the token is kept only as its SHA-256.
    CREATE TABLE account_tokens (
      token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
      account_id integer NOT NULL REFERENCES accounts(id),
      purpose text NOT NULL CHECK (purpose IN ('activation', 'password_reset')),
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      consumed_at timestamptz
    );
    CREATE INDEX account_tokens_account_idx ON account_tokens(account_id, purpose);

    -- Fixed-window counters for rate limits, in the database so every node sees the same count.
    CREATE TABLE rate_limits (
      key text NOT NULL,
      window_start timestamptz NOT NULL,
      count integer NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (key, window_start)
    );
    CREATE INDEX rate_limits_expires_idx ON rate_limits(expires_at);

    -- Anti-robot challenges already used: a solved challenge works once.
    CREATE TABLE altcha_spent (
      signature text PRIMARY KEY,
      expires_at timestamptz NOT NULL
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS altcha_spent, rate_limits, account_tokens, password_history, trusted_browsers, one_time_codes;
    ALTER TABLE sessions DROP COLUMN IF EXISTS pending_step;
  `.execute(db);
}
