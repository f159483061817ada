/**
 * THE authorization decision (DESIGN): `can(principal, right, target)` is true when some active
 * habilitation of the principal has a profile with that right at a location containing the target.
 * Grants are loaded active for today when the session is read, so this function is pure.
 */
import type { Right } from './habilitation.rights.js';
import { locationContains, type Place } from './habilitation.rules.js';

export interface Grant {
  habilitationId: number;
  profileCode: string;
  rights: readonly string[];
  location: Place;
}

export interface Principal {
  accountId: number;
  /** What pages show of the person; `rights` (held somewhere) chooses the menu entries. */
  viewer: { firstName: string; lastName: string; username: string; rights?: readonly string[] };
  strength: 'password' | 'strong';
  grants: readonly Grant[];
}

/** Without a target: does the principal hold the right anywhere (menus, route-level checks)? */
export function can(principal: Principal | null, right: Right, target?: Place): boolean {
  if (!principal || principal.strength !== 'strong') return false;
  return principal.grants.some(
    (grant) => grant.rights.includes(right) && (target === undefined || locationContains(grant.location, target)),
  );
}
