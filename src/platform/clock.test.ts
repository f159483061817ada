import { describe, expect, it } from 'vitest';
import { addToDate, formatDate, formatDateTime, parisDate } from './clock.js';

describe('business dates in Europe/Paris', () => {
  it('takes the Paris day, not the UTC day', () => {
    // 23:30 UTC on 31 December is already 1 January in Paris (UTC+1 in winter).
    expect(parisDate(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    // 22:30 UTC on 30 June is 00:30 on 1 July in Paris (UTC+2 in summer).
    expect(parisDate(new Date('2026-06-30T22:30:00Z'))).toBe('2026-07-01');
    expect(parisDate(new Date('2026-06-30T21:59:00Z'))).toBe('2026-06-30');
  });

  it('adds months and years, clamping to the end of the month', () => {
    expect(addToDate('2026-08-31', { months: 6 })).toBe('2027-02-28');
    expect(addToDate('2028-02-29', { years: 1 })).toBe('2029-02-28');
    expect(addToDate('2026-11-23', { years: 2 })).toBe('2028-11-23');
    expect(addToDate('2026-11-23', { days: 15 })).toBe('2026-12-08');
    expect(addToDate('2026-01-10', { months: -2 })).toBe('2025-11-10');
  });

  it('formats dates the French way', () => {
    expect(formatDate('2026-03-05')).toBe('05/03/2026');
    expect(formatDateTime(new Date('2026-03-05T08:07:00Z'))).toBe('05/03/2026 09:07');
  });
});
