/**
 * bench/decision.ts — the decision API and the token endpoint (issue 17).
 *
 * 1. Single decisions (POST /api/v1/access/evaluation) per second and their p95, at concurrency
 *    2 × cores, each request a different subject (1 000 accounts with 1–3 habilitations) and place;
 *    target ≥ 5 000/s and p95 ≤ 5 ms.
 * 2. Batch decisions (POST /api/v1/access/evaluations, 20 per request): decisions per second and the
 *    p95 of a request.
 * 3. Client-credentials grants per second at /oidc/token (client_secret_basic), against the Keycloak
 *    sizing reference of 120 grants per second per vCPU (× the cores of this machine).
 *
 * The application runs in this process on a real PostgreSQL (a database created for the run and
 * dropped after); the load comes from a child process (autocannon, keep-alive), so client and server
 * do not share one event loop. Loopback only; every measure is bounded in time.
 *
 *   npm run bench:decision [-- --seconds 10]
 */
import { fork } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config.js';
import { buildDeps } from '../src/deps.js';
import { buildApp } from '../src/http/app.js';
import { createBenchDatabase } from './bench-database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { loadCatalogue } from '../src/db/seed/catalogue.js';
import { checkClientForm, registerClient } from '../src/features/identity-provider/idp-clients.service.js';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 10;
const WARMUP_SECONDS = 2;
const CONNECTIONS = 2 * os.availableParallelism();
const SUBJECTS = 1000;

interface Load {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  /** Bodies sent in turn, one per request. */
  bodies: string[];
}
interface LoadResult {
  perSecond: number;
  p50: number;
  p95: number;
  total: number;
  non2xx: number;
  errors: number;
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function runLoad(load: Load, duration: number): Promise<LoadResult> {
  let next = 0;
  const requests: autocannon.Request[] = [{ method: load.method, setupRequest: (request) => ({ ...request, body: load.bodies[next++ % load.bodies.length]! }) }];
  const options = { url: load.url, method: load.method, headers: load.headers, connections: CONNECTIONS, pipelining: 1, timeout: 10, requests };
  await autocannon({ ...options, duration: WARMUP_SECONDS });
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ ...options, duration }, (error, r) => (error ? reject(error) : resolve(r)));
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  const sorted = Float64Array.from(latencies).sort();
  return { perSecond: latencies.length / duration, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), total: result.requests.total, non2xx: result.non2xx, errors: result.errors };
}

function loadFromChild(load: Load): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--load'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const deadline = setTimeout(() => child.kill('SIGKILL'), (WARMUP_SECONDS + seconds + 60) * 1000);
    let result: LoadResult | null = null;
    child.on('message', (message) => {
      result = message as LoadResult;
    });
    child.send({ load, seconds });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(deadline);
      if (result) resolve(result);
      else reject(new Error(`le générateur de charge s'est arrêté sans résultat (code ${code})`));
    });
  });
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');

