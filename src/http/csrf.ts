/**
 * CSRF defence for every state-changing request, two independent checks:
 * 1. Origin (or Referer when a browser omits Origin) must be our BASE_URL's origin (or, outside
 *    production, this machine's loopback address on our port: acceptedOrigins);
 * 2. a token bound to a per-browser random cookie: the form carries HMAC(secret, cookie). A forged
 *    cross-site form can neither read the HttpOnly cookie nor compute the HMAC without the secret.
 * Routes authenticated by something a browser never sends on its own (API bearer tokens) opt out
 * with `config.csrf = false`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { hmac, randomToken, safeEqual } from '../platform/crypto.js';
import { cookieOptions } from './session.js';
import { httpErrors } from './errors.js';
import { isLocalBaseUrl } from '../config.js';

export function csrfCookieName(config: Config): string {
  return isLocalBaseUrl(config) ? 'habilis_csrf' : '__Host-habilis_csrf';
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** onRequest: make sure the browser has its CSRF cookie and compute the token forms will carry. */
export function issueCsrfToken(config: Config, request: FastifyRequest, reply: FastifyReply): void {
  const name = csrfCookieName(config);
  let seed = request.cookies[name];
  if (!seed || seed.length !== 43) {
    seed = randomToken();
    reply.setCookie(name, seed, cookieOptions(config));
    // Only a GET can have received the new cookie's token: a POST without the cookie fails below.
    request.csrfSeedIsNew = true;
  }
  request.csrfToken = hmac(config.sessionSecret, `csrf:${seed}`);
}

function requestOrigin(request: FastifyRequest): string | null {
  const origin = request.headers.origin;
  if (origin && origin !== 'null') return origin;
  const referer = request.headers.referer;
  if (referer) {
    try {
      return new URL(referer).origin;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * The origins a form may come from: BASE_URL's; outside production also this machine's loopback
 * names on the configured port, so that the printed address works whichever way it is typed
 * (localhost, 127.0.0.1, [::1]). In production, BASE_URL only.
 */
const originsOf = new WeakMap<Config, ReadonlySet<string>>();
export function acceptedOrigins(config: Config): ReadonlySet<string> {
  let origins = originsOf.get(config);
  if (!origins) {
    const set = new Set([config.baseUrl.origin]);
    if (!config.isProduction) for (const host of ['localhost', '127.0.0.1', '[::1]']) set.add(`http://${host}:${config.port}`);
    originsOf.set(config, (origins = set));
  }
  return origins;
}

/** preHandler: refuse an unsafe request whose origin or token is wrong. */
export function checkCsrf(config: Config, request: FastifyRequest): void {
  if (!UNSAFE_METHODS.has(request.method)) return;
  if (request.routeOptions.config?.csrf === false) return;
  const origin = requestOrigin(request);
  if (!origin || !acceptedOrigins(config).has(origin)) throw httpErrors.ORIGIN_INVALID();
  const body = request.body as Record<string, unknown> | undefined;
  const sent = (typeof body?._csrf === 'string' ? body._csrf : undefined) ?? request.headers['x-csrf-token'];
  if (request.csrfSeedIsNew || typeof sent !== 'string' || !safeEqual(sent, request.csrfToken)) {
    throw httpErrors.CSRF_INVALID();
  }
}
