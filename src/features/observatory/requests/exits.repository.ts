/** SQL of "Sorties" (R70, Handicap): status 48 in the period, by reason, with the length of stay since the entry (47). */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { notificationsFrom, type HandicapWhere } from './esms-statistics.repository.js';

type Q = Kysely<Database>;

export interface ExitRow {
  reason: string;
  /** Days from the first entry (47) to the exit; null when no entry is recorded. */
  stay: number | null;
}

export async function exitsOfPeriod(db: Q, w: HandicapWhere & { period: { from: string; to: string } }): Promise<ExitRow[]> {
  const result = await sql<ExitRow>`
    select coalesce(r.code || ' – ' || r.label, 'Motif non renseigné') as reason,
      f.status_date - (select min(g.status_date) from esms_followups g where g.notification_id = f.notification_id and g.status_code = '47' and g.status_date <= f.status_date) as stay
    from esms_followups f
    join (select n.id from ${notificationsFrom(w)}) x on x.id = f.notification_id
    left join esms_reason_codes r on r.code = f.reason_code
    where f.status_code = '48' and f.status_date between ${w.period.from}::date and ${w.period.to}::date`.execute(db);
  return result.rows;
}
