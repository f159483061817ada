/** SQL of the expiry alerts (R37): the habilitations due for one today, and the record that one was sent. */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

type Q = Kysely<Database>;

/**
 * Live habilitations of active accounts ending between `today` and `until`, whose end date was not
 * announced yet, with what the mail says, at most `limit`.
 */
export async function listDueAlerts(db: Q, today: string, until: string, limit: number) {
  return db
    .selectFrom('habilitation_places as hp')
    .innerJoin('habilitations as h', 'h.id', 'hp.habilitation_id')
    .innerJoin('accounts as a', 'a.id', 'hp.account_id')
    .innerJoin('profiles as p', 'p.id', 'hp.profile_id')
    .leftJoin('units as u', 'u.id', 'hp.unit_id')
    .leftJoin('establishments as e', 'e.id', 'hp.establishment_id')
    .select(['h.id', 'h.end_date', 'hp.unit_id', 'hp.establishment_id', 'a.id as account_id', 'a.email', 'a.first_name', 'p.name as profile_name', 'u.name as unit_name', 'e.name as establishment_name'])
    .where('hp.deleted_at', 'is', null)
    .where('a.deactivated_at', 'is', null)
    .where('hp.end_date', '>=', today)
    .where('hp.end_date', '<=', until)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('habilitation_alerts as al').select('al.habilitation_id').whereRef('al.habilitation_id', '=', 'h.id').whereRef('al.end_date', '=', 'h.end_date'))))
    .orderBy('h.id')
    .limit(limit)
    .execute();
}

/** Records the alert of this end date; false when it was already recorded (another run or node sent it). */
export async function recordAlert(trx: Q, habilitationId: number, endDate: string, sentAt: Date): Promise<boolean> {
  const row = await trx
    .insertInto('habilitation_alerts')
    .values({ habilitation_id: habilitationId, end_date: endDate, sent_at: sentAt })
    .onConflict((oc) => oc.columns(['habilitation_id', 'end_date']).doNothing())
    .returning('habilitation_id')
    .executeTakeFirst();
  return row !== undefined;
}
