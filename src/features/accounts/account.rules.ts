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
