/**
 * SQL of "Réponses des ESMS sous 15 jours" (R70, Handicap): of the notifications of the period, how
 * many the ESMS answered within 15 days of the decision — its first own status after reading
 * (41 contact, 42 waiting list, 43 trial, 45 admission impossible, 47 entered, 71, 72…); statuses of
 * the MDPH (37, 46, 49, 54) and "read" (40) are not answers.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { categoryLabel, firstReached, notificationsFrom, type HandicapWhere } from './esms-statistics.repository.js';

type Q = Kysely<Database>;

export const ANSWER_STATUSES = ['41', '42', '43', '44', '45', '47', '48', '51', '71', '72'] as const;
export const ANSWER_DAYS = 15;

export async function answersOfPeriod(db: Q, w: HandicapWhere & { period: { from: string; to: string } }) {
  const result = await sql<{ category: string; month: string; notifications: number; within: number }>`
    select x.category, x.month, count(*)::int as notifications,
      count(*) filter (where x.answered_on is not null and x.answered_on - x.decided_on <= ${ANSWER_DAYS})::int as within
    from (
      select ${categoryLabel} as category, to_char(dec.decision_date, 'YYYY-MM') as month, dec.decision_date as decided_on,
        ${firstReached(ANSWER_STATUSES)} as answered_on
      from ${notificationsFrom(w)} and dec.decision_date between ${w.period.from}::date and ${w.period.to}::date
    ) x
    group by 1, 2`.execute(db);
  return result.rows;
}
