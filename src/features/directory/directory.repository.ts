/** All SQL of the directory pages: search of establishments and services, sheets, referent edits, photographs, documents. */
import { sql, type Kysely } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

/** A transaction of the directory's use cases (the service opens it, the repository writes in it). */
export type Trx = Kysely<Database>;

export interface DirectoryFilters {
  name: string;
  /** Any part of the street address, accents and case ignored. */
  address: string;
  finess: string;
  category: string;
  /** A domain code of the catalogue (SANITAIRE, GRAND_AGE, …), '' for all. */
  domain: string;
  department: string;
  city: string;
  includeClosed: boolean;
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Establishments (R52): name, town and address folded as the database folds them at write (no
 * accents, lower case: "Béziers", "BEZIERS" and "beziers" find the same), name and address by any
 * part, town by its start; FINESS by its start; category by any part.
 */
export async function searchEstablishments(db: Db, filters: DirectoryFilters, page: number, pageSize: number) {
  let query = db.selectFrom('establishments');
  if (filters.name) query = query.where(containsFolded('establishments.name_fold', filters.name));
  if (filters.address) query = query.where(containsFolded('establishments.address_fold', filters.address));
  if (filters.finess) query = query.where('establishments.finess', 'like', `${escapeLike(filters.finess)}%`);
  if (filters.category) query = query.where(sql<boolean>`lower(establishments.category) LIKE ${`%${escapeLike(filters.category.toLowerCase())}%`}`);
  if (filters.domain) query = query.where('establishments.domain_code', '=', filters.domain);
  if (filters.department) query = query.where('establishments.department_code', '=', filters.department);
  if (filters.city) query = query.where(startsFolded('establishments.city_fold', filters.city));
  if (!filters.includeClosed) query = query.where('establishments.closed_at', 'is', null);
  const [rows, count] = await Promise.all([
    query
      .select(['id', 'finess', 'name', 'category', 'domain_code', 'department_code', 'postcode', 'city', 'ror_synced', 'ror_id', 'closed_at', 'closure_type', 'reopens_on'])
      .orderBy('name')
      .orderBy('id')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** `column LIKE '%…%'` with the text folded as the column was (habilis_fold: no accents, lower case). */
const containsFolded = (column: string, text: string) => sql<boolean>`${sql.ref(column)} LIKE '%' || habilis_fold(${escapeLike(text)}) || '%'`;
/** `column LIKE '…%'`, folded alike. */
const startsFolded = (column: string, text: string) => sql<boolean>`${sql.ref(column)} LIKE habilis_fold(${escapeLike(text)}) || '%'`;

/**
 * Services (R52): the service's own name and labels (category, types, specialties), accents and
 * case ignored; its establishment's FINESS, domain, department and town. Open services of open
 * establishments unless closed ones are asked for, in name order.
 *
 * Services are five times as many as establishments, so no search reads every match. First, up to
 * `countCap + 1` matches are listed (id and folded name only), by whatever path PostgreSQL finds
 * cheapest: when they are all there, they are the count and, sorted here, the page. Beyond, the
 * search says "more than `countCap`" and the page comes, for a name, from the services' word index
 * (the services with a word starting with the typed one, in name order: `wordBandPage`), otherwise
 * from walking an order index (all services, or those of one domain or department, whose copies the
 * database keeps on each service), which stops after one page. Then the page's rows are read. See
 * bench/README.md, "Directory".
 */
export async function searchServices(db: Db, filters: DirectoryFilters, page: number, pageSize: number, countCap: number) {
  let query = servicesQuery(db);
  if (filters.name) query = query.where(containsFolded('s.name_fold', filters.name));
  if (filters.category) query = query.where(containsFolded('s.labels_fold', filters.category));
  if (filters.finess) query = query.where('e.finess', 'like', `${escapeLike(filters.finess)}%`);
  if (filters.domain) query = query.where('s.domain_code', '=', filters.domain);
  if (filters.department) query = query.where('s.department_code', '=', filters.department);
  if (filters.city) query = query.where(startsFolded('e.city_fold', filters.city));
  if (filters.address) query = query.where(containsFolded('e.address_fold', filters.address));
  if (!filters.includeClosed) query = query.where('s.closed_at', 'is', null).where('e.closed_at', 'is', null);
  const offset = (page - 1) * pageSize;
  const matches = await query
    .select(['s.id', 's.name_fold'])
    .limit(countCap + 1)
    .execute();
  const capped = matches.length > countCap;
  let ids: number[];
  if (!capped) {
    // "C" collation order: the folded names compared code point by code point, as PostgreSQL would.
    matches.sort((a, b) => (a.name_fold < b.name_fold ? -1 : a.name_fold > b.name_fold ? 1 : a.id - b.id));
    ids = matches.slice(offset, offset + pageSize).map((m) => m.id);
  } else {
    const band = filters.name ? await wordBandPage(db, query, filters.name, offset, pageSize) : null;
    const walked = band ?? (await query.select('s.id').orderBy('s.name_fold').orderBy('s.id').limit(pageSize).offset(offset).execute()).map((r) => r.id);
    ids = walked;
  }
  const rows =
    ids.length === 0
      ? []
      : await db
          .selectFrom('establishment_services as s')
          .innerJoin('establishments as e', 'e.id', 's.establishment_id')
          .leftJoin('units as u', 'u.id', 's.unit_id')
          .select(['s.id', 's.name', 's.category', 's.types', 's.specialties', 's.closed_at', 'u.name as unit_name'])
          .select(['e.id as establishment_id', 'e.name as establishment_name', 'e.finess', 'e.domain_code', 'e.department_code', 'e.postcode', 'e.city', 'e.closed_at as establishment_closed_at'])
          .where('s.id', 'in', ids)
          .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  return { rows: ids.flatMap((id) => byId.get(id) ?? []), total: Math.min(matches.length, countCap), capped };
}

type ServiceQuery = ReturnType<typeof servicesQuery>;
const servicesQuery = (db: Db) => db.selectFrom('establishment_services as s').innerJoin('establishments as e', 'e.id', 's.establishment_id');

/** Words this far apart in a prefix are too many to merge: the plain walk is as good. */
const MAX_BAND_WORDS = 50;

/**
 * A page of a broad name search (more matches than the count cap) from the services' word index:
 * the services with a word starting with the first typed word, each word's list already in name
 * order, merged. Null when that band cannot fill the page (the typed text is inside words, or the
 * band runs out before it): then the caller walks the order index. So beyond `countCap` matches,
 * the pages list, in name order, the services with a word starting with the search.
 */
async function wordBandPage(db: Db, query: ServiceQuery, name: string, offset: number, pageSize: number): Promise<number[] | null> {
  const folded = (await sql<{ folded: string }>`SELECT habilis_fold(${name}) AS folded`.execute(db)).rows[0]?.folded ?? '';
  const first = folded.split(/[^a-z0-9]+/).find((word) => word.length >= 2);
  if (!first) return null;
  const next = `${first.slice(0, -1)}${String.fromCharCode(first.charCodeAt(first.length - 1) + 1)}`;
  // The distinct words with that prefix, one index probe each (a loose index scan).
  const words = await sql<{ word: string }>`
    WITH RECURSIVE band(word) AS (
      (SELECT word FROM establishment_service_words WHERE word >= ${first} AND word < ${next} ORDER BY word LIMIT 1)
      UNION ALL
      SELECT (SELECT w.word FROM establishment_service_words w WHERE w.word > band.word AND w.word < ${next} ORDER BY w.word LIMIT 1)
      FROM band WHERE band.word IS NOT NULL
    )
    SELECT word FROM band WHERE word IS NOT NULL LIMIT ${MAX_BAND_WORDS + 1}`.execute(db);
  if (words.rows.length === 0 || words.rows.length > MAX_BAND_WORDS) return null;
  const needed = offset + pageSize;
  const branches = words.rows.map(
    ({ word }) =>
      sql`(${query
        .innerJoin('establishment_service_words as sw', 'sw.service_id', 's.id')
        .where('sw.word', '=', word)
        .select(['sw.name_fold', 'sw.service_id as id'])
        .orderBy('sw.name_fold')
        .orderBy('sw.service_id')
        .limit(needed)})`,
  );
  const merged = await sql<{ id: number }>`
    SELECT id FROM (SELECT DISTINCT name_fold, id FROM (${sql.join(branches, sql` UNION ALL `)}) AS b) AS d
    ORDER BY name_fold, id LIMIT ${needed}`.execute(db);
  if (merged.rows.length < needed) return null;
  return merged.rows.slice(offset).map((row) => row.id);
}

export async function listDepartments(db: Db) {
  return db.selectFrom('departments').select(['code', 'name']).orderBy('code').execute();
}

export async function listDomains(db: Db) {
  return db.selectFrom('domains').select(['code', 'name']).orderBy('name').execute();
}

export async function getEstablishment(db: Db | Kysely<Database>, id: number) {
  return db
    .selectFrom('establishments')
    .innerJoin('departments', 'departments.code', 'establishments.department_code')
    .leftJoin('legal_entities', 'legal_entities.id', 'establishments.legal_entity_id')
    .leftJoin('domains', 'domains.code', 'establishments.domain_code')
    .select([
      'establishments.id',
      'establishments.finess',
      'establishments.name',
      'establishments.category',
      'establishments.domain_code',
      'domains.name as domain_name',
      'establishments.department_code',
      'departments.name as department_name',
      'departments.region_code',
      'establishments.address',
      'establishments.postcode',
      'establishments.city',
      'establishments.phone',
      'establishments.email',
      'establishments.mssante',
      'establishments.phone_from_ror',
      'establishments.email_from_ror',
      'establishments.closes_on',
      'establishments.closure_type',
      'establishments.reopens_on',
      'establishments.ror_synced',
      'establishments.ror_id',
      'establishments.ror_synced_at',
      'establishments.description',
      'establishments.access_itinerary',
      'establishments.closed_at',
      'legal_entities.name as legal_entity_name',
      'legal_entities.finess as legal_entity_finess',
    ])
    .where('establishments.id', '=', id)
    .executeTakeFirst();
}

export async function listUnits(db: Db | Kysely<Database>, establishmentId: number) {
  return db
    .selectFrom('units')
    .select(['id', 'name', 'internal_code', 'ror_id', 'parent_unit_id', 'unit_type', 'closed_at', 'closure_type', 'reopens_on'])
    .where('establishment_id', '=', establishmentId)
    .orderBy('name')
    .execute();
}

/** What the establishment offers (R52), open services first, with their unit and place. */
export async function listServices(db: Db, establishmentId: number) {
  return db
    .selectFrom('establishment_services as s')
    .leftJoin('units as u', 'u.id', 's.unit_id')
    .leftJoin('establishment_locations as l', 'l.id', 's.location_id')
    .select(['s.id', 's.name', 's.category', 's.types', 's.specialties', 's.closed_at', 's.unit_id', 'u.name as unit_name'])
    .select(['l.name as location_name', 'l.address as location_address', 'l.postcode as location_postcode', 'l.city as location_city'])
    .where('s.establishment_id', '=', establishmentId)
    .orderBy(sql`s.closed_at IS NOT NULL`)
    .orderBy('s.name')
    .orderBy('s.id')
    .execute();
}

/** The places of the establishment (FHIR Location), open ones first. */
export async function listLocations(db: Db, establishmentId: number) {
  return db
    .selectFrom('establishment_locations')
    .select(['id', 'name', 'address', 'postcode', 'city', 'latitude', 'longitude', 'closed_at', 'closure_type'])
    .where('establishment_id', '=', establishmentId)
    .orderBy(sql`closed_at IS NOT NULL`)
    .orderBy('name')
    .orderBy('id')
    .execute();
}

export async function searchUnits(db: Db, name: string, page: number, pageSize: number) {
  let query = db
    .selectFrom('units')
    .innerJoin('establishments', 'establishments.id', 'units.establishment_id')
    .where('units.closed_at', 'is', null);
  if (name) query = query.where(containsFolded('units.name_fold', name));
  const [rows, count] = await Promise.all([
    query
      .select(['units.id', 'units.name', 'units.internal_code', 'establishments.id as establishment_id', 'establishments.name as establishment_name', 'establishments.city'])
      .orderBy('units.name')
      .orderBy('units.id')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export interface EstablishmentEdit {
  description: string | null;
  access_itinerary: string | null;
  /** Only the fields the ROR does not own (R50): all of them for an unsynchronised establishment. */
  identity?: Partial<{
    finess: string;
    name: string;
    category: string;
    address: string | null;
    postcode: string | null;
    city: string | null;
    phone: string | null;
    email: string | null;
  }>;
}

export async function updateEstablishment(trx: Trx, id: number, edit: EstablishmentEdit, now: Date): Promise<void> {
  await trx
    .updateTable('establishments')
    .set({ description: edit.description, access_itinerary: edit.access_itinerary, ...(edit.identity ?? {}), updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function setUnitInternalCode(trx: Kysely<Database>, unitId: number, establishmentId: number, code: string | null): Promise<void> {
  await trx.updateTable('units').set({ internal_code: code }).where('id', '=', unitId).where('establishment_id', '=', establishmentId).execute();
}

export async function listPhotos(db: Db, establishmentId: number) {
  return db
    .selectFrom('establishment_photos')
    .select(['id', 'width', 'height', 'alt_text', 'created_at'])
    .where('establishment_id', '=', establishmentId)
    .orderBy('id')
    .execute();
}

/** Files a referent attaches to a sheet (R51): photographs and documents. */
export type AttachmentTable = 'establishment_photos' | 'establishment_documents';

export async function countAttachments(trx: Kysely<Database>, table: AttachmentTable, establishmentId: number): Promise<number> {
  const row = await trx
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('establishment_id', '=', establishmentId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertPhoto(
  trx: Kysely<Database>,
  values: { establishmentId: number; contentType: 'image/jpeg' | 'image/png' | 'image/webp'; data: Buffer; thumbnail: Buffer; width: number; height: number; altText: string; accountId: number },
): Promise<number> {
  const row = await trx
    .insertInto('establishment_photos')
    .values({
      establishment_id: values.establishmentId,
      content_type: values.contentType,
      data: values.data,
      thumbnail: values.thumbnail,
      width: values.width,
      height: values.height,
      byte_size: values.data.length,
      alt_text: values.altText,
      created_by_account_id: values.accountId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The bytes of a photograph or its thumbnail: named so, since it reads the heavy column. */
export async function getPhotoBytes(db: Db, id: number, variant: 'data' | 'thumbnail') {
  return db
    .selectFrom('establishment_photos')
    .select(['id', 'content_type', 'created_at', variant === 'data' ? 'data as bytes' : 'thumbnail as bytes'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The attachment with that id, locked until the transaction ends (a deletion audits what it removed). */
export async function getAttachmentForUpdate(trx: Kysely<Database>, table: AttachmentTable, id: number) {
  return trx.selectFrom(table).select(['id', 'establishment_id', 'byte_size']).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function deleteAttachment(trx: Kysely<Database>, table: AttachmentTable, id: number): Promise<void> {
  await trx.deleteFrom(table).where('id', '=', id).execute();
}

export async function listDocuments(db: Db, establishmentId: number) {
  return db
    .selectFrom('establishment_documents')
    .select(['id', 'title', 'filename', 'byte_size', 'created_at'])
    .where('establishment_id', '=', establishmentId)
    .orderBy('title')
    .orderBy('id')
    .execute();
}

export async function insertDocument(
  trx: Kysely<Database>,
  values: { establishmentId: number; title: string; filename: string; data: Buffer; accountId: number },
): Promise<number> {
  const row = await trx
    .insertInto('establishment_documents')
    .values({
      establishment_id: values.establishmentId,
      title: values.title,
      filename: values.filename,
      data: values.data,
      byte_size: values.data.length,
      created_by_account_id: values.accountId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function getDocumentTitle(trx: Kysely<Database>, id: number) {
  return trx.selectFrom('establishment_documents').select(['title']).where('id', '=', id).executeTakeFirst();
}

/** The bytes of a document: named so, since it reads the heavy column. */
export async function getDocumentBytes(db: Db, id: number) {
  return db.selectFrom('establishment_documents').select(['id', 'filename', 'content_type', 'data as bytes']).where('id', '=', id).executeTakeFirst();
}
