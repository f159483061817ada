/** R60 in the code itself: tier-2 and tier-3 columns are selected only by repository functions whose names say the tier. */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = await Promise.all(entries.map((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : Promise.resolve([path.join(dir, e.name)]))));
  return files.flat().filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f));
}

describe('R60 tier-2 and tier-3 reads are named', () => {
  it('R60 only esms.repository.ts (and the migration, schema and seed that write them) names the tier-2 and tier-3 tables', async () => {
    const allowed = new Set(['src/features/esms/esms.repository.ts', 'src/db/schema.ts', 'src/db/seed/esms-demo.ts', 'src/db/seed/esms-generate.ts']);
    for (const file of await sourceFiles('src')) {
      if (file.startsWith('src/db/migrations/') || allowed.has(file)) continue;
      const text = await readFile(file, 'utf8');
      expect(/esms_evaluations|esms_medical_data/.test(text), file).toBe(false);
    }
  });

  it('R60 in the repository, every function that selects tier-2 or tier-3 columns has Tier2, Tier3 or AllTiers in its name', async () => {
    const text = await readFile('src/features/esms/esms.repository.ts', 'utf8');
    // Each function's own text: up to the next top-level declaration or section comment.
    const functions = text.split(/\nexport async function /).slice(1).map((body) => body.split(/\n(?:const |\/\/ ─|export |\/\*\*)/)[0]!);
    const readers = functions.filter((body) => /selectFrom\('esms_(evaluations|medical_data)'|leftJoin\('esms_(evaluations|medical_data)|innerJoin\('esms_(evaluations|medical_data)|TIER[23]_COLUMNS/.test(body));
    expect(readers.length).toBeGreaterThanOrEqual(5);
    for (const body of readers) {
      const name = /^\w+/.exec(body)![0];
      expect(name, name).toMatch(/Tier2|Tier3|AllTiers/);
      if (/esms_medical_data|TIER3_COLUMNS/.test(body)) expect(name, name).toMatch(/Tier3|AllTiers/);
    }
  });
});
