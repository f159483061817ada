/** SQL of "Habilitations actives par profil et par lieu" (R70): live on the last day of the period, in the order's scope. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { ObservatoryScope, PlaceFilter } from '../observatory.request.js';
import { HABILITATION_PLACE, inScope, liveOn } from '../observatory-scope.repository.js';

type Q = Kysely<Database>;
interface Where {
  scope: ObservatoryScope;
  places: PlaceFilter;
  day: string;
  profileId?: number | undefined;
}

function live(db: Q, w: Where) {
  let query = db
    .selectFrom('habilitation_places as hp')
    .innerJoin('profiles as p', 'p.id', 'hp.profile_id')
    .where(inScope(w.scope, w.places, HABILITATION_PLACE))
    .where(liveOn(w.day));
  if (w.profileId) query = query.where('hp.profile_id', '=', w.profileId);
  return query;
}

export async function countByProfile(db: Q, w: Where) {
  return live(db, w)
    .leftJoin('domains as dm', 'dm.code', 'p.domain_code')
    .select(['p.name as profile', sql<string>`coalesce(dm.name, 'Tous domaines')`.as('domain'), sql<number>`count(*)::int`.as('habilitations')])
    .groupBy(['p.id', 'p.name', 'dm.name'])
    .orderBy('p.name')
    .execute();
}

export async function countByPlace(db: Q, w: Where) {
  return live(db, w)
    .leftJoin('departments as d', 'd.code', 'hp.department_code')
    .leftJoin('establishments as e', 'e.id', 'hp.establishment_id')
    .select([
      sql<string>`coalesce(d.code || ' – ' || d.name, 'Région ' || hp.region_code)`.as('department'),
      sql<string>`coalesce(e.name, case when hp.department_code is not null then '(coordination)' else '(région)' end)`.as('place'),
      sql<string>`coalesce(e.finess, '')`.as('finess'),
      sql<number>`count(*)::int`.as('habilitations'),
    ])
    .groupBy(['d.code', 'd.name', 'hp.region_code', 'hp.department_code', 'e.id', 'e.name', 'e.finess'])
    .orderBy('department')
    .orderBy('place')
    .execute();
}
