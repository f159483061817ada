/** Delivers the outbox: every minute, and at once when a service triggers it after a commit. */
import type { Deps } from '../../deps.js';
import type { JobDefinition } from '../jobs/jobs.js';
import { deliverPending } from './outbox.js';

export const OUTBOX_JOB = 'outbox-deliver';

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
