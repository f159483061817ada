/**
 * A principal's scope as SQL: the places `placesWhere` returns (habilitation.policy.ts), turned into
 * a condition on the `habilitation_places` view (alias `hp`). Built only from that data, with the
 * same containment and domain rule as the pure `scopeCovers`, so the two cannot disagree
 * (`habilitation-scope.test.ts` compares them on generated places and grants).
 */
import { sql, type RawBuilder } from 'kysely';
import { addToDate } from '../../platform/clock.js';
import type { ScopePlace } from './habilitation.policy.js';

/** R33: the habilitation's profile and structure admit `domain` (a structure of unknown domain admits every one; a territory has none). */
function domainCondition(domain: string, alias: string): RawBuilder<boolean> {
  const ref = (column: string) => sql.ref(`${alias}.${column}`);
  return sql<boolean>`(exists (select 1 from profiles sp where sp.id = ${ref('profile_id')} and coalesce(sp.domain_code, ${domain}) = ${domain})
    and (${ref('establishment_id')} is null or exists (select 1 from establishments se where se.id = ${ref('establishment_id')} and coalesce(se.domain_code, ${domain}) = ${domain})))`;
}

function locationCondition(place: ScopePlace, alias: string): RawBuilder<boolean> {
  const ref = (column: string) => sql.ref(`${alias}.${column}`);
  switch (place.level) {
    case 'region':
      return sql<boolean>`${ref('region_code')} = ${place.regionCode ?? null}`;
    case 'department':
      return sql<boolean>`${ref('department_code')} = ${place.departmentCode ?? null}`;
    case 'establishment':
      return sql<boolean>`${ref('establishment_id')} = ${place.establishmentId ?? null}`;
    case 'unit':
      return sql<boolean>`${ref('unit_id')} = ${place.unitId ?? null}`;
  }
}

/** The condition "hp lies in one of these places", or null when there is none. */
export function scopeSql(places: readonly ScopePlace[], alias = 'hp'): RawBuilder<boolean> | null {
  if (places.length === 0) return null;
  const parts = places.map((place) =>
    place.domain === null ? locationCondition(place, alias) : sql<boolean>`(${locationCondition(place, alias)} and ${domainCondition(place.domain, alias)})`,
  );
  return sql<boolean>`(${sql.join(parts, sql` or `)})`;
}

/** How long a habilitation that ended or was deleted still ties its account to a place. */
export const TIE_DAYS = 365;

/**
 * Which habilitations tie an account to a place: live ones, and those that ended or were deleted
 * within a year — so a referent can still open, re-grant or close the account of a colleague
 * whose habilitation they just removed, without keeping access to everyone who ever passed by.
 * `today` and `now` come from the injected clock (Europe/Paris), never from the database's.
 */
export function tiesAccount(at: { today: string; now: Date }, alias = 'hp'): RawBuilder<boolean> {
  const ref = (column: string) => sql.ref(`${alias}.${column}`);
  const endedSince = addToDate(at.today, { days: -TIE_DAYS });
  const deletedSince = new Date(at.now.getTime() - TIE_DAYS * 86_400_000);
  return sql<boolean>`((${ref('deleted_at')} is null and ${ref('end_date')} >= ${endedSince}::date) or ${ref('deleted_at')} > ${deletedSince}::timestamptz)`;
}

/** "This account (alias `a`) is in the scope": one of its habilitations ties it to a place of the scope, or the viewer created it. */
export function accountInScope(places: readonly ScopePlace[], viewerId: number, at: { today: string; now: Date }): RawBuilder<boolean> {
  const scope = scopeSql(places);
  const byHabilitation = scope
    ? sql<boolean>`exists (select 1 from habilitation_places hp where hp.account_id = a.id and ${tiesAccount(at)} and ${scope})`
    : sql<boolean>`false`;
  return sql<boolean>`(${byHabilitation} or a.created_by_account_id = ${viewerId})`;
}
