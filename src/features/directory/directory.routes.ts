/** Routes of the directory: parse, call one service function, present. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { DomainError } from '../../platform/errors.js';
import { httpErrors } from '../../http/errors.js';
import { can } from '../habilitations/habilitation.policy.js';
import { errorHandler, sendError } from '../../http/error-handler.js';
import { renderPage } from '../../views/render.js';
import { DOCUMENT_FIELD, directoryErrors, documentRefusal, documentTooLarge } from './directory.errors.js';
import { checkFileName, form, normaliseText, parseStrictId, text, withInput } from '../../platform/input.js';
import { refuseInput } from '../../http/input-gate.js';
import type { DirectoryFilters } from './directory.repository.js';
import { attachmentDisposition, DESCRIPTION_MAX, DOCUMENT_TITLE_MAX, rorOwnedFields, type IdentityField } from './directory.rules.js';
import * as service from './directory.service.js';
import { SearchPage, ServicesPage, UnitsPage } from './directory-search.pages.js';
import { SheetPage } from './directory-sheet.pages.js';
import { EditPage, valuesOf, type EditValues } from './directory-edit.pages.js';
import { SyncPage } from './directory-sync.pages.js';

/** A query string's filter: the gate refused controls already; a value too long for a filter counts as absent. */
const queryText = (max: number) => z.string().max(max).catch('');
const searchQuery = z.object({
  nom: queryText(100),
  adresse: queryText(100),
  finess: queryText(9),
  categorie: queryText(100),
  departement: z.string().regex(/^[0-9AB]{2,3}$/).catch(''),
  domaine: z.string().regex(/^[A-Z_]{2,30}$/).catch(''),
  commune: queryText(100),
  fermes: queryText(1),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

type Req<P = unknown, Q = unknown> = FastifyRequest<{ Params: P; Querystring: Q }>;

function html(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(renderPage(page));
}

/** The filters of both searches, from the query string (nonsense values count as absent). */
function parseFilters(query: unknown): { filters: DirectoryFilters; page: number } {
  const q = searchQuery.parse(query ?? {});
  return {
    filters: { name: q.nom.trim(), address: q.adresse.trim(), finess: q.finess.trim(), category: q.categorie.trim(), domain: q.domaine, department: q.departement, city: q.commune.trim(), includeClosed: q.fermes === '1' },
    page: q.page,
  };
}

/** File name and size state of the document being uploaded, noted while multipart reads it. */
const uploads = new WeakMap<FastifyRequest, { filename: string; truncated: boolean }>();

/** multipart's onFile for document uploads: reads the file (cut at the size limit) and notes its name. */
export async function noteUploadedFile(this: FastifyRequest, part: { filename: string; file: { truncated: boolean }; toBuffer(): Promise<Buffer> }): Promise<void> {
  await part.toBuffer();
  uploads.set(this, { filename: part.filename, truncated: part.file.truncated });
}

function parseId(value: unknown, error: () => DomainError = directoryErrors.ESTABLISHMENT_NOT_FOUND): number {
  const parsed = parseStrictId(value);
  if (parsed === null) throw error();
  return parsed;
}

/**
 * The sheet's form through the input gate (issue 12), with the lengths the sheet's rules allow;
 * the units' internal codes come as `unit-<id>` fields.
 */
const editForm = form({
  description: text('La description', DESCRIPTION_MAX, { multiline: true }),
  accessItinerary: text('L’itinéraire d’accès', DESCRIPTION_MAX, { multiline: true }),
  finess: text('Le numéro FINESS', 9),
  name: text('Le nom de l’établissement', 200),
  category: text('La catégorie', 120),
  address: text('L’adresse', 300),
  postcode: text('Le code postal', 10),
  city: text('La commune', 120),
  phone: text('Le téléphone', 50),
  email: text('L’adresse e-mail', 254),
}).catchall(text('Un code interne d’unité', 50));

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
  const editFrame = (request: FastifyRequest) => ({ ...frame(request), documentMaxBytes: deps.config.directoryDocumentMaxBytes });

  /** Adds a photograph or a document; its own refusals show the edit page again, the message where `shown` puts it. */
  const attach = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    kind: 'photo' | 'document',
    add: () => Promise<unknown>,
    shown: (error: DomainError) => Pick<Parameters<typeof EditPage>[0], 'photoError' | 'documentErrors' | 'documentTitle'>,
  ) => {
    try {
      await add();
      return reply.redirect(`/annuaire/etablissements/${id}?fait=${kind}`, 303);
    } catch (error) {
      if (!(error instanceof DomainError) || !error.code.startsWith(`${kind.toUpperCase()}_`)) throw error;
      const sheet = await service.getEditableSheet(deps, request.principal!, id);
      return html(reply, EditPage({ ...editFrame(request), ...sheet, values: valuesOf(sheet), errors: {}, ...shown(error) }), error.status);
    }
  };

  return {
    search: async (request: Req<unknown, Record<string, unknown>>, reply: FastifyReply) => {
      const { filters, page } = parseFilters(request.query);
      const [result, departments, domains] = await Promise.all([service.searchEstablishments(deps, filters, page), service.listDepartments(deps), service.listDomains(deps)]);
      return html(reply, SearchPage({ ...frame(request), filters, departments, domains, result, canSync: service.canRunSync(request.principal) }));
    },

    services: async (request: Req<unknown, Record<string, unknown>>, reply: FastifyReply) => {
      const { filters, page } = parseFilters(request.query);
      const [result, departments, domains] = await Promise.all([service.searchServices(deps, filters, page), service.listDepartments(deps), service.listDomains(deps)]);
      return html(reply, ServicesPage({ ...frame(request), filters, departments, domains, result }));
    },

    units: async (request: Req<unknown, Record<string, unknown>>, reply: FastifyReply) => {
      const q = z.object({ nom: queryText(100), page: z.coerce.number().int().min(1).max(10_000).catch(1) }).parse(request.query ?? {});
      const result = await service.searchUnits(deps, q.nom.trim(), q.page);
      return html(reply, UnitsPage({ ...frame(request), name: q.nom, result }));
    },

    show: async (request: Req<{ id: string }, { fait?: string }>, reply: FastifyReply) => {
      const sheet = await service.getSheet(deps, request.principal!, parseId(request.params.id));
      return html(reply, SheetPage({ ...frame(request), ...sheet, notice: typeof request.query.fait === 'string' ? request.query.fait : undefined }));
    },

    showEdit: async (request: Req<{ id: string }>, reply: FastifyReply) => {
      const sheet = await service.getEditableSheet(deps, request.principal!, parseId(request.params.id));
      return html(reply, EditPage({ ...editFrame(request), ...sheet, values: valuesOf(sheet), errors: {} }));
    },

    edit: withInput({ body: editForm, rendersRefusals: true }, async (request: Req<{ id: string }>, reply: FastifyReply) => {
      const id = parseId(request.params.id);
      const values = editValues(request.body);
      try {
        refuseInput(request);
        await service.updateSheet(deps, request.principal!, id, values, request.ip);
        return reply.redirect(`/annuaire/etablissements/${id}?fait=fiche`, 303);
      } catch (error) {
        if (!(error instanceof DomainError) || (error.code !== 'DIRECTORY_FORM_INVALID' && error.code !== 'FINESS_ALREADY_USED' && error.code !== 'INPUT_INVALID')) throw error;
        const sheet = await service.getEditableSheet(deps, request.principal!, id);
        const errors = error.code === 'FINESS_ALREADY_USED' ? { finess: error.message } : { ...error.fields };
        // A synchronised sheet shows the ROR's values, never what the form claimed (R50).
        const owned = rorOwnedFields(sheet.establishment);
        const identity = Object.fromEntries(Object.entries(values.identity).map(([key, value]) => [key, owned.includes(key as IdentityField) ? valuesOf(sheet).identity[key as IdentityField] : value]));
        const shown = { ...values, identity: identity as EditValues['identity'] };
        return html(reply, EditPage({ ...editFrame(request), ...sheet, values: shown, errors }), error.status);
      }
    }),

    addPhoto: async (request: Req<{ id: string }>, reply: FastifyReply) => {
      const id = parseId(request.params.id);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const file = Buffer.isBuffer(body.photo) ? body.photo : undefined;
      const alt = typeof body.alt === 'string' ? body.alt : '';
      const add = async () => {
        // Input gate (issue 12): the alternative text is refused beyond 200 characters, never cut.
        const altCheck = normaliseText(alt, { label: 'Le texte alternatif', max: 200 });
        if (!altCheck.ok) throw directoryErrors.PHOTO_ALT_INVALID({ message: altCheck.message });
        return service.addPhoto(deps, request.principal!, id, file, altCheck.value, request.ip);
      };
      return attach(request, reply, id, 'photo', add, (error) => ({ photoError: error.message }));
    },

    addDocument: async (request: Req<{ id: string }>, reply: FastifyReply) => {
      const id = parseId(request.params.id);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const noted = uploads.get(request);
      const upload = Buffer.isBuffer(body.document) && noted ? { bytes: body.document, ...noted } : undefined;
      const title = typeof body.documentTitle === 'string' ? body.documentTitle : '';
      const add = async () => {
        // Input gate (issue 12): the typed title and the file's own name, refused at their field, never cleaned up silently.
        const titleCheck = normaliseText(title, { label: 'Le titre', max: DOCUMENT_TITLE_MAX });
        if (!titleCheck.ok) throw directoryErrors.DOCUMENT_NAME_INVALID.at(DOCUMENT_FIELD.title, { message: titleCheck.message });
        const nameCheck = upload ? checkFileName(upload.filename) : null;
        if (nameCheck && !nameCheck.ok) throw directoryErrors.DOCUMENT_NAME_INVALID.at(DOCUMENT_FIELD.document, { message: nameCheck.message });
        return service.addDocument(deps, request.principal!, id, upload, titleCheck.value, request.ip);
      };
      return attach(request, reply, id, 'document', add, (error) => ({
        documentErrors: error.fields,
        documentTitle: title.slice(0, 200),
      }));
    },

    deleteDocument: async (request: Req<{ id: string; documentId: string }>, reply: FastifyReply) => {
      const id = parseId(request.params.id);
      await service.deleteDocument(deps, request.principal!, id, parseId(request.params.documentId, directoryErrors.DOCUMENT_NOT_FOUND), request.ip);
      return reply.redirect(`/annuaire/etablissements/${id}?fait=document-retire`, 303);
    },

    document: async (request: Req<{ documentId: string }>, reply: FastifyReply) => {
      const document = await service.getDocument(deps, parseId(request.params.documentId, directoryErrors.DOCUMENT_NOT_FOUND));
      // Always a download, never shown inside Habilis's origin; a document's bytes never change under its id.
      return reply
        .header('content-disposition', attachmentDisposition(document.filename))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'private, max-age=86400')
        .type(document.content_type)
        .send(document.bytes);
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
 * Error handler of an upload scope: multipart's own "file too large" and "too many parts" become
 * the French messages of the directory (413); everything else goes to the application's handler.
 */
function uploadErrorHandlerFor(tooLarge: () => DomainError, tooMany: () => DomainError) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (error.code === 'FST_REQ_FILE_TOO_LARGE') return sendError(request, reply, tooLarge());
    if (error.code === 'FST_FILES_LIMIT' || error.code === 'FST_PARTS_LIMIT' || error.code === 'FST_FIELDS_LIMIT') return sendError(request, reply, tooMany());
    return errorHandler(error, request, reply);
  };
}

export const uploadErrorHandler = uploadErrorHandlerFor(directoryErrors.PHOTO_TOO_LARGE, () => new DomainError('PHOTO_FORM_INVALID', 'Envoyez une seule photographie à la fois.', 413));

/** Documents: a file over the limit is cut, not refused by multipart, so that the form shows the refusal at the field. */
export const documentUploadErrorHandler = (maxBytes: number) => uploadErrorHandlerFor(() => documentTooLarge(maxBytes), () => documentRefusal('DOCUMENT_FORM_INVALID'));

/**
 * Runs before a byte of an upload is read: only a signed-in holder of 'directory.edit' may make the
 * server buffer a file. The guard and the CSRF check run again once the body is parsed (preHandler),
 * and the service checks the establishment.
 */
export async function uploadAccessHook(request: FastifyRequest): Promise<void> {
  if (!request.principal) throw httpErrors.UNAUTHENTICATED();
  if (!can(request.principal, 'directory.edit')) throw httpErrors.FORBIDDEN();
}
