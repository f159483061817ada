import { describe, expect, it } from 'vitest';
import { hourlyCapWaitSeconds, isPasswordExpired, maskEmail, maskPhone, normaliseUsername, passwordPolicyViolations, resendWaitSeconds } from './auth.rules.js';

const person = { username: 'hmartin', firstName: 'Hélène', lastName: 'Martin' };

describe('R07 password policy', () => {
  it('R07 accepts 12+ characters with lower, upper, digit and special character', () => {
    expect(passwordPolicyViolations('Tulipe-Verte-42', person)).toEqual([]);
    expect(passwordPolicyViolations('Équinoxe_Lointain9', person)).toEqual([]);
  });

  it('R07 names each missing element in French', () => {
    expect(passwordPolicyViolations('Court-1a', person)).toContain('Le mot de passe doit contenir au moins 12 caractères.');
    expect(passwordPolicyViolations('tulipe-verte-42', person)).toEqual(['Il doit contenir au moins une lettre majuscule.']);
    expect(passwordPolicyViolations('TULIPE-VERTE-42', person)).toEqual(['Il doit contenir au moins une lettre minuscule.']);
    expect(passwordPolicyViolations('Tulipe-Verte-XY', person)).toEqual(['Il doit contenir au moins un chiffre.']);
    expect(passwordPolicyViolations('TulipeVerte42ab', person)).toEqual(['Il doit contenir au moins un caractère spécial.']);
  });

  it('R07 allows up to 128 characters, not more', () => {
    expect(passwordPolicyViolations(`Aa1!${'x'.repeat(124)}`, person)).toEqual([]);
    expect(passwordPolicyViolations(`Aa1!${'x'.repeat(125)}`, person)).toContain('Le mot de passe doit contenir au plus 128 caractères.');
  });

  it('R07 refuses common passwords, even decorated to meet the composition rule', () => {
    expect(passwordPolicyViolations('Password2026!', person)).toContain('Ce mot de passe est trop courant : choisissez-en un autre.');
    expect(passwordPolicyViolations('Azerty123456!', person)).toContain('Ce mot de passe est trop courant : choisissez-en un autre.');
  });

  it('R07 refuses a password containing the username or the name, accents ignored', () => {
    const message = 'Le mot de passe ne doit contenir ni votre nom, ni votre prénom, ni votre nom d’utilisateur.';
    expect(passwordPolicyViolations('Hmartin-2026-x!', person)).toContain(message);
    expect(passwordPolicyViolations('Bonjour-Helene-7', person)).toContain(message);
  });

  it('the composition rule can be switched off (ADR 0003); length and common passwords stay', () => {
    expect(passwordPolicyViolations('phrase de passe assez longue', person, { composition: false })).toEqual([]);
    expect(passwordPolicyViolations('zqxwvkjq', person, { composition: false })).toEqual(['Le mot de passe doit contenir au moins 12 caractères.']);
  });
});

describe('R08 password expiry', () => {
  const changed = new Date('2026-01-15T10:00:00Z');
  it('R08 a password is valid 6 months, then must be changed', () => {
    expect(isPasswordExpired(changed, new Date('2026-07-15T09:59:59Z'), 6)).toBe(false);
    expect(isPasswordExpired(changed, new Date('2026-07-15T10:00:00Z'), 6)).toBe(true);
  });
  it('never expires when the expiry is switched off; a missing date counts as expired', () => {
    expect(isPasswordExpired(changed, new Date('2030-01-01'), 0)).toBe(false);
    expect(isPasswordExpired(null, new Date(), 6)).toBe(true);
  });
});

describe('masked destinations (R04)', () => {
  it('masks an e-mail address and a phone number', () => {
    expect(maskEmail('nicolas.martin@sante-exemple.fr')).toBe('n…@s….fr');
    expect(maskPhone('06 12 34 56 12')).toBe('06 •• •• •• 12');
    expect(maskPhone('+33612345612')).toBe('06 •• •• •• 12');
  });
});

describe('R01 usernames', () => {
  it('R01 compares usernames trimmed and case-insensitively', () => {
    expect(normaliseUsername('  HMartin ')).toBe('hmartin');
  });
});

describe('R04 resend throttle', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const ago = (s: number) => new Date(now.getTime() - s * 1000);
  it('R04 allows one code a minute and five an hour', () => {
    expect(resendWaitSeconds([], now)).toBe(0);
    expect(resendWaitSeconds([ago(20)], now)).toBe(40);
    expect(resendWaitSeconds([ago(61)], now)).toBe(0);
    expect(resendWaitSeconds([ago(3000), ago(2000), ago(1000), ago(500), ago(100)], now)).toBe(600);
    // More than five in the hour (first codes count too): the wait ends when only four are left.
    expect(resendWaitSeconds([ago(3500), ago(3400), ago(2000), ago(1000), ago(500), ago(100)], now)).toBe(200);
  });
  it('R04 the hourly cap of login codes waits for the oldest send that keeps it full', () => {
    const sends = Array.from({ length: 10 }, (_, i) => ago(3000 - i * 100));
    expect(hourlyCapWaitSeconds(sends.slice(1), now, 10)).toBe(0);
    expect(hourlyCapWaitSeconds(sends, now, 10)).toBe(600);
    expect(hourlyCapWaitSeconds([ago(3700), ...sends.slice(1)], now, 10)).toBe(0);
  });
});
