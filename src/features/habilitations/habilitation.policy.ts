/**
 * Every "may" of Habilis (DESIGN), as pure functions of the principal: grants are loaded active for
 * today when the session is read, so nothing here reads the clock or the database.
 *
 * - `can(principal, right, target)`: some active habilitation holds the right at a location
 *   containing the target (unit ⊂ establishment ⊂ department ⊂ region).
 * - `placesWhere(principal, right)`: the same scope as data, from which the scope SQL is built
 *   (`habilitation-scope.repository.ts`) and its pure twin `scopeCovers` decides: they cannot disagree.
 * - `canGrantProfileAt`, `canGrantTo`, `canChangeHabilitation`: granting and changing habilitations
 *   (R32, R33): the profile and the place are checked together, against one and the same grant.
 * - `canActFor`: a liberal professional's own resources (R15): the professional, and their
 *   assistants within their delegations.
 *
 * R33 and domains (ADR 0005): a territory profile (coordination, region) that has a domain
 * administers and grants only in its domain — profiles of that domain or of every domain (the
 * referent profiles), in structures of that domain. A structure's domain is its establishment's
 * (`establishments.domain_code`, from its FINESS category, ADR 0004); a structure whose domain is
 * unknown belongs to every domain, as the review already offers it. Structure and unit referents
 * (profiles without a domain) grant every domain's profiles in their own structure or unit.
 */
import type { LocationLevel } from '../../db/schema.js';
import type { Right } from './habilitation.rights.js';
import { locationContains, type Place } from './habilitation.rules.js';

export interface Grant {
  habilitationId: number;
  profileCode: string;
  /** The domain of the grant's profile ('SANITAIRE'…); null or absent: a profile of every domain (the referents). */
  profileDomain?: string | null;
  rights: readonly string[];
  location: Place;
}

export interface Principal {
  accountId: number;
  /** What pages show of the person; `rights` (held somewhere) chooses the menu entries. */
  viewer: { firstName: string; lastName: string; username: string; rights?: readonly string[]; liberal?: boolean; assistant?: boolean; directorySync?: boolean; esmsImport?: boolean };
  strength: 'password' | 'strong';
  grants: readonly Grant[];
  /** R14: a liberal professional (their own practice): they may invite assistants. Absent: false. */
  liberal?: boolean;
  /** R15: active delegations this principal holds as an assistant, loaded at each request. Absent: none. */
  delegations?: readonly Delegation[];
}

function isStrong(principal: Principal | null): principal is Principal {
  return principal !== null && principal.strength === 'strong';
}

/** Without a target: does the principal hold the right anywhere (menus, route-level checks)? */
export function can(principal: Principal | null, right: Right, target?: Place): boolean {
  if (!isStrong(principal)) return false;
  return principal.grants.some(
    (grant) => grant.rights.includes(right) && (target === undefined || locationContains(grant.location, target)),
  );
}

// ─── R33: places, domains and scopes ──────────────────────────────────────────────────────────

/**
 * A place with what R33 needs to know of it: the domain of its structure (a unit has its
 * establishment's; null or absent: unknown, which belongs to every domain). Departments and
 * regions have no domain of their own.
 */
export interface PlaceFacts extends Place {
  domain?: string | null;
}

/** The rights whose scope R33 bounds by domain: administering accounts and granting habilitations. */
export const DOMAIN_BOUND_RIGHTS: readonly Right[] = ['accounts.manage', 'habilitations.grant'];

/** R33: the domain a grant is bound to — a territory profile's own domain; null: unbound (structure and unit referents). */
export function domainBoundOf(grant: Grant): string | null {
  const territory = grant.location.level === 'department' || grant.location.level === 'region';
  return territory ? (grant.profileDomain ?? null) : null;
}

const isTerritory = (place: Place) => place.level === 'department' || place.level === 'region';

/** R33: does a domain bound admit this place and (when given) a profile of this domain? */
function domainAdmits(bound: string | null, place: PlaceFacts, profileDomain: string | null | undefined): boolean {
  if (bound === null) return true;
  const profileOk = profileDomain == null || profileDomain === bound;
  const placeOk = isTerritory(place) || place.domain == null || place.domain === bound;
  return profileOk && placeOk;
}

/**
 * One place of a scope: a location and, for a domain-bound grant (R33), its domain. The scope
 * SQL is built from these, and `scopeCovers` decides on them: the two cannot disagree.
 */
export interface ScopePlace extends Place {
  domain: string | null;
}

/** Where the principal holds `right`: one place per grant (duplicates removed), domain-bound for administering and granting (R33). */
export function placesWhere(principal: Principal | null, right: Right): ScopePlace[] {
  if (!isStrong(principal)) return [];
  const bound = DOMAIN_BOUND_RIGHTS.includes(right);
  const places = new Map<string, ScopePlace>();
  for (const grant of principal.grants) {
    if (!grant.rights.includes(right)) continue;
    const { level, unitId = null, establishmentId = null, departmentCode = null, regionCode = null } = grant.location;
    const place: ScopePlace = { level, unitId, establishmentId, departmentCode, regionCode, domain: bound ? domainBoundOf(grant) : null };
    places.set(JSON.stringify(place), place);
  }
  return [...places.values()];
}

