/** Home page routes. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { renderPage } from '../../views/render.js';
import { HomePage } from './home.pages.js';

export function homeHandlers() {
  return {
    show: async (request: FastifyRequest, reply: FastifyReply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(renderPage(HomePage({ viewer: request.principal?.viewer ?? null, csrfToken: request.csrfToken }))),
  };
}
