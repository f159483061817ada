/**
 * One place maps errors to responses: domain errors by their code and status, Fastify's own
 * errors (body too large, wrong content type…) to their 4xx, database unique violations to 409,
 * anything else to a 500 logged with its stack. Browsers get a French page, API clients JSON
 * `{ code, message, requestId }`. Details (field messages) only below 500.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../platform/errors.js';
import { httpErrors } from './errors.js';
import { isDatabaseUnreachable } from '../db/unreachable.js';

export { isDatabaseUnreachable };
import { ErrorPage } from './error-pages.js';
import { renderPage } from '../views/render.js';

function toDomainError(error: FastifyError & { code?: string }): DomainError {
  if (error instanceof DomainError) return error;
  if (isDatabaseUnreachable(error)) return httpErrors.UNAVAILABLE();
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return httpErrors.BODY_TOO_LARGE();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return httpErrors.UNSUPPORTED_MEDIA_TYPE();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_VALIDATION':
      return httpErrors.BAD_REQUEST();
    case '23505':
      return httpErrors.ALREADY_EXISTS();
    default:
      break;
  }
  if (error.validation) return httpErrors.BAD_REQUEST();
  if (error.statusCode === 429) return httpErrors.RATE_LIMITED();
  if (error instanceof SyntaxError) return httpErrors.BAD_REQUEST();
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new DomainError('BAD_REQUEST', httpErrors.definitions.BAD_REQUEST.message, error.statusCode);
  }
  return httpErrors.INTERNAL();
}

/** Browsers (and anything that asks for HTML) get pages; /api and JSON clients get JSON. */
export function wantsHtml(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/') || request.url.startsWith('/health/')) return false;
  const accept = request.headers.accept ?? '';
  return accept === '' || accept.includes('text/html') || accept.includes('*/*');
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: DomainError): FastifyReply {
  reply.status(error.status);
  if (error.status === 429 && !reply.getHeader('retry-after')) reply.header('retry-after', '60');
  if (error.status === 503 && !reply.getHeader('retry-after')) reply.header('retry-after', '5');
  if (wantsHtml(request)) {
    return reply.type('text/html; charset=utf-8').send(
      renderPage(
        ErrorPage({
          status: error.status,
          message: error.message,
          requestId: request.id,
          viewer: request.principal?.viewer ?? null,
          csrfToken: request.csrfToken ?? '',
          fields: error.status < 500 ? error.fields : {},
        }),
      ),
    );
  }
  return reply.send({
    code: error.code,
    message: error.message,
    requestId: request.id,
    ...(error.status < 500 && Object.keys(error.fields).length > 0 ? { fields: error.fields } : {}),
  });
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const domainError = toDomainError(error);
  if (domainError.status === 503) {
    request.log.warn({ err: error }, 'base de données injoignable');
  } else if (domainError.status >= 500) {
    request.log.error({ err: error }, 'erreur non gérée');
  } else {
    request.log.info({ code: domainError.code, status: domainError.status }, 'requête refusée');
  }
  return sendError(request, reply, domainError);
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendError(request, reply, httpErrors.NOT_FOUND());
}
