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
    .filter((w) => w.length >= 2)
    .slice(0, 5);
}

const GENERIC_LOCAL_PARTS = ['secretariat', 'secretariat-medical', 'contact', 'accueil', 'direction', 'info', 'infos', 'admin', 'administration', 'service', 'standard', 'bureau', 'cadre', 'equipe', 'noreply', 'no-reply'];

/** R20: 1 account = 1 professional; an address like secretariat@ or contact@ is probably shared. */
export function looksShared(email: string): boolean {
  const local = foldForSearch(email.split('@')[0] ?? '');
  return GENERIC_LOCAL_PARTS.some((part) => local === part || local.startsWith(`${part}.`) || local.startsWith(`${part}-`) || local.startsWith(`${part}_`));
}
