/**
 * The HTTP side of server-side sessions: the cookie that carries a session's random id. What a
 * session is, and its table, belong to the auth feature (`features/auth/session.service.ts`).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { loginMethodLabel, recordLogin } from '../platform/metrics.js';
import type { Deps } from '../deps.js';
import { isLocalBaseUrl, type Config } from '../config.js';
import type { Principal } from '../features/habilitations/habilitation.policy.js';
import * as sessions from '../features/auth/session.service.js';
import type { AuthSession, NewSession, SessionSpec } from '../features/auth/session.service.js';

export type { AuthSession, NewSession, PendingStep, SessionSpec } from '../features/auth/session.service.js';

/** `__Host-` binds the cookie to this exact origin over https; plain name on http://localhost. */
export function sessionCookieName(config: Config): string {
  return isLocalBaseUrl(config) ? 'habilis_session' : '__Host-habilis_session';
}

export function cookieOptions(config: Config) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: !isLocalBaseUrl(config) };
}

/** The live session of the request's cookie, or null. */
export async function loadSession(deps: Deps, request: FastifyRequest): Promise<AuthSession | null> {
  return sessions.loadLiveSession(deps, request.cookies[sessionCookieName(deps.config)]);
}

/** The principal of a session: only a strong session with no step left has one (R06). */
export async function loadPrincipal(deps: Deps, session: AuthSession | null): Promise<Principal | null> {
  return sessions.principalOf(deps, session);
}

/** A new session (not written) for this request's client. */
export function newSession(deps: Deps, request: FastifyRequest, spec: SessionSpec): NewSession {
  return sessions.newSession(deps, spec, { ip: request.ip, userAgent: request.headers['user-agent'] ?? '' });
}

export function setSessionCookie(deps: Deps, reply: FastifyReply, session: NewSession): void {
  reply.setCookie(sessionCookieName(deps.config), session.token, {
    ...cookieOptions(deps.config),
    maxAge: deps.config.sessionAbsoluteHours * 3600,
  });
}

/**
 * Opens a new session for the account and sets its cookie; the session the request came with, if
 * any, is deleted (rotation against fixation). Returns nothing secret: the id only lives in the cookie.
 */
export async function openSession(deps: Deps, request: FastifyRequest, reply: FastifyReply, spec: SessionSpec): Promise<Buffer> {
  // A session becoming strong is a login (the rotations of a session already strong are not).
  if (spec.strength === 'strong' && request.authSession?.strength !== 'strong') recordLogin(loginMethodLabel(spec.authMethod), 'success');
  // A rotation of a strong session (a pending step done, an invitation accepted) is no new
  // authentication: the session keeps when and how its holder authenticated (R17).
  const previous = request.authSession;
  const carried = previous?.strength === 'strong' && spec.strength === 'strong' && previous.accountId === spec.accountId && previous.authMethod === spec.authMethod && !spec.amr;
  if (carried) spec = { ...spec, amr: previous.amr, authenticatedAt: previous.authenticatedAt };
  await endSession(deps, request, reply);
  const session = newSession(deps, request, spec);
  await sessions.startSession(deps, session);
  setSessionCookie(deps, reply, session);
  return session.idHash;
}

/** Ends the request's session server-side and clears its cookie. */
export async function endSession(deps: Deps, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const name = sessionCookieName(deps.config);
  const token = request.cookies[name];
  if (token) {
    await sessions.endSessionOfToken(deps, token);
    reply.clearCookie(name, cookieOptions(deps.config));
  }
}
