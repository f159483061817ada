/** Account use cases. The referent pages come with the administration work; creation is here already. */
import type { Deps } from '../../deps.js';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import { queueActivation } from '../auth/auth.service.js';
import { OUTBOX_JOB } from '../../platform/outbox/outbox.job.js';
import { DomainError } from '../../http/errors.js';
import { accountErrors } from './account.errors.js';
import { newAccountSchema, type NewAccountInput } from './account.schemas.js';
import { firstFreeUsername, proposeUsername } from './account.rules.js';
import * as repo from './account.repository.js';

/**
 * Creates an account (R20, R21) with a proposed unique username that never changes, writes
 * "Création du compte", and sends the activation e-mail (R11), all in one transaction.
 */
export async function createAccount(deps: Deps, actor: Actor, input: NewAccountInput, ip: string | null = null) {
  const parsed = newAccountSchema.safeParse(input);
  if (!parsed.success) {
    const fields = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message]));
    throw accountErrors.ACCOUNT_INVALID(fields);
  }
  const data = parsed.data;
  const now = deps.clock.now();
  const proposal = proposeUsername(data.firstName, data.lastName);
  try {
    const account = await deps.db.transaction().execute(async (trx) => {
      const username = firstFreeUsername(proposal, await repo.listUsernamesLike(trx, proposal));
      const created = await repo.insertAccount(trx, {
        username,
        lastName: data.lastName,
        firstName: data.firstName,
        email: data.email,
        phone: data.phone || null,
        profession: data.profession || null,
        createdBy: actor.kind === 'account' ? actor.accountId : null,
        now,
      });
      await recordAudit(trx, { actor, subjectAccountId: created.id, code: 'ACCOUNT_CREATED', description: 'Création du compte', ip });
      await queueActivation(deps, trx, created, now);
      return created;
    });
    deps.jobs?.trigger(OUTBOX_JOB).catch(() => undefined);
    return account;
  } catch (error) {
    // R20: the database's unique index on active e-mails is the last word, even under races.
    if ((error as { constraint?: string }).constraint === 'accounts_active_email_key') {
      throw accountErrors.ACCOUNT_EMAIL_ALREADY_EXISTS({ email: accountErrors.definitions.ACCOUNT_EMAIL_ALREADY_EXISTS.message });
    }
    if (error instanceof DomainError) throw error;
    throw error;
  }
}
