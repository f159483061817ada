/**
 * Hourly cleanup of what authentication leaves behind once useless: expired sessions, finished
 * rate-limit windows, spent anti-robot challenges, old one-time codes, expired trusted browsers,
 * links and e-mail changes. Idempotent; the audit history is never touched.
 */
import type { Deps } from '../../deps.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import { purgeExpiredLimits } from '../../platform/rate-limit.js';
import { purgeSpentChallenges } from '../../platform/altcha.js';
import { purgeOldCodes } from '../../platform/one-time-codes.js';
import { wipeStaleSensitiveMessages } from '../../platform/outbox/outbox.js';
import { purgeExpiredEmailChanges } from '../accounts/email-change.service.js';
import { purgeExpiredSessions } from './session.service.js';
import { purgeExpiredBrowsersAndTokens } from './auth.repository.js';

export const AUTH_CLEANUP_JOB = 'auth-cleanup';

export async function cleanupAuthentication(deps: Deps): Promise<Record<string, number>> {
  const now = deps.clock.now();
  const dayAgo = new Date(now.getTime() - 24 * 3_600_000);
  const sessions = await purgeExpiredSessions(deps, now);
  await purgeExpiredLimits(deps.db, now);
  const challenges = await purgeSpentChallenges(deps.db, now);
  const codes = await purgeOldCodes(deps.db, dayAgo);
  const { browsers, tokens } = await purgeExpiredBrowsersAndTokens(deps.db, dayAgo);
  const links = tokens + (await purgeExpiredEmailChanges(deps, dayAgo));
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
