/**
 * Granting habilitations (R30–R34, R23): the profiles a referent may grant, the places of their
 * scope, and the grant itself — to one or several accounts in one transaction.
 */
import { sql } from 'kysely';
import type { Deps } from '../../deps.js';
import type { LocationLevel } from '../../db/schema.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { addToDate, formatDate, parisDate } from '../../platform/clock.js';
import { DomainError } from '../../platform/errors.js';
import { can, type Principal } from './habilitation.policy.js';
import { locationContains, type Place } from './habilitation.rules.js';
import { accountInScope, scopeCondition } from './habilitation.scope.js';
import { principalActor } from './habilitation.service.js';
import { parseCalendarDate, MAX_DURATION_YEARS } from './habilitation-change.rules.js';

/** R31: the duration proposed by default. */
export const DEFAULT_DURATION_YEARS = 2;
/** Places offered at once in a list; a territory lists its establishments up to this bound. */
const MAX_PLACES = 400;

export interface GrantablePlace extends Place {
  key: string;
  label: string;
}

export interface GrantableProfile {
  id: number;
  code: string;
  name: string;
  level: LocationLevel;
}

const grantErrors = {
  invalid: (fields: Record<string, string>) => new DomainError('GRANT_INVALID', 'Le formulaire contient des erreurs.', 400, fields),
  self: () => new DomainError('GRANT_SELF', 'Vous ne pouvez pas vous attribuer une habilitation à vous-même.', 403),
  accountOutOfScope: () => new DomainError('ACCOUNT_NOT_FOUND', 'Un des comptes choisis n’existe pas ou n’appartient pas à votre périmètre.', 404),
};

/** R33: profiles that one of the principal's profiles holding `habilitations.grant` may grant. */
export async function grantableProfiles(deps: Deps, principal: Principal): Promise<GrantableProfile[]> {
  const grantorCodes = [...new Set(principal.grants.filter((g) => g.rights.includes('habilitations.grant')).map((g) => g.profileCode))];
  if (grantorCodes.length === 0) return [];
  return deps.db
    .selectFrom('profiles as p')
    .select(['p.id', 'p.code', 'p.name', 'p.location_level as level'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('profile_grantors as g')
          .innerJoin('profiles as gp', 'gp.id', 'g.grantor_profile_id')
          .select('g.profile_id')
          .whereRef('g.profile_id', '=', 'p.id')
          .where('gp.code', 'in', grantorCodes),
      ),
    )
    .orderBy('p.name')
    .execute();
}

/** R33: the places of the principal's grant scope (structure referent: the establishment and its units…). */
export async function grantablePlaces(deps: Deps, principal: Principal): Promise<GrantablePlace[]> {
  const places = new Map<string, GrantablePlace>();
  const add = (place: GrantablePlace) => {
    if (places.size < MAX_PLACES) places.set(place.key, place);
  };
  for (const grant of principal.grants.filter((g) => g.rights.includes('habilitations.grant'))) {
    const loc = grant.location;
    if (loc.level === 'region' || loc.level === 'department') {
      if (loc.level === 'region') {
        const region = await deps.db.selectFrom('regions').select(['code', 'name']).where('code', '=', loc.regionCode!).executeTakeFirst();
        if (region) add({ key: `region:${region.code}`, level: 'region', regionCode: region.code, label: `Région ${region.name}` });
      }
      const departments = await deps.db
        .selectFrom('departments')
        .select(['code', 'name', 'region_code'])
        .$if(loc.level === 'region', (q) => q.where('region_code', '=', loc.regionCode!))
        .$if(loc.level === 'department', (q) => q.where('code', '=', loc.departmentCode!))
        .orderBy('code')
        .execute();
      for (const d of departments) add({ key: `department:${d.code}`, level: 'department', departmentCode: d.code, regionCode: d.region_code, label: `Coordination ${d.code} – ${d.name}` });
    }
    const establishments = await deps.db
      .selectFrom('establishments as e')
      .innerJoin('departments as d', 'd.code', 'e.department_code')
      .select(['e.id', 'e.name', 'e.department_code', 'd.region_code'])
      .where('e.closed_at', 'is', null)
      .$if(loc.level === 'region', (q) => q.where('d.region_code', '=', loc.regionCode!))
      .$if(loc.level === 'department', (q) => q.where('e.department_code', '=', loc.departmentCode!))
      .$if(loc.level === 'establishment', (q) => q.where('e.id', '=', loc.establishmentId!))
      .$if(loc.level === 'unit', (q) => q.where('e.id', '=', loc.establishmentId!))
      .orderBy('e.name')
      .limit(MAX_PLACES)
      .execute();
    for (const e of establishments) {
      if (loc.level !== 'unit') add({ key: `establishment:${e.id}`, level: 'establishment', establishmentId: e.id, departmentCode: e.department_code, regionCode: e.region_code, label: e.name });
      // Units are listed for a structure or a unit referent; a territory picks establishments.
      if (loc.level === 'establishment' || loc.level === 'unit') {
        const units = await deps.db
          .selectFrom('units')
          .select(['id', 'name'])
          .where('establishment_id', '=', e.id)
          .where('closed_at', 'is', null)
          .$if(loc.level === 'unit', (q) => q.where('id', '=', loc.unitId!))
          .orderBy('name')
          .execute();
        for (const u of units) add({ key: `unit:${u.id}`, level: 'unit', unitId: u.id, establishmentId: e.id, departmentCode: e.department_code, regionCode: e.region_code, label: `${e.name} – ${u.name}` });
      }
    }
  }
  return [...places.values()];
}

