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

async function waitingBy(db: Q, w: HandicapWhere, day: string, key: 'status' | 'category'): Promise<WaitingRow[]> {
  const label = key === 'status' ? sql`s.code || ' – ' || s.label` : sql`x.category`;
  const result = await sql<WaitingRow>`
    select ${label} as key, count(*)::int as persons,
      round(percentile_cont(0.5) within group (order by x.days)::numeric, 1)::float8 as median,
      round(percentile_cont(0.9) within group (order by x.days)::numeric, 1)::float8 as p90
    from (${waiting(w, day)}) x join esms_status_codes s on s.code = x.status
    where x.status = any(${[...WAITING_STATUSES]}::text[])
    group by 1 ${key === 'status' ? sql`, x.status order by array_position(${[...WAITING_STATUSES]}::text[], x.status)` : sql`order by 1`}`.execute(db);
  return result.rows;
}

export const waitingByStatus = (db: Q, w: HandicapWhere, day: string) => waitingBy(db, w, day, 'status');
export const waitingByCategory = (db: Q, w: HandicapWhere, day: string) => waitingBy(db, w, day, 'category');
