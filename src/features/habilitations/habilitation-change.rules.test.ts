/** R31, R35: the prolongation shortcuts never shorten and stay within 5 years of the start. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addToDate } from '../../platform/clock.js';
import { prolongationShortcuts } from './habilitation-change.rules.js';

const today = '2026-12-05';

describe('R35 prolongation shortcuts', () => {
  it('R35 each shortcut shows the date it sets, counted from today', () => {
    const { offered, fiveYearsAbsent } = prolongationShortcuts('2026-12-05', '2027-01-31', today);
    expect(offered).toEqual([
      { label: '+6 mois', end: '2027-06-05' },
      { label: '+1 an', end: '2027-12-05' },
      { label: '+2 ans', end: '2028-12-05' },
      { label: '+5 ans', end: '2031-12-05' },
    ]);
    expect(fiveYearsAbsent).toBeNull();
  });

  it('R35 a shortcut that would move the end earlier is not offered', () => {
    // Ends in 18 months: "+6 mois" and "+1 an" would shorten it.
    const { offered } = prolongationShortcuts('2026-06-01', '2028-06-05', today);
    expect(offered.map((s) => s.label)).toEqual(['+2 ans']);
  });

  it('R35 R31 "+5 ans" is absent when it would pass 5 years from the start, and the page says why', () => {
    const { offered, fiveYearsAbsent } = prolongationShortcuts('2025-01-10', '2027-01-10', today);
    expect(offered.map((s) => s.label)).toEqual(['+6 mois', '+1 an', '+2 ans']);
    expect(fiveYearsAbsent).toBe('« +5 ans » n’est pas proposé : une habilitation dure au plus 5 ans depuis son début, soit jusqu’au 10/01/2030 au plus tard.');
  });

  it('R35 R31 property: every offered shortcut moves the end later and stays within 5 years of the start', () => {
    const day = fc.integer({ min: -2000, max: 2000 }).map((n) => addToDate(today, { days: n }));
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 1826 }), (start, length) => {
        const end = addToDate(start, { days: length });
        const { offered, fiveYearsAbsent } = prolongationShortcuts(start, end, today);
        for (const s of offered) {
          expect(s.end > end).toBe(true);
          expect(s.end <= addToDate(start, { years: 5 })).toBe(true);
        }
        expect(offered.some((s) => s.label === '+5 ans')).toBe(fiveYearsAbsent === null);
      }),
    );
  });
});
