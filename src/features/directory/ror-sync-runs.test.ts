/**
 * R50 runs of the ROR synchronisation: where a delta starts, refused resources read again, every
 * answer the client does not understand ending the run "Échouée" in French with the error in the
 * application log and the previous data intact, and no run left "En cours" after its process.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { buildTestDeps, testConfig } from '../../../test/test-app.js';
import { createScratchDatabase } from '../../../test/databases.js';
import { fakeRorEnv, startFakeRor, type FakeRor } from '../../../test/ror/fake-ror-server.js';
import { rorFixture, rorFixtures } from '../../../test/ror/fixtures.js';
import { loadCatalogue } from '../../db/seed/catalogue.js';
import type { Deps } from '../../deps.js';
import { createRorClient, type RorClient } from './ror-sync.client.js';
import { runRorSync } from './ror-sync.service.js';
import { directorySyncJob } from './directory-sync.job.js';

let deps: Deps;
let fake: FakeRor;
let client: RorClient;
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
const logged: { level: number; msg: string; reason?: string; err?: { type: string; message: string; stack?: string } }[] = [];

beforeAll(async () => {
  scratch = await createScratchDatabase({ migrated: true });
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  deps = { ...buildTestDeps({ env: { DATABASE_URL: scratch.url } }), logger };
  await loadCatalogue(deps.db);
  fake = await startFakeRor();
  client = createRorClient(testConfig(fakeRorEnv(fake, 300)).ror!, { pageSize: 4, retries: 0 });
});
afterAll(async () => {
  await fake.close();
  await deps.db.destroy();
  await scratch.drop();
});
beforeEach(async () => {
  fake.mode = 'ok';
  fake.answer = null;
  fake.requests.length = 0;
  fake.resources = rorFixtures();
  logged.length = 0;
});

const directory = async () => ({
  establishments: await deps.db.selectFrom('establishments').select(['ror_id', 'name', 'phone', 'closed_at']).orderBy('ror_id').execute(),
  units: await deps.db.selectFrom('units').select(['ror_id', 'name', 'closed_at']).orderBy('ror_id').execute(),
  services: await deps.db.selectFrom('establishment_services').select(['ror_id', 'name', 'closed_at']).orderBy('ror_id').execute(),
});
const runningRuns = () => deps.db.selectFrom('directory_sync_runs').select('id').where('status', '=', 'running').execute();

describe('R50 where a delta starts', () => {
  it('R50 a delta starts from the last run that read everything it was given; a refused resource is read again at the next run', async () => {
    const full = await runRorSync(deps, { client, kind: 'full' });
    expect(full).toMatchObject({ status: 'partial' }); // the guide's EG without FINESS
    // With no run that read everything, the next one cannot be a delta.
    expect(await runRorSync(deps, { client, kind: 'auto' })).toMatchObject({ kind: 'full', status: 'partial' });

    fake.resources = rorFixtures().filter((r) => r.id !== '3538');
    const clean = await runRorSync(deps, { client, kind: 'full' });
    expect(clean).toMatchObject({ kind: 'full', status: 'succeeded' });
    const cleanStart = (await deps.db.selectFrom('directory_sync_runs').select('started_at').where('id', '=', clean!.runId).executeTakeFirstOrThrow()).started_at;

    // The EG without FINESS changes in the ROR: the delta lists it and refuses it again.
    const later = new Date(Date.now() + 60_000).toISOString();
    fake.resources = [...rorFixtures().filter((r) => r.id !== '3538'), { ...rorFixture('organization-eg-sans-finess'), meta: { lastUpdated: later } }];
    fake.requests.length = 0;
    const refused = await runRorSync(deps, { client, kind: 'auto' });
    expect(refused).toMatchObject({ kind: 'delta', status: 'partial', errors: [{ resourceId: '3538', message: 'numéro FINESS absent ou invalide' }] });
    expect(new Set(fake.requests.map((r) => r.query.get('_lastUpdated')))).toEqual(new Set([`ge${cleanStart.toISOString()}`]));

    // The next delta starts again from the clean run, not from the one that refused: the resource, now with its FINESS, comes in.
    const fixed = rorFixture('organization-eg-sans-finess');
    (fixed.identifier as unknown[]).push({ system: 'https://finess.esante.gouv.fr', value: '920000999' });
    fake.resources = [...rorFixtures().filter((r) => r.id !== '3538'), { ...fixed, meta: { lastUpdated: later } }];
    fake.requests.length = 0;
    const reread = await runRorSync(deps, { client, kind: 'auto' });
    expect(reread).toMatchObject({ kind: 'delta', status: 'succeeded', created: 1 });
    expect(new Set(fake.requests.map((r) => r.query.get('_lastUpdated')))).toEqual(new Set([`ge${cleanStart.toISOString()}`]));
    expect((await directory()).establishments.map((e) => e.ror_id)).toContain('3538');
  });
});

describe('R50 an answer the client does not understand ends the run', () => {
  const bundle = (body: unknown) => ({ status: 200, contentType: 'application/fhir+json', body: JSON.stringify(body) });
  const cases: [string, () => void, string][] = [
    ['a Bundle whose entry is not a list', () => (fake.answer = bundle({ resourceType: 'Bundle', type: 'searchset', entry: { resource: {} } })), 'Bundle du ROR dont « entry » n’est pas une liste'],
    ['a missing resourceType', () => (fake.answer = bundle({ type: 'searchset', entry: [] })), 'réponse du ROR sans resourceType (Bundle attendu)'],
    ['an entry without resourceType', () => (fake.answer = bundle({ resourceType: 'Bundle', entry: [{ resource: { id: 'x' } }] })), 'entrée 1 du Bundle du ROR sans ressource ni resourceType'],
    ['an HTML page', () => (fake.answer = { status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>Maintenance</title>' }), 'le ROR a répondu une page HTML au lieu d’un Bundle FHIR (HTTP 200)'],
    ['a truncated body', () => (fake.answer = { status: 200, contentType: 'application/fhir+json', body: '{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Orga' }), 'réponse du ROR tronquée ou illisible (JSON invalide)'],
    ['a connection cut in the middle of the body', () => (fake.mode = 'cut'), 'réponse du ROR interrompue avant la fin'],
    ['a timeout', () => (fake.mode = 'hang'), 'le ROR n’a pas répondu en 300 ms'],
    ['a 5xx', () => (fake.answer = { status: 503, contentType: 'text/plain', body: 'Service Unavailable' }), 'le ROR a répondu HTTP 503'],
  ];

  for (const [what, make, reason] of cases) {
    it(`R50 ${what}: the run is "Échouée" with a French reason, the error is in the log, the previous data is intact`, async () => {
      await runRorSync(deps, { client, kind: 'full' });
      const before = await directory();
      fake.resources = rorFixtures().map((r) => (r.id === '3536' ? { ...r, name: 'Ne doit pas être écrit' } : r));
      make();
      logged.length = 0;
      const run = await runRorSync(deps, { client, kind: 'full' });
      expect(run).toMatchObject({ status: 'failed', created: 0, updated: 0, closed: 0 });
      expect(run!.message).toContain('Lecture du ROR interrompue, rien n’a été modifié : ');
      expect(run!.message).toContain(reason);
      const stored = await deps.db.selectFrom('directory_sync_runs').select(['status', 'message', 'finished_at']).where('id', '=', run!.runId).executeTakeFirstOrThrow();
      expect(stored.status).toBe('failed');
      expect(stored.finished_at).not.toBeNull();
      expect(stored.message).toBe(run!.message);
      expect(logged.find((line) => line.msg === 'synchronisation ROR échouée')).toMatchObject({ level: 50, reason: run!.message });
      expect(await directory()).toEqual(before);
      expect(await runningRuns()).toEqual([]);
    });
  }

  it('R50 an unexpected error ends the run "Échouée" in French, its stack in the log; no run stays "En cours"', async () => {
    const broken: RorClient = {
      async *search(type, since) {
        if (type === 'HealthcareService') throw new TypeError('lecture impossible');
        yield* client.search(type, since);
      },
      close: () => undefined,
    };
    const run = await runRorSync(deps, { client: broken, kind: 'full' });
    expect(run).toMatchObject({ status: 'failed' });
    expect(run!.message).toBe('Erreur inattendue à l’étape « lecture du ROR » (rien n’a été modifié) ; le détail est dans le journal de l’application.');
    const line = logged.find((l) => l.msg === 'synchronisation ROR échouée');
    expect(line?.err).toMatchObject({ type: 'TypeError', message: 'lecture impossible' });
    expect(line?.err?.stack).toContain('TypeError');
    expect(await runningRuns()).toEqual([]);
  });
});

describe('R50 no run stays "En cours" after its process ended', () => {
  const strand = async () =>
    (await deps.db.insertInto('directory_sync_runs').values({ kind: 'full', since: null, started_at: new Date(Date.now() - 3_600_000) }).returning('id').executeTakeFirstOrThrow()).id;

  it('R50 the job fails a stranded run first, even when the synchronisation is off', async () => {
    const stranded = await strand();
    expect(deps.config.ror).toBeNull();
    await directorySyncJob(deps).run();
    const row = await deps.db.selectFrom('directory_sync_runs').select(['status', 'message', 'finished_at']).where('id', '=', stranded).executeTakeFirstOrThrow();
    expect(row.status).toBe('failed');
    expect(row.message).toBe('Interrompue : le processus qui la menait s’est arrêté avant la fin. La synchronisation suivante reprend depuis la dernière réussie.');
    expect(row.finished_at).not.toBeNull();
    expect(logged.some((l) => l.msg === 'synchronisation ROR : exécutions interrompues passées en échec' && l.level === 50)).toBe(true);
  });

  it('R50 a run starts by failing the runs a dead process left "En cours"', async () => {
    const stranded = await strand();
    const run = await runRorSync(deps, { client, kind: 'full' });
    expect(run!.runId).not.toBe(stranded);
    expect((await deps.db.selectFrom('directory_sync_runs').select('status').where('id', '=', stranded).executeTakeFirstOrThrow()).status).toBe('failed');
    expect(await runningRuns()).toEqual([]);
  });
});
