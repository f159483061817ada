/** Delivers the outbox: every minute, and at once when a service triggers it after a commit. */
import type { Deps } from '../../deps.js';
import type { JobDefinition, Jobs } from '../jobs/jobs.js';
import { deliverPending } from './outbox.js';

export const OUTBOX_JOB = 'outbox-deliver';

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
        const counts = await deliverPending(deps.db, channel, transport, deps.clock);
        if (counts.sent + counts.retried + counts.failed > 0) deps.logger.info({ channel, ...counts }, 'outbox');
      }
    },
  };
}
