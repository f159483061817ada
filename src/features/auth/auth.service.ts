/**
 * The login journey (R01–R06, R08, R11): the password step, the one-time code, the trusted browser,
 * then the steps a strong session may still owe (an expired password, the terms of use). Each change
 * to an account writes its audit event in the same transaction; mails and SMS go through the outbox
 * of that transaction. Choosing and resetting passwords is password.service.ts; trusted browsers and
 * paired identities, credentials.service.ts.
 */
import { performance } from 'node:perf_hooks';
import type { Deps } from '../../deps.js';
import { accountActor, auditInsert, recordAudit, SYSTEM_ACTOR } from '../../platform/audit/audit.js';
import { checkCode, codeSendTimes, consumeCode, hourlyCapWaitSeconds, issueCode, resendWaitSeconds } from '../../platform/one-time-codes.js';
import { randomToken } from '../../platform/crypto.js';
import { mailInsert, smsInsert } from '../../platform/outbox/outbox.js';
import { wakeOutbox } from '../../platform/outbox/outbox.job.js';
import { attemptCount, hitLimit, limitState, lockTarget, peekLimit, windowCount, type Limit } from '../../platform/rate-limit.js';
import { checkRobotAnswer } from '../../platform/altcha.js';
import { endSessionsOfAccount, sessionInsert, type AuthSession, type NewSession } from './session.service.js';
import { executeAsOneStatement } from '../../db/database.js';
import { authErrors } from './auth.errors.js';
import * as repo from './auth.repository.js';
import * as accounts from '../accounts/account.repository.js';
import { amrOfMethod, maskEmail, maskPhone, MAX_FAILED_LOGINS, normaliseUsername, OTP_MAX_ATTEMPTS, OTP_TTL_MS, pendingStepFor, type PendingStep, PASSWORD_MAX_LENGTH, TRUSTED_BROWSER_MS } from './auth.rules.js';
import { loginCodeMail, loginCodeSms } from './auth.mails.js';
import { TERMS_VERSION } from './terms.js';
import { acceptableNewPassword, storePassword } from './password.service.js';

export { pendingStepFor } from './auth.rules.js';

/** Failures from one address before the anti-robot check is required (R02: limits lockout abuse). */
export const IP_FAILURES_BEFORE_ROBOT_CHECK: Limit = { window: 15 * 60, max: 10 };
/** Login attempts from one address: generous, a hospital's staff may share one public address. */
const IP_LOGIN_ATTEMPTS: Limit = { window: 5 * 60, max: 300 };
const IP_RESEND_ATTEMPTS: Limit = { window: 5 * 60, max: 30 };

let dummyHash: Promise<string> | null = null;
/** A real argon2id hash of nothing: an unknown username costs the same verification as a wrong password. */
function getDummyHash(deps: Deps): Promise<string> {
  dummyHash ??= deps.passwords.hash(randomToken());
  return dummyHash;
}

/** Does this address have to pass the anti-robot check before trying a password? */
export async function loginNeedsRobotCheck(deps: Deps, ip: string): Promise<boolean> {
  const failures = await peekLimit(deps.db, `login-fail:${ip}`, IP_FAILURES_BEFORE_ROBOT_CHECK, deps.clock.now());
  return failures >= IP_FAILURES_BEFORE_ROBOT_CHECK.max;
}

/** What sending a login code needs to know of the account: where the code goes (R04). */
export type CodeRecipient = Pick<repo.LoginAccount, 'id' | 'email' | 'mobile_phone' | 'mobile_verified_at' | 'otp_channel'>;

export type PasswordStepResult =
  | { kind: 'code_required'; accountId: number; recipient: CodeRecipient }
  | { kind: 'trusted_browser'; accountId: number; pendingStep: PendingStep | null };

/**
 * The password step (R01, R02, R05). A correct password never opens a session by itself (R06): it
 * leads to the one-time code, or straight to a strong session when this browser was trusted by the
 * code within 8 hours.
 */
