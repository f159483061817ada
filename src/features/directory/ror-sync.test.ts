import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { buildTestDeps } from '../../../test/test-app.js';
import { buildAccount, buildHabilitation, ensureTerritory } from '../../../test/factories.js';
import type { Deps } from '../../deps.js';
import { createRorClient, type RorClient } from './ror-sync.client.js';
import { fakeRorEnv, organization, startFakeRor, type FakeRor } from './ror-sync.fake-server.js';
import { runRorSync } from './ror-sync.service.js';
import { testConfig } from '../../../test/test-app.js';
import { createScratchDatabase } from '../../../test/databases.js';
import { migrateToLatest } from '../../db/migrate.js';
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
  scratch = await createScratchDatabase();
  deps = buildTestDeps({ env: { DATABASE_URL: scratch.url } });
  await migrateToLatest(deps.db);
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

/** A legal entity, two establishments, three units (one under each establishment, one nested). */
function directory(overrides: { establishmentName?: string; lastUpdated?: string } = {}) {
  return [
    organization({ id: `${prefix}-ej`, kind: 'EJ', name: 'CHU de Montpellier (EJ)', finess: finess(1) }),
    organization({
      id: `${prefix}-eg1`,
      kind: 'EG',
      name: overrides.establishmentName ?? 'Hôpital Lapeyronie',
      finess: finess(2),
      partOf: `${prefix}-ej`,
      category: 'Centre hospitalier régional',
      line: '371 avenue du Doyen Gaston Giraud',
      postcode: '34090',
      city: 'Montpellier',
      phone: '04 67 33 67 33',
      ...(overrides.lastUpdated ? { lastUpdated: overrides.lastUpdated } : {}),
    }),
    organization({ id: `${prefix}-eg2`, kind: 'EG', name: 'EHPAD Les Oliviers', finess: finess(3), category: 'EHPAD', postcode: '30000', city: 'Nîmes' }),
    organization({ id: `${prefix}-u1`, kind: 'OI', name: 'Cardiologie', partOf: `${prefix}-eg1` }),
    organization({ id: `${prefix}-u2`, kind: 'OI', name: 'Soins de suite', partOf: `${prefix}-eg2` }),
    organization({ id: `${prefix}-u3`, kind: 'OI', name: 'Cardiologie – soins intensifs', partOf: `${prefix}-u1` }),
  ];
}

