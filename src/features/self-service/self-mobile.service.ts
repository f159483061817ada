/** R41, R04: the mobile number verified by a code sent by SMS, and the channel of the login code. */
import { randomInt } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { accountActor, recordAudit } from '../../platform/audit/audit.js';
import { hmac, safeEqual } from '../../platform/crypto.js';
import { enqueueSms } from '../../platform/outbox/outbox.js';
import { wakeOutbox } from '../../platform/outbox/outbox.job.js';
import { hitLimit, type Limit } from '../../platform/rate-limit.js';
import { DomainError } from '../../platform/errors.js';
import { lockAccount, markMobileVerified, setOtpChannel } from '../accounts/account.repository.js';
import { maskPhone } from '../accounts/account.rules.js';
import { OTP_MAX_ATTEMPTS, OTP_TTL_MS, resendWaitSeconds } from '../auth/auth.rules.js';
import { revokeTrustedBrowsers } from '../auth/auth.service.js';
import { selfServiceErrors as errors } from './self-service.errors.js';
import { mobileCodeSms } from './self-service.mails.js';
import * as repo from './self-service.repository.js';
import { checkCurrentPassword, loadAccount, type SelfContext } from './self-service.service.js';

const IP_CODE_ATTEMPTS: Limit = { window: 5 * 60, max: 100 };

/**
 * A 6-digit code has little entropy: a keyed hash keeps a leaked table from revealing it. The
 * number is part of the hash, so a code only ever verifies the number it was sent to.
 */
function mobileCodeHash(deps: Deps, accountId: number, mobile: string, code: string): string {
  return hmac(deps.config.sessionSecret, `mobile:${accountId}:${mobile}:${code}`);
}

/** A new number voids the codes sent to the former one (in the caller's transaction). */
export async function invalidateMobileCodesIn(trx: Deps['db'], accountId: number, now: Date): Promise<void> {
  await repo.invalidateMobileCodes(trx, accountId, now);
}

/** "Vérifier": a 6-digit code by SMS to the mobile number (R41), at most one a minute and five an hour. */
export async function sendMobileCode(deps: Deps, ctx: SelfContext): Promise<{ masked: string }> {
  const now = deps.clock.now();
  const account = await loadAccount(deps.db, ctx.accountId);
  const mobile = account.mobile_phone;
  if (!mobile) throw errors.MOBILE_MISSING();
  if (account.mobile_verified_at) throw errors.MOBILE_ALREADY_VERIFIED();
  const wait = resendWaitSeconds(await repo.listMobileCodeSendTimes(deps.db, account.id, new Date(now.getTime() - 3_600_000)), now);
  if (wait > 0) {
    const delay = wait < 60 ? `${wait} secondes` : `${Math.ceil(wait / 60)} minutes`;
    throw new DomainError('CODE_RESEND_TOO_SOON', `Un code vient d’être envoyé. Patientez ${delay} avant d’en demander un autre.`, 429);
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const masked = maskPhone(mobile);
  await deps.db.transaction().execute(async (trx) => {
    await repo.invalidateMobileCodes(trx, account.id, now);
    await repo.insertMobileCode(trx, { accountId: account.id, codeHash: mobileCodeHash(deps, account.id, mobile, code), destination: masked, now, expiresAt: new Date(now.getTime() + OTP_TTL_MS) });
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
  if (!(await hitLimit(deps.db, `mobile-code-ip:${ctx.ip}`, IP_CODE_ATTEMPTS, now)).allowed) throw errors.TOO_MANY_ATTEMPTS();
  const typed = typedCode.replace(/\s/g, '');
  if (!/^\d{6}$/.test(typed)) throw errors.CODE_FORMAT.at('code');
  const account = await loadAccount(deps.db, ctx.accountId);
  const mobile = account.mobile_phone;
  if (!mobile) throw errors.MOBILE_MISSING();
  if (account.mobile_verified_at) throw errors.MOBILE_ALREADY_VERIFIED();
  const stored = await repo.getLatestMobileCodeWithHash(deps.db, account.id);
  if (!stored || stored.invalidated_at || stored.expires_at <= now) throw errors.CODE_EXPIRED.at('code');
  if (!safeEqual(mobileCodeHash(deps, account.id, mobile, typed), stored.code_hash)) {
    const used = await deps.db.transaction().execute(async (trx) => {
      const attempts = await repo.recordWrongMobileCode(trx, stored.id, now, OTP_MAX_ATTEMPTS);
      await recordAudit(trx, {
        actor: accountActor(account),
        subjectAccountId: account.id,
        code: 'MOBILE_CODE_FAILED',
        description: attempts >= OTP_MAX_ATTEMPTS ? 'Code de vérification du téléphone mobile invalidé après 5 erreurs' : 'Code de vérification du téléphone mobile erroné',
        ip: ctx.ip,
      });
      return attempts;
    });
    const left = OTP_MAX_ATTEMPTS - used;
    if (left <= 0) throw errors.CODE_EXPIRED.at('code');
    const message = `Code incorrect. Il vous reste ${left} essai${left > 1 ? 's' : ''}.`;
    throw new DomainError('CODE_WRONG', message, 400, { code: message });
  }
  await deps.db.transaction().execute(async (trx) => {
    if (!(await repo.consumeMobileCode(trx, stored.id, now))) throw errors.CODE_EXPIRED.at('code');
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
  const smsPossible = (a: repo.AccountRow) => a.mobile_phone !== null && a.mobile_verified_at !== null;
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
