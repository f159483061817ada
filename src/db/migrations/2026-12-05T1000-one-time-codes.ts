/**
 * One mechanism for one-time codes (platform/one-time-codes.ts): the code that proves an invited
 * assistant's mailbox (R15) joins the login (R04) and mobile (R41) codes in `one_time_codes`. A
 * code is bound to a session (login), to an account (mobile) or to an invitation (acceptance).
 * Codes already sent move with their hash, expiry and attempts; the columns of assistant_delegations go.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE one_time_codes ALTER COLUMN account_id DROP NOT NULL;
    ALTER TABLE one_time_codes ADD COLUMN delegation_id integer REFERENCES assistant_delegations(id);
    ALTER TABLE one_time_codes DROP CONSTRAINT one_time_codes_purpose_check;
    ALTER TABLE one_time_codes ADD CONSTRAINT one_time_codes_purpose_check
      CHECK (purpose IN ('login', 'mobile_verification', 'assistant_acceptance'));
    -- What each purpose is bound to: an acceptance code to an invitation (no account yet), the others to an account.
    ALTER TABLE one_time_codes ADD CONSTRAINT one_time_codes_binding_check
      CHECK (CASE WHEN purpose = 'assistant_acceptance' THEN delegation_id IS NOT NULL AND account_id IS NULL
                  ELSE account_id IS NOT NULL AND delegation_id IS NULL END);
    CREATE INDEX one_time_codes_delegation_idx ON one_time_codes(delegation_id, created_at DESC) WHERE delegation_id IS NOT NULL;

    INSERT INTO one_time_codes (account_id, delegation_id, purpose, code_hash, channel, destination, created_at, expires_at, attempts)
    SELECT NULL, id, 'assistant_acceptance', acceptance_code_hmac, 'EMAIL',
           left(split_part(invited_email, '@', 1), 1) || '…@' || left(split_part(invited_email, '@', 2), 1) || '…',
           acceptance_code_sent_at, acceptance_code_expires_at, acceptance_code_attempts
    FROM assistant_delegations
    WHERE acceptance_code_hmac IS NOT NULL AND acceptance_code_sent_at IS NOT NULL AND acceptance_code_expires_at IS NOT NULL;

    ALTER TABLE assistant_delegations
      DROP COLUMN acceptance_code_hmac,
      DROP COLUMN acceptance_code_expires_at,
      DROP COLUMN acceptance_code_sent_at,
      DROP COLUMN acceptance_code_attempts;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE assistant_delegations
      ADD COLUMN acceptance_code_hmac text CHECK (length(acceptance_code_hmac) <= 100),
      ADD COLUMN acceptance_code_expires_at timestamptz,
      ADD COLUMN acceptance_code_sent_at timestamptz,
      ADD COLUMN acceptance_code_attempts integer NOT NULL DEFAULT 0 CHECK (acceptance_code_attempts >= 0);
    DELETE FROM one_time_codes WHERE purpose = 'assistant_acceptance';
    DROP INDEX IF EXISTS one_time_codes_delegation_idx;
    ALTER TABLE one_time_codes DROP CONSTRAINT one_time_codes_binding_check;
    ALTER TABLE one_time_codes DROP CONSTRAINT one_time_codes_purpose_check;
    ALTER TABLE one_time_codes ADD CONSTRAINT one_time_codes_purpose_check CHECK (purpose IN ('login', 'mobile_verification'));
    ALTER TABLE one_time_codes DROP COLUMN delegation_id;
    ALTER TABLE one_time_codes ALTER COLUMN account_id SET NOT NULL;
  `.execute(db);
}
