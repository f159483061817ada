/** SQL of "Habilitations arrivant à échéance dans le mois" (R70, R37): live on the day, ending within a month after it. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { ObservatoryScope, PlaceFilter } from '../observatory.request.js';
import { HABILITATION_PLACE, inScope, liveOn } from '../observatory-scope.repository.js';

type Q = Kysely<Database>;
interface Where {
  scope: ObservatoryScope;
  places: PlaceFilter;
  day: string;
  until: string;
  profileId?: number | undefined;
}

function ending(db: Q, w: Where) {
  let query = db
    .selectFrom('habilitation_places as hp')
    .innerJoin('profiles as p', 'p.id', 'hp.profile_id')
    .where(inScope(w.scope, w.places, HABILITATION_PLACE))
    .where(liveOn(w.day))
    .where('hp.end_date', '<=', w.until);
  if (w.profileId) query = query.where('hp.profile_id', '=', w.profileId);
  return query;
}

export async function endingByProfile(db: Q, w: Where) {
  return ending(db, w)
    .select([
      'p.name as profile',
      sql<number>`count(*) filter (where hp.end_date <= ${w.day}::date + 15)::int`.as('within_15_days'),
      sql<number>`count(*)::int`.as('within_month'),
    ])
    .groupBy(['p.id', 'p.name'])
    .orderBy('p.name')
    .execute();
}

export async function endingByEstablishment(db: Q, w: Where) {
  return ending(db, w)
    .leftJoin('departments as d', 'd.code', 'hp.department_code')
    .leftJoin('establishments as e', 'e.id', 'hp.establishment_id')
    .select([
      sql<string>`coalesce(d.code || ' – ' || d.name, 'Région ' || hp.region_code)`.as('department'),
      sql<string>`coalesce(e.name, case when hp.department_code is not null then '(coordination)' else '(région)' end)`.as('place'),
      sql<string>`coalesce(e.finess, '')`.as('finess'),
      sql<number>`count(*)::int`.as('within_month'),
    ])
    .groupBy(['d.code', 'd.name', 'hp.region_code', 'hp.department_code', 'e.id', 'e.name', 'e.finess'])
    .orderBy('department')
    .orderBy('place')
    .execute();
}
