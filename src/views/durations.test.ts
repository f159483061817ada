/** Durations in texts come from the rules' constants: the words must be those users read today. */
import { describe, expect, it } from 'vitest';
import { formatDuration } from './durations.js';
import { ACTIVATION_TTL_MS, OTP_TTL_MS, RESET_TTL_MS, TRUSTED_BROWSER_MS } from '../features/auth/auth.rules.js';
import { ACCEPTANCE_CODE_RESEND_MS, INVITATION_TTL_MS } from '../features/assistants/assistants.rules.js';
import { EMAIL_CHANGE_TTL_MS } from '../features/accounts/account.rules.js';

describe('formatDuration', () => {
  it('R04 R05 R09 R11 R15 R41 says the durations of the rules as the mails always said them', () => {
    expect(formatDuration(OTP_TTL_MS)).toBe('10 minutes');
    expect(formatDuration(TRUSTED_BROWSER_MS)).toBe('8 heures');
    expect(formatDuration(RESET_TTL_MS)).toBe('24 heures');
    expect(formatDuration(EMAIL_CHANGE_TTL_MS)).toBe('24 heures');
    expect(formatDuration(ACTIVATION_TTL_MS)).toBe('7 jours');
    expect(formatDuration(INVITATION_TTL_MS)).toBe('7 jours');
    expect(formatDuration(ACCEPTANCE_CODE_RESEND_MS)).toBe('1 minute');
  });

  it('uses the largest unit that divides the duration, singular for one', () => {
    expect(formatDuration(90_000)).toBe('90 secondes');
    expect(formatDuration(3_600_000)).toBe('1 heure');
    expect(formatDuration(36 * 3_600_000)).toBe('36 heures');
    expect(formatDuration(48 * 3_600_000)).toBe('2 jours');
  });
});
