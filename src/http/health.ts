/** Liveness (the process answers) and readiness (the database answers) for load balancers. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.js';
import { pingDatabase } from '../db/database.js';

export function healthHandlers(deps: Deps) {
  return {
    live: async (_request: FastifyRequest, reply: FastifyReply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }),
    ready: async (request: FastifyRequest, reply: FastifyReply) => {
      reply.header('cache-control', 'no-store');
      try {
        await pingDatabase(deps.db);
        return reply.send({ status: 'ok', database: 'ok' });
      } catch (error) {
        request.log.warn({ err: error }, 'base de données injoignable');
        return reply.status(503).send({ status: 'unavailable', database: 'unreachable' });
      }
    },
  };
}
