/**
 * R63 "Récupérer une notification": a decision not addressed to the user's ESMS is found only when
 * the MDPH, the person's MDPH number and birth date all match; every miss gets the same answer.
 * Each search (and each confirmation, which checks the three again) counts against two throttles,
 * per account and per address, in PostgreSQL so every node counts the same. The notification then
 * created for the chosen ESMS is attributed (retrieved_by, the history) and audited.
 */
import type { Deps } from '../../deps.js';
import { parisDate } from '../../platform/clock.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { hitLimit } from '../../platform/rate-limit.js';
import { canFollowUpEsms, type Principal } from '../habilitations/habilitation.policy.js';
import { esmsErrors } from './esms.errors.js';
import { RETRIEVAL_LIMITS } from './esms.rules.js';
import type { RetrievalForm } from './esms.schemas.js';
import { esmsScopes, viewerLabel } from './esms.service.js';
import { notifyHolders } from './esms-notify.service.js';
import { wakeOutbox } from '../../platform/outbox/outbox.job.js';
import * as repo from './esms.repository.js';

/** Both throttles in one transaction: an attempt counts against the account and the address, or not at all. */
async function throttle(deps: Deps, principal: Principal, ip: string): Promise<void> {
  const now = deps.clock.now();
  const [account, address] = await deps.db.transaction().execute(async (trx) => [
    await hitLimit(trx, `esms-retrieval:account:${principal.accountId}`, RETRIEVAL_LIMITS.account, now),
    await hitLimit(trx, `esms-retrieval:ip:${ip}`, RETRIEVAL_LIMITS.ip, now),
  ]);
  if (!account.allowed || !address.allowed) throw esmsErrors.RETRIEVAL_THROTTLED();
}

function checkIdentity(form: RetrievalForm): { mdph: string; number: string; birthDate: string } {
  const fields: Record<string, string> = {};
  if (!form.mdphDepartment) fields.mdph = 'Saisissez le département de la MDPH (ex. 34, 2A, 974).';
  if (!form.individualNumber) fields.numero = 'Saisissez le numéro individuel MDPH (lettres et chiffres).';
  if (!form.birthDate) fields.naissance = 'Saisissez une date de naissance valide au format JJ/MM/AAAA.';
  if (Object.keys(fields).length > 0) throw esmsErrors.RETRIEVAL_INPUT(fields);
  return { mdph: form.mdphDepartment!, number: form.individualNumber!, birthDate: form.birthDate! };
}

/** R63: the decisions of the person whose three identifiers match, with the ESMS the user may attach them to. */
export async function searchForRetrieval(deps: Deps, principal: Principal, ip: string, form: RetrievalForm) {
  const scopes = (await esmsScopes(deps, principal)).filter((s) => canFollowUpEsms(principal, s.place));
  if (scopes.length === 0) throw esmsErrors.NO_ESMS();
  const identity = checkIdentity(form);
  await throttle(deps, principal, ip);
  const decisions = await repo.findDecisionsByIdentity(deps.db, identity.mdph, identity.number, identity.birthDate);
  if (decisions.length === 0) throw esmsErrors.RETRIEVAL_NO_MATCH();
  return { identity, decisions, scopes };
}

/** R63, confirmed: the chosen decision becomes a notification of the chosen ESMS (the three identifiers checked again). */
export async function retrieveNotification(deps: Deps, principal: Principal, ip: string, form: RetrievalForm): Promise<number> {
  const scopes = (await esmsScopes(deps, principal)).filter((s) => canFollowUpEsms(principal, s.place));
  if (scopes.length === 0) throw esmsErrors.NO_ESMS();
  const identity = checkIdentity(form);
  await throttle(deps, principal, ip);
  const decision = form.decisionId ? await repo.decisionOfPerson(deps.db, form.decisionId, identity.mdph, identity.number, identity.birthDate) : undefined;
  if (!decision) throw esmsErrors.RETRIEVAL_NO_MATCH();
  const scope = scopes.find((s) => s.establishmentId === form.establishmentId);
  if (!scope) throw esmsErrors.RETRIEVAL_CHOICE({ etablissement: 'Choisissez un établissement de votre périmètre.' });
  const now = deps.clock.now();
  const id = await deps.db.transaction().execute(async (trx) => {
    const n = await repo.addressDecision(trx, decision.id, scope.establishmentId, scope.onlyUnitId, parisDate(now), now, principal.accountId, false);
    if (n.created) {
      await repo.insertFollowup(trx, n.id, { statusCode: '39', statusDate: parisDate(now), reasonCode: null, unitId: scope.onlyUnitId, comment: 'Notification récupérée manuellement', actorAccountId: principal.accountId, actorLabel: viewerLabel(principal), at: now });
      await recordAudit(trx, {
        actor: { kind: 'account', accountId: principal.accountId, label: viewerLabel(principal) },
        subjectAccountId: principal.accountId,
        code: 'ESMS_NOTIFICATION_RETRIEVED',
        description: `Récupération manuelle d’une notification pour ${scope.name}`,
        details: { notificationId: n.id, establishmentId: scope.establishmentId },
        ip,
        at: now,
      });
      await notifyHolders(deps, trx, [{ establishmentId: scope.establishmentId, unitId: scope.onlyUnitId }]);
    }
    return n.id;
  });
  wakeOutbox(deps);
  return id;
}
