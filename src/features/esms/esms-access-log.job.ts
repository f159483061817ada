/**
 * R64 retention: every night, the ESMS access log loses the rows older than ESMS_ACCESS_LOG_MONTHS
 * (default 12), through the one database function that may delete from it. Idempotent.
 */
import type { Deps } from '../../deps.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import { purgeAccessLog } from './esms.repository.js';

export const ESMS_ACCESS_LOG_JOB = 'esms-access-log-purge';

/** The instant before which rows go: `months` calendar months before now. */
export function accessLogCutoff(now: Date, months: number): Date {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  return cutoff;
}

export async function purgeEsmsAccessLog(deps: Deps): Promise<number> {
  return purgeAccessLog(deps.db, accessLogCutoff(deps.clock.now(), deps.config.esmsAccessLogMonths));
}

export function esmsAccessLogJob(deps: Deps): JobDefinition {
  return {
    name: ESMS_ACCESS_LOG_JOB,
    schedule: '40 2 * * *',
    retryLimit: 2,
    run: async () => {
      const removed = await purgeEsmsAccessLog(deps);
      deps.logger.info({ removed }, 'journal des accès ESMS purgé');
    },
  };
}
