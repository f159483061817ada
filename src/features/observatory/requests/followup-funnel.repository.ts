/**
 * SQL of "Parcours 39 → 40 → 41 → 42 → 47" (R70, Handicap): of the notifications of the period, how
 * many reached each stage (sent, read, contact, waiting list, entered), and the median delay from the
 * previous stage (first date of each; 39 is the decision's date).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { firstReached, notificationsFrom, type HandicapWhere } from './esms-statistics.repository.js';

type Q = Kysely<Database>;

export const FUNNEL = ['39', '40', '41', '42', '47'] as const;

export interface FunnelRow {
  code: string;
  label: string;
  reached: number;
  median_delay: number | null;
}

export async function funnel(db: Q, w: HandicapWhere & { period: { from: string; to: string } }): Promise<FunnelRow[]> {
  const result = await sql<FunnelRow>`
    with dates as (
      select dec.decision_date as d39, ${firstReached(['40'])} as d40, ${firstReached(['41'])} as d41,
        ${firstReached(['42'])} as d42, ${firstReached(['47'])} as d47
      from ${notificationsFrom(w)} and dec.decision_date between ${w.period.from}::date and ${w.period.to}::date
    ), stages as (
      select '39' as code, d39 as reached_on, null::date as previous from dates
      union all select '40', d40, d39 from dates
      union all select '41', d41, coalesce(d40, d39) from dates
      union all select '42', d42, coalesce(d41, d40, d39) from dates
      union all select '47', d47, coalesce(d42, d41, d40, d39) from dates
    )
    select s.code, c.label, count(s.reached_on)::int as reached,
      round(percentile_cont(0.5) within group (order by s.reached_on - s.previous) filter (where s.reached_on is not null and s.previous is not null)::numeric, 1)::float8 as median_delay
    from stages s join esms_status_codes c on c.code = s.code
    group by s.code, c.label
    order by array_position(${[...FUNNEL]}::text[], s.code)`.execute(db);
  return result.rows;
}
