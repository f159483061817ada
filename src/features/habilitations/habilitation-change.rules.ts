/** Pure rules of changing a habilitation's end date (R31, R35). They take `today`; they never read the clock. */
import { addToDate } from '../../platform/clock.js';

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
