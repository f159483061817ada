/**
 * Daily expiry alert (R37): 15 days before a habilitation ends, one e-mail to its holder naming the
 * referents to contact — once per end date (a new end date may be announced again). Idempotent and
 * safe on several nodes: the alert record decides. (R23's deactivation is account-deactivation.job.ts.)
 */
import type { Deps } from '../../deps.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import { recordAudit, SYSTEM_ACTOR } from '../../platform/audit/audit.js';
import { addToDate, formatDate, parisDate } from '../../platform/clock.js';
import { enqueueMail } from '../../platform/outbox/outbox.js';
import { OUTBOX_JOB } from '../../platform/outbox/outbox.job.js';
import { buildMail } from '../../views/mail.js';
import { listDueAlerts, recordAlert } from './habilitation-alert.repository.js';
import { listReferentsOf, type ReferentRow } from './referent.repository.js';

export const ALERT_DAYS_BEFORE_END = 15;
/** Referents a mail names at most. */
const REFERENTS_NAMED = 10;
const BATCH = 500;

function referentLine(r: { first_name: string; last_name: string; email: string; phone: string | null }): string {
  return `${r.first_name} ${r.last_name.toUpperCase()} – ${r.email}${r.phone ? ` – ${r.phone}` : ''}`;
}

/** The referents of the habilitation's establishment and unit, once each, the holder left out. */
function contacts(referents: ReferentRow[], holderId: number): ReferentRow[] {
  const seen = new Set<number>([holderId]);
  return referents.filter((r) => !seen.has(r.account_id) && seen.add(r.account_id)).slice(0, REFERENTS_NAMED);
}

/** R37: sends the alerts due today; returns how many were sent. */
export async function sendExpiryAlerts(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const today = parisDate(now);
  const due = await listDueAlerts(deps.db, today, addToDate(today, { days: ALERT_DAYS_BEFORE_END }), BATCH);
  let sent = 0;
  for (const h of due) {
    const places = { establishmentIds: h.establishment_id ? [h.establishment_id] : [], unitIds: h.unit_id ? [h.unit_id] : [] };
    const referents = contacts(await listReferentsOf(deps.db, places, today), h.account_id);
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
      if (!(await recordAlert(trx, h.id, h.end_date, now))) return false;
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

export function habilitationLifecycleJob(deps: Deps): JobDefinition {
  return {
    name: 'habilitation-lifecycle',
    schedule: '15 6 * * *',
    retryLimit: 3,
    run: async () => {
      const alerts = await sendExpiryAlerts(deps);
      deps.logger.info({ alerts }, 'alertes de fin d’habilitation');
    },
  };
}
