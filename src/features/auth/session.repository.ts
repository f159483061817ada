/**
 * THE owner of the `sessions` table: every read and write of a session goes through here, whoever
 * asks (the request hook, login, "Mon compte", a referent blocking an account, the jobs). A session
 * is stored by the SHA-256 of its id only. Callers pass a transaction when the change must commit
 * with its audit event.
 */
import { sql, type Insertable, type Kysely } from 'kysely';
import type { Database, SessionTable } from '../../db/schema.js';
import type { Delegation } from '../habilitations/habilitation.policy.js';
import type { PendingStep } from './auth.rules.js';

type Q = Kysely<Database>;

export type SessionRow = Insertable<SessionTable>;

/**
 * A live session (unexpired, not idle, of an account neither blocked nor deactivated) with what
 * the request's principal needs beyond habilitations, in the same round trip: the account's names,
 * whether it is a liberal professional (R14) and the active delegations it holds as an assistant
 * (R15) — read at every request, so a change or a revocation applies at the next one.
 */
export async function getLive(db: Q, idHash: Buffer, now: Date, idleLimit: Date) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .select(['s.id_hash', 's.strength', 's.auth_method', 's.amr', 's.pending_step', 's.last_seen_at', 'a.id as account_id', 'a.first_name', 'a.last_name', 'a.username'])
    .select([
      sql<Date>`coalesce(s.authenticated_at, s.created_at)`.as('authenticated_at'),
      sql<boolean>`EXISTS (SELECT 1 FROM liberal_practices WHERE account_id = a.id)`.as('liberal'),
      sql<Delegation[]>`COALESCE((
        SELECT json_agg(json_build_object(
          'delegationId', d.id, 'professionalAccountId', d.professional_account_id,
          'files', d.files, 'medical', d.medical, 'autonomy', d.autonomy) ORDER BY d.id)
        FROM assistant_delegations d
        JOIN accounts p ON p.id = d.professional_account_id
        WHERE d.assistant_account_id = a.id AND d.status = 'active' AND p.deactivated_at IS NULL
      ), '[]'::json)`.as('delegations'),
    ])
    .where('s.id_hash', '=', idHash)
    .where('s.expires_at', '>', now)
    .where('s.last_seen_at', '>', idleLimit)
    .where('a.blocked_at', 'is', null)
    .where('a.deactivated_at', 'is', null)
    .executeTakeFirst();
}

export type LiveSessionRow = NonNullable<Awaited<ReturnType<typeof getLive>>>;

export async function touch(db: Q, idHash: Buffer, now: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
}

/** The INSERT of a new session, unexecuted: the login writes it in one statement with its first code. */
export function insert(db: Q, row: SessionRow) {
  return db.insertInto('sessions').values(row);
}

export async function setPendingStep(db: Q, idHash: Buffer, step: PendingStep | null): Promise<void> {
  await db.updateTable('sessions').set({ pending_step: step }).where('id_hash', '=', idHash).execute();
}

export async function endOne(db: Q, idHash: Buffer): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

/** Ends one session of this account (never another person's); false when there was none. */
export async function endOneOfAccount(db: Q, accountId: number, idHash: Buffer): Promise<boolean> {
  const result = await db.deleteFrom('sessions').where('account_id', '=', accountId).where('id_hash', '=', idHash).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Ends every session of the account, but `exceptIdHash` when given; returns how many ended. */
export async function endAllOfAccount(db: Q, accountId: number, exceptIdHash: Buffer | null = null): Promise<number> {
  let query = db.deleteFrom('sessions').where('account_id', '=', accountId);
  if (exceptIdHash) query = query.where('id_hash', '<>', exceptIdHash);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The live sessions of the account (not expired, not idle), with their id hashes, most recent first. */
export async function listLiveOfAccountWithIdHash(db: Q, accountId: number, now: Date, idleLimit: Date) {
  return db
    .selectFrom('sessions')
    .select(['id_hash', 'strength', 'auth_method', 'created_at', 'last_seen_at', 'ip', 'user_agent'])
    .where('account_id', '=', accountId)
    .where('expires_at', '>', now)
    .where('last_seen_at', '>', idleLimit)
    .orderBy('last_seen_at', 'desc')
    .execute();
}

/** Removes the sessions that can no longer be used (expired or idle); returns how many. */
export async function purgeExpired(db: Q, now: Date, idleLimit: Date): Promise<number> {
  const result = await db.deleteFrom('sessions').where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleLimit)])).executeTakeFirst();
  return Number(result.numDeletedRows);
}
