/** Routes of the ESMS notifications: parse, call one service, present (R60–R62, R64). */
import { PassThrough } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorHandler, sendError } from '../../http/error-handler.js';
import { esmsErrors } from './esms.errors.js';
import type { Deps } from '../../deps.js';
import { DomainError } from '../../platform/errors.js';
import { httpErrors } from '../../http/errors.js';
import { sendPage as html } from '../../http/reply.js';
import * as esms from './esms.service.js';
import { parseDashboardQuery, parseFollowupForm, parseRetrievalForm } from './esms.schemas.js';
import * as retrieval from './esms-retrieval.service.js';
import { RetrievalPage } from './esms-retrieval.pages.js';
import { esmsTask, pageToken, parseLastUpdated, readPageToken } from './esms-fhir.rules.js';
import * as admin from './esms-admin.service.js';
import { ImportPage } from './esms-admin.pages.js';
import { esmsImportRegions } from '../habilitations/habilitation.policy.js';
import { DashboardPage, NotificationPage } from './esms.pages.js';

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string> }>;

/** A notification id from the URL; anything else is a page that does not exist. */
export function notificationId(request: IdRequest): number {
  const raw = request.params.id;
  if (!/^[1-9][0-9]{0,9}$/.test(raw) || Number(raw) > 2_147_483_647) throw httpErrors.NOT_FOUND();
  return Number(raw);
}

export function esmsHandlers(deps: Deps) {
  return {
    dashboard: async (request: FastifyRequest<{ Querystring: Record<string, string> }>, reply: FastifyReply) => {
      const principal = request.principal!;
      const data = await esms.loadDashboard(deps, principal, parseDashboardQuery(request.query));
      return html(reply, DashboardPage({ viewer: principal.viewer, csrfToken: request.csrfToken, data }));
    },

    /** R60, R64: the page of one notification at the viewer's tier; its opening is logged (and 39 → 40 once). */
    show: async (request: IdRequest, reply: FastifyReply) => {
      const principal = request.principal!;
      const view = await esms.loadNotificationPage(deps, principal, notificationId(request));
      return html(reply, NotificationPage({ viewer: principal.viewer, csrfToken: request.csrfToken, view, done: request.query.fait === 'suivi' }));
    },

    /** R61: one follow-up action; a refusal comes back on the page, at its fields, nothing written. */
    followup: async (request: IdRequest, reply: FastifyReply) => {
      const principal = request.principal!;
      const id = notificationId(request);
      const form = parseFollowupForm(request.body);
      try {
        await esms.recordFollowup(deps, principal, id, form);
        return reply.redirect(`/esms/notifications/${id}?fait=suivi#suivi`, 303);
      } catch (error) {
        if (!(error instanceof DomainError) || (error.status !== 400 && error.status !== 409)) throw error;
        const view = await esms.reloadNotificationPage(deps, principal, id);
        const body = (request.body ?? {}) as Record<string, unknown>;
        const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).slice(0, 2000) : '');
        const values = error.status === 409 ? {} : { statut: text('statut'), date: form.rawDate, motif: text('motif'), unite: text('unite'), commentaire: text('commentaire') };
        return html(reply, NotificationPage({ viewer: principal.viewer, csrfToken: request.csrfToken, view, errors: error.fields, general: error.message, values }), error.status);
      }
    },

    /** R62 "Exporter": checked before the first byte (an error is still a page), then streamed; the viewer's tier's columns only (R60). */
    exportXlsx: async (request: FastifyRequest<{ Querystring: Record<string, string> }>, reply: FastifyReply) => {
      const principal = request.principal!;
      const plan = await esms.planExport(deps, principal, parseDashboardQuery(request.query));
      const body = new PassThrough();
      esms.writeExport(deps, principal, plan, body).then(
        (rows) => request.log.info({ rows }, 'notifications ESMS exportées'),
        (error: unknown) => {
          request.log.error({ err: error }, 'export des notifications interrompu');
          body.destroy(error instanceof Error ? error : new Error(String(error)));
        },
      );
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${plan.fileName}"`)
        .send(body);
    },

    /** R60, R64: the same projection as JSON (channel "json"). */
    showJson: async (request: IdRequest, reply: FastifyReply) => {
      const principal = request.principal!;
      const notification = await esms.readNotification(deps, principal, notificationId(request), 'json');
      return reply.type('application/json; charset=utf-8').send(notification);
    },
  };
}

