/**
 * Request bodies: what is accepted, and a French answer for everything else.
 * - Forms (`application/x-www-form-urlencoded`) everywhere, in UTF-8 (the charset our pages
 *   declare; another one is refused, not guessed), at most BODY_LIMIT bytes and MAX_FORM_FIELDS fields.
 * - JSON only under `/api/` (token-authenticated clients): a JSON body on a form route is refused
 *   (415), so a form handler only ever sees what a form can send.
 * - Multipart only on the upload routes, with their own limits (route-table.ts).
 * A refused body is read to its end (up to DRAIN_LIMIT) and thrown away before the 413 page is
 * sent: answering while the browser is still sending, and closing the socket on unread data (what
 * Fastify does), resets the connection, and the browser shows a dropped connection, not our page.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse as parseQueryString } from 'fast-querystring';
import { httpErrors } from './errors.js';

/** Largest accepted request body (forms); uploads get their own limit on their routes. */
export const BODY_LIMIT = 64 * 1024;
/** More fields than any form of Habilis has (a grant to many accounts at once included). */
export const MAX_FORM_FIELDS = 1000;
/** Beyond this, an oversized body is not worth reading: the connection is closed. */
export const DRAIN_LIMIT = 64 * 1024 * 1024;

/** Reads and discards the rest of a request body, at most DRAIN_LIMIT bytes (then the socket is closed). */
async function discard(raw: FastifyRequest['raw']): Promise<void> {
  let read = 0;
  raw.unpipe();
  for await (const chunk of raw) {
    read += (chunk as Buffer).length;
    if (read > DRAIN_LIMIT) {
      raw.destroy();
      return;
    }
  }
}

function charsetOf(request: FastifyRequest): string | null {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '');
  return match ? match[1]!.toLowerCase() : null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Registers the body parsers and the size check. */
export function registerBodyParsers(app: FastifyInstance): void {
  // Multipart parsers read the raw request and ignore bodyLimit: a declared size over the route's
  // limit is refused here for every content type.
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (Number(request.headers['content-length']) > (request.routeOptions.bodyLimit ?? BODY_LIMIT)) throw httpErrors.BODY_TOO_LARGE();
    return payload;
  });
  // A refused request whose body is still arriving is read to its end before the answer goes, and
  // the connection is kept (Fastify asks to close it, which would cut the browser off).
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode >= 400 && !request.raw.complete && !request.raw.destroyed) {
      await discard(request.raw);
      if (!request.raw.destroyed) reply.removeHeader('connection');
    }
    return payload;
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    const charset = charsetOf(request);
    if (charset && charset !== 'utf-8' && charset !== 'utf8') return done(httpErrors.CHARSET_UNSUPPORTED(), undefined);
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      return done(httpErrors.CHARSET_UNSUPPORTED(), undefined);
    }
    let fields = 1;
    for (let i = text.indexOf('&'); i !== -1 && fields <= MAX_FORM_FIELDS; i = text.indexOf('&', i + 1)) fields += 1;
    if (fields > MAX_FORM_FIELDS) return done(httpErrors.TOO_MANY_FIELDS(), undefined);
    done(null, parseQueryString(text));
  });

  // Fastify's own JSON parser (prototype poisoning refused), behind the /api/ check.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (!request.url.startsWith('/api/')) return done(httpErrors.FORM_EXPECTED(), undefined);
    json(request, body as string, done);
  });
}
