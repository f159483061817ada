/** Pure rules about accounts. */

const ascii = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]/g, '');

/** Username proposal (R21): first letter of the first name + last name, ASCII, lower case. */
export function proposeUsername(firstName: string, lastName: string): string {
  return `${ascii(firstName).slice(0, 1)}${ascii(lastName)}`.slice(0, 50) || 'utilisateur';
}

/** The first free username: the proposal itself, else the proposal followed by 2, 3… */
export function firstFreeUsername(proposal: string, taken: ReadonlySet<string>): string {
  if (!taken.has(proposal)) return proposal;
  for (let n = 2; ; n += 1) {
    const candidate = `${proposal}${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Folds text as the database's habilis_fold() does: no accents, lower case ("Hélène" → "helene"). */
export function foldForSearch(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/œ/gi, 'oe')
    .replace(/æ/gi, 'ae')
    .toLowerCase();
}

/** The words of a search query (R21): folded, at most 5, each at least 2 characters. */
export function searchWords(query: string): string[] {
  return foldForSearch(query)
    .split(/[\s,;]+/)
    .map((w) => w.trim())
    // R21: one letter is enough (a prefix of the last name, first name or username).
    .filter((w) => w.length >= 1)
    .slice(0, 5);
}

const GENERIC_LOCAL_PARTS = ['secretariat', 'secretariat-medical', 'contact', 'accueil', 'direction', 'info', 'infos', 'admin', 'administration', 'service', 'standard', 'bureau', 'cadre', 'equipe', 'noreply', 'no-reply'];

/** R20: 1 account = 1 professional; an address like secretariat@ or contact@ is probably shared. */
export function looksShared(email: string): boolean {
  const local = foldForSearch(email.split('@')[0] ?? '');
  return GENERIC_LOCAL_PARTS.some((part) => local === part || local.startsWith(`${part}.`) || local.startsWith(`${part}-`) || local.startsWith(`${part}_`));
}

export type PhoneResult = string | null | 'invalid';

const PHONE_SEPARATORS = /[\s.\-/()]/g;

/** Brings "+33 6 12 34 56 78", "0033612345678" and "06.12.34.56.78" to "0612345678". */
export function compactPhone(raw: string): string {
  const digits = raw.replace(PHONE_SEPARATORS, '');
  if (/^\+33\d{9}$/.test(digits)) return `0${digits.slice(3)}`;
  if (/^0033\d{9}$/.test(digits)) return `0${digits.slice(4)}`;
  return digits;
}

/**
 * A phone or fax number as stored: empty → null; a French number → its 10 digits; an international
 * number → "+" and its digits; anything else → 'invalid'.
 */
export function parsePhone(raw: string): PhoneResult {
  if (raw.trim() === '') return null;
  const value = compactPhone(raw.trim());
  if (/^0[1-9]\d{8}$/.test(value)) return value;
  if (/^\+[1-9]\d{7,14}$/.test(value)) return value;
  return 'invalid';
}

/**
 * A mobile number as stored: only a French mobile (06, 07, overseas departments included) can
 * receive the SMS of the gateway, so anything else is 'invalid'.
 */
export function parseMobile(raw: string): PhoneResult {
  if (raw.trim() === '') return null;
  const value = compactPhone(raw.trim());
  return /^0[67]\d{8}$/.test(value) ? value : 'invalid';
}

/** "0612345678" → "06 12 34 56 78"; other forms are shown as stored. */
export function formatPhone(value: string | null): string {
  if (!value) return '';
  return /^0\d{9}$/.test(value) ? value.replace(/(\d{2})(?=\d)/g, '$1 ') : value;
}

/** "nicolas.martin@chu-exemple.fr" → "n…@c….fr": enough to recognise one's address, not to learn it. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  const dot = domain.lastIndexOf('.');
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${local.slice(0, 1)}…@${host.slice(0, 1)}…${tld}`;
}

/** "0612345612" or "+33 6 12 34 56 12" → "06 •• •• •• 12". */
export function maskPhone(phone: string): string {
  let digits = phone.replace(/\D/g, '');
  if (digits.startsWith('33') && digits.length === 11) digits = `0${digits.slice(2)}`;
  if (digits.length < 4) return '••';
  return `${digits.slice(0, 2)} •• •• •• ${digits.slice(-2)}`;
}

/** R41, R22: a change of e-mail address is validated through a link valid 24 hours, like a reset link (R09). */
export const EMAIL_CHANGE_TTL_MS = 24 * 3_600_000;

/**
 * R26: the search was an exact username or an exact e-mail address of this account (case ignored,
 * spaces around trimmed). Only then may a referent see an account outside their scope (name,
 * username, masked e-mail) and grant it a habilitation of their own scope.
 */
export function isExactIdentifier(query: string, account: { username: string; email: string }): boolean {
  const q = query.trim().toLowerCase();
  return q.length > 0 && (q === account.username.toLowerCase() || q === account.email.toLowerCase());
}
