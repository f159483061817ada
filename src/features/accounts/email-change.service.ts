/**
 * R41, R22: the change of an account's e-mail address, asked by its holder ("Mon compte") or by a
 * referent. The new address is used only once its owner opens the single-use link sent to it; the
 * old address keeps working until then and is told of the request and of the change.
 */
import type { Deps } from '../../deps.js';
import { accountActor, recordAudit, type Actor } from '../../platform/audit/audit.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { enqueueMail } from '../../platform/outbox/outbox.js';
import { wakeOutbox } from '../../platform/outbox/outbox.job.js';
import { translateConstraint } from '../../platform/errors.js';
import { accountErrors as errors } from './account.errors.js';
import { EMAIL_CHANGE_TTL_MS, maskEmail } from './account.rules.js';
import { findActiveAccountByEmail, setEmail } from './account.repository.js';
import { emailChangedMail, emailChangeLinkMail, emailChangeRequestedMail } from './email-change.mails.js';
import * as repo from './email-change.repository.js';

/** The change waiting for its link, if any (shown on "Mon compte"). */
export async function pendingEmailChange(deps: Deps, accountId: number): Promise<{ newEmail: string; expiresAt: Date } | null> {
  const pending = await repo.getPendingEmailChange(deps.db, accountId, deps.clock.now());
  return pending ? { newEmail: pending.new_email, expiresAt: pending.expires_at } : null;
}

/**
 * Asks for the change, in the caller's transaction: the link to the new address (a new request
 * replaces the pending one), the notice to the old one, the audit event.
 */
export async function queueEmailChange(
  deps: Deps,
  trx: Deps['db'],
  input: { account: { id: number; email: string; first_name: string; username: string }; newEmail: string; firstName: string; token?: string; actor: Actor; ip: string | null },
): Promise<void> {
  const now = deps.clock.now();
  const token = input.token ?? randomToken();
  const { account } = input;
  await repo.consumePendingEmailChanges(trx, account.id, now);
  await repo.insertEmailChange(trx, { tokenHash: sha256(token), accountId: account.id, newEmail: input.newEmail, now, expiresAt: new Date(now.getTime() + EMAIL_CHANGE_TTL_MS) });
  const url = new URL('/mon-compte/adresse-email/valider', deps.config.baseUrl);
  url.searchParams.set('jeton', token);
  await enqueueMail(trx, { to: input.newEmail, ...emailChangeLinkMail({ firstName: input.firstName, username: account.username, link: url.toString() }), sensitive: true });
  await enqueueMail(trx, { to: account.email, ...emailChangeRequestedMail({ firstName: account.first_name, maskedNewEmail: maskEmail(input.newEmail) }) });
  await recordAudit(trx, {
    actor: input.actor,
    subjectAccountId: account.id,
    code: 'EMAIL_CHANGE_REQUESTED',
    description: `Demande de changement d’adresse e-mail vers ${maskEmail(input.newEmail)} (lien de validation envoyé)`,
    ip: input.ip,
  });
}

function tokenHashOf(token: unknown): Buffer {
  if (typeof token !== 'string' || token.length < 20 || token.length > 100) throw errors.EMAIL_LINK_INVALID();
  return sha256(token);
}

/** The change a link would validate, for the page that asks to confirm it. */
export async function describeEmailChange(deps: Deps, token: unknown): Promise<{ username: string; newEmail: string }> {
  const change = await repo.getUsableEmailChange(deps.db, tokenHashOf(token), deps.clock.now());
  if (!change || change.blocked_at || change.deactivated_at) throw errors.EMAIL_LINK_INVALID();
  return { username: change.username, newEmail: change.new_email };
}

/**
 * The link of the new address was opened and confirmed: that address becomes the account's (and is
 * verified), the link dies, the old address is told. R20 is checked again: another account may have
 * taken the address meanwhile. A blocked or deactivated account's link does nothing.
 */
export async function confirmEmailChange(deps: Deps, token: unknown, ip: string): Promise<{ accountId: number }> {
  const tokenHash = tokenHashOf(token);
  const now = deps.clock.now();
  try {
    const accountId = await deps.db.transaction().execute(async (trx) => {
      const change = await repo.getUsableEmailChange(trx, tokenHash, now, { forUpdate: true });
      if (!change || change.blocked_at || change.deactivated_at) throw errors.EMAIL_LINK_INVALID();
      if (await findActiveAccountByEmail(trx, change.new_email, change.account_id)) throw errors.EMAIL_ALREADY_USED();
      await repo.consumeEmailChange(trx, tokenHash, now);
      await setEmail(trx, change.account_id, change.new_email, now);
      await enqueueMail(trx, { to: change.email, ...emailChangedMail({ firstName: change.first_name, maskedNewEmail: maskEmail(change.new_email) }) });
      await recordAudit(trx, {
        actor: accountActor({ id: change.account_id, first_name: change.first_name, last_name: change.last_name, username: change.username }),
        subjectAccountId: change.account_id,
        code: 'EMAIL_CHANGED',
        description: `Changement d’adresse e-mail validé : ${maskEmail(change.email)} → ${maskEmail(change.new_email)}`,
        ip,
      });
      return change.account_id;
    });
    wakeOutbox(deps);
    return { accountId };
  } catch (error) {
    // R20: the unique index on active addresses has the last word, even under a race.
    throw translateConstraint(error, { accounts_active_email_key: () => errors.EMAIL_ALREADY_USED() });
  }
}

/** The cleanup job's part: e-mail changes expired before `before`. */
export async function purgeExpiredEmailChanges(deps: Deps, before: Date): Promise<number> {
  return repo.purgeExpiredEmailChanges(deps.db, before);
}
