/** The ROR fixtures of test/fixtures/ror/ (see its README for the source of each in the ROR guide), fresh copies each call. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const folder = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'ror');
const files = readdirSync(folder).filter((name) => name.endsWith('.json'));
const texts = new Map(files.map((name) => [name.replace(/\.json$/, ''), readFileSync(path.join(folder, name), 'utf8')]));

export type FixtureName =
  | 'organization-ej-quietude'
  | 'organization-eg-quietude-bois-colombes'
  | 'organization-eg-ssiad-admr-menton'
  | 'organization-oi-pole-chirurgical-b'
  | 'organization-oi-service-tete-et-cou'
  | 'organization-oi-uf-neurochirurgie'
  | 'organization-eg-sans-finess'
  | 'healthcareservice-hospitalisation-neurochirurgie'
  | 'location-versailles'
  | 'location-unite-surveillance-continue';

/** One fixture, parsed anew (tests may change it). */
export function rorFixture(name: FixtureName): Record<string, unknown> {
  const text = texts.get(name);
  if (!text) throw new Error(`fixture ROR inconnue : ${name}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Every fixture, parsed anew. */
export function rorFixtures(): Record<string, unknown>[] {
  return [...texts.keys()].sort().map((name) => rorFixture(name as FixtureName));
}
