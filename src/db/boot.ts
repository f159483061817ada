/**
 * The database at start (`main.ts`, `npm run db:migrate`): which server, which roles, which
 * migrations. See roles.ts for the two roles and docs/operations.md for their set-up.
 */
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db } from './database.js';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded.js';
import { migrateToLatest } from './migrate.js';
import { migrations } from './migrations/index.js';
import { checkRole, migrateAsOwner, provisionDatabase, roleOf } from './roles.js';
import { StartupError } from './startup-error.js';

export interface DatabaseTarget {
  /** The application role's connection: everything the processes do at run time. */
  appUrl: string;
  /** The owner role's connection for the migrations, when there is one. */
  migrationUrl: string | undefined;
  embedded: EmbeddedServer | null;
}

/** The embedded server's database and roles: the same two roles as production, created at first start. */
export const EMBEDDED_DATABASE = { database: 'habilis', ownerRole: 'habilis_owner', appRole: 'habilis_app', password: 'habilis-embedded' } as const;

/** DATABASE_URL (and DATABASE_MIGRATION_URL), or an embedded PostgreSQL with its roles. */
export async function openDatabaseTarget(config: Config): Promise<DatabaseTarget> {
  if (config.databaseUrl) return { appUrl: config.databaseUrl, migrationUrl: config.databaseMigrationUrl, embedded: null };
  const embedded = await startEmbeddedPostgres({ dataDir: config.embeddedPgDir, persistent: true, port: config.embeddedPgPort });
  try {
    const { appUrl, ownerUrl } = await provisionDatabase(embedded.url, EMBEDDED_DATABASE);
    return { appUrl, migrationUrl: ownerUrl, embedded };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}

/**
 * Migrations by the owner role, then the application role's grants; without an owner connection,
 * outside production, by DATABASE_URL itself (a developer's single role); in production the schema
 * must then be up to date already (`npm run db:migrate`). Then the application's own role is
 * checked: in production a superuser or the owner of the history is refused.
 */
export async function prepareSchema(config: Config, target: DatabaseTarget, db: Db, logger: Logger): Promise<string[]> {
  const applied = await migrateSchema(config, target, db);
  await checkApplicationRole(config, db, logger);
  return applied;
}

export async function migrateSchema(config: Config, target: DatabaseTarget, db: Db): Promise<string[]> {
  let applied: string[] = [];
  if (target.migrationUrl && roleOf(target.migrationUrl) !== roleOf(target.appUrl)) {
    applied = await migrateAsOwner(target.migrationUrl, roleOf(target.appUrl));
  } else if (target.migrationUrl || !config.isProduction) {
    applied = await migrateToLatest(db);
  } else {
    const done = await sql<{ name: string }>`select name from kysely_migration`.execute(db).then((r) => r.rows, () => []);
    const missing = Object.keys(migrations).filter((name) => !done.some((row) => row.name === name));
    if (missing.length > 0) {
      throw new StartupError(
        `La base de données n’est pas à jour (${missing.length} migration(s) à appliquer, dont ${missing[0]}).\n` +
          'Solution : lancez « npm run db:migrate » avec DATABASE_MIGRATION_URL (rôle propriétaire), ou donnez DATABASE_MIGRATION_URL au démarrage.',
      );
    }
  }
  return applied;
}

/** The application's role must not be able to switch the history's trigger off: refused in production, a warning elsewhere. */
export async function checkApplicationRole(config: Config, db: Db, logger: Logger): Promise<void> {
  const role = await checkRole(db);
  if (role.superuser || role.ownsHistory) {
    const what = role.superuser ? 'un superutilisateur' : 'le propriétaire des tables';
    const message =
      `DATABASE_URL se connecte avec le rôle « ${role.role} », ${what} : il pourrait désactiver le déclencheur qui protège l’historique.\n` +
      'Solution : donnez à DATABASE_URL le rôle de l’application et à DATABASE_MIGRATION_URL le rôle propriétaire (docs/operations.md, « Rôles PostgreSQL »).';
    if (config.isProduction) throw new StartupError(message);
    logger.warn({ role: role.role }, message);
  }
}
