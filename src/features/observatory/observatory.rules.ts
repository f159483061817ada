/**
 * Pure rules of the Observatoire (R70): the period an order may cover, the consolidation advice,
 * statuses and their French words, how long results live, and the small-count suppression applied
 * to every output. Nothing here reads the clock or the database: `today` and `now` are parameters.
 */
import { addToDate } from '../../platform/clock.js';
import type { ObservatoryOrderStatus } from '../../db/schema.js';
import type { ScopePlace } from '../habilitations/habilitation.policy.js';

/** At most this many orders waiting or running per person (R70). */
export const MAX_OPEN_ORDERS = 5;
/** A period covers at most 5 years. */
export const MAX_PERIOD_YEARS = 5;
/** Data of the last 15 days is not consolidated yet: the page advises it (R70). */
export const CONSOLIDATION_DAYS = 15;
/** Files and results are deleted 10 days after they are ready (R70). */
export const RETENTION_DAYS = 10;
/** An expired (or failed) order stays listed this long after its result went, then disappears. */
export const EXPIRED_LISTED_DAYS = 20;
export const COMMENT_MAX = 500;
/** The time limit of one computation (pg-boss expires the attempt beyond it; the SQL stops too). */
export const COMPUTE_TIME_LIMIT_SECONDS = 600;
/** Attempts of one order before it fails for good (pg-boss retries the first failures). */
export const COMPUTE_ATTEMPTS = 3;
/** A count of persons below this is shown as "< 5" (with secondary suppression). */
export const SMALL_COUNT = 5;
export const SUPPRESSED = '< 5';

const DAY_MS = 86_400_000;

export const STATUS_LABELS: Record<ObservatoryOrderStatus, string> = {
  pending: 'en attente',
  running: 'en cours',
  ready: 'prête',
  failed: 'échouée',
  expired: 'expirée',
};

/** An order still counts against the limit while it waits or runs. */
export function isOpen(status: ObservatoryOrderStatus): boolean {
  return status === 'pending' || status === 'running';
}

export type PeriodProblem = 'START_AFTER_END' | 'TOO_LONG' | 'IN_FUTURE';

/**
 * R70: what is wrong with a period of calendar days (both already valid 'YYYY-MM-DD'), in the order
 * the form says it: an end before its start, a period in the future (its end after today), longer
 * than 5 years. null: acceptable.
 */
export function periodProblem(from: string, to: string, today: string): PeriodProblem | null {
  if (to < from) return 'START_AFTER_END';
  if (to > today) return 'IN_FUTURE';
  if (to > addToDate(from, { years: MAX_PERIOD_YEARS })) return 'TOO_LONG';
  return null;
}

/** The last day whose data is consolidated: 15 days before today. */
export function consolidatedUntil(today: string): string {
  return addToDate(today, { days: -CONSOLIDATION_DAYS });
}

/** R70: the period ends less than 15 days ago: its last days may still change. */
export function endsInConsolidation(to: string, today: string): boolean {
  return to > consolidatedUntil(today);
}

/** When a ready order's result and file are deleted. */
export function resultExpiry(readyAt: Date): Date {
  return new Date(readyAt.getTime() + RETENTION_DAYS * DAY_MS);
}

/** When an expired or failed order leaves the list. */
export function listingExpiry(from: Date): Date {
  return new Date(from.getTime() + EXPIRED_LISTED_DAYS * DAY_MS);
}

// ─── Small counts ─────────────────────────────────────────────────────────────────────────────

/** A cell of a result: text, a number, a calendar day ('YYYY-MM-DD' in a date column), nothing, or "< 5". */
export type Cell = string | number | null;

/** 'month': 'YYYY-MM'; 'date': 'YYYY-MM-DD'; 'percent': 0–100; 'days': a duration in days. */
export type ColumnType = 'text' | 'count' | 'number' | 'percent' | 'days' | 'date' | 'month';

export interface Column {
  key: string;
  label: string;
  type: ColumnType;
  /** A count of persons: 1 to 4 is shown "< 5", with secondary suppression within the table. */
  persons?: boolean;
  /** A value computed over the persons of other columns of the row (a median, a share): hidden with any of them. */
  over?: string | string[];
}

export interface RawTable {
  key: string;
  title: string;
  description?: string;
  columns: Column[];
  rows: Cell[][];
  /** Add a "Total" row summing the persons columns. */
  total?: boolean;
  /** The rows fall into groups (by this column) whose sums another table publishes: each group is protected on its own. */
  groupBy?: string;
  /** The rows are nested stages (a funnel), not a partition: no sum is meaningful, only primary suppression applies. */
  nested?: boolean;
}

export interface ResultTable extends Omit<RawTable, 'total' | 'groupBy' | 'nested'> {
  total: Cell[] | null;
  /** How many cells were hidden, primary and secondary. */
  suppressed: number;
}

const isSmall = (v: Cell): boolean => typeof v === 'number' && v > 0 && v < SMALL_COUNT;

/**
 * Can the hidden values of a group be worked out from their sum (which the total, or another table,
 * publishes)? With every hidden value between 1 and 4, the sum gives them away when there is one
 * hidden cell, or when all are 1 (sum = n), or all are 4 (sum = 4n).
 */
function hiddenValuesDetermined(values: number[]): boolean {
  if (values.length === 0) return false;
  if (values.length === 1) return true;
  const sum = values.reduce((a, b) => a + b, 0);
  return sum === values.length || sum === (SMALL_COUNT - 1) * values.length;
}

/**
 * R70: hides small counts of persons. Primary: every count from 1 to 4 becomes "< 5". Secondary:
 * within each group of rows whose sum is public (the whole table when it has a total), while the
 * hidden cells could be worked out from that sum, the smallest other non-zero count is hidden too.
 * Values computed over a hidden count (its median, its share) are hidden with it. Zero is shown.
 */
