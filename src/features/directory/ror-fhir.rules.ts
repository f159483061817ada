/**
 * Reading FHIR as the ROR implementation guide writes it (R50): the systems and extensions the
 * guide and FR Core name, and small pure readers (codings, references, identifiers, addresses,
 * extensions, dates) that never throw on a malformed value. Choices the guide leaves open are in
 * docs/decisions/0006-ror-guide.md.
 */
import { parisDate } from '../../platform/clock.js';

export interface FhirResource {
  resourceType?: unknown;
  id?: unknown;
  [key: string]: unknown;
}

/**
 * Identifier systems read as FINESS numbers: FR Core's current one (the guide's own examples), the
 * one the guide's profile names in its comments and the Annuaire Santé uses, and the older one of
 * FR Core 1.x and of the Annuaire Santé's first examples.
 */
export const FINESS_SYSTEMS = ['https://finess.esante.gouv.fr', 'http://finess.esante.gouv.fr', 'http://finess.sante.gouv.fr'] as const;
/** idNat_Struct (FR Core): '1' + FINESS for an establishment registered in FINESS. */
export const ID_NAT_STRUCT_SYSTEM = 'urn:oid:1.2.250.1.71.4.2.2';
/** identifiantOI of an internal organisation (ROROrganization, slice identifierOI). */
export const INTERNAL_ORGANISATION_ID_SYSTEM = 'https://oi.esante.gouv.fr';

/** Code systems, recognised by the NOS identifier in their URL (the ROR writes them with or without /FHIR/…). */
export const CODE_SYSTEMS = {
  /** FINESS categories (categorieEG, JDV_J55 / JDV_J129 draw their codes from TRE_R66). */
  category: ['TRE_R66-CategorieEtablissement', 'TRE_R316-AutreCategorieEtablissement', 'JDV_J55-CategorieEG', 'JDV_J129-CategorieEtablissement'],
  /** typeOI: 1 pôle, 2 structure interne ou service, 3 unité fonctionnelle, 4 unité élémentaire. */
  internalOrganisationType: ['TRE_R207-TypeOrganisationInterne', 'JDV_J203-TypeOrganisationInterne'],
  /** statutJuridique and its aggregates: only a legal entity carries them. */
  legalStatus: ['TRE_R72-FinessStatutJuridique', 'TRE_R69-FinessAgregatStatutJuridique', 'JDV_J199-StatutJuridique', 'JDV_J200-SousEnsembleAgregatStatutJuridique'],
  /** FR Core's organisation types (HL7 v2 table 3307). */
  frCoreOrganizationType: ['fr-core-cs-v2-3307', 'fr-v2-3307'],
  /** FR Core's identifier types (FINEJ / FINEG). */
  frCoreIdentifierType: ['fr-core-cs-v2-0203', 'fr-v2-0203'],
  /** typeFermeture (JDV_J201 / JDV_J185 from TRE_R286). */
  closingType: ['TRE_R286-TypeFermeture', 'JDV_J201-TypeFermeture', 'JDV_J185-TypeFermeture'],
  /** Status of a place: OP opérationnel, FT fermé temporairement, FD fermé définitivement. */
  placeStatus: ['TRE_R203-StatutLieu', 'JDV_J224-StatutLieu'],
  /** canal of a telecom: 1 mobile, 2 fixe, 3 courrier électronique, 6 télécopie, 8 téléphone d'alerte, 9 mail d'alerte… */
  channel: ['TRE_R200-CanalCommunication', 'JDV_J225-CanalCommunication'],
  /** natureContact: 06 standard. */
  contactPurpose: ['TRE_R287-NatureContact', 'JDV_J221-NatureContact'],
} as const;

/** Extensions, recognised by the last segment of their URL. */
export const EXTENSIONS = {
  period: 'organization-period',
  closingType: 'ror-organization-closing-type',
  periodClosingType: 'ror-period-closing-type',
  reopeningDate: 'ror-organization-reopening-date',
  channel: 'ror-telecom-communication-channel',
  placeStatus: 'ror-location-status',
  communeCog: 'ror-commune-cog',
  /** FR Core's INSEE code of an address, and its former name. */
  inseeCode: ['fr-core-address-insee-code', 'FrAddressInseeCode'],
} as const;

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
export const array = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);
export const str = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

export interface Coding {
  system: string | null;
  code: string | null;
  display: string | null;
}

