/** The decision API (AuthZEN shapes): parse, call the decision service, answer JSON. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Deps } from '../../deps.js';
import { evaluate } from './decision.service.js';
import { evaluationRequestSchema, evaluationsRequestSchema, type EvaluationRequest } from './decision.schemas.js';
import { idpErrors } from './idp.errors.js';
import { openApiDocument } from './openapi.js';
import { sendPage as html } from '../../http/reply.js';
import { ApiDocumentationPage } from './api-docs.pages.js';

function fieldsOf(error: z.ZodError, prefix = ''): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues.slice(0, 20)) fields[[prefix, ...issue.path.map(String)].filter(Boolean).join('.') || 'corps'] = issue.message;
  return fields;
}

export function decisionHandlers(deps: Deps) {
  const document = openApiDocument(deps.config.baseUrl);
  return {
    openApi: async (_request: FastifyRequest, reply: FastifyReply) => reply.header('cache-control', 'public, max-age=300').send(document),

    documentation: async (request: FastifyRequest, reply: FastifyReply) =>
      html(reply, ApiDocumentationPage({ viewer: request.principal?.viewer ?? null, csrfToken: request.csrfToken, origin: deps.config.baseUrl.origin })),

    evaluation: async (request: FastifyRequest, reply: FastifyReply) => {
      const parsed = evaluationRequestSchema.safeParse(request.body);
      if (!parsed.success) throw idpErrors.DECISION_INVALID(fieldsOf(parsed.error));
      const [answer] = await evaluate(deps, request.serviceClient!, [parsed.data], request.ip);
      return reply.send(answer);
    },

    evaluations: async (request: FastifyRequest, reply: FastifyReply) => {
      const parsed = evaluationsRequestSchema.safeParse(request.body);
      if (!parsed.success) throw idpErrors.DECISION_INVALID(fieldsOf(parsed.error));
      const { evaluations, ...defaults } = parsed.data;
      const requests: EvaluationRequest[] = [];
      for (const [index, item] of evaluations.entries()) {
        // AuthZEN: each evaluation's missing members come from the request's top level.
        const merged = evaluationRequestSchema.safeParse({ ...defaults, ...item });
        if (!merged.success) throw idpErrors.DECISION_INVALID(fieldsOf(merged.error, `evaluations.${index}`));
        requests.push(merged.data);
      }
      return reply.send({ evaluations: await evaluate(deps, request.serviceClient!, requests, request.ip) });
    },
  };
}
