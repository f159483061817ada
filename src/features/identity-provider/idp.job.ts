/** Hourly: the provider's artifacts past their expiry (interactions, codes, sessions, grants) leave idp_payloads. Idempotent. */
import type { Deps } from '../../deps.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import { purgeExpired } from './idp-payload.repository.js';

export const IDP_CLEANUP_JOB = 'idp-cleanup';

export function idpCleanupJob(deps: Deps): JobDefinition {
  return {
    name: IDP_CLEANUP_JOB,
    schedule: '23 * * * *',
    retryLimit: 2,
    run: async () => {
      const payloads = await purgeExpired(deps.db, deps.clock.now());
      deps.logger.info({ payloads }, 'nettoyage fournisseur OpenID');
    },
  };
}
