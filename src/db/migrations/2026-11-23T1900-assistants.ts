/**
 * R15: the assistants of a liberal professional. One row per invitation; once accepted it is the
 * delegation itself: which of the professional's resources the assistant may read or write. Never
 * deleted: a revoked delegation stays, with its date, for the history.
 * R12, R13: what a verified card or e-CPS identity also says, kept with its login flow: the
 * profession (the card's `title`) and the places of practice (PSC's SubjectRefPro activities).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE assistant_delegations (
      id serial PRIMARY KEY,
      professional_account_id integer NOT NULL REFERENCES accounts(id),
      assistant_account_id integer REFERENCES accounts(id),
      invited_last_name text NOT NULL CHECK (length(invited_last_name) BETWEEN 1 AND 100),
      invited_first_name text NOT NULL CHECK (length(invited_first_name) BETWEEN 1 AND 100),
      invited_email text NOT NULL CHECK (length(invited_email) BETWEEN 3 AND 254),
      files text NOT NULL CHECK (files IN ('none', 'read', 'write')),
      medical text NOT NULL CHECK (medical IN ('none', 'read', 'write')),
      autonomy text NOT NULL CHECK (autonomy IN ('none', 'read', 'write')),
      status text NOT NULL CHECK (status IN ('invited', 'active', 'revoked')),
      -- The invitation link's token, as its SHA-256; cleared when the invitation is used or revoked.
      invitation_token_hash bytea UNIQUE CHECK (length(invitation_token_hash) = 32),
      invitation_expires_at timestamptz NOT NULL,
      -- A new assistant account proves the invited mailbox with a one-time code sent there (HMAC, 10 minutes, 5 tries).
      acceptance_code_hmac text CHECK (length(acceptance_code_hmac) <= 100),
      acceptance_code_expires_at timestamptz,
      acceptance_code_sent_at timestamptz,
      acceptance_code_attempts integer NOT NULL DEFAULT 0 CHECK (acceptance_code_attempts >= 0),
      created_at timestamptz NOT NULL,
      accepted_at timestamptz,
      revoked_at timestamptz,
      updated_at timestamptz NOT NULL,
      -- A delegation gives something: at least one of the three accesses.
      CHECK (files <> 'none' OR medical <> 'none' OR autonomy <> 'none'),
      -- Nobody is their own assistant.
      CHECK (assistant_account_id IS NULL OR assistant_account_id <> professional_account_id),
      -- An active delegation has its assistant; a pending invitation has its link.
      CHECK (status <> 'active' OR (assistant_account_id IS NOT NULL AND accepted_at IS NOT NULL)),
      CHECK (status <> 'invited' OR invitation_token_hash IS NOT NULL),
      CHECK (status <> 'revoked' OR revoked_at IS NOT NULL)
    );
    -- One pending invitation per professional and address.
    CREATE UNIQUE INDEX assistant_delegations_pending_key ON assistant_delegations(professional_account_id, lower(invited_email)) WHERE status = 'invited';
    -- One active delegation per professional and assistant.
    CREATE UNIQUE INDEX assistant_delegations_active_key ON assistant_delegations(professional_account_id, assistant_account_id) WHERE status = 'active';
    -- Read at every request of an assistant (the principal).
    CREATE INDEX assistant_delegations_assistant_idx ON assistant_delegations(assistant_account_id) WHERE status = 'active';
    CREATE INDEX assistant_delegations_professional_idx ON assistant_delegations(professional_account_id, id);

    ALTER TABLE external_login_flows
      ADD COLUMN profession text CHECK (length(profession) <= 200),
      ADD COLUMN practice_places jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(practice_places) = 'array' AND jsonb_array_length(practice_places) <= 20);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE external_login_flows DROP COLUMN IF EXISTS practice_places, DROP COLUMN IF EXISTS profession;
    DROP TABLE IF EXISTS assistant_delegations;
  `.execute(db);
}
