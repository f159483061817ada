/** R40, R41, R36: the person's own habilitations: the e-mail flag, and deleting one (never adding, prolonging or widening). */
import type { Deps } from '../../deps.js';
import { accountActor, recordAudit } from '../../platform/audit/audit.js';
import { parisDate } from '../../platform/clock.js';
import { deleteOwnHabilitationIn, setOwnEmailFlag } from '../habilitations/habilitation.service.js';
import { selfServiceErrors as errors } from './self-service.errors.js';
import * as repo from './self-service.repository.js';
import { habilitationView, loadAccount, type HabilitationView, type SelfContext } from './self-service.service.js';

/** One of my habilitations, for the page that confirms its deletion. */
export async function getOwnHabilitation(deps: Deps, ctx: SelfContext, habilitationId: number | null): Promise<HabilitationView> {
  if (habilitationId === null) throw errors.HABILITATION_NOT_FOUND();
  const row = await repo.getOwnHabilitation(deps.db, ctx.accountId, habilitationId);
  if (!row) throw errors.HABILITATION_NOT_FOUND();
  return habilitationView(row, parisDate(deps.clock.now()));
}

function habilitationText(view: HabilitationView): string {
  return `${view.profileName} – ${view.location}`;
}

/** R40 flag, per habilitation of my own that is not deleted. Only the flag: dates, profile and place stay as they are. */
export async function setHabilitationEmailFlag(deps: Deps, ctx: SelfContext, habilitationId: number | null, flag: boolean): Promise<{ changed: boolean }> {
  if (habilitationId === null) throw errors.HABILITATION_NOT_FOUND();
  const account = await loadAccount(deps.db, ctx.accountId);
  const today = parisDate(deps.clock.now());
  return deps.db.transaction().execute(async (trx) => {
    const row = await repo.getOwnHabilitation(trx, account.id, habilitationId, { forUpdate: true });
    if (!row) throw errors.HABILITATION_NOT_FOUND();
    if (row.deleted_at) throw errors.HABILITATION_ALREADY_DELETED();
    if (row.email_notifications === flag) return { changed: false };
    await setOwnEmailFlag(trx, account.id, row.id, flag);
    await recordAudit(trx, {
      actor: accountActor(account),
      subjectAccountId: account.id,
      code: 'HABILITATION_EMAIL_FLAG_CHANGED',
      description: `Réception des mails ${flag ? 'activée' : 'désactivée'} pour l’habilitation ${habilitationText(habilitationView(row, today))}`,
      details: { habilitationId: row.id, emailNotifications: flag },
      ip: ctx.ip,
    });
    return { changed: true };
  });
}

/** R41 + R36: I delete one of my habilitations; it stays visible as deleted, with when and by whom. */
export async function deleteOwnHabilitation(deps: Deps, ctx: SelfContext, habilitationId: number | null): Promise<HabilitationView> {
  if (habilitationId === null) throw errors.HABILITATION_NOT_FOUND();
  const account = await loadAccount(deps.db, ctx.accountId);
  const now = deps.clock.now();
  const today = parisDate(now);
  return deps.db.transaction().execute(async (trx) => {
    const row = await repo.getOwnHabilitation(trx, account.id, habilitationId, { forUpdate: true });
    if (!row) throw errors.HABILITATION_NOT_FOUND();
    if (row.deleted_at || !(await deleteOwnHabilitationIn(trx, account.id, row.id, now))) throw errors.HABILITATION_ALREADY_DELETED();
    const view = habilitationView(row, today);
    await recordAudit(trx, {
      actor: accountActor(account),
      subjectAccountId: account.id,
      code: 'HABILITATION_DELETED',
      description: `Suppression de l’habilitation ${habilitationText(view)} par son titulaire`,
      details: { habilitationId: row.id, profile: row.profile_code, endDate: row.end_date },
      ip: ctx.ip,
    });
    return view;
  });
}
