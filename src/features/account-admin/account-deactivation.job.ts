/**
 * Daily deactivation (R23): an account with no valid habilitation is deactivated by the system and
 * its sessions end. A new account has 30 days to receive its first habilitation; a liberal
 * professional's account (R14) and an active assistant's (R15) have none by nature and are left
 * alone. Idempotent and safe on several nodes (row locks, SKIP LOCKED).
 */
import type { Deps } from '../../deps.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import { recordAudit, SYSTEM_ACTOR } from '../../platform/audit/audit.js';
import { parisDate } from '../../platform/clock.js';
import { lockAccountsWithoutValidHabilitation, setDeactivated } from '../accounts/account.repository.js';
import { endSessionsOfAccount } from '../auth/session.service.js';

export const NEW_ACCOUNT_GRACE_DAYS = 30;
const BATCH = 500;

/** R23: deactivates a batch of accounts left without a valid habilitation; returns how many. */
export async function deactivateAccountsWithoutHabilitation(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const at = { today: parisDate(now), createdBefore: new Date(now.getTime() - NEW_ACCOUNT_GRACE_DAYS * 86_400_000) };
  return deps.db.transaction().execute(async (trx) => {
    const ids = await lockAccountsWithoutValidHabilitation(trx, at, BATCH);
    for (const id of ids) {
      await setDeactivated(trx, id, now);
      await endSessionsOfAccount(trx, id);
      await recordAudit(trx, { actor: SYSTEM_ACTOR, subjectAccountId: id, code: 'ACCOUNT_DEACTIVATED', description: 'Désactivation du compte : aucune habilitation valide', at: now });
    }
    return ids.length;
  });
}

export function accountDeactivationJob(deps: Deps): JobDefinition {
  return {
    name: 'account-deactivation',
    schedule: '15 6 * * *',
    retryLimit: 3,
    run: async () => {
      let deactivated = 0;
      for (let batch = await deactivateAccountsWithoutHabilitation(deps); batch > 0; batch = await deactivateAccountsWithoutHabilitation(deps)) deactivated += batch;
      deps.logger.info({ deactivated }, 'désactivation des comptes sans habilitation valide');
    },
  };
}
