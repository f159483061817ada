/**
 * Pure mapping of the ROR's FHIR resources to the directory (R50): where an establishment's units,
 * places and services are, when something is closed, and whether a stored row differs. Organizations
 * are mapped in ror-organization.rules.ts, the FHIR readers are in ror-fhir.rules.ts. A resource that
 * cannot be mapped gives a French reason, never an exception.
 */
import { parisDate } from '../../platform/clock.js';
import {
  addressOf,
  array,
  CODE_SYSTEMS,
  codings,
  EXTENSIONS,
  extensionsNamed,
  identify,
  inSystem,
  isRecord,
  labels,
  referenceTo,
  str,
  type AddressFields,
  type FhirResource,
  type Mapping,
} from './ror-fhir.rules.js';
import type { Closure } from './ror-organization.rules.js';

export { DOMAIN_OF_CATEGORY, domainOfCategory } from './ror-domain.rules.js';
export { departmentOfPostcode, departmentOfCommune, FINESS_SYSTEMS, referenceTo, type Mapping } from './ror-fhir.rules.js';
export { mapOrganization, organizationKind, finessOf, contactsOf, organizationClosure, type Closure, type MappedOrganization, type MappingResult } from './ror-organization.rules.js';

/** 'Organization/abc' → 'abc' (only references to Organization). */
export const organizationReference = (value: unknown): string | null => referenceTo('Organization', value);

export interface MappedLocation extends AddressFields {
  rorId: string;
  /** The establishment or unit that manages the place. */
  organizationRorId: string;
  name: string | null;
  /** WGS84 degrees, both or neither. */
  latitude: number | null;
  longitude: number | null;
  active: boolean;
  /** How a closed place is closed (ror-location-status FD / FT, FHIR inactive / suspended). */
  closureType: 'definitive' | 'temporary' | null;
}

const LOCATION_STATUSES: Record<string, MappedLocation['closureType'] | 'open'> = { active: 'open', suspended: 'temporary', inactive: 'definitive' };
/** TRE_R203-StatutLieu: OP opérationnel, FT fermé temporairement, FD fermé définitivement. */
const PLACE_STATUSES: Record<string, MappedLocation['closureType'] | 'open'> = { OP: 'open', FT: 'temporary', FD: 'definitive' };
const coordinate = (value: unknown, limit: number) => (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit ? value : null);

/** A FHIR Location: a place of an establishment, its address, position (WGS84) and status. */
export function mapLocation(resource: FhirResource): Mapping<MappedLocation> {
  const identity = identify(resource, 'Location', 'un lieu (Location)');
  if (!identity.ok) return identity;
  const rorId = identity.rorId;
  const fail = (message: string): Mapping<MappedLocation> => ({ ok: false, rorId, message });
  const organizationRorId = referenceTo('Organization', resource.managingOrganization);
  if (!organizationRorId) return fail('lieu sans organisation gestionnaire (managingOrganization)');
  const status = resource.status === undefined ? 'active' : str(resource.status);
  if (status === null || !Object.hasOwn(LOCATION_STATUSES, status)) return fail('statut du lieu inconnu (active, suspended ou inactive attendu)');
  // The guide's own status (ror-location-status) says more than FHIR's: it wins when present.
  const placeStatus = extensionsNamed(resource, EXTENSIONS.placeStatus)
    .flatMap((e) => codings(e.valueCodeableConcept))
    .find((c) => inSystem(c, CODE_SYSTEMS.placeStatus) && c.code !== null && Object.hasOwn(PLACE_STATUSES, c.code));
  const state = placeStatus ? PLACE_STATUSES[placeStatus.code!]! : LOCATION_STATUSES[status]!;
  const name = str(resource.name);
  if (name !== null && name.length > 200) return fail('nom trop long');
  const place = addressOf(resource.address);
  if ('error' in place) return fail(place.error);
  let latitude: number | null = null;
  let longitude: number | null = null;
  if (resource.position !== undefined) {
    const position = isRecord(resource.position) ? resource.position : {};
    latitude = coordinate(position.latitude, 90);
    longitude = coordinate(position.longitude, 180);
    if (latitude === null || longitude === null) return fail('position invalide (latitude et longitude en degrés attendues)');
  }
  if (place.address === null && place.postcode === null && place.city === null && latitude === null) return fail('lieu sans adresse ni position');
  const { address, postcode, city } = place;
  return { ok: true, value: { rorId, organizationRorId, name, address, postcode, city, latitude, longitude, active: state === 'open', closureType: state === 'open' ? null : state } };
}

