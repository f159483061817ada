/** Pure mapping of the ROR's FHIR resources (R50): what maps, and the French reason of what does not. */
import { describe, expect, it } from 'vitest';
import { DOMAIN_OF_CATEGORY, domainOfCategory, mapHealthcareService, mapLocation, mapOrganization, referenceTo } from './ror-sync.rules.js';
import { healthcareService, location, organization } from '../../../test/ror/fake-ror-server.js';
import { DOMAINS } from '../../db/seed/catalogue.js';

describe('R50 domain of an establishment from its FINESS category', () => {
  it('R50 maps hospital, elderly and disability categories to the catalogue’s domains, and nothing else', () => {
    expect(domainOfCategory('355')).toBe('SANITAIRE');
    expect(domainOfCategory('500')).toBe('GRAND_AGE');
    expect(domainOfCategory('183')).toBe('HANDICAP');
    expect(domainOfCategory('999')).toBeNull();
    expect(domainOfCategory('toString')).toBeNull();
    expect(domainOfCategory(null)).toBeNull();
    const catalogue = new Set<string>(DOMAINS.map((d) => d.code));
    for (const domain of Object.values(DOMAIN_OF_CATEGORY)) expect(catalogue.has(domain), domain).toBe(true);
  });

  it('R50 an establishment takes the domain of its ROR category code, not of its label', () => {
    const ehpad = mapOrganization(organization({ id: 'eg', kind: 'EG', name: 'EHPAD', finess: '340000001', postcode: '34000', category: 'Centre hospitalier', categoryCode: '500' }));
    expect(ehpad.ok && ehpad.value.kind === 'establishment' && ehpad.value.domainCode).toBe('GRAND_AGE');
    const unknown = mapOrganization(organization({ id: 'eg', kind: 'EG', name: 'Autre', finess: '340000001', postcode: '34000', category: 'EHPAD', categoryCode: '999' }));
    expect(unknown.ok && unknown.value.kind === 'establishment' && unknown.value.domainCode).toBeNull();
  });
});

describe('R50 mapping of Location', () => {
  it('R50 maps address, position, status and managing organization', () => {
    expect(mapLocation(location({ id: 'l1', organization: 'eg1', name: 'Site Nord', line: '1 rue Haute', postcode: '34000', city: 'Montpellier', position: { latitude: 43.61, longitude: 3.87 } }))).toEqual({
      ok: true,
      value: { rorId: 'l1', organizationRorId: 'eg1', name: 'Site Nord', address: '1 rue Haute', postcode: '34000', city: 'Montpellier', latitude: 43.61, longitude: 3.87, active: true, closureType: null },
    });
    for (const status of ['inactive', 'suspended'] as const) {
      const mapped = mapLocation(location({ id: 'l1', organization: 'eg1', city: 'Sète', status }));
      expect(mapped.ok && mapped.value.active).toBe(false);
    }
  });

  it('R50 gives a French reason, never an exception, for a location it cannot map', () => {
    const cases: [unknown, string][] = [
      [{ resourceType: 'Organization', id: 'x' }, 'ressource autre qu’un lieu (Location)'],
      [{ resourceType: 'Location', id: 'é!' }, 'identifiant de ressource absent ou invalide'],
      [{ resourceType: 'Location', id: 'l', address: { city: 'Sète' } }, 'lieu sans organisation gestionnaire (managingOrganization)'],
      [{ ...location({ id: 'l', organization: 'o', city: 'Sète' }), status: 'fermé' }, 'statut du lieu inconnu (active, suspended ou inactive attendu)'],
      [location({ id: 'l', organization: 'o', postcode: '3400' }), 'code postal absent ou invalide'],
      [location({ id: 'l', organization: 'o', city: 'Sète', position: { latitude: 91, longitude: 0 } }), 'position invalide (latitude et longitude en degrés attendues)'],
      [{ ...location({ id: 'l', organization: 'o', city: 'Sète' }), position: 'ici' }, 'position invalide (latitude et longitude en degrés attendues)'],
      [location({ id: 'l', organization: 'o' }), 'lieu sans adresse ni position'],
      [location({ id: 'l', organization: 'o', city: 'Sète', name: 'x'.repeat(201) }), 'nom trop long'],
      [{ resourceType: 'Location', id: 'l', managingOrganization: { reference: 'Location/o' }, address: { city: 'Sète' } }, 'lieu sans organisation gestionnaire (managingOrganization)'],
    ];
    for (const [resource, message] of cases) expect(mapLocation(resource as Record<string, unknown>), message).toMatchObject({ ok: false, message });
  });
});

describe('R50 mapping of HealthcareService', () => {
  it('R50 maps name, category, types, specialties as labels, provider, place and activity', () => {
    const mapped = mapHealthcareService(
      healthcareService({ id: 's1', providedBy: 'u1', name: 'Consultations', category: 'Médecine', types: ['Consultation', 'Consultation'], specialties: ['Cardiologie', 'Rythmologie'], location: 'l1', active: false }),
    );
    expect(mapped).toEqual({
      ok: true,
      value: { rorId: 's1', organizationRorId: 'u1', locationRorId: 'l1', name: 'Consultations', category: 'Médecine', types: 'Consultation', specialties: 'Cardiologie, Rythmologie', active: false },
    });
    // A coding without display is known by its code.
    const byCode = mapHealthcareService({ resourceType: 'HealthcareService', id: 's2', name: 'Urgences', providedBy: { reference: 'https://ror/fhir/Organization/eg1' }, type: [{ coding: [{ code: 'URG' }] }] });
    expect(byCode).toMatchObject({ ok: true, value: { organizationRorId: 'eg1', types: 'URG', category: null, locationRorId: null, active: true } });
  });

  it('R50 gives a French reason, never an exception, for a service it cannot map', () => {
    const cases: [unknown, string][] = [
      [{ resourceType: 'Location', id: 's' }, 'ressource autre qu’un service (HealthcareService)'],
      [{ resourceType: 'HealthcareService', name: 'Sans id', providedBy: { reference: 'Organization/o' } }, 'identifiant de ressource absent ou invalide'],
      [{ resourceType: 'HealthcareService', id: 's', name: 'Orphelin' }, 'service sans organisation de rattachement (providedBy)'],
      [{ resourceType: 'HealthcareService', id: 's', name: 'Mauvaise référence', providedBy: { reference: 'Practitioner/p' } }, 'service sans organisation de rattachement (providedBy)'],
      [{ resourceType: 'HealthcareService', id: 's', name: 42, providedBy: { reference: 'Organization/o' } }, 'nom absent ou trop long'],
      [{ resourceType: 'HealthcareService', id: 's', name: 'Oui', active: 'oui', providedBy: { reference: 'Organization/o' } }, 'indicateur active invalide'],
      [null, 'ressource autre qu’un service (HealthcareService)'],
    ];
    for (const [resource, message] of cases) expect(mapHealthcareService((resource ?? {}) as Record<string, unknown>), message).toMatchObject({ ok: false, message });
  });

  it('R50 reads only references to the expected resource type', () => {
    expect(referenceTo('Location', { reference: 'Location/l-1.a' })).toBe('l-1.a');
    expect(referenceTo('Location', { reference: 'Organization/l1' })).toBeNull();
    expect(referenceTo('Organization', { reference: 'Organization/../../x' })).toBeNull();
    expect(referenceTo('Organization', 'Organization/o')).toBeNull();
  });
});
