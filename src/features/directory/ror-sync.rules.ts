/**
 * Pure mapping of ROR FHIR resources to the directory (R50). The ROR describes three kinds of
 * `Organization`, told apart by a `type` coding: EJ (legal entity), EG (geographic establishment,
 * with its FINESS number) and OI (internal organisation = unit, `partOf` its establishment); what
 * they offer is a `HealthcareService` (`providedBy` an establishment or a unit) and where, a
 * `Location` (`managingOrganization`). A resource that cannot be mapped gives a French reason,
 * never an exception.
 */
import type { FhirResource } from './ror-sync.client.js';

/** Identifier systems read as FINESS numbers (configurable here when the ROR profile names another). */
export const FINESS_SYSTEMS = ['http://finess.sante.gouv.fr'];
export const CATEGORY_SYSTEM_MARK = 'TRE_R66-CategorieEtablissement';
export const ORGANIZATION_KINDS = { EJ: 'legal-entity', EG: 'establishment', OI: 'unit' } as const;
const FINESS = /^[0-9][0-9AB][0-9]{7}$/;
const POSTCODE = /^[0-9]{5}$/;

/**
 * Domain of an establishment from its FINESS category code (nomenclature TRE_R66, the codes the
 * ROR sends), the catalogue's domains. Categories not listed get no domain from the ROR (a domain
 * already stored stays); CPAM, TND and HNP have no FINESS category of their own. Documented in
 * docs/decisions/0004-directory-domains.md: change both together.
 */
export const DOMAIN_OF_CATEGORY: Readonly<Record<string, 'SANITAIRE' | 'GRAND_AGE' | 'HANDICAP'>> = Object.freeze({
  // Sanitaire: health establishments
  '101': 'SANITAIRE', // Centre hospitalier régional
  '106': 'SANITAIRE', // Centre hospitalier, ex-hôpital local
  '114': 'SANITAIRE', // Hôpital des armées
  '122': 'SANITAIRE', // Établissement de soins obstétriques chirurgico-gynécologiques
  '128': 'SANITAIRE', // Établissement de soins chirurgicaux
  '129': 'SANITAIRE', // Établissement de soins médicaux
  '131': 'SANITAIRE', // Centre de lutte contre le cancer
  '156': 'SANITAIRE', // Centre médico-psychologique
  '292': 'SANITAIRE', // Centre hospitalier spécialisé en psychiatrie
  '355': 'SANITAIRE', // Centre hospitalier
  '365': 'SANITAIRE', // Établissement de soins pluridisciplinaire
  // Grand Âge: older people
  '202': 'GRAND_AGE', // Résidence autonomie
  '207': 'GRAND_AGE', // Centre de jour pour personnes âgées
  '354': 'GRAND_AGE', // Service de soins infirmiers à domicile
  '381': 'GRAND_AGE', // Établissement expérimental pour personnes âgées
  '500': 'GRAND_AGE', // EHPAD
  '501': 'GRAND_AGE', // EHPA percevant des crédits d’assurance maladie
  '502': 'GRAND_AGE', // EHPA ne percevant pas de crédits d’assurance maladie
  // Handicap: disabled children and adults
  '182': 'HANDICAP', // SESSAD
  '183': 'HANDICAP', // Institut médico-éducatif
  '186': 'HANDICAP', // ITEP
  '188': 'HANDICAP', // Établissement pour enfants ou adolescents polyhandicapés
  '189': 'HANDICAP', // CMPP
  '190': 'HANDICAP', // CAMSP
  '192': 'HANDICAP', // Établissement pour déficients moteurs
  '194': 'HANDICAP', // Institut pour déficients visuels
  '195': 'HANDICAP', // Institut pour déficients auditifs
  '196': 'HANDICAP', // Institut d’éducation sensorielle sourds-aveugles
  '246': 'HANDICAP', // ESAT
  '252': 'HANDICAP', // Foyer d’hébergement pour adultes handicapés
  '253': 'HANDICAP', // Foyer d’accueil polyvalent pour adultes handicapés
  '255': 'HANDICAP', // Maison d’accueil spécialisée
  '377': 'HANDICAP', // Établissement expérimental pour l’enfance handicapée
  '379': 'HANDICAP', // Établissement expérimental pour adultes handicapés
  '382': 'HANDICAP', // Foyer de vie, établissement d’accueil non médicalisé
  '437': 'HANDICAP', // Foyer / établissement d’accueil médicalisé
  '445': 'HANDICAP', // SAMSAH
  '446': 'HANDICAP', // SAVS
});

