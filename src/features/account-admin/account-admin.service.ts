/**
 * Referent administration of accounts (R03, R20–R24). Every action checks the scope server-side:
 * an account can be opened or changed only when one of its live habilitations lies in the
 * referent's scope for `accounts.manage` (or the referent created it). Each change writes its
 * audit event in the same transaction.
 */
import type { Deps } from '../../deps.js';
import { parisDate } from '../../platform/clock.js';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import { accountScope, principalActor } from '../habilitations/habilitation.service.js';
import { queueEmailChange } from '../accounts/email-change.service.js';
import { queueActivation } from '../auth/password.service.js';
import { endSessionsOfAccount } from '../auth/session.service.js';
import { OUTBOX_JOB } from '../../platform/outbox/outbox.job.js';
import { enqueueMail } from '../../platform/outbox/outbox.js';
import { buildMail, type MailContent } from '../../views/mail.js';
import { translateConstraint } from '../../platform/errors.js';
import type { Principal } from '../habilitations/habilitation.policy.js';
import { accountErrors } from '../accounts/account.errors.js';
import { identitySchema, newAccountSchema, type IdentityInput, type NewAccountInput } from '../accounts/account.schemas.js';
import { firstFreeUsername, foldForSearch, isExactIdentifier, looksShared, maskEmail, proposeUsername, searchWords } from '../accounts/account.rules.js';
import * as accounts from '../accounts/account.repository.js';
import * as repo from './account-admin.repository.js';

export const SEARCH_PAGE_SIZE = 20;

/** "In the referent's scope" (R33): the policy's places as a condition on accounts. */
const inScope = accountScope;

function fieldErrors(issues: { path: PropertyKey[]; message: string }[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) fields[String(issue.path[0])] ??= issue.message;
  return fields;
}

/** R21: search before creating. Any referent may search everyone; only accounts in scope can be opened. */
export async function searchAccounts(deps: Deps, principal: Principal, query: string, page: number) {
  const words = searchWords(query);
  if (words.length === 0) return { rows: [], total: 0, capped: false, page: 1, pages: 0 };
  const pages = (total: number) => Math.ceil(total / SEARCH_PAGE_SIZE);
  const safePage = Math.max(1, Math.min(page, pages(repo.SEARCH_COUNT_CAP)));
  const { rows, total, capped } = await repo.searchAccounts(deps.db, words, inScope(deps, principal), { limit: SEARCH_PAGE_SIZE, offset: (safePage - 1) * SEARCH_PAGE_SIZE, today: parisDate(deps.clock.now()) });
  return { rows: rows.map((row) => outOfScopeView(row, query)), total, capped, page: safePage, pages: pages(total) };
}

/**
 * R26: an account outside the scope shows its name, its username and a masked e-mail, nothing
 * else; found by its exact username or e-mail, it may receive a habilitation of the referent's scope.
 */
function outOfScopeView<T extends { in_scope: boolean; username: string; email: string }>(row: T, query: string): T & { found: boolean } {
  if (row.in_scope) return { ...row, found: false };
  // Outside the scope, no place either: only the name, the username and the masked e-mail (R26).
  return { ...row, email: maskEmail(row.email), ...('places' in row ? { places: null } : {}), found: isExactIdentifier(query, row) };
}

/**
 * Creates an account (R20, R21) with a proposed unique username that never changes, writes
 * "Création du compte" and sends the activation e-mail (R11), all in one transaction. An address
 * that looks shared (secretariat@…) needs `confirmShared`; an address of an active account is refused.
 */
