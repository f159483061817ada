/**
 * What the Handicap requests share (R70 on the ESMS notifications of issue 14): the notifications
 * of the order's scope (the ESMS's establishment, unit, department, region) with their decision and
 * person, an orientation category criterion, and a notification's status on a given day from its
 * append-only follow-up. Statistics read tier 1 only (decision, category, Creton, birth date, MDPH):
 * never an evaluation (tier 2) nor medical data (tier 3).
 *
 * The date of a notification is its CDAPH decision's date (`dateDecision`): the ESMS's own first
 * status (39 "Notification envoyée") has no follow-up line of its own, and the decision date is the
 * one the follow-up dates are counted from.
 */
import { sql, type RawBuilder } from 'kysely';
import type { ObservatoryScope, PlaceFilter } from '../observatory.request.js';
import { inScope } from '../observatory-scope.repository.js';

export interface HandicapWhere {
  scope: ObservatoryScope;
  places: PlaceFilter;
  category?: string | undefined;
}

/** FROM … of the notifications `n` of the scope, with decision `dec`, person `pe`, establishment `e`, department `d`. */
export function notificationsFrom(w: HandicapWhere): RawBuilder<unknown> {
  return sql`esms_notifications n
    join esms_decisions dec on dec.id = n.decision_id
    join esms_persons pe on pe.id = dec.person_id
    join establishments e on e.id = n.establishment_id
    join departments d on d.code = e.department_code
    left join esms_orientation_categories cat on cat.code = dec.category_code
    where ${inScope(w.scope, w.places, { region: 'd.region_code', department: 'e.department_code', establishment: 'n.establishment_id', unit: 'n.unit_id' })}
      and ${w.category ? sql`dec.category_code = ${w.category}` : sql`true`}`;
}

/** The notification `n`'s status on `day`: its last follow-up line dated that day or before, else 39 (sent). */
export function statusOn(day: string): RawBuilder<string> {
  return sql<string>`coalesce((select f.status_code from esms_followups f where f.notification_id = n.id and f.status_date <= ${day}::date
    order by f.status_date desc, f.id desc limit 1), '39')`;
}

/** The first day the notification `n` reached one of these statuses (null: never). */
export function firstReached(codes: readonly string[], until?: string): RawBuilder<string | null> {
  return sql<string | null>`(select min(f.status_date) from esms_followups f where f.notification_id = n.id
    and f.status_code = any(${[...codes]}::text[]) ${until ? sql`and f.status_date <= ${until}::date` : sql``})`;
}

/** "IME – Institut médico-éducatif", from the category `cat`. */
export const categoryLabel = sql<string>`coalesce(cat.short_label || ' – ' || cat.label, dec.category_code)`;
