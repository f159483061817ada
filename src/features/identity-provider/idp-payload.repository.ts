/**
 * THE owner of `idp_payloads`: oidc-provider's artifacts (sessions, interactions, authorization
 * codes, grants, access tokens for userinfo…), one row per model and id, as its adapter contract
 * says (upsert, find, findByUid, findByUserCode, consume, destroy, revokeByGrantId). Expired rows
 * are never returned and are purged by the cleanup job.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

type Q = Kysely<Database>;
export type Payload = Record<string, unknown>;

export async function upsert(db: Q, model: string, id: string, payload: Payload, expiresAt: Date | null): Promise<void> {
  const row = {
    model,
    id,
    payload: JSON.stringify(payload) as unknown as Payload,
    grant_id: typeof payload.grantId === 'string' ? payload.grantId : null,
    uid: typeof payload.uid === 'string' ? payload.uid : null,
    user_code: typeof payload.userCode === 'string' ? payload.userCode : null,
    expires_at: expiresAt,
  };
  await db
    .insertInto('idp_payloads')
    .values(row)
    .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet({ payload: row.payload, grant_id: row.grant_id, uid: row.uid, user_code: row.user_code, expires_at: row.expires_at }))
    .execute();
}

async function findWhere(db: Q, model: string, column: 'id' | 'uid' | 'user_code', value: string, now: Date): Promise<Payload | undefined> {
  const row = await db
    .selectFrom('idp_payloads')
    .select(['payload', 'consumed_at'])
    .where('model', '=', model)
    .where(column, '=', value)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  if (!row) return undefined;
  return row.consumed_at ? { ...row.payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) } : row.payload;
}

export const find = (db: Q, model: string, id: string, now: Date) => findWhere(db, model, 'id', id, now);
export const findByUid = (db: Q, model: string, uid: string, now: Date) => findWhere(db, model, 'uid', uid, now);
export const findByUserCode = (db: Q, model: string, userCode: string, now: Date) => findWhere(db, model, 'user_code', userCode, now);

export async function consume(db: Q, model: string, id: string, now: Date): Promise<void> {
  await db.updateTable('idp_payloads').set({ consumed_at: now }).where('model', '=', model).where('id', '=', id).execute();
}

export async function destroy(db: Q, model: string, id: string): Promise<void> {
  await db.deleteFrom('idp_payloads').where('model', '=', model).where('id', '=', id).execute();
}

/** Every artifact of a grant (its codes, tokens), whatever their model: a replayed code revokes them all. */
export async function revokeByGrantId(db: Q, grantId: string): Promise<void> {
  await db.deleteFrom('idp_payloads').where('grant_id', '=', grantId).execute();
}

/** The provider sessions of an account (model Session): Habilis's own logout ends them and tells their clients. */
export async function listSessionsOfAccount(db: Q, accountId: string) {
  return db
    .selectFrom('idp_payloads')
    .select(['id', 'payload'])
    .where('model', '=', 'Session')
    .where(sql<string>`payload->>'accountId'`, '=', accountId)
    .execute();
}

/** The provider sessions of an account (model Session, payload.accountId): Habilis's own logout ends them. */
export async function destroySessionsOfAccount(db: Q, accountId: string): Promise<number> {
  const result = await db
    .deleteFrom('idp_payloads')
    .where('model', '=', 'Session')
    .where(sql<string>`payload->>'accountId'`, '=', accountId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The cleanup job's part: artifacts past their expiry. */
export async function purgeExpired(db: Q, now: Date): Promise<number> {
  const result = await db.deleteFrom('idp_payloads').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
