/** Sign-in and sign-out routes. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { endSession } from '../../http/session.js';

export function authHandlers(deps: Deps) {
  return {
    /** "Déconnexion": the session ends server-side, not only its cookie. */
    logout: async (request: FastifyRequest, reply: FastifyReply) => {
      await endSession(deps, request, reply);
      return reply.redirect('/', 303);
    },
  };
}
