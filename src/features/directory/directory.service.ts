/**
 * Use cases of the directory: search of establishments and services and the sheets, for every
 * signed-in professional (R52), the referent's edits (R50, R51), photographs and documents, each in
 * one transaction with its audit event, and the administrators' request for a ROR synchronisation.
 */
import { structureReferentCount } from '../habilitations/referent-coverage.service.js';
import sharp from 'sharp';
import type { Deps } from '../../deps.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { lockTarget } from '../../platform/rate-limit.js';
import { can, canRunDirectorySync, type Principal } from '../habilitations/habilitation.policy.js';
import type { Place } from '../habilitations/habilitation.rules.js';
import { principalActor } from '../habilitations/habilitation.service.js';
import { DomainError } from '../../platform/errors.js';
import { directoryErrors, documentRefusal, documentTooLarge } from './directory.errors.js';
import * as repo from './directory.repository.js';
import { getLastSyncDate, listRuns } from './ror-sync-runs.repository.js';
import { DIRECTORY_SYNC_JOB } from './directory-sync.job.js';
import {
  checkPdf,
  DOCUMENTS_PER_ESTABLISHMENT,
  documentFileName,
  documentTitle,
  PHOTO_MAX_BYTES,
  PHOTO_MAX_SIDE,
  PHOTOS_PER_ESTABLISHMENT,
  THUMBNAIL_WIDTH,
  rorOwnedFields,
  sniffImageType,
  validateSheet,
  type SheetForm,
} from './directory.rules.js';

export const PAGE_SIZE = 20;

/** The one search of establishments (R52): the page's, 20 a page, and the API's, `pageSize` a page. */
export async function searchEstablishments(deps: Deps, filters: repo.DirectoryFilters, page: number, pageSize = PAGE_SIZE) {
  const result = await repo.searchEstablishments(deps.db, filters, page, pageSize);
  return { ...result, page, pageSize, pages: Math.max(1, Math.ceil(result.total / pageSize)) };
}

/** A services search counts this many matches at most, hence shows 50 pages at most: beyond, it is to be narrowed. */
export const SERVICES_COUNT_CAP = 1000;

export async function searchServices(deps: Deps, filters: repo.DirectoryFilters, requestedPage: number) {
  const page = Math.min(requestedPage, SERVICES_COUNT_CAP / PAGE_SIZE);
  const result = await repo.searchServices(deps.db, filters, page, PAGE_SIZE, SERVICES_COUNT_CAP);
  return { ...result, page, pages: Math.max(1, Math.ceil(result.total / PAGE_SIZE)) };
}

export async function searchUnits(deps: Deps, name: string, page: number) {
  const result = await repo.searchUnits(deps.db, name, page, PAGE_SIZE);
  return { ...result, page, pages: Math.max(1, Math.ceil(result.total / PAGE_SIZE)) };
}

export const listDepartments = (deps: Deps) => repo.listDepartments(deps.db);
export const listDomains = (deps: Deps) => repo.listDomains(deps.db);

function placeOf(e: { id: number; department_code: string; region_code: string }): Place {
  return { level: 'establishment', establishmentId: e.id, departmentCode: e.department_code, regionCode: e.region_code };
}

/** The descriptive sheet of an establishment as every signed-in professional reads it (R52), and the API (directory.read). */
export async function readSheet(deps: Deps, id: number) {
  const establishment = await repo.getEstablishment(deps.db, id);
  if (!establishment) throw directoryErrors.ESTABLISHMENT_NOT_FOUND();
  const [units, services, locations, photos, documents, lastSync, referents] = await Promise.all([
    repo.listUnits(deps.db, id),
    repo.listServices(deps.db, id),
    repo.listLocations(deps.db, id),
    repo.listPhotos(deps.db, id),
    repo.listDocuments(deps.db, id),
    getLastSyncDate(deps.db),
    structureReferentCount(deps, id),
  ]);
  return { establishment, units, services, locations, photos, documents, lastSync, referents };
}

