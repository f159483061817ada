/** SQL of "Habilitations arrivant à échéance dans le mois" (R70, R37): live on the day, ending within a month after it. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { countByHabilitationPlace, liveHabilitations, type LiveWhere } from './live-habilitations.repository.js';

type Q = Kysely<Database>;
interface Where extends LiveWhere {
  until: string;
}

function ending(db: Q, w: Where) {
  return liveHabilitations(db, w).where('hp.end_date', '<=', w.until);
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
  return countByHabilitationPlace(ending(db, w), 'within_month');
}
