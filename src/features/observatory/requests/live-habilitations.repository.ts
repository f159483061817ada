/**
 * SQL shared by the two habilitation requests ("actives", "arrivant à échéance"): the habilitations
 * live on a day in the order's scope, and how their place reads in a table.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { ObservatoryScope, PlaceFilter } from '../observatory.request.js';
import { HABILITATION_PLACE, inScope, liveOn } from '../observatory-scope.repository.js';

type Q = Kysely<Database>;
export interface LiveWhere {
  scope: ObservatoryScope;
  places: PlaceFilter;
  day: string;
  profileId?: number | undefined;
}

/** Habilitations live on `w.day` in the scope (and of one profile when the order names one). */
export function liveHabilitations(db: Q, w: LiveWhere) {
  let query = db
    .selectFrom('habilitation_places as hp')
    .innerJoin('profiles as p', 'p.id', 'hp.profile_id')
    .where(inScope(w.scope, w.places, HABILITATION_PLACE))
    .where(liveOn(w.day));
  if (w.profileId) query = query.where('hp.profile_id', '=', w.profileId);
  return query;
}

/** Rows of `liveHabilitations` grouped by place: department, place (establishment, coordination or region) and FINESS, with `count` as `label`. */
export function countByHabilitationPlace<L extends string>(query: ReturnType<typeof liveHabilitations>, label: L) {
  return query
    .leftJoin('departments as d', 'd.code', 'hp.department_code')
    .leftJoin('establishments as e', 'e.id', 'hp.establishment_id')
    .select([
      sql<string>`coalesce(d.code || ' – ' || d.name, 'Région ' || hp.region_code)`.as('department'),
      sql<string>`coalesce(e.name, case when hp.department_code is not null then '(coordination)' else '(région)' end)`.as('place'),
      sql<string>`coalesce(e.finess, '')`.as('finess'),
      sql<number>`count(*)::int`.as(label),
    ])
    .groupBy(['d.code', 'd.name', 'hp.region_code', 'hp.department_code', 'e.id', 'e.name', 'e.finess'])
    .orderBy(sql`department`)
    .orderBy(sql`place`)
    .execute();
}
