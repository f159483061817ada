/**
 * bench/directory.ts — ROR synchronisation of 30 000 establishments and 150 000 units (+ 3 000 legal
 * entities, 30 000 places, 150 000 services) served by a FHIR server on loopback (target ≤ 3
 * minutes), a second identical run, a delta of 1 %, then the p95 of the establishments search and of
 * the services search on that directory (target ≤ 20 ms each), through the same services the job
 * and the pages call. Prints each figure and its ratio to the target.
 *
 * The resources are shaped as the ROR implementation guide writes them (test/ror/fake-ror-server.ts):
 * legal entities by their legal status, establishments by their FINESS category, half of them with
 * the older FINESS system, their phone in the standard contact and a third with an MSSanté mailbox;
 * units on three levels (a pôle, two services under it, one unité fonctionnelle under each service);
 * one establishment in 50 closed by date (definitive), one unit in 100 closed temporarily.
 *
 * Usage (DATABASE_URL = a server; a database is created for the run and dropped at the end):
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node --import tsx bench/directory.ts [--establishments 30000] [--keep]
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { buildDeps } from '../src/deps.js';
import { withDatabaseName } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { loadCatalogue } from '../src/db/seed/catalogue.js';
import { createRorClient } from '../src/features/directory/ror-sync.client.js';
import { fakeRorEnv, healthcareService, location, organization, startFakeRor } from '../test/ror/fake-ror-server.js';
import { runRorSync } from '../src/features/directory/ror-sync.service.js';
import { searchEstablishments, searchServices } from '../src/features/directory/directory.service.js';
import type { DirectoryFilters } from '../src/features/directory/directory.repository.js';

const SYNC_TARGET_S = 180;
const SEARCH_TARGET_P95_MS = 20;
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

/** Categories with their FINESS codes (the domain comes from the code, see DOMAIN_OF_CATEGORY). */
const CATEGORIES: [string, string][] = [
  ['Centre hospitalier', '355'],
  ['EHPAD', '500'],
  ['Clinique', '365'],
  ['Centre de rééducation', '129'],
  ['IME', '183'],
  ['SESSAD', '182'],
  ['MAS', '255'],
  ['FAM', '437'],
  ['Centre de santé', '124'],
  ['Hôpital de jour', '129'],
];
const SERVICE_CATEGORIES = ['Médecine', 'Chirurgie', 'Hébergement', 'Rééducation', 'Accompagnement'];
const SPECIALTIES = ['Cardiologie', 'Pédiatrie', 'Gériatrie', 'Neurologie', 'Pneumologie', 'Psychiatrie', 'Orthopédie'];
const TOWNS = ['Montpellier', 'Nîmes', 'Béziers', 'Perpignan', 'Toulouse', 'Albi', 'Rodez', 'Carcassonne', 'Sète', 'Alès', 'Narbonne', 'Castres', 'Lunel', 'Agde', 'Millau'];
const UNITS = ['Cardiologie', 'Pédiatrie', 'Soins de suite', 'Urgences', 'Gériatrie'];
const DEPARTMENTS = Array.from({ length: 95 }, (_, i) => String(i + 1).padStart(2, '0')).filter((d) => d !== '20');

