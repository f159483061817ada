/**
 * The Observatoire's housekeeping (R70), every 15 minutes: results and files of orders ready for
 * 10 days are deleted (the order shows "expirée"); expired and failed orders leave the list 20 days
 * later; orders left waiting (a queue message lost, a node stopped) are queued again, and those that
 * ran out of attempts are failed with a French reason. Idempotent, safe on several nodes.
 */
import type { Deps } from '../../deps.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import * as repo from './observatory.repository.js';
import { COMPUTE_ATTEMPTS, COMPUTE_TIME_LIMIT_SECONDS, listingExpiry } from './observatory.rules.js';
import { ORDER_QUEUE } from './observatory.service.js';

/** An order waiting or running this long without news is stalled. */
const STALLED_MS = (COMPUTE_TIME_LIMIT_SECONDS + 300) * 1000;

export async function purgeObservatory(deps: Deps): Promise<{ expired: number; deleted: number; requeued: number; failed: number }> {
  const now = deps.clock.now();
  const expired = await repo.expireReadyOrders(deps.db, now, listingExpiry(now));
  const deleted = await repo.deleteListedOrders(deps.db, now);
  let requeued = 0;
  let failed = 0;
  for (const order of await repo.listStalledOrders(deps.db, new Date(now.getTime() - STALLED_MS))) {
    if (order.attempts >= COMPUTE_ATTEMPTS) {
      await repo.failOrder(deps.db, order.id, { reason: 'Le calcul n’a pas abouti dans le délai prévu. Renouvelez la commande.', now, expiresAt: listingExpiry(now) });
      failed += 1;
    } else if (deps.jobs) {
      await deps.jobs.send(ORDER_QUEUE, { orderId: order.id });
      requeued += 1;
    }
  }
  return { expired, deleted, requeued, failed };
}

export function observatoryPurgeJob(deps: Deps): JobDefinition {
  return {
    name: 'observatory-purge',
    schedule: '*/15 * * * *',
    retryLimit: 3,
    run: async () => {
      const counts = await purgeObservatory(deps);
      deps.logger.info(counts, 'observatoire : purge et relance');
    },
  };
}
