/**
 * SQL of "Structures avec moins de 2 référents" (R70, R25): open establishments of the scope and how
 * many reachable structure referents each had on the day. Who counts as a referent has ONE
 * definition, the habilitations feature's (`structureReferentCount`), used here as it is.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { ObservatoryScope, PlaceFilter } from '../observatory.request.js';
import { inScope } from '../observatory-scope.repository.js';
import { structureReferentCount } from '../../habilitations/referent.repository.js';

type Q = Kysely<Database>;

export interface CoverageRow {
  department: string;
  finess: string;
  name: string;
  referents: number;
}

/** Every open establishment of the scope with its referent count on `day`, by department then name. */
export async function establishmentsWithReferents(db: Q, w: { scope: ObservatoryScope; places: PlaceFilter; day: string }): Promise<CoverageRow[]> {
  return db
    .selectFrom('establishments as e')
    .innerJoin('departments as d', 'd.code', 'e.department_code')
    .select([sql<string>`d.code || ' – ' || d.name`.as('department'), 'e.finess', 'e.name', structureReferentCount(w.day).as('referents')])
    .where('e.closed_at', 'is', null)
    .where(inScope(w.scope, w.places, { region: 'd.region_code', department: 'e.department_code', establishment: 'e.id', unit: null }))
    .orderBy('d.code')
    .orderBy('e.name')
    .orderBy('e.id')
    .execute();
}
