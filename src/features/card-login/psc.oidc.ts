/**
 * The OpenID Connect client of Pro Santé Connect (R13), with openid-client. Discovery happens once
 * per process, at the first e-CPS login, and is retried at the next one if the provider was down.
 * PSC_ISSUER is the issuer, or directly its discovery document (PSC publishes
 * `/.well-known/wallet-openid-configuration`, which openid-client then uses as is).
 */
import * as oidc from 'openid-client';

const configurations = new Map<string, Promise<oidc.Configuration>>();

function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** An OpenID provider Habilis is a client of: Pro Santé Connect, or a partner site (R16). */
export interface ProviderSettings {
  issuer: URL;
  clientId: string;
  clientSecret: string;
}

export function pscConfiguration(psc: ProviderSettings): Promise<oidc.Configuration> {
  const key = `${psc.issuer.href} ${psc.clientId}`;
  let configuration = configurations.get(key);
  if (!configuration) {
    configuration = oidc.discovery(psc.issuer, psc.clientId, { token_endpoint_auth_method: 'client_secret_basic' }, oidc.ClientSecretBasic(psc.clientSecret), {
      // Plain http only towards this machine (the loopback provider of the tests); config.ts refuses it in production.
      // Signatures of ID tokens and of signed (application/jwt) userinfo responses are verified
      // against the provider's keys, on top of TLS: a userinfo may come as JSON or as a signed JWT.
      execute: [oidc.enableNonRepudiationChecks, ...(psc.issuer.protocol === 'http:' && isLoopback(psc.issuer) ? [oidc.allowInsecureRequests] : [])],
      timeout: 10,
    });
    configurations.set(key, configuration);
    // A failed discovery is not cached: the next login tries again.
    configuration.catch(() => configurations.delete(key));
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