export function domainOfCategory(code: string | null): string | null {
  return code !== null && Object.hasOwn(DOMAIN_OF_CATEGORY, code) ? DOMAIN_OF_CATEGORY[code]! : null;
}

export type MappedOrganization =
  | { kind: 'legal-entity'; rorId: string; finess: string; name: string; active: boolean }
  | {
      kind: 'establishment';
      rorId: string;
      finess: string;
      name: string;
      category: string;
      /** Domain of its FINESS category (DOMAIN_OF_CATEGORY), null when the category has none. */
      domainCode: string | null;
      departmentCode: string;
      address: string | null;
      postcode: string | null;
      city: string | null;
      phone: string | null;
      email: string | null;
      legalEntityRorId: string | null;
      active: boolean;
    }
  | { kind: 'unit'; rorId: string; name: string; parentRorId: string; active: boolean };

export type Mapping<T> = { ok: true; value: T } | { ok: false; rorId: string; message: string };
export type MappingResult = Mapping<MappedOrganization>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const array = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

interface Coding {
  system: string | null;
  code: string | null;
  display: string | null;
}

/** The codings of a CodeableConcept field (one concept or an array of them). */
function codings(value: unknown): Coding[] {
  return (Array.isArray(value) ? value : [value]).flatMap((concept) =>
    isRecord(concept) ? array(concept.coding).filter(isRecord).map((c) => ({ system: str(c.system), code: str(c.code), display: str(c.display) })) : [],
  );
}

