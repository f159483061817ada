/**
 * Routes of the OpenID provider: the provider itself under /oidc (its own endpoints, hijacked from
 * Fastify and handed the raw request), and Habilis's interaction, where the Habilis session
 * answers the provider (R17).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Deps } from '../../deps.js';
import { sendPage as html } from '../../http/reply.js';
import { endSession, sessionCookieName } from '../../http/session.js';
import type { ProviderContext } from 'oidc-provider';
import { endSessionOfToken } from '../auth/session.service.js';
import { ContinuePage, StepUpPage, ProviderErrorPage } from './idp.pages.js';
import { MOUNT_PATH, type IdentityProvider, type IdentityProviderRef } from './idp.provider.js';
import { concludeInteraction, demandOf } from './idp.service.js';

type InteractionRequest = FastifyRequest<{ Params: { uid: string } }>;

const EXPIRED = 'Cette demande de connexion a expiré ou a déjà servi. Revenez à l’application et recommencez.';

export function identityProviderHandlers(deps: Deps, ref: IdentityProviderRef) {
  let callback: ReturnType<IdentityProvider['provider']['callback']> | null = null;

  const details = async (idp: IdentityProvider, request: FastifyRequest, reply: FastifyReply) => {
    try {
      return await idp.provider.interactionDetails(request.raw, reply.raw);
    } catch {
      return null;
    }
  };

  return {
    /** Every endpoint of the provider (discovery, authorization, token, userinfo, JWKS, end_session…). */
    provider: async (request: FastifyRequest, reply: FastifyReply) => {
      const idp = await ref.get();
      callback ??= idp.provider.callback();
      reply.hijack();
      // The provider answers on the raw response: the security headers of our pages, but for
      // form-action (the logout form ends on the client's post-logout address, another origin).
      reply.raw.setHeader('content-security-policy', "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'");
      reply.raw.setHeader('x-content-type-options', 'nosniff');
      reply.raw.setHeader('x-frame-options', 'DENY');
      reply.raw.setHeader('referrer-policy', 'same-origin');
      reply.raw.setHeader('x-request-id', request.id);
      const raw = request.raw as IncomingMessage & { originalUrl?: string };
      raw.originalUrl = raw.url;
      raw.url = raw.url!.slice(MOUNT_PATH.length) || '/';
      callback(raw, reply.raw);
    },

    /** The provider asks who is there: the Habilis session answers, or the login, or a step-up (R17). */
    interaction: async (request: InteractionRequest, reply: FastifyReply) => {
      const idp = await ref.get();
      const interaction = await details(idp, request, reply);
      if (!interaction || interaction.uid !== request.params.uid) return html(reply, ProviderErrorPage({ message: EXPIRED }), 400);
      const now = deps.clock.now();
      const here = `${MOUNT_PATH}/interaction/${interaction.uid}`;
      const outcome = concludeInteraction(request.authSession, demandOf(interaction.params, interaction.iat, now), now);
      if (outcome.kind === 'login') return reply.redirect(`/connexion?retour=${encodeURIComponent(here)}`, 303);
      if (outcome.kind === 'step-up') {
        const clientName = await clientNameOf(idp, interaction.params.client_id);
        return html(
          reply,
          StepUpPage({ viewer: request.principal?.viewer ?? null, csrfToken: request.csrfToken, clientName, stepUp: outcome.stepUp, action: `${here}/renforcer`, cardUrl: deps.config.card ? `/connexion/carte?retour=${encodeURIComponent(here)}` : null }),
        );
      }
      const target = await idp.provider.interactionResult(request.raw, reply.raw, { login: outcome.login }, { mergeWithLastSubmission: false });
      // The target is the provider's own resume URL (same origin): a path is enough, whatever Host the request named.
      const resume = new URL(target);
      const clientName = await clientNameOf(idp, interaction.params.client_id);
      return html(reply, ContinuePage({ viewer: request.principal?.viewer ?? null, csrfToken: request.csrfToken, clientName, target: `${resume.pathname}${resume.search}` }));
    },

    /** R17: the step-up of a password and a code: this session ends, the login asks the code even in a trusted browser. */
    stepUp: async (request: InteractionRequest, reply: FastifyReply) => {
      const interaction = await details(await ref.get(), request, reply);
      if (!interaction || interaction.uid !== request.params.uid) return html(reply, ProviderErrorPage({ message: EXPIRED }), 400);
      await endSession(deps, request, reply);
      return reply.redirect(`/connexion?renforcer=1&retour=${encodeURIComponent(`${MOUNT_PATH}/interaction/${interaction.uid}`)}`, 303);
    },
  };
}

async function clientNameOf(idp: IdentityProvider, clientId: unknown): Promise<string> {
  if (typeof clientId !== 'string') return 'demandeuse';
  const client = await (idp.provider as unknown as { Client: { find(id: string): Promise<{ clientName?: string } | undefined> } }).Client.find(clientId);
  return client?.clientName ?? clientId;
}

/** RP-initiated logout (end_session) ends the Habilis session of the same browser too. */
export async function endHabilisSessionOfProviderRequest(deps: Deps, ctx: ProviderContext): Promise<void> {
  const token = ctx.cookies.get(sessionCookieName(deps.config), { signed: false });
  if (token) await endSessionOfToken(deps, token);
}
