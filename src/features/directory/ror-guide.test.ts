/**
 * R50 on data shaped as the ROR implementation guide publishes it: the fixtures of
 * test/fixtures/ror/ (each one's source in the guide is in its README), served by the test ROR.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestDeps, testConfig } from '../../../test/test-app.js';
import { createScratchDatabase } from '../../../test/databases.js';
import { fakeRorEnv, startFakeRor, type FakeRor } from '../../../test/ror/fake-ror-server.js';
import { rorFixture, rorFixtures } from '../../../test/ror/fixtures.js';
import { loadCatalogue } from '../../db/seed/catalogue.js';
import type { Deps } from '../../deps.js';
import { fixedClock } from '../../platform/clock.js';
import { createRorClient, type RorClient } from './ror-sync.client.js';
import { runRorSync } from './ror-sync.service.js';
import { searchEstablishments } from './directory.service.js';

let deps: Deps;
let fake: FakeRor;
let client: RorClient;
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
const clock = fixedClock(new Date('2026-01-10T09:00:00Z'));

beforeAll(async () => {
  // A database of its own: full runs close every synchronised row they do not list.
  scratch = await createScratchDatabase({ migrated: true });
  deps = { ...buildTestDeps({ env: { DATABASE_URL: scratch.url } }), clock };
  await loadCatalogue(deps.db);
  fake = await startFakeRor();
  client = createRorClient(testConfig(fakeRorEnv(fake)).ror!, { pageSize: 3, retries: 0 });
});
afterAll(async () => {
  await fake.close();
  await deps.db.destroy();
  await scratch.drop();
});
beforeEach(async () => {
  // Each test starts from an empty directory and no run (the fixtures always carry the same ids).
  await deps.db.deleteFrom('establishment_services').execute();
  await deps.db.deleteFrom('establishment_locations').execute();
  await deps.db.updateTable('units').set({ parent_unit_id: null }).execute();
  await deps.db.deleteFrom('units').execute();
  await deps.db.deleteFrom('establishments').execute();
  await deps.db.deleteFrom('legal_entities').execute();
  await deps.db.deleteFrom('departments').execute();
  await deps.db.deleteFrom('regions').execute();
  await deps.db.deleteFrom('directory_sync_runs').execute();
  clock.set(new Date('2026-01-10T09:00:00Z'));
  fake.resources = rorFixtures();
});

const establishment = (rorId: string) =>
  deps.db
    .selectFrom('establishments')
    .leftJoin('legal_entities', 'legal_entities.id', 'establishments.legal_entity_id')
    .select(['establishments.id', 'establishments.finess', 'establishments.name', 'establishments.category', 'establishments.domain_code', 'establishments.department_code'])
    .select(['establishments.phone', 'establishments.email', 'establishments.mssante', 'establishments.closed_at', 'establishments.closure_type', 'legal_entities.ror_id as legal_entity'])
    .where('establishments.ror_id', '=', rorId)
    .executeTakeFirst();

describe('R50 the directory from the guide’s own examples', () => {
  it('R50 identifiers: FINESS read under FR Core’s system and the older one; an establishment with none refused with its ROR id; the ROR id is the key', async () => {
    const run = await runRorSync(deps, { client, kind: 'full' });
    expect(run).toMatchObject({ status: 'partial', errors: [{ resourceId: '3538', message: 'numéro FINESS absent ou invalide' }] });
    const stored = await deps.db.selectFrom('directory_sync_runs').select(['status', 'errors']).where('id', '=', run!.runId).executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'partial', errors: [{ resourceId: '3538', message: 'numéro FINESS absent ou invalide' }] });
    expect(await establishment('3536')).toMatchObject({ finess: '458174839', name: 'Quiétude BOIS COLOMBES' }); // https://finess.esante.gouv.fr
    expect(await establishment('4569')).toMatchObject({ finess: '060016219', name: 'SSIAD ADMR MENTON' }); // http://finess.sante.gouv.fr
    expect(await establishment('3538')).toBeUndefined();

    // The ROR id, not the FINESS, says which row: a new FINESS and name update the same row.
    const before = await establishment('3536');
    const eg = rorFixture('organization-eg-quietude-bois-colombes');
    (eg.identifier as { system: string; value: string }[]).find((i) => i.system === 'https://finess.esante.gouv.fr')!.value = '920000650';
    fake.resources = [...rorFixtures().filter((r) => r.id !== '3536'), { ...eg, name: 'Quiétude Bois-Colombes' }];
    await runRorSync(deps, { client, kind: 'full' });
    expect(await establishment('3536')).toMatchObject({ id: before!.id, finess: '920000650', name: 'Quiétude Bois-Colombes' });
  });

  it('R50 kinds: legal entity, establishments (one by its FINESS category alone) and internal organisations on three levels with their service and places', async () => {
    await runRorSync(deps, { client, kind: 'full' });
    expect(await deps.db.selectFrom('legal_entities').select(['ror_id', 'finess', 'name']).execute()).toEqual([{ ror_id: '1111', finess: null, name: 'Quiétude' }]);
    expect(await establishment('3536')).toMatchObject({ category: 'Service autonomie aide (SAA)', domain_code: null, department_code: '92', legal_entity: '1111' });
    expect(await establishment('4569')).toMatchObject({ category: 'Service de Soins Infirmiers A Domicile (S.S.I.A.D)', domain_code: 'GRAND_AGE', department_code: '06', legal_entity: '1111' });
    const units = await deps.db
      .selectFrom('units as u')
      .innerJoin('establishments as e', 'e.id', 'u.establishment_id')
      .leftJoin('units as p', 'p.id', 'u.parent_unit_id')
      .select(['u.ror_id', 'u.name', 'u.unit_type', 'e.ror_id as establishment', 'p.ror_id as parent'])
      .orderBy('u.ror_id')
      .execute();
    expect(units).toEqual([
      { ror_id: '3537', name: 'Pôle Chirurgical B', unit_type: 'Pôle', establishment: '3536', parent: null },
      { ror_id: '5958', name: 'Neurochirurgie', unit_type: 'Unité fonctionnelle', establishment: '3536', parent: '6963' },
      { ror_id: '6963', name: 'Tête et Cou', unit_type: 'Structure interne ou Service', establishment: '3536', parent: '3537' },
    ]);
    const services = await deps.db
      .selectFrom('establishment_services as s')
      .innerJoin('units as u', 'u.id', 's.unit_id')
      .innerJoin('establishment_locations as l', 'l.id', 's.location_id')
      .select(['s.ror_id', 's.name', 's.types', 's.specialties', 'u.ror_id as unit', 'l.ror_id as location', 'l.city'])
      .execute();
    expect(services).toEqual([
      {
        ror_id: '7001',
        name: 'Hospitalisation complète de Neurochirurgie',
        types: 'Médecine, Chirurgie, Obstétrique (MCO)',
        specialties: 'Traitement neurochirurgical de la douleur',
        unit: '5958',
        location: '5253',
        city: 'Versailles',
      },
    ]);
  });

  it('R50 places and departments: a department and a region Habilis does not know are created from the official code tables (INSEE COG)', async () => {
    expect(await deps.db.selectFrom('departments').select('code').where('code', 'in', ['92', '06']).execute()).toEqual([]);
    await runRorSync(deps, { client, kind: 'full' });
    const created = await deps.db
      .selectFrom('departments')
      .innerJoin('regions', 'regions.code', 'departments.region_code')
      .select(['departments.code', 'departments.name', 'regions.code as region', 'regions.name as region_name'])
      .where('departments.code', 'in', ['92', '06'])
      .orderBy('departments.code')
      .execute();
    expect(created).toEqual([
      { code: '06', name: 'Alpes-Maritimes', region: '93', region_name: 'Provence-Alpes-Côte d\'Azur' },
      { code: '92', name: 'Hauts-de-Seine', region: '11', region_name: 'Île-de-France' },
    ]);
  });

  it('R50 contacts: phone and e-mail from the contacts’ telecom, MSSanté shown as such and never as the e-mail; a value the ROR does not send stays the referent’s', async () => {
    await runRorSync(deps, { client, kind: 'full' });
    expect(await establishment('3536')).toMatchObject({ phone: '01.01.01.01.01', email: 'accueil@quietude-bois-colombes.fr', mssante: 'accueil@quietude-bois-colombes.mssante.fr' });
    // The Annuaire Santé's older shape: phone and e-mail on the organisation itself, no MSSanté.
    expect(await establishment('4569')).toMatchObject({ phone: '0492105973', email: 'siege@admr06.org', mssante: null });

    // The ROR stops sending the e-mail: it is withdrawn, and the field becomes the referent's.
    const withoutEmail = rorFixture('organization-eg-quietude-bois-colombes');
    const contact = (withoutEmail.contact as { telecom: { system: string }[] }[])[0]!;
    contact.telecom = contact.telecom.filter((t) => t.system !== 'email');
    fake.resources = [...rorFixtures().filter((r) => r.id !== '3536'), withoutEmail];
    await runRorSync(deps, { client, kind: 'full' });
    expect(await establishment('3536')).toMatchObject({ email: null, phone: '01.01.01.01.01' });
    const row = await deps.db.selectFrom('establishments').select(['email_from_ror', 'phone_from_ror']).where('ror_id', '=', '3536').executeTakeFirstOrThrow();
    expect(row).toEqual({ email_from_ror: false, phone_from_ror: true });
    await deps.db.updateTable('establishments').set({ email: 'secretariat@quietude.fr' }).where('ror_id', '=', '3536').execute();
    await runRorSync(deps, { client, kind: 'full' });
    expect(await establishment('3536')).toMatchObject({ email: 'secretariat@quietude.fr', mssante: 'accueil@quietude-bois-colombes.mssante.fr' });
  });

  it('R50 closures: a closing date and type close an establishment, a unit or a place at that date, as active=false does; a temporary closure ends', async () => {
    const closedAt = async () => ({
      ssiad: (await establishment('4569'))!.closed_at,
      service: (await deps.db.selectFrom('units').select(['closed_at', 'closure_type', 'reopens_on']).where('ror_id', '=', '6963').executeTakeFirstOrThrow()),
      place: (await deps.db.selectFrom('establishment_locations').select(['closed_at', 'closure_type']).where('ror_id', '=', '1073').executeTakeFirstOrThrow()),
    });
    // 10 January 2026: the service "Tête et Cou" closes on the 15th until 1 February, the SSIAD on 30 June; the place is "fermé temporairement".
    await runRorSync(deps, { client, kind: 'full' });
    let state = await closedAt();
    expect(state.ssiad).toBeNull();
    expect(state.service).toEqual({ closed_at: null, closure_type: 'temporary', reopens_on: '2026-02-01' });
    expect(state.place.closed_at).not.toBeNull();
    expect(state.place.closure_type).toBe('temporary');

    // 20 January: nothing changed in the ROR (the delta lists nothing), the service is closed since the 15th (Paris time).
    clock.set(new Date('2026-01-20T04:00:00Z'));
    await runRorSync(deps, { client, kind: 'delta' });
    state = await closedAt();
    expect(state.service.closed_at).toEqual(new Date('2026-01-14T23:00:00Z'));
    expect(state.ssiad).toBeNull();

    // 2 February: the temporary closure has ended.
    clock.set(new Date('2026-02-02T04:00:00Z'));
    await runRorSync(deps, { client, kind: 'delta' });
    expect((await closedAt()).service.closed_at).toBeNull();

    // 1 July: the SSIAD is closed at its date, and a search no longer lists it, exactly as active=false would.
    clock.set(new Date('2026-07-01T04:00:00Z'));
    await runRorSync(deps, { client, kind: 'delta' });
    expect((await closedAt()).ssiad).toEqual(new Date('2026-06-29T22:00:00Z'));
    const filters = { name: 'ssiad admr', address: '', finess: '', category: '', domain: '', department: '', city: '', includeClosed: false };
    expect((await searchEstablishments(deps, filters, 1)).total).toBe(0);
    expect((await searchEstablishments(deps, { ...filters, includeClosed: true }, 1)).rows.map((r) => r.name)).toEqual(['SSIAD ADMR MENTON']);
  });
});
