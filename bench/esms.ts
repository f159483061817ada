/**
 * bench/esms.ts — the ESMS notifications (issue 14) on N synthetic notifications (default 1 000 000
 * over 30 000 ESMS, `db:generate --notifications`'s code), in a database created for the run and
 * dropped at its end:
 *
 * 1. The dashboard's first page (R62) for the largest ESMS, every tab's count included, through the
 *    service (`loadDashboard`) and through HTTP (`GET /esms/tableau-de-bord`, session, rendering):
 *    p50/p95, target p95 ≤ 50 ms.
 * 2. Retrieval (R63, `searchForRetrieval`: both throttles, the three-identifier query): p95, target
 *    ≤ 20 ms; the clock moves 16 minutes between searches so the throttle never refuses.
 * 3. The export (R62 "Exporter", tier 3: every column) of the largest stage of the largest ESMS, to a
 *    stream that discards: its time and the time per 10 000 rows, target ≤ 2 s for 10 000 rows.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:esms -- --notifications 1000000 [--runs 200]
 */
import os from 'node:os';
import { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { buildDeps, type Deps } from '../src/deps.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { loadCatalogue } from '../src/db/seed/catalogue.js';
import { generateNotifications } from '../src/db/seed/esms-generate.js';
import { buildApp } from '../src/http/app.js';
import { addToDate, fixedClock, parisDate } from '../src/platform/clock.js';
import { randomToken, sha256 } from '../src/platform/crypto.js';
import type { Principal } from '../src/features/habilitations/habilitation.policy.js';
import { loadDashboard, planExport, writeExport } from '../src/features/esms/esms.service.js';
import { searchForRetrieval } from '../src/features/esms/esms-retrieval.service.js';
import { parseDashboardQuery, parseRetrievalForm } from '../src/features/esms/esms.schemas.js';
import { createBenchDatabase } from './bench-database.js';

const TARGET_DASHBOARD_P95_MS = 50;
const TARGET_RETRIEVAL_P95_MS = 20;
const TARGET_EXPORT_10K_S = 2;

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const notifications = Number(arg('--notifications') ?? 1_000_000);
const runs = Number(arg('--runs') ?? 200);
const print = (line = '') => process.stdout.write(`${line}\n`);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
async function timeRuns(count: number, task: (i: number) => Promise<unknown>) {
  for (let i = 0; i < Math.min(20, count); i += 1) await task(i);
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const t0 = performance.now();
    await task(i);
    times.push(performance.now() - t0);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times) };
}
const ms = (v: number) => `${v.toFixed(1)} ms`;