export async function checkPassword(
  deps: Deps,
  input: { username: string; password: string; ip: string; browserHash: Buffer | null; robotAnswer?: unknown },
): Promise<PasswordStepResult> {
  const started = performance.now();
  try {
    return await checkPasswordOnce(deps, input);
  } catch (error) {
    // Every refusal takes the same minimum time: the bookkeeping of a wrong password (counter,
    // history) must not make it slower than an unknown username (R01).
    const wait = deps.config.loginFailureMinMs - (performance.now() - started);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    throw error;
  }
}

async function checkPasswordOnce(
  deps: Deps,
  input: { username: string; password: string; ip: string; browserHash: Buffer | null; robotAnswer?: unknown },
): Promise<PasswordStepResult> {
  const now = deps.clock.now();
  const username = normaliseUsername(input.username);
  const password = input.password.normalize('NFC');
  // One round trip: this attempt counted, the address's failures and the account read together.
  const { attempts, failures, account } = await repo.countAttemptAndGetLoginAccountWithPasswordHash(
    deps.db,
    username.length > 0 && username.length <= 60 ? username : null,
    { attempt: attemptCount(deps.db, `login-ip:${input.ip}`, IP_LOGIN_ATTEMPTS, now), failures: windowCount(deps.db, `login-fail:${input.ip}`, IP_FAILURES_BEFORE_ROBOT_CHECK, now) },
  );
  if (!limitState(attempts, IP_LOGIN_ATTEMPTS, now).allowed) throw authErrors.TOO_MANY_ATTEMPTS();
  if (failures >= IP_FAILURES_BEFORE_ROBOT_CHECK.max) {
    const check = await checkRobotAnswer(deps.db, deps.config.sessionSecret, input.robotAnswer, now);
    if (check === 'absent') throw authErrors.ROBOT_CHECK_REQUIRED();
    if (check === 'invalid') throw authErrors.ROBOT_CHECK_INVALID();
  }

  // Same work whatever the case: one argon2id verification (R01 timing).
  const hash = account?.password_hash ?? (await getDummyHash(deps));
  const matches = (await deps.passwords.verify(hash, password)) && account?.password_hash != null && [...password].length <= PASSWORD_MAX_LENGTH;

  if (!account || !account.password_hash) {
    await hitLimit(deps.db, `login-fail:${input.ip}`, IP_FAILURES_BEFORE_ROBOT_CHECK, now);
    await recordAudit(deps.db, { actor: SYSTEM_ACTOR, code: 'LOGIN_FAILED', description: 'Échec de connexion : identifiants inconnus', ip: input.ip });
    throw authErrors.INVALID_CREDENTIALS();
  }

  if (!matches) {
    await hitLimit(deps.db, `login-fail:${input.ip}`, IP_FAILURES_BEFORE_ROBOT_CHECK, now);
    await deps.db.transaction().execute(async (trx) => {
      const { blockedNow } = await accounts.recordFailedLogin(trx, account.id, now, MAX_FAILED_LOGINS);
      await recordAudit(trx, { actor: SYSTEM_ACTOR, subjectAccountId: account.id, code: 'LOGIN_FAILED', description: 'Échec de connexion : mot de passe erroné', ip: input.ip });
      if (blockedNow) {
        await recordAudit(trx, {
          actor: SYSTEM_ACTOR,
          subjectAccountId: account.id,
          code: 'ACCOUNT_BLOCKED',
          description: `Blocage du compte après ${MAX_FAILED_LOGINS} mots de passe erronés`,
          ip: input.ip,
        });
      }
    });
    // A wrong password on a blocked account says nothing more than any wrong password.
    throw authErrors.INVALID_CREDENTIALS();
  }

  if (account.blocked_at) {
    await recordAudit(deps.db, { actor: SYSTEM_ACTOR, subjectAccountId: account.id, code: 'LOGIN_REFUSED', description: 'Connexion refusée : compte bloqué', ip: input.ip });
    throw authErrors.ACCOUNT_BLOCKED();
  }
  if (account.deactivated_at) {
    await recordAudit(deps.db, { actor: SYSTEM_ACTOR, subjectAccountId: account.id, code: 'LOGIN_REFUSED', description: 'Connexion refusée : compte désactivé', ip: input.ip });
    throw authErrors.ACCOUNT_DEACTIVATED();
  }
  // Reset the counter only when there is one: the common login writes nothing here. Should the
  // account have been blocked meanwhile, the reset finds no row and the login stops.
  if (account.failed_login_count > 0 && !(await accounts.resetFailedLogins(deps.db, account.id))) throw authErrors.ACCOUNT_BLOCKED();

  if (input.browserHash && (await repo.isBrowserTrusted(deps.db, input.browserHash, account.id, now))) {
    await recordAudit(deps.db, {
      actor: accountActor(account),
      subjectAccountId: account.id,
      code: 'LOGIN_SUCCEEDED',
      description: 'Connexion réussie (mot de passe, navigateur de confiance)',
      // The method in use, for the Observatoire's count of strong-authentication methods (R70).
      details: { method: 'trusted-browser' },
      ip: input.ip,
    });
    return { kind: 'trusted_browser', accountId: account.id, pendingStep: pendingStepFor(account, now, deps.config.passwordMaxAgeMonths) };
  }
  const { id, email, mobile_phone, mobile_verified_at, otp_channel } = account;
  return { kind: 'code_required', accountId: account.id, recipient: { id, email, mobile_phone, mobile_verified_at, otp_channel } };
}

