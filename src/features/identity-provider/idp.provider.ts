/**
 * Habilis's OpenID provider (issue 17, R17), built on oidc-provider (certified) and mounted under
 * /oidc: authorization code with PKCE for every client, client credentials for service clients
 * (JWT access tokens for Habilis's API, verified locally), discovery, JWKS from PostgreSQL, RP- and
 * Habilis-initiated logout with back-channel notices. The user always signs in on Habilis's own
 * pages: every authorization request passes through /oidc/interaction/:uid, which reads the
 * Habilis session and either finishes with its truthful acr/amr/auth_time or asks for the login or
 * a step-up. Consent is implicit: clients are first-party, registered by a region administrator.
 */
import { createHash } from 'node:crypto';
import Provider, { interactionPolicy, type ProviderContext } from 'oidc-provider';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { Deps } from '../../deps.js';
import { hmac, safeEqual } from '../../platform/crypto.js';
import { renderPage } from '../../views/render.js';
import { adapterFactory } from './idp.adapter.js';
import { claimsOf } from './idp-claims.service.js';
import { loadSigningKeys, publicPart, type PublicJwk } from './idp-keys.service.js';
import { ACR_VALUES, API_SCOPES, USER_SCOPES } from './idp.rules.js';
import { LoggedOutPage, LogoutConfirmPage, ProviderErrorPage } from './idp.pages.js';

/** Lifetimes (seconds): short tokens, no refresh token at all (stricter than the issue asks). */
export const TTL = { AccessToken: 300, ClientCredentials: 300, IdToken: 300, AuthorizationCode: 60, Interaction: 600, Grant: 12 * 3600, Session: 12 * 3600 };

export const MOUNT_PATH = '/oidc';

export interface ServiceToken {
  clientId: string;
  scopes: ReadonlySet<string>;
}

export interface IdentityProvider {
  provider: Provider;
  issuer: string;
  /** The audience of access tokens for Habilis's API (the resource indicator). */
  apiAudience: string;
  /** Requests per second a client may make on this node (IDP_CLIENT_RATE_PER_SECOND). */
  clientRatePerSecond: number;
  /** Verifies a client-credentials access token locally (signature with the cached keys, issuer, audience, expiry); null: invalid. */
  verifyServiceToken(token: string): Promise<ServiceToken | null>;
}

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** The SHA-256 a client secret is stored as (a 256-bit random secret needs no slow hash). */
export { hashSecret };

function provideErrorMessage(error: { error?: string; error_description?: string }): string {
  switch (error.error) {
    case 'invalid_client':
      return 'Cette application n’est pas enregistrée auprès de Habilis, ou elle a été désactivée.';
    case 'invalid_redirect_uri':
      return 'L’adresse de retour demandée par l’application n’est pas celle qui a été enregistrée.';
    case 'invalid_request':
      return 'La demande de l’application est incomplète ou mal formée (par exemple sans PKCE).';
    case 'invalid_scope':
      return 'L’application demande des autorisations qui ne lui ont pas été accordées.';
    default:
      return 'La demande de connexion de l’application n’a pas pu aboutir. Revenez à l’application et recommencez.';
  }
}

