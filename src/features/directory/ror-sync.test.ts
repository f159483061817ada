import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { buildTestDeps } from '../../../test/test-app.js';
import { buildAccount, buildHabilitation, ensureTerritory } from '../../../test/factories.js';
import type { Deps } from '../../deps.js';
import { createRorClient, type RorClient } from './ror-sync.client.js';
import { fakeRorEnv, healthcareService, location, organization, startFakeRor, type FakeRor } from '../../../test/ror/fake-ror-server.js';
import { sampleDirectory, snapshotOf } from '../../../test/ror/sample-directory.js';
import { runRorSync } from './ror-sync.service.js';
import { testConfig } from '../../../test/test-app.js';
import { createScratchDatabase } from '../../../test/databases.js';
import { createDatabase } from '../../db/database.js';
import { loadCatalogue } from '../../db/seed/catalogue.js';

let deps: Deps;
let fake: FakeRor;
let client: RorClient;
let prefix: string;
let finessBase: string;
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;

beforeAll(async () => {
  // A database of its own: full runs close every synchronised row they do not list, which must not
  // reach the rows other test files create at the same time.
  scratch = await createScratchDatabase({ migrated: true });
  deps = buildTestDeps({ env: { DATABASE_URL: scratch.url } });
  await loadCatalogue(deps.db);
  fake = await startFakeRor();
  await ensureTerritory(deps.db, '76', '34');
  await ensureTerritory(deps.db, '76', '30');
});
afterAll(async () => {
  await fake.close();
  await deps.db.destroy();
  await scratch.drop();
});
beforeEach(async () => {
  // Each test is a ROR of its own: earlier tests' synchronised rows are detached so a full run here
  // neither sees nor closes them.
  await deps.db.updateTable('units').set({ ror_id: null }).where('ror_id', 'is not', null).execute();
  await deps.db.updateTable('establishments').set({ ror_id: null, ror_synced: false }).where('ror_id', 'is not', null).execute();
  await deps.db.updateTable('legal_entities').set({ ror_id: null }).where('ror_id', 'is not', null).execute();
  // Places and services keep their ROR id (never null): closing them keeps them out of later runs' counts.
  await deps.db.updateTable('establishment_locations').set({ closed_at: new Date() }).where('closed_at', 'is', null).execute();
  await deps.db.updateTable('establishment_services').set({ closed_at: new Date() }).where('closed_at', 'is', null).execute();
  prefix = `t${randomInt(1e9)}`;
  // FINESS numbers starting with 0: the factories of other tests use 99…
  finessBase = `0${String(randomInt(10, 99))}${String(randomInt(0, 10_000)).padStart(4, '0')}`;
  fake.mode = 'ok';
  fake.requests.length = 0;
  client = clientFor(fake, 2000, 1);
});

function clientFor(server: FakeRor, timeoutMs: number, retries: number): RorClient {
  const ror = testConfig(fakeRorEnv(server, timeoutMs)).ror!;
  return createRorClient(ror, { pageSize: 2, retries, retryDelayMs: 10 });
}

const finess = (n: number) => `${finessBase}${String(n).padStart(2, '0')}`;

const directory = (overrides: Parameters<typeof sampleDirectory>[2] = {}) => sampleDirectory(prefix, finess, overrides);

const counts = (created: number, updated: number, closed: number, unchanged: number) => ({ created, updated, closed, unchanged });

const snapshot = () => snapshotOf(deps.db, prefix);