export interface MappedService {
  rorId: string;
  /** The establishment or unit that provides it. */
  organizationRorId: string;
  locationRorId: string | null;
  name: string;
  category: string | null;
  types: string | null;
  specialties: string | null;
  active: boolean;
}

/** A FHIR HealthcareService: what an establishment or unit offers, with its codings as labels. */
export function mapHealthcareService(resource: FhirResource): Mapping<MappedService> {
  const identity = identify(resource, 'HealthcareService', 'un service (HealthcareService)');
  if (!identity.ok) return identity;
  const rorId = identity.rorId;
  const fail = (message: string): Mapping<MappedService> => ({ ok: false, rorId, message });
  const organizationRorId = referenceTo('Organization', resource.providedBy);
  if (!organizationRorId) return fail('service sans organisation de rattachement (providedBy)');
  const name = str(resource.name);
  if (!name || name.length > 200) return fail('nom absent ou trop long');
  if (resource.active !== undefined && typeof resource.active !== 'boolean') return fail('indicateur active invalide');
  const locationRorId = array(resource.location).map((reference) => referenceTo('Location', reference)).find((id) => id !== null) ?? null;
  return {
    ok: true,
    value: {
      rorId,
      organizationRorId,
      locationRorId,
      name,
      category: labels(resource.category, 200),
      types: labels(resource.type, 300),
      specialties: labels(resource.specialty, 300),
      active: resource.active !== false,
    },
  };
}

/** Midnight in Europe/Paris at the start of a 'YYYY-MM-DD' day. */
export function parisMidnight(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  for (const hours of [1, 2, 0]) {
    const instant = new Date(Date.UTC(y, m - 1, d) - hours * 3_600_000);
    if (parisDate(instant) === day && parisDate(new Date(instant.getTime() - 1)) !== day) return instant;
  }
  return new Date(Date.UTC(y, m - 1, d));
}

/**
 * When a ROR resource is closed, as of `today` (Europe/Paris): `active=false` closes it now; a
 * closing date closes it from that day, definitive or temporary alike, and a temporary closure ends
 * on its reopening date. A closing already stored keeps its instant. Null: open.
 */
export function closedAtFor(state: { active: boolean; closure: Closure | null }, stored: Date | null, today: string, now: Date): Date | null {
  if (!state.active) return stored ?? now;
  const closure = state.closure;
  if (!closure || closure.on > today) return null;
  if (closure.type === 'temporary' && closure.reopensOn !== null && closure.reopensOn <= today) return null;
  return stored ?? parisMidnight(closure.on);
}

/** The closure columns of a row: the guide's date and type, kept for the daily pass that starts and ends them. */
export function closureColumns(state: { active: boolean; closure: Closure | null }): { closes_on: string | null; closure_type: Closure['type'] | null; reopens_on: string | null } {
  // active=false is the ROR's own word: no dated closure may reopen it.
  if (!state.active || !state.closure) return { closes_on: null, closure_type: null, reopens_on: null };
  return { closes_on: state.closure.on, closure_type: state.closure.type, reopens_on: state.closure.reopensOn };
}

/** ROR-owned fields of an establishment as stored; a sync writes only when one differs (R50). */
export interface EstablishmentRorFields {
  finess: string;
  name: string;
  category: string;
  domain_code: string | null;
  department_code: string;
  address: string | null;
  postcode: string | null;
  city: string | null;
  phone: string | null;
  email: string | null;
  mssante: string | null;
  phone_from_ror: boolean;
  email_from_ror: boolean;
  legal_entity_id: number | null;
  closes_on: string | null;
  closure_type: Closure['type'] | null;
  reopens_on: string | null;
  closed_at: Date | null;
}

export function sameFields<T extends object>(a: T, b: T): boolean {
  return (Object.keys(a) as (keyof T)[]).every((key) => {
    const x = a[key];
    const y = b[key];
    return x instanceof Date && y instanceof Date ? x.getTime() === y.getTime() : x === y;
  });
}
