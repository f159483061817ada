/**
 * An `Organization` of the ROR as Habilis keeps it (R50). The guide (ROROrganization) describes
 * three kinds with one profile, told apart by what they carry: a legal entity (EJ) its legal
 * status (TRE_R72 / TRE_R69) or FR Core's LEGAL-ENTITY; a geographic establishment (EG) its FINESS
 * category (TRE_R66, often its only type, as in the guide's own example) or GEOGRAPHICAL-ENTITY; an
 * internal organisation (OI: pôle, service, unité fonctionnelle, unité élémentaire) its type
 * TRE_R207 or its identifiantOI, and `partOf` its parent. Contacts, MSSanté mailbox and closures
 * are read where the guide puts them. A resource that cannot be mapped gives a French reason.
 */
import {
  addressOf,
  array,
  CODE_SYSTEMS,
  codings,
  departmentOfCommune,
  departmentOfPostcode,
  EXTENSIONS,
  extensionsNamed,
  fhirDay,
  FINESS_SYSTEMS,
  ID_NAT_STRUCT_SYSTEM,
  identify,
  inSystem,
  INTERNAL_ORGANISATION_ID_SYSTEM,
  isRecord,
  referenceTo,
  str,
  type FhirResource,
  type Mapping,
} from './ror-fhir.rules.js';
import { domainOfCategory } from './ror-domain.rules.js';
import { isFiness } from '../../platform/finess.js';


/** A closure as the guide states it: from a date, definitive or temporary (with its planned end). */
export interface Closure {
  on: string;
  type: 'definitive' | 'temporary';
  reopensOn: string | null;
}

interface Common {
  rorId: string;
  name: string;
  active: boolean;
  closure: Closure | null;
}

export type MappedOrganization =
  | (Common & { kind: 'legal-entity'; finess: string | null })
  | (Common & {
      kind: 'establishment';
      finess: string;
      category: string;
      /** Domain of its FINESS category (DOMAIN_OF_CATEGORY), null when the category has none. */
      domainCode: string | null;
      departmentCode: string;
      address: string | null;
      postcode: string | null;
      city: string | null;
      phone: string | null;
      email: string | null;
      mssante: string | null;
      legalEntityRorId: string | null;
    })
  | (Common & { kind: 'unit'; parentRorId: string; /** Its type as the guide names it (TRE_R207), null when not given. */ unitType: string | null });

export type MappingResult = Mapping<MappedOrganization>;

/** TRE_R207-TypeOrganisationInterne, for a coding without its display. */
const UNIT_TYPES: Record<string, string> = { '1': 'Pôle', '2': 'Structure interne ou Service', '3': 'Unité fonctionnelle', '4': 'Unité élémentaire' };
const INTERNAL_TYPES = new Set(['STRUCT-INTERNE', 'SECTEUR', 'DEPARTEMENT', 'SERVICE', 'UM', 'UAC', 'POLE', 'CENTRE-RESP', 'CENTRE-ACTIVITE', 'UF']);

/** Which of the guide's three kinds an Organization is, from its types and identifiers; null when none says. */
export function organizationKind(resource: FhirResource): MappedOrganization['kind'] | null {
  const types = codings(resource.type);
  const identifiers = array(resource.identifier).filter(isRecord);
  const frType = (code: string) => types.some((c) => inSystem(c, CODE_SYSTEMS.frCoreOrganizationType) && c.code === code);
  const finessType = (code: string) => identifiers.some((i) => codings(i.type).some((c) => inSystem(c, CODE_SYSTEMS.frCoreIdentifierType) && c.code === code));
  const internal =
    types.some((c) => inSystem(c, CODE_SYSTEMS.internalOrganisationType)) ||
    types.some((c) => inSystem(c, CODE_SYSTEMS.frCoreOrganizationType) && c.code !== null && INTERNAL_TYPES.has(c.code)) ||
    identifiers.some((i) => str(i.system) === INTERNAL_ORGANISATION_ID_SYSTEM);
  if (internal) return 'unit';
  if (types.some((c) => inSystem(c, CODE_SYSTEMS.category)) || frType('GEOGRAPHICAL-ENTITY') || finessType('FINEG')) return 'establishment';
  if (types.some((c) => inSystem(c, CODE_SYSTEMS.legalStatus)) || frType('LEGAL-ENTITY') || finessType('FINEJ')) return 'legal-entity';
  return null;
}

/** The FINESS number under any system in use (FR Core's, the older ones, idNat_Struct '1' + FINESS); null when none. */
export function finessOf(resource: FhirResource): string | null {
  const identifiers = array(resource.identifier).filter(isRecord);
  const direct = identifiers.find((i) => (FINESS_SYSTEMS as readonly string[]).includes(str(i.system) ?? '') && str(i.value) !== null);
  if (direct) return str(direct.value);
  const national = identifiers.map((i) => (str(i.system) === ID_NAT_STRUCT_SYSTEM ? str(i.value) : null)).find((value) => value !== null && /^1.{9}$/.test(value));
  return national ? national.slice(1) : null;
}

/** The closure of an Organization: organization-period's end, ror-organization-closing-type, ror-organization-reopening-date. */
export function organizationClosure(resource: FhirResource): Closure | null {
  const period = extensionsNamed(resource, EXTENSIONS.period).map((e) => e.valuePeriod).find(isRecord);
  const on = period ? fhirDay(period.end) : null;
  if (!on) return null;
  const typeCodes = [...extensionsNamed(resource, EXTENSIONS.closingType), ...extensionsNamed(period, EXTENSIONS.periodClosingType)].flatMap((e) => codings(e.valueCodeableConcept));
  const type = typeCodes.some((c) => inSystem(c, CODE_SYSTEMS.closingType) && c.code === 'PRO') ? 'temporary' : 'definitive';
  const reopensOn = type === 'temporary' ? (extensionsNamed(resource, EXTENSIONS.reopeningDate).map((e) => fhirDay(e.valueDate)).find((day) => day !== null) ?? null) : null;
  return { on, type, reopensOn };
}

