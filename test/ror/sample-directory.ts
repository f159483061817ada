/**
 * The small directory the ROR synchronisation tests serve (ror-sync.test.ts), built with the
 * guide-shaped resource builders of the test ROR, and the snapshot of what Habilis stored of it.
 */
import type { Db } from '../../src/db/database.js';
import { healthcareService, location, organization } from './fake-ror-server.js';

/**
 * A legal entity, two establishments, three units (one under each establishment, one nested), two
 * places (one managed by an establishment, one by a unit) and three services (provided by a unit,
 * an establishment, a nested unit).
 */
export function sampleDirectory(prefix: string, finess: (n: number) => string, overrides: { establishmentName?: string; serviceName?: string; lastUpdated?: string } = {}) {
  return [
    organization({ id: `${prefix}-ej`, kind: 'EJ', name: 'CHU de Montpellier (EJ)', finess: finess(1) }),
    organization({
      id: `${prefix}-eg1`,
      kind: 'EG',
      name: overrides.establishmentName ?? 'Hôpital Lapeyronie',
      finess: finess(2),
      partOf: `${prefix}-ej`,
      category: 'Centre hospitalier régional',
      categoryCode: '101',
      line: '371 avenue du Doyen Gaston Giraud',
      postcode: '34090',
      city: 'Montpellier',
      phone: '04 67 33 67 33',
      ...(overrides.lastUpdated ? { lastUpdated: overrides.lastUpdated } : {}),
    }),
    organization({ id: `${prefix}-eg2`, kind: 'EG', name: 'EHPAD Les Oliviers', finess: finess(3), category: 'EHPAD', categoryCode: '500', postcode: '30000', city: 'Nîmes' }),
    organization({ id: `${prefix}-u1`, kind: 'OI', name: 'Cardiologie', partOf: `${prefix}-eg1` }),
    organization({ id: `${prefix}-u2`, kind: 'OI', name: 'Soins de suite', partOf: `${prefix}-eg2` }),
    organization({ id: `${prefix}-u3`, kind: 'OI', name: 'Cardiologie – soins intensifs', partOf: `${prefix}-u1` }),
    location({ id: `${prefix}-l1`, organization: `${prefix}-eg1`, name: 'Bâtiment A', line: '371 avenue du Doyen Gaston Giraud', postcode: '34090', city: 'Montpellier', position: { latitude: 43.6308, longitude: 3.8516 } }),
    location({ id: `${prefix}-l2`, organization: `${prefix}-u2`, postcode: '30000', city: 'Nîmes' }),
    healthcareService({ id: `${prefix}-s1`, providedBy: `${prefix}-u1`, name: 'Consultations de cardiologie', category: 'Médecine', types: ['Consultation externe', 'Téléconsultation'], specialties: ['Cardiologie'], location: `${prefix}-l1` }),
    healthcareService({
      id: `${prefix}-s2`,
      providedBy: `${prefix}-eg2`,
      name: overrides.serviceName ?? 'Hébergement permanent',
      category: 'Hébergement',
      location: `${prefix}-l2`,
      ...(overrides.lastUpdated ? { lastUpdated: overrides.lastUpdated } : {}),
    }),
    healthcareService({ id: `${prefix}-s3`, providedBy: `${prefix}-u3`, name: 'Soins intensifs de cardiologie' }),
  ];
}


/** What Habilis stored of the resources whose ROR id starts with `prefix`. */
export async function snapshotOf(db: Db, prefix: string) {
  const like = `${prefix}-%`;
  const legal = await db.selectFrom('legal_entities').select(['ror_id', 'finess', 'name']).where('ror_id', 'like', like).orderBy('ror_id').execute();
  const establishments = await db
    .selectFrom('establishments')
    .leftJoin('legal_entities', 'legal_entities.id', 'establishments.legal_entity_id')
    .select([
      'establishments.ror_id',
      'establishments.finess',
      'establishments.name',
      'establishments.category',
      'establishments.domain_code',
      'establishments.department_code',
      'establishments.address',
      'establishments.postcode',
      'establishments.city',
      'establishments.phone',
      'establishments.ror_synced',
      'establishments.description',
      'legal_entities.ror_id as legal_entity',
    ])
    .select((eb) => eb('establishments.closed_at', 'is not', null).as('closed'))
    .where('establishments.ror_id', 'like', like)
    .orderBy('establishments.ror_id')
    .execute();
  const units = await db
    .selectFrom('units')
    .innerJoin('establishments', 'establishments.id', 'units.establishment_id')
    .select(['units.ror_id', 'units.name', 'units.internal_code', 'establishments.ror_id as establishment'])
    .select((eb) => eb('units.closed_at', 'is not', null).as('closed'))
    .where('units.ror_id', 'like', like)
    .orderBy('units.ror_id')
    .execute();
  const locations = await db
    .selectFrom('establishment_locations as l')
    .innerJoin('establishments as e', 'e.id', 'l.establishment_id')
    .select(['l.ror_id', 'e.ror_id as establishment', 'l.name', 'l.address', 'l.postcode', 'l.city', 'l.latitude', 'l.longitude'])
    .select((eb) => eb('l.closed_at', 'is not', null).as('closed'))
    .where('l.ror_id', 'like', like)
    .orderBy('l.ror_id')
    .execute();
  const services = await db
    .selectFrom('establishment_services as s')
    .innerJoin('establishments as e', 'e.id', 's.establishment_id')
    .leftJoin('units as u', 'u.id', 's.unit_id')
    .leftJoin('establishment_locations as l', 'l.id', 's.location_id')
    .select(['s.ror_id', 'e.ror_id as establishment', 'u.ror_id as unit', 'l.ror_id as location', 's.name', 's.category', 's.types', 's.specialties'])
    .select((eb) => eb('s.closed_at', 'is not', null).as('closed'))
    .where('s.ror_id', 'like', like)
    .orderBy('s.ror_id')
    .execute();
  return { legal, establishments, units, locations, services };
}