export function suppressSmallCounts(table: RawTable): ResultTable {
  const rows = table.rows.map((row) => [...row]);
  const hidden = rows.map(() => new Set<number>());
  const groupIndex = table.groupBy ? table.columns.findIndex((c) => c.key === table.groupBy) : -1;
  const groups = new Map<string, number[]>();
  rows.forEach((row, i) => {
    const key = groupIndex >= 0 ? String(row[groupIndex]) : '';
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const totalRow: Cell[] | null = table.total ? table.columns.map((c, j) => (j === 0 ? 'Total' : c.persons || c.type === 'count' ? 0 : null)) : null;

  const totalHidden = new Set<number>();
  table.columns.forEach((column, j) => {
    if (!column.persons) return;
    rows.forEach((row, i) => {
      if (isSmall(row[j] ?? null)) hidden[i]!.add(j);
    });
    for (const members of table.nested ? [] : groups.values()) {
      for (;;) {
        const values = members.filter((i) => hidden[i]!.has(j)).map((i) => Number(rows[i]![j]));
        if (!hiddenValuesDetermined(values)) break;
        const candidates = members
          .filter((i) => !hidden[i]!.has(j) && typeof rows[i]![j] === 'number' && (rows[i]![j] as number) > 0)
          .sort((a, b) => (rows[a]![j] as number) - (rows[b]![j] as number));
        if (candidates.length === 0) {
          // Nothing left to hide beside them (4 + 4 and zeros): the total itself would tell them.
          totalHidden.add(j);
          break;
        }
        hidden[candidates[0]!]!.add(j);
      }
    }
  });

  if (totalRow) {
    table.columns.forEach((column, j) => {
      if (!(column.persons || column.type === 'count')) return;
      const sum = rows.reduce((acc, row) => acc + (typeof row[j] === 'number' ? (row[j] as number) : 0), 0);
      totalRow[j] = column.persons && (isSmall(sum) || totalHidden.has(j)) ? SUPPRESSED : sum;
    });
  }

  let suppressed = 0;
  const out = rows.map((row, i) =>
    row.map((value, j) => {
      const column = table.columns[j]!;
      const bases = [column.over ?? []].flat().map((key) => table.columns.findIndex((c) => c.key === key));
      if (hidden[i]!.has(j) || bases.some((b) => b >= 0 && hidden[i]!.has(b))) {
        suppressed += 1;
        return SUPPRESSED;
      }
      return value;
    }),
  );
  return { key: table.key, title: table.title, ...(table.description ? { description: table.description } : {}), columns: table.columns, rows: out, total: totalRow, suppressed };
}

// ─── Figures over persons ───────────────────────────────────────────────────────────────────────

/** The p-th percentile (0–100) of sorted values, by linear interpolation; null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const value = sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
  return Math.round(value * 10) / 10;
}

/** The places an order may read, as data (from `observatoryPlaces` of the policy, at run time). */
export interface ObservatoryScope {
  regionCodes: string[];
  departmentCodes: string[];
  establishmentIds: number[];
  unitIds: number[];
}

/** The places of a scope (the policy's `observatoryPlaces`), as the lists the SQL filters on. */
export function scopeOf(places: readonly ScopePlace[]): ObservatoryScope {
  const scope: ObservatoryScope = { regionCodes: [], departmentCodes: [], establishmentIds: [], unitIds: [] };
  for (const p of places) {
    if (p.level === 'region' && p.regionCode) scope.regionCodes.push(p.regionCode);
    if (p.level === 'department' && p.departmentCode) scope.departmentCodes.push(p.departmentCode);
    if (p.level === 'establishment' && p.establishmentId) scope.establishmentIds.push(p.establishmentId);
    if (p.level === 'unit' && p.unitId) scope.unitIds.push(p.unitId);
  }
  return scope;
}

/** The months of a period, 'YYYY-MM', in order. */
export function monthsOf(period: { from: string; to: string }): string[] {
  const months: string[] = [];
  for (let day = `${period.from.slice(0, 7)}-01`; day <= period.to; day = addToDate(day, { months: 1 })) months.push(day.slice(0, 7));
  return months;
}

/** Sums numeric fields of rows by a key, keys in first-seen order (or in `order` when given). */
export function sumBy<R, F extends string>(rows: readonly R[], key: (row: R) => string, fields: Record<F, (row: R) => number>, order?: readonly string[]): Map<string, Record<F, number>> {
  const sums = new Map<string, Record<F, number>>();
  for (const k of order ?? []) sums.set(k, Object.fromEntries(Object.keys(fields).map((f) => [f, 0])) as Record<F, number>);
  for (const row of rows) {
    const k = key(row);
    const current = sums.get(k) ?? (Object.fromEntries(Object.keys(fields).map((f) => [f, 0])) as Record<F, number>);
    for (const [f, get] of Object.entries(fields) as [F, (row: R) => number][]) current[f] += get(row);
    sums.set(k, current);
  }
  return sums;
}

/** Age bands of the Handicap statistics: children's ESMS up to 20, the Creton amendment beyond, then adults. */
export const AGE_BANDS: readonly [number, string][] = [
  [0, '0 à 5 ans'],
  [6, '6 à 11 ans'],
  [12, '12 à 15 ans'],
  [16, '16 à 19 ans'],
  [20, '20 à 24 ans'],
  [25, '25 à 44 ans'],
  [45, '45 à 59 ans'],
  [60, '60 ans et plus'],
];

export function ageBand(age: number): string {
  let band = AGE_BANDS[0]![1];
  for (const [from, label] of AGE_BANDS) if (age >= from) band = label;
  return band;
}
