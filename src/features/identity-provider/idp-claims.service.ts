/** The claims of a person for a client (R17): identity, verified e-mail, RPPS, habilitations of the client's domains. */
import type { Deps } from '../../deps.js';
import { parisDate } from '../../platform/clock.js';
import { habilitationsForClient, type HabilitationClaim } from './idp.rules.js';
import * as repo from './idp-claims.repository.js';

export type Claims = Record<string, unknown> & { sub: string };

/** null: no such person any more (unknown, blocked, deactivated): the provider then answers as for an unknown subject. */
export async function claimsOf(deps: Deps, accountId: number, scopes: ReadonlySet<string>, clientDomains: readonly string[]): Promise<Claims | null> {
  const account = await repo.getClaimableAccount(deps.db, accountId);
  if (!account) return null;
  const claims: Claims = { sub: String(account.id) };
  if (scopes.has('profile')) {
    Object.assign(claims, {
      name: `${account.first_name} ${account.last_name}`,
      given_name: account.first_name,
      family_name: account.last_name,
      preferred_username: account.username,
    });
  }
  // An address is stated only once proven (R11, R41): a client never receives an unverified one.
  if (scopes.has('email') && account.email_verified_at) Object.assign(claims, { email: account.email, email_verified: true });
  if (scopes.has('rpps') && account.rpps) claims.rpps = account.rpps;
  if (scopes.has('habilitations')) {
    const rows = await repo.listActiveHabilitationClaims(deps.db, accountId, parisDate(deps.clock.now()));
    const all: HabilitationClaim[] = rows.map((row) => ({
      profile: { code: row.profile_code, name: row.profile_name },
      domain: row.domain,
      place: { level: row.level, finess: row.finess, unitId: row.unit_id, department: row.department_code, region: row.region_code },
      rights: row.rights,
      endDate: row.end_date,
    }));
    claims.habilitations = habilitationsForClient(all, clientDomains);
  }
  return claims;
}
