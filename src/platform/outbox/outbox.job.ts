/** Delivers the outbox: every minute, and at once when a service triggers it after a commit. */
import type { Deps } from '../../deps.js';
import type { JobDefinition, Jobs } from '../jobs/jobs.js';
import { deliverPending } from './outbox.js';

export const OUTBOX_JOB = 'outbox-deliver';
const BATCH_SIZE = 20;
/** A run stops taking new batches after this long (the next run, a minute later, goes on). */
const RUN_BUDGET_MS = 45_000;

/** The wake-ups of this window make one pg-boss send, at its end. */
export const OUTBOX_WAKE_WINDOW_MS = 250;
const waking = new WeakSet<Jobs>();

/**
 * Asks for a delivery run after a commit that queued a message. Each pg-boss send is a database
 * statement of its own: one per login cost about as much CPU as the rest of the login's SQL. The
 * wake-ups of a short window make one send, at its end, so every message still has a run asked
 * after its commit, at most a quarter of a second later (pg-boss polls its queue every second).
 */
export function wakeOutbox(deps: Pick<Deps, 'jobs' | 'logger'>): void {
  const jobs = deps.jobs;
  if (!jobs || waking.has(jobs)) return;
  waking.add(jobs);
  setTimeout(() => {
    waking.delete(jobs);
    jobs.trigger(OUTBOX_JOB).catch((error: unknown) => deps.logger.warn({ err: error }, 'outbox non réveillée'));
  }, OUTBOX_WAKE_WINDOW_MS).unref();
}

export function outboxJob(deps: Deps): JobDefinition {
  return {
    name: OUTBOX_JOB,
    schedule: '* * * * *',
    retryLimit: 3,
    run: async () => {
      for (const [channel, transport] of [
        ['mail', deps.mailTransport],
        ['sms', deps.smsTransport],
      ] as const) {
        // Without a transport (development), messages stay in the outbox for /dev/mails and /dev/sms.
        if (!transport) continue;
        // Batch after batch while they come full, within a run's time: a backlog (SMTP back after
        // an outage) goes in one run instead of one batch a minute.
        const until = Date.now() + RUN_BUDGET_MS;
        for (;;) {
          const counts = await deliverPending(deps.db, channel, transport, deps.clock, BATCH_SIZE);
          const handled = counts.sent + counts.retried + counts.failed;
          if (handled > 0) deps.logger.info({ channel, ...counts }, 'outbox');
          // Only sends that went through call for the next batch: failures wait for their retry.
          if (handled < BATCH_SIZE || counts.sent === 0 || Date.now() > until) break;
        }
      }
    },
  };
}
