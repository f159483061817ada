/**
 * SQL of "Liste d'attente" (R70, Handicap): the notifications whose status on the day was 42 (in
 * analysis), 72 (admissible) or 71 (admitted, waiting for a place), with how long each has been on
 * the list (since it first entered one of these statuses), by status and by category.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { categoryLabel, firstReached, notificationsFrom, statusOn, type HandicapWhere } from './esms-statistics.repository.js';

type Q = Kysely<Database>;

export const WAITING_STATUSES = ['42', '72', '71'] as const;

export interface WaitingRow {
  key: string;
  persons: number;
  median: number | null;
  p90: number | null;
}

function waiting(w: HandicapWhere, day: string) {
  return sql`select n.id, ${statusOn(day)} as status, ${categoryLabel} as category,
      ${day}::date - coalesce(${firstReached(WAITING_STATUSES, day)}, dec.decision_date) as days
    from ${notificationsFrom(w)}`;
}

/**
 * Both tables in one pass over the notifications (the status of each on the day is the costly
 * part): grouping sets by status and by category.
 */
export async function waitingByStatusAndCategory(db: Q, w: HandicapWhere, day: string): Promise<{ byStatus: WaitingRow[]; byCategory: WaitingRow[] }> {
  const result = await sql<WaitingRow & { by: 'status' | 'category'; rank: number | null }>`
    select case when grouping(x.status) = 0 then 'status' else 'category' end as by,
      case when grouping(x.status) = 0 then min(s.code || ' – ' || s.label) else x.category end as key,
      array_position(${[...WAITING_STATUSES]}::text[], x.status) as rank,
      count(*)::int as persons,
      round(percentile_cont(0.5) within group (order by x.days)::numeric, 1)::float8 as median,
      round(percentile_cont(0.9) within group (order by x.days)::numeric, 1)::float8 as p90
    from (${waiting(w, day)}) x join esms_status_codes s on s.code = x.status
    where x.status = any(${[...WAITING_STATUSES]}::text[])
    group by grouping sets ((x.status), (x.category))
    order by 1, 3, 2`.execute(db);
  const strip = ({ key, persons, median, p90 }: WaitingRow) => ({ key, persons, median, p90 });
  return { byStatus: result.rows.filter((r) => r.by === 'status').map(strip), byCategory: result.rows.filter((r) => r.by === 'category').map(strip) };
}
