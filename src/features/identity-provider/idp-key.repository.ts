/** THE owner of `idp_keys`: the provider's signing keys, private parts encrypted (idp-keys.service.ts). */
import type { Insertable, Kysely } from 'kysely';
import type { Database, IdpKeyTable } from '../../db/schema.js';

type Q = Kysely<Database>;

/** The keys still published: the current (newest) first, then the retired ones kept until their tokens expire. */
export async function listPublishedWithEncryptedPrivate(db: Q, retiredSince: Date) {
  return db
    .selectFrom('idp_keys')
    .select(['kid', 'alg', 'public_jwk', 'private_jwk_encrypted', 'created_at', 'retired_at'])
    .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', retiredSince)]))
    .orderBy('created_at', 'desc')
    .orderBy('kid', 'desc')
    .execute();
}

export async function insert(db: Q, row: Insertable<IdpKeyTable>): Promise<void> {
  await db.insertInto('idp_keys').values(row).execute();
}

/** Retires every live key but `kid` (the new current one). */
export async function retireAllBut(db: Q, kid: string, now: Date): Promise<number> {
  const result = await db.updateTable('idp_keys').set({ retired_at: now }).where('kid', '<>', kid).where('retired_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Removes keys retired before `before` (no token they signed can still be valid). */
export async function deleteRetiredBefore(db: Q, before: Date): Promise<number> {
  const result = await db.deleteFrom('idp_keys').where('retired_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
