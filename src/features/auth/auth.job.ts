/**
 * Hourly cleanup of what authentication leaves behind once useless: expired sessions, finished
 * rate-limit windows, spent anti-robot challenges, old one-time codes, expired trusted browsers,
 * links and e-mail changes. Idempotent; the audit history is never touched.
 */
import type { Deps } from '../../deps.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import { purgeExpiredLimits } from '../../platform/rate-limit.js';
import { wipeStaleSensitiveMessages } from '../../platform/outbox/outbox.js';

export const AUTH_CLEANUP_JOB = 'auth-cleanup';

export async function cleanupAuthentication(deps: Deps): Promise<Record<string, number>> {
  const now = deps.clock.now();
  const dayAgo = new Date(now.getTime() - 24 * 3_600_000);
  const idleLimit = new Date(now.getTime() - deps.config.sessionIdleMinutes * 60_000);
  const count = (result: { numDeletedRows: bigint }) => Number(result.numDeletedRows);
  const sessions = count(
    await deps.db.deleteFrom('sessions').where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleLimit)])).executeTakeFirst(),
  );
  await purgeExpiredLimits(deps.db, now);
  const challenges = count(await deps.db.deleteFrom('altcha_spent').where('expires_at', '<', now).executeTakeFirst());
  const codes = count(await deps.db.deleteFrom('one_time_codes').where('expires_at', '<', dayAgo).executeTakeFirst());
  const browsers = count(await deps.db.deleteFrom('trusted_browsers').where('expires_at', '<', dayAgo).executeTakeFirst());
  const links =
    count(await deps.db.deleteFrom('account_tokens').where('expires_at', '<', dayAgo).executeTakeFirst()) +
    count(await deps.db.deleteFrom('email_changes').where('expires_at', '<', dayAgo).executeTakeFirst());
  const staleMessages = await wipeStaleSensitiveMessages(deps.db, now);
  return { sessions, challenges, codes, browsers, links, staleMessages };
}

export function authCleanupJob(deps: Deps): JobDefinition {
  return {
    name: AUTH_CLEANUP_JOB,
    schedule: '17 * * * *',
    retryLimit: 2,
    run: async () => {
      const removed = await cleanupAuthentication(deps);
      deps.logger.info(removed, 'nettoyage authentification');
    },
  };
}
