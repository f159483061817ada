/**
 * Every route declares who may call it, in its `config.access`:
 *   'public'          anyone (login, home, health);
 *   'authenticated'   any strongly authenticated professional;
 *   { right }         a professional holding that right somewhere (the target is then checked by the service).
 * A route without a declaration cannot be registered (see app.ts), and a test lists them all.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../features/habilitations/habilitation.policy.js';
import type { Right } from '../features/habilitations/habilitation.rights.js';
import { httpErrors } from './errors.js';
import { wantsHtml } from './error-handler.js';

export type Access = 'public' | 'authenticated' | { right: Right };

export function describeAccess(access: Access): string {
  return typeof access === 'string' ? access : `right:${access.right}`;
}

export async function guard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const access = request.routeOptions.config?.access;
  // The not-found handler has no route: it answers 404 to everyone, signed in or not.
  if (access === 'public' || request.is404) return;
  const principal = request.principal;
  if (!principal || principal.strength !== 'strong') {
    if (request.method === 'GET' && wantsHtml(request)) {
      // Back to the asked page after login; only a local path is ever kept.
      const back = encodeURIComponent(request.url.startsWith('/') && !request.url.startsWith('//') ? request.url : '/');
      return reply.redirect(`/connexion?retour=${back}`, 303);
    }
    throw httpErrors.UNAUTHENTICATED();
  }
  if (access === 'authenticated') return;
  if (!access || !can(principal, access.right)) throw httpErrors.FORBIDDEN();
}
