/**
 * Daily jobs of the habilitation life cycle:
 * - expiry alert (R37): 15 days before a habilitation ends, one e-mail to its holder naming the
 *   referents to contact — once per end date (a new end date may be announced again);
 * - deactivation (R23): an account with no valid habilitation is deactivated by the system, its
 *   sessions end. A new account has 30 days to receive its first habilitation; a liberal
 *   professional's account (R14) has none by nature and is left alone.
 * Both are idempotent and safe on several nodes (the alert record and row locks decide).
 */
import type { Deps } from '../../deps.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import { recordAudit, SYSTEM_ACTOR } from '../../platform/audit/audit.js';
import { addToDate, formatDate, parisDate } from '../../platform/clock.js';
import { enqueueMail } from '../../platform/outbox/outbox.js';
import { OUTBOX_JOB } from '../../platform/outbox/outbox.job.js';
import { buildMail } from '../../views/mail.js';
import { endSessionsOfAccount } from '../auth/session.service.js';

export const ALERT_DAYS_BEFORE_END = 15;
export const NEW_ACCOUNT_GRACE_DAYS = 30;
const BATCH = 500;

function referentLine(r: { first_name: string; last_name: string; email: string; phone: string | null }): string {
  return `${r.first_name} ${r.last_name.toUpperCase()} – ${r.email}${r.phone ? ` – ${r.phone}` : ''}`;
}

/** R37: sends the alerts due today; returns how many were sent. */
export async function sendExpiryAlerts(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const today = parisDate(now);
  const due = await deps.db
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
    .where('hp.end_date', '<=', addToDate(today, { days: ALERT_DAYS_BEFORE_END }))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('habilitation_alerts as al').select('al.habilitation_id').whereRef('al.habilitation_id', '=', 'h.id').whereRef('al.end_date', '=', 'h.end_date'))))
    .orderBy('h.id')
    .limit(BATCH)
    .execute();

  let sent = 0;
  for (const h of due) {
    const referents = await deps.db
      .selectFrom('habilitation_places as rp')
      .innerJoin('profiles as rprof', 'rprof.id', 'rp.profile_id')
      .innerJoin('accounts as r', 'r.id', 'rp.account_id')
      .select(['r.first_name', 'r.last_name', 'r.email', 'r.phone'])
      .distinct()
      .where('rp.deleted_at', 'is', null)
      .where('rp.start_date', '<=', today)
      .where('rp.end_date', '>=', today)
      .where('r.deactivated_at', 'is', null)
      .where('r.id', '<>', h.account_id)
      .where((eb) =>
        eb.or([
          eb.and([eb('rprof.code', '=', 'REFERENT_STRUCTURE'), eb('rp.establishment_id', '=', h.establishment_id)]),
          ...(h.unit_id ? [eb.and([eb('rprof.code', '=', 'REFERENT_UNITE'), eb('rp.unit_id', '=', h.unit_id)])] : []),
        ]),
      )
      .orderBy('r.last_name')
      .limit(10)
      .execute();
    const place = h.unit_name ? `${h.establishment_name} – ${h.unit_name}` : (h.establishment_name ?? 'votre territoire');
    const mail = buildMail({
      subject: 'Votre habilitation Habilis arrive à échéance',
      paragraphs: [
        `Bonjour ${h.first_name},`,
        `Votre habilitation « ${h.profile_name} » (${place}) prend fin le ${formatDate(h.end_date)}.`,
        'Si vous en avez encore besoin, contactez dès maintenant un référent de votre structure pour qu’il la prolonge :',
        ...(referents.length > 0 ? referents.map(referentLine) : ['Aucun référent n’est connu pour ce lieu : adressez-vous à la direction de votre établissement.']),
      ],
    });
    const inserted = await deps.db.transaction().execute(async (trx) => {
      // The alert record decides: a second run, or a second node, finds it and sends nothing.
      const row = await trx
        .insertInto('habilitation_alerts')
        .values({ habilitation_id: h.id, end_date: h.end_date, sent_at: now })
        .onConflict((oc) => oc.columns(['habilitation_id', 'end_date']).doNothing())
        .returning('habilitation_id')
        .executeTakeFirst();
      if (!row) return false;
      await enqueueMail(trx, { to: h.email, ...mail });
      await recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        subjectAccountId: h.account_id,
        code: 'HABILITATION_EXPIRY_ALERT',
        description: `Alerte de fin d’habilitation envoyée (${h.profile_name}, fin le ${formatDate(h.end_date)})`,
        details: { habilitationId: h.id, endDate: h.end_date },
      });
      return true;
    });
    if (inserted) sent += 1;
  }
  if (sent > 0) deps.jobs?.trigger(OUTBOX_JOB).catch(() => undefined);
  return sent;
}

/** R23: deactivates the accounts left without a valid habilitation; returns how many. */
export async function deactivateAccountsWithoutHabilitation(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const today = parisDate(now);
  const graceStart = new Date(now.getTime() - NEW_ACCOUNT_GRACE_DAYS * 86_400_000);
  return deps.db.transaction().execute(async (trx) => {
    const accounts = await trx
      .selectFrom('accounts as a')
      .select('a.id')
      .where('a.deactivated_at', 'is', null)
      .where('a.created_at', '<', graceStart)
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('habilitations as h').select('h.id').whereRef('h.account_id', '=', 'a.id').where('h.deleted_at', 'is', null).where('h.end_date', '>=', today))),
      )
      // A liberal professional's account (R14) lives by its card or e-CPS, not by habilitations.
      .where((eb) => eb.not(eb.exists(eb.selectFrom('liberal_practices as lp').select('lp.account_id').whereRef('lp.account_id', '=', 'a.id'))))
      // So does an assistant's (R15), while an active professional's delegation to it is active.
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('assistant_delegations as d')
              .innerJoin('accounts as p', 'p.id', 'd.professional_account_id')
              .select('d.id')
              .whereRef('d.assistant_account_id', '=', 'a.id')
              .where('d.status', '=', 'active')
              .where('p.deactivated_at', 'is', null),
          ),
        ),
      )
      .orderBy('a.id')
      .limit(BATCH)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const { id } of accounts) {
      await trx.updateTable('accounts').set({ deactivated_at: now }).where('id', '=', id).execute();
      await endSessionsOfAccount(trx, id);
      await recordAudit(trx, { actor: SYSTEM_ACTOR, subjectAccountId: id, code: 'ACCOUNT_DEACTIVATED', description: 'Désactivation du compte : aucune habilitation valide', at: now });
    }
    return accounts.length;
  });
}

export function habilitationLifecycleJob(deps: Deps): JobDefinition {
  return {
    name: 'habilitation-lifecycle',
    schedule: '15 6 * * *',
    retryLimit: 3,
    run: async () => {
      const alerts = await sendExpiryAlerts(deps);
      let deactivated = 0;
      for (let batch = await deactivateAccountsWithoutHabilitation(deps); batch > 0; batch = await deactivateAccountsWithoutHabilitation(deps)) deactivated += batch;
      deps.logger.info({ alerts, deactivated }, 'cycle de vie des habilitations');
    },
  };
}