/** A habilitation as a scope sees it: where it lies (with its structure's domain) and its profile's domain. */
export interface ScopeTarget {
  place: PlaceFacts;
  profileDomain: string | null;
}

/** The pure twin of the scope SQL: does one of these places cover the target (location, then domain)? */
export function scopeCovers(places: readonly ScopePlace[], target: ScopeTarget): boolean {
  return places.some((p) => locationContains(p, target.place) && domainAdmits(p.domain, target.place, target.profileDomain));
}

// ─── R32, R33: granting and changing habilitations ────────────────────────────────────────────

/** A profile as granting needs it: where it applies, its domain, and which profiles may grant it. */
export interface ProfileFacts {
  code: string;
  domain: string | null;
  level: LocationLevel;
  /** Codes of the profiles whose holders may grant this one (profile_grantors). */
  grantorCodes: readonly string[];
}

/** One grant of the principal lets them grant this profile here: right, grantor, location and domain together (R33). */
function grantAllows(grant: Grant, profile: ProfileFacts, place: PlaceFacts): boolean {
  return (
    grant.rights.includes('habilitations.grant') &&
    profile.grantorCodes.includes(grant.profileCode) &&
    locationContains(grant.location, place) &&
    domainAdmits(domainBoundOf(grant), place, profile.domain)
  );
}

/**
 * R33: may the principal grant `profile` at `place`? Only when ONE of their grants is a grantor of
 * that profile, contains that place and admits both domains — a unit referent here who is a
 * structure referent elsewhere grants, in the unit, only what a unit referent grants. The place must
 * be of the profile's level.
 */
export function canGrantProfileAt(principal: Principal | null, profile: ProfileFacts, place: PlaceFacts): boolean {
  if (!isStrong(principal) || profile.level !== place.level) return false;
  return principal.grants.some((grant) => grantAllows(grant, profile, place));
}

/** R33: may the principal grant `profile` somewhere — one of their grants is a grantor of it and admits its domain? */
export function canGrantProfile(principal: Principal | null, profile: ProfileFacts): boolean {
  if (!isStrong(principal)) return false;
  return principal.grants.some(
    (grant) =>
      grant.rights.includes('habilitations.grant') &&
      profile.grantorCodes.includes(grant.profileCode) &&
      (domainBoundOf(grant) === null || profile.domain === null || profile.domain === domainBoundOf(grant)),
  );
}

/** R32: nobody grants a habilitation to their own account. */
export function canGrantTo(principal: Principal | null, accountId: number): boolean {
  return isStrong(principal) && principal.accountId !== accountId;
}

/** A habilitation as a change needs it. */
export interface HabilitationFacts {
  accountId: number;
  profile: ProfileFacts;
  place: PlaceFacts;
  deleted: boolean;
}

/**
 * Why a change (new end date, deletion) of a habilitation is refused, in the order the answer is
 * given: out of the grant scope answers as absent (NOT_FOUND) unless the principal may review it
 * there (FORBIDDEN); a profile they may not grant there (R33) is FORBIDDEN; their own is SELF (R32);
 * a deleted one is DELETED. null: allowed.
 */
export type ChangeRefusal = 'NOT_FOUND' | 'FORBIDDEN' | 'SELF' | 'DELETED';

export function changeRefusal(principal: Principal | null, h: HabilitationFacts): ChangeRefusal | null {
  if (!can(principal, 'habilitations.grant', h.place)) return can(principal, 'habilitations.review', h.place) ? 'FORBIDDEN' : 'NOT_FOUND';
  // Prolonging or deleting is granting's twin: only for a profile the actor may grant, there, through one grant.
  if (!principal!.grants.some((grant) => grantAllows(grant, h.profile, h.place))) return 'FORBIDDEN';
  if (h.accountId === principal!.accountId) return 'SELF';
  if (h.deleted) return 'DELETED';
  return null;
}

/** R32, R33: may the principal change the end date of this habilitation, or delete it? */
export function canChangeHabilitation(principal: Principal | null, h: HabilitationFacts): boolean {
  return changeRefusal(principal, h) === null;
}

// ─── R50: the directory's synchronisation with the ROR ─────────────────────────────────────────

/** R50: who may run and follow the ROR synchronisation — 'directory.edit' held at a region (they own the whole copy). */
export function canRunDirectorySync(principal: Principal | null): boolean {
  return isStrong(principal) && principal.grants.some((g) => g.location.level === 'region' && g.rights.includes('directory.edit'));
}

// ─── R15: delegations of a liberal professional ───────────────────────────────────────────────

