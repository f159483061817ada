/** What a database needs after its migrations: the catalogue always, the demo data when asked. */
import type { Db } from '../database.js';
import { loadCatalogue } from './catalogue.js';
import { loadDemoData } from './demo.js';

export async function seed(db: Db, options: { demo: boolean; now: Date }): Promise<{ demoLoaded: boolean }> {
  await loadCatalogue(db);
  const demoLoaded = options.demo ? await loadDemoData(db, options.now) : false;
  return { demoLoaded };
}
