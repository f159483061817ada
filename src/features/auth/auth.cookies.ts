/**
 * The cookie of the browser itself (R05 "trusted browser"): a random id, kept 400 days, whose
 * SHA-256 is what the trusted_browsers table knows. Read by the login, the card and e-CPS pairing
 * (which needs a trusted browser) and "Mon compte" (which shows this browser's trust).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { isLocalBaseUrl } from '../../config.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { cookieOptions } from '../../http/session.js';

const BROWSER_COOKIE_MAX_AGE = 400 * 24 * 3600;

function browserCookieName(deps: Deps): string {
  return isLocalBaseUrl(deps.config) ? 'habilis_browser' : '__Host-habilis_browser';
}

/** The hash of this browser's id, if it has one. */
export function readBrowserHash(deps: Deps, request: FastifyRequest): Buffer | null {
  const id = request.cookies[browserCookieName(deps)];
  return id && id.length === 43 ? sha256(id) : null;
}

/** The hash of this browser's id, given one first when it has none (after a code proved the person, R05). */
export function ensureBrowserHash(deps: Deps, request: FastifyRequest, reply: FastifyReply): Buffer {
  const known = readBrowserHash(deps, request);
  if (known) return known;
  const id = randomToken();
  reply.setCookie(browserCookieName(deps), id, { ...cookieOptions(deps.config), maxAge: BROWSER_COOKIE_MAX_AGE });
  return sha256(id);
}