/** The three areas of a liberal professional's resources an assistant may be delegated. */
export const DELEGATION_AREAS = ['files', 'medical', 'autonomy'] as const;
export type DelegationArea = (typeof DELEGATION_AREAS)[number];

export const DELEGATION_LEVELS = ['none', 'read', 'write'] as const;
export type DelegationLevel = (typeof DELEGATION_LEVELS)[number];

export type Access = 'read' | 'write';

export type DelegationLevels = Record<DelegationArea, DelegationLevel>;

/** R15: what one liberal professional delegated to this principal. */
export interface Delegation extends DelegationLevels {
  delegationId: number;
  professionalAccountId: number;
}

/** Does a level allow an access? Write includes read; none allows nothing. */
export function levelAllows(level: DelegationLevel, access: Access): boolean {
  if (level === 'write') return true;
  return level === 'read' && access === 'read';
}

/**
 * R15: may the principal read or write this area of the liberal professional's resources? The
 * professional always may; an assistant exactly as far as an active delegation of that professional
 * says (write includes read); nobody else. Habilitations play no part here, and delegations play
 * none in `can`: an assistant holds no right of their own.
 */
export function canActFor(principal: Principal | null, ownerAccountId: number, area: DelegationArea, access: Access): boolean {
  if (!isStrong(principal)) return false;
  if (principal.accountId === ownerAccountId) return principal.liberal === true;
  return (principal.delegations ?? []).some((d) => d.professionalAccountId === ownerAccountId && levelAllows(d[area], access));
}

// ─── R60: the tier of an ESMS notification a principal may read ───────────────────────────────

/** 0: nothing; 1: decision and person; 2: + needs evaluation; 3: + medical data. */
export type EsmsTier = 0 | 1 | 2 | 3;

/**
 * R60: the tier the principal reads a notification at, from their grants at its place (its unit,
 * else its establishment, with department and region). Tiers need the dashboard right at that same
 * place: a referent, coordination or region profile without an ESMS profile reads nothing, and
 * evaluation or medical rights held elsewhere count for nothing here.
 */
export function esmsTierOf(principal: Principal | null, place: Place): EsmsTier {
  if (!isStrong(principal)) return 0;
  let tier: EsmsTier = 0;
  for (const grant of principal.grants) {
    if (!grant.rights.includes('esms.notifications.read') || !locationContains(grant.location, place)) continue;
    const here: EsmsTier = grant.rights.includes('esms.medical.read') ? 3 : grant.rights.includes('esms.evaluation.read') ? 2 : 1;
    if (here > tier) tier = here;
  }
  return tier;
}

/** R61: may the principal record a follow-up action on a notification at this place? */
export function canFollowUpEsms(principal: Principal | null, place: Place): boolean {
  return esmsTierOf(principal, place) > 0 && can(principal, 'esms.followup.write', place);
}

/** The interim import API clients and the CSV import are a region administrator's: territory supervision at a region. */
export function esmsImportRegions(principal: Principal | null): string[] {
  if (!isStrong(principal)) return [];
  return principal.grants.filter((g) => g.location.level === 'region' && g.rights.includes('territory.supervise') && g.location.regionCode).map((g) => g.location.regionCode!);
}

/**
 * May the principal bind a registered application (scope esms.read) to read the statuses of this ESMS?
 * The import's region administrators, at an establishment of one of their regions only.
 */
export function canBindEsmsReadApplication(principal: Principal | null, establishment: { regionCode: string }): boolean {
  return esmsImportRegions(principal).includes(establishment.regionCode);
}

// ─── R70: statistics orders (Observatoire) ────────────────────────────────────────────────────

/**
 * R70: where the principal may order statistics of a domain ('HANDICAP'…; null: a request of every
 * domain, such as "Comptes et habilitations"): one place per grant holding `observatory.order` —
 * a structure referent's establishment, a coordination's department, a region's region. A grant of
 * a profile bound to another domain does not count for a domain's request (a Sanitaire region orders
 * no Handicap statistics); a profile of every domain (the referents) counts for all.
 */
export function observatoryPlaces(principal: Principal | null, domain: string | null): ScopePlace[] {
  if (!isStrong(principal)) return [];
  const places = new Map<string, ScopePlace>();
  for (const grant of principal.grants) {
    if (!grant.rights.includes('observatory.order')) continue;
    if (domain !== null && grant.profileDomain != null && grant.profileDomain !== domain) continue;
    const { level, unitId = null, establishmentId = null, departmentCode = null, regionCode = null } = grant.location;
    const place: ScopePlace = { level, unitId, establishmentId, departmentCode, regionCode, domain: null };
    places.set(JSON.stringify(place), place);
  }
  return [...places.values()];
}

/** R70: may the principal order statistics of this domain about this place (a criterion: department, establishment, unit)? */
export function canOrderStatisticsAt(principal: Principal | null, domain: string | null, place: Place): boolean {
  return observatoryPlaces(principal, domain).some((p) => locationContains(p, place));
}
