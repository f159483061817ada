/**
 * What the ID token and userinfo say of a person (R17), read from the database at each call: a
 * revoked habilitation or a blocked account is gone from the next answer.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { liveHabilitationsWithPlace, placeLevel, placeRegion, profileRights } from '../habilitations/habilitation.repository.js';

type Q = Kysely<Database>;

/** The account as the claims need it; null when unknown, blocked or deactivated. */
export async function getClaimableAccount(db: Q, accountId: number) {
  const row = await db
    .selectFrom('accounts')
    .select(['id', 'username', 'first_name', 'last_name', 'email', 'email_verified_at', 'rpps', 'blocked_at', 'deactivated_at'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  return row && !row.blocked_at && !row.deactivated_at ? row : null;
}

/** The active habilitations of an account today, with their profile, domain and resolved place. */
export async function listActiveHabilitationClaims(db: Q, accountId: number, today: string) {
  return liveHabilitationsWithPlace(db, accountId, today)
    .select([
      'p.code as profile_code',
      'p.name as profile_name',
      sql<string | null>`coalesce(p.domain_code, e.domain_code)`.as('domain'),
      placeLevel().as('level'),
      'e.finess',
      'h.unit_id',
      'd.code as department_code',
      placeRegion().as('region_code'),
      profileRights().as('rights'),
      'h.end_date',
    ])
    .orderBy('h.id')
    .execute();
}
