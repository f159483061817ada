/** SQL of R15 (assistants of a liberal professional). Callers pass a transaction when a write must commit with its audit. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { DelegationLevels } from './assistants.rules.js';

type Q = Kysely<Database>;

export async function getAccount(db: Q, accountId: number) {
  return db
    .selectFrom('accounts')
    .select(['id', 'username', 'first_name', 'last_name', 'email', 'email_verified_at', 'blocked_at', 'deactivated_at'])
    .where('id', '=', accountId)
    .executeTakeFirst();
}

export async function insertInvitation(
  db: Q,
  values: DelegationLevels & { professionalAccountId: number; lastName: string; firstName: string; email: string; tokenHash: Buffer; now: Date; expiresAt: Date },
) {
  return db
    .insertInto('assistant_delegations')
    .values({
      professional_account_id: values.professionalAccountId,
      invited_last_name: values.lastName,
      invited_first_name: values.firstName,
      invited_email: values.email,
      files: values.files,
      medical: values.medical,
      autonomy: values.autonomy,
      status: 'invited',
      invitation_token_hash: values.tokenHash,
      invitation_expires_at: values.expiresAt,
      created_at: values.now,
      updated_at: values.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** A pending invitation to this e-mail from this professional, valid or expired (one at a time; the unique index has the last word). */
export async function hasPendingInvitation(db: Q, professionalAccountId: number, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('assistant_delegations')
    .select('id')
    .where('professional_account_id', '=', professionalAccountId)
    .where(sql<string>`lower(invited_email)`, '=', email.toLowerCase())
    .where('status', '=', 'invited')
    .executeTakeFirst();
  return row !== undefined;
}

/** What an invitation says: to whom, for what, until when. */
const INVITATION_COLUMNS = [
  'd.id',
  'd.status',
  'd.files',
  'd.medical',
  'd.autonomy',
  'd.invited_last_name',
  'd.invited_first_name',
  'd.invited_email',
  'd.invitation_expires_at',
] as const;

/** The professional's assistants, invited, active and revoked, newest first. */
export async function listOfProfessional(db: Q, professionalAccountId: number) {
  return db
    .selectFrom('assistant_delegations as d')
    .leftJoin('accounts as a', 'a.id', 'd.assistant_account_id')
    .select([
      ...INVITATION_COLUMNS,
      'd.created_at',
      'd.accepted_at',
      'd.revoked_at',
      'a.first_name as assistant_first_name',
      'a.last_name as assistant_last_name',
      'a.username as assistant_username',
    ])
    .where('d.professional_account_id', '=', professionalAccountId)
    // Every current one (they must stay withdrawable), and the latest 50 withdrawn.
    .where((eb) => eb.or([eb('d.status', '<>', 'revoked'), eb('d.id', 'in', eb.selectFrom('assistant_delegations').select('id').where('professional_account_id', '=', professionalAccountId).where('status', '=', 'revoked').orderBy('id', 'desc').limit(50))]))
    .orderBy('d.id', 'desc')
    .execute();
}

/** A delegation of this professional, locked for a change. */
export async function lockOfProfessional(db: Q, professionalAccountId: number, delegationId: number) {
  return db
    .selectFrom('assistant_delegations')
    .selectAll()
    .where('id', '=', delegationId)
    .where('professional_account_id', '=', professionalAccountId)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateLevels(db: Q, delegationId: number, levels: DelegationLevels, now: Date): Promise<void> {
  await db
    .updateTable('assistant_delegations')
    .set({ files: levels.files, medical: levels.medical, autonomy: levels.autonomy, updated_at: now })
    .where('id', '=', delegationId)
    .execute();
}

export async function revoke(db: Q, delegationId: number, now: Date): Promise<void> {
  await db
    .updateTable('assistant_delegations')
    .set({ status: 'revoked', revoked_at: now, invitation_token_hash: null, updated_at: now })
    .where('id', '=', delegationId)
    .execute();
}

/** An invitation by its link, with the inviting professional, whatever its state (the page tells why it cannot serve). */
export async function getInvitationByToken(db: Q, tokenHash: Buffer) {
  return db
    .selectFrom('assistant_delegations as d')
    .innerJoin('accounts as p', 'p.id', 'd.professional_account_id')
    .select([
      ...INVITATION_COLUMNS,
      'd.professional_account_id',
      'p.first_name as professional_first_name',
      'p.last_name as professional_last_name',
      'p.username as professional_username',
      'p.email as professional_email',
      'p.deactivated_at as professional_deactivated_at',
    ])
    .where('d.invitation_token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/**
 * Uses the invitation, once: only a pending, unexpired one becomes the active delegation of this
 * assistant. Returns nothing when it was used, revoked or expired meanwhile.
 */
export async function acceptInvitation(db: Q, tokenHash: Buffer, assistantAccountId: number, now: Date) {
  return db
    .updateTable('assistant_delegations')
    .set({ status: 'active', assistant_account_id: assistantAccountId, accepted_at: now, invitation_token_hash: null, updated_at: now })
    .where('invitation_token_hash', '=', tokenHash)
    .where('status', '=', 'invited')
    .where('invitation_expires_at', '>', now)
    .returning(['id', 'professional_account_id', 'files', 'medical', 'autonomy'])
    .executeTakeFirst();
}

export async function hasActiveDelegation(db: Q, professionalAccountId: number, assistantAccountId: number): Promise<boolean> {
  const row = await db
    .selectFrom('assistant_delegations')
    .select('id')
    .where('professional_account_id', '=', professionalAccountId)
    .where('assistant_account_id', '=', assistantAccountId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return row !== undefined;
}

/** For the assistant's own page: the professionals they act for, with the levels. */
export async function listOfAssistant(db: Q, assistantAccountId: number) {
  return db
    .selectFrom('assistant_delegations as d')
    .innerJoin('accounts as p', 'p.id', 'd.professional_account_id')
    .select(['d.id', 'd.files', 'd.medical', 'd.autonomy', 'd.accepted_at', 'p.first_name', 'p.last_name', 'p.email', 'p.phone'])
    .where('d.assistant_account_id', '=', assistantAccountId)
    .where('d.status', '=', 'active')
    .where('p.deactivated_at', 'is', null)
    .orderBy('p.last_name')
    .execute();
}
