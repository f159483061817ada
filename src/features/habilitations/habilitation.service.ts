/**
 * Changes to one habilitation, shared by the review of habilitations (R39) and the account page:
 * change its end date (R35: prolong or shorten) and delete it (R36). Each one checks the scope of
 * the actor at the habilitation's own place, refuses a change to one's own habilitation (R32),
 * locks the row, and writes its audit event in the same transaction.
 */
import type { Deps } from '../../deps.js';
import { actorLabel, recordAudit, type Actor } from '../../platform/audit/audit.js';
import { formatDate, parisDate } from '../../platform/clock.js';
import { changeRefusal, placesWhere, type ChangeRefusal, type Principal } from './habilitation.policy.js';
import { accountInScope } from './habilitation-scope.repository.js';
import { habilitationErrors } from './habilitation.errors.js';
import { checkEndDate, endDateBounds, parseCalendarDate, prolongationShortcuts, type ProlongationShortcuts } from './habilitation-change.rules.js';
import * as repo from './habilitation-change.repository.js';
import { listActiveGrants } from './habilitation.repository.js';
import { listReferentsOf, type ReferentRow } from './referent.repository.js';
import type { Grant } from './habilitation.policy.js';

export interface EndDateChange {
  habilitationId: number;
  accountId: number;
  previousEndDate: string;
  endDate: string;
  /** false when the new date was the current one: nothing written. */
  changed: boolean;
}

export interface Deletion {
  habilitationId: number;
  accountId: number;
  deletedAt: Date;
}

/** The habilitations of an account active on `today`, as the principal of its requests holds them. */
export async function activeGrants(deps: Deps, accountId: number, today: string): Promise<Grant[]> {
  return listActiveGrants(deps.db, accountId, today);
}

export function principalActor(principal: Principal): Actor {
  const { firstName, lastName, username } = principal.viewer;
  return { kind: 'account', accountId: principal.accountId, label: actorLabel({ first_name: firstName, last_name: lastName, username }) };
}

/** "Référent structure – CHU de Montpellier": how events name a habilitation. */
function habilitationLabel(h: repo.LockedHabilitation): string {
  return `${h.profileName} – ${h.locationLabel}`;
}

const REFUSALS: Record<ChangeRefusal, () => Error> = {
  NOT_FOUND: () => habilitationErrors.HABILITATION_NOT_FOUND(),
  FORBIDDEN: () => habilitationErrors.HABILITATION_FORBIDDEN(),
  SELF: () => habilitationErrors.HABILITATION_SELF_CHANGE(),
  DELETED: () => habilitationErrors.HABILITATION_ALREADY_DELETED(),
};

/**
 * The habilitation once the policy lets the actor change it (`changeRefusal`: R32, R33; out of
 * scope answers as absent). Locked when asked (inside the transaction of the change).
 */
async function loadChangeable(db: Deps['db'], principal: Principal, habilitationId: number, lock: boolean, ofAccount?: number): Promise<repo.LockedHabilitation> {
  if (!Number.isSafeInteger(habilitationId) || habilitationId < 1 || habilitationId > 2_147_483_647) throw habilitationErrors.HABILITATION_NOT_FOUND();
  const h = lock ? await repo.getHabilitationForUpdate(db, habilitationId) : await repo.getHabilitation(db, habilitationId);
  // A habilitation reached through another account's URL answers as absent, before anything is written.
  if (!h || (ofAccount !== undefined && h.accountId !== ofAccount)) throw habilitationErrors.HABILITATION_NOT_FOUND();
  const refusal = changeRefusal(principal, { accountId: h.accountId, profile: h.profile, place: h.place, deleted: h.deletedAt !== null });
  if (refusal) throw REFUSALS[refusal]();
  return h;
}

export interface ChangeableHabilitation {
  id: number;
  holder: { firstName: string; lastName: string; username: string };
  profileName: string;
  locationLabel: string;
  startDate: string;
  endDate: string;
  /** R35: the end dates the change accepts. */
  bounds: { min: string; max: string };
  /** R35: the prolongation shortcuts offered, with the date each sets. */
  shortcuts: ProlongationShortcuts;
}

/** What the confirmation and correction pages show, after the same checks as the change itself. */
export async function getChangeableHabilitation(deps: Deps, principal: Principal, habilitationId: number): Promise<ChangeableHabilitation> {
  const h = await loadChangeable(deps.db, principal, habilitationId, false);
  return {
    id: h.id,
    holder: h.holder,
    profileName: h.profileName,
    locationLabel: h.locationLabel,
    startDate: h.startDate,
    endDate: h.endDate,
    bounds: endDateBounds(h.startDate, parisDate(deps.clock.now())),
    shortcuts: prolongationShortcuts(h.startDate, h.endDate, parisDate(deps.clock.now())),
  };
}

