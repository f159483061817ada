/** Routes of the directory: parse, call one service function, present. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { DomainError, httpErrors } from '../../http/errors.js';
import { can } from '../habilitations/habilitation.policy.js';
import { errorHandler, sendError } from '../../http/error-handler.js';
import { renderPage } from '../../views/render.js';
import { directoryErrors } from './directory.errors.js';
import type { DirectoryFilters } from './directory.repository.js';
import * as service from './directory.service.js';
import { EditPage, SearchPage, SheetPage, SyncPage, UnitsPage, valuesOf, type EditValues } from './directory.pages.js';

const idParam = z.coerce.number().int().positive().max(2_147_483_647);
const text = (max: number) => z.string().max(max).catch('');
const searchQuery = z.object({
  nom: text(100),
  finess: text(9),
  categorie: text(100),
  departement: z.string().regex(/^[0-9AB]{2,3}$/).catch(''),
  commune: text(100),
  fermes: text(1),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

type Req<P = unknown, Q = unknown> = FastifyRequest<{ Params: P; Querystring: Q }>;

function html(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(renderPage(page));
}

function parseId(value: unknown, error: () => DomainError = directoryErrors.ESTABLISHMENT_NOT_FOUND): number {
  const parsed = idParam.safeParse(value);
  if (!parsed.success) throw error();
  return parsed.data;
}

/** Form fields of the sheet: absent or non-string values count as empty (a form always sends strings). */
function editValues(body: unknown): EditValues {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const s = (key: string, max = 5000) => (typeof b[key] === 'string' ? (b[key] as string).slice(0, max) : '');
  const unitCodes: Record<number, string> = {};
  for (const key of Object.keys(b)) {
    const match = /^unit-([0-9]{1,10})$/.exec(key);
    if (match) unitCodes[Number(match[1])] = s(key, 200);
  }
  return {
    description: s('description'),
    accessItinerary: s('accessItinerary'),
    identity: { finess: s('finess', 50), name: s('name', 300), category: s('category', 300), address: s('address', 400), postcode: s('postcode', 20), city: s('city', 200), phone: s('phone', 60), email: s('email', 300) },
    unitCodes,
  };
}

