/**
 * ROR synchronisation (R50): one run at a time (a PostgreSQL advisory lock), a list of named steps
 * (ror-sync.steps.ts, ror-sync-places.steps.ts) a reader can skim. A run first reads every page the
 * ROR returns — a read that fails or that Habilis does not understand ends the run "failed" before
 * any write, the previous data intact — then writes resource by resource: a resource it cannot
 * write is refused with its id and the run goes on ("partial"). Any other error ends the run
 * "failed" too, in French on the sync page and with its stack in the application log: no run stays
 * "running" after its process. A delta starts from the last run that read everything it was given.
 */
import { createRorClient, RorFetchError, type RorClient } from './ror-sync.client.js';
import * as runs from './ror-sync-runs.repository.js';
import { addMissingDepartments, readEverything, writeEstablishments, writeLegalEntities, writeUnits } from './ror-sync.steps.js';
import { applyDatedClosures, closeWhatTheRorNoLongerLists, writePlaces, writeServices } from './ror-sync-places.steps.js';
import { newRun, totals, type SyncDeps, type SyncRun } from './ror-sync.run.js';

/** A full run at least weekly (issue 7); in between, deltas. */
const FULL_EVERY_MS = 7 * 24 * 3600 * 1000;

/** The run, step after step. */
const STEPS: { name: string; run: (run: SyncRun) => Promise<void> }[] = [
  { name: 'lecture du ROR', run: readEverything },
  { name: 'départements', run: addMissingDepartments },
  { name: 'entités juridiques', run: writeLegalEntities },
  { name: 'établissements', run: writeEstablishments },
  { name: 'unités', run: writeUnits },
  { name: 'lieux', run: writePlaces },
  { name: 'services', run: writeServices },
  { name: 'fermetures par absence', run: closeWhatTheRorNoLongerLists },
  { name: 'fermetures datées', run: applyDatedClosures },
];

export interface SyncResult extends runs.SyncRunCounts {
  runId: number;
  kind: 'full' | 'delta';
  status: runs.RunStatus;
  countsByKind: Record<runs.ResourceKind, runs.SyncRunCounts>;
  errors: { resourceId: string; message: string }[];
  message: string | null;
}

type SyncOptions = { kind?: 'full' | 'delta' | 'auto'; client?: RorClient; concurrency?: number };

const STALE_MESSAGE = 'Interrompue : le processus qui la menait s’est arrêté avant la fin. La synchronisation suivante reprend depuis la dernière réussie.';

/** Runs left "running" by a process that ended become failed; only under the lock, where no run can be alive. */
async function failStaleRuns(deps: SyncDeps): Promise<void> {
  const ids = await runs.failStaleRuns(deps.db, deps.clock.now(), STALE_MESSAGE);
  if (ids.length > 0) deps.logger.error({ runIds: ids }, 'synchronisation ROR : exécutions interrompues passées en échec');
}

/** The stale-run check on its own (the job calls it first, even when the synchronisation is off or busy). */
export async function recoverStaleRuns(deps: SyncDeps): Promise<void> {
  await runs.withSyncLock(deps.db, () => failStaleRuns(deps));
}

/** Full or delta, and since when: a delta starts from the start of the last run that read everything it was given. */
async function chooseKind(deps: SyncDeps, asked: SyncOptions['kind']): Promise<{ kind: 'full' | 'delta'; since: Date | null }> {
  const baseline = await runs.getLastSucceededRun(deps.db);
  let kind = asked ?? 'auto';
  if (kind === 'auto') {
    const lastFull = await runs.getLastReadFullRun(deps.db);
    kind = !lastFull || deps.clock.now().getTime() - lastFull.started_at.getTime() >= FULL_EVERY_MS ? 'full' : 'delta';
  }
  if (kind === 'delta' && baseline) return { kind, since: baseline.started_at };
  return { kind: 'full', since: null };
}

/** Runs a synchronisation; null when it is disabled (no ROR_BASE_URL) or another run holds the lock. */
export async function runRorSync(deps: SyncDeps, options: SyncOptions = {}): Promise<SyncResult | null> {
  const client = options.client ?? (deps.config.ror ? createRorClient(deps.config.ror) : null);
  if (!client) return null;
  try {
    const result = await runs.withSyncLock(deps.db, async () => {
      await failStaleRuns(deps);
      return runLocked(deps, client, options);
    });
    if (result === null) deps.logger.info('synchronisation ROR déjà en cours ailleurs : rien à faire');
    return result;
  } finally {
    if (!options.client) client.close();
  }
}

async function runLocked(deps: SyncDeps, client: RorClient, options: SyncOptions): Promise<SyncResult> {
  const { kind, since } = await chooseKind(deps, options.kind);
  const now = deps.clock.now();
  const runId = await runs.startRun(deps.db, kind, since, now);
  const width = options.concurrency ?? Math.max(1, Math.min(8, deps.config.databasePoolSize - 2));
  const run = newRun(deps, client, { runId, kind, since, now, width });
  let step = STEPS[0]!;
  try {
    for (step of STEPS) await step.run(run);
  } catch (error) {
    return finish(run, 'failed', failureMessage(run, step.name, error), error);
  }
  return finish(run, run.errorCount > 0 ? 'partial' : 'succeeded', null);
}

/** The French reason of a failed run, as the sync page shows it. */
function failureMessage(run: SyncRun, step: string, error: unknown): string {
  if (error instanceof RorFetchError) return `Lecture du ROR interrompue, rien n’a été modifié : ${error.message}`;
  const effect = run.writing ? 'les écritures déjà faites sont conservées, la suivante reprendra depuis la dernière synchronisation réussie' : 'rien n’a été modifié';
  return `Erreur inattendue à l’étape « ${step} » (${effect}) ; le détail est dans le journal de l’application.`;
}

async function finish(run: SyncRun, status: runs.RunStatus, message: string | null, error?: unknown): Promise<SyncResult> {
  const { deps, runId, kind } = run;
  // A failed read wrote nothing: no refusal of it is worth keeping.
  const errors = status === 'failed' ? [] : run.errors;
  const errorCount = status === 'failed' ? 0 : run.errorCount;
  const sums = totals(run);
  await runs.finishRun(deps.db, runId, { ...sums, countsByKind: run.counts, status, errors, errorCount, message, now: deps.clock.now() });
  if (status === 'failed') deps.logger.error({ runId, kind, err: error, reason: message }, 'synchronisation ROR échouée');
  else deps.logger.info({ runId, kind, status, ...sums, errors: errorCount }, 'synchronisation ROR');
  return { runId, kind, status, ...sums, countsByKind: run.counts, errors, message };
}

export { listRuns } from './ror-sync-runs.repository.js';
