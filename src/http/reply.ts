/** Sending a page: every route answers HTML the same way. */
import type { FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import { renderPage } from '../views/render.js';

export function sendPage(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(renderPage(page));
}
