/** Every migration, by name; names sort in the order they run. */
import type { Migration } from 'kysely';
import * as initial from './2026-11-23T0900-initial.js';

export const migrations: Record<string, Migration> = {
  '2026-11-23T0900-initial': initial,
};
