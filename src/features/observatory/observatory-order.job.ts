/**
 * One pg-boss job per statistics order (R70): computes it (observatory-compute.service.ts).
 * Retries: 2 after the first attempt, with a growing delay; time limit: an attempt running beyond
 * COMPUTE_TIME_LIMIT_SECONDS is abandoned by pg-boss and retried (the SQL stops at the same limit).
 * Idempotent: a second delivery of the same order finds it ready and does nothing.
 */
import type { Deps } from '../../deps.js';
import type { QueueDefinition } from '../../platform/jobs/jobs.js';
import { computeOrder } from './observatory-compute.service.js';
import { COMPUTE_ATTEMPTS, COMPUTE_TIME_LIMIT_SECONDS } from './observatory.rules.js';
import { ORDER_QUEUE } from './observatory.service.js';

export function observatoryOrderJob(deps: Deps): QueueDefinition<{ orderId: number }> {
  return {
    name: ORDER_QUEUE,
    retryLimit: COMPUTE_ATTEMPTS - 1,
    expireInSeconds: COMPUTE_TIME_LIMIT_SECONDS,
    run: async ({ orderId }) => {
      if (!Number.isSafeInteger(orderId) || orderId <= 0) return;
      await computeOrder(deps, orderId);
    },
  };
}
