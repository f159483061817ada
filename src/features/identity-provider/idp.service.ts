/**
 * Use cases of the OpenID provider around the Habilis session (R17): what an interaction concludes
 * from the session, and the end of every client session when the person signs out of Habilis.
 */
import type { Deps } from '../../deps.js';
import type { AuthSession } from '../auth/session.service.js';
import type { IdentityProviderRef } from './idp.provider.js';
import { acrOf, stepUpNeeded, type AuthenticationDemand, type StepUp } from './idp.rules.js';
import * as payloads from './idp-payload.repository.js';

export type InteractionOutcome =
  | { kind: 'login' }
  | { kind: 'step-up'; stepUp: StepUp }
  | { kind: 'done'; login: { accountId: string; acr: string; amr: string[]; ts: number; remember: false } };

/** The client's demand as the authorization request stated it. */
export function demandOf(params: Record<string, unknown>, requestedAtSeconds: number | undefined, now: Date): AuthenticationDemand {
  const words = (value: unknown) => (typeof value === 'string' ? value.split(' ').filter(Boolean) : []);
  const maxAge = typeof params.max_age === 'string' || typeof params.max_age === 'number' ? Number(params.max_age) : undefined;
  return {
    acrValues: words(params.acr_values),
    maxAgeSeconds: maxAge !== undefined && Number.isFinite(maxAge) && maxAge >= 0 ? maxAge : undefined,
    forceLogin: words(params.prompt).includes('login'),
    requestedAt: requestedAtSeconds ? new Date(requestedAtSeconds * 1000) : now,
  };
}

/**
 * R17: a complete strong session that meets the demand finishes the interaction with the truth
 * about it (acr from its method, amr as recorded at sign-in, auth_time the moment of sign-in);
 * otherwise the login, or a step-up — never a weaker session than asked.
 */
export function concludeInteraction(session: AuthSession | null, demand: AuthenticationDemand, now: Date): InteractionOutcome {
  if (!session || session.strength !== 'strong' || session.pendingStep) return { kind: 'login' };
  const stepUp = stepUpNeeded({ authMethod: session.authMethod, authenticatedAt: session.authenticatedAt }, demand, now);
  if (stepUp) return { kind: 'step-up', stepUp };
  return {
    kind: 'done',
    login: {
      accountId: String(session.accountId),
      acr: acrOf(session.authMethod),
      amr: session.amr,
      ts: Math.floor(session.authenticatedAt.getTime() / 1000),
      remember: false,
    },
  };
}

/**
 * Sign-out at Habilis ends the person's sessions at the provider too: the clients registered for
 * back-channel logout are told (logout token), the grants of those sessions are revoked.
 */
export async function endProviderSessions(deps: Deps, ref: IdentityProviderRef, accountId: number): Promise<void> {
  const sessions = await payloads.listSessionsOfAccount(deps.db, String(accountId));
  if (sessions.length === 0) return;
  const idp = await ref.get();
  for (const session of sessions) {
    const authorizations = (session.payload.authorizations ?? {}) as Record<string, { sid?: string; grantId?: string }>;
    for (const [clientId, authorization] of Object.entries(authorizations)) {
      if (authorization.grantId) await payloads.revokeByGrantId(deps.db, authorization.grantId);
      const client = await (idp.provider as unknown as { Client: { find(id: string): Promise<{ backchannelLogoutUri?: string; backchannelLogout(sub: string, sid?: string): Promise<void> } | undefined> } }).Client.find(clientId);
      if (client?.backchannelLogoutUri) {
        await client.backchannelLogout(String(accountId), authorization.sid).catch((error: unknown) => deps.logger.warn({ err: error, clientId }, 'déconnexion back-channel refusée par le client'));
      }
    }
    await payloads.destroy(deps.db, 'Session', session.id);
  }
}
