/**
 * The login + referent mix on two nodes (issue 12): 20, 50 then 100 concurrent users, each looping
 * over a whole login (login page, password, code read from the outbox, a new browser each time so
 * no trusted browser) and three referent actions (account search, review, its Excel export), against two
 * application processes behind the test's loopback round-robin proxy on one embedded PostgreSQL
 * (test/cluster/cluster.ts). Prints throughput and p95 per action at each level, then the outage
 * window: PostgreSQL stopped 5 s under the 50-user load. Figures in bench/README.md; never a test.
 */
import { cpus } from 'node:os';
import { Browser, demoUsername, latestCode, startCluster, type Answer, type Cluster } from '../test/cluster/cluster.js';
import { DEMO_PASSWORD } from '../src/db/seed/demo.js';
import { TERMS_VERSION } from '../src/features/auth/terms.js';

const LEVELS = (process.env.MIX_LEVELS ?? '20,50,100').split(',').filter(Boolean).map(Number);
const SECONDS = Number(process.env.MIX_SECONDS ?? 20);
const ACTIONS = ['page', 'connexion', 'code', 'recherche', 'revue', 'export'] as const;
type Action = (typeof ACTIONS)[number];

interface Result {
  action: Action;
  ms: number;
  status: number;
  at: number;
}

/** One bench referent per user, each with the demo referent's habilitations and password. */
async function createReferents(cluster: Cluster, count: number): Promise<{ username: string; email: string }[]> {
  const model = demoUsername(0);
  await cluster.ownerDb.query(
    `insert into accounts (username, first_name, last_name, email, password_hash, password_changed_at, email_verified_at, terms_version_accepted, terms_accepted_at)
     select 'banc.ref' || n, 'Banc', 'Référent ' || n, 'banc.ref' || n || '@habilis.test', a.password_hash, now(), now(), $3, now()
     from accounts a, generate_series(1, $2::int) n where a.username = $1
     on conflict do nothing`,
    [model, count, TERMS_VERSION],
  );
  await cluster.ownerDb.query(
    `insert into habilitations (account_id, profile_id, unit_id, establishment_id, department_code, region_code, start_date, end_date, email_notifications)
     select b.id, h.profile_id, h.unit_id, h.establishment_id, h.department_code, h.region_code, h.start_date, h.end_date, false
     from accounts a join habilitations h on h.account_id = a.id and h.deleted_at is null
     cross join accounts b where a.username = $1 and b.username like 'banc.ref%'`,
    [model],
  );
  return Array.from({ length: count }, (_, i) => ({ username: `banc.ref${i + 1}`, email: `banc.ref${i + 1}@habilis.test` }));
}

async function timed(results: Result[], started: number, action: Action, run: () => Promise<Answer>): Promise<Answer> {
  const t0 = performance.now();
  try {
    const answer = await run();
    results.push({ action, ms: performance.now() - t0, status: answer.status, at: Date.now() - started });
    return answer;
  } catch (error) {
    // No answer at all (the client gives up after 60 s): counted, never hidden.
    results.push({ action, ms: performance.now() - t0, status: 0, at: Date.now() - started });
    throw error;
  }
}

async function user(cluster: Cluster, referent: { username: string; email: string }, filters: string, until: number, results: Result[], started: number): Promise<void> {
  while (Date.now() < until) {
    const browser = new Browser(cluster.url);
    try {
      const page = await timed(results, started, 'page', () => browser.get('/connexion'));
      if (page.status !== 200) continue;
      const password = await timed(results, started, 'connexion', () => browser.post('/connexion', { username: referent.username, password: DEMO_PASSWORD }));
      if (password.status !== 303) continue;
      const code = await latestCode(cluster.db, referent.email);
      const strong = await timed(results, started, 'code', () => browser.post('/connexion/code', { code }));
      if (strong.status !== 303) continue;
      await timed(results, started, 'recherche', () => browser.get('/administration/comptes?q=martin'));
      await timed(results, started, 'revue', () => browser.get(`/administration/revue?${filters}`));
      await timed(results, started, 'export', () => browser.get(`/administration/revue/export?${filters}`));
      await browser.post('/deconnexion');
    } catch {
      await new Promise((r) => setTimeout(r, 100)); // the bench's own read of the code during an outage
    }
  }
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? NaN;
}

