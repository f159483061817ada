/** SQL of the e-mail changes waiting for their validation link (R41, R22): the `email_changes` table. */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

type Q = Kysely<Database>;

export async function getPendingEmailChange(db: Q, accountId: number, now: Date) {
  return db
    .selectFrom('email_changes')
    .select(['new_email', 'created_at', 'expires_at'])
    .where('account_id', '=', accountId)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** A new request replaces the pending one: its link stops working. */
export async function consumePendingEmailChanges(db: Q, accountId: number, now: Date): Promise<void> {
  await db.updateTable('email_changes').set({ consumed_at: now }).where('account_id', '=', accountId).where('consumed_at', 'is', null).execute();
}

export async function insertEmailChange(db: Q, change: { tokenHash: Buffer; accountId: number; newEmail: string; now: Date; expiresAt: Date }): Promise<void> {
  await db
    .insertInto('email_changes')
    .values({ token_hash: change.tokenHash, account_id: change.accountId, new_email: change.newEmail, created_at: change.now, expires_at: change.expiresAt })
    .execute();
}

/** The usable change of a link, with its account; `forUpdate` locks it for the transaction that consumes it. */
export async function getUsableEmailChange(db: Q, tokenHash: Buffer, now: Date, options: { forUpdate?: boolean } = {}) {
  let query = db
    .selectFrom('email_changes as c')
    .innerJoin('accounts as a', 'a.id', 'c.account_id')
    .select(['c.account_id', 'c.new_email', 'a.username', 'a.first_name', 'a.last_name', 'a.email', 'a.blocked_at', 'a.deactivated_at'])
    .where('c.token_hash', '=', tokenHash)
    .where('c.consumed_at', 'is', null)
    .where('c.expires_at', '>', now);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function consumeEmailChange(db: Q, tokenHash: Buffer, now: Date): Promise<void> {
  await db.updateTable('email_changes').set({ consumed_at: now }).where('token_hash', '=', tokenHash).execute();
}

/** The cleanup job's part: e-mail changes expired before `before`. */
export async function purgeExpiredEmailChanges(db: Q, before: Date): Promise<number> {
  const result = await db.deleteFrom('email_changes').where('expires_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
