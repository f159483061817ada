/** Route of R25: the structures of the viewer's territory with fewer than 2 referents. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { renderPage } from '../../views/render.js';
import { listStructuresWithFewReferents } from './referent-coverage.service.js';
import { StructuresWithFewReferentsPage } from './referent-coverage.pages.js';

export function referentCoverageHandlers(deps: Deps) {
  return {
    list: async (request: FastifyRequest<{ Querystring: { page?: string } }>, reply: FastifyReply) => {
      const principal = request.principal!;
      const requested = /^[0-9]{1,6}$/.test(request.query.page ?? '') ? Number(request.query.page) : 1;
      const result = await listStructuresWithFewReferents(deps, principal, requested);
      return reply
        .type('text/html; charset=utf-8')
        .send(renderPage(StructuresWithFewReferentsPage({ viewer: principal.viewer, csrfToken: request.csrfToken, ...result })));
    },
  };
}
