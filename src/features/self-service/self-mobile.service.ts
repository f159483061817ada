/** R41, R04: the mobile number verified by a code sent by SMS, and the channel of the login code. */
import type { Deps } from '../../deps.js';
import { accountActor, recordAudit } from '../../platform/audit/audit.js';
import { enqueueSms } from '../../platform/outbox/outbox.js';
import { wakeOutbox } from '../../platform/outbox/outbox.job.js';
import { lockTarget } from '../../platform/rate-limit.js';
import { checkCode, codeSendTimes, consumeCode, invalidateCodes, storeNewCode, resendWaitSeconds } from '../../platform/one-time-codes.js';
import { lockAccount, markMobileVerified, setOtpChannel } from '../accounts/account.repository.js';
import { maskPhone } from '../accounts/account.rules.js';
import { OTP_MAX_ATTEMPTS, OTP_TTL_MS } from '../auth/auth.rules.js';
import { revokeTrustedBrowsers } from '../auth/credentials.service.js';
import { selfServiceErrors as errors } from './self-service.errors.js';
import { mobileCodeSms } from './self-service.mails.js';
import { checkCurrentPassword, loadAccount, type SelfContext } from './self-service.service.js';

/**
 * The HMAC context of a mobile code: the account and the number, so a code only ever verifies the
 * number it was sent to.
 */
const mobileCodeContext = (accountId: number, mobile: string) => `mobile:${accountId}:${mobile}`;

/** A new number voids the codes sent to the former one (in the caller's transaction). */
export async function invalidateMobileCodesIn(trx: Deps['db'], accountId: number, now: Date): Promise<void> {
  await invalidateCodes(trx, 'mobile_verification', { accountId }, now);
}

/** "Vérifier": a 6-digit code by SMS to the mobile number (R41), at most one a minute and five an hour. */
export async function sendMobileCode(deps: Deps, ctx: SelfContext): Promise<{ masked: string }> {
  const now = deps.clock.now();
  const account = await loadAccount(deps.db, ctx.accountId);
  const mobile = account.mobile_phone;
  if (!mobile) throw errors.MOBILE_MISSING();
  if (account.mobile_verified_at) throw errors.MOBILE_ALREADY_VERIFIED();
  const binding = { accountId: account.id };
  const masked = maskPhone(mobile);
  await deps.db.transaction().execute(async (trx) => {
    // Per account and atomic (issue 12): parallel requests wait for each other and read each other's codes.
    await lockTarget(trx, `code-send:mobile:${account.id}`);
    const wait = resendWaitSeconds(await codeSendTimes(trx, 'mobile_verification', binding, new Date(now.getTime() - 3_600_000)), now);
    if (wait > 0) throw errors.CODE_RESEND_TOO_SOON({ seconds: wait });
    const code = await storeNewCode(trx, {
      purpose: 'mobile_verification',
      binding,
      channel: 'SMS',
      destination: masked,
      context: mobileCodeContext(account.id, mobile),
      secret: deps.config.sessionSecret,
      ttlMs: OTP_TTL_MS,
      now,
    });
    await enqueueSms(trx, { to: mobile, text: mobileCodeSms(code), sensitive: true });
    await recordAudit(trx, {
      actor: accountActor(account),
      subjectAccountId: account.id,
      code: 'MOBILE_CODE_SENT',
      description: `Envoi d’un code de vérification du téléphone mobile par SMS (${masked})`,
      ip: ctx.ip,
    });
  });
  wakeOutbox(deps);
  return { masked };
}

/** Where the verification code went, for the page that asks it. */
export async function describeMobile(deps: Deps, accountId: number): Promise<{ masked: string | null; verified: boolean }> {
  const account = await loadAccount(deps.db, accountId);
  return { masked: account.mobile_phone ? maskPhone(account.mobile_phone) : null, verified: account.mobile_verified_at !== null };
}