/** Where the code goes (R04): SMS only to a verified mobile the user chose, else e-mail. */
function codeDestination(account: { email: string; mobile_phone: string | null; mobile_verified_at: Date | null; otp_channel: 'EMAIL' | 'SMS' }) {
  if (account.otp_channel === 'SMS' && account.mobile_phone && account.mobile_verified_at) {
    return { channel: 'SMS' as const, to: account.mobile_phone, masked: maskPhone(account.mobile_phone) };
  }
  return { channel: 'EMAIL' as const, to: account.email, masked: maskEmail(account.email) };
}

export async function describeCodeDestination(deps: Deps, accountId: number): Promise<{ channel: 'EMAIL' | 'SMS'; masked: string }> {
  const account = await repo.getLoginAccount(deps.db, accountId);
  if (!account) throw authErrors.CODE_EXPIRED();
  const { channel, masked } = codeDestination(account);
  return { channel, masked };
}

/**
 * The writes that send a new 6-digit login code (R04) for a session: the code (as its keyed hash,
 * the earlier ones of the session invalidated), the e-mail or SMS that carries it (outbox) and the
 * audit event. The caller writes them in one statement, so that they commit together.
 */
function loginCodeWrites(deps: Deps, recipient: CodeRecipient, sessionIdHash: Buffer, ip: string, now: Date) {
  const destination = codeDestination(recipient);
  const { code, writes } = issueCode(deps.db, {
    purpose: 'login',
    binding: { sessionIdHash, accountId: recipient.id },
    channel: destination.channel,
    destination: destination.masked,
    context: loginCodeContext(recipient.id),
    secret: deps.config.sessionSecret,
    ttlMs: OTP_TTL_MS,
    now,
  });
  return [
    ...writes,
    destination.channel === 'SMS'
      ? smsInsert(deps.db, { to: destination.to, text: loginCodeSms(code), sensitive: true })
      : mailInsert(deps.db, { to: destination.to, ...loginCodeMail(code), sensitive: true }),
    auditInsert(deps.db, {
      actor: SYSTEM_ACTOR,
      subjectAccountId: recipient.id,
      code: 'OTP_SENT',
      description: `Envoi d’un code de connexion par ${destination.channel === 'SMS' ? 'SMS' : 'e-mail'} (${destination.masked})`,
      ip,
    }),
  ];
}

/** The HMAC context of a login code: it verifies only for its account. */
const loginCodeContext = (accountId: number) => `otp:${accountId}`;