/** Resolves a place key ('unit:12', 'establishment:3', 'department:34', 'region:76') from the database. */
export async function resolvePlace(deps: Deps, key: string): Promise<(GrantablePlace & { closed: boolean }) | null> {
  const [level, raw] = key.split(':');
  if (!raw) return null;
  if (level === 'unit' || level === 'establishment') {
    const id = Number(raw);
    if (!Number.isSafeInteger(id) || id < 1) return null;
    const row = await deps.db
      .selectFrom('establishments as e')
      .innerJoin('departments as d', 'd.code', 'e.department_code')
      .$if(level === 'unit', (q) => q.innerJoin('units as u', (j) => j.onRef('u.establishment_id', '=', 'e.id').on('u.id', '=', id)))
      .select(['e.id', 'e.name', 'e.closed_at', 'e.department_code', 'd.region_code'])
      .select(level === 'unit' ? sql<string>`u.name`.as('unit_name') : sql<null>`null`.as('unit_name'))
      .select(level === 'unit' ? sql<Date | null>`u.closed_at`.as('unit_closed_at') : sql<null>`null`.as('unit_closed_at'))
      .$if(level === 'establishment', (q) => q.where('e.id', '=', id))
      .executeTakeFirst();
    if (!row) return null;
    return {
      key,
      level,
      unitId: level === 'unit' ? id : null,
      establishmentId: row.id,
      departmentCode: row.department_code,
      regionCode: row.region_code,
      label: level === 'unit' ? `${row.name} – ${row.unit_name}` : row.name,
      closed: row.closed_at !== null || row.unit_closed_at !== null,
    };
  }
  if (level === 'department') {
    const d = await deps.db.selectFrom('departments').select(['code', 'name', 'region_code']).where('code', '=', raw).executeTakeFirst();
    return d ? { key, level, departmentCode: d.code, regionCode: d.region_code, label: `Coordination ${d.code} – ${d.name}`, closed: false } : null;
  }
  if (level === 'region') {
    const r = await deps.db.selectFrom('regions').select(['code', 'name']).where('code', '=', raw).executeTakeFirst();
    return r ? { key, level, regionCode: r.code, label: `Région ${r.name}`, closed: false } : null;
  }
  return null;
}

export interface GrantInput {
  accountIds: number[];
  profileId: number;
  placeKey: string;
  startDate: string;
  endDate: string;
  emailNotifications: boolean;
}

/** Today and the proposed end (today + 2 years, R31). */
export function defaultPeriod(now: Date): { start: string; end: string } {
  const start = parisDate(now);
  return { start, end: addToDate(start, { years: DEFAULT_DURATION_YEARS }) };
}

/**
 * R30–R34: grants one habilitation to each account, all or none (one transaction). Refuses the
 * principal's own account whatever the request says (R32), a profile they may not grant or a place
 * outside their scope (R33), a duration over 5 years (R31). A deactivated account is reactivated (R23).
 */