/** R63 routes: search by the three identifiers, then take the chosen decision for an ESMS. */
export function esmsRetrievalHandlers(deps: Deps) {
  const present = (request: FastifyRequest, reply: FastifyReply, error: DomainError, form: ReturnType<typeof parseRetrievalForm>) => {
    const principal = request.principal!;
    return html(
      reply,
      RetrievalPage({ viewer: principal.viewer, csrfToken: request.csrfToken, values: form.raw, errors: error.status === 400 ? error.fields : {}, message: error.message }),
      error.status === 404 ? 200 : error.status,
    );
  };
  return {
    show: async (request: FastifyRequest, reply: FastifyReply) => {
      const principal = request.principal!;
      return html(reply, RetrievalPage({ viewer: principal.viewer, csrfToken: request.csrfToken }));
    },
    search: async (request: FastifyRequest, reply: FastifyReply) => {
      const principal = request.principal!;
      const form = parseRetrievalForm(request.body);
      try {
        const found = await retrieval.searchForRetrieval(deps, principal, request.ip, form);
        return html(reply, RetrievalPage({ viewer: principal.viewer, csrfToken: request.csrfToken, values: form.raw, found }));
      } catch (error) {
        if (!(error instanceof DomainError) || ![400, 404, 429].includes(error.status)) throw error;
        return present(request, reply, error, form);
      }
    },
    take: async (request: FastifyRequest, reply: FastifyReply) => {
      const principal = request.principal!;
      const form = parseRetrievalForm(request.body);
      try {
        const id = await retrieval.retrieveNotification(deps, principal, request.ip, form);
        return reply.redirect(`/esms/notifications/${id}`, 303);
      } catch (error) {
        if (!(error instanceof DomainError) || ![400, 404, 429].includes(error.status)) throw error;
        return present(request, reply, error, form);
      }
    },
  };
}

/**
 * F5: GET …/statuts?_lastUpdated=gt…&_count=…&_page_token=… as a FHIR searchset of ESMSTask (tier 1). Two readers,
 * one answer: a signed-in ESMS profile (/api/v1/esms/statuts) and a registered application bound to ESMS by a
 * region administrator (/api/v1/esms/applications/statuts, client-credentials token with esms.read).
 */
export function esmsFhirHandlers(deps: Deps) {
  const statuses = (path: string, readerOf: (request: FastifyRequest) => Promise<esms.StatusReader>) =>
    async (request: FastifyRequest<{ Querystring: Record<string, string> }>, reply: FastifyReply) => {
      const reader = await readerOf(request);
      const since = parseLastUpdated(request.query._lastUpdated);
      if (!since) {
        return reply.status(400).type('application/fhir+json; charset=utf-8').send({
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'invalid', diagnostics: 'Paramètre _lastUpdated attendu sous la forme gtAAAA-MM-JJ ou gtAAAA-MM-JJThh:mm:ssZ.' }],
        });
      }
      const count = /^[1-9][0-9]{0,2}$/.test(request.query._count ?? '') ? Math.min(500, Number(request.query._count)) : 100;
      const after = readPageToken(request.query._page_token);
      const { rows, more } = await esms.statusesSince(deps, reader, since, after, count);
      const self = new URL(request.url, deps.config.baseUrl).toString();
      const next = new URL(path, deps.config.baseUrl);
      next.searchParams.set('_lastUpdated', request.query._lastUpdated!);
      next.searchParams.set('_count', String(count));
      if (rows.length > 0) next.searchParams.set('_page_token', pageToken(rows.at(-1)!));
      return reply.type('application/fhir+json; charset=utf-8').send({
        resourceType: 'Bundle',
        type: 'searchset',
        link: [{ relation: 'self', url: self }, ...(more ? [{ relation: 'next', url: next.toString() }] : [])],
        entry: rows.map((row) => ({ fullUrl: new URL(`/api/v1/esms/statuts/esms-notification-${row.id}`, deps.config.baseUrl).toString(), resource: esmsTask(row) })),
      });
    };
  return {
    statuses: statuses('/api/v1/esms/statuts', (request) => esms.sessionStatusReader(deps, request.principal!)),
    /** The guard has checked the token (scope esms.read); the application reads only the ESMS it is bound to. */
    applicationStatuses: statuses('/api/v1/esms/applications/statuts', (request) => esms.applicationStatusReader(deps, request.serviceClient?.clientId)),
  };
}