/**
 * After the right password (R06): a new session that can do nothing but receive and type its code,
 * and its first code (R04). The session, the code, the message and the audit event are written by
 * one statement: all or nothing. The first code counts with the resends against the account's hourly
 * cap (`LOGIN_CODES_PER_HOUR`, 10: the right password typed again and again, by its owner or by
 * whoever has it, must not flood the owner's mailbox or phone), the account's sends serialised so
 * that parallel logins cannot pass it together (issue 12).
 */
export async function openCodeSession(deps: Deps, input: { recipient: CodeRecipient; session: NewSession; ip: string }): Promise<void> {
  const now = deps.clock.now();
  const accountId = input.recipient.id;
  const wait = await deps.db.transaction().execute(async (trx) => {
    await lockTarget(trx, `code-send:login:${accountId}`);
    const seconds = hourlyCapWaitSeconds(await codeSendTimes(trx, 'login', { accountId }, new Date(now.getTime() - 3_600_000)), now, deps.config.loginCodesPerHour);
    if (seconds === 0) await executeAsOneStatement(trx, [sessionInsert(trx, input.session), ...loginCodeWrites(deps, input.recipient, input.session.idHash, input.ip, now)]);
    return seconds;
  });
  if (wait > 0) {
    await recordAudit(deps.db, {
      actor: SYSTEM_ACTOR,
      subjectAccountId: accountId,
      code: 'LOGIN_REFUSED',
      description: `Connexion refusée : ${deps.config.loginCodesPerHour} codes de connexion déjà envoyés dans l’heure`,
      ip: input.ip,
    });
    throw authErrors.LOGIN_CODES_EXHAUSTED({ seconds: wait });
  }
  wakeOutbox(deps);
}

/** "Cliquez ici" (R04): a new code for the session, throttled, replacing the one sent before. */
export async function resendLoginCode(deps: Deps, input: { accountId: number; sessionIdHash: Buffer; ip: string }): Promise<void> {
  const now = deps.clock.now();
  const account = await repo.getLoginAccount(deps.db, input.accountId);
  if (!account) throw authErrors.CODE_EXPIRED();
  if (!(await hitLimit(deps.db, `resend-ip:${input.ip}`, IP_RESEND_ATTEMPTS, now)).allowed) throw authErrors.TOO_MANY_ATTEMPTS();
  // Counted per account, whatever the address (issue 12): the account's sends are serialised, so
  // parallel clicks read each other's codes and at most the throttle's number goes out.
  await deps.db.transaction().execute(async (trx) => {
    await lockTarget(trx, `code-send:login:${account.id}`);
    const wait = resendWaitSeconds(await codeSendTimes(trx, 'login', { accountId: account.id }, new Date(now.getTime() - 3_600_000)), now);
    if (wait > 0) throw authErrors.CODE_RESEND_TOO_SOON({ seconds: wait });
    // In one statement the invalidation cannot see the new code: only the earlier ones are invalidated.
    await executeAsOneStatement(trx, loginCodeWrites(deps, account, input.sessionIdHash, input.ip, now));
  });
  wakeOutbox(deps);
}

/**
 * Checks the code typed for this session (R04): right, unexpired, unused, fewer than 5 errors, each
 * error in the history. Compared in constant time, consumed atomically with the LOGIN_SUCCEEDED
 * event. Returns the step the session still owes.
 */