async function level(cluster: Cluster, referents: { username: string; email: string }[], users: number, filters: string, outage: boolean): Promise<Result[]> {
  const results: Result[] = [];
  const started = Date.now();
  const until = started + SECONDS * 1000;
  const down = outage
    ? (async () => {
        await new Promise((r) => setTimeout(r, (SECONDS * 1000) / 3));
        const stoppedAt = Date.now() - started;
        await cluster.postgres.stop();
        await new Promise((r) => setTimeout(r, 5000));
        await cluster.postgres.start();
        return { stoppedAt, restartedAt: Date.now() - started };
      })()
    : null;
  await Promise.all(referents.slice(0, users).map((r) => user(cluster, r, filters, until, results, started)));
  const window = await down;
  const ok = results.filter((r) => r.status > 0 && r.status < 400);
  const line = (action: Action) => {
    // Throughput and p95 of the answers that did the action (2xx, 3xx); refusals and 503s counted apart.
    const all = results.filter((r) => r.action === action);
    const done = all.filter((r) => r.status > 0 && r.status < 400);
    const refused = all.filter((r) => r.status >= 400 && r.status < 500).length;
    const unavailable = all.filter((r) => r.status >= 500).length;
    const unanswered = all.filter((r) => r.status === 0).length;
    return `${action.padEnd(10)} ${String(done.length).padStart(6)} ${(done.length / SECONDS).toFixed(1).padStart(8)}/s   p95 ${p95(done.map((r) => r.ms)).toFixed(0).padStart(6)} ms   (4xx ${refused}, 5xx ${unavailable}, sans réponse ${unanswered})`;
  };
  process.stdout.write(`\n${users} utilisateurs simultanés, ${SECONDS} s${outage ? ' (avec panne PostgreSQL)' : ''} : ${(ok.length / SECONDS).toFixed(1)} actions/s, ${results.filter((r) => r.status >= 500).length} réponses ≥ 500\n`);
  for (const action of ACTIONS) process.stdout.write(`  ${line(action)}\n`);
  if (window) {
    const unavailable = results.filter((r) => r.status === 503);
    const other = results.filter((r) => r.status >= 500 && r.status !== 503);
    const first = unavailable[0]?.at;
    const last = unavailable.at(-1)?.at;
    process.stdout.write(
      `  panne : PostgreSQL arrêté à ${(window.stoppedAt / 1000).toFixed(1)} s, redémarré à ${(window.restartedAt / 1000).toFixed(1)} s ; ` +
        (first !== undefined && last !== undefined
          ? `503 de ${(first / 1000).toFixed(1)} s à ${(last / 1000).toFixed(1)} s (${unavailable.length} réponses, fenêtre ${((last - first) / 1000).toFixed(1)} s, fin ${((last - window.restartedAt) / 1000).toFixed(1)} s après le redémarrage)`
          : 'aucune 503') +
        `, ${other.length} autres erreurs serveur\n`,
    );
  }
  return results;
}

const cluster = await startCluster({ nodes: 2, env: { LOG_LEVEL: 'error' } });
try {
  process.stdout.write(`Mélange connexion + référent, 2 nœuds, PostgreSQL embarqué ; ${cpus().length} cœurs (${cpus()[0]?.model ?? '?'})\n`);
  const referents = await createReferents(cluster, Math.max(50, ...LEVELS));
  const { rows } = await cluster.db.query<{ id: number; domain_code: string; department_code: string }>(
    "select id, domain_code, department_code from establishments where finess = '349900011'",
  );
  const filters = `domaine=${rows[0]!.domain_code}&coordination=${rows[0]!.department_code}&structure=${rows[0]!.id}`;
  for (const users of LEVELS) await level(cluster, referents, users, filters, false);
  await level(cluster, referents, 50, filters, true);
  process.stdout.write(`\nRequêtes servies : ${[...cluster.served].map(([node, n]) => `${node} ${n}`).join(', ')}\n`);
} finally {
  await cluster.stop();
}
