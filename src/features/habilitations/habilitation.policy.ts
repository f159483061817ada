/**
 * THE authorization decision (DESIGN): `can(principal, right, target)` is true when some active
 * habilitation of the principal has a profile with that right at a location containing the target.
 * Grants are loaded active for today when the session is read, so this function is pure.
 * `canActFor` is its counterpart for a liberal professional's own resources (R15): the professional
 * and, within their delegations, their assistants.
 */
import type { Right } from './habilitation.rights.js';
import { levelAllows, type Access, type DelegationArea, type DelegationLevels } from '../assistants/assistants.rules.js';
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
  viewer: { firstName: string; lastName: string; username: string; rights?: readonly string[]; liberal?: boolean; assistant?: boolean };
  strength: 'password' | 'strong';
  grants: readonly Grant[];
  /** R14: a liberal professional (their own practice): they may invite assistants. Absent: false. */
  liberal?: boolean;
  /** R15: active delegations this principal holds as an assistant, loaded at each request. Absent: none. */
  delegations?: readonly Delegation[];
}

/** R15: what one liberal professional delegated to this principal. */
export interface Delegation extends DelegationLevels {
  delegationId: number;
  professionalAccountId: number;
}

/** Without a target: does the principal hold the right anywhere (menus, route-level checks)? */
export function can(principal: Principal | null, right: Right, target?: Place): boolean {
  if (!principal || principal.strength !== 'strong') return false;
  return principal.grants.some(
    (grant) => grant.rights.includes(right) && (target === undefined || locationContains(grant.location, target)),
  );
}

/**
 * R15: may the principal read or write this area of the liberal professional's resources? The
 * professional always may; an assistant exactly as far as an active delegation of that professional
 * says (write includes read); nobody else. Habilitations play no part here, and delegations play
 * none in `can`: an assistant holds no right of their own.
 */
export function canActFor(principal: Principal | null, ownerAccountId: number, area: DelegationArea, access: Access): boolean {
  if (!principal || principal.strength !== 'strong') return false;
  if (principal.accountId === ownerAccountId) return principal.liberal === true;
  return (principal.delegations ?? []).some((d) => d.professionalAccountId === ownerAccountId && levelAllows(d[area], access));
}
