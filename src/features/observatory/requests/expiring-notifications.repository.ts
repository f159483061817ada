/** SQL of "Notifications arrivant à échéance" (R70, Handicap, R62's orange): decisions ending within 3 months after the day, not closed. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { categoryLabel, notificationsFrom, statusOn, type HandicapWhere } from './esms-statistics.repository.js';

type Q = Kysely<Database>;

export async function expiringNotifications(db: Q, w: HandicapWhere & { day: string; until: string }) {
  const result = await sql<{ category: string; month: string; notifications: number }>`
    select ${categoryLabel} as category, to_char(dec.end_date, 'YYYY-MM') as month, count(*)::int as notifications
    from ${notificationsFrom(w)}
      and dec.end_date between ${w.day}::date and ${w.until}::date
      and not exists (select 1 from esms_status_codes s where s.code = ${statusOn(w.day)} and s.stage = 'clotures')
    group by 1, 2`.execute(db);
  return result.rows;
}
