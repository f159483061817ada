/**
 * R33: the scope SQL and the policy's pure `scopeCovers` are built from the same places
 * (`placesWhere`); this property test checks they select the same habilitations for generated
 * principals — grants of any profile (domain or none) at any level — over a world of places with
 * structures of every domain, unknown included.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import fc from 'fast-check';
import { createDatabase, type Db } from '../../db/database.js';
import type { LocationLevel } from '../../db/schema.js';
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit, ensureTerritory } from '../../../test/factories.js';
import { placesWhere, scopeCovers, type Grant, type PlaceFacts, type Principal } from './habilitation.policy.js';
import { scopeSql } from './habilitation-scope.repository.js';

let db: Db;
const REGION = '94';
const DEPARTMENTS = ['2A', '2B'];
const DOMAINS = [null, 'SANITAIRE', 'HANDICAP', 'GRAND_AGE'] as const;
/** Profiles of every level and domain, as the catalogue seeds them. */
const PROFILES: { code: string; domain: string | null; level: LocationLevel }[] = [
  { code: 'REFERENT_STRUCTURE', domain: null, level: 'establishment' },
  { code: 'REFERENT_UNITE', domain: null, level: 'unit' },
  { code: 'SANITAIRE_PRESCRIPTEUR', domain: 'SANITAIRE', level: 'unit' },
  { code: 'HANDICAP_ESMS_MEDICAL', domain: 'HANDICAP', level: 'establishment' },
  { code: 'GRAND_AGE_MEDECIN_COORDONNATEUR', domain: 'GRAND_AGE', level: 'establishment' },
  { code: 'SANITAIRE_COORDINATION', domain: 'SANITAIRE', level: 'department' },
  { code: 'GRAND_AGE_COORDINATION', domain: 'GRAND_AGE', level: 'department' },
  { code: 'SANITAIRE_REGION', domain: 'SANITAIRE', level: 'region' },
  { code: 'TND_REFERENT_REGIONAL', domain: 'TND', level: 'region' },
];

const places: PlaceFacts[] = [];
const habilitations: { id: number; place: PlaceFacts; profileDomain: string | null }[] = [];

beforeAll(async () => {
  db = createDatabase(inject('databaseUrl'), 3);
  for (const department of DEPARTMENTS) await ensureTerritory(db, REGION, department);
  places.push({ level: 'region', regionCode: REGION });
  for (const department of DEPARTMENTS) {
    places.push({ level: 'department', departmentCode: department, regionCode: REGION });
    for (const domain of DOMAINS) {
      const e = await buildEstablishment(db, { region: REGION, department, domain });
      const structure = { establishmentId: e.id, departmentCode: department, regionCode: REGION, domain };
      places.push({ level: 'establishment', ...structure });
      const unit = await buildUnit(db, e.id);
      places.push({ level: 'unit', unitId: unit.id, ...structure });
    }
  }
  // One habilitation of each profile at each place of its level.
  const holder = await buildAccount(db);
  for (const profile of PROFILES) {
    for (const place of places.filter((p) => p.level === profile.level)) {
      const h = await buildHabilitation(db, {
        accountId: holder.id,
        profile: profile.code,
        ...(place.level === 'unit' ? { unitId: place.unitId! } : {}),
        ...(place.level === 'establishment' ? { establishmentId: place.establishmentId! } : {}),
        ...(place.level === 'department' ? { departmentCode: place.departmentCode! } : {}),
        ...(place.level === 'region' ? { regionCode: place.regionCode! } : {}),
      });
      habilitations.push({ id: h.id, place, profileDomain: profile.domain });
    }
  }
});
afterAll(async () => {
  await db.destroy();
});

describe('R33 the scope SQL and the pure policy agree', () => {
  it('R33 selects exactly the habilitations scopeCovers admits, for generated principals', async () => {
    const grantArb = fc.record({
      profile: fc.constantFrom(...PROFILES),
      place: fc.integer({ min: 0, max: 1_000 }),
      manages: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(grantArb, { minLength: 0, maxLength: 4 }), async (specs) => {
        const grants: Grant[] = specs.map((spec, i) => {
          const atLevel = places.filter((p) => p.level === spec.profile.level);
          const { level, unitId, establishmentId, departmentCode, regionCode } = atLevel[spec.place % atLevel.length]!;
          const location = { level, unitId, establishmentId, departmentCode, regionCode };
          return { habilitationId: i + 1, profileCode: spec.profile.code, profileDomain: spec.profile.domain, rights: spec.manages ? ['accounts.manage'] : ['directory.read'], location };
        });
        const principal: Principal = { accountId: 1, viewer: { firstName: 'P', lastName: 'Q', username: 'pq' }, strength: 'strong', grants };
        const scope = placesWhere(principal, 'accounts.manage');
        const expected = habilitations.filter((h) => scopeCovers(scope, { place: h.place, profileDomain: h.profileDomain })).map((h) => h.id);
        const condition = scopeSql(scope);
        const selected = condition
          ? (
              await db
                .selectFrom('habilitation_places as hp')
                .select('hp.habilitation_id')
                .where('hp.habilitation_id', 'in', habilitations.map((h) => h.id))
                .where(condition)
                .execute()
            ).map((r) => r.habilitation_id)
          : [];
        expect(selected.sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
      }),
      { numRuns: 150 },
    );
  });
});