export async function createIdentityProvider(deps: Deps, hooks: { onEndSession(ctx: ProviderContext): Promise<void> }): Promise<IdentityProvider> {
  const { config } = deps;
  const issuer = `${config.baseUrl.origin}${MOUNT_PATH}`;
  const apiAudience = `${config.baseUrl.origin}/api/v1`;
  const keys = await loadSigningKeys(deps);
  const publicKeys: PublicJwk[] = keys.map(publicPart);
  let jwks = createLocalJWKSet({ keys: publicKeys as never });
  let lastReload = 0;

  // Every authorization passes through Habilis's interaction, which reads the Habilis session: a
  // sign-out at Habilis, a new account in this browser, a step-up — the provider's own session never decides alone.
  const policy = interactionPolicy.base();
  policy.get('login').checks.add(
    new interactionPolicy.Check('habilis_session', 'the Habilis session decides', (ctx) =>
      ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
    ),
    0,
  );

  const provider = new Provider(issuer, {
    adapter: adapterFactory(deps),
    jwks: { keys },
    cookies: {
      keys: [hmac(config.sessionSecret, 'oidc-provider-cookies')],
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    scopes: [...USER_SCOPES, ...API_SCOPES],
    claims: {
      // R17: how and when the person authenticated go in every ID token, asked or not.
      openid: ['sub', 'acr', 'amr', 'auth_time'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      email: ['email', 'email_verified'],
      rpps: ['rpps'],
      habilitations: ['habilitations'],
    },
    acrValues: [...ACR_VALUES],
    extraClientMetadata: { properties: ['habilis_domains'] },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    enabledJWA: { clientAuthSigningAlgValues: ['RS256', 'PS256', 'ES256'], idTokenSigningAlgValues: ['RS256'] },
    pkce: { required: () => true },
    ttl: TTL,
    issueRefreshToken: async () => false,
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: { enabled: false },
      revocation: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: ProviderContext, form: string) => {
          ctx.type = 'html';
          ctx.body = renderPage(LogoutConfirmPage({ form, clientName: (ctx.oidc.client?.metadata().client_name as string | undefined) ?? null }));
        },
        postLogoutSuccessSource: async (ctx: ProviderContext) => {
          ctx.type = 'html';
          ctx.body = renderPage(LoggedOutPage());
        },
      },
      resourceIndicators: {
        enabled: true,
        // Access tokens for Habilis's API only come from client credentials; the user flow's token reaches userinfo only.
        defaultResource: (ctx: ProviderContext) => (ctx.oidc.params?.grant_type === 'client_credentials' ? apiAudience : undefined),
        useGrantedResource: () => false,
        getResourceServerInfo: (_ctx: ProviderContext, resource: string) => {
          if (resource !== apiAudience) throw new Error('unknown resource');
          return { scope: API_SCOPES.join(' '), audience: apiAudience, accessTokenTTL: TTL.ClientCredentials, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `${MOUNT_PATH}/interaction/${interaction.uid}`, policy },
    // Consent is implicit for registered first-party clients (docs/integration.md): the scopes and claims asked, within the client's registration.
    loadExistingGrant: async (ctx: ProviderContext) => {
      const { oidc } = ctx;
      const accountId = oidc.session?.accountId;
      if (!accountId || !oidc.client) return undefined;
      const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId });
      grant.addOIDCScope([...(oidc.requestParamOIDCScopes ?? [])].join(' '));
      const asked = [...Object.keys(oidc.claims?.id_token ?? {}), ...Object.keys(oidc.claims?.userinfo ?? {})];
      if (asked.length > 0) grant.addOIDCClaims(asked);
      await grant.save();
      return grant;
    },
    findAccount: async (ctx: ProviderContext, sub: string) => {
      if (!/^[1-9]\d{0,9}$/.test(sub)) return undefined;
      const domains = (ctx.oidc.client?.metadata().habilis_domains as string[] | undefined) ?? [];
      return {
        accountId: sub,
        claims: async (_use: string, scope: string) => (await claimsOf(deps, Number(sub), new Set(scope.split(' ')), domains)) ?? { sub },
      };
    },
    // Outgoing requests (back-channel logout) refuse loopback and private addresses in production
    // (oidc-provider's SSRF guard); outside it, modules on this machine are reached.
    ...(config.isProduction ? {} : { fetch: (url: string, options: RequestInit & { dispatcher?: unknown }) => globalThis.fetch(url, { ...options, dispatcher: undefined } as RequestInit) }),
    renderError: async (ctx: ProviderContext, out: { error?: string; error_description?: string }) => {
      ctx.type = 'html';
      ctx.body = renderPage(ProviderErrorPage({ message: provideErrorMessage(out) }));
    },
  });
  provider.proxy = config.trustProxy.length > 0;
  // Secrets are stored as their SHA-256: the presented secret is hashed, then compared in constant time.
  provider.Client.prototype.compareClientSecret = function compareClientSecret(actual: string) {
    return typeof this.clientSecret === 'string' && safeEqual(this.clientSecret, hashSecret(actual));
  };
  provider.on('end_session.success', (ctx: ProviderContext) => void hooks.onEndSession(ctx).catch((error: unknown) => deps.logger.warn({ err: error }, 'fin de session Habilis après end_session')));
  provider.on('server_error', (_ctx: unknown, error: unknown) => deps.logger.error({ err: error }, 'fournisseur OpenID : erreur'));

  const verifyServiceToken = async (token: string): Promise<ServiceToken | null> => {
    const check = async (): Promise<JWTPayload> => (await jwtVerify(token, jwks, { issuer, audience: apiAudience, algorithms: ['RS256'], typ: 'at+jwt' })).payload;
    let payload: JWTPayload;
    try {
      payload = await check();
    } catch (error) {
      // A key rotated by another node: read the keys again, at most once a minute.
      if ((error as { code?: string }).code !== 'ERR_JWKS_NO_MATCHING_KEY' || Date.now() - lastReload < 60_000) return null;
      lastReload = Date.now();
      jwks = createLocalJWKSet({ keys: (await loadSigningKeys(deps)).map(publicPart) as never });
      try {
        payload = await check();
      } catch {
        return null;
      }
    }
    const clientId = typeof payload.client_id === 'string' ? payload.client_id : null;
    if (!clientId) return null;
    return { clientId, scopes: new Set(typeof payload.scope === 'string' ? payload.scope.split(' ') : []) };
  };

  return { provider, issuer, apiAudience, clientRatePerSecond: config.idp.clientRatePerSecond, verifyServiceToken };
}

/** The provider, built at its first use (its keys are in the database, which may be down at start). */
export interface IdentityProviderRef {
  get(): Promise<IdentityProvider>;
}

export function lazyIdentityProvider(deps: Deps, hooks: { onEndSession(ctx: ProviderContext): Promise<void> }): IdentityProviderRef {
  let building: Promise<IdentityProvider> | null = null;
  return {
    get: () => {
      building ??= createIdentityProvider(deps, hooks).catch((error: unknown) => {
        // Not built (database unreachable): the next request tries again.
        building = null;
        throw error;
      });
      return building;
    },
  };
}