/** Checks the code typed for the mobile: right, unexpired, unused, fewer than 5 errors; then the number is verified. */
export async function verifyMobileCode(deps: Deps, ctx: SelfContext, typedCode: string): Promise<void> {
  const now = deps.clock.now();
  const account = await loadAccount(deps.db, ctx.accountId);
  const mobile = account.mobile_phone;
  if (!mobile) throw errors.MOBILE_MISSING();
  if (account.mobile_verified_at) throw errors.MOBILE_ALREADY_VERIFIED();
  const check = await checkCode(deps.db, {
    purpose: 'mobile_verification',
    binding: { accountId: account.id },
    typed: typedCode,
    context: mobileCodeContext(account.id, mobile),
    secret: deps.config.sessionSecret,
    maxAttempts: OTP_MAX_ATTEMPTS,
    now,
    limitKey: `mobile-code-ip:${ctx.ip}`,
    onWrong: (trx, attempts) =>
      recordAudit(trx, {
        actor: accountActor(account),
        subjectAccountId: account.id,
        code: 'MOBILE_CODE_FAILED',
        description:
          attempts >= OTP_MAX_ATTEMPTS ? `Code de vérification du téléphone mobile invalidé après ${OTP_MAX_ATTEMPTS} erreurs` : 'Code de vérification du téléphone mobile erroné',
        ip: ctx.ip,
      }),
  });
  if (!check.ok) {
    if (check.reason === 'rate_limited') throw errors.TOO_MANY_ATTEMPTS();
    if (check.reason === 'format') throw errors.CODE_FORMAT.at('code');
    if (check.reason === 'wrong') throw errors.CODE_WRONG.at('code', { left: check.attemptsLeft });
    throw errors.CODE_EXPIRED.at('code');
  }
  await deps.db.transaction().execute(async (trx) => {
    if (!(await consumeCode(trx, check.codeId, now))) throw errors.CODE_EXPIRED.at('code');
    // The number may have changed since the code was sent: only that number is verified.
    if (!(await markMobileVerified(trx, account.id, mobile, now))) throw errors.CODE_EXPIRED.at('code');
    await recordAudit(trx, {
      actor: accountActor(account),
      subjectAccountId: account.id,
      code: 'MOBILE_VERIFIED',
      description: `Vérification du téléphone mobile (${maskPhone(mobile)})`,
      ip: ctx.ip,
    });
  });
}

/**
 * "Préférence réception de code OTP" (R04, R41): EMAIL, or SMS once the mobile is verified. It
 * needs the password again. Trusted browsers are revoked: the next login, wherever it happens,
 * goes through the chosen channel, so the person sees at once that codes arrive where they chose.
 */
export async function changeOtpChannel(deps: Deps, ctx: SelfContext, input: { channel: string; password: string }): Promise<{ changed: boolean }> {
  const channel = input.channel;
  if (channel !== 'EMAIL' && channel !== 'SMS') throw errors.OTP_CHANNEL_INVALID.at('channel');
  const account = await loadAccount(deps.db, ctx.accountId);
  if (channel === account.otp_channel) return { changed: false };
  const smsPossible = (a: { mobile_phone: string | null; mobile_verified_at: Date | null }) => a.mobile_phone !== null && a.mobile_verified_at !== null;
  if (channel === 'SMS' && !smsPossible(account)) throw errors.SMS_NEEDS_VERIFIED_MOBILE.at('channel');
  await checkCurrentPassword(deps, account, input.password, 'channelPassword', ctx.ip);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await lockAccount(trx, account.id);
    const fresh = await loadAccount(trx, account.id);
    if (channel === 'SMS' && !smsPossible(fresh)) throw errors.SMS_NEEDS_VERIFIED_MOBILE.at('channel');
    await setOtpChannel(trx, account.id, channel, now);
    await revokeTrustedBrowsers(trx, account.id, now, null);
    await recordAudit(trx, {
      actor: accountActor(account),
      subjectAccountId: account.id,
      code: 'OTP_CHANNEL_CHANGED',
      description: channel === 'SMS' ? `Réception du code de connexion par SMS (${maskPhone(fresh.mobile_phone!)})` : 'Réception du code de connexion par e-mail',
      details: { channel },
      ip: ctx.ip,
    });
  });
  return { changed: true };
}
