/** SQL of habilitations. */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Grant } from './habilitation.policy.js';
import type { LocationLevel } from '../../db/schema.js';

/**
 * An account's habilitations live on `today`, each joined to the chain of its place (unit →
 * establishment → department): the base of the grants the policy reads and of the identity
 * provider's claims, which select their own columns from it.
 */
export function liveHabilitationsWithPlace(db: Db, accountId: number, today: string) {
  return db
    .selectFrom('habilitations as h')
    .innerJoin('profiles as p', 'p.id', 'h.profile_id')
    .leftJoin('units as u', 'u.id', 'h.unit_id')
    .leftJoin('establishments as e', (join) => join.on(sql<boolean>`e.id = coalesce(h.establishment_id, u.establishment_id)`))
    .leftJoin('departments as d', (join) => join.on(sql<boolean>`d.code = coalesce(h.department_code, e.department_code)`))
    .where('h.account_id', '=', accountId)
    .where('h.deleted_at', 'is', null)
    .where('h.start_date', '<=', today)
    .where('h.end_date', '>=', today);
}

/** Columns of `liveHabilitationsWithPlace`: the place's level and region, the profile's rights. */
export const placeLevel = () =>
  sql<LocationLevel>`case when h.unit_id is not null then 'unit' when h.establishment_id is not null then 'establishment'
    when h.department_code is not null then 'department' else 'region' end`;
export const placeRegion = () => sql<string | null>`coalesce(h.region_code, d.region_code)`;
export const profileRights = () => sql<string[]>`coalesce((select array_agg(pr.right_code order by pr.right_code) from profile_rights pr where pr.profile_id = p.id), '{}')`;

/** Active habilitations of an account on `today`, with their rights and the full chain of their location. */
export async function listActiveGrants(db: Db, accountId: number, today: string): Promise<Grant[]> {
  const rows = await liveHabilitationsWithPlace(db, accountId, today)
    .select([
      'h.id',
      'p.code as profile_code',
      'p.domain_code as profile_domain',
      'h.unit_id',
      'e.id as establishment_id',
      'd.code as department_code',
      placeRegion().as('region_code'),
      placeLevel().as('level'),
      profileRights().as('rights'),
    ])
    .execute();
  return rows.map((row) => ({
    habilitationId: row.id,
    profileCode: row.profile_code,
    profileDomain: row.profile_domain,
    rights: row.rights,
    location: {
      level: row.level,
      unitId: row.unit_id,
      establishmentId: row.establishment_id,
      departmentCode: row.department_code,
      regionCode: row.region_code,
    },
  }));
}
