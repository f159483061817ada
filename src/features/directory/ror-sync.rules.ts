/**
 * Pure mapping of ROR FHIR `Organization` resources to the directory (R50). The ROR describes three
 * kinds of organisation, told apart by a `type` coding: EJ (legal entity), EG (geographic
 * establishment, with its FINESS number) and OI (internal organisation = unit, `partOf` its
 * establishment). A resource that cannot be mapped gives a French reason, never an exception.
 */
import type { FhirResource } from './ror-sync.client.js';

/** Identifier systems read as FINESS numbers (configurable here when the ROR profile names another). */
export const FINESS_SYSTEMS = ['http://finess.sante.gouv.fr'];
export const CATEGORY_SYSTEM_MARK = 'TRE_R66-CategorieEtablissement';
export const ORGANIZATION_KINDS = { EJ: 'legal-entity', EG: 'establishment', OI: 'unit' } as const;

export type MappedOrganization =
  | { kind: 'legal-entity'; rorId: string; finess: string; name: string; active: boolean }
  | {
      kind: 'establishment';
      rorId: string;
      finess: string;
      name: string;
      category: string;
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

export type MappingResult = { ok: true; value: MappedOrganization } | { ok: false; rorId: string; message: string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const array = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

function codings(resource: FhirResource): { system: string | null; code: string | null; display: string | null }[] {
  return array(resource.type).flatMap((type) =>
    isRecord(type) ? array(type.coding).filter(isRecord).map((c) => ({ system: str(c.system), code: str(c.code), display: str(c.display) })) : [],
  );
}

/** 'Organization/abc' → 'abc' (only references to Organization). */
export function organizationReference(value: unknown): string | null {
  const reference = isRecord(value) ? str(value.reference) : null;
  const match = reference ? /^(?:.*\/)?Organization\/([A-Za-z0-9\-.]{1,64})$/.exec(reference) : null;
  return match ? match[1]! : null;
}

/** Department of a French postcode: 20xxx is Corsica (2A below 20200, 2B from it), 97x/98x overseas. */
export function departmentOfPostcode(postcode: string): string {
  if (postcode.startsWith('20')) return Number(postcode) < 20200 ? '2A' : '2B';
  if (postcode.startsWith('97') || postcode.startsWith('98')) return postcode.slice(0, 3);
  return postcode.slice(0, 2);
}

const FINESS = /^[0-9][0-9AB][0-9]{7}$/;
const POSTCODE = /^[0-9]{5}$/;

export function mapOrganization(resource: FhirResource): MappingResult {
  const rorId = typeof resource.id === 'string' && /^[A-Za-z0-9\-.]{1,64}$/.test(resource.id) ? resource.id : null;
  if (resource.resourceType !== 'Organization') return { ok: false, rorId: rorId ?? '?', message: 'ressource autre qu’Organization' };
  if (!rorId) return { ok: false, rorId: String(resource.id ?? '?').slice(0, 64), message: 'identifiant de ressource absent ou invalide' };
  const fail = (message: string): MappingResult => ({ ok: false, rorId, message });

  const types = codings(resource);
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

  const address = array(resource.address).find(isRecord) ?? {};
  const postcode = str(address.postalCode);
  if (!postcode || !POSTCODE.test(postcode)) return fail('code postal absent ou invalide');
  const lines = array(address.line).map(str).filter((line): line is string => line !== null);
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
      departmentCode: departmentOfPostcode(postcode),
      address: lines.length > 0 ? lines.join(', ').slice(0, 300) : null,
      postcode,
      city: str(address.city)?.slice(0, 120) ?? null,
      phone: contact('phone')?.slice(0, 50) ?? null,
      email: contact('email')?.slice(0, 254) ?? null,
      legalEntityRorId: organizationReference(resource.partOf),
      active,
    },
  };
}

/** ROR-owned fields of an establishment as stored; a sync writes only when one differs (R50). */
export interface EstablishmentRorFields {
  finess: string;
  name: string;
  category: string;
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
