/**
 * Observability: Prometheus metrics (prom-client), served by `GET /metrics` (http/metrics.ts).
 * Counters and histograms live in one registry per process, fed by the request hook, the session
 * opening, the job runner and `recordLogin`; the database figures (outbox backlog and age, pool)
 * are read when the endpoint is scraped. Labels never carry a raw URL, an account or an address:
 * routes are their pattern (`/administration/comptes/:id`), so the number of series stays bounded.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../db/database.js';
import { poolOf } from '../db/database.js';
import { outboxBacklog } from './outbox/outbox.js';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'habilis_' });

const httpRequests = new Counter({
  name: 'habilis_http_requests_total',
  help: 'Requêtes HTTP par route (motif, jamais l’URL), méthode et statut.',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

const httpDuration = new Histogram({
  name: 'habilis_http_request_duration_seconds',
  help: 'Durée des requêtes HTTP par route et méthode, en secondes.',
  labelNames: ['method', 'route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

const logins = new Counter({
  name: 'habilis_logins_total',
  help: 'Connexions par méthode (password, code, cps, psc, partner…) et issue (success, failure, blocked, throttled).',
  labelNames: ['method', 'outcome'] as const,
  registers: [metricsRegistry],
});

const jobFailures = new Counter({
  name: 'habilis_job_failures_total',
  help: 'Exécutions de tâches de fond en échec, par tâche.',
  labelNames: ['job'] as const,
  registers: [metricsRegistry],
});

const outboxPending = new Gauge({
  name: 'habilis_outbox_pending',
  help: 'Messages en attente d’envoi dans la boîte d’envoi, par canal.',
  labelNames: ['channel'] as const,
  registers: [metricsRegistry],
});

const outboxOldest = new Gauge({
  name: 'habilis_outbox_oldest_pending_age_seconds',
  help: 'Âge du plus ancien message non envoyé (0 quand il n’y en a pas), en secondes.',
  registers: [metricsRegistry],
});

const pool = new Gauge({
  name: 'habilis_db_pool_connections',
  help: 'Connexions du pool PostgreSQL de ce processus : total, idle, waiting (requêtes en attente d’une connexion).',
  labelNames: ['state'] as const,
  registers: [metricsRegistry],
});

const databaseUp = new Gauge({
  name: 'habilis_database_up',
  help: '1 quand la base a répondu à la lecture des métriques, 0 sinon.',
  registers: [metricsRegistry],
});

export type LoginOutcome = 'success' | 'failure' | 'blocked' | 'throttled';

/** One login attempt's outcome; `method` is the way of signing in (password, code, cps, psc, partner…). */
export function recordLogin(method: string, outcome: LoginOutcome): void {
  logins.inc({ method, outcome });
}

/** The outcome of a refused step, from its error: throttled (429), blocked account (R02), or a plain failure. */
export function refusedLoginOutcome(error: { code: string; status: number }): LoginOutcome {
  if (error.status === 429) return 'throttled';
  return error.code === 'ACCOUNT_BLOCKED' ? 'blocked' : 'failure';
}

/** A session's way of signing in as a metrics label: partner ids folded, the code step named. */
export function loginMethodLabel(authMethod: string): string {
  if (authMethod === 'password') return 'password+code';
  return authMethod.split(':')[0]!;
}

export function recordRequest(method: string, route: string, status: number, seconds: number): void {
  httpRequests.inc({ method, route, status: String(status) });
  httpDuration.observe({ method, route }, seconds);
}

export function recordJobFailure(job: string): void {
  jobFailures.inc({ job });
}

/** Reads the database figures, then renders every metric in the Prometheus text format. */
export async function renderMetrics(db: Db): Promise<string> {
  const stats = poolOf(db);
  if (stats) {
    pool.set({ state: 'total' }, stats.totalCount);
    pool.set({ state: 'idle' }, stats.idleCount);
    pool.set({ state: 'waiting' }, stats.waitingCount);
  }
  try {
    const backlog = await outboxBacklog(db);
    for (const row of backlog) outboxPending.set({ channel: row.channel }, row.pending);
    outboxOldest.set(Math.max(0, ...backlog.map((row) => row.oldestSeconds)));
    databaseUp.set(1);
  } catch {
    databaseUp.set(0);
  }
  return metricsRegistry.metrics();
}