/** The codings of a CodeableConcept field (one concept or an array of them; a lone coding object too). */
export function codings(value: unknown): Coding[] {
  return array(value).flatMap((concept) =>
    isRecord(concept) ? array(concept.coding).filter(isRecord).map((c) => ({ system: str(c.system), code: str(c.code), display: str(c.display) })) : [],
  );
}

/** Whether a coding's system is one of these NOS code systems (matched by their identifier inside the URL). */
export const inSystem = (coding: Coding, marks: readonly string[]): boolean => coding.system !== null && marks.some((mark) => coding.system!.includes(mark));

/** Labels of a CodeableConcept field, displays first, joined; null when there is none. */
export function labels(value: unknown, max: number): string | null {
  const all = [...new Set(codings(value).map((c) => c.display ?? c.code).filter((label): label is string => label !== null))];
  return all.length > 0 ? all.join(', ').slice(0, max) : null;
}

/** The extensions of an element whose URL ends with one of these names. */
export function extensionsNamed(element: unknown, names: string | readonly string[]): Record<string, unknown>[] {
  const wanted = typeof names === 'string' ? [names] : names;
  if (!isRecord(element)) return [];
  return array(element.extension)
    .filter(isRecord)
    .filter((extension) => {
      const url = str(extension.url);
      return url !== null && wanted.includes(url.slice(url.lastIndexOf('/') + 1));
    });
}

/** A FHIR date or dateTime as the Paris calendar day 'YYYY-MM-DD'; null when absent or malformed. */
export function fhirDay(value: unknown): string | null {
  const text = str(value);
  if (!text) return null;
  if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) return text;
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}T/.test(text)) return null;
  const instant = new Date(text);
  return Number.isNaN(instant.getTime()) ? null : parisDate(instant);
}

export const RESOURCE_ID = /^[A-Za-z0-9\-.]{1,64}$/;
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

export type Mapping<T> = { ok: true; value: T } | { ok: false; rorId: string; message: string };

/** The resource's id, or the reason it cannot be mapped (wrong type, id absent or invalid). */
export function identify(resource: FhirResource, resourceType: string, label: string): { ok: true; rorId: string } | { ok: false; rorId: string; message: string } {
  const rorId = typeof resource.id === 'string' && RESOURCE_ID.test(resource.id) ? resource.id : null;
  if (resource.resourceType !== resourceType) return { ok: false, rorId: rorId ?? '?', message: `ressource autre qu’${label}` };
  if (!rorId) return { ok: false, rorId: String(resource.id ?? '?').slice(0, 64), message: 'identifiant de ressource absent ou invalide' };
  return { ok: true, rorId };
}

export type AddressFields = { address: string | null; postcode: string | null; city: string | null };
const POSTCODE = /^[0-9]{5}$/;

/** The first address of a resource; a postcode, when given, has 5 digits. */
export function addressOf(value: unknown): (AddressFields & { inseeCode: string | null }) | { error: string } {
  const address = array(value).find(isRecord) ?? {};
  const postcode = str(address.postalCode);
  if (postcode !== null && !POSTCODE.test(postcode)) return { error: 'code postal absent ou invalide' };
  const lines = array(address.line).map(str).filter((line): line is string => line !== null);
  const insee = extensionsNamed(address, EXTENSIONS.inseeCode)
    .map((extension) => (isRecord(extension.valueCoding) ? str(extension.valueCoding.code) : null))
    .find((code) => code !== null);
  return {
    address: lines.length > 0 ? lines.join(', ').slice(0, 300) : null,
    postcode,
    city: str(address.city)?.slice(0, 120) ?? null,
    inseeCode: insee ?? null,
  };
}

/** Department of a French postcode: 20xxx is Corsica (2A below 20200, 2B from it), 97x/98x overseas. */
export function departmentOfPostcode(postcode: string): string {
  if (postcode.startsWith('20')) return Number(postcode) < 20200 ? '2A' : '2B';
  if (postcode.startsWith('97') || postcode.startsWith('98')) return postcode.slice(0, 3);
  return postcode.slice(0, 2);
}

/** Department of an INSEE commune code (COG): 2A/2B for Corsica, 3 characters overseas; null when malformed. */
export function departmentOfCommune(code: string | null): string | null {
  if (!code || !/^([0-9]{5}|2[AB][0-9]{3})$/.test(code)) return null;
  return code.startsWith('97') || code.startsWith('98') ? code.slice(0, 3) : code.slice(0, 2);
}
