/**
 * Habilis as the OpenID provider of the orientation modules (R17), as pure rules: the `acr` a
 * session's sign-in method is worth, whether a client's demand (acr_values, max_age, prompt=login)
 * needs a step-up, and which habilitations a client may see. Nothing here reads the clock: callers
 * pass `now`.
 */

/** The authentication classes of Habilis, weakest first (their order is the rank a client may ask). */
export const ACR = {
  trustedBrowser: 'urn:habilis:acr:trusted-browser',
  mfa: 'urn:habilis:acr:mfa',
  card: 'urn:habilis:acr:card',
} as const;
export type Acr = (typeof ACR)[keyof typeof ACR];
export const ACR_VALUES: readonly Acr[] = [ACR.trustedBrowser, ACR.mfa, ACR.card];

/**
 * What a sign-in method is worth: a card (CPS) is the strongest; a password and a code, e-CPS (Pro
 * Santé Connect's own multi-factor) and a partner's proven strong authentication (R16) are
 * multi-factor; a browser trusted by an earlier code (R05) is below them: this time only the password.
 */
export function acrOf(authMethod: string): Acr {
  if (authMethod === 'cps') return ACR.card;
  if (authMethod === 'password+trusted-browser') return ACR.trustedBrowser;
  return ACR.mfa;
}

export function acrRank(acr: string): number {
  return ACR_VALUES.indexOf(acr as Acr);
}

/** How and when the holder of a session authenticated. */
export interface SessionAuthentication {
  authMethod: string;
  authenticatedAt: Date;
}

/** What a client asked in its authorization request. */
export interface AuthenticationDemand {
  /** acr_values, in the client's order; values Habilis does not know are ignored. */
  acrValues: readonly string[];
  /** max_age in seconds, if asked. */
  maxAgeSeconds?: number | undefined;
  /** prompt=login: an authentication during this very request. */
  forceLogin: boolean;
  /** When the authorization request reached Habilis (an authentication after it is fresh whatever max_age says). */
  requestedAt: Date;
}

export type StepUp = { reason: 'acr'; need: Acr } | { reason: 'freshness' };

/**
 * R17: null when the session satisfies the client's demand; else the step-up it needs, never a
 * silent downgrade. The weakest acr the client lists is what it accepts; a session below it steps
 * up (the code again, or the card). A session older than max_age, or any session when prompt=login,
 * must authenticate again — unless it did so after the request arrived.
 */
export function stepUpNeeded(session: SessionAuthentication, demand: AuthenticationDemand, now: Date): StepUp | null {
  const asked = demand.acrValues.map(acrRank).filter((rank) => rank >= 0);
  if (asked.length > 0) {
    const needed = Math.min(...asked);
    if (acrRank(acrOf(session.authMethod)) < needed) return { reason: 'acr', need: ACR_VALUES[needed]! };
  }
  const authenticatedDuringRequest = session.authenticatedAt.getTime() >= demand.requestedAt.getTime() - 1000;
  if (authenticatedDuringRequest) return null;
  if (demand.forceLogin) return { reason: 'freshness' };
  if (demand.maxAgeSeconds !== undefined && now.getTime() - session.authenticatedAt.getTime() > demand.maxAgeSeconds * 1000) return { reason: 'freshness' };
  return null;
}

/** A habilitation as the `habilitations` claim states it. */
export interface HabilitationClaim {
  profile: { code: string; name: string };
  /** The profile's domain, else its structure's; null: a profile of every domain at a territory. */
  domain: string | null;
  place: { level: string; finess: string | null; unitId: number | null; department: string | null; region: string | null };
  rights: string[];
  endDate: string;
}

/**
 * A client sees only the habilitations of the domains it is registered for: a Handicap module never
 * receives a Sanitaire habilitation. A habilitation without any domain (a territory referent of every
 * domain) is no domain's and goes to no client.
 */
export function habilitationsForClient(habilitations: readonly HabilitationClaim[], clientDomains: readonly string[]): HabilitationClaim[] {
  return habilitations.filter((h) => h.domain !== null && clientDomains.includes(h.domain));
}

// ─── Registered clients ───────────────────────────────────────────────────────────────────────

/** Scopes a client may be registered for: OpenID scopes for users, API scopes for its own calls (client credentials). */
export const USER_SCOPES = ['openid', 'profile', 'email', 'rpps', 'habilitations'] as const;
export const API_SCOPES = ['access.evaluate', 'esms.import', 'esms.read', 'directory.read'] as const;
export type ApiScope = (typeof API_SCOPES)[number];
export const CLIENT_SCOPES: readonly string[] = [...USER_SCOPES, ...API_SCOPES];

/**
 * A redirect URI a region administrator may register: absolute, https (http only on the loopback
 * for development), no fragment, compared by the provider character for character.
 */
export function redirectUriProblem(value: string, production: boolean): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'adresse invalide';
  }
  if (url.hash) return 'sans fragment (#)';
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && loopback && !production) return null;
  return 'en https';
}
