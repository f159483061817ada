/** Pure reading of the guide's Organization (R50): kinds, FINESS systems, contacts and MSSanté, closures. */
import { describe, expect, it } from 'vitest';
import { rorFixture } from '../../../test/ror/fixtures.js';
import { organization } from '../../../test/ror/fake-ror-server.js';
import { closedAtFor, mapOrganization, organizationKind, parisMidnight } from './ror-sync.rules.js';
import { departmentOfCommune } from './ror-fhir.rules.js';

const mapped = (resource: Record<string, unknown>) => {
  const result = mapOrganization(resource);
  if (!result.ok) throw new Error(result.message);
  return result.value;
};

describe('R50 kinds of Organization, as the guide tells them apart', () => {
  it('R50 EJ by its legal status, EG by its FINESS category alone, OI by TRE_R207; FR Core’s types and FINEJ/FINEG too', () => {
    expect(organizationKind(rorFixture('organization-ej-quietude'))).toBe('legal-entity');
    expect(organizationKind(rorFixture('organization-eg-quietude-bois-colombes'))).toBe('establishment');
    expect(organizationKind(rorFixture('organization-eg-ssiad-admr-menton'))).toBe('establishment');
    for (const name of ['organization-oi-pole-chirurgical-b', 'organization-oi-service-tete-et-cou', 'organization-oi-uf-neurochirurgie'] as const) expect(organizationKind(rorFixture(name)), name).toBe('unit');
    const frCore = (code: string) => ({ resourceType: 'Organization', type: [{ coding: [{ system: 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-3307', code }] }] });
    expect(organizationKind(frCore('LEGAL-ENTITY'))).toBe('legal-entity');
    expect(organizationKind(frCore('GEOGRAPHICAL-ENTITY'))).toBe('establishment');
    expect(organizationKind(frCore('UF'))).toBe('unit');
    // The codes Habilis used to expect are in no national code system: nothing says what this is.
    expect(organizationKind({ resourceType: 'Organization', type: [{ coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R292-TypeOrganisation', code: 'EG' }] }] })).toBeNull();
    expect(mapOrganization({ resourceType: 'Organization', id: 'x', name: 'Sans type' })).toEqual({ ok: false, rorId: 'x', message: 'type d’organisation absent (EJ, EG ou OI attendu)' });
  });

  it('R50 an internal organisation keeps its parent and its type; a legal entity may have no FINESS', () => {
    expect(mapped(rorFixture('organization-oi-uf-neurochirurgie'))).toMatchObject({ kind: 'unit', parentRorId: '6963', unitType: 'Unité fonctionnelle' });
    expect(mapped(rorFixture('organization-ej-quietude'))).toMatchObject({ kind: 'legal-entity', finess: null, name: 'Quiétude' });
  });
});

describe('R50 FINESS under every system in use', () => {
  it('R50 FR Core’s current system, the older ones and idNat_Struct "1" + FINESS are read; none refuses the establishment', () => {
    for (const system of ['https://finess.esante.gouv.fr', 'http://finess.esante.gouv.fr', 'http://finess.sante.gouv.fr']) {
      expect(mapped(organization({ id: 'eg', kind: 'EG', name: 'EG', finess: '340000001', finessSystem: system, postcode: '34000' })), system).toMatchObject({ finess: '340000001' });
    }
    const national = { ...organization({ id: 'eg', kind: 'EG', name: 'EG', postcode: '34000', category: 'EHPAD', categoryCode: '500' }), identifier: [{ system: 'urn:oid:1.2.250.1.71.4.2.2', value: '1340000002' }] };
    expect(mapped(national)).toMatchObject({ finess: '340000002' });
    expect(mapOrganization(rorFixture('organization-eg-sans-finess'))).toEqual({ ok: false, rorId: '3538', message: 'numéro FINESS absent ou invalide' });
    expect(mapOrganization(organization({ id: 'eg', kind: 'EG', name: 'EG', finess: '34000000X', postcode: '34000' }))).toMatchObject({ ok: false, message: 'numéro FINESS absent ou invalide' });
  });

  it('R50 the department comes from the INSEE commune code when given, else from the postcode', () => {
    expect(mapped(rorFixture('organization-eg-ssiad-admr-menton'))).toMatchObject({ departmentCode: '06', postcode: '06500' });
    expect(departmentOfCommune('2A004')).toBe('2A');
    expect(departmentOfCommune('97411')).toBe('974');
    expect(departmentOfCommune('ABCDE')).toBeNull();
  });
});

describe('R50 contacts', () => {
  it('R50 phone and e-mail from the contact’s telecom, MSSanté from the organisation’s (boiteLettreMSS) or its domain, never the e-mail', () => {
    expect(mapped(rorFixture('organization-eg-quietude-bois-colombes'))).toMatchObject({
      phone: '01.01.01.01.01',
      email: 'accueil@quietude-bois-colombes.fr',
      mssante: 'accueil@quietude-bois-colombes.mssante.fr',
    });
    // An MSSanté address in a contact is still MSSanté, and no e-mail is made of it.
    const onlyMss = organization({ id: 'eg', kind: 'EG', name: 'EG', finess: '340000001', postcode: '34000', email: 'secretariat@ch-exemple.mssante.fr' });
    expect(mapped(onlyMss)).toMatchObject({ email: null, mssante: 'secretariat@ch-exemple.mssante.fr' });
    expect(mapped(organization({ id: 'eg', kind: 'EG', name: 'EG', finess: '340000001', postcode: '34000' }))).toMatchObject({ phone: null, email: null, mssante: null });
  });
});

describe('R50 closures by date and type', () => {
  const today = '2026-03-10';
  const now = new Date('2026-03-10T08:00:00Z');
  it('R50 definitive and temporary closures start at their date; a temporary one ends on its reopening date; active=false closes now', () => {
    expect(mapped(rorFixture('organization-oi-service-tete-et-cou')).closure).toEqual({ on: '2026-01-15', type: 'temporary', reopensOn: '2026-02-01' });
    expect(mapped(rorFixture('organization-eg-ssiad-admr-menton')).closure).toEqual({ on: '2026-06-30', type: 'definitive', reopensOn: null });
    const closure = (on: string, type: 'definitive' | 'temporary', reopensOn: string | null = null) => ({ active: true, closure: { on, type, reopensOn } });
    expect(closedAtFor(closure('2026-03-01', 'definitive'), null, today, now)).toEqual(parisMidnight('2026-03-01'));
    expect(closedAtFor(closure('2026-03-11', 'definitive'), null, today, now)).toBeNull();
    expect(closedAtFor(closure('2026-03-01', 'temporary', '2026-03-20'), null, today, now)).toEqual(new Date('2026-02-28T23:00:00Z'));
    expect(closedAtFor(closure('2026-03-01', 'temporary', '2026-03-10'), new Date('2026-02-28T23:00:00Z'), today, now)).toBeNull();
    expect(closedAtFor({ active: false, closure: null }, null, today, now)).toEqual(now);
    expect(parisMidnight('2026-07-01')).toEqual(new Date('2026-06-30T22:00:00Z'));
    // A closing type without a date closes nothing: the guide dates every closure.
    const undated = organization({ id: 'eg', kind: 'EG', name: 'EG', finess: '340000001', postcode: '34000' });
    undated.extension = [{ url: 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/ror-organization-closing-type', valueCodeableConcept: { coding: [{ code: 'DEF' }] } }];
    expect(mapped(undated).closure).toBeNull();
  });
});
