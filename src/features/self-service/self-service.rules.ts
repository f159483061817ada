/** Pure rules of "Mon compte" and "Mes référents" (R41, R42). They take `today` as a parameter and never read the clock. */
import type { LocationLevel } from '../../db/schema.js';

/** A change of e-mail address is validated through a link valid 24 hours, like a reset link (R09): the accounts feature's rule. */
export { EMAIL_CHANGE_TTL_MS } from '../accounts/account.rules.js';
/** R25: a structure needs at least this many referents. */
export const MIN_REFERENTS = 2;
/** History lines per page of "Historique du compte"; "Mon compte" shows the first ones. */
export const HISTORY_PAGE_SIZE = 50;
export const HISTORY_PREVIEW_SIZE = 20;

export { formatPhone, parseMobile, parsePhone, compactPhone, type PhoneResult } from '../accounts/account.rules.js';
import { compactPhone as compact } from '../accounts/account.rules.js';

/** Two numbers are the same when they compact to the same digits ("06 12…" and "0612…"). */
export function samePhone(a: string | null, b: string | null): boolean {
  const norm = (v: string | null) => (v ? compact(v) : '');
  return norm(a) === norm(b);
}

/** "Chrome sous Windows": enough for a person to recognise their own device, from its user agent. */
export function describeUserAgent(userAgent: string | null): string {
  const ua = userAgent ?? '';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OPR\/|Opera/.test(ua)
      ? 'Opera'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Chrom(e|ium)\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : null;
  const system = /Windows/.test(ua)
    ? 'Windows'
    : /Android/.test(ua)
      ? 'Android'
      : /iPhone|iPad|iOS/.test(ua)
        ? 'iOS'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /CrOS/.test(ua)
            ? 'ChromeOS'
            : /Linux/.test(ua)
              ? 'Linux'
              : null;
  if (browser && system) return `${browser} sous ${system}`;
  if (browser) return browser;
  if (system) return `Navigateur sous ${system}`;
  return 'Appareil inconnu';
}

export interface HabilitationPlaceNames {
  level: LocationLevel;
  unitName: string | null;
  establishmentName: string | null;
  departmentCode: string | null;
  departmentName: string | null;
  regionName: string | null;
}

/** How a habilitation's place reads: "Cardiologie – CHU de Montpellier", "Coordination 34 – Hérault"… */
export function locationLabel(place: HabilitationPlaceNames): string {
  switch (place.level) {
    case 'unit':
      return `${place.unitName ?? ''} – ${place.establishmentName ?? ''}`;
    case 'establishment':
      return place.establishmentName ?? '';
    case 'department':
      return `Coordination ${place.departmentCode ?? ''}${place.departmentName ? ` – ${place.departmentName}` : ''}`;
    case 'region':
      return `Région ${place.regionName ?? ''}`;
  }
}

export type HabilitationStatus = 'active' | 'upcoming' | 'expired' | 'deleted';

/** Active ⇔ not deleted and today within [start, end] (DESIGN); otherwise why not. */
export function habilitationStatus(h: { start_date: string; end_date: string; deleted_at: Date | null }, today: string): HabilitationStatus {
  if (h.deleted_at) return 'deleted';
  if (today < h.start_date) return 'upcoming';
  if (today > h.end_date) return 'expired';
  return 'active';
}

export const HABILITATION_STATUS_LABELS: Record<HabilitationStatus, string> = {
  active: 'Active',
  upcoming: 'À venir',
  expired: 'Expirée',
  deleted: 'Supprimée',
};

/** The fields of "Informations personnelles", with the words the history uses. */
export const IDENTITY_FIELD_LABELS = {
  lastName: 'nom',
  firstName: 'prénom',
  email: 'adresse e-mail',
  phone: 'téléphone',
  fax: 'fax',
  mobilePhone: 'téléphone mobile',
  profession: 'profession',
} as const;

export type IdentityField = keyof typeof IDENTITY_FIELD_LABELS;

export interface Identity {
  lastName: string;
  firstName: string;
  email: string;
  phone: string | null;
  fax: string | null;
  mobilePhone: string | null;
  profession: string | null;
}

/** Which fields differ (e-mail compared case-insensitively, phones by their digits). */
export function changedIdentityFields(current: Identity, next: Identity): IdentityField[] {
  const changed: IdentityField[] = [];
  if (current.lastName !== next.lastName) changed.push('lastName');
  if (current.firstName !== next.firstName) changed.push('firstName');
  if (current.email.toLowerCase() !== next.email.toLowerCase()) changed.push('email');
  if (!samePhone(current.phone, next.phone)) changed.push('phone');
  if (!samePhone(current.fax, next.fax)) changed.push('fax');
  if (!samePhone(current.mobilePhone, next.mobilePhone)) changed.push('mobilePhone');
  if ((current.profession ?? '') !== (next.profession ?? '')) changed.push('profession');
  return changed;
}

/**
 * R41: changing where login codes can go (e-mail, mobile) needs the password again, so that an
 * unattended open session cannot redirect the second factor.
 */
export function needsPasswordAgain(changed: readonly IdentityField[]): boolean {
  return changed.includes('email') || changed.includes('mobilePhone');
}

/** R25 as R42 shows it: a structure with fewer than 2 referents gets a note. */
export function lacksReferents(count: number): boolean {
  return count < MIN_REFERENTS;
}

/** A page number from the query string, within [1, last]. */
export function pageNumber(raw: unknown, total: number, pageSize: number): { page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const asked = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
  return { page: Math.min(Math.max(1, asked), pages), pages };
}