export async function grantHabilitations(deps: Deps, principal: Principal, input: GrantInput, ip: string | null): Promise<number[]> {
  const today = parisDate(deps.clock.now());
  const fields: Record<string, string> = {};
  const accountIds = [...new Set(input.accountIds)].filter((id) => Number.isSafeInteger(id) && id > 0);
  if (accountIds.length === 0) fields.comptes = 'Choisissez au moins un compte.';
  if (accountIds.length > 200) fields.comptes = 'Pas plus de 200 comptes à la fois.';
  if (accountIds.includes(principal.accountId)) throw grantErrors.self();

  const profile = (await grantableProfiles(deps, principal)).find((p) => p.id === input.profileId);
  if (!profile) fields.profil = 'Choisissez un profil que vous pouvez attribuer.';
  const place = await resolvePlace(deps, input.placeKey);
  const grantors = principal.grants.filter((g) => g.rights.includes('habilitations.grant'));
  if (!place || !grantors.some((g) => locationContains(g.location, place)) || !can(principal, 'habilitations.grant', place)) {
    fields.lieu = 'Choisissez un lieu de votre périmètre.';
  } else if (place.closed) {
    fields.lieu = 'Ce lieu est fermé : aucune habilitation ne peut y être attribuée.';
  } else if (profile && profile.level !== place.level) {
    const levels: Record<LocationLevel, string> = { unit: 'une unité', establishment: 'un établissement', department: 'une coordination (département)', region: 'une région' };
    fields.lieu = `Le profil « ${profile.name} » s’attribue sur ${levels[profile.level]}.`;
  }
  const start = parseCalendarDate(input.startDate);
  const end = parseCalendarDate(input.endDate);
  if (!start) fields.debut = 'Saisissez une date de début valide, par exemple 23/11/2026.';
  else if (start < today) fields.debut = 'La date de début ne peut pas être passée.';
  if (!end) fields.fin = 'Saisissez une date de fin valide, par exemple 23/11/2028.';
  else if (start && end < start) fields.fin = 'La date de fin doit suivre la date de début.';
  else if (start && end > addToDate(start, { years: MAX_DURATION_YEARS })) fields.fin = 'Une habilitation dure au plus 5 ans.';
  if (Object.keys(fields).length > 0) throw grantErrors.invalid(fields);

  const scope = scopeCondition(principal, 'accounts.manage');
  try {
    return await insertGrants(deps, principal, { accountIds, profile: profile!, place: place!, start: start as string, end: end as string, emailNotifications: input.emailNotifications }, scope, ip);
  } catch (error) {
    // R20/R23: a deactivated account whose address another active account now uses cannot come back.
    if ((error as { constraint?: string }).constraint === 'accounts_active_email_key') {
      throw new DomainError('ACCOUNT_EMAIL_ALREADY_EXISTS', 'Un des comptes désactivés a une adresse e-mail reprise par un autre compte actif : modifiez-la avant de lui attribuer une habilitation.', 409);
    }
    throw error;
  }
}

async function insertGrants(
  deps: Deps,
  principal: Principal,
  g: { accountIds: number[]; profile: GrantableProfile; place: GrantablePlace; start: string; end: string; emailNotifications: boolean },
  scope: ReturnType<typeof scopeCondition>,
  ip: string | null,
): Promise<number[]> {
  const { accountIds, profile, place, start, end } = g;
  return deps.db.transaction().execute(async (trx) => {
    const accounts = await trx
      .selectFrom('accounts as a')
      .select(['a.id', 'a.deactivated_at'])
      .where('a.id', 'in', accountIds)
      .where(accountInScope(scope, principal.accountId))
      .forUpdate()
      .execute();
    if (accounts.length !== accountIds.length) throw grantErrors.accountOutOfScope();
    const created: number[] = [];
    const actor = principalActor(principal);
    for (const account of accounts) {
      const row = await trx
        .insertInto('habilitations')
        .values({
          account_id: account.id,
          profile_id: profile.id,
          unit_id: place.level === 'unit' ? place.unitId! : null,
          establishment_id: place.level === 'establishment' ? place.establishmentId! : null,
          department_code: place.level === 'department' ? place.departmentCode! : null,
          region_code: place.level === 'region' ? place.regionCode! : null,
          start_date: start,
          end_date: end,
          email_notifications: g.emailNotifications,
          created_by_account_id: principal.accountId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      created.push(row.id);
      await recordAudit(trx, {
        actor,
        subjectAccountId: account.id,
        code: 'HABILITATION_GRANTED',
        description: `Ajout de l’habilitation ${profile.name} – ${place.label} (du ${formatDate(start)} au ${formatDate(end)})`,
        details: { habilitationId: row.id, profile: profile.code, place: place.key, start, end },
        ip,
      });
      if (account.deactivated_at) {
        await trx.updateTable('accounts').set({ deactivated_at: null }).where('id', '=', account.id).execute();
        await recordAudit(trx, { actor, subjectAccountId: account.id, code: 'ACCOUNT_REACTIVATED', description: 'Réactivation du compte par ajout d’habilitation', ip });
      }
    }
    return created;
  });
}
