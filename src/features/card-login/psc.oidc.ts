/**
 * The OpenID Connect client of Pro Santé Connect (R13), with openid-client. Discovery happens once
 * per process, at the first e-CPS login, and is retried at the next one if the provider was down.
 * PSC_ISSUER is the issuer, or directly its discovery document (PSC publishes
 * `/.well-known/wallet-openid-configuration`, which openid-client then uses as is).
 */
import * as oidc from 'openid-client';
import { tlsFetch, type TlsMaterial } from '../../platform/tls-fetch.js';

/** One discovery per provider settings (PSC's, each partner's): keyed by the frozen settings object of the configuration. */
const configurations = new WeakMap<ProviderSettings, Promise<oidc.Configuration>>();

function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** An OpenID provider Habilis is a client of: Pro Santé Connect, or a partner site (R16). */
export interface ProviderSettings {
  issuer: URL;
  clientId: string;
  /** Absent with `tls_client_auth`: the client certificate authenticates Habilis. */
  clientSecret?: string | undefined;
  /**
   * How Habilis authenticates at the token endpoint: its secret (HTTP Basic), or its certificate by
   * mutual TLS (RFC 8705 `tls_client_auth`, as Pro Santé Connect requires), towards the provider's
   * `mtls_endpoint_aliases` when it publishes them.
   */
  clientAuth?: 'client_secret_basic' | 'tls_client_auth';
  tls?: TlsMaterial | null;
}

function clientAuthentication(settings: ProviderSettings): { metadata: Partial<oidc.ClientMetadata>; auth: oidc.ClientAuth } {
  if (settings.clientAuth === 'tls_client_auth') {
    return { metadata: { token_endpoint_auth_method: 'tls_client_auth', use_mtls_endpoint_aliases: true }, auth: oidc.TlsClientAuth() };
  }
  return { metadata: { token_endpoint_auth_method: 'client_secret_basic' }, auth: oidc.ClientSecretBasic(settings.clientSecret ?? '') };
}

export function pscConfiguration(psc: ProviderSettings): Promise<oidc.Configuration> {
  let configuration = configurations.get(psc);
  if (!configuration) {
    const { metadata, auth } = clientAuthentication(psc);
    configuration = oidc.discovery(psc.issuer, psc.clientId, metadata, auth, {
      // The certificate (and the CA of the provider's mTLS host) go with every request of this client.
      ...(psc.tls ? { [oidc.customFetch]: tlsFetch(psc.tls) } : {}),
      // Plain http only towards this machine (the loopback provider of the tests); config.ts refuses it in production.
      // Signatures of ID tokens and of signed (application/jwt) userinfo responses are verified
      // against the provider's keys, on top of TLS: a userinfo may come as JSON or as a signed JWT.
      execute: [oidc.enableNonRepudiationChecks, ...(psc.issuer.protocol === 'http:' && isLoopback(psc.issuer) ? [oidc.allowInsecureRequests] : [])],
      timeout: 10,
    });
    configurations.set(psc, configuration);
    // A failed discovery is not cached: the next login tries again.
    configuration.catch(() => configurations.delete(psc));
  }
  return configuration;
}

export const randomPkceVerifier = oidc.randomPKCECodeVerifier;
export const pkceChallenge = oidc.calculatePKCECodeChallenge;
export const randomState = oidc.randomState;
export const randomNonce = oidc.randomNonce;

export function authorizationUrl(configuration: oidc.Configuration, parameters: Record<string, string>): URL {
  return oidc.buildAuthorizationUrl(configuration, parameters);
}

export interface PscAnswer {
  claims: Record<string, unknown>;
  userinfo: Record<string, unknown>;
  idToken: string | null;
}

/**
 * Exchanges the code (PKCE verifier, client secret) and checks state and the ID token: signature,
 * issuer, audience, expiry, nonce. Then reads the userinfo of the same subject. Throws on any mismatch.
 */
export async function exchangeCode(
  configuration: oidc.Configuration,
  currentUrl: URL,
  checks: { state: string; nonce: string; codeVerifier: string },
  options: { userinfo: boolean } = { userinfo: true },
): Promise<PscAnswer> {
  const tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
    expectedState: checks.state,
    expectedNonce: checks.nonce,
    pkceCodeVerifier: checks.codeVerifier,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  if (!claims) throw new Error('ID token absent');
  const userinfo = options.userinfo ? await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub) : {};
  return { claims: { ...claims }, userinfo: { ...userinfo }, idToken: tokens.id_token ?? null };
}

export function endSessionUrl(configuration: oidc.Configuration, parameters: Record<string, string>): URL | null {
  if (!configuration.serverMetadata().end_session_endpoint) return null;
  return oidc.buildEndSessionUrl(configuration, parameters);
}
