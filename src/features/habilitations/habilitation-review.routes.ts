/** Routes of the review of habilitations (R39), its export, and the row actions (R35, R36): parse, call one service, present. */
import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { DomainError } from '../../platform/errors.js';
import { httpErrors } from '../../http/errors.js';
import { sendPage as html } from '../../http/reply.js';
import * as review from './habilitation-review.service.js';
import * as habilitations from './habilitation.service.js';
import { withInput } from '../../platform/input.js';
import { endDateForm, parseReviewQuery, returnForm, reviewReturnPath } from './habilitation-review.schemas.js';
import { DeleteConfirmPage, EndDatePage, ReviewPage, REVIEW_NOTICES } from './habilitation-review.pages.js';

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: { retour?: string } }>;


/** A habilitation id from the URL; anything else is a page that does not exist. */
function habilitationId(request: IdRequest): number {
  const raw = request.params.id;
  if (!/^[1-9][0-9]{0,9}$/.test(raw) || Number(raw) > 2_147_483_647) throw httpErrors.NOT_FOUND();
  return Number(raw);
}

/** Back to the review the action came from, with a notice. */
function backTo(retour: string, done: string): string {
  return `${retour}${retour.includes('?') ? '&' : '?'}fait=${done}#resultats`;
}

export function reviewHandlers(deps: Deps) {
  return {
    show: async (request: FastifyRequest<{ Querystring: Record<string, string> }>, reply: FastifyReply) => {
      const principal = request.principal!;
      const data = await review.loadReview(deps, principal, parseReviewQuery(request.query));
      const done = request.query.fait && Object.hasOwn(REVIEW_NOTICES, request.query.fait) ? request.query.fait : undefined;
      return html(reply, ReviewPage({ viewer: principal.viewer, csrfToken: request.csrfToken, review: data, done }));
    },

    /**
     * "Exporter": the scope and filters are checked before the first byte (an error is still a
     * page); then the workbook streams to the client as it is written.
     */
    exportXlsx: async (request: FastifyRequest<{ Querystring: Record<string, string> }>, reply: FastifyReply) => {
      const principal = request.principal!;
      const plan = await review.planReviewExport(deps, principal, parseReviewQuery(request.query));
      const body = new PassThrough();
      review.writeReviewExport(deps, principal, plan, body).then(
        (rows) => {
          request.log.info({ rows }, 'revue exportée');
        },
        (error: unknown) => {
          request.log.error({ err: error }, 'export de la revue interrompu');
          body.destroy(error instanceof Error ? error : new Error(String(error)));
        },
      );
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${plan.fileName}"`)
        .send(body);
    },

    /** R35 from a row: a new end date; a wrong one comes back on a page of its own, at the field. */
    changeEndDate: withInput({ body: endDateForm }, async (request: IdRequest, reply: FastifyReply) => {
      const principal = request.principal!;
      const id = habilitationId(request);
      const form = endDateForm.parse(request.body ?? {});
      const retour = reviewReturnPath(form.retour);
      try {
        const result = await habilitations.changeHabilitationEndDate(deps, principal, id, form.endDate, request.ip);
        return reply.redirect(backTo(retour, result.changed ? 'date-de-fin' : 'date-inchangee'), 303);
      } catch (error) {
        if (!(error instanceof DomainError) || error.status !== 400) throw error;
        const habilitation = await habilitations.getChangeableHabilitation(deps, principal, id);
        return html(
          reply,
          EndDatePage({ viewer: principal.viewer, csrfToken: request.csrfToken, habilitation, retour, value: form.endDate.slice(0, 10), error: error.message }),
          error.status,
        );
      }
    }),

    /** R35: the end-date page of a row: the shortcuts with the date each sets, and any date (a GET changes nothing). */
    showEndDate: async (request: IdRequest, reply: FastifyReply) => {
      const principal = request.principal!;
      const habilitation = await habilitations.getChangeableHabilitation(deps, principal, habilitationId(request));
      return html(reply, EndDatePage({ viewer: principal.viewer, csrfToken: request.csrfToken, habilitation, retour: reviewReturnPath(request.query.retour), value: habilitation.endDate }));
    },

    /** R36, first step: the confirmation page (a GET changes nothing). */
    confirmDelete: async (request: IdRequest, reply: FastifyReply) => {
      const principal = request.principal!;
      const habilitation = await habilitations.getChangeableHabilitation(deps, principal, habilitationId(request));
      return html(
        reply,
        DeleteConfirmPage({ viewer: principal.viewer, csrfToken: request.csrfToken, habilitation, retour: reviewReturnPath(request.query.retour) }),
      );
    },

    /** R36, confirmed. */
    delete: withInput({ body: returnForm }, async (request: IdRequest, reply: FastifyReply) => {
      const principal = request.principal!;
      const id = habilitationId(request);
      const retour = reviewReturnPath(returnForm.parse(request.body ?? {}).retour);
      await habilitations.deleteHabilitation(deps, principal, id, request.ip);
      return reply.redirect(backTo(retour, 'suppression'), 303);
    }),
  };
}
