/** R41 "Modifier" the password from "Mon compte" (R07, R08). */
import type { Deps } from '../../deps.js';
import { accountActor, recordAudit } from '../../platform/audit/audit.js';
import { enqueueMail } from '../../platform/outbox/outbox.js';
import { wakeOutbox } from '../../platform/outbox/outbox.job.js';
import { lockAccount } from '../accounts/account.repository.js';
import { acceptableNewPassword, storePassword } from '../auth/password.service.js';
import { revokeTrustedBrowsers } from '../auth/credentials.service.js';
import { passwordChangedHereMail } from './self-service.mails.js';
import { checkCurrentPassword, liveSessions, loadAccount, type SelfContext } from './self-service.service.js';

/**
 * R41 "Modifier" the password: the current one, then a new one typed twice that follows R07 and
 * none of the last 5 (R08). Other browsers lose their trust (the code will be asked there again);
 * a confirmation e-mail follows. Returns how many other sessions are open, to offer to end them.
 */
export async function changePassword(
  deps: Deps,
  ctx: SelfContext,
  input: { currentPassword: string; password: string; confirmation: string },
): Promise<{ otherSessions: number }> {
  const account = await loadAccount(deps.db, ctx.accountId);
  await checkCurrentPassword(deps, account, input.currentPassword, 'currentPassword', ctx.ip);
  const hash = await acceptableNewPassword(deps, account, input.password, input.confirmation);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await lockAccount(trx, account.id);
    await storePassword(trx, account.id, hash, now);
    await revokeTrustedBrowsers(trx, account.id, now, ctx.browserHash);
    await enqueueMail(trx, { to: account.email, ...passwordChangedHereMail({ firstName: account.first_name }) });
    await recordAudit(trx, { actor: accountActor(account), subjectAccountId: account.id, code: 'PASSWORD_CHANGED', description: 'Changement du mot de passe (Mon compte)', ip: ctx.ip });
  });
  wakeOutbox(deps);
  const sessions = await liveSessions(deps, ctx);
  return { otherSessions: sessions.filter((s) => !s.view.current).length };
}