function fixtures(establishments: number) {
  const legal = Math.ceil(establishments / 10);
  const resources: Record<string, unknown>[] = [];
  for (let i = 0; i < legal; i += 1) resources.push(organization({ id: `ej${i}`, kind: 'EJ', name: `Groupe ${TOWNS[i % TOWNS.length]} ${i}`, finess: `0${String(i).padStart(8, '0')}` }));
  for (let i = 0; i < establishments; i += 1) {
    const department = DEPARTMENTS[i % DEPARTMENTS.length]!;
    const town = TOWNS[i % TOWNS.length]!;
    const [category, categoryCode] = CATEGORIES[i % CATEGORIES.length]!;
    resources.push(
      organization({
        id: `eg${i}`,
        kind: 'EG',
        name: `${category} ${town} ${i}`,
        finess: `1${String(i).padStart(8, '0')}`,
        ...(i % 2 === 1 ? { finessSystem: 'http://finess.sante.gouv.fr' } : {}),
        partOf: `ej${i % legal}`,
        category,
        categoryCode,
        line: `${i} rue de l’Église`,
        postcode: `${department}${String(i % 1000).padStart(3, '0')}`,
        city: town,
        phone: `04 67 ${String(i % 100).padStart(2, '0')} 00 00`,
        ...(i % 3 === 0 ? { mssante: `accueil.${i}@etablissement.mssante.fr` } : {}),
        ...(i % 50 === 0 ? { closure: { on: '2025-06-30', type: 'DEF' as const } } : {}),
      }),
    );
    // A pôle, two services under it, a unité fonctionnelle under each service.
    const parents = [`eg${i}`, `oi${i}-0`, `oi${i}-0`, `oi${i}-1`, `oi${i}-2`];
    const levels = ['1', '2', '2', '3', '3'] as const;
    for (let u = 0; u < 5; u += 1) {
      const closure = (i * 5 + u) % 100 === 0 ? { closure: { on: '2025-01-15', type: 'PRO' as const, reopensOn: '2099-01-01' } } : {};
      resources.push(organization({ id: `oi${i}-${u}`, kind: 'OI', name: `${UNITS[u]} ${i}`, partOf: parents[u]!, unitLevel: levels[u]!, ...closure }));
    }
  }
  // One place per establishment, one service per unit.
  for (let i = 0; i < establishments; i += 1) {
    const department = DEPARTMENTS[i % DEPARTMENTS.length]!;
    resources.push(location({ id: `lo${i}`, organization: `eg${i}`, line: `${i} rue de la République`, postcode: `${department}${String(i % 1000).padStart(3, '0')}`, city: TOWNS[i % TOWNS.length]!, position: { latitude: 43 + (i % 100) / 100, longitude: 3 + (i % 97) / 100 } }));
  }
  for (let i = 0; i < establishments; i += 1) {
    for (let u = 0; u < 5; u += 1) {
      const n = i * 5 + u;
      resources.push(
        healthcareService({
          id: `hs${i}-${u}`,
          providedBy: `oi${i}-${u}`,
          name: `${SERVICE_CATEGORIES[n % SERVICE_CATEGORIES.length]} ${UNITS[u]} ${i}`,
          category: SERVICE_CATEGORIES[n % SERVICE_CATEGORIES.length]!,
          types: ['Consultation externe', 'Hospitalisation complète'].slice(0, 1 + (n % 2)),
          specialties: [SPECIALTIES[n % SPECIALTIES.length]!],
          location: `lo${i}`,
        }),
      );
    }
  }
  return resources;
}

