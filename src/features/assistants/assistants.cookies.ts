/**
 * R15: the invitation being accepted in this browser. The link's token is kept in an HttpOnly
 * cookie while its holder signs in with their card or e-CPS (never in a URL again), for 30 minutes:
 * the time of a card or e-CPS login. The sign-in hooks let the login features follow it without
 * knowing of invitations.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { isLocalBaseUrl } from '../../config.js';
import { cookieOptions } from '../../http/session.js';
import type { SignInHooks } from '../auth/auth.hooks.js';

const INVITATION_COOKIE_SECONDS = 30 * 60;

/** R15: where an invited assistant whose identity has no account yet creates it. */
export const ASSISTANT_ACCOUNT_URLS = { psc: '/connexion/psc/assistant', cps: '/connexion/carte/assistant' } as const;

function invitationCookieName(deps: Deps): string {
  return isLocalBaseUrl(deps.config) ? 'habilis_invitation' : '__Host-habilis_invitation';
}

export function pendingInvitation(deps: Deps, request: FastifyRequest): string | undefined {
  const token = request.cookies[invitationCookieName(deps)];
  return token && token.length <= 100 ? token : undefined;
}

export function keepInvitation(deps: Deps, reply: FastifyReply, token: string): void {
  reply.setCookie(invitationCookieName(deps), token, { ...cookieOptions(deps.config), maxAge: INVITATION_COOKIE_SECONDS });
}

export function clearInvitation(deps: Deps, reply: FastifyReply): void {
  reply.clearCookie(invitationCookieName(deps), cookieOptions(deps.config));
}

/** R15, wired by the route table: an invitation in this browser turns an unknown identity into an assistant's account, and a card login into its acceptance. */
export function invitationSignInHooks(deps: Deps): SignInHooks {
  const invited = (request: FastifyRequest) => pendingInvitation(deps, request) !== undefined;
  return {
    unknownIdentityUrl: (request, kind) => (invited(request) ? ASSISTANT_ACCOUNT_URLS[kind] : null),
    afterCardLoginUrl: (request, asked) => (invited(request) ? '/assistant/accepter' : asked),
    onSignOut: (reply) => clearInvitation(deps, reply),
  };
}