export function directoryHandlers(deps: Deps) {
  const frame = (request: FastifyRequest) => ({ viewer: request.principal!.viewer, csrfToken: request.csrfToken });

  return {
    search: async (request: Req<unknown, Record<string, unknown>>, reply: FastifyReply) => {
      const q = searchQuery.parse(request.query ?? {});
      const filters: DirectoryFilters = { name: q.nom.trim(), finess: q.finess.trim(), category: q.categorie.trim(), department: q.departement, city: q.commune.trim(), includeClosed: q.fermes === '1' };
      const [result, departments] = await Promise.all([service.searchEstablishments(deps, filters, q.page), service.listDepartments(deps)]);
      return html(reply, SearchPage({ ...frame(request), filters, departments, result, canSync: service.canRunSync(request.principal) }));
    },

    units: async (request: Req<unknown, Record<string, unknown>>, reply: FastifyReply) => {
      const q = z.object({ nom: text(100), page: z.coerce.number().int().min(1).max(10_000).catch(1) }).parse(request.query ?? {});
      const result = await service.searchUnits(deps, q.nom.trim(), q.page);
      return html(reply, UnitsPage({ ...frame(request), name: q.nom, result }));
    },

    show: async (request: Req<{ id: string }, { fait?: string }>, reply: FastifyReply) => {
      const sheet = await service.getSheet(deps, request.principal!, parseId(request.params.id));
      return html(reply, SheetPage({ ...frame(request), ...sheet, notice: typeof request.query.fait === 'string' ? request.query.fait : undefined }));
    },

    showEdit: async (request: Req<{ id: string }>, reply: FastifyReply) => {
      const sheet = await service.getEditableSheet(deps, request.principal!, parseId(request.params.id));
      return html(reply, EditPage({ ...frame(request), ...sheet, values: valuesOf(sheet), errors: {} }));
    },

    edit: async (request: Req<{ id: string }>, reply: FastifyReply) => {
      const id = parseId(request.params.id);
      const values = editValues(request.body);
      try {
        await service.updateSheet(deps, request.principal!, id, values, request.ip);
        return reply.redirect(`/annuaire/etablissements/${id}?fait=fiche`, 303);
      } catch (error) {
        if (!(error instanceof DomainError) || (error.code !== 'DIRECTORY_FORM_INVALID' && error.code !== 'FINESS_ALREADY_USED')) throw error;
        const sheet = await service.getEditableSheet(deps, request.principal!, id);
        const errors = error.code === 'FINESS_ALREADY_USED' ? { finess: error.message } : { ...error.fields };
        // A synchronised sheet shows the ROR's values, never what the form claimed (R50).
        const shown = sheet.establishment.ror_synced ? { ...values, identity: valuesOf(sheet).identity } : values;
        return html(reply, EditPage({ ...frame(request), ...sheet, values: shown, errors }), error.status);
      }
    },

    addPhoto: async (request: Req<{ id: string }>, reply: FastifyReply) => {
      const id = parseId(request.params.id);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const file = Buffer.isBuffer(body.photo) ? body.photo : undefined;
      const alt = typeof body.alt === 'string' ? body.alt : '';
      try {
        await service.addPhoto(deps, request.principal!, id, file, alt, request.ip);
        return reply.redirect(`/annuaire/etablissements/${id}?fait=photo`, 303);
      } catch (error) {
        if (!(error instanceof DomainError) || !error.code.startsWith('PHOTO_')) throw error;
        const sheet = await service.getEditableSheet(deps, request.principal!, id);
        return html(reply, EditPage({ ...frame(request), ...sheet, values: valuesOf(sheet), errors: {}, photoError: error.message }), error.status);
      }
    },

    deletePhoto: async (request: Req<{ id: string; photoId: string }>, reply: FastifyReply) => {
      const id = parseId(request.params.id);
      await service.deletePhoto(deps, request.principal!, id, parseId(request.params.photoId, directoryErrors.PHOTO_NOT_FOUND), request.ip);
      return reply.redirect(`/annuaire/etablissements/${id}?fait=photo-retiree`, 303);
    },

    photo: (variant: 'data' | 'thumbnail') => async (request: Req<{ photoId: string }>, reply: FastifyReply) => {
      const photo = await service.getPhoto(deps, parseId(request.params.photoId, directoryErrors.PHOTO_NOT_FOUND), variant);
      const etag = `"p${photo.id}-${variant}"`;
      // A photo's bytes never change under its id (a new photo gets a new id): cached a day, privately.
      reply.header('cache-control', 'private, max-age=86400').header('etag', etag).header('x-content-type-options', 'nosniff');
      if (request.headers['if-none-match'] === etag) return reply.status(304).send();
      return reply.type(photo.contentType).send(photo.bytes);
    },

    showSync: async (request: Req<unknown, { fait?: string }>, reply: FastifyReply) => {
      const runs = await service.listSyncRuns(deps, request.principal!);
      return html(reply, SyncPage({ ...frame(request), runs, configured: deps.config.ror !== null, notice: request.query.fait === '1' ? 'La synchronisation est demandée : elle démarre dans quelques instants.' : undefined }));
    },

    sync: async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        await service.requestSync(deps, request.principal!, request.ip);
        return reply.redirect('/annuaire/synchronisation?fait=1', 303);
      } catch (error) {
        if (!(error instanceof DomainError) || error.code === 'SYNC_FORBIDDEN') throw error;
        const runs = await service.listSyncRuns(deps, request.principal!);
        return html(reply, SyncPage({ ...frame(request), runs, configured: deps.config.ror !== null, error: error.message }), error.status);
      }
    },
  };
}

/**
 * Error handler of the upload scope: multipart's own "file too large" becomes the French message
 * of the directory (413); everything else goes to the application's handler.
 */
export function uploadErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.code === 'FST_REQ_FILE_TOO_LARGE') return sendError(request, reply, directoryErrors.PHOTO_TOO_LARGE());
  if (error.code === 'FST_FILES_LIMIT' || error.code === 'FST_PARTS_LIMIT' || error.code === 'FST_FIELDS_LIMIT') {
    return sendError(request, reply, new DomainError('PHOTO_FORM_INVALID', 'Envoyez une seule photographie à la fois.', 413));
  }
  return errorHandler(error, request, reply);
}

/**
 * Runs before a byte of an upload is read: only a signed-in holder of 'directory.edit' may make the
 * server buffer a file. The guard and the CSRF check run again once the body is parsed (preHandler),
 * and the service checks the establishment.
 */
export async function uploadAccessHook(request: FastifyRequest): Promise<void> {
  if (!request.principal) throw httpErrors.UNAUTHENTICATED();
  if (!can(request.principal, 'directory.edit')) throw httpErrors.FORBIDDEN();
}
