/**
 * `npm run db:migrate`: applies the migrations as the owner role (DATABASE_MIGRATION_URL) and grants
 * the application role of DATABASE_URL; with DATABASE_URL alone, as that role; without either, to
 * the embedded database.
 */
import { loadConfig } from '../config.js';
import { createDatabase } from './database.js';
import { migrateSchema, openDatabaseTarget } from './boot.js';
import { StartupError } from './startup-error.js';

const config = loadConfig();
try {
  const target = await openDatabaseTarget(config);
  // Migrating is what this command is for, production included.
  const withMigrations = { ...target, migrationUrl: target.migrationUrl ?? target.appUrl };
  const db = createDatabase(target.appUrl, 2);
  try {
    const applied = await migrateSchema(config, withMigrations, db);
    process.stdout.write(applied.length > 0 ? `Migrations appliquées : ${applied.join(', ')}\n` : 'Base déjà à jour.\n');
  } finally {
    await db.destroy();
    await target.embedded?.stop();
  }
} catch (error) {
  if (!(error instanceof StartupError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
