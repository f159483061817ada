/**
 * ROR synchronisation (R50): on ROR_SYNC_CRON (daily by default) and when an administrator presses
 * the button. A full run when the last full run that read the ROR is a week old or more, a delta
 * otherwise. Idempotent: a run writes only what differs from the ROR. First, whatever happens next,
 * a run left "En cours" by a process that ended becomes "Échouée" (stale-run check). Without
 * ROR_BASE_URL it synchronises nothing.
 */
import type { Deps } from '../../deps.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import { recoverStaleRuns, runRorSync } from './ror-sync.service.js';

export const DIRECTORY_SYNC_JOB = 'directory-sync';

export function directorySyncJob(deps: Deps): JobDefinition {
  return {
    name: DIRECTORY_SYNC_JOB,
    ...(deps.config.ror ? { schedule: deps.config.ror.syncCron } : {}),
    // A failed fetch is recorded as a failed run; pg-boss retries the whole job once later.
    retryLimit: 1,
    run: async () => {
      await recoverStaleRuns(deps);
      const result = await runRorSync(deps);
      if (!result) deps.logger.info('synchronisation ROR désactivée (ROR_BASE_URL absent) ou déjà en cours');
    },
  };
}