async function snapshot() {
  const like = `${prefix}-%`;
  const legal = await deps.db.selectFrom('legal_entities').select(['ror_id', 'finess', 'name']).where('ror_id', 'like', like).orderBy('ror_id').execute();
  const establishments = await deps.db
    .selectFrom('establishments')
    .leftJoin('legal_entities', 'legal_entities.id', 'establishments.legal_entity_id')
    .select([
      'establishments.ror_id',
      'establishments.finess',
      'establishments.name',
      'establishments.category',
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
  const units = await deps.db
    .selectFrom('units')
    .innerJoin('establishments', 'establishments.id', 'units.establishment_id')
    .select(['units.ror_id', 'units.name', 'units.internal_code', 'establishments.ror_id as establishment'])
    .select((eb) => eb('units.closed_at', 'is not', null).as('closed'))
    .where('units.ror_id', 'like', like)
    .orderBy('units.ror_id')
    .execute();
  return { legal, establishments, units };
}

describe('ROR synchronisation', () => {
  it('R50 a full run copies legal entity, establishments and units exactly, page after page, and a second run changes nothing', async () => {
    fake.resources = directory();
    const tokensBefore = fake.tokensIssued;
    const first = await runRorSync(deps, { client, kind: 'full' });
    expect(first).toMatchObject({ kind: 'full', status: 'succeeded', created: 6, updated: 0, closed: 0, unchanged: 0, errors: [] });
    // 6 resources by pages of 2, followed through `next`; one OAuth2 token for all of them.
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests.map((q) => q.get('_page'))).toEqual([null, '1', '2']);

    const expected = {
      legal: [{ ror_id: `${prefix}-ej`, finess: finess(1), name: 'CHU de Montpellier (EJ)' }],
      establishments: [
        {
          ror_id: `${prefix}-eg1`,
          finess: finess(2),
          name: 'Hôpital Lapeyronie',
          category: 'Centre hospitalier régional',
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
    };
    expect(await snapshot()).toEqual(expected);

    const before = await deps.db.selectFrom('establishments').select(['id', 'updated_at', 'ror_synced_at']).where('ror_id', 'like', `${prefix}-%`).orderBy('id').execute();
    const second = await runRorSync(deps, { client, kind: 'full' });
    expect(second).toMatchObject({ status: 'succeeded', created: 0, updated: 0, closed: 0, unchanged: 6 });
    expect(await snapshot()).toEqual(expected);
    const after = await deps.db.selectFrom('establishments').select(['id', 'updated_at', 'ror_synced_at']).where('ror_id', 'like', `${prefix}-%`).orderBy('id').execute();
    expect(after).toEqual(before);
    // One OAuth2 token (client credentials) served both runs: it is cached until shortly before it expires.
    expect(fake.tokensIssued - tokensBefore).toBe(1);

    const runs = await deps.db.selectFrom('directory_sync_runs').selectAll().where('id', 'in', [first!.runId, second!.runId]).orderBy('id').execute();
    expect(runs.map((r) => [r.status, r.created, r.unchanged, r.finished_at !== null])).toEqual([
      ['succeeded', 6, 0, true],
      ['succeeded', 0, 6, true],
    ]);
  });

  it('R50 R51 a delta asks only for what changed since the last good run and keeps the referent’s own fields', async () => {
    fake.resources = directory();
    const full = await runRorSync(deps, { client, kind: 'full' });
    await deps.db.updateTable('establishments').set({ description: 'Accueil au rez-de-chaussée' }).where('ror_id', '=', `${prefix}-eg1`).execute();
    await deps.db.updateTable('units').set({ internal_code: 'CARDIO-1' }).where('ror_id', '=', `${prefix}-u1`).execute();

    fake.resources = directory({ establishmentName: 'Hôpital Arnaud de Villeneuve', lastUpdated: new Date(Date.now() + 60_000).toISOString() });
    fake.requests.length = 0;
    const delta = await runRorSync(deps, { client, kind: 'auto' });
    expect(delta).toMatchObject({ kind: 'delta', status: 'succeeded', created: 0, updated: 1, closed: 0, unchanged: 0 });
    const startedAt = await deps.db.selectFrom('directory_sync_runs').select('started_at').where('id', '=', full!.runId).executeTakeFirstOrThrow();
    expect(fake.requests[0]!.get('_lastUpdated')).toBe(`ge${startedAt.started_at.toISOString()}`);

    const state = await snapshot();
    expect(state.establishments.map((e) => [e.ror_id, e.name, e.description])).toEqual([
      [`${prefix}-eg1`, 'Hôpital Arnaud de Villeneuve', 'Accueil au rez-de-chaussée'],
      [`${prefix}-eg2`, 'EHPAD Les Oliviers', null],
    ]);
    expect(state.units.find((u) => u.ror_id === `${prefix}-u1`)?.internal_code).toBe('CARDIO-1');
    // A delta closes nothing by absence: what it did not list is simply unchanged.
    expect(state.establishments.every((e) => !e.closed)).toBe(true);
  });

  it('R50 closes what the ROR closes or no longer lists, never deletes, and the habilitations there stay', async () => {
    fake.resources = directory();
    await runRorSync(deps, { client, kind: 'full' });
    const eg2 = await deps.db.selectFrom('establishments').select('id').where('ror_id', '=', `${prefix}-eg2`).executeTakeFirstOrThrow();
    const holder = await buildAccount(deps.db);
    const habilitation = await buildHabilitation(deps.db, { accountId: holder.id, profile: 'REFERENT_STRUCTURE', establishmentId: eg2.id });

    // eg1 closed in the ROR; eg2 and its unit u2 absent from the full run.
    fake.resources = directory()
      .filter((r) => r.id !== `${prefix}-eg2` && r.id !== `${prefix}-u2`)
      .map((r) => (r.id === `${prefix}-eg1` ? { ...r, active: false } : r));
    const run = await runRorSync(deps, { client, kind: 'full' });
    expect(run).toMatchObject({ status: 'succeeded', created: 0, updated: 0, closed: 3, unchanged: 3 });

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
    const kept = await deps.db.selectFrom('habilitations').select(['id', 'deleted_at']).where('id', '=', habilitation.id).executeTakeFirstOrThrow();
    expect(kept.deleted_at).toBeNull();

    // Closed stays closed: the same run again changes nothing; reopened in the ROR, reopened here.
    expect(await runRorSync(deps, { client, kind: 'full' })).toMatchObject({ created: 0, updated: 0, closed: 0, unchanged: 4 });
    fake.resources = directory();
    expect(await runRorSync(deps, { client, kind: 'full' })).toMatchObject({ created: 0, updated: 3, closed: 0, unchanged: 3 });
    expect((await snapshot()).establishments.every((e) => !e.closed)).toBe(true);
  });

  it('R50 records a malformed resource with its id and synchronises the others', async () => {
    fake.resources = [
      ...directory(),
      { resourceType: 'Organization', id: `${prefix}-bad1`, type: [{ coding: [{ code: 'EG' }] }], name: 'Sans FINESS', address: [{ postalCode: '34000' }] },
      { resourceType: 'Organization', id: `${prefix}-bad2`, name: 42 },
      organization({ id: `${prefix}-orphan`, kind: 'OI', name: 'Unité orpheline', partOf: `${prefix}-nowhere` }),
      organization({ id: `${prefix}-dept`, kind: 'EG', name: 'Hors territoire', finess: finess(9), postcode: '75001' }),
    ];
    const run = await runRorSync(deps, { client, kind: 'full' });
    expect(run).toMatchObject({ status: 'partial', created: 6, updated: 0, closed: 0 });
    expect(run!.errors).toEqual(
      expect.arrayContaining([
        { resourceId: `${prefix}-bad1`, message: 'numéro FINESS absent ou invalide' },
        { resourceId: `${prefix}-bad2`, message: 'type d’organisation absent (EJ, EG ou OI attendu)' },
        { resourceId: `${prefix}-orphan`, message: `établissement de rattachement ${prefix}-nowhere inconnu` },
        { resourceId: `${prefix}-dept`, message: 'département 75 inconnu de Habilis' },
      ]),
    );
    expect(run!.errors).toHaveLength(4);
    const stored = await deps.db.selectFrom('directory_sync_runs').select(['status', 'error_count', 'errors']).where('id', '=', run!.runId).executeTakeFirstOrThrow();
    expect(stored.status).toBe('partial');
    expect(stored.error_count).toBe(4);
    expect(stored.errors.map((e) => e.resourceId).sort()).toEqual([`${prefix}-bad1`, `${prefix}-bad2`, `${prefix}-dept`, `${prefix}-orphan`]);
    expect((await snapshot()).establishments).toHaveLength(2);
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
    expect(await snapshot()).toEqual({ legal: [], establishments: [], units: [] });
    expect(await runRorSync(deps, { client, kind: 'full' })).toMatchObject({ status: 'succeeded', created: 6 });
  });
});
