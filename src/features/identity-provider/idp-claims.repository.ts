/**
 * What the ID token and userinfo say of a person (R17), read from the database at each call: a
 * revoked habilitation or a blocked account is gone from the next answer.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, LocationLevel } from '../../db/schema.js';

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
  return db
    .selectFrom('habilitations as h')
    .innerJoin('profiles as p', 'p.id', 'h.profile_id')
    .leftJoin('units as u', 'u.id', 'h.unit_id')
    .leftJoin('establishments as e', (join) => join.on(sql<boolean>`e.id = coalesce(h.establishment_id, u.establishment_id)`))
    .leftJoin('departments as d', (join) => join.on(sql<boolean>`d.code = coalesce(h.department_code, e.department_code)`))
    .select([
      'p.code as profile_code',
      'p.name as profile_name',
      sql<string | null>`coalesce(p.domain_code, e.domain_code)`.as('domain'),
      sql<LocationLevel>`case when h.unit_id is not null then 'unit' when h.establishment_id is not null then 'establishment'
        when h.department_code is not null then 'department' else 'region' end`.as('level'),
      'e.finess',
      'h.unit_id',
      'd.code as department_code',
      sql<string | null>`coalesce(h.region_code, d.region_code)`.as('region_code'),
      sql<string[]>`coalesce((select array_agg(pr.right_code order by pr.right_code) from profile_rights pr where pr.profile_id = p.id), '{}')`.as('rights'),
      'h.end_date',
    ])
    .where('h.account_id', '=', accountId)
    .where('h.deleted_at', 'is', null)
    .where('h.start_date', '<=', today)
    .where('h.end_date', '>=', today)
    .orderBy('h.id')
    .execute();
}