export async function verifyLoginCode(deps: Deps, input: { session: AuthSession; code: string; ip: string }): Promise<{ pendingStep: PendingStep | null; amr: string[] }> {
  const now = deps.clock.now();
  const { accountId } = input.session;
  const check = await checkCode(deps.db, {
    purpose: 'login',
    binding: { sessionIdHash: input.session.idHash, accountId },
    accountId,
    typed: input.code,
    context: loginCodeContext(accountId),
    secret: deps.config.sessionSecret,
    maxAttempts: OTP_MAX_ATTEMPTS,
    now,
    limitKey: `code-ip:${input.ip}`,
    onWrong: (trx, attempts) =>
      recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        subjectAccountId: accountId,
        code: attempts >= OTP_MAX_ATTEMPTS ? 'OTP_INVALIDATED' : 'OTP_FAILED',
        description: attempts >= OTP_MAX_ATTEMPTS ? `Code de connexion invalidé après ${OTP_MAX_ATTEMPTS} erreurs` : 'Code de connexion erroné',
        ip: input.ip,
      }),
  });
  if (!check.ok) {
    if (check.reason === 'rate_limited') throw authErrors.TOO_MANY_ATTEMPTS();
    if (check.reason === 'format') throw authErrors.CODE_FORMAT();
    if (check.reason === 'wrong') throw authErrors.CODE_WRONG({ left: check.attemptsLeft });
    throw authErrors.CODE_EXPIRED();
  }
  const account = await repo.getLoginAccount(deps.db, accountId);
  if (!account || account.blocked_at || account.deactivated_at) throw authErrors.CODE_EXPIRED();
  return deps.db.transaction().execute(async (trx) => {
    if (!(await consumeCode(trx, check.codeId, now))) throw authErrors.CODE_EXPIRED();
    await recordAudit(trx, {
      actor: accountActor(account),
      subjectAccountId: account.id,
      code: 'LOGIN_SUCCEEDED',
      description: 'Connexion réussie (mot de passe et code à usage unique)',
      details: { method: check.channel === 'SMS' ? 'code-sms' : 'code-email' },
      ip: input.ip,
    });
    // R17: the code's own channel says which second factor this was (RFC 8176: otp by e-mail, sms).
    return { pendingStep: pendingStepFor(account, now, deps.config.passwordMaxAgeMonths), amr: amrOfMethod(input.session.authMethod, check.channel) };
  });
}

/** R05: this browser skips the code for this account during the next 8 hours. */
export async function trustBrowser(deps: Deps, accountId: number, browserHash: Buffer): Promise<void> {
  const now = deps.clock.now();
  await repo.trustBrowser(deps.db, browserHash, accountId, now, new Date(now.getTime() + TRUSTED_BROWSER_MS));
}

/**
 * R08: the mandatory change of an expired password, inside a strong session. Trusted browsers are
 * revoked (the code will be asked again elsewhere); other sessions end when the user asks.
 */
export async function changeExpiredPassword(
  deps: Deps,
  input: { session: AuthSession; newPassword: string; confirmation: string; endOtherSessions: boolean; ip: string },
): Promise<{ pendingStep: PendingStep | null }> {
  const now = deps.clock.now();
  const account = await repo.getLoginAccount(deps.db, input.session.accountId);
  if (!account) throw authErrors.CODE_EXPIRED();
  const hash = await acceptableNewPassword(deps, account, input.newPassword, input.confirmation);
  await deps.db.transaction().execute(async (trx) => {
    await storePassword(trx, account.id, hash, now);
    await repo.revokeTrustedBrowsers(trx, account.id, now);
    if (input.endOtherSessions) await endSessionsOfAccount(trx, account.id, input.session.idHash);
    await recordAudit(trx, { actor: accountActor(account), subjectAccountId: account.id, code: 'PASSWORD_CHANGED', description: 'Changement du mot de passe (mot de passe expiré)', ip: input.ip });
  });
  return { pendingStep: pendingStepFor({ ...account, password_changed_at: now }, now, deps.config.passwordMaxAgeMonths) };
}

/** R11: the acceptance of the current terms of use is recorded ("Charte validée"). */
export async function acceptTerms(deps: Deps, input: { session: AuthSession; accepted: boolean; ip: string }): Promise<void> {
  if (!input.accepted) throw authErrors.TERMS_NOT_ACCEPTED.at('accept');
  const now = deps.clock.now();
  const account = await repo.getLoginAccount(deps.db, input.session.accountId);
  if (!account) throw authErrors.CODE_EXPIRED();
  await deps.db.transaction().execute(async (trx) => {
    await accounts.acceptTerms(trx, account.id, TERMS_VERSION, now);
    await recordAudit(trx, { actor: accountActor(account), subjectAccountId: account.id, code: 'TERMS_ACCEPTED', description: `Charte validée (conditions générales d’utilisation, version ${TERMS_VERSION})`, details: { version: TERMS_VERSION }, ip: input.ip });
  });
}