describe('ROR synchronisation', () => {
  it('R50 a full run copies legal entity, establishments, units, places and services exactly, page after page, and a second run changes nothing', async () => {
    fake.resources = directory();
    const tokensBefore = fake.tokensIssued;
    const first = await runRorSync(deps, { client, kind: 'full' });
    expect(first).toMatchObject({ kind: 'full', status: 'succeeded', created: 11, updated: 0, closed: 0, unchanged: 0, errors: [] });
    expect(first!.countsByKind).toEqual({ organizations: counts(6, 0, 0, 0), locations: counts(2, 0, 0, 0), services: counts(3, 0, 0, 0) });
    // Each resource type by pages of 2, followed through `next`; one OAuth2 token for all of them.
    expect(fake.requests.map((r) => [r.type, r.query.get('_page')])).toEqual([
      ['Organization', null],
      ['Organization', '1'],
      ['Organization', '2'],
      ['Location', null],
      ['HealthcareService', null],
      ['HealthcareService', '1'],
    ]);

    const expected = {
      legal: [{ ror_id: `${prefix}-ej`, finess: finess(1), name: 'CHU de Montpellier (EJ)' }],
      establishments: [
        {
          ror_id: `${prefix}-eg1`,
          finess: finess(2),
          name: 'Hôpital Lapeyronie',
          category: 'Centre hospitalier régional',
          domain_code: 'SANITAIRE',
          department_code: '34',
          address: '371 avenue du Doyen Gaston Giraud',
          postcode: '34090',
          city: 'Montpellier',
          phone: '04 67 33 67 33',
          ror_synced: true,
          description: null,
          legal_entity: `${prefix}-ej`,
          closed: false,
        },
        {
          ror_id: `${prefix}-eg2`,
          finess: finess(3),
          name: 'EHPAD Les Oliviers',
          category: 'EHPAD',
          domain_code: 'GRAND_AGE',
          department_code: '30',
          address: null,
          postcode: '30000',
          city: 'Nîmes',
          phone: null,
          ror_synced: true,
          description: null,
          legal_entity: null,
          closed: false,
        },
      ],
      units: [
        { ror_id: `${prefix}-u1`, name: 'Cardiologie', internal_code: null, establishment: `${prefix}-eg1`, closed: false },
        { ror_id: `${prefix}-u2`, name: 'Soins de suite', internal_code: null, establishment: `${prefix}-eg2`, closed: false },
        { ror_id: `${prefix}-u3`, name: 'Cardiologie – soins intensifs', internal_code: null, establishment: `${prefix}-eg1`, closed: false },
      ],
      locations: [
        { ror_id: `${prefix}-l1`, establishment: `${prefix}-eg1`, name: 'Bâtiment A', address: '371 avenue du Doyen Gaston Giraud', postcode: '34090', city: 'Montpellier', latitude: 43.6308, longitude: 3.8516, closed: false },
        // Managed by a unit: attached to the unit's establishment.
        { ror_id: `${prefix}-l2`, establishment: `${prefix}-eg2`, name: null, address: null, postcode: '30000', city: 'Nîmes', latitude: null, longitude: null, closed: false },
      ],
      services: [
        {
          ror_id: `${prefix}-s1`,
          establishment: `${prefix}-eg1`,
          unit: `${prefix}-u1`,
          location: `${prefix}-l1`,
          name: 'Consultations de cardiologie',
          category: 'Médecine',
          types: 'Consultation externe, Téléconsultation',
          specialties: 'Cardiologie',
          closed: false,
        },
        { ror_id: `${prefix}-s2`, establishment: `${prefix}-eg2`, unit: null, location: `${prefix}-l2`, name: 'Hébergement permanent', category: 'Hébergement', types: null, specialties: null, closed: false },
        // Provided by a unit nested in a unit: the establishment of the chain.
        { ror_id: `${prefix}-s3`, establishment: `${prefix}-eg1`, unit: `${prefix}-u3`, location: null, name: 'Soins intensifs de cardiologie', category: null, types: null, specialties: null, closed: false },
      ],
    };
    expect(await snapshot()).toEqual(expected);

    const stamps = async () => ({
      establishments: await deps.db.selectFrom('establishments').select(['id', 'updated_at', 'ror_synced_at']).where('ror_id', 'like', `${prefix}-%`).orderBy('id').execute(),
      locations: await deps.db.selectFrom('establishment_locations').select(['id', 'updated_at']).where('ror_id', 'like', `${prefix}-%`).orderBy('id').execute(),
      services: await deps.db.selectFrom('establishment_services').select(['id', 'updated_at']).where('ror_id', 'like', `${prefix}-%`).orderBy('id').execute(),
    });
    const before = await stamps();
    const second = await runRorSync(deps, { client, kind: 'full' });
    expect(second).toMatchObject({ status: 'succeeded', created: 0, updated: 0, closed: 0, unchanged: 11 });
    expect(second!.countsByKind).toEqual({ organizations: counts(0, 0, 0, 6), locations: counts(0, 0, 0, 2), services: counts(0, 0, 0, 3) });
    expect(await snapshot()).toEqual(expected);
    expect(await stamps()).toEqual(before);
    // One OAuth2 token (client credentials) served both runs: it is cached until shortly before it expires.
    expect(fake.tokensIssued - tokensBefore).toBe(1);

    const runs = await deps.db.selectFrom('directory_sync_runs').selectAll().where('id', 'in', [first!.runId, second!.runId]).orderBy('id').execute();
    expect(runs.map((r) => [r.status, r.created, r.unchanged, r.finished_at !== null])).toEqual([
      ['succeeded', 11, 0, true],
      ['succeeded', 0, 11, true],
    ]);
    expect(runs[0]!.counts_by_kind).toEqual(first!.countsByKind);
  });

  it('R50 R51 a delta asks only for what changed since the last good run and keeps the referent’s own fields', async () => {
    fake.resources = directory();
    const full = await runRorSync(deps, { client, kind: 'full' });
    await deps.db.updateTable('establishments').set({ description: 'Accueil au rez-de-chaussée' }).where('ror_id', '=', `${prefix}-eg1`).execute();
    await deps.db.updateTable('units').set({ internal_code: 'CARDIO-1' }).where('ror_id', '=', `${prefix}-u1`).execute();

    fake.resources = directory({ establishmentName: 'Hôpital Arnaud de Villeneuve', serviceName: 'Hébergement temporaire', lastUpdated: new Date(Date.now() + 60_000).toISOString() });
    fake.requests.length = 0;
    const delta = await runRorSync(deps, { client, kind: 'auto' });
    expect(delta).toMatchObject({ kind: 'delta', status: 'succeeded', created: 0, updated: 2, closed: 0, unchanged: 0 });
    expect(delta!.countsByKind).toEqual({ organizations: counts(0, 1, 0, 0), locations: counts(0, 0, 0, 0), services: counts(0, 1, 0, 0) });
    const startedAt = await deps.db.selectFrom('directory_sync_runs').select('started_at').where('id', '=', full!.runId).executeTakeFirstOrThrow();
    expect(new Set(fake.requests.map((r) => r.query.get('_lastUpdated')))).toEqual(new Set([`ge${startedAt.started_at.toISOString()}`]));
    expect(new Set(fake.requests.map((r) => r.type))).toEqual(new Set(['Organization', 'Location', 'HealthcareService']));

    const state = await snapshot();
    expect(state.establishments.map((e) => [e.ror_id, e.name, e.description])).toEqual([
      [`${prefix}-eg1`, 'Hôpital Arnaud de Villeneuve', 'Accueil au rez-de-chaussée'],
      [`${prefix}-eg2`, 'EHPAD Les Oliviers', null],
    ]);
    expect(state.units.find((u) => u.ror_id === `${prefix}-u1`)?.internal_code).toBe('CARDIO-1');
    expect(state.services.map((s) => s.name)).toEqual(['Consultations de cardiologie', 'Hébergement temporaire', 'Soins intensifs de cardiologie']);
    // A delta closes nothing by absence: what it did not list is simply unchanged.
    expect(state.establishments.every((e) => !e.closed)).toBe(true);
    expect([...state.locations, ...state.services].every((r) => !r.closed)).toBe(true);
  });

  it('R50 closes what the ROR closes or no longer lists, never deletes, and the habilitations there stay', async () => {
    fake.resources = directory();
    await runRorSync(deps, { client, kind: 'full' });
    const eg2 = await deps.db.selectFrom('establishments').select('id').where('ror_id', '=', `${prefix}-eg2`).executeTakeFirstOrThrow();
    const holder = await buildAccount(deps.db);
    const habilitation = await buildHabilitation(deps.db, { accountId: holder.id, profile: 'REFERENT_STRUCTURE', establishmentId: eg2.id });

    // eg1 closed in the ROR; eg2 and its unit u2 absent from the full run; service s1 inactive,
    // service s3 absent, place l1 inactive (l2 and s2 stay, attached to the stored eg2 and u2).
    fake.resources = directory()
      .filter((r) => ![`${prefix}-eg2`, `${prefix}-u2`, `${prefix}-s3`].includes(String(r.id)))
      .map((r) => (r.id === `${prefix}-eg1` || r.id === `${prefix}-s1` ? { ...r, active: false } : r.id === `${prefix}-l1` ? { ...r, status: 'inactive' } : r));
    const run = await runRorSync(deps, { client, kind: 'full' });
    expect(run).toMatchObject({ status: 'succeeded', created: 0, updated: 0, closed: 6, unchanged: 5 });
    expect(run!.countsByKind).toEqual({ organizations: counts(0, 0, 3, 3), locations: counts(0, 0, 1, 1), services: counts(0, 0, 2, 1) });

    const state = await snapshot();
    expect(state.establishments.map((e) => [e.ror_id, e.closed])).toEqual([
      [`${prefix}-eg1`, true],
      [`${prefix}-eg2`, true],
    ]);
    expect(state.units.map((u) => [u.ror_id, u.closed])).toEqual([
      [`${prefix}-u1`, false],
      [`${prefix}-u2`, true],
      [`${prefix}-u3`, false],
    ]);
    expect(state.locations.map((l) => [l.ror_id, l.closed])).toEqual([
      [`${prefix}-l1`, true],
      [`${prefix}-l2`, false],
    ]);
    expect(state.services.map((s) => [s.ror_id, s.closed])).toEqual([
      [`${prefix}-s1`, true],
      [`${prefix}-s2`, false],
      [`${prefix}-s3`, true],
    ]);
    const kept = await deps.db.selectFrom('habilitations').select(['id', 'deleted_at']).where('id', '=', habilitation.id).executeTakeFirstOrThrow();
    expect(kept.deleted_at).toBeNull();

    // Closed stays closed: the same run again changes nothing; reopened in the ROR, reopened here.
    expect(await runRorSync(deps, { client, kind: 'full' })).toMatchObject({ created: 0, updated: 0, closed: 0, unchanged: 8 });
    fake.resources = directory();
    const reopened = await runRorSync(deps, { client, kind: 'full' });
    expect(reopened!.countsByKind).toEqual({ organizations: counts(0, 3, 0, 3), locations: counts(0, 1, 0, 1), services: counts(0, 2, 0, 1) });
    const after = await snapshot();
    expect([...after.establishments, ...after.units, ...after.locations, ...after.services].every((r) => !r.closed)).toBe(true);
  });

  it('R52 a service carries its establishment’s domain and department, and follows them when the ROR changes them', async () => {
    fake.resources = directory();
    await runRorSync(deps, { client, kind: 'full' });
    const services = () =>
      deps.db.selectFrom('establishment_services').select(['ror_id', 'domain_code', 'department_code']).where('ror_id', 'like', `${prefix}-%`).orderBy('ror_id').execute();
    expect(await services()).toEqual([
      { ror_id: `${prefix}-s1`, domain_code: 'SANITAIRE', department_code: '34' },
      { ror_id: `${prefix}-s2`, domain_code: 'GRAND_AGE', department_code: '30' },
      { ror_id: `${prefix}-s3`, domain_code: 'SANITAIRE', department_code: '34' },
    ]);
    // The EHPAD becomes an IME in Montpellier: its service follows, though the service itself did not change.
    fake.resources = directory().map((r) =>
      r.id === `${prefix}-eg2` ? organization({ id: `${prefix}-eg2`, kind: 'EG', name: 'IME Les Oliviers', finess: finess(3), category: 'IME', categoryCode: '183', postcode: '34000', city: 'Montpellier' }) : r,
    );
    const run = await runRorSync(deps, { client, kind: 'full' });
    expect(run!.countsByKind).toEqual({ organizations: counts(0, 1, 0, 5), locations: counts(0, 0, 0, 2), services: counts(0, 0, 0, 3) });
    expect((await services())[1]).toEqual({ ror_id: `${prefix}-s2`, domain_code: 'HANDICAP', department_code: '34' });
  });

  it('R50 records a malformed resource with its id and synchronises the others', async () => {
    fake.resources = [
      ...directory(),
      // An establishment (its FINESS category says so) with no FINESS number under any system.
      { resourceType: 'Organization', id: `${prefix}-bad1`, type: [{ coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R66-CategorieEtablissement/FHIR/TRE-R66-CategorieEtablissement', code: '355' }] }], name: 'Sans FINESS', address: [{ postalCode: '34000' }] },
      { resourceType: 'Organization', id: `${prefix}-bad2`, name: 42 },
      organization({ id: `${prefix}-orphan`, kind: 'OI', name: 'Unité orpheline', partOf: `${prefix}-nowhere` }),
      // Saint-Pierre-et-Miquelon is a collectivity, not a department of the COG: nothing to create it from.
      organization({ id: `${prefix}-dept`, kind: 'EG', name: 'Hors territoire', finess: finess(9), postcode: '97500' }),
      { resourceType: 'Location', id: `${prefix}-lbad`, address: { city: 'Nîmes' } },
      location({ id: `${prefix}-lpos`, organization: `${prefix}-eg1`, city: 'Montpellier', position: { latitude: 123, longitude: 3 } }),
      { resourceType: 'HealthcareService', id: `${prefix}-sbad`, name: 'Sans rattachement' },
      healthcareService({ id: `${prefix}-sorphan`, providedBy: `${prefix}-nowhere`, name: 'Service orphelin' }),
      // A service whose place the ROR did not give keeps no place: it is not an error.
      healthcareService({ id: `${prefix}-s4`, providedBy: `${prefix}-eg1`, name: 'Imagerie', location: `${prefix}-unknown` }),
    ];
    const run = await runRorSync(deps, { client, kind: 'full' });
    expect(run).toMatchObject({ status: 'partial', created: 12, updated: 0, closed: 0 });
    const expectedErrors = [
      { resourceId: `${prefix}-bad1`, message: 'numéro FINESS absent ou invalide' },
      { resourceId: `${prefix}-bad2`, message: 'type d’organisation absent (EJ, EG ou OI attendu)' },
      { resourceId: `${prefix}-orphan`, message: `établissement de rattachement ${prefix}-nowhere inconnu` },
      { resourceId: `${prefix}-dept`, message: 'département 975 absent du code officiel géographique (INSEE)' },
      { resourceId: `Location/${prefix}-lbad`, message: 'lieu sans organisation gestionnaire (managingOrganization)' },
      { resourceId: `Location/${prefix}-lpos`, message: 'position invalide (latitude et longitude en degrés attendues)' },
      { resourceId: `HealthcareService/${prefix}-sbad`, message: 'service sans organisation de rattachement (providedBy)' },
      { resourceId: `HealthcareService/${prefix}-sorphan`, message: `organisation de rattachement ${prefix}-nowhere inconnue` },
    ];
    expect(run!.errors).toEqual(expect.arrayContaining(expectedErrors));
    expect(run!.errors).toHaveLength(expectedErrors.length);
    const stored = await deps.db.selectFrom('directory_sync_runs').select(['status', 'error_count', 'errors']).where('id', '=', run!.runId).executeTakeFirstOrThrow();
    expect(stored.status).toBe('partial');
    expect(stored.error_count).toBe(expectedErrors.length);
    expect(stored.errors.map((e) => e.resourceId).sort()).toEqual(expectedErrors.map((e) => e.resourceId).sort());
    const state = await snapshot();
    expect(state.establishments).toHaveLength(2);
    expect(state.services.map((s) => [s.ror_id, s.location])).toEqual([
      [`${prefix}-s1`, `${prefix}-l1`],
      [`${prefix}-s2`, `${prefix}-l2`],
      [`${prefix}-s3`, null],
      [`${prefix}-s4`, null],
    ]);

    // The malformed resources were listed: the next full run does not close what it could not read.
    fake.resources = fake.resources.map((r) => (r.id === `${prefix}-lpos` ? { ...r, position: { latitude: 43.6, longitude: 3.87 } } : r));
    const again = await runRorSync(deps, { client, kind: 'full' });
    expect(again!.countsByKind.locations).toEqual(counts(1, 0, 0, 2));
  });

  it('R50 a service the database refuses is recorded alone, the others of its batch are written; a resource listed twice is written once', async () => {
    // The database refuses one service (as it would a value breaking a constraint): its batch is retried row by row.
    // Changing the schema is the owner role's power, not the application's (roles.ts).
    const owner = createDatabase(scratch.ownerUrl, 1);
    await sql`ALTER TABLE establishment_services ADD CONSTRAINT test_refused CHECK (name <> 'Refusé par la base')`.execute(owner);
    try {
      // Place l2 is listed twice, as when the ROR's pages shift during the read: it is written once.
      const twice = directory().find((r) => r.id === `${prefix}-l2`)!;
      fake.resources = [...directory(), healthcareService({ id: `${prefix}-s9`, providedBy: `${prefix}-eg1`, name: 'Refusé par la base' }), twice];
      const run = await runRorSync(deps, { client, kind: 'full' });
      expect(run).toMatchObject({ status: 'partial' });
      expect(run!.errors).toEqual([{ resourceId: `HealthcareService/${prefix}-s9`, message: 'refusée par la base (code 23514)' }]);
      expect(run!.countsByKind).toEqual({ organizations: counts(6, 0, 0, 0), locations: counts(2, 0, 0, 0), services: counts(3, 0, 0, 0) });
      expect((await snapshot()).services.map((s) => s.ror_id)).toEqual([`${prefix}-s1`, `${prefix}-s2`, `${prefix}-s3`]);
    } finally {
      await sql`ALTER TABLE establishment_services DROP CONSTRAINT test_refused`.execute(owner);
      await owner.destroy();
    }
  });

  it('R50 a server error stops the run before any write; one transient 500 is retried', async () => {
    fake.resources = directory();
    await runRorSync(deps, { client, kind: 'full' });
    const before = await snapshot();

    fake.resources = directory({ establishmentName: 'Nouveau nom' }).filter((r) => r.id !== `${prefix}-eg2`);
    fake.mode = 'fail';
    const failed = await runRorSync(deps, { client, kind: 'full' });
    expect(failed).toMatchObject({ status: 'failed', created: 0, updated: 0, closed: 0, unchanged: 0 });
    expect(failed!.message).toContain('HTTP 500');
    expect(await snapshot()).toEqual(before);
    const stored = await deps.db.selectFrom('directory_sync_runs').select(['status', 'message', 'finished_at']).where('id', '=', failed!.runId).executeTakeFirstOrThrow();
    expect(stored.status).toBe('failed');
    expect(stored.finished_at).not.toBeNull();

    fake.mode = 'fail-once';
    const retried = await runRorSync(deps, { client, kind: 'full' });
    // eg1 renamed, eg2 absent hence closed (its unit u2, still listed, stays open).
    expect(retried).toMatchObject({ status: 'succeeded', updated: 1, closed: 1 });
    // eg2's service and the place of its unit still follow it (listed, attached to the stored rows).
    expect(retried!.countsByKind).toEqual({ organizations: counts(0, 1, 1, 4), locations: counts(0, 0, 0, 2), services: counts(0, 0, 0, 3) });
  });

  it('R50 a ROR that does not answer in time fails the run and changes nothing', async () => {
    fake.resources = directory();
    await runRorSync(deps, { client, kind: 'full' });
    const before = await snapshot();
    fake.resources = [];
    fake.mode = 'hang';
    const started = Date.now();
    const run = await runRorSync(deps, { client: clientFor(fake, 200, 0), kind: 'full' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(run).toMatchObject({ status: 'failed', closed: 0 });
    expect(run!.message).toContain('n’a pas répondu en 200 ms');
    expect(await snapshot()).toEqual(before);
    // After a failed run, the next delta still starts from the last good one.
    fake.mode = 'ok';
    fake.resources = directory();
    expect(await runRorSync(deps, { client, kind: 'auto' })).toMatchObject({ kind: 'delta', status: 'succeeded' });
  });

  it('R50 without ROR_BASE_URL the synchronisation is disabled', async () => {
    expect(deps.config.ror).toBeNull();
    expect(await runRorSync(deps)).toBeNull();
  });
});

describe('ROR synchronisation, one at a time', () => {
  it('R50 a run does nothing while another holds the synchronisation lock', async () => {
    fake.resources = directory();
    const result = await deps.db.connection().execute(async (other) => {
      await sql`SELECT pg_advisory_lock(7000007)`.execute(other);
      try {
        return await runRorSync(deps, { client, kind: 'full' });
      } finally {
        await sql`SELECT pg_advisory_unlock(7000007)`.execute(other);
      }
    });
    expect(result).toBeNull();
    expect(await snapshot()).toEqual({ legal: [], establishments: [], units: [], locations: [], services: [] });
    expect(await runRorSync(deps, { client, kind: 'full' })).toMatchObject({ status: 'succeeded', created: 11 });
  });
});