/**
 * R35: sets the end date of a habilitation — later (prolong) or earlier (shorten, an announced
 * departure: it then stops by itself at that date) — between today and its start + 5 years (R31).
 * `newEndDate` is 'AAAA-MM-JJ' or 'JJ/MM/AAAA'. Concurrent calls on one habilitation are serialised
 * by a row lock: none is lost, each event names the date it replaced.
 */
export async function changeHabilitationEndDate(
  deps: Deps,
  principal: Principal,
  habilitationId: number,
  newEndDate: string,
  ip: string | null,
  /** The account of the URL (`/administration/comptes/A/habilitations/H/…`): H must be A's. */
  ofAccount?: number,
): Promise<EndDateChange> {
  const endDate = parseCalendarDate(newEndDate);
  if (!endDate) throw habilitationErrors.HABILITATION_END_DATE_INVALID.at('endDate');
  const today = parisDate(deps.clock.now());
  return deps.db.transaction().execute(async (trx) => {
    const h = await loadChangeable(trx, principal, habilitationId, true, ofAccount);
    const check = checkEndDate(endDate, h.startDate, today);
    if (check === 'before_min') {
      throw habilitationErrors.HABILITATION_END_DATE_BEFORE_MIN.at('endDate');
    }
    if (check === 'after_max') {
      throw habilitationErrors.HABILITATION_END_DATE_AFTER_MAX.at('endDate');
    }
    const result = { habilitationId: h.id, accountId: h.accountId, previousEndDate: h.endDate, endDate };
    if (endDate === h.endDate) return { ...result, changed: false };
    await repo.setEndDate(trx, h.id, endDate);
    await recordAudit(trx, {
      actor: principalActor(principal),
      subjectAccountId: h.accountId,
      code: 'HABILITATION_END_DATE_CHANGED',
      description: `Modification de la date de fin de l’habilitation ${habilitationLabel(h)} (${formatDate(h.endDate)} → ${formatDate(endDate)})`,
      details: { habilitationId: h.id, profile: h.profileCode, from: h.endDate, to: endDate },
      ip,
    });
    return { ...result, changed: true };
  });
}

/** R36: deletes a habilitation; it stays visible as deleted ("Supprimée le …", by whom). */
export async function deleteHabilitation(deps: Deps, principal: Principal, habilitationId: number, ip: string | null, ofAccount?: number): Promise<Deletion> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const h = await loadChangeable(trx, principal, habilitationId, true, ofAccount);
    await repo.markDeleted(trx, h.id, now, principal.accountId);
    await recordAudit(trx, {
      actor: principalActor(principal),
      subjectAccountId: h.accountId,
      code: 'HABILITATION_DELETED',
      description: `Suppression de l’habilitation ${habilitationLabel(h)}`,
      details: { habilitationId: h.id, profile: h.profileCode, endDate: h.endDate },
      ip,
      at: now,
    });
    return { habilitationId: h.id, accountId: h.accountId, deletedAt: now };
  });
}

/** R40, in the holder's transaction ("Mon compte"): the e-mail flag of one of their own habilitations. */
export async function setOwnEmailFlag(trx: Deps['db'], accountId: number, habilitationId: number, flag: boolean): Promise<void> {
  await repo.setOwnEmailNotifications(trx, accountId, habilitationId, flag);
}

/** R41 + R36, in the holder's transaction: they delete one of their own habilitations; false when it already was. */
export async function deleteOwnHabilitationIn(trx: Deps['db'], accountId: number, habilitationId: number, at: Date): Promise<boolean> {
  return repo.markOwnDeleted(trx, accountId, habilitationId, at);
}

/** R42, R37, R25: the referents of these establishments and units today (referent.repository.ts says who they are). */
export async function referentsOf(deps: Deps, places: { establishmentIds: readonly number[]; unitIds: readonly number[] }): Promise<ReferentRow[]> {
  return listReferentsOf(deps.db, places, parisDate(deps.clock.now()));
}

/**
 * R33: "this account (alias `a`) is in the principal's administration scope", as a condition for a
 * query over accounts: built from the policy's places (`placesWhere`), on the clock's today.
 */
export function accountScope(deps: Deps, principal: Principal) {
  const now = deps.clock.now();
  return accountInScope(placesWhere(principal, 'accounts.manage'), principal.accountId, { today: parisDate(now), now });
}