async function main() {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('DATABASE_URL (un serveur PostgreSQL) est nécessaire pour ce banc.');
  const establishments = Number(arg('--establishments') ?? 30_000);
  const admin = withDatabaseName(server, 'postgres');
  const name = `habilis_bench_directory_${process.pid}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();

  const resources = fixtures(establishments);
  const fake = await startFakeRor(resources);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: withDatabaseName(server, name),
    SESSION_SECRET: 'bench-secret-of-at-least-32-bytes-long',
    LOG_LEVEL: 'silent',
    JOBS: 'false',
    DATABASE_POOL_SIZE: '10',
    ...fakeRorEnv(fake, 60_000),
  });
  const deps = buildDeps(config, config.databaseUrl!);
  try {
    await migrateToLatest(deps.db);
    await loadCatalogue(deps.db);
    await deps.db.insertInto('regions').values({ code: '76', name: 'Banc' }).execute();
    await deps.db.insertInto('departments').values(DEPARTMENTS.map((code) => ({ code, name: `Département ${code}`, region_code: '76' }))).execute();
    const ror = createRorClient(config.ror!, { pageSize: 1000 });
    const units = establishments * 5;
    process.stdout.write(
      `Directory bench — ${establishments} establishments, ${units} units, ${Math.ceil(establishments / 10)} legal entities, ${establishments} places, ${units} services (${resources.length} resources), pages of 1000; ${os.cpus().length} CPU ${os.cpus()[0]?.model ?? ''}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`,
    );

    const timed = async (label: string, run: () => Promise<unknown>) => {
      const t0 = performance.now();
      const result = await run();
      const seconds = (performance.now() - t0) / 1000;
      process.stdout.write(`${label}: ${seconds.toFixed(1)} s (${((seconds / SYNC_TARGET_S) * 100).toFixed(0)} % of the ${SYNC_TARGET_S} s target) ${JSON.stringify(result)}\n`);
      return seconds;
    };
    const summary = (r: Awaited<ReturnType<typeof runRorSync>>) => r && { status: r.status, ...r.countsByKind, errors: r.errors.length };
    await timed('full sync, empty directory', async () => summary(await runRorSync(deps, { client: ror, kind: 'full' })));
    await timed('full sync again, nothing changed', async () => summary(await runRorSync(deps, { client: ror, kind: 'full' })));
    const later = new Date(Date.now() + 1000).toISOString();
    fake.resources = resources.map((r, i) => (i % 100 === 7 ? { ...r, name: `${String(r.name)} (renommé)`, meta: { lastUpdated: later } } : r));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await timed('delta sync, 1 % renamed', async () => summary(await runRorSync(deps, { client: ror, kind: 'delta' })));

    // A settled directory, as autovacuum leaves it: statistics, and the visibility map that lets the
    // services search answer its filters from the order index alone.
    await sql`VACUUM (ANALYZE)`.execute(deps.db);

    const empty: DirectoryFilters = { name: '', address: '', finess: '', category: '', domain: '', department: '', city: '', includeClosed: false };
    const establishmentQueries: [string, DirectoryFilters, number][] = [
      ['no filter', empty, 1],
      ['no filter, page 50', empty, 50],
      ['name "montpellier"', { ...empty, name: 'montpellier' }, 1],
      ['name "ehpad nîmes 12"', { ...empty, name: 'ehpad nîmes 12' }, 1],
      ['name "zzz" (no match)', { ...empty, name: 'zzz' }, 1],
      ['FINESS prefix', { ...empty, finess: '1000123' }, 1],
      ['category "ehpad"', { ...empty, category: 'ehpad' }, 1],
      ['department 34', { ...empty, department: '34' }, 1],
      ['town "sète"', { ...empty, city: 'sète' }, 1],
      ['town "BEZIERS" (no accent, upper case)', { ...empty, city: 'BEZIERS' }, 1],
      ['address "eglise 12"', { ...empty, address: 'eglise 12' }, 1],
      ['name + department + town', { ...empty, name: 'clinique', department: '34', city: 'mont' }, 1],
      ['domain GRAND_AGE', { ...empty, domain: 'GRAND_AGE' }, 1],
      ['domain HANDICAP + department 34', { ...empty, domain: 'HANDICAP', department: '34' }, 1],
    ];
    const serviceQueries: [string, DirectoryFilters, number][] = [
      ['no filter', empty, 1],
      ['no filter, page 50', empty, 50],
      ['name "cardiologie"', { ...empty, name: 'cardiologie' }, 1],
      ['name "médecine urgences 12"', { ...empty, name: 'médecine urgences 12' }, 1],
      ['name "zzz" (no match)', { ...empty, name: 'zzz' }, 1],
      ['category/specialty "pneumo"', { ...empty, category: 'pneumo' }, 1],
      ['category "hébergement" + domain GRAND_AGE', { ...empty, category: 'hébergement', domain: 'GRAND_AGE' }, 1],
      ['domain HANDICAP', { ...empty, domain: 'HANDICAP' }, 1],
      ['FINESS prefix', { ...empty, finess: '1000123' }, 1],
      ['department 34', { ...empty, department: '34' }, 1],
      ['town "sète"', { ...empty, city: 'sète' }, 1],
      ['town "beziers" (no accent)', { ...empty, city: 'beziers' }, 1],
      ['name + department + town', { ...empty, name: 'chirurgie', department: '34', city: 'mont' }, 1],
    ];
    const measure = async (what: string, search: (d: typeof deps, filters: DirectoryFilters, page: number) => Promise<unknown>, queries: [string, DirectoryFilters, number][]) => {
      const all: number[] = [];
      for (const [label, filters, page] of queries) {
        const times: number[] = [];
        for (let i = 0; i < 3; i += 1) await search(deps, filters, page);
        for (let i = 0; i < 30; i += 1) {
          const t0 = performance.now();
          await search(deps, filters, page);
          times.push(performance.now() - t0);
        }
        all.push(...times);
        process.stdout.write(`${what} ${label}: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms\n`);
      }
      const p95 = percentile(all, 95);
      process.stdout.write(`${what}, all queries: p50 ${percentile(all, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (${((p95 / SEARCH_TARGET_P95_MS) * 100).toFixed(0)} % of the ${SEARCH_TARGET_P95_MS} ms target)\n`);
    };
    await measure('search', searchEstablishments, establishmentQueries);
    await measure('services search', searchServices, serviceQueries);
  } finally {
    await fake.close();
    await deps.db.destroy();
    if (!process.argv.includes('--keep')) {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
