/** Routes of the Observatoire (R70): parse, call one service, present. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { DomainError } from '../../platform/errors.js';
import { sendPage as html } from '../../http/reply.js';
import { httpErrors } from '../../http/errors.js';
import { parisDate } from '../../platform/clock.js';
import * as service from './observatory.service.js';
import { observatoryErrors } from './observatory.errors.js';
import { consolidatedUntil, isOpen } from './observatory.rules.js';
import { CataloguePage, OrderFormPage, OrdersPage, ResultPage, ORDERS_PATH, type OrderFormValues } from './observatory.pages.js';
import { orderForm as parseOrderForm } from './observatory.schemas.js';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** An order id from the URL: a strict positive integer; anything else is a page that does not exist. */
function orderId(request: IdRequest): number {
  const raw = request.params.id;
  if (!/^[1-9][0-9]{0,9}$/.test(raw) || Number(raw) > 2_147_483_647) throw httpErrors.NOT_FOUND();
  return Number(raw);
}

const frame = (request: FastifyRequest) => ({ viewer: request.principal!.viewer, csrfToken: request.csrfToken });

export function observatoryHandlers(deps: Deps) {
  const showForm = async (request: FastifyRequest, reply: FastifyReply, code: unknown, values: OrderFormValues, error?: DomainError) => {
    const principal = request.principal!;
    const orderRequest = service.orderableRequest(principal, code);
    const choices = await service.orderForm(deps, principal, orderRequest);
    const errors = error ? { ...error.fields } : {};
    return html(reply, OrderFormPage({ ...frame(request), request: orderRequest, choices, values, errors, general: error?.message }), error?.status ?? 200);
  };

  return {
    /** Commander: the catalogue, or the form of `?demande=`. */
    showOrder: async (request: FastifyRequest<{ Querystring: { demande?: string } }>, reply: FastifyReply) => {
      const principal = request.principal!;
      if (request.query.demande === undefined) {
        const requests = service.orderableRequests(principal);
        return html(reply, CataloguePage({ ...frame(request), requests, consolidatedUntil: consolidatedUntil(parisDate(deps.clock.now())) }));
      }
      return showForm(request, reply, request.query.demande, { debut: '', fin: '', commentaire: '', criteria: {} });
    },

    /** "Envoyer la demande": a refusal comes back on the form, at its fields, with its 4xx; nothing is written. */
    placeOrder: async (request: FastifyRequest, reply: FastifyReply) => {
      const form = parseOrderForm(request.body);
      const values: OrderFormValues = { debut: form.debut, fin: form.fin, commentaire: form.commentaire, criteria: form.criteria };
      try {
        const placed = await service.placeOrder(deps, request.principal!, form.demande, { from: form.debut, to: form.fin, comment: form.commentaire, criteria: form.criteria }, request.ip);
        return reply.redirect(`${ORDERS_PATH}?commande=${placed.orderId}${placed.unconsolidated ? '&consolidation=1' : ''}`, 303);
      } catch (error) {
        if (!(error instanceof DomainError) || error.status >= 500 || error.code === 'UNKNOWN_REQUEST') throw error;
        return showForm(request, reply, form.demande, values, error);
      }
    },

    /** Consulter. */
    listOrders: async (request: FastifyRequest<{ Querystring: { commande?: string; consolidation?: string } }>, reply: FastifyReply) => {
      const orders = await service.listOrders(deps, request.principal!);
      const placed = /^[1-9][0-9]{0,9}$/.test(request.query.commande ?? '') ? Number(request.query.commande) : undefined;
      const ownPlaced = placed !== undefined && orders.some((o) => o.id === placed) ? placed : undefined;
      return html(reply, OrdersPage({ ...frame(request), orders, placed: ownPlaced, unconsolidated: request.query.consolidation === '1' }));
    },

    /** The statuses of the person's orders, for the polling script (JSON). */
    statuses: async (request: FastifyRequest, reply: FastifyReply) => {
      const orders = await service.listOrders(deps, request.principal!);
      return reply.header('cache-control', 'no-store').send({
        open: orders.some((o) => isOpen(o.status)),
        orders: orders.map((o) => ({ id: o.id, status: o.status })),
      });
    },

    /** Voir. */
    showResult: async (request: IdRequest, reply: FastifyReply) => {
      const order = await service.getOrder(deps, request.principal!, orderId(request));
      if (order.status !== 'ready' || !order.result) throw observatoryErrors.NOT_READY();
      return html(reply, ResultPage({ ...frame(request), order, result: order.result }));
    },

    /** The Excel file (audited). */
    downloadFile: async (request: IdRequest, reply: FastifyReply) => {
      const file = await service.downloadOrderFile(deps, request.principal!, orderId(request), request.ip);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${file.name}"`)
        .header('cache-control', 'private, no-store')
        .send(file.content);
    },
  };
}
