/** Pure rules of the review of habilitations (R37, R39). They take `today`; they never read the clock. */
import { addToDate, formatDate } from '../../platform/clock.js';

/** R37: an end date within 15 days is red, within 1 month orange. */
export const RED_WITHIN_DAYS = 15;

export type EndDateLevel = 'deleted' | 'expired' | 'red' | 'orange' | 'ok';

export interface EndDateStatus {
  level: EndDateLevel;
  /** What the colour says, in words (never colour alone): "expire dans 12 jours". Empty when nothing to say. */
  text: string;
}

/** Whole days from `from` to `to` ('YYYY-MM-DD'). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * R37 in lists: red when the habilitation ends within 15 days, orange within 1 month, with the same
 * information in text. A deleted or ended habilitation says so instead.
 */
export function endDateStatus(h: { endDate: string; deletedAt: Date | null }, today: string): EndDateStatus {
  if (h.deletedAt) return { level: 'deleted', text: 'supprimée' };
  if (h.endDate < today) return { level: 'expired', text: `expirée depuis le ${formatDate(addToDate(h.endDate, { days: 1 }))}` };
  const days = daysBetween(today, h.endDate);
  const inWords = days === 0 ? 'expire ce soir' : days === 1 ? 'expire demain' : `expire dans ${days} jours`;
  if (days <= RED_WITHIN_DAYS) return { level: 'red', text: inWords };
  if (h.endDate <= addToDate(today, { months: 1 })) return { level: 'orange', text: inWords };
  return { level: 'ok', text: '' };
}

/** A habilitation that has not started yet ("à venir"). */
export function isFuture(startDate: string, today: string): boolean {
  return startDate > today;
}

export const REVIEW_PAGE_SIZE = 50;

/** The sorts of R39: by name, profile, start or end date. */
export const REVIEW_SORTS = ['nom', 'profil', 'debut', 'fin'] as const;
export type ReviewSort = (typeof REVIEW_SORTS)[number];
export type SortDirection = 'asc' | 'desc';

/** Pages of `size` rows: the page asked for, kept within 1..last. */
export function pageWindow(requested: number, total: number, size: number): { page: number; pages: number; offset: number } {
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Math.min(Math.max(1, Math.trunc(requested) || 1), pages);
  return { page, pages, offset: (page - 1) * size };
}
