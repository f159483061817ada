/**
 * SQL of "Méthodes d'authentification forte utilisées" (R70, R06): the successful logins of the
 * period (audit events LOGIN_SUCCEEDED) of the accounts that held a habilitation in the scope then,
 * by method. The method is the event's `details.method` (written since the Observatoire); an older
 * event is classified by its description, and a code login by the channel of the last code sent to
 * the account before it (OTP_SENT).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { ObservatoryScope, PlaceFilter } from '../observatory.request.js';
import { HABILITATION_PLACE, inScope, instantsOf, liveDuring } from '../observatory-scope.repository.js';

type Q = Kysely<Database>;
interface Where {
  scope: ObservatoryScope;
  places: PlaceFilter;
  period: { from: string; to: string };
}

export type LoginMethod = 'code-email' | 'code-sms' | 'trusted-browser' | 'cps' | 'psc' | 'partner' | 'other';

const methodOf: RawBuilder<LoginMethod> = sql<LoginMethod>`coalesce(ev.details->>'method',
  case
    when ev.description like '%navigateur de confiance%' then 'trusted-browser'
    when ev.description like '%code à usage unique%' then
      (select case when o.description like '%SMS%' then 'code-sms' else 'code-email' end from audit_events o
        where o.subject_account_id = ev.subject_account_id and o.code = 'OTP_SENT' and o.occurred_at <= ev.occurred_at
        order by o.occurred_at desc limit 1)
    when ev.description like '%e-CPS%' then 'psc'
    when ev.description like '%carte CPS%' then 'cps'
    when ev.description like '%partenaire%' then 'partner'
    else 'other' end)`;

function logins(db: Q, w: Where) {
  const { start, end } = instantsOf(w.period);
  return db
    .selectFrom('audit_events as ev')
    .where('ev.code', '=', 'LOGIN_SUCCEEDED')
    .where(sql<boolean>`ev.occurred_at >= ${start} and ev.occurred_at < ${end}`)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('habilitation_places as hp')
          .select(sql`1`.as('one'))
          .whereRef('hp.account_id', '=', 'ev.subject_account_id')
          .where(inScope(w.scope, w.places, HABILITATION_PLACE))
          .where(liveDuring(w.period)),
      ),
    );
}

/** Per method: distinct persons and logins. */
export async function countByMethod(db: Q, w: Where) {
  return db
    .selectFrom(logins(db, w).select([methodOf.as('method'), 'ev.subject_account_id']).as('l'))
    .select(['l.method', sql<number>`count(distinct l.subject_account_id)::int`.as('persons'), sql<number>`count(*)::int`.as('logins')])
    .groupBy('l.method')
    .execute();
}

/** Per month (Europe/Paris) and method: logins. */
export async function countByMonth(db: Q, w: Where) {
  return db
    .selectFrom(logins(db, w).select([methodOf.as('method'), sql<string>`to_char(ev.occurred_at at time zone 'Europe/Paris', 'YYYY-MM')`.as('month')]).as('l'))
    .select(['l.month', 'l.method', sql<number>`count(*)::int`.as('logins')])
    .groupBy(['l.month', 'l.method'])
    .orderBy('l.month')
    .execute();
}
