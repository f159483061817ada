/**
 * Granting habilitations (R30–R34, R23): what the grant page offers, and the grant itself — to one
 * or several accounts in one transaction. Every "may" is the policy's (`canGrantProfileAt`,
 * `canGrantTo`): the page offers only profiles and places of pairs it allows, and the grant checks
 * the chosen pair with the same function.
 */
import type { Deps } from '../../deps.js';
import type { LocationLevel } from '../../db/schema.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { addToDate, formatDate, parisDate } from '../../platform/clock.js';
import { translateConstraint } from '../../platform/errors.js';
import { OUTBOX_JOB } from '../../platform/outbox/outbox.job.js';
import { setDeactivated } from '../accounts/account.repository.js';
import { isExactIdentifier } from '../accounts/account.rules.js';
import { enqueueMail } from '../../platform/outbox/outbox.js';
import { can, canGrantProfile, canGrantProfileAt, canGrantTo, domainBoundOf, type Grant, type PlaceFacts, type Principal } from './habilitation.policy.js';
import { habilitationAddedMail } from './habilitation-grant.mails.js';
import { DuplicateGrantError, habilitationErrors } from './habilitation.errors.js';
import { accountScope, principalActor } from './habilitation.service.js';
import { parseCalendarDate, MAX_DURATION_YEARS } from './habilitation-change.rules.js';
import * as repo from './habilitation-grant.repository.js';

export type { GrantablePlace } from './habilitation-grant.repository.js';

/** R31: the duration proposed by default. */
export const DEFAULT_DURATION_YEARS = 2;
/** Places offered at once in a list; a territory lists its establishments up to this bound. */
const MAX_PLACES = 400;

export interface GrantableProfile {
  id: number;
  code: string;
  name: string;
  level: LocationLevel;
}

export interface GrantOptions {
  profiles: GrantableProfile[];
  places: repo.GrantablePlace[];
}

/**
 * R33: what the grant page offers — the profiles and the places of the pairs `canGrantProfileAt`
 * allows, so that no option is one the grant would refuse whatever it is paired with.
 */
export async function grantOptions(deps: Deps, principal: Principal): Promise<GrantOptions> {
  const grantors = principal.grants.filter((g) => g.rights.includes('habilitations.grant'));
  if (grantors.length === 0) return { profiles: [], places: [] };
  const catalogue = await repo.listProfileFacts(deps.db);
  const candidates = new Map<string, repo.GrantablePlace>();
  for (const grant of grantors) {
    if (candidates.size >= MAX_PLACES) break;
    for (const place of await repo.listPlacesUnder(deps.db, grant.location, domainBoundOf(grant), MAX_PLACES)) {
      if (candidates.size < MAX_PLACES) candidates.set(place.key, place);
    }
  }
  const profileIds = new Set<number>();
  const places: repo.GrantablePlace[] = [];
  for (const place of candidates.values()) {
    const grantable = catalogue.filter((profile) => canGrantProfileAt(principal, profile, place));
    if (grantable.length === 0) continue;
    places.push(place);
    for (const profile of grantable) profileIds.add(profile.id);
  }
  const profiles = catalogue.filter((p) => profileIds.has(p.id)).map(({ id, code, name, level }) => ({ id, code, name, level }));
  return { profiles, places };
}

export interface GrantInput {
  accountIds: number[];
  profileId: number;
  placeKey: string;
  startDate: string;
  endDate: string;
  emailNotifications: boolean;
  /** R26: exact usernames or e-mails the referent searched; an account outside the scope found by one may receive the grant. */
  identifiers?: string[];
}

/** Today and the proposed end (today + 2 years, R31). */
export function defaultPeriod(now: Date): { start: string; end: string } {
  const start = parisDate(now);
  return { start, end: addToDate(start, { years: DEFAULT_DURATION_YEARS }) };
}

const LEVELS: Record<LocationLevel, string> = { unit: 'une unité', establishment: 'un établissement', department: 'une coordination (département)', region: 'une région' };

