/**
 * SQL of "Comptes par état" (R70, R23): the accounts that held a habilitation in the scope during
 * the period, by their state at the time of the computation (active, blocked, deactivated).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { ObservatoryScope, PlaceFilter } from '../observatory.request.js';
import { HABILITATION_PLACE, inScope, liveDuring } from '../observatory-scope.repository.js';

type Q = Kysely<Database>;
interface Where {
  scope: ObservatoryScope;
  places: PlaceFilter;
  period: { from: string; to: string };
}

export type AccountState = 'active' | 'blocked' | 'deactivated';

const stateOf: RawBuilder<AccountState> = sql<AccountState>`case when a.deactivated_at is not null then 'deactivated' when a.blocked_at is not null then 'blocked' else 'active' end`;

/** Each account once per department where it held a habilitation of the scope during the period. */
export async function countByDepartmentAndState(db: Q, w: Where) {
  const held = db
    .selectFrom('habilitation_places as hp')
    .select(['hp.account_id', sql<string>`coalesce(hp.department_code, '')`.as('department_code'), 'hp.region_code'])
    .distinct()
    .where(inScope(w.scope, w.places, HABILITATION_PLACE))
    .where(liveDuring(w.period));
  return db
    .selectFrom(held.as('x'))
    .innerJoin('accounts as a', 'a.id', 'x.account_id')
    .leftJoin('departments as d', 'd.code', 'x.department_code')
    .select([sql<string>`coalesce(d.code || ' – ' || d.name, 'Région ' || x.region_code)`.as('department'), stateOf.as('state'), sql<number>`count(*)::int`.as('accounts')])
    .groupBy(['d.code', 'd.name', 'x.region_code', sql`2`])
    .orderBy('department')
    .execute();
}

/** Each account once, whatever its number of habilitations. */
export async function countByState(db: Q, w: Where) {
  return db
    .selectFrom('accounts as a')
    .select([stateOf.as('state'), sql<number>`count(*)::int`.as('accounts')])
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('habilitation_places as hp')
          .select(sql`1`.as('one'))
          .whereRef('hp.account_id', '=', 'a.id')
          .where(inScope(w.scope, w.places, HABILITATION_PLACE))
          .where(liveDuring(w.period)),
      ),
    )
    .groupBy(sql`1`)
    .execute();
}