/** Labels of a CodeableConcept field, displays first, joined; null when there is none. */
function labels(value: unknown, max: number): string | null {
  const all = [...new Set(codings(value).map((c) => c.display ?? c.code).filter((label): label is string => label !== null))];
  return all.length > 0 ? all.join(', ').slice(0, max) : null;
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const REFERENCES = {
  Organization: /^(?:.*\/)?Organization\/([A-Za-z0-9\-.]{1,64})$/,
  Location: /^(?:.*\/)?Location\/([A-Za-z0-9\-.]{1,64})$/,
} as const;

/** 'Organization/abc' → 'abc' for a reference to a resource of that type (relative or absolute). */
export function referenceTo(resourceType: keyof typeof REFERENCES, value: unknown): string | null {
  const reference = isRecord(value) ? str(value.reference) : null;
  const match = reference ? REFERENCES[resourceType].exec(reference) : null;
  return match ? match[1]! : null;
}

/** 'Organization/abc' → 'abc' (only references to Organization). */
export const organizationReference = (value: unknown): string | null => referenceTo('Organization', value);

/** The resource's id, or the reason it cannot be mapped (wrong type, id absent or invalid). */
function identify(resource: FhirResource, resourceType: string, label: string): { ok: true; rorId: string } | { ok: false; rorId: string; message: string } {
  const rorId = typeof resource.id === 'string' && ID.test(resource.id) ? resource.id : null;
  if (resource.resourceType !== resourceType) return { ok: false, rorId: rorId ?? '?', message: `ressource autre qu’${label}` };
  if (!rorId) return { ok: false, rorId: String(resource.id ?? '?').slice(0, 64), message: 'identifiant de ressource absent ou invalide' };
  return { ok: true, rorId };
}

export type AddressFields = { address: string | null; postcode: string | null; city: string | null };

/** The first address of a resource; a postcode, when given, has 5 digits. */
function addressOf(value: unknown): AddressFields | { error: string } {
  const address = (Array.isArray(value) ? value.find(isRecord) : isRecord(value) ? value : undefined) ?? {};
  const postcode = str(address.postalCode);
  if (postcode !== null && !POSTCODE.test(postcode)) return { error: 'code postal absent ou invalide' };
  const lines = array(address.line).map(str).filter((line): line is string => line !== null);
  return { address: lines.length > 0 ? lines.join(', ').slice(0, 300) : null, postcode, city: str(address.city)?.slice(0, 120) ?? null };
}

/** Department of a French postcode: 20xxx is Corsica (2A below 20200, 2B from it), 97x/98x overseas. */
export function departmentOfPostcode(postcode: string): string {
  if (postcode.startsWith('20')) return Number(postcode) < 20200 ? '2A' : '2B';
  if (postcode.startsWith('97') || postcode.startsWith('98')) return postcode.slice(0, 3);
  return postcode.slice(0, 2);
}

export function mapOrganization(resource: FhirResource): MappingResult {
  const identity = identify(resource, 'Organization', 'Organization');
  if (!identity.ok) return identity;
  const rorId = identity.rorId;
  const fail = (message: string): MappingResult => ({ ok: false, rorId, message });

  const types = codings(resource.type);
  const kindCode = types.map((c) => c.code).find((code): code is keyof typeof ORGANIZATION_KINDS => code !== null && Object.hasOwn(ORGANIZATION_KINDS, code));
  if (!kindCode) return fail('type d’organisation absent (EJ, EG ou OI attendu)');
  const name = str(resource.name);
  if (!name || name.length > 200) return fail('nom absent ou trop long');
  const active = resource.active !== false;

  if (kindCode === 'OI') {
    const parentRorId = organizationReference(resource.partOf);
    if (!parentRorId) return fail('unité sans rattachement (partOf)');
    return { ok: true, value: { kind: 'unit', rorId, name, parentRorId, active } };
  }

  const finess = array(resource.identifier)
    .filter(isRecord)
    .filter((identifier) => FINESS_SYSTEMS.includes(str(identifier.system) ?? ''))
    .map((identifier) => str(identifier.value))
    .find((value) => value !== null);
  if (!finess || !FINESS.test(finess)) return fail('numéro FINESS absent ou invalide');
  if (kindCode === 'EJ') return { ok: true, value: { kind: 'legal-entity', rorId, finess, name, active } };

  const place = addressOf(resource.address);
  if ('error' in place || place.postcode === null) return fail('code postal absent ou invalide');
  const telecom = array(resource.telecom).filter(isRecord);
  const contact = (system: string) => str(telecom.find((t) => t.system === system)?.value);
  const category = types.find((c) => c.system?.includes(CATEGORY_SYSTEM_MARK));
  return {
    ok: true,
    value: {
      kind: 'establishment',
      rorId,
      finess,
      name,
      category: (category?.display ?? category?.code ?? 'Catégorie non renseignée').slice(0, 120),
      domainCode: domainOfCategory(category?.code ?? null),
      departmentCode: departmentOfPostcode(place.postcode),
      address: place.address,
      postcode: place.postcode,
      city: place.city,
      phone: contact('phone')?.slice(0, 50) ?? null,
      email: contact('email')?.slice(0, 254) ?? null,
      legalEntityRorId: organizationReference(resource.partOf),
      active,
    },
  };
}

export interface MappedLocation extends AddressFields {
  rorId: string;
  /** The establishment or unit that manages the place. */
  organizationRorId: string;
  name: string | null;
  /** WGS84 degrees, both or neither. */
  latitude: number | null;
  longitude: number | null;
  active: boolean;
}

const LOCATION_STATUSES: Record<string, boolean> = { active: true, suspended: false, inactive: false };
const coordinate = (value: unknown, limit: number) => (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit ? value : null);

/** A FHIR Location: a place of an establishment, its address and position (WGS84). */
export function mapLocation(resource: FhirResource): Mapping<MappedLocation> {
  const identity = identify(resource, 'Location', 'un lieu (Location)');
  if (!identity.ok) return identity;
  const rorId = identity.rorId;
  const fail = (message: string): Mapping<MappedLocation> => ({ ok: false, rorId, message });
  const organizationRorId = organizationReference(resource.managingOrganization);
  if (!organizationRorId) return fail('lieu sans organisation gestionnaire (managingOrganization)');
  const status = resource.status === undefined ? 'active' : str(resource.status);
  if (status === null || !Object.hasOwn(LOCATION_STATUSES, status)) return fail('statut du lieu inconnu (active, suspended ou inactive attendu)');
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
  return { ok: true, value: { rorId, organizationRorId, name, ...place, latitude, longitude, active: LOCATION_STATUSES[status]! } };
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
  const organizationRorId = organizationReference(resource.providedBy);
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
  legal_entity_id: number | null;
  closed: boolean;
}

export function sameFields<T extends object>(a: T, b: T): boolean {
  return (Object.keys(a) as (keyof T)[]).every((key) => a[key] === b[key]);
}
