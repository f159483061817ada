/**
 * Every route declares who may call it, in its `config.access`:
 *   'public'          anyone (login, home, health);
 *   'second-factor'   a session that passed the password and owes its one-time code (R04, R06);
 *   'pending-step'    a strong session that must still choose a new password (R08) or accept the terms (R11);
 *   'authenticated'   any strongly authenticated professional with nothing left to do;
 *   'liberal'         such a professional who is a liberal professional (R14: their assistants, R15);
 *   { right }         such a professional holding that right somewhere (the target is checked by the service);
 *   'metrics'         a metrics scraper: METRICS_TOKEN as bearer token, or an address of METRICS_ALLOW (http/metrics.ts); anyone else 403;
 *   { scope }         a service client of Habilis's API: a client-credentials access token with that scope (issue 17, service-client.ts).
 * A route without a declaration cannot be registered (see app.ts), and a test lists them all.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../features/habilitations/habilitation.policy.js';
import type { Right } from '../features/habilitations/habilitation.rights.js';
import { httpErrors } from './errors.js';
import { wantsHtml } from './error-handler.js';
import type { PendingStep } from '../features/auth/auth.rules.js';
import type { ApiScope } from '../features/identity-provider/idp.rules.js';
import { authenticateServiceClient } from '../features/identity-provider/service-client.js';

export type Access = 'public' | 'second-factor' | 'pending-step' | 'authenticated' | 'liberal' | 'metrics' | { right: Right } | { scope: ApiScope };

export const PENDING_STEP_URLS: Record<PendingStep, string> = {
  password_change: '/connexion/nouveau-mot-de-passe',
  terms: '/connexion/conditions',
};

export function describeAccess(access: Access): string {
  if (typeof access === 'string') return access;
  return 'scope' in access ? `scope:${access.scope}` : `right:${access.right}`;
}

/**
 * Only a local path may be a return address: never another site (open redirect). Browsers drop
 * tabs and newlines from URLs ("/\t/evil.example" becomes "//evil.example"), so any control
 * character, and any backslash, refuses the value outright.
 */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 500 || !value.startsWith('/') || /[\x00-\x1f\x7f\\]/.test(value)) return '/';
  if (value.startsWith('//')) return '/';
  const url = new URL(value, 'http://habilis.invalid');
  return url.origin === 'http://habilis.invalid' ? `${url.pathname}${url.search}` : '/';
}

/** After a sign-in: the step the session still owes (R08, R11), else the return address asked. */
export function afterSignIn(pendingStep: PendingStep | null, returnPath: string): string {
  return pendingStep ? PENDING_STEP_URLS[pendingStep] : safeReturnPath(returnPath);
}

function toLogin(request: FastifyRequest, reply: FastifyReply) {
  if (request.method === 'GET' && wantsHtml(request)) {
    return reply.redirect(`/connexion?retour=${encodeURIComponent(safeReturnPath(request.url))}`, 303);
  }
  throw httpErrors.UNAUTHENTICATED();
}

export async function guard(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const access = request.routeOptions.config?.access;
  // The not-found handler has no route: it answers 404 to everyone, signed in or not.
  if (access === 'public' || request.is404) return;
  if (access === 'metrics') {
    if (request.server.metricsAllowed(request)) return;
    throw httpErrors.FORBIDDEN();
  }
  if (typeof access === 'object' && 'scope' in access) {
    try {
      await authenticateServiceClient(request, access.scope);
      return;
    } catch (error) {
      // RFC 6750: a refused bearer token says why in WWW-Authenticate.
      const code = (error as { code?: string }).code;
      const reason = code === 'SCOPE_MISSING' ? 'insufficient_scope' : code === 'TOKEN_INVALID' ? 'invalid_token' : null;
      reply.header('www-authenticate', reason ? `Bearer error="${reason}"` : 'Bearer');
      throw error;
    }
  }
  const session = request.authSession;
  if (access === 'second-factor') {
    if (session?.strength === 'password') return;
    return reply.redirect('/connexion', 303);
  }
  if (!session || session.strength !== 'strong') return toLogin(request, reply);
  if (access === 'pending-step') {
    if (session.pendingStep) return;
    return reply.redirect('/', 303);
  }
  if (session.pendingStep) {
    if (request.method === 'GET' && wantsHtml(request)) return reply.redirect(PENDING_STEP_URLS[session.pendingStep], 303);
    throw httpErrors.FORBIDDEN();
  }
  if (access === 'authenticated') return;
  if (access === 'liberal') {
    if (request.principal?.liberal) return;
    throw httpErrors.FORBIDDEN();
  }
  if (!access || typeof access !== 'object' || !('right' in access) || !can(request.principal, access.right)) throw httpErrors.FORBIDDEN();
}
