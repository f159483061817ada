/**
 * R40: a new or updated notification tells the holders of an active ESMS habilitation at its unit or
 * establishment whose "Réception des e-mails" is checked — nobody else — in the transaction of the
 * change, at most one e-mail per person per hour (claimed atomically in esms_mail_deliveries).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { parisDate } from '../../platform/clock.js';
import { enqueueMail } from '../../platform/outbox/outbox.js';
import { MAIL_GROUPING_MS } from './esms.rules.js';
import { notificationMail } from './esms.mails.js';
import * as repo from './esms.repository.js';

/** Returns how many e-mails were queued. */
export async function notifyHolders(deps: Deps, trx: Kysely<Database>, places: readonly { establishmentId: number; unitId: number | null }[]): Promise<number> {
  const now = deps.clock.now();
  const today = parisDate(now);
  const notBefore = new Date(now.getTime() - MAIL_GROUPING_MS);
  const link = new URL(`/esms/tableau-de-bord`, deps.config.baseUrl).toString();
  const seen = new Set<number>();
  let queued = 0;
  for (const place of places) {
    for (const recipient of await repo.mailRecipients(trx, place.establishmentId, place.unitId, today)) {
      if (seen.has(recipient.id)) continue;
      seen.add(recipient.id);
      if (!(await repo.claimMailSlot(trx, recipient.id, now, notBefore))) continue;
      const mail = notificationMail({ link });
      await enqueueMail(trx, { to: recipient.email, subject: mail.subject, text: mail.text, html: mail.html });
      queued++;
    }
  }
  return queued;
}
