/**
 * /dev/mails and /dev/sms: registered only outside production (see app.ts) and answered only to
 * requests from this machine, since messages carry one-time codes and links.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { listRecentMessages } from '../../platform/outbox/outbox.js';
import { renderPage } from '../../views/render.js';
import { httpErrors } from '../../http/errors.js';
import { OutboxPage } from './dev.pages.js';

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

export function devHandlers(deps: Deps) {
  const show = (channel: 'mail' | 'sms') => async (request: FastifyRequest, reply: FastifyReply) => {
    if (!LOOPBACK.test(request.ip)) throw httpErrors.NOT_FOUND();
    const messages = await listRecentMessages(deps.db, channel);
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(renderPage(OutboxPage({ channel, messages, csrfToken: request.csrfToken })));
  };
  return { mails: show('mail'), sms: show('sms') };
}