/** What a grant gave, for the page that lists who received what (R34). */
export interface GrantOutcome {
  habilitationIds: number[];
  accountIds: number[];
  habilitation: string;
  start: string;
  end: string;
}

/**
 * R30–R34: grants one habilitation to each account, all or none (one transaction). Refuses the
 * principal's own account whatever the request says (R32), a profile they may not grant or a place
 * outside their scope, a pair that no single grant of theirs allows (R33), a duration over 5 years
 * (R31), the same habilitation twice (R27). An account outside the scope receives it only when
 * `identifiers` holds its exact username or e-mail (R26): audited as such, its holder e-mailed. A
 * deactivated account is reactivated (R23).
 */
export async function grantHabilitations(deps: Deps, principal: Principal, input: GrantInput, ip: string | null): Promise<GrantOutcome> {
  const now = deps.clock.now();
  const today = parisDate(now);
  const fields: Record<string, string> = {};
  const accountIds = [...new Set(input.accountIds)].filter((id) => Number.isSafeInteger(id) && id > 0);
  if (accountIds.length === 0) fields.comptes = 'Choisissez au moins un compte.';
  if (accountIds.length > 200) fields.comptes = 'Pas plus de 200 comptes à la fois.';
  if (!accountIds.every((id) => canGrantTo(principal, id))) throw habilitationErrors.GRANT_SELF();

  const profile = (await repo.listProfileFacts(deps.db)).find((p) => p.id === input.profileId);
  const grantable = profile !== undefined && canGrantProfile(principal, profile);
  if (!grantable) fields.profil = 'Choisissez un profil que vous pouvez attribuer.';
  const place = await repo.getPlaceByKey(deps.db, input.placeKey);
  if (!place || !can(principal, 'habilitations.grant', place)) {
    fields.lieu = 'Choisissez un lieu de votre périmètre.';
  } else if (place.closed) {
    fields.lieu = 'Ce lieu est fermé : aucune habilitation ne peut y être attribuée.';
  } else if (grantable && profile.level !== place.level) {
    fields.lieu = `Le profil « ${profile.name} » s’attribue sur ${LEVELS[profile.level]}.`;
  } else if (grantable && !canGrantProfileAt(principal, profile, place)) {
    fields.lieu = `Aucune de vos habilitations ne vous permet d’attribuer le profil « ${profile.name} » sur ce lieu.`;
  }
  const start = parseCalendarDate(input.startDate);
  const end = parseCalendarDate(input.endDate);
  if (!start) fields.debut = 'Saisissez une date de début valide, par exemple 23/11/2026.';
  else if (start < today) fields.debut = 'La date de début ne peut pas être passée.';
  if (!end) fields.fin = 'Saisissez une date de fin valide, par exemple 23/11/2028.';
  else if (start && end < start) fields.fin = 'La date de fin doit suivre la date de début.';
  else if (start && end > addToDate(start, { years: MAX_DURATION_YEARS })) fields.fin = 'Une habilitation dure au plus 5 ans.';
  if (Object.keys(fields).length > 0) throw habilitationErrors.GRANT_INVALID(fields);

  const identifiers = (input.identifiers ?? []).slice(0, 20).map((i) => i.slice(0, 300));
  const grant = { accountIds, profile: profile!, place: place!, start: start!, end: end!, emailNotifications: input.emailNotifications, identifiers };
  try {
    const habilitationIds = await insertGrants(deps, principal, grant, ip);
    return { habilitationIds, accountIds, habilitation: `${profile!.name} – ${place!.label}`, start: start!, end: end! };
  } catch (error) {
    // R20/R23: a deactivated account whose address another active account now uses cannot come back.
    throw translateConstraint(error, { accounts_active_email_key: () => habilitationErrors.GRANT_EMAIL_TAKEN() });
  }
}

