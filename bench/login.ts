/**
 * bench/login.ts — the cost of the login around its password hash.
 *
 * 1. Raw argon2id verifications per second on this machine, at concurrency 2 × cores.
 * 2. Full password-step logins per second over HTTP at the same concurrency (form POST with CSRF,
 *    rate limits, lockout bookkeeping, session, one-time code, outbox mail, audit), on a real
 *    PostgreSQL. Ratio = logins/s ÷ verifications/s (target ≥ 0.85).
 *    Beside it, the CPU time of one login (this server process, argon2id's threads included, plus
 *    the PostgreSQL backends of the bench's database) against that of one raw verification, and the
 *    share of the login's CPU spent in argon2id's threads during the same seconds: figures that other
 *    work on a shared machine disturbs much less than the throughput ratio.
 * 3. p50/p95 of the code validation step.
 * 4. R01 timing: median latency of a wrong password vs an unknown username, and their ratio.
 *
 * Bounded: fixed counts, loopback only. Usage: npm run bench:login [-- --seconds 10]
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { buildDeps } from '../src/deps.js';
import { buildApp } from '../src/http/app.js';
import { freePort } from '../src/db/embedded.js';
import { createBenchDatabase } from './bench-database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { loadCatalogue } from '../src/db/seed/catalogue.js';
import { hashPassword, verifyPassword } from '../src/platform/passwords.js';
import { TERMS_VERSION } from '../src/features/auth/terms.js';
import { startJobs } from '../src/platform/jobs/jobs.js';
import { outboxJob } from '../src/platform/outbox/outbox.job.js';

const PASSWORD = 'Tulipe-Verte-42';
const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 10;
const concurrency = 2 * os.availableParallelism();
const WARM_UP_SECONDS = 3;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const median = (values: number[]) => percentile(values, 50);
const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** CPU time (ms) used so far by a process or thread, from its /proc stat file; 0 when unreadable (not Linux, another machine). */
function statCpuMs(path: string): number {
  try {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in ticks of 10 ms (USER_HZ 100)
  } catch {
    return 0;
  }
}
const processCpuMs = (pid: number) => statCpuMs(`/proc/${pid}/stat`);

/** CPU time (ms) of this process's libuv pool threads, where argon2id runs (nothing else of the login does). */
function argon2ThreadsCpuMs(): number {
  const threads = existsSync('/proc/self/task') ? readdirSync('/proc/self/task') : [];
  const isPoolThread = (tid: string) => readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').startsWith('libuv-worker');
  return threads.filter(isPoolThread).reduce((sum, tid) => sum + statCpuMs(`/proc/self/task/${tid}/stat`), 0);
}

/** Runs `task` with `concurrency` workers for `seconds`; returns completions per second. */
async function throughput(task: (worker: number, i: number) => Promise<void>): Promise<{ perSecond: number; count: number }> {
  const end = performance.now() + seconds * 1000;
  let count = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; performance.now() < end; i += 1) {
        await task(worker, i);
        count += 1;
      }
    }),
  );
  return { perSecond: count / ((performance.now() - started) / 1000), count };
}