/** "Import des décisions" (region administrator): the page, an application bound to a region (import) or to an ESMS (statuses), a CSV upload. */
export function esmsAdminHandlers(deps: Deps) {
  const page = async (request: FastifyRequest, reply: FastifyReply, extra: Partial<Parameters<typeof ImportPage>[0]> = {}, status = 200) => {
    const principal = request.principal!;
    const data = await admin.loadImportPage(deps, principal);
    return html(reply, ImportPage({ viewer: principal.viewer, csrfToken: request.csrfToken, data, ...extra }), status);
  };
  return {
    show: (request: FastifyRequest, reply: FastifyReply) => page(request, reply),
    bindApplication: async (request: FastifyRequest, reply: FastifyReply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const values = { application: typeof body.application === 'string' ? body.application.slice(0, 100) : '', region: typeof body['application-region'] === 'string' ? body['application-region'].slice(0, 10) : '' };
      try {
        await admin.bindImportApplication(deps, request.principal!, values, request.ip);
        return page(request, reply, { bound: values.application.trim() });
      } catch (error) {
        if (!(error instanceof DomainError) || error.status !== 400) throw error;
        return page(request, reply, { applicationErrors: error.fields, applicationValues: values }, 400);
      }
    },
    bindReadApplication: async (request: FastifyRequest, reply: FastifyReply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const values = { application: typeof body['read-application'] === 'string' ? body['read-application'].slice(0, 100) : '', finess: typeof body['read-finess'] === 'string' ? body['read-finess'].slice(0, 20) : '' };
      try {
        await admin.bindReadApplication(deps, request.principal!, values, request.ip);
        return page(request, reply, { readBound: { application: values.application.trim(), finess: values.finess.trim().toUpperCase() } });
      } catch (error) {
        if (!(error instanceof DomainError) || error.status !== 400) throw error;
        return page(request, reply, { readErrors: error.fields, readValues: values }, 400);
      }
    },
    unbindReadApplication: async (request: FastifyRequest, reply: FastifyReply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      try {
        const ended = await admin.unbindReadApplication(deps, request.principal!, typeof body.rattachement === 'string' ? body.rattachement : '', request.ip);
        return page(request, reply, { readUnbound: ended });
      } catch (error) {
        if (!(error instanceof DomainError) || error.status !== 400) throw error;
        return page(request, reply, { readUnbindError: error.message }, 400);
      }
    },
    uploadCsv: async (request: FastifyRequest, reply: FastifyReply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const file = Buffer.isBuffer(body.fichier) ? body.fichier : undefined;
      const outcome = await admin.importCsv(deps, request.principal!, file);
      return outcome.ok ? page(request, reply, { result: outcome.result }) : page(request, reply, { importErrors: outcome.errors }, 400);
    },
  };
}

/** Runs before a byte of the CSV upload is read: only a region administrator may make the server buffer a file. */
export async function csvUploadAccessHook(request: FastifyRequest): Promise<void> {
  if (!request.principal) throw httpErrors.UNAUTHENTICATED();
  if (esmsImportRegions(request.principal).length === 0) throw httpErrors.FORBIDDEN();
}

/** The CSV upload's scope: multipart's own refusals become French 413s; everything else goes to the application's handler. */
export function csvUploadErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.code === 'FST_REQ_FILE_TOO_LARGE') return sendError(request, reply, esmsErrors.CSV_TOO_LARGE());
  if (error.code === 'FST_FILES_LIMIT' || error.code === 'FST_PARTS_LIMIT' || error.code === 'FST_FIELDS_LIMIT') return sendError(request, reply, esmsErrors.CSV_FORM_INVALID());
  return errorHandler(error, request, reply);
}
