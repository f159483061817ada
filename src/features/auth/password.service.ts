/**
 * Passwords (R07–R11): the rule a new one follows, its storage with its history, the forgotten
 * password's link (R09), the activation link of a new account (R11), and the password typed again
 * before a sensitive change of "Mon compte" (a wrong one counts as a failed login, R02).
 */
import type { Deps } from '../../deps.js';
import { accountActor, recordAudit, SYSTEM_ACTOR } from '../../platform/audit/audit.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { enqueueMail } from '../../platform/outbox/outbox.js';
import { wakeOutbox } from '../../platform/outbox/outbox.job.js';
import { hitLimit, type Limit } from '../../platform/rate-limit.js';
import { checkRobotAnswer } from '../../platform/altcha.js';
import { endSessionsOfAccount } from './session.service.js';
import { authErrors } from './auth.errors.js';
import * as repo from './auth.repository.js';
import * as accounts from '../accounts/account.repository.js';
import { ACTIVATION_TTL_MS, MAX_FAILED_LOGINS, normaliseUsername, PASSWORD_HISTORY_DEPTH, PASSWORD_MAX_LENGTH, passwordPolicyViolations, RESET_TTL_MS } from './auth.rules.js';
import { activationMail, passwordChangedMail, resetMail } from './auth.mails.js';

/** Forgotten password, with a solved anti-robot check / without one (no JavaScript: stricter). */
const RESET_WITH_ROBOT_CHECK: Limit = { window: 3600, max: 20 };
const RESET_WITHOUT_ROBOT_CHECK_IP: Limit = { window: 3600, max: 5 };
const RESET_WITHOUT_ROBOT_CHECK_USER: Limit = { window: 3600, max: 2 };
/** Reset e-mails one person may receive in an hour, whoever asks (issue 12). */
export const RESET_MAILS_PER_ACCOUNT: Limit = { window: 3600, max: 3 };

function link(deps: Deps, path: string, token: string): string {
  const url = new URL(path, deps.config.baseUrl);
  url.searchParams.set('jeton', token);
  return url.toString();
}

/**
 * A new password, in the caller's transaction: the account's hash (and date) and the history that
 * keeps the last ones from being chosen again (R08). Activation (R11) also verifies the e-mail.
 */
export async function storePassword(db: Deps['db'], accountId: number, passwordHash: string, now: Date, extra: { verifyEmail?: boolean } = {}): Promise<void> {
  await accounts.setPasswordHash(db, accountId, passwordHash, now, extra);
  await repo.addPasswordHistory(db, accountId, passwordHash, now);
}

/** A password set elsewhere (an account created with its password, R14, R15) joins the history (R08). */
export async function recordPasswordHistory(db: Deps['db'], accountId: number, passwordHash: string, now: Date): Promise<void> {
  await repo.addPasswordHistory(db, accountId, passwordHash, now);
}

/**
 * Validates a new password typed twice against R07 and the recent ones (R08); returns its hash.
 * Shared with "Mon compte".
 */
export async function acceptableNewPassword(
  deps: Deps,
  account: { id: number; username: string; first_name: string; last_name: string },
  newPassword: string,
  confirmation: string,
): Promise<string> {
  const password = newPassword.normalize('NFC');
  const problems = passwordPolicyViolations(password, { username: account.username, firstName: account.first_name, lastName: account.last_name }, { composition: deps.config.passwordComposition });
  if (problems.length > 0) throw authErrors.PASSWORD_INVALID.at('password', { problems });
  if (password !== confirmation.normalize('NFC')) {
    throw authErrors.PASSWORD_MISMATCH.at('confirmation');
  }
  for (const previous of await repo.listRecentPasswordHashes(deps.db, account.id, PASSWORD_HISTORY_DEPTH)) {
    if (await deps.passwords.verify(previous, password)) {
      throw authErrors.PASSWORD_REUSED.at('password');
    }
  }
  return deps.passwords.hash(password);
}

/**
 * R09: a reset link by e-mail. The answer is the same whatever the username (the caller shows one
 * neutral message); robots are slowed by the anti-robot check, or without it by stricter limits.
 */
