/**
 * A principal's scope as SQL: the places where they hold a right, turned into a condition on the
 * `habilitation_places` view (alias `hp`). The same containment as `locationContains`, set-based.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Principal } from './habilitation.policy.js';
import type { Right } from './habilitation.rights.js';

/** The condition "hp's place lies in the principal's scope for `right`", or null when the scope is empty. */
export function scopeCondition(principal: Principal, right: Right, alias = 'hp'): RawBuilder<boolean> | null {
  const parts = principal.grants
    .filter((grant) => grant.rights.includes(right))
    .map((grant) => {
      const { location } = grant;
      switch (location.level) {
        case 'region':
          return sql<boolean>`${sql.ref(`${alias}.region_code`)} = ${location.regionCode}`;
        case 'department':
          return sql<boolean>`${sql.ref(`${alias}.department_code`)} = ${location.departmentCode}`;
        case 'establishment':
          return sql<boolean>`${sql.ref(`${alias}.establishment_id`)} = ${location.establishmentId}`;
        case 'unit':
          return sql<boolean>`${sql.ref(`${alias}.unit_id`)} = ${location.unitId}`;
      }
    });
  if (parts.length === 0) return null;
  return sql<boolean>`(${sql.join(parts, sql` or `)})`;
}

/**
 * Which habilitations tie an account to a place: live ones, and those that ended or were deleted
 * within a year — so a referent can still open, re-grant or close the account of a colleague
 * whose habilitation they just removed, without keeping access to everyone who ever passed by.
 */
export function tiesAccount(alias = 'hp'): RawBuilder<boolean> {
  const ref = (column: string) => sql.ref(`${alias}.${column}`);
  return sql<boolean>`((${ref('deleted_at')} is null and ${ref('end_date')} >= current_date - 365) or ${ref('deleted_at')} > now() - interval '365 days')`;
}

/** "This account (alias `a`) is in the scope": one of its habilitations ties it to the scope, or the viewer created it. */
export function accountInScope(scope: RawBuilder<boolean> | null, viewerId: number): RawBuilder<boolean> {
  const byHabilitation = scope
    ? sql<boolean>`exists (select 1 from habilitation_places hp where hp.account_id = a.id and ${tiesAccount()} and ${scope})`
    : sql<boolean>`false`;
  return sql<boolean>`(${byHabilitation} or a.created_by_account_id = ${viewerId})`;
}
