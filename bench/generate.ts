/**
 * Bench of the synthetic data generator: a fresh database (on DATABASE_URL's server, else on an
 * embedded PostgreSQL started for the run), migrated, catalogue loaded; times generate() for
 * --accounts N (1 000 000 by default) and prints its rates and its ratio to the limit, "minutes,
 * not hours", taken as 600 s. The database (and the embedded server) are dropped at the end.
 *
 *   npm run bench:generate -- --accounts 1000000
 */
import { createDatabase } from '../src/db/database.js';
import { createBenchDatabase } from './bench-database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { loadCatalogue } from '../src/db/seed/catalogue.js';
import { DEFAULT_ACCOUNTS, generate, MAX_ACCOUNTS } from '../src/db/seed/generate.js';

const LIMIT_SECONDS = 600;

function accountsArgument(argv: string[]): number {
  const index = argv.findIndex((a) => a === '--accounts' || a.startsWith('--accounts='));
  if (index < 0) return DEFAULT_ACCOUNTS;
  const arg = argv[index]!;
  const raw = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
  const value = Number(raw?.replaceAll('_', ''));
  if (!Number.isInteger(value) || value < 1 || value > MAX_ACCOUNTS) {
    throw new Error(`--accounts attend un nombre entier entre 1 et ${MAX_ACCOUNTS} (reçu : ${raw ?? 'rien'})`);
  }
  return value;
}

async function main(): Promise<void> {
  const accounts = accountsArgument(process.argv.slice(2));
  const print = (line: string) => process.stdout.write(`${line}\n`);

  const database = await createBenchDatabase('generate');
  try {
    print(`PostgreSQL ${database.version} (${database.server}), Node ${process.version}, base ${database.name}`);
    const db = createDatabase(database.url, 2);
    try {
      await migrateToLatest(db);
      await loadCatalogue(db);
      const t0 = performance.now();
      const result = await generate(db, { accounts, now: new Date(), log: print });
      const seconds = (performance.now() - t0) / 1000;
      print('');
      print(`accounts: ${result.accounts}, habilitations: ${result.habilitations}, establishments: ${result.establishments}, units: ${result.units}`);
      for (const p of result.phases) print(`phase ${p.name}: ${(p.ms / 1000).toFixed(1)} s`);
      print(`total: ${seconds.toFixed(1)} s`);
      print(`accounts/s: ${Math.round(result.accounts / seconds)}`);
      print(`habilitations/s: ${Math.round(result.habilitations / seconds)}`);
      print(`ratio to ${LIMIT_SECONDS} s limit: ${(seconds / LIMIT_SECONDS).toFixed(2)}`);
    } finally {
      await db.destroy();
    }
  } finally {
    await database.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Échec du bench : ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