export async function requestPasswordReset(deps: Deps, input: { username: string; ip: string; robotAnswer: unknown }): Promise<void> {
  // R09, issue 12: the answer takes the same time for a known and an unknown username. The known
  // one's work (token, e-mail, history) is a transaction the unknown one does not have: every
  // answer, refused or not, waits for the same floor (LOGIN_FAILURE_MIN_MS) from its start.
  const started = performance.now();
  try {
    await requestPasswordResetOnce(deps, input);
  } finally {
    const wait = deps.config.loginFailureMinMs - (performance.now() - started);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

async function requestPasswordResetOnce(deps: Deps, input: { username: string; ip: string; robotAnswer: unknown }): Promise<void> {
  const now = deps.clock.now();
  const username = normaliseUsername(input.username);
  const check = await checkRobotAnswer(deps.db, deps.config.sessionSecret, input.robotAnswer, now);
  if (check === 'invalid') throw authErrors.ROBOT_CHECK_INVALID();
  if (check === 'valid') {
    if (!(await hitLimit(deps.db, `reset-ip:${input.ip}`, RESET_WITH_ROBOT_CHECK, now)).allowed) throw authErrors.TOO_MANY_ATTEMPTS();
  } else {
    const byIp = await hitLimit(deps.db, `reset-noscript-ip:${input.ip}`, RESET_WITHOUT_ROBOT_CHECK_IP, now);
    const byUser = await hitLimit(deps.db, `reset-noscript-user:${sha256(username).toString('hex')}`, RESET_WITHOUT_ROBOT_CHECK_USER, now);
    if (!byIp.allowed || !byUser.allowed) throw authErrors.TOO_MANY_ATTEMPTS();
  }
  if (username.length === 0 || username.length > 60) return;
  const account = await repo.getLoginAccountByUsername(deps.db, username);
  if (!account || account.deactivated_at) return;
  // Counted per account whatever the address or the anti-robot path (issue 12): one atomic counter,
  // so 40 solved challenges from 40 addresses still send this person at most RESET_MAILS_PER_ACCOUNT.
  // Over it, the same neutral answer and no e-mail (R09).
  if (!(await hitLimit(deps.db, `reset-account:${account.id}`, RESET_MAILS_PER_ACCOUNT, now)).allowed) return;
  const token = randomToken();
  await deps.db.transaction().execute(async (trx) => {
    await repo.consumeAccountTokens(trx, account.id, 'password_reset', now);
    await repo.insertToken(trx, { tokenHash: sha256(token), accountId: account.id, purpose: 'password_reset', now, expiresAt: new Date(now.getTime() + RESET_TTL_MS) });
    await enqueueMail(trx, { to: account.email, ...resetMail({ firstName: account.first_name, link: link(deps, '/mot-de-passe/nouveau', token) }), sensitive: true });
    await recordAudit(trx, { actor: SYSTEM_ACTOR, subjectAccountId: account.id, code: 'PASSWORD_RESET_REQUESTED', description: 'Demande de réinitialisation du mot de passe (lien envoyé par e-mail)', ip: input.ip });
  });
  wakeOutbox(deps);
}

/** The account a link belongs to, if the link can still be used (for the page that asks the new password). */
export async function accountOfLink(deps: Deps, token: unknown, purpose: 'activation' | 'password_reset') {
  if (typeof token !== 'string' || token.length < 20 || token.length > 100) throw authErrors.LINK_INVALID();
  const row = await repo.getAccountOfUsableToken(deps.db, sha256(token), purpose, deps.clock.now());
  if (!row) throw authErrors.LINK_INVALID();
  return row;
}

/**
 * Sets a password through a single-use link: activation (R11: validates the e-mail too) or reset
 * (R09: every session and trusted browser ends; a blocked account stays blocked; the next login
 * still asks the code; a confirmation e-mail follows).
 */
export async function setPasswordFromLink(
  deps: Deps,
  input: { token: unknown; purpose: 'activation' | 'password_reset'; newPassword: string; confirmation: string; ip: string },
): Promise<void> {
  const now = deps.clock.now();
  const owner = await accountOfLink(deps, input.token, input.purpose);
  const account = await repo.getLoginAccount(deps.db, owner.id);
  if (!account) throw authErrors.LINK_INVALID();
  const hash = await acceptableNewPassword(deps, account, input.newPassword, input.confirmation);
  const tokenHash = sha256(input.token as string);
  await deps.db.transaction().execute(async (trx) => {
    // Locked and re-checked in the transaction: two submissions of one link cannot both succeed.
    if (!(await repo.getUsableTokenForUpdate(trx, tokenHash, input.purpose, now))) throw authErrors.LINK_INVALID();
    await repo.consumeToken(trx, tokenHash, now);
    await storePassword(trx, account.id, hash, now, { verifyEmail: input.purpose === 'activation' });
    await repo.revokeTrustedBrowsers(trx, account.id, now);
    await endSessionsOfAccount(trx, account.id);
    if (input.purpose === 'activation') {
      await recordAudit(trx, { actor: accountActor(account), subjectAccountId: account.id, code: 'ACCOUNT_ACTIVATED', description: 'Activation du compte : adresse e-mail validée et mot de passe choisi', ip: input.ip });
    } else {
      // A reset is an account recovery: identities paired before it (possibly by whoever knew the
      // old password) no longer open the account; the holder pairs their card again.
      const unpaired = await repo.deleteExternalIdentities(trx, account.id);
      await enqueueMail(trx, { to: account.email, ...passwordChangedMail({ firstName: account.first_name }) });
      await recordAudit(trx, {
        actor: accountActor(account),
        subjectAccountId: account.id,
        code: 'PASSWORD_RESET_DONE',
        description: unpaired > 0 ? 'Réinitialisation du mot de passe par lien e-mail (cartes et e-CPS dissociées)' : 'Réinitialisation du mot de passe par lien e-mail',
        details: { unpairedIdentities: unpaired },
        ip: input.ip,
      });
    }
  });
  wakeOutbox(deps);
}

/** R11: the activation e-mail of a new account (its username and a 7-day single-use link), in the caller's transaction. */
export async function queueActivation(deps: Deps, trx: Deps['db'], account: { id: number; email: string; first_name: string; username: string }, now: Date): Promise<void> {
  const token = randomToken();
  await repo.consumeAccountTokens(trx, account.id, 'activation', now);
  await repo.insertToken(trx, { tokenHash: sha256(token), accountId: account.id, purpose: 'activation', now, expiresAt: new Date(now.getTime() + ACTIVATION_TTL_MS) });
  await enqueueMail(trx, { to: account.email, ...activationMail({ firstName: account.first_name, username: account.username, link: link(deps, '/activation', token) }), sensitive: true });
}

/**
 * The password typed again to confirm a sensitive change ("Mon compte", R41). A wrong one counts
 * like a failed login (R02): the fifth blocks the account. Returns 'ok', 'wrong' or 'blocked'.
 */
export async function verifyCurrentPassword(
  deps: Deps,
  account: { id: number; first_name: string; last_name: string; username: string },
  typed: string,
  ip: string,
): Promise<'ok' | 'wrong' | 'blocked'> {
  const now = deps.clock.now();
  const password = typed.normalize('NFC');
  const hash = await repo.getPasswordHash(deps.db, account.id);
  const matches = hash !== null && [...password].length <= PASSWORD_MAX_LENGTH && (await deps.passwords.verify(hash, password));
  if (matches) return (await accounts.resetFailedLogins(deps.db, account.id)) ? 'ok' : 'blocked';
  const { blockedNow } = await deps.db.transaction().execute(async (trx) => {
    const result = await accounts.recordFailedLogin(trx, account.id, now, MAX_FAILED_LOGINS);
    await recordAudit(trx, {
      actor: accountActor(account),
      subjectAccountId: account.id,
      code: 'PASSWORD_CHECK_FAILED',
      description: 'Mot de passe erroné lors d’une modification de « Mon compte »',
      ip,
    });
    if (result.blockedNow) {
      await recordAudit(trx, { actor: SYSTEM_ACTOR, subjectAccountId: account.id, code: 'ACCOUNT_BLOCKED', description: `Blocage du compte après ${MAX_FAILED_LOGINS} mots de passe erronés`, ip });
    }
    return result;
  });
  return blockedNow ? 'blocked' : 'wrong';
}
