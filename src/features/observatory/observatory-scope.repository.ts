/**
 * The scope of an order as SQL: the places the orderer may read (built from the policy's
 * `observatoryPlaces` at run time) and the places its criteria narrow it to, as a condition on
 * the columns of a row's place. Every request's repository filters with it, so no request reads
 * outside the orderer's habilitations.
 */
import { sql, type RawBuilder } from 'kysely';
import type { ObservatoryScope, PlaceFilter } from './observatory.request.js';

/** The columns that say where a row lies (a SQL reference each; null when the row cannot lie at that level). */
export interface PlaceColumns {
  region: string;
  department: string;
  establishment: string | null;
  unit: string | null;
}

/** The columns of the `habilitation_places` view under the alias `hp`. */
export const HABILITATION_PLACE = { region: 'hp.region_code', department: 'hp.department_code', establishment: 'hp.establishment_id', unit: 'hp.unit_id' } as const;

/** "The row lies in the scope and inside its criteria' places". An empty scope reads nothing. */
export function inScope(scope: ObservatoryScope, places: PlaceFilter, columns: PlaceColumns): RawBuilder<boolean> {
  const ref = (column: string) => sql.ref(column);
  const parts: RawBuilder<boolean>[] = [];
  if (scope.regionCodes.length > 0) parts.push(sql<boolean>`${ref(columns.region)} = any(${scope.regionCodes}::text[])`);
  if (scope.departmentCodes.length > 0) parts.push(sql<boolean>`${ref(columns.department)} = any(${scope.departmentCodes}::text[])`);
  if (columns.establishment && scope.establishmentIds.length > 0) parts.push(sql<boolean>`${ref(columns.establishment)} = any(${scope.establishmentIds}::int[])`);
  if (columns.unit && scope.unitIds.length > 0) parts.push(sql<boolean>`${ref(columns.unit)} = any(${scope.unitIds}::int[])`);
  const within = parts.length > 0 ? sql<boolean>`(${sql.join(parts, sql` or `)})` : sql<boolean>`false`;
  const narrowed: RawBuilder<boolean>[] = [within];
  if (places.departmentCode) narrowed.push(sql<boolean>`${ref(columns.department)} = ${places.departmentCode}`);
  if (places.establishmentId) narrowed.push(columns.establishment ? sql<boolean>`${ref(columns.establishment)} = ${places.establishmentId}` : sql<boolean>`false`);
  if (places.unitId) narrowed.push(columns.unit ? sql<boolean>`${ref(columns.unit)} = ${places.unitId}` : sql<boolean>`false`);
  return sql<boolean>`(${sql.join(narrowed, sql` and `)})`;
}

/** The habilitation `hp` was live on day `day`: started, not ended, not deleted before that day ended (Europe/Paris). */
export function liveOn(day: string): RawBuilder<boolean> {
  return sql<boolean>`(hp.start_date <= ${day}::date and hp.end_date >= ${day}::date
    and (hp.deleted_at is null or hp.deleted_at >= (${day}::date + 1)::timestamp at time zone 'Europe/Paris'))`;
}

/** The habilitation `hp` was live at some moment of the period. */
export function liveDuring(period: { from: string; to: string }): RawBuilder<boolean> {
  return sql<boolean>`(hp.start_date <= ${period.to}::date and hp.end_date >= ${period.from}::date
    and (hp.deleted_at is null or hp.deleted_at >= ${period.from}::timestamp at time zone 'Europe/Paris'))`;
}

/** The instants of a period of Paris days: [from 00:00, to + 1 day 00:00). */
export function instantsOf(period: { from: string; to: string }): { start: RawBuilder<Date>; end: RawBuilder<Date> } {
  return {
    start: sql<Date>`(${period.from}::timestamp at time zone 'Europe/Paris')`,
    end: sql<Date>`((${period.to}::date + 1)::timestamp at time zone 'Europe/Paris')`,
  };
}
