/** `npm run db:migrate`: applies the migrations to DATABASE_URL (or to the embedded database). */
import { loadConfig } from '../config.js';
import { createDatabase } from './database.js';
import { startEmbeddedPostgres } from './embedded.js';
import { migrateToLatest } from './migrate.js';

const config = loadConfig();
const embedded = config.databaseUrl ? null : await startEmbeddedPostgres({ dataDir: config.embeddedPgDir, persistent: true });
const db = createDatabase(config.databaseUrl ?? embedded!.url, 2);
try {
  const applied = await migrateToLatest(db);
  process.stdout.write(applied.length > 0 ? `Migrations appliquées : ${applied.join(', ')}\n` : 'Base déjà à jour.\n');
} finally {
  await db.destroy();
  await embedded?.stop();
}