const MSSANTE_DOMAIN = /@([a-z0-9-]+\.)*mssante\.fr$/i;
const PHONE_CHANNELS = new Set(['1', '2', '8']);
const EMAIL_CHANNELS = new Set(['3', '9']);

interface Telecom {
  kind: 'phone' | 'email' | 'other';
  value: string;
}

function telecomsOf(element: unknown): Telecom[] {
  if (!isRecord(element)) return [];
  return array(element.telecom)
    .filter(isRecord)
    .flatMap((t) => {
      const value = str(t.value);
      if (!value) return [];
      const channel = extensionsNamed(t, EXTENSIONS.channel).flatMap((e) => codings(e.valueCodeableConcept)).find((c) => inSystem(c, CODE_SYSTEMS.channel))?.code ?? null;
      const system = str(t.system);
      const kind = system === 'phone' || (channel !== null && PHONE_CHANNELS.has(channel)) ? 'phone' : system === 'email' || (channel !== null && EMAIL_CHANNELS.has(channel)) || value.includes('@') ? 'email' : 'other';
      return [{ kind, value } as Telecom];
    });
}

/**
 * Phone, e-mail and MSSanté mailbox of an establishment. Phones and e-mails come from its contacts'
 * telecoms (the standard's contact first), then from the organisation's own telecoms; the
 * organisation's telecom addresses are its MSSanté mailboxes under the ROR profile (boiteLettreMSS),
 * and an address of an MSSanté domain is MSSanté wherever it appears: never shown as the e-mail.
 */
export function contactsOf(resource: FhirResource): { phone: string | null; email: string | null; mssante: string | null } {
  const rorProfile = isRecord(resource.meta) && array(resource.meta.profile).some((p) => typeof p === 'string' && p.includes('/ror/StructureDefinition/ror-organization'));
  const contacts = array(resource.contact).filter(isRecord);
  const standardFirst = [...contacts.filter((c) => codings(c.purpose).some((p) => inSystem(p, CODE_SYSTEMS.contactPurpose) && p.code === '06')), ...contacts];
  const fromContacts = standardFirst.flatMap(telecomsOf);
  const own = telecomsOf(resource);
  const mss = (t: Telecom) => t.kind === 'email' && MSSANTE_DOMAIN.test(t.value);
  const mailbox = [...own.filter((t) => t.kind === 'email' && rorProfile), ...own.filter(mss), ...fromContacts.filter(mss)][0];
  const email = [...fromContacts, ...(rorProfile ? [] : own)].find((t) => t.kind === 'email' && !mss(t));
  const phone = [...fromContacts, ...own].find((t) => t.kind === 'phone');
  return { phone: phone?.value.slice(0, 50) ?? null, email: email?.value.slice(0, 254) ?? null, mssante: mailbox?.value.slice(0, 254) ?? null };
}

export function mapOrganization(resource: FhirResource): MappingResult {
  const identity = identify(resource, 'Organization', 'Organization');
  if (!identity.ok) return identity;
  const rorId = identity.rorId;
  const fail = (message: string): MappingResult => ({ ok: false, rorId, message });

  const kind = organizationKind(resource);
  if (!kind) return fail('type d’organisation absent (EJ, EG ou OI attendu)');
  const name = str(resource.name);
  if (!name || name.length > 200) return fail('nom absent ou trop long');
  if (resource.active !== undefined && typeof resource.active !== 'boolean') return fail('indicateur active invalide');
  const common: Common = { rorId, name, active: resource.active !== false, closure: organizationClosure(resource) };

  if (kind === 'unit') {
    const parentRorId = referenceTo('Organization', resource.partOf);
    if (!parentRorId) return fail('unité sans rattachement (partOf)');
    const type = codings(resource.type).find((c) => inSystem(c, CODE_SYSTEMS.internalOrganisationType));
    const unitType = (type?.display ?? (type?.code ? (UNIT_TYPES[type.code] ?? null) : null))?.slice(0, 120) ?? null;
    return { ok: true, value: { kind, ...common, parentRorId, unitType } };
  }
  const finess = finessOf(resource);
  if (finess !== null && !isFiness(finess)) return fail('numéro FINESS absent ou invalide');
  if (kind === 'legal-entity') return { ok: true, value: { kind, ...common, finess } };
  if (finess === null) return fail('numéro FINESS absent ou invalide');

  const place = addressOf(resource.address);
  if ('error' in place || place.postcode === null) return fail('code postal absent ou invalide');
  const category = codings(resource.type).find((c) => inSystem(c, CODE_SYSTEMS.category));
  return {
    ok: true,
    value: {
      kind,
      ...common,
      finess,
      category: (category?.display ?? category?.code ?? 'Catégorie non renseignée').slice(0, 120),
      domainCode: domainOfCategory(category?.code ?? null),
      departmentCode: departmentOfCommune(place.inseeCode) ?? departmentOfPostcode(place.postcode),
      address: place.address,
      postcode: place.postcode,
      city: place.city,
      ...contactsOf(resource),
      legalEntityRorId: referenceTo('Organization', resource.partOf),
    },
  };
}
