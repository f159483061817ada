/**
 * The shared world of the OpenID provider's tests (issue 17): a region administrator, registered
 * clients, a person signing in through Habilis the way a module sends a browser there, and the
 * module's side of the code exchange.
 */
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import type { Deps } from '../src/deps.js';
import type { Principal } from '../src/features/habilitations/habilitation.policy.js';
import { checkClientForm, registerClient } from '../src/features/identity-provider/idp-clients.service.js';
import type { Agent } from './agent.js';
import { buildActiveAccount } from './factories.js';
import { latestCode } from './mails.js';
import type { Account } from '../src/db/schema.js';

export const PASSWORD = 'Tulipe-Verte-42';
export const REDIRECT = 'http://localhost:4000/retour';

export async function adminPrincipal(deps: Deps): Promise<Principal> {
  const admin = await buildActiveAccount(deps.db, PASSWORD, { email: `${randomBytes(6).toString('hex')}@exemple.test` });
  return { accountId: admin.id, viewer: { firstName: admin.first_name, lastName: admin.last_name, username: admin.username }, strength: 'strong', grants: [] };
}

export interface TestClient {
  clientId: string;
  secret: string;
}

export async function registerTestClient(deps: Deps, admin: Principal, options: { scopes?: string[]; domains?: string[]; authMethod?: string; redirect?: string; backchannel?: string } = {}): Promise<TestClient> {
  const clientId = `module-${randomBytes(4).toString('hex')}`;
  const input = await checkClientForm(
    deps,
    {
      name: `Module ${clientId}`,
      clientId,
      redirectUris: options.redirect ?? REDIRECT,
      postLogoutRedirectUris: 'http://localhost:4000/',
      backchannelLogoutUri: options.backchannel ?? '',
      scopes: options.scopes ?? ['openid', 'profile', 'email', 'rpps', 'habilitations'],
      domains: options.domains ?? ['SANITAIRE'],
      authMethod: options.authMethod ?? 'client_secret_basic',
      jwks: '',
    },
    { creating: true },
  );
  const { secret } = await registerClient(deps, admin, input, null);
  return { clientId, secret: secret ?? '' };
}

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeUrl(client: TestClient, challenge: string, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ client_id: client.clientId, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid profile email rpps habilitations', state: 'etat-1', nonce: 'nonce-1', code_challenge: challenge, code_challenge_method: 'S256', ...extra });
  return `/oidc/auth?${params}`;
}

/** Follows the provider's redirects (under /oidc), returning the first answer that leaves them (login page, module). */
export async function follow(agent: Agent, url: string, max = 10): Promise<LightMyRequestResponse> {
  let response = await agent.get(url);
  for (let i = 0; i < max; i++) {
    // The end of an interaction is a page that sends the browser on (meta refresh), as a browser follows it.
    const refresh = response.statusCode === 200 ? /http-equiv="refresh" content="0;url=([^"]+)"/.exec(response.body)?.[1]?.replaceAll('&amp;', '&') : undefined;
    if (!refresh && ![302, 303].includes(response.statusCode)) return response;
    // app.inject's requests carry "Host: localhost": the provider's absolute URLs say so.
    const location = (refresh ?? response.headers.location!).replace(/^http:\/\/localhost(:3000)?\//, '/');
    if (!location.startsWith('/oidc/')) return response;
    response = await agent.get(location);
  }
  return response;
}

/** Password then the code (R04), from a login page reached with `retour`; returns where Habilis sends the browser then. */
export async function signInWithCode(deps: Deps, agent: Agent, account: Account, retour: string, extra: Record<string, string> = {}): Promise<string> {
  const step1 = await agent.post('/connexion', { username: account.username, password: PASSWORD, retour, ...extra });
  expect(step1.statusCode).toBe(303);
  if (!step1.headers.location!.startsWith('/connexion/code')) return step1.headers.location!;
  const step2 = await agent.post('/connexion/code', { code: await latestCode(deps.db, account.email), retour });
  expect(step2.statusCode).toBe(303);
  return step2.headers.location!;
}

/** The module's back channel: the code for tokens (client_secret_basic). */
export async function exchangeCode(app: FastifyInstance, client: TestClient, code: string, verifier: string | null) {
  const response = await app.inject({
    method: 'POST',
    url: '/oidc/token',
    headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, ...(verifier ? { code_verifier: verifier } : {}) }).toString(),
  });
  return { status: response.statusCode, body: response.json() as Record<string, string> };
}

export async function clientCredentials(app: FastifyInstance, client: TestClient, scope: string) {
  const response = await app.inject({
    method: 'POST',
    url: '/oidc/token',
    headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
  });
  return { status: response.statusCode, body: response.json() as Record<string, string> };
}

/** The ID token verified against Habilis's JWKS, as a module does. */
export async function verifyIdToken(app: FastifyInstance, idToken: string): Promise<JWTPayload> {
  const jwks = (await app.inject({ method: 'GET', url: '/oidc/jwks' })).json() as { keys: unknown[] };
  const { createLocalJWKSet } = await import('jose');
  const { payload } = await jwtVerify(idToken, createLocalJWKSet(jwks as never), { issuer: 'http://localhost:3000/oidc' });
  return payload;
}

export { decodeJwt, createRemoteJWKSet };

export function codeOf(location: string): string {
  const url = new URL(location);
  const code = url.searchParams.get('code');
  if (!code) throw new Error(`pas de code dans ${location}`);
  return code;
}

/**
 * Authorization headers a forger could send an API that wants `scope`, each to be refused with 401:
 * another client's real token with its payload changed to claim the scope (or the wanted client's
 * id), the wanted client's own token with a broken signature, and a token that is not one.
 */
export function forgedBearers(wanted: string, other: string, change: { scope?: string; clientId?: string }): string[] {
  const parts = (bearer: string) => bearer.slice(7).split('.') as [string, string, string];
  const [wh, wp, ws] = parts(wanted);
  const [oh, op, os] = parts(other);
  const claims = JSON.parse(Buffer.from(op, 'base64url').toString()) as Record<string, unknown>;
  const changed = Buffer.from(JSON.stringify({ ...claims, ...(change.scope ? { scope: change.scope } : {}), ...(change.clientId ? { client_id: change.clientId } : {}) })).toString('base64url');
  return [`Bearer ${oh}.${changed}.${os}`, `Bearer ${wh}.${wp}.${ws.slice(0, -4)}AAAA`, 'Bearer abc.def.ghi'];
}