async function main(): Promise<void> {
  const database = await createBenchDatabase('decision');
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    SESSION_SECRET: 'bench-secret-of-at-least-32-bytes-long',
    LOG_LEVEL: 'silent',
    JOBS: 'false',
    DATABASE_POOL_SIZE: '10',
    BASE_URL: 'http://127.0.0.1:3000',
    IDP_CLIENT_RATE_PER_SECOND: '1000000',
  });
  const deps = buildDeps(config, config.databaseUrl!);
  await migrateToLatest(deps.db);
  await loadCatalogue(deps.db);
  try {
    // The world: a region, 10 departments, 200 establishments with 5 units each, 1 000 people with 1–3 habilitations.
    await deps.db.insertInto('regions').values({ code: '76', name: 'Occitanie' }).onConflict((oc) => oc.doNothing()).execute();
    const departments = Array.from({ length: 10 }, (_, i) => `${30 + i}`);
    await deps.db.insertInto('departments').values(departments.map((code) => ({ code, name: `Département ${code}`, region_code: '76' }))).onConflict((oc) => oc.doNothing()).execute();
    const establishments = await deps.db
      .insertInto('establishments')
      .values(Array.from({ length: 200 }, (_, i) => ({ finess: `34${String(i).padStart(7, '0')}`, name: `Établissement ${i}`, category: 'Centre hospitalier', department_code: departments[i % 10]!, domain_code: 'SANITAIRE' })))
      .returning(['id', 'finess'])
      .execute();
    const units = await deps.db
      .insertInto('units')
      .values(establishments.flatMap((e) => Array.from({ length: 5 }, (_, k) => ({ establishment_id: e.id, name: `Unité ${k}` }))))
      .returning(['id', 'establishment_id'])
      .execute();
    const accounts = await deps.db
      .insertInto('accounts')
      .values(Array.from({ length: SUBJECTS }, (_, i) => ({ username: `decision${i}`, first_name: 'Banc', last_name: `Essai${i}`, email: `decision${i}@exemple.test` })))
      .returning('id')
      .execute();
    const profiles = new Map((await deps.db.selectFrom('profiles').select(['id', 'code']).execute()).map((p) => [p.code, p.id]));
    const today = new Date();
    const start = new Date(today.getTime() - 30 * 86_400_000).toISOString().slice(0, 10);
    const end = new Date(today.getTime() + 365 * 86_400_000).toISOString().slice(0, 10);
    await deps.db
      .insertInto('habilitations')
      .values(
        accounts.flatMap((a, i) =>
          Array.from({ length: 1 + (i % 3) }, (_, k) => {
            const e = establishments[(i * 7 + k * 13) % establishments.length]!;
            return k === 2
              ? { account_id: a.id, profile_id: profiles.get('SANITAIRE_COORDINATION')!, department_code: departments[i % 10]!, start_date: start, end_date: end }
              : { account_id: a.id, profile_id: profiles.get(k === 0 ? 'REFERENT_STRUCTURE' : 'SANITAIRE_RECEVEUR')!, establishment_id: e.id, start_date: start, end_date: end };
          }),
        ),
      )
      .execute();
    const admin = accounts[0]!.id;
    const input = await checkClientForm(
      deps,
      { name: 'Banc de décisions', clientId: 'banc-decisions', redirectUris: '', postLogoutRedirectUris: '', backchannelLogoutUri: '', scopes: ['access.evaluate'], domains: [], authMethod: 'client_secret_basic', jwks: '' },
      { creating: true },
    );
    const { secret } = await registerClient(deps, { accountId: admin, viewer: { firstName: '', lastName: '', username: '' }, strength: 'strong', grants: [] }, input, null);
    const basic = `Basic ${Buffer.from(`banc-decisions:${secret}`).toString('base64')}`;

    if (process.argv.includes('--probe')) {
      const { loadDecisionFacts } = await import('../src/features/identity-provider/decision.repository.js');
      const { performance } = await import('node:perf_hooks');
      for (let r = 0; r < 3; r++) {
        const t0 = performance.now();
        for (let i = 0; i < 200; i++) await loadDecisionFacts(deps.db, accounts[i]!.id, today.toISOString().slice(0, 10), { unitIds: [units[i]!.id], establishmentIds: [], finess: [], departmentCodes: [], regionCodes: [] });
        console.log('loadDecisionFacts ms', ((performance.now() - t0) / 200).toFixed(3));
      }
      const { DECISION_FACTS_SQL, decisionParameters } = await import('../src/features/identity-provider/decision.repository.js');
      const { poolOf } = await import('../src/db/database.js');
      const plan = await poolOf(deps.db)!.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, SUMMARY) ${DECISION_FACTS_SQL}`, decisionParameters(accounts[5]!.id, today.toISOString().slice(0, 10), { unitIds: [units[5]!.id], establishmentIds: [], finess: [], departmentCodes: [], regionCodes: [] }));
      console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
      return;
    }
    const app = await buildApp(deps);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('adresse inattendue');
    const base = `http://127.0.0.1:${address.port}`;
    const tokenResponse = await fetch(`${base}/oidc/token`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&scope=access.evaluate' });
    const token = ((await tokenResponse.json()) as { access_token: string }).access_token;
    if (!token) throw new Error('pas de jeton');

    const rights = ['accounts.manage', 'habilitations.grant', 'referrals.receive', 'directory.read', 'esms.medical.read'];
    // A module mostly asks about the places where the person works (a unit of their establishment),
    // sometimes elsewhere: subject i's structure-referent habilitation is at establishment (7 i) mod 200.
    const unitOf = (i: number, k: number) => (k % 4 === 3 ? units[(i * 31 + k) % units.length]! : units[((i * 7) % establishments.length) * 5 + (k % 5)]!);
    const single = Array.from({ length: 5000 }, (_, i) => {
      const subject = i % SUBJECTS;
      return JSON.stringify({ subject: { type: 'user', id: String(accounts[subject]!.id) }, action: { name: rights[i % rights.length]! }, resource: { type: 'unit', id: String(unitOf(subject, i).id) } });
    });
    const BATCH = 20;
    const batches = Array.from({ length: 1000 }, (_, i) =>
      JSON.stringify({
        subject: { type: 'user', id: String(accounts[i % SUBJECTS]!.id) },
        evaluations: Array.from({ length: BATCH }, (_, k) => ({ action: { name: rights[k % rights.length]! }, resource: k % 2 ? { type: 'unit', id: String(unitOf(i % SUBJECTS, k).id) } : { type: 'finess', id: establishments[((i % SUBJECTS) * 7) % establishments.length]!.finess } })),
      }),
    );
    const json = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    // Tokens live 5 minutes: every measure here is shorter.
    console.log(`bench/decision — ${new Date().toISOString()} — ${os.cpus()[0]?.model ?? '?'} × ${os.availableParallelism()}, Node ${process.version}, load average ${load()}`);
    console.log(`concurrency ${CONNECTIONS}, ${seconds} s per measure after ${WARMUP_SECONDS} s of warm-up, database ${database.server} ${database.version.split(' ')[0]}`);

    let permits = 0;
    for (const body of single.slice(0, 200)) {
      const answer = (await (await fetch(`${base}/api/v1/access/evaluation`, { method: 'POST', headers: json, body })).json()) as { decision: boolean };
      if (answer.decision) permits += 1;
    }
    console.log(`mix of the single requests: ${fmt((permits / 200) * 100, 0)} % permits, the rest refusals (each refusal audited)`);
    const one = await loadFromChild({ url: `${base}/api/v1/access/evaluation`, method: 'POST', headers: json, bodies: single });
    console.log(
      `single decisions : ${fmt(one.perSecond, 0)} /s (target ≥ 5 000: ratio ${fmt(one.perSecond / 5000, 2)}), p50 ${fmt(one.p50, 2)} ms, p95 ${fmt(one.p95, 2)} ms (target ≤ 5 ms: ratio ${fmt(5 / Math.max(one.p95, 0.001), 2)}) — ${one.non2xx} non-2xx, ${one.errors} errors`,
    );
    const many = await loadFromChild({ url: `${base}/api/v1/access/evaluations`, method: 'POST', headers: json, bodies: batches });
    console.log(
      `batch of ${BATCH}     : ${fmt(many.perSecond * BATCH, 0)} decisions/s (${fmt(many.perSecond, 0)} requests/s; ratio to 5 000: ${fmt((many.perSecond * BATCH) / 5000, 2)}), request p50 ${fmt(many.p50, 2)} ms, p95 ${fmt(many.p95, 2)} ms — ${many.non2xx} non-2xx, ${many.errors} errors`,
    );
    const grants = await loadFromChild({ url: `${base}/oidc/token`, method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, bodies: ['grant_type=client_credentials&scope=access.evaluate'] });
    const reference = 120 * os.availableParallelism();
    console.log(
      `client credentials: ${fmt(grants.perSecond, 0)} grants/s (Keycloak reference 120/s per vCPU × ${os.availableParallelism()} = ${reference}/s: ratio ${fmt(grants.perSecond / reference, 2)}), p50 ${fmt(grants.p50, 2)} ms, p95 ${fmt(grants.p95, 2)} ms — ${grants.non2xx} non-2xx, ${grants.errors} errors`,
    );
    console.log(`load average after: ${load()}`);
    await app.close();
  } finally {
    await deps.db.destroy();
    await database.drop();
  }
}

if (process.argv.includes('--load')) {
  process.once('message', (message) => {
    const { load: spec, seconds: duration } = message as { load: Load; seconds: number };
    void runLoad(spec, duration).then((result) => {
      process.send!(result, () => process.exit(0));
    });
  });
} else {
  await main();
}