async function insertGrants(
  deps: Deps,
  principal: Principal,
  g: { accountIds: number[]; profile: repo.CatalogueProfile; place: repo.GrantablePlace; start: string; end: string; emailNotifications: boolean; identifiers: string[] },
  ip: string | null,
): Promise<number[]> {
  const { accountIds, profile, place, start, end } = g;
  const inScope = accountScope(deps, principal);
  const referentPlace = await grantorPlaceLabel(deps, principal, profile, place);
  const created = await deps.db.transaction().execute(async (trx) => {
    const found = await repo.lockAccountsForGrant(trx, accountIds, inScope, g.identifiers);
    // R26: outside the scope, only an account whose exact username or e-mail the referent typed.
    const accounts = found.filter((a) => a.in_scope || g.identifiers.some((i) => isExactIdentifier(i, a)));
    if (accounts.length !== accountIds.length) throw habilitationErrors.GRANT_ACCOUNT_OUT_OF_SCOPE();
    // R27: never the same habilitation twice (the accounts are locked: two grants cannot both pass).
    const twice = await repo.findOverlappingGrant(trx, { accountIds, profileId: profile.id, place, start, end });
    if (twice) {
      const who = `${twice.first_name} ${twice.last_name.toUpperCase()}`;
      const base = habilitationErrors.GRANT_DUPLICATE.at('comptes', { who, from: formatDate(twice.start_date), to: formatDate(twice.end_date) });
      throw new DuplicateGrantError(base, { accountId: twice.account_id, habilitationId: twice.id });
    }
    const created: number[] = [];
    const actor = principalActor(principal);
    const referent = `${principal.viewer.firstName} ${principal.viewer.lastName.toUpperCase()} (${principal.viewer.username})`;
    for (const account of accounts) {
      const id = await repo.insertHabilitation(trx, {
        accountId: account.id,
        profileId: profile.id,
        place,
        start,
        end,
        emailNotifications: g.emailNotifications,
        createdBy: principal.accountId,
      });
      created.push(id);
      const what = `${profile.name} – ${place.label} (du ${formatDate(start)} au ${formatDate(end)})`;
      await recordAudit(trx, {
        actor,
        subjectAccountId: account.id,
        code: 'HABILITATION_GRANTED',
        description: account.in_scope ? `Ajout de l’habilitation ${what}` : `Habilitation ajoutée par ${referent}, référent de ${referentPlace} : ${what}`,
        details: { habilitationId: id, profile: profile.code, place: place.key, start, end, ...(account.in_scope ? {} : { outOfScope: true }) },
        ip,
      });
      if (!account.in_scope) {
        const habilitation = `${profile.name} – ${place.label}`;
        await enqueueMail(trx, { to: account.email, ...habilitationAddedMail({ firstName: account.first_name, referent, referentPlace, habilitation, start, end }) });
      }
      if (account.deactivated_at) {
        await setDeactivated(trx, account.id, null);
        await recordAudit(trx, { actor, subjectAccountId: account.id, code: 'ACCOUNT_REACTIVATED', description: 'Réactivation du compte par ajout d’habilitation', ip });
      }
    }
    return created;
  });
  if (created.length > 0) deps.jobs?.trigger(OUTBOX_JOB).catch(() => undefined);
  return created;
}

const keyOf = (location: Grant['location']): string =>
  location.level === 'unit' ? `unit:${location.unitId}`
  : location.level === 'establishment' ? `establishment:${location.establishmentId}`
  : location.level === 'department' ? `department:${location.departmentCode}`
  : `region:${location.regionCode}`;

/** R26: where the referent is referent, as the account's history and the e-mail name it: the place of the grant that allows this one. */
async function grantorPlaceLabel(deps: Deps, principal: Principal, profile: repo.CatalogueProfile, place: PlaceFacts): Promise<string> {
  const grant = principal.grants.find((g) => canGrantProfileAt({ ...principal, grants: [g] }, profile, place));
  const location = grant ? await repo.getPlaceByKey(deps.db, keyOf(grant.location)) : null;
  return location?.label ?? 'son périmètre';
}
