/** Pure rules of changing a habilitation's end date (R31, R35). They take `today`; they never read the clock. */
import { addToDate, formatDate } from '../../platform/clock.js';

/** R31: a habilitation lasts at most 5 years. */
export const MAX_DURATION_YEARS = 5;

/**
 * A calendar date typed by a user: 'AAAA-MM-JJ' (a date input) or 'JJ/MM/AAAA' (a browser without
 * date input shows a text field). Returns 'YYYY-MM-DD', or null when it is not a real date.
 */
export function parseCalendarDate(value: string): string | null {
  const text = value.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : french ? [french[3], french[2], french[1]] : [];
  if (!y || !m || !d) return null;
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1) return null;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > lastDay) return null;
  return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * R35: the end date may go from today (shortening: the habilitation stops by itself that evening),
 * never before its start, to its start + 5 years (R31, as the database's check computes it).
 */
export function endDateBounds(startDate: string, today: string): { min: string; max: string } {
  return { min: startDate > today ? startDate : today, max: addToDate(startDate, { years: MAX_DURATION_YEARS }) };
}

export type EndDateCheck = 'ok' | 'before_min' | 'after_max';

export function checkEndDate(endDate: string, startDate: string, today: string): EndDateCheck {
  const { min, max } = endDateBounds(startDate, today);
  if (endDate < min) return 'before_min';
  if (endDate > max) return 'after_max';
  return 'ok';
}

/** R35: the prolongation shortcuts, counted from today. */
export const PROLONGATION_SHORTCUTS: readonly { label: string; amount: { months?: number; years?: number } }[] = [
  { label: '+6 mois', amount: { months: 6 } },
  { label: '+1 an', amount: { years: 1 } },
  { label: '+2 ans', amount: { years: 2 } },
  { label: '+5 ans', amount: { years: MAX_DURATION_YEARS } },
];

export interface ProlongationShortcuts {
  /** The shortcuts offered, each with the end date it sets. */
  offered: { label: string; end: string }[];
  /** Why "+5 ans" is not offered, when it is not (R31): null when it is. */
  fiveYearsAbsent: string | null;
}

/**
 * R35: which shortcuts a habilitation's row offers. A shortcut sets today + its amount; it is offered
 * only when that moves the end later (a shortcut never shortens: that stays "Changer la fin") and stays
 * within 5 years of the start (R31). "+5 ans" fits only a habilitation starting today or later; when it
 * is absent the page says why.
 */
export function prolongationShortcuts(startDate: string, endDate: string, today: string): ProlongationShortcuts {
  const max = addToDate(startDate, { years: MAX_DURATION_YEARS });
  const offered = PROLONGATION_SHORTCUTS.map((s) => ({ label: s.label, end: addToDate(today, s.amount) })).filter((s) => s.end > endDate && s.end <= max);
  const fiveYears = addToDate(today, { years: MAX_DURATION_YEARS });
  let fiveYearsAbsent: string | null = null;
  if (fiveYears > max) fiveYearsAbsent = `« +5 ans » n’est pas proposé : une habilitation dure au plus 5 ans depuis son début, soit jusqu’au ${formatDate(max)} au plus tard.`;
  else if (fiveYears <= endDate) fiveYearsAbsent = '« +5 ans » n’est pas proposé : la fin actuelle est déjà plus tardive.';
  return { offered, fiveYearsAbsent };
}
