/** SQL of "Notifications reçues" (R70, Handicap): decisions of the period by category, MDPH, age band and month. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { categoryLabel, notificationsFrom, type HandicapWhere } from './esms-statistics.repository.js';

type Q = Kysely<Database>;

export interface ReceivedRow {
  category: string;
  mdph: string;
  age: number;
  month: string;
  creton: boolean;
  notifications: number;
}

/** Counts grouped by every dimension at once; the request folds them into its tables. */
export async function receivedNotifications(db: Q, w: HandicapWhere & { period: { from: string; to: string } }): Promise<ReceivedRow[]> {
  const result = await sql<ReceivedRow>`
    select ${categoryLabel} as category, pe.mdph_department as mdph,
      date_part('year', age(dec.decision_date, pe.birth_date))::int as age,
      to_char(dec.decision_date, 'YYYY-MM') as month, dec.creton, count(*)::int as notifications
    from ${notificationsFrom(w)}
      and dec.decision_date between ${w.period.from}::date and ${w.period.to}::date
    group by 1, 2, 3, 4, 5`.execute(db);
  return result.rows;
}
