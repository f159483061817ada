/**
 * Card and e-CPS login (R12, R13): an external identity (the CPS card's national id, the Pro Santé
 * Connect SubjectNameID, a partner's subject) paired with one account, once, after a correct
 * password. And the short-lived server-side state of a login through an external provider: the
 * browser holds only a random id in a cookie, the database its SHA-256.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE professional_identities (
      id serial PRIMARY KEY,
      kind text NOT NULL CHECK (kind ~ '^(cps|psc|partner:[a-z0-9-]{1,40})$'),
      subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 100),
      account_id integer NOT NULL REFERENCES accounts(id),
      paired_at timestamptz NOT NULL,
      last_login_at timestamptz,
      -- One identity opens one account: the card of one professional never opens another's account.
      CONSTRAINT professional_identities_kind_subject_key UNIQUE (kind, subject)
    );
    -- One account = one professional (R20): at most one identity of each kind.
    CREATE UNIQUE INDEX professional_identities_account_kind_key ON professional_identities(account_id, kind);

    CREATE TABLE external_login_flows (
      flow_hash bytea PRIMARY KEY CHECK (length(flow_hash) = 32),
      kind text NOT NULL CHECK (kind ~ '^(cps|psc|partner:[a-z0-9-]{1,40})$'),
      state text CHECK (length(state) <= 200),
      nonce text CHECK (length(nonce) <= 200),
      code_verifier text CHECK (length(code_verifier) <= 200),
      return_path text NOT NULL DEFAULT '/' CHECK (length(return_path) <= 500),
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
      -- Set once, when the provider's answer is used: state, nonce and code serve a single time.
      callback_at timestamptz,
      subject text CHECK (length(subject) <= 100),
      given_name text CHECK (length(given_name) <= 200),
      family_name text CHECK (length(family_name) <= 200),
      id_token text CHECK (length(id_token) <= 20000),
      -- Set when the identity was paired or used to log in: the verified identity serves once too.
      completed_at timestamptz,
      session_id_hash bytea CHECK (length(session_id_hash) = 32)
    );
    CREATE INDEX external_login_flows_expires_idx ON external_login_flows(expires_at);
    CREATE INDEX external_login_flows_session_idx ON external_login_flows(session_id_hash) WHERE session_id_hash IS NOT NULL;

    -- R14: what a liberal professional declares at the creation of their account, beyond the account's columns.
    CREATE TABLE liberal_practices (
      account_id integer PRIMARY KEY REFERENCES accounts(id),
      specialty text CHECK (length(specialty) <= 100),
      address text NOT NULL CHECK (length(address) BETWEEN 1 AND 200),
      postcode text NOT NULL CHECK (postcode ~ '^[0-9]{5}$'),
      city text NOT NULL CHECK (length(city) BETWEEN 1 AND 100),
      created_at timestamptz NOT NULL
    );

    -- R14: the e-mail validation link of a self-created account; kept as its SHA-256, single use.
    CREATE TABLE email_validations (
      token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
      account_id integer NOT NULL REFERENCES accounts(id),
      email text NOT NULL CHECK (length(email) <= 254),
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
      consumed_at timestamptz
    );
    CREATE INDEX email_validations_account_idx ON email_validations(account_id);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS email_validations;
    DROP TABLE IF EXISTS liberal_practices;
    DROP TABLE IF EXISTS external_login_flows;
    DROP TABLE IF EXISTS professional_identities;
  `.execute(db);
}
