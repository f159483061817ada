/**
 * The state one ROR synchronisation run carries from step to step (ror-sync.steps.ts,
 * ror-sync-places.steps.ts): what was read, the row ids each step resolved for the next, the counts
 * and the report of refused resources. Steps read and fill it; the service records it at the end.
 */
import type { Deps } from '../../deps.js';
import { parisDate } from '../../platform/clock.js';
import type { RorClient } from './ror-sync.client.js';
import type { ResourceKind, SyncRunCounts } from './ror-sync-runs.repository.js';
import type { MappedLocation, MappedOrganization, MappedService } from './ror-sync.rules.js';

export type SyncDeps = Pick<Deps, 'db' | 'clock' | 'logger' | 'config'>;
type Mapped<K extends MappedOrganization['kind']> = Extract<MappedOrganization, { kind: K }>;

/** At most this many refusals are kept with their reason (error_count has the total). */
const MAX_RECORDED_ERRORS = 500;

export interface SyncRun {
  deps: SyncDeps;
  client: RorClient;
  runId: number;
  kind: 'full' | 'delta';
  since: Date | null;
  now: Date;
  /** The business day of the run (Europe/Paris): closures by date are judged against it. */
  today: string;
  /** Concurrent writers (one pool connection holds the lock, the others write). */
  width: number;
  counts: Record<ResourceKind, SyncRunCounts>;
  errors: { resourceId: string; message: string }[];
  errorCount: number;
  /** Set once a step has written: a failure after it cannot say "nothing changed". */
  writing: boolean;
  read: {
    legalEntities: Mapped<'legal-entity'>[];
    establishments: Mapped<'establishment'>[];
    units: Map<string, Mapped<'unit'>>;
    locations: MappedLocation[];
    services: MappedService[];
    /** Every id the ROR listed, readable or not: a full run never closes what it failed to read. */
    listed: { organizations: Set<string>; locations: Set<string>; services: Set<string> };
  };
  ids: {
    /** The departments Habilis knows, those created from the COG during the run included. */
    departments: Set<string>;
    legalEntityByRor: Map<string, number>;
    establishmentByRor: Map<string, number>;
    /** Where each unit the ROR knows is, for the places and services it manages or provides. */
    unitPlaceByRor: Map<string, { unitId: number; establishmentId: number }>;
    locationByRor: Map<string, number>;
  };
}

export const zeroCounts = (): SyncRunCounts => ({ created: 0, updated: 0, closed: 0, unchanged: 0 });

export function newRun(deps: SyncDeps, client: RorClient, values: { runId: number; kind: 'full' | 'delta'; since: Date | null; now: Date; width: number }): SyncRun {
  return {
    deps,
    client,
    ...values,
    today: parisDate(values.now),
    counts: { organizations: zeroCounts(), locations: zeroCounts(), services: zeroCounts() },
    errors: [],
    errorCount: 0,
    writing: false,
    read: {
      legalEntities: [],
      establishments: [],
      units: new Map(),
      locations: [],
      services: [],
      listed: { organizations: new Set(), locations: new Set(), services: new Set() },
    },
    ids: { departments: new Set(), legalEntityByRor: new Map(), establishmentByRor: new Map(), unitPlaceByRor: new Map(), locationByRor: new Map() },
  };
}

/** Records a refused resource with its id and French reason; the run goes on. */
export function refuse(run: SyncRun, resourceId: string, message: string): void {
  run.errorCount += 1;
  if (run.errors.length < MAX_RECORDED_ERRORS) run.errors.push({ resourceId, message });
}

/** The run's counts summed over the kinds of resources. */
export function totals(run: SyncRun): SyncRunCounts {
  const sum = zeroCounts();
  for (const part of Object.values(run.counts)) for (const key of Object.keys(sum) as (keyof SyncRunCounts)[]) sum[key] += part[key];
  return sum;
}

/** Runs `task` over items with at most `width` at a time. */
export async function eachConcurrently<T>(items: T[], width: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/** The French reason of a write the database refused (its constraint code, never the row's data). */
export function describeDbError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === '23505') return 'refusée par la base : valeur déjà utilisée par une autre fiche (FINESS ou nom d’unité)';
  if (typeof code === 'string') return `refusée par la base (code ${code})`;
  return error instanceof Error ? error.message.slice(0, 200) : 'erreur inconnue';
}

/** New rows are written this many to a statement (one commit instead of 500). */
const INSERT_BATCH = 500;

/**
 * Inserts new rows INSERT_BATCH at a time and returns the row id of each ROR id; a batch the
 * database refuses is retried row by row, so a refused resource is refused alone (with its id) and
 * the others are written.
 */
export async function insertInBatches<Item extends { rorId: string; resourceId: string }>(
  run: SyncRun,
  items: Item[],
  insert: (batch: Item[]) => Promise<{ id: number; ror_id: string | null }[]>,
  counts: SyncRunCounts,
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const batches = Array.from({ length: Math.ceil(items.length / INSERT_BATCH) }, (_, i) => items.slice(i * INSERT_BATCH, (i + 1) * INSERT_BATCH));
  const write = async (batch: Item[]) => {
    for (const row of await insert(batch)) if (row.ror_id !== null) ids.set(row.ror_id, row.id);
    counts.created += batch.length;
  };
  await eachConcurrently(batches, run.width, async (batch) => {
    try {
      await write(batch);
    } catch {
      for (const item of batch) await write([item]).catch((error: unknown) => refuse(run, item.resourceId, describeDbError(error)));
    }
  });
  return ids;
}