export async function getSheet(deps: Deps, principal: Principal, id: number) {
  const sheet = await readSheet(deps, id);
  return { ...sheet, canEdit: can(principal, 'directory.edit', placeOf(sheet.establishment)) };
}

/** The sheet a referent may edit; out of scope answers 403 with a French message. */
export async function getEditableSheet(deps: Deps, principal: Principal, id: number) {
  const sheet = await getSheet(deps, principal, id);
  if (!sheet.canEdit) throw directoryErrors.DIRECTORY_EDIT_FORBIDDEN();
  return sheet;
}

export async function updateSheet(deps: Deps, principal: Principal, id: number, form: SheetForm, ip: string | null): Promise<void> {
  const sheet = await getEditableSheet(deps, principal, id);
  const { establishment, units } = sheet;
  const valid = validateSheet(form, rorOwnedFields(establishment));
  if (!valid.ok) throw new DomainError('DIRECTORY_FORM_INVALID', directoryErrors.definitions.DIRECTORY_FORM_INVALID.message, 400, valid.errors);
  const value = valid.value;
  const changed: string[] = [];
  if (value.description !== establishment.description) changed.push('description');
  if (value.accessItinerary !== establishment.access_itinerary) changed.push('access_itinerary');
  const identity = value.identity ?? {};
  for (const field of Object.keys(identity) as (keyof typeof identity)[]) if (identity[field] !== establishment[field]) changed.push(field);
  const unitChanges = units.filter((u) => Object.hasOwn(value.unitCodes, u.id) && value.unitCodes[u.id] !== u.internal_code);
  for (const unit of unitChanges) changed.push(`unit:${unit.id}:internal_code`);
  if (changed.length === 0) return;
  try {
    await deps.db.transaction().execute(async (trx) => {
      await repo.updateEstablishment(trx, id, { description: value.description, access_itinerary: value.accessItinerary, ...(value.identity ? { identity: value.identity } : {}) }, deps.clock.now());
      for (const unit of unitChanges) await repo.setUnitInternalCode(trx, unit.id, id, value.unitCodes[unit.id] ?? null);
      await recordAudit(trx, {
        actor: principalActor(principal),
        code: 'DIRECTORY_ESTABLISHMENT_UPDATED',
        description: `Modification de la fiche de l’établissement ${establishment.name} (${establishment.finess})`,
        subjectAccountId: null,
        details: { establishmentId: id, fields: changed },
        ip,
      });
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw directoryErrors.FINESS_ALREADY_USED({ finess: directoryErrors.definitions.FINESS_ALREADY_USED.message });
    throw error;
  }
}

/**
 * A photograph is accepted when its first bytes say JPEG, PNG or WebP AND sharp decodes it whole;
 * it is re-encoded (metadata such as GPS position dropped) and a thumbnail is made. Nothing is
 * stored on refusal.
 */
export async function addPhoto(deps: Deps, principal: Principal, id: number, bytes: Buffer | undefined, altText: string, ip: string | null): Promise<number> {
  const sheet = await getEditableSheet(deps, principal, id);
  if (!bytes || bytes.length === 0) throw directoryErrors.PHOTO_MISSING();
  if (bytes.length > PHOTO_MAX_BYTES) throw directoryErrors.PHOTO_TOO_LARGE();
  const type = sniffImageType(bytes);
  if (!type) throw directoryErrors.PHOTO_TYPE_REFUSED();
  let data: Buffer;
  let thumbnail: Buffer;
  let width: number;
  let height: number;
  try {
    const image = sharp(bytes, { failOn: 'warning', limitInputPixels: PHOTO_MAX_SIDE * PHOTO_MAX_SIDE });
    const meta = await image.metadata();
    if (!meta.width || !meta.height) throw directoryErrors.PHOTO_CORRUPT();
    if (meta.width > PHOTO_MAX_SIDE || meta.height > PHOTO_MAX_SIDE) throw directoryErrors.PHOTO_DIMENSIONS();
    const format = type === 'image/jpeg' ? 'jpeg' : type === 'image/png' ? 'png' : 'webp';
    const full = await image.rotate().toFormat(format).toBuffer({ resolveWithObject: true });
    data = full.data;
    width = full.info.width;
    height = full.info.height;
    thumbnail = await sharp(data).resize({ width: THUMBNAIL_WIDTH, withoutEnlargement: true }).webp({ quality: 75 }).toBuffer();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw directoryErrors.PHOTO_CORRUPT();
  }
  return deps.db.transaction().execute(async (trx) => {
    // At most N per sheet, atomic (issue 12): parallel uploads to one sheet wait for each other before counting.
    await lockTarget(trx, `attachments:photos:${id}`);
    if ((await repo.countAttachments(trx, 'establishment_photos', id)) >= PHOTOS_PER_ESTABLISHMENT) throw directoryErrors.PHOTO_LIMIT();
    const photoId = await repo.insertPhoto(trx, { establishmentId: id, contentType: type, data, thumbnail, width, height, altText: altText.trim(), accountId: principal.accountId });
    await recordAudit(trx, {
      actor: principalActor(principal),
      code: 'DIRECTORY_PHOTO_ADDED',
      description: `Ajout d’une photographie à la fiche de l’établissement ${sheet.establishment.name}`,
      subjectAccountId: null,
      details: { establishmentId: id, photoId },
      ip,
    });
    return photoId;
  });
}

/** An upload as the route received it: its bytes (cut at the size limit), its name, whether it was cut. */
export interface Upload {
  bytes: Buffer;
  filename: string | undefined;
  truncated: boolean;
}

/**
 * A documentation file (R51) is accepted when its bytes are a whole PDF (checkPdf), whatever its
 * name or declared type, and within DIRECTORY_DOCUMENT_MAX_MB. Nothing is stored on refusal; the
 * addition is in the establishment's history.
 */
export async function addDocument(deps: Deps, principal: Principal, id: number, upload: Upload | undefined, typedTitle: string, ip: string | null): Promise<number> {
  const sheet = await getEditableSheet(deps, principal, id);
  if (!upload || upload.bytes.length === 0) throw documentRefusal('DOCUMENT_MISSING');
  if (upload.truncated || upload.bytes.length > deps.config.directoryDocumentMaxBytes) throw documentTooLarge(deps.config.directoryDocumentMaxBytes);
  const kind = checkPdf(upload.bytes);
  if (kind === 'not-pdf') throw documentRefusal('DOCUMENT_TYPE_REFUSED');
  if (kind === 'truncated') throw documentRefusal('DOCUMENT_CORRUPT');
  const fileName = documentFileName(upload.filename, typedTitle);
  const title = documentTitle(typedTitle, fileName);
  if (!title.ok) throw documentRefusal('DOCUMENT_TITLE_TOO_LONG');
  return deps.db.transaction().execute(async (trx) => {
    await lockTarget(trx, `attachments:documents:${id}`);
    if ((await repo.countAttachments(trx, 'establishment_documents', id)) >= DOCUMENTS_PER_ESTABLISHMENT) throw documentRefusal('DOCUMENT_LIMIT');
    const documentId = await repo.insertDocument(trx, { establishmentId: id, title: title.value, filename: fileName, data: upload.bytes, accountId: principal.accountId });
    await recordAudit(trx, {
      actor: principalActor(principal),
      code: 'DIRECTORY_DOCUMENT_ADDED',
      description: `Ajout du document « ${title.value} » à la fiche de l’établissement ${sheet.establishment.name}`,
      subjectAccountId: null,
      details: { establishmentId: id, documentId, byteSize: upload.bytes.length },
      ip,
    });
    return documentId;
  });
}

export async function getDocument(deps: Deps, documentId: number) {
  const document = await repo.getDocumentBytes(deps.db, documentId);
  if (!document) throw directoryErrors.DOCUMENT_NOT_FOUND();
  return document;
}

/** Removes a photograph or a document of the sheet, with its history line; another sheet's id answers 404. */
async function removeAttachment(
  deps: Deps,
  principal: Principal,
  establishmentId: number,
  attachment: { table: repo.AttachmentTable; id: number; notFound: () => DomainError; code: string; describe: (trx: repo.Trx, name: string) => Promise<string> },
  ip: string | null,
): Promise<void> {
  const sheet = await getEditableSheet(deps, principal, establishmentId);
  await deps.db.transaction().execute(async (trx) => {
    const row = await repo.getAttachmentForUpdate(trx, attachment.table, attachment.id);
    if (!row || row.establishment_id !== establishmentId) throw attachment.notFound();
    const description = await attachment.describe(trx, sheet.establishment.name);
    await repo.deleteAttachment(trx, attachment.table, attachment.id);
    const idKey = attachment.table === 'establishment_photos' ? 'photoId' : 'documentId';
    await recordAudit(trx, { actor: principalActor(principal), code: attachment.code, description, subjectAccountId: null, details: { establishmentId, [idKey]: attachment.id }, ip });
  });
}

export async function deletePhoto(deps: Deps, principal: Principal, establishmentId: number, photoId: number, ip: string | null): Promise<void> {
  await removeAttachment(
    deps,
    principal,
    establishmentId,
    {
      table: 'establishment_photos',
      id: photoId,
      notFound: directoryErrors.PHOTO_NOT_FOUND,
      code: 'DIRECTORY_PHOTO_DELETED',
      describe: async (_trx, name) => `Retrait d’une photographie de la fiche de l’établissement ${name}`,
    },
    ip,
  );
}

export async function deleteDocument(deps: Deps, principal: Principal, establishmentId: number, documentId: number, ip: string | null): Promise<void> {
  await removeAttachment(
    deps,
    principal,
    establishmentId,
    {
      table: 'establishment_documents',
      id: documentId,
      notFound: directoryErrors.DOCUMENT_NOT_FOUND,
      code: 'DIRECTORY_DOCUMENT_DELETED',
      describe: async (trx, name) => `Retrait du document « ${(await repo.getDocumentTitle(trx, documentId))?.title ?? ''} » de la fiche de l’établissement ${name}`,
    },
    ip,
  );
}

export async function getPhoto(deps: Deps, photoId: number, variant: 'data' | 'thumbnail') {
  const photo = await repo.getPhotoBytes(deps.db, photoId, variant);
  if (!photo) throw directoryErrors.PHOTO_NOT_FOUND();
  return { ...photo, contentType: variant === 'thumbnail' ? 'image/webp' : photo.content_type };
}

/** Administrators of the directory (the policy's `canRunDirectorySync`). */
export const canRunSync = canRunDirectorySync;

export async function listSyncRuns(deps: Deps, principal: Principal) {
  if (!canRunSync(principal)) throw directoryErrors.SYNC_FORBIDDEN();
  return listRuns(deps.db, 20);
}

export async function requestSync(deps: Deps, principal: Principal, ip: string | null): Promise<void> {
  if (!canRunSync(principal)) throw directoryErrors.SYNC_FORBIDDEN();
  if (!deps.config.ror) throw directoryErrors.SYNC_DISABLED();
  if (!deps.jobs) throw directoryErrors.SYNC_UNAVAILABLE();
  await deps.jobs.trigger(DIRECTORY_SYNC_JOB);
  await deps.db.transaction().execute((trx) =>
    recordAudit(trx, {
      actor: principalActor(principal),
      code: 'DIRECTORY_SYNC_REQUESTED',
      description: 'Demande de synchronisation de l’annuaire avec le ROR',
      subjectAccountId: null,
      details: {},
      ip,
    }),
  );
}