export async function createAccount(
  deps: Deps,
  actor: Actor,
  input: NewAccountInput & { confirmShared?: boolean; confirmHomonyms?: boolean },
  ip: string | null = null,
) {
  const parsed = newAccountSchema.safeParse(input);
  if (!parsed.success) throw accountErrors.ACCOUNT_INVALID(fieldErrors(parsed.error.issues));
  const data = parsed.data;
  const existing = await accounts.findActiveAccountByEmail(deps.db, data.email);
  if (existing) throw accountErrors.ACCOUNT_EMAIL_ALREADY_EXISTS.at('email');
  if (looksShared(data.email) && !input.confirmShared) {
    throw accountErrors.ACCOUNT_EMAIL_SHARED.at('email');
  }
  // R21: a referent creating through the page confirms that same names are another person.
  if (input.confirmHomonyms === false && (await homonymsOf(deps, data)).length > 0) throw accountErrors.ACCOUNT_HOMONYMS();
  const now = deps.clock.now();
  const proposal = proposeUsername(data.firstName, data.lastName);
  try {
    const account = await deps.db.transaction().execute(async (trx) => {
      const username = firstFreeUsername(proposal, await accounts.listUsernamesLike(trx, proposal));
      const created = await accounts.insertAccount(trx, {
        username,
        lastName: data.lastName,
        firstName: data.firstName,
        email: data.email,
        phone: data.phone || null,
        mobilePhone: data.mobilePhone || null,
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
    throw translateConstraint(error, { accounts_active_email_key: () => accountErrors.ACCOUNT_EMAIL_ALREADY_EXISTS.at('email') });
  }
}

/**
 * R21: accounts with these last and first names, as the creation page lists them: name, username and
 * masked e-mail only (R26: outside the scope nothing more may be seen).
 */
export async function homonymsOf(deps: Deps, names: { lastName: string; firstName: string }) {
  const rows = await accounts.listHomonyms(deps.db, foldForSearch(names.lastName.trim()), foldForSearch(names.firstName.trim()));
  return rows.map((r) => ({ id: r.id, label: `${r.first_name} ${r.last_name.toUpperCase()} (${r.username}) – ${maskEmail(r.email)}`, username: r.username }));
}

/** The account page (R22–R24): identity, states, habilitations, history — only within the scope. */
export async function getAccountForReferent(deps: Deps, principal: Principal, accountId: number) {
  const account = await repo.getAccountInScope(deps.db, accountId, inScope(deps, principal));
  // Out of scope answers exactly as a missing account: ids of other structures reveal nothing.
  if (!account || !account.in_scope) throw accountErrors.ACCOUNT_NOT_FOUND();
  const [habilitations, history] = await Promise.all([repo.listHabilitationsOfAccount(deps.db, accountId), repo.listHistory(deps.db, accountId)]);
  return { account, habilitations, history, isSelf: accountId === principal.accountId };
}

/**
 * The accounts of a multi-selection (R34) that the principal may grant to, forged ids dropped: those
 * of the scope, and (R26) those outside it whose exact username or e-mail is among `identifiers`
 * (shown masked).
 */
export async function accountsForGrant(deps: Deps, principal: Principal, ids: number[], identifiers: string[] = []) {
  const rows = await repo.listAccountsForGrant(deps.db, ids, inScope(deps, principal), identifiers);
  return rows.filter((row) => row.in_scope || identifiers.some((i) => isExactIdentifier(i, row))).map((row) => outOfScopeView(row, ''));
}

async function requireInScope(deps: Deps, principal: Principal, accountId: number) {
  const account = await repo.getAccountInScope(deps.db, accountId, inScope(deps, principal));
  if (!account || !account.in_scope) throw accountErrors.ACCOUNT_NOT_FOUND();
  return account;
}

/** R22: a referent updates the identity of a person of their structure (not their own account: "Mon compte"). */
export async function updateIdentity(deps: Deps, principal: Principal, accountId: number, input: IdentityInput & { removeMobile?: boolean }, ip: string | null) {
  if (accountId === principal.accountId) throw accountErrors.ACCOUNT_SELF();
  const account = await requireInScope(deps, principal, accountId);
  const parsed = identitySchema.safeParse(input);
  if (!parsed.success) throw accountErrors.ACCOUNT_INVALID(fieldErrors(parsed.error.issues));
  const data = parsed.data;
  const emailChanged = data.email.toLowerCase() !== account.email.toLowerCase();
  if (emailChanged && !account.deactivated_at && (await accounts.findActiveAccountByEmail(deps.db, data.email, accountId))) {
    throw accountErrors.ACCOUNT_EMAIL_ALREADY_EXISTS.at('email');
  }
  // The number is its owner's only: the referent's form comes empty; empty keeps it, "removeMobile" removes it.
  const mobile = input.removeMobile ? null : (data.mobilePhone || account.mobile_phone || null);
  const mobileChanged = (mobile ?? '') !== (account.mobile_phone ?? '');
  const changes = [
    data.lastName !== account.last_name ? 'nom' : null,
    data.firstName !== account.first_name ? 'prénom' : null,
    emailChanged ? 'adresse e-mail (en attente de validation par lien)' : null,
    (data.phone || null) !== account.phone ? 'téléphone' : null,
    mobileChanged ? 'téléphone mobile' : null,
    (data.profession || null) !== account.profession ? 'profession' : null,
  ].filter((c): c is string => c !== null);
  if (changes.length === 0) return;
  const now = deps.clock.now();
  try {
    await deps.db.transaction().execute(async (trx) => {
      // The address itself changes only when its owner opens the link sent to it (and the old one is
      // told): a referent cannot redirect someone's reset links and codes to a mailbox of their own.
      await accounts.updateIdentity(trx, accountId, { lastName: data.lastName, firstName: data.firstName, phone: data.phone || null, profession: data.profession || null }, now);
      // A new number is not verified yet: codes go by e-mail until it is.
      if (mobileChanged) await accounts.setMobile(trx, accountId, mobile, now);
      if (emailChanged) {
        await queueEmailChange(deps, trx, { account, newEmail: data.email, firstName: data.firstName, actor: principalActor(principal), ip });
      }
      await recordAudit(trx, {
        actor: principalActor(principal),
        subjectAccountId: accountId,
        code: 'ACCOUNT_UPDATED',
        description: `Modification du compte : ${changes.join(', ')}`,
        details: { fields: changes },
        ip,
      });
      // Not silently: a person who received codes by SMS is told they now come by e-mail, and why.
      if (mobileChanged && account.otp_channel === 'SMS') {
        await recordAudit(trx, {
          actor: principalActor(principal),
          subjectAccountId: accountId,
          code: 'OTP_CHANNEL_CHANGED',
          description: 'Réception du code de connexion par e-mail (le téléphone mobile a changé)',
          details: { channel: 'EMAIL' },
          ip,
        });
        await enqueueMail(trx, { to: account.email, ...mobileChangedMail({ firstName: account.first_name, referent: `${principal.viewer.firstName} ${principal.viewer.lastName.toUpperCase()}` }) });
      }
    });
    deps.jobs?.trigger(OUTBOX_JOB).catch(() => undefined);
  } catch (error) {
    throw translateConstraint(error, { accounts_active_email_key: () => accountErrors.ACCOUNT_EMAIL_ALREADY_EXISTS.at('email') });
  }
}

type StateAction = 'unblock' | 'block' | 'deactivate' | 'reactivate';

const STATE_EVENTS: Record<StateAction, { code: string; description: string }> = {
  unblock: { code: 'ACCOUNT_UNBLOCKED', description: 'Déblocage du compte' },
  block: { code: 'ACCOUNT_BLOCKED', description: 'Blocage du compte par un référent' },
  deactivate: { code: 'ACCOUNT_DEACTIVATED', description: 'Désactivation du compte par un référent' },
  reactivate: { code: 'ACCOUNT_REACTIVATED', description: 'Réactivation du compte par un référent' },
};

/**
 * R03, R23: the state actions of the account page. Blocking or deactivating ends the person's
 * sessions at once. Reactivation is refused when another active account now holds the e-mail (R20).
 */
export async function changeAccountState(deps: Deps, principal: Principal, accountId: number, action: StateAction, ip: string | null): Promise<void> {
  if (accountId === principal.accountId) throw accountErrors.ACCOUNT_SELF();
  const account = await requireInScope(deps, principal, accountId);
  const now = deps.clock.now();
  if (action === 'reactivate' && (await accounts.findActiveAccountByEmail(deps.db, account.email, accountId))) {
    throw accountErrors.ACCOUNT_REACTIVATION_EMAIL_TAKEN();
  }
  await deps.db.transaction().execute(async (trx) => {
    const changed =
      action === 'unblock' ? await accounts.setBlocked(trx, accountId, null)
      : action === 'block' ? await accounts.setBlocked(trx, accountId, now)
      : action === 'deactivate' ? await accounts.setDeactivated(trx, accountId, now)
      : await accounts.setDeactivated(trx, accountId, null);
    if (!changed) throw accountErrors.ACCOUNT_STATE_UNCHANGED();
    if (action === 'block' || action === 'deactivate') await endSessionsOfAccount(trx, accountId);
    await recordAudit(trx, { actor: principalActor(principal), subjectAccountId: accountId, ...STATE_EVENTS[action], ip });
  });
}

/** The holder of an account whose mobile a referent changed, while their codes came by SMS. */
function mobileChangedMail(options: { firstName: string; referent: string }): MailContent {
  return buildMail({
    subject: 'Vos codes de connexion Habilis arrivent désormais par e-mail',
    paragraphs: [
      `Bonjour ${options.firstName},`,
      `${options.referent}, référent de votre structure, a modifié le numéro de téléphone mobile de votre compte. Tant que vous ne l’aurez pas vérifié dans « Mon compte », vos codes de connexion vous seront envoyés par e-mail.`,
      'Si ce changement vous surprend, contactez le référent de votre structure.',
    ],
  });
}