async function main() {
  const database = await createBenchDatabase('login');
  const port = await freePort();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    SESSION_SECRET: 'bench-secret-of-at-least-32-bytes-long',
    LOG_LEVEL: 'silent',
    JOBS: 'false',
    PORT: String(port),
    BASE_URL: `http://localhost:${port}`,
    // Behind a load balancer, each client has its own address: the bench spreads its logins over many.
    TRUST_PROXY: '127.0.0.1',
  });
  const deps = buildDeps(config, config.databaseUrl!);
  await migrateToLatest(deps.db);
  await loadCatalogue(deps.db);

  const hash = await hashPassword(PASSWORD);
  const accounts = 400;
  await deps.db
    .insertInto('accounts')
    .values(
      Array.from({ length: accounts }, (_, i) => ({
        username: `bench${i}`,
        first_name: 'Banc',
        last_name: `Essai${i}`,
        email: `bench${i}@exemple.test`,
        password_hash: hash,
        password_changed_at: new Date(),
        terms_version_accepted: TERMS_VERSION,
      })),
    )
    .execute();

  // As main.ts starts a node with JOBS=false: pg-boss runs, so every login's outbox wake-up is
  // measured, and nothing is delivered (no SMTP here).
  deps.jobs = await startJobs(config.databaseUrl!, [outboxJob(deps)], deps.logger, { work: config.jobs });
  const app = await buildApp(deps);
  await app.listen({ host: '127.0.0.1', port });
  const base = `http://127.0.0.1:${port}`;

  console.log(`bench/login — ${new Date().toISOString()} — ${os.cpus()[0]?.model ?? '?'} × ${os.availableParallelism()}, Node ${process.version}`);
  console.log(`concurrency ${concurrency}, ${seconds} s per measure, database ${database.server}`);

  // 1. Raw argon2id verifications.
  const rawCpuStart = process.cpuUsage();
  const raw = await throughput(async () => {
    await verifyPassword(hash, PASSWORD);
  });
  const rawCpu = process.cpuUsage(rawCpuStart);
  const rawCpuMs = (rawCpu.user + rawCpu.system) / 1000 / raw.count;
  console.log(`argon2id verify (raw, in process):        ${fmt(raw.perSecond)} /s`);

  // 2. Full password-step logins, sent by a load generator in a process of its own, after a warm-up
  // run: a server runs for hours, its code compiled and its connections open. The CPU of PostgreSQL
  // is that of the backends connected to the bench's database (the app's pool and pg-boss's).
  const generate = (runSeconds: number) =>
    new Promise<{ count: number; perSecond: number; cpuMs: number; sessions: { cookie: string; token: string; account: number }[] }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', new URL('./login-client.ts', import.meta.url).pathname, base, config.baseUrl.origin, String(runSeconds), String(concurrency), String(accounts)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`générateur de charge : code ${code}`))));
    });
  await generate(WARM_UP_SECONDS);
  const backends = async () => (await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(deps.db)).rows.map((r) => r.pid);
  const backendsCpuStart = new Map((await backends()).map((pid) => [pid, processCpuMs(pid)]));
  const serverCpuStart = process.cpuUsage();
  const argon2CpuStart = argon2ThreadsCpuMs();
  const generator = await generate(seconds);
  const serverCpu = process.cpuUsage(serverCpuStart);
  const argon2CpuMs = (argon2ThreadsCpuMs() - argon2CpuStart) / generator.count;
  const backendsCpuMs = (await backends()).reduce((sum, pid) => sum + processCpuMs(pid) - (backendsCpuStart.get(pid) ?? 0), 0) / generator.count;
  const logins = generator;
  const sessions = generator.sessions;
  console.log(`password-step logins over HTTP:            ${fmt(logins.perSecond)} /s (${logins.count} logins after ${WARM_UP_SECONDS} s of warm-up, load from a separate process)`);
  console.log(`ratio logins / raw verifications:          ${fmt(logins.perSecond / raw.perSecond, 2)} (target ≥ 0.85)`);
  const serverCpuMs = (serverCpu.user + serverCpu.system) / 1000 / logins.count;
  console.log(`CPU per raw verification:                  ${fmt(rawCpuMs, 2)} ms`);
  console.log(
    `CPU per login:                             ${fmt(serverCpuMs + backendsCpuMs, 2)} ms = server ${fmt(serverCpuMs, 2)} (argon2id included) + PostgreSQL backends ${fmt(backendsCpuMs, 2)}` +
      (backendsCpuMs === 0 ? ' (not readable here)' : ''),
  );
  console.log(`CPU ratio raw verification / login:        ${fmt(rawCpuMs / (serverCpuMs + backendsCpuMs), 2)} (load generator: ${fmt(generator.cpuMs / logins.count, 2)} ms per login, not counted)`);
  if (argon2CpuMs > 0) {
    console.log(`argon2id share of the login's CPU:         ${fmt(argon2CpuMs / (serverCpuMs + backendsCpuMs), 2)} (its threads: ${fmt(argon2CpuMs, 2)} ms per login, the rest: ${fmt(serverCpuMs + backendsCpuMs - argon2CpuMs, 2)} ms)`);
  }
  console.log(`reference: Keycloak's sizing plans 15 password logins/s per vCPU, i.e. ${15 * os.availableParallelism()} /s here`);
  const post = (url: string, fields: Record<string, string>, session: { cookie: string; token: string }, ip: string) =>
    fetch(`${base}${url}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: config.baseUrl.origin, cookie: session.cookie, 'x-forwarded-for': ip },
      body: new URLSearchParams({ _csrf: session.token, ...fields }),
    });

  // 3. Code validation latency: the code is read back from the outbox as a user reads their mail.
  const codeLatencies: number[] = [];
  for (const [i, session] of sessions.slice(0, 200).entries()) {
    const mail = await deps.db
      .selectFrom('outbox_messages')
      .select('text_body')
      .where('recipient', '=', `bench${session.account}@exemple.test`)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const code = /\b(\d{6})\b/.exec(mail.text_body)![1]!;
    const started = performance.now();
    const response = await post('/connexion/code', { code }, session, `10.7.${i}.1`);
    await response.arrayBuffer();
    codeLatencies.push(performance.now() - started);
    // A later login of the same account replaced the code: such a refusal is still a full validation step.
    if (![303, 400].includes(response.status)) throw new Error(`code: HTTP ${response.status}`);
  }
  console.log(`code validation latency:                   p50 ${fmt(median(codeLatencies))} ms, p95 ${fmt(percentile(codeLatencies, 95))} ms (${codeLatencies.length} validations)`);

  // 4. R01 timing: wrong password vs unknown username, interleaved, sequential.
  const wrong: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < 60; i += 1) {
    for (const [list, username] of [
      [wrong, `bench${i % accounts}`],
      [unknown, `inconnu${i}`],
    ] as const) {
      const started = performance.now();
      const response = await post('/connexion', { username, password: 'Mauvais-Mot-2026' }, sessions[0]!, `10.8.${i}.${list === wrong ? 1 : 2}`);
      await response.arrayBuffer();
      list.push(performance.now() - started);
    }
  }
  console.log(`R01 timing, median wrong password:         ${fmt(median(wrong))} ms; unknown username: ${fmt(median(unknown))} ms; ratio ${fmt(median(unknown) / median(wrong), 2)}`);

  await app.close();
  await deps.jobs.stop();
  await deps.db.destroy();
  await database.drop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
