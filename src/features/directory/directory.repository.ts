/** All SQL of the directory pages: search, sheets, referent edits, photographs. */
import { sql, type Kysely } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

export interface DirectoryFilters {
  name: string;
  finess: string;
  category: string;
  department: string;
  city: string;
  includeClosed: boolean;
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function searchEstablishments(db: Db, filters: DirectoryFilters, page: number, pageSize: number) {
  let query = db.selectFrom('establishments');
  if (filters.name) query = query.where(sql<boolean>`lower(establishments.name) LIKE ${`%${escapeLike(filters.name.toLowerCase())}%`}`);
  if (filters.finess) query = query.where('establishments.finess', 'like', `${escapeLike(filters.finess)}%`);
  if (filters.category) query = query.where(sql<boolean>`lower(establishments.category) LIKE ${`%${escapeLike(filters.category.toLowerCase())}%`}`);
  if (filters.department) query = query.where('establishments.department_code', '=', filters.department);
  if (filters.city) query = query.where(sql<boolean>`lower(establishments.city) LIKE ${`${escapeLike(filters.city.toLowerCase())}%`}`);
  if (!filters.includeClosed) query = query.where('establishments.closed_at', 'is', null);
  const [rows, count] = await Promise.all([
    query
      .select(['id', 'finess', 'name', 'category', 'department_code', 'postcode', 'city', 'ror_synced', 'closed_at'])
      .orderBy('name')
      .orderBy('id')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function listDepartments(db: Db) {
  return db.selectFrom('departments').select(['code', 'name']).orderBy('code').execute();
}

export async function getEstablishment(db: Db | Kysely<Database>, id: number) {
  return db
    .selectFrom('establishments')
    .innerJoin('departments', 'departments.code', 'establishments.department_code')
    .leftJoin('legal_entities', 'legal_entities.id', 'establishments.legal_entity_id')
    .select([
      'establishments.id',
      'establishments.finess',
      'establishments.name',
      'establishments.category',
      'establishments.department_code',
      'departments.name as department_name',
      'departments.region_code',
      'establishments.address',
      'establishments.postcode',
      'establishments.city',
      'establishments.phone',
      'establishments.email',
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
    .select(['id', 'name', 'internal_code', 'ror_id', 'closed_at'])
    .where('establishment_id', '=', establishmentId)
    .orderBy('name')
    .execute();
}

export async function searchUnits(db: Db, name: string, page: number, pageSize: number) {
  let query = db
    .selectFrom('units')
    .innerJoin('establishments', 'establishments.id', 'units.establishment_id')
    .where('units.closed_at', 'is', null);
  if (name) query = query.where(sql<boolean>`lower(units.name) LIKE ${`%${escapeLike(name.toLowerCase())}%`}`);
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
  /** Only for an establishment the ROR does not own (R50). */
  identity?: {
    finess: string;
    name: string;
    category: string;
    address: string | null;
    postcode: string | null;
    city: string | null;
    phone: string | null;
    email: string | null;
  };
}

export async function updateEstablishment(trx: Kysely<Database>, id: number, edit: EstablishmentEdit, now: Date): Promise<void> {
  await trx
    .updateTable('establishments')
    .set({ description: edit.description, access_itinerary: edit.access_itinerary, ...(edit.identity ?? {}), updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function setUnitInternalCode(trx: Kysely<Database>, unitId: number, establishmentId: number, code: string | null): Promise<void> {
  await trx.updateTable('units').set({ internal_code: code }).where('id', '=', unitId).where('establishment_id', '=', establishmentId).execute();
}

/** The end of the last synchronisation run that read the whole ROR answer (R50's "last sync date"). */
export async function getLastSyncDate(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom('directory_sync_runs')
    .select('finished_at')
    .where('status', 'in', ['succeeded', 'partial'])
    .orderBy('finished_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.finished_at ?? null;
}

export async function listPhotos(db: Db, establishmentId: number) {
  return db
    .selectFrom('establishment_photos')
    .select(['id', 'width', 'height', 'alt_text', 'created_at'])
    .where('establishment_id', '=', establishmentId)
    .orderBy('id')
    .execute();
}

export async function countPhotos(trx: Kysely<Database>, establishmentId: number): Promise<number> {
  const row = await trx
    .selectFrom('establishment_photos')
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

export async function getPhotoEstablishment(trx: Kysely<Database>, id: number) {
  return trx.selectFrom('establishment_photos').select(['id', 'establishment_id']).where('id', '=', id).executeTakeFirst();
}

export async function deletePhoto(trx: Kysely<Database>, id: number): Promise<void> {
  await trx.deleteFrom('establishment_photos').where('id', '=', id).execute();
}
