/**
 * Who the referents of a place are (R42 "Mes référents", R37 expiry alerts, R25 coverage): ONE
 * definition. A referent of an establishment holds a "Référent structure" habilitation there, of a
 * unit a "Référent unité" habilitation there; the habilitation is active on `today` (Europe/Paris,
 * from the clock) and the account is neither blocked nor deactivated — a referent nobody can reach
 * cannot act for anyone.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../db/schema.js';

type Q = Kysely<Database>;

/** The profiles whose holders administer a structure (R25) and a unit. */
export const STRUCTURE_REFERENT_PROFILE = 'REFERENT_STRUCTURE';
export const UNIT_REFERENT_PROFILE = 'REFERENT_UNITE';

/** The habilitation `h` of the account `a` makes a reachable referent on `today`. */
export function reachableReferent(today: string): RawBuilder<boolean> {
  return sql<boolean>`(h.deleted_at is null and h.start_date <= ${today}::date and h.end_date >= ${today}::date and a.blocked_at is null and a.deactivated_at is null)`;
}

export interface ReferentRow {
  account_id: number;
  first_name: string;
  last_name: string;
  email: string;
  phone: string | null;
  /** Referent of an establishment ('structure', place_id = its id) or of a unit ('unit', place_id = the unit's). */
  role: 'structure' | 'unit';
  place_id: number;
}

/** The referents of these establishments and units on `today`, by name. */
export async function listReferentsOf(db: Q, places: { establishmentIds: readonly number[]; unitIds: readonly number[] }, today: string): Promise<ReferentRow[]> {
  if (places.establishmentIds.length === 0 && places.unitIds.length === 0) return [];
  return db
    .selectFrom('habilitations as h')
    .innerJoin('profiles as p', 'p.id', 'h.profile_id')
    .innerJoin('accounts as a', 'a.id', 'h.account_id')
    .select(['a.id as account_id', 'a.first_name', 'a.last_name', 'a.email', 'a.phone'])
    .select([
      sql<'structure' | 'unit'>`case when p.code = ${STRUCTURE_REFERENT_PROFILE} then 'structure' else 'unit' end`.as('role'),
      sql<number>`case when p.code = ${STRUCTURE_REFERENT_PROFILE} then h.establishment_id else h.unit_id end`.as('place_id'),
    ])
    .distinct()
    .where((eb) =>
      eb.or([
        eb.and([eb('p.code', '=', STRUCTURE_REFERENT_PROFILE), sql<boolean>`h.establishment_id = any(${[...places.establishmentIds]}::int[])`]),
        eb.and([eb('p.code', '=', UNIT_REFERENT_PROFILE), sql<boolean>`h.unit_id = any(${[...places.unitIds]}::int[])`]),
      ]),
    )
    .where(reachableReferent(today))
    .orderBy('a.last_name')
    .orderBy('a.first_name')
    .orderBy('a.id')
    .execute();
}

/** R25, as a column of a query over establishments `e`: how many distinct structure referents it has on `today`. */
export function structureReferentCount(today: string): RawBuilder<number> {
  return sql<number>`(
    select count(distinct h.account_id)::int from habilitations h
    join profiles p on p.id = h.profile_id and p.code = ${STRUCTURE_REFERENT_PROFILE}
    join accounts a on a.id = h.account_id
    where h.establishment_id = e.id and ${reachableReferent(today)})`;
}
