/** SQL of "Admissions impossibles" (R70, Handicap): statuses 45 (reported) and 46 (confirmed) of the period, by reason (TRE_R358). */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { notificationsFrom, type HandicapWhere } from './esms-statistics.repository.js';

type Q = Kysely<Database>;

export async function impossibleByReason(db: Q, w: HandicapWhere & { period: { from: string; to: string } }) {
  const result = await sql<{ reason: string; reported: number; confirmed: number }>`
    select coalesce(r.code || ' – ' || r.label, 'Motif non renseigné') as reason,
      count(distinct f.notification_id) filter (where f.status_code = '45')::int as reported,
      count(distinct f.notification_id) filter (where f.status_code = '46')::int as confirmed
    from esms_followups f
    join (select n.id from ${notificationsFrom(w)}) x on x.id = f.notification_id
    left join esms_reason_codes r on r.code = f.reason_code
    where f.status_code in ('45', '46') and f.status_date between ${w.period.from}::date and ${w.period.to}::date
    group by 1 order by 1`.execute(db);
  return result.rows;
}
