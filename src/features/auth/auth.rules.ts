/** Pure rules of authentication. They take `now` as a parameter and never read the clock. */
import { dictionary } from '@zxcvbn-ts/language-common';
import { TERMS_VERSION } from './terms.js';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;
export const MAX_FAILED_LOGINS = 5;
export const OTP_TTL_MS = 10 * 60_000;
export const OTP_MAX_ATTEMPTS = 5;
export const TRUSTED_BROWSER_MS = 8 * 3_600_000;
export const PASSWORD_HISTORY_DEPTH = 5;
export const ACTIVATION_TTL_MS = 7 * 24 * 3_600_000;
export const RESET_TTL_MS = 24 * 3_600_000;

/** The rule as users read it next to every password field (R07). */
export const PASSWORD_RULE_TEXT =
  'Au moins 12 caractères, dont au moins une minuscule, une majuscule, un chiffre et un caractère spécial. Évitez les mots de passe courants et votre nom.';

const COMMON_PASSWORDS = new Set(dictionary['passwords-common'] as string[]);

const ascii = (value: string) => value.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

/**
 * What is wrong with a chosen password, as French messages (empty: acceptable). R07 composition
 * (configurable, see ADR 0003), length, common passwords, and the person's own names.
 */
export function passwordPolicyViolations(
  password: string,
  person: { username?: string | null; firstName?: string | null; lastName?: string | null },
  options: { composition: boolean } = { composition: true },
): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push('Le mot de passe doit contenir au moins 12 caractères.');
  if (length > PASSWORD_MAX_LENGTH) problems.push('Le mot de passe doit contenir au plus 128 caractères.');
  if (options.composition) {
    if (!/\p{Ll}/u.test(password)) problems.push('Il doit contenir au moins une lettre minuscule.');
    if (!/\p{Lu}/u.test(password)) problems.push('Il doit contenir au moins une lettre majuscule.');
    if (!/\p{Nd}/u.test(password)) problems.push('Il doit contenir au moins un chiffre.');
    if (!/[^\p{L}\p{Nd}]/u.test(password)) problems.push('Il doit contenir au moins un caractère spécial.');
  }
  const lowered = ascii(password);
  // "Motdepasse2026!" is "motdepasse" with decorations: strip digits and symbols at both ends.
  const core = lowered.replace(/^[^a-z]+|[^a-z]+$/g, '');
  if (COMMON_PASSWORDS.has(lowered) || (core.length >= 4 && COMMON_PASSWORDS.has(core))) {
    problems.push('Ce mot de passe est trop courant : choisissez-en un autre.');
  }
  const names = [person.username, person.firstName, person.lastName]
    .filter((n): n is string => typeof n === 'string' && n.trim().length >= 3)
    .map((n) => ascii(n.trim()));
  if (names.some((name) => lowered.includes(name))) {
    problems.push('Le mot de passe ne doit contenir ni votre nom, ni votre prénom, ni votre nom d’utilisateur.');
  }
  return problems;
}

/** What a strong session still owes before anything else: a new password (R08), then the terms of use (R11). */
export type PendingStep = 'password_change' | 'terms';

/** What a freshly strong session still owes: a new password (R08), then the terms of use (R11). */
export function pendingStepFor(
  account: { password_changed_at: Date | null; terms_version_accepted: string | null },
  now: Date,
  maxAgeMonths: number,
): PendingStep | null {
  if (isPasswordExpired(account.password_changed_at, now, maxAgeMonths)) return 'password_change';
  if (account.terms_version_accepted !== TERMS_VERSION) return 'terms';
  return null;
}

/** R08: a password older than `maxAgeMonths` must be changed at the next login (0: never expires). */
export function isPasswordExpired(changedAt: Date | null, now: Date, maxAgeMonths: number): boolean {
  if (maxAgeMonths <= 0) return false;
  if (!changedAt) return true;
  const limit = new Date(changedAt);
  limit.setUTCMonth(limit.getUTCMonth() + maxAgeMonths);
  return now.getTime() >= limit.getTime();
}

// Masks of an address or a number are the accounts feature's (they show an account's own data).
export { maskEmail, maskPhone } from '../accounts/account.rules.js';

/** Normalises what users type as a username: trimmed, lower case (R01 compares case-insensitively). */
export function normaliseUsername(value: string): string {
  return value.trim().toLowerCase();
}

/** Resend throttle (R04): at most one code a minute and five an hour — the one-time code mechanism's rule. */
export { hourlyCapWaitSeconds, resendWaitSeconds } from '../../platform/one-time-codes.js';

/**
 * R17: the RFC 8176 `amr` a sign-in method tells by itself, as Habilis's ID tokens state it: a
 * card is a smart card with its PIN, a hardware key (`sc`, `pin`, `hwk`); a password and a code is
 * multi-factor (`pwd`, `otp` or `sms`, `mfa`: the channel is the caller's to give); a browser
 * trusted by an earlier code shows only the password this time (`pwd`: its acr says the rest);
 * e-CPS and partners carry the amr their provider gave (an empty list until then).
 */
export function amrOfMethod(authMethod: string, codeChannel: 'EMAIL' | 'SMS' = 'EMAIL'): string[] {
  if (authMethod === 'cps') return ['sc', 'pin', 'hwk'];
  if (authMethod === 'password') return ['pwd', codeChannel === 'SMS' ? 'sms' : 'otp', 'mfa'];
  if (authMethod === 'password+trusted-browser') return ['pwd'];
  return [];
}
