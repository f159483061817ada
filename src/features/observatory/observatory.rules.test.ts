/** Pure rules of the Observatoire (R70): the period, the consolidation advice, small-count suppression. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { consolidatedUntil, endsInConsolidation, percentile, periodProblem, resultExpiry, suppressSmallCounts, SUPPRESSED, type RawTable } from './observatory.rules.js';

const table = (counts: number[], extra: Partial<RawTable> = {}): RawTable => ({
  key: 't',
  title: 'T',
  columns: [
    { key: 'label', label: 'Catégorie', type: 'text' },
    { key: 'n', label: 'Personnes', type: 'count', persons: true },
  ],
  rows: counts.map((n, i) => [`c${i}`, n]),
  total: true,
  ...extra,
});

describe('R70 period of an order', () => {
  const today = '2026-12-05';
  it('R70 refuses an end before the start, an end in the future, more than 5 years', () => {
    expect(periodProblem('2026-03-01', '2026-02-28', today)).toBe('START_AFTER_END');
    expect(periodProblem('2026-01-01', '2026-12-06', today)).toBe('IN_FUTURE');
    expect(periodProblem('2021-12-04', '2026-12-05', today)).toBe('TOO_LONG');
    expect(periodProblem('2021-12-05', '2026-12-05', today)).toBeNull();
    expect(periodProblem('2026-12-05', '2026-12-05', today)).toBeNull();
  });

  it('R70 advises the 15-day consolidation delay', () => {
    expect(consolidatedUntil(today)).toBe('2026-11-20');
    expect(endsInConsolidation('2026-11-20', today)).toBe(false);
    expect(endsInConsolidation('2026-11-21', today)).toBe(true);
  });

  it('R70 files live 10 days', () => {
    expect(resultExpiry(new Date('2026-12-05T10:00:00Z')).toISOString()).toBe('2026-12-15T10:00:00.000Z');
  });
});

describe('R70 small counts ("< 5")', () => {
  it('R70 hides counts from 1 to 4, keeps 0 and 5, and a second cell so the total does not give the first away', () => {
    const result = suppressSmallCounts(table([3, 12, 0, 40]));
    // 3 is hidden; the total 55 minus 12 and 40 would give it back: 12, the smallest other, is hidden too.
    expect(result.rows.map((r) => r[1])).toEqual([SUPPRESSED, SUPPRESSED, 0, 40]);
    expect(result.total).toEqual(['Total', 55]);
    expect(result.suppressed).toBe(2);
  });

  it('R70 two hidden cells whose sum would reveal them both (1 + 1, 4 + 4) get a third', () => {
    expect(suppressSmallCounts(table([1, 1, 9, 30])).rows.map((r) => r[1])).toEqual([SUPPRESSED, SUPPRESSED, SUPPRESSED, 30]);
    expect(suppressSmallCounts(table([4, 4, 9, 30])).rows.map((r) => r[1])).toEqual([SUPPRESSED, SUPPRESSED, SUPPRESSED, 30]);
    expect(suppressSmallCounts(table([2, 3, 9, 30])).rows.map((r) => r[1])).toEqual([SUPPRESSED, SUPPRESSED, 9, 30]);
  });

  it('R70 a total below 5 is hidden too, and values computed over a hidden count go with it', () => {
    const result = suppressSmallCounts({
      key: 't',
      title: 'T',
      columns: [
        { key: 'label', label: 'Catégorie', type: 'text' },
        { key: 'n', label: 'Personnes', type: 'count', persons: true },
        { key: 'median', label: 'Délai médian', type: 'days', over: 'n' },
      ],
      rows: [
        ['a', 2, 14],
        ['b', 0, null],
      ],
      total: true,
    });
    expect(result.rows[0]).toEqual(['a', SUPPRESSED, SUPPRESSED]);
    expect(result.total?.[1]).toBe(SUPPRESSED);
  });

  it('R70 groups whose sums another table publishes are protected one by one', () => {
    const result = suppressSmallCounts({
      key: 't',
      title: 'T',
      columns: [
        { key: 'dept', label: 'Département', type: 'text' },
        { key: 'state', label: 'État', type: 'text' },
        { key: 'n', label: 'Comptes', type: 'count', persons: true },
      ],
      rows: [
        ['911', 'Bloqué', 2],
        ['912', 'Bloqué', 30],
        ['911', 'Actif', 50],
        ['912', 'Actif', 60],
      ],
      groupBy: 'state',
    });
    expect(result.rows.map((r) => r[2])).toEqual([SUPPRESSED, SUPPRESSED, 50, 60]);
  });

  it('R70 property: no count from 1 to 4 is ever shown, and the hidden cells can never be worked out from the total', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 12 }), (counts) => {
        const result = suppressSmallCounts(table(counts));
        const shown = result.rows.map((r) => r[1]);
        expect(shown.every((v) => v === SUPPRESSED || v === 0 || (typeof v === 'number' && v >= 5))).toBe(true);
        const hidden = counts.filter((_, i) => shown[i] === SUPPRESSED);
        if (hidden.length === 0) return;
        const total = result.total?.[1];
        if (total === SUPPRESSED) return;
        // What a reader can recompute: the sum of the hidden cells. It must fit more than one set of values.
        const sum = hidden.reduce((a, b) => a + b, 0);
        const unique = hidden.length === 1 || (sum === hidden.length && hidden.every((v) => v === 1)) || (sum === 4 * hidden.length && hidden.every((v) => v === 4));
        expect(unique).toBe(false);
      }),
    );
  });
});

describe('figures over persons', () => {
  it('percentile interpolates between ranks', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([10], 90)).toBe(10);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 90)).toBe(90);
  });
});
