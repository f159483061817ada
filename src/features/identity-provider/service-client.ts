/**
 * Service clients (issue 17): an API of Habilis is called with an access token obtained by OAuth 2
 * client credentials at /oidc/token. `authenticateServiceClient(request, scope)` is the one check
 * every API route uses (the route table declares `{ scope }` and the guard calls it): the JWT is
 * verified locally with the provider's cached public keys — signature, issuer, audience, expiry,
 * no database round trip — then its scope, then the client's rate on this node.
 *
 * A disabled client gets no new token at once; a token already issued lives its 5 minutes.
 */
import type { FastifyRequest } from 'fastify';
import type { IdentityProviderRef, ServiceToken } from './idp.provider.js';
import { idpErrors } from './idp.errors.js';
import type { ApiScope } from './idp.rules.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Set by the route table once the provider is built. */
    identityProvider: IdentityProviderRef | null;
  }
  interface FastifyRequest {
    /** The service client a token-authenticated API request comes from. */
    serviceClient?: ServiceToken;
  }
}

/** Per client and per node, requests in the current second (a fixed window: cheap, and enough against a runaway client). */
const windows = new Map<string, { second: number; count: number }>();

function withinRate(clientId: string, perSecond: number, nowMs: number): boolean {
  const second = Math.floor(nowMs / 1000);
  const window = windows.get(clientId);
  if (!window || window.second !== second) {
    if (windows.size > 10_000) windows.clear();
    windows.set(clientId, { second, count: 1 });
    return true;
  }
  window.count += 1;
  return window.count <= perSecond;
}

export async function authenticateServiceClient(request: FastifyRequest, scope: ApiScope): Promise<ServiceToken> {
  const ref = request.server.identityProvider;
  const header = request.headers.authorization;
  if (!ref || !header || !/^Bearer [\w.~+/-]+=*$/i.test(header) || header.length > 8192) throw idpErrors.TOKEN_MISSING();
  const idp = await ref.get();
  const client = await idp.verifyServiceToken(header.slice(7));
  if (!client) throw idpErrors.TOKEN_INVALID();
  if (!client.scopes.has(scope)) throw idpErrors.SCOPE_MISSING({ scope });
  if (!withinRate(client.clientId, idp.clientRatePerSecond, Date.now())) throw idpErrors.CLIENT_RATE_LIMITED();
  request.serviceClient = client;
  return client;
}