async function main() {
  const database = await createBenchDatabase('esms');
  const clock = fixedClock(new Date());
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, SESSION_SECRET: 'bench-secret-of-at-least-32-bytes-long', LOG_LEVEL: 'silent', JOBS: 'false' });
  const deps: Deps = buildDeps(config, database.url, { clock, mailTransport: null, smsTransport: null });
  try {
    await migrateToLatest(deps.db);
    await loadCatalogue(deps.db);
    print(`# bench/esms.ts — ${new Date().toISOString()}`);
    print(`machine: ${os.cpus().length} cœurs, ${Math.round(os.totalmem() / 2 ** 30)} GiB, charge ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}; Node ${process.version}; PostgreSQL ${database.version} (${database.server})`);
    const generated = await generateNotifications(deps.db, { notifications, now: clock.now(), log: print });
    print(`génération : ${generated.notifications.toLocaleString('fr-FR')} notifications sur ${generated.establishments.toLocaleString('fr-FR')} ESMS en ${(generated.ms / 1000).toFixed(1)} s`);

    const largest = (await sql<{ id: number; n: number; department_code: string; region_code: string }>`
      select n.establishment_id as id, count(*)::int as n, e.department_code, d.region_code
      from esms_notifications n join establishments e on e.id = n.establishment_id join departments d on d.code = e.department_code
      group by 1, 3, 4 order by 2 desc limit 1`.execute(deps.db)).rows[0]!;
    const account = await deps.db.insertInto('accounts').values({ username: 'banc.esms', first_name: 'Banc', last_name: 'Essai', email: 'banc.esms@exemple.test', terms_version_accepted: 'x' }).returning('id').executeTakeFirstOrThrow();
    const profile = await deps.db.selectFrom('profiles').select('id').where('code', '=', 'HANDICAP_ESMS_MEDICAL').executeTakeFirstOrThrow();
    await deps.db.insertInto('habilitations').values({ account_id: account.id, profile_id: profile.id, establishment_id: largest.id, start_date: addToDate(parisDate(clock.now()), { years: -1 }), end_date: addToDate(parisDate(clock.now()), { years: 1 }) }).execute();
    const rights = (await deps.db.selectFrom('profile_rights').select('right_code').where('profile_id', '=', profile.id).execute()).map((r) => r.right_code);
    const principal: Principal = {
      accountId: account.id,
      viewer: { firstName: 'Banc', lastName: 'Essai', username: 'banc.esms', rights },
      strength: 'strong',
      grants: [{ habilitationId: 0, profileCode: 'HANDICAP_ESMS_MEDICAL', profileDomain: 'HANDICAP', rights, location: { level: 'establishment', establishmentId: largest.id, departmentCode: largest.department_code, regionCode: largest.region_code } }],
    };
    const stages = (await sql<{ stage: string; n: number }>`
      select s.stage, count(*)::int n from esms_notifications n join esms_status_codes s on s.code = n.status_code where n.establishment_id = ${largest.id} group by 1 order by 2 desc`.execute(deps.db)).rows;
    print(`ESMS le plus grand : ${largest.n.toLocaleString('fr-FR')} notifications (${stages.map((s) => `${s.stage} ${s.n}`).join(', ')})`);
    print();

    // 1. Dashboard, first page of the default tab and of the largest tab.
    for (const stage of ['a_traiter', stages[0]!.stage]) {
      const q = parseDashboardQuery({ onglet: stage });
      const r = await timeRuns(runs, () => loadDashboard(deps, principal, q));
      print(`## Tableau de bord, 1re page de « ${stage} » (service) : p50 ${ms(r.p50)}, p95 ${ms(r.p95)}, max ${ms(r.max)} — ratio p95 / ${TARGET_DASHBOARD_P95_MS} ms : ${(r.p95 / TARGET_DASHBOARD_P95_MS).toFixed(2)}`);
    }
    const app = await buildApp(deps);
    const token = randomToken();
    const farFuture = new Date(clock.now().getTime() + 86_400_000);
    await deps.db.insertInto('sessions').values({ id_hash: sha256(token), account_id: account.id, strength: 'strong', auth_method: 'bench', last_seen_at: clock.now(), expires_at: farFuture }).execute();
    const http = await timeRuns(runs, async () => {
      const response = await app.inject({ method: 'GET', url: '/esms/tableau-de-bord', headers: { cookie: `habilis_session=${token}`, accept: 'text/html' } });
      if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
    });
    print(`## Tableau de bord par HTTP (session, rendu) : p50 ${ms(http.p50)}, p95 ${ms(http.p95)}, max ${ms(http.max)} — ratio p95 / ${TARGET_DASHBOARD_P95_MS} ms : ${(http.p95 / TARGET_DASHBOARD_P95_MS).toFixed(2)}`);
    await app.close();

    // 2. Retrieval: real identities (right), and as many wrong birth dates.
    const people = (await sql<{ number: string; birth: string }>`
      select mdph_individual_number as number, to_char(birth_date, 'YYYY-MM-DD') as birth from esms_persons where id % ${Math.max(1, Math.floor(notifications / 400))} = 0 limit 400`.execute(deps.db)).rows;
    const retrieval = await timeRuns(runs, async (i) => {
      clock.advance(16 * 60_000);
      const p = people[i % people.length]!;
      const form = parseRetrievalForm({ mdph: '34', numero: p.number, naissance: i % 2 === 0 ? p.birth : '1901-01-01' });
      await searchForRetrieval(deps, principal, `10.0.${i % 250}.1`, form).catch((error: Error) => {
        if (!/Aucune notification/.test(error.message)) throw error;
      });
    });
    print(`## Récupérer une notification (deux limites de débit et la recherche) : p50 ${ms(retrieval.p50)}, p95 ${ms(retrieval.p95)}, max ${ms(retrieval.max)} — ratio p95 / ${TARGET_RETRIEVAL_P95_MS} ms : ${(retrieval.p95 / TARGET_RETRIEVAL_P95_MS).toFixed(2)}`);

    // 3. Export of the largest tab of the largest ESMS, tier 3 (every column).
    for (let k = 0; k < 3; k++) {
      const plan = await planExport(deps, principal, parseDashboardQuery({ onglet: stages[0]!.stage }));
      let bytes = 0;
      const sink = new Writable({ write: (chunk: Buffer, _e, done) => { bytes += chunk.length; done(); } });
      const t0 = performance.now();
      const rows = await writeExport(deps, principal, plan, sink);
      const seconds = (performance.now() - t0) / 1000;
      const per10k = (seconds * 10_000) / rows;
      print(`## Export (niveau 3, toutes les colonnes) de ${rows.toLocaleString('fr-FR')} lignes : ${seconds.toFixed(2)} s, ${(bytes / 2 ** 20).toFixed(1)} Mo — soit ${per10k.toFixed(2)} s pour 10 000 lignes — ratio / ${TARGET_EXPORT_10K_S} s : ${(per10k / TARGET_EXPORT_10K_S).toFixed(2)}`);
    }
  } finally {
    await deps.db.destroy();
    await database.drop();
    print(`base ${database.name} supprimée`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
