/** All SQL of the ROR synchronisation: the run record and the upserts of the directory. */
import { sql, type Selectable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { EstablishmentLocationTable, EstablishmentServiceTable } from '../../db/schema.js';
import type { EstablishmentRorFields } from './ror-sync.rules.js';

export type ResourceKind = 'organizations' | 'locations' | 'services';

export interface SyncRunCounts {
  created: number;
  updated: number;
  closed: number;
  unchanged: number;
}

export async function startRun(db: Db, kind: 'full' | 'delta', since: Date | null, now: Date): Promise<number> {
  const row = await db.insertInto('directory_sync_runs').values({ kind, since, started_at: now }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function finishRun(
  db: Db,
  id: number,
  values: SyncRunCounts & {
    status: 'succeeded' | 'partial' | 'failed';
    countsByKind: Record<ResourceKind, SyncRunCounts>;
    errors: { resourceId: string; message: string }[];
    errorCount: number;
    message: string | null;
    now: Date;
  },
): Promise<void> {
  await db
    .updateTable('directory_sync_runs')
    .set({
      status: values.status,
      finished_at: values.now,
      created: values.created,
      updated: values.updated,
      closed: values.closed,
      unchanged: values.unchanged,
      counts_by_kind: JSON.stringify(values.countsByKind),
      error_count: values.errorCount,
      errors: JSON.stringify(values.errors),
      message: values.message,
    })
    .where('id', '=', id)
    .execute();
}

/** The last run that fetched everything it asked for (its start bounds the next delta). */
export async function getLastGoodRun(db: Db, kind?: 'full') {
  let query = db
    .selectFrom('directory_sync_runs')
    .select(['id', 'kind', 'started_at', 'finished_at'])
    .where('status', 'in', ['succeeded', 'partial']);
  if (kind) query = query.where('kind', '=', kind);
  return query.orderBy('started_at', 'desc').limit(1).executeTakeFirst();
}

export async function listRuns(db: Db, limit = 20) {
  return db
    .selectFrom('directory_sync_runs')
    .select(['id', 'kind', 'started_at', 'finished_at', 'status', 'created', 'updated', 'closed', 'unchanged', 'counts_by_kind', 'error_count', 'errors', 'message'])
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function listDepartmentCodes(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('departments').select('code').execute();
  return new Set(rows.map((r) => r.code));
}

export async function listLegalEntities(db: Db) {
  return db.selectFrom('legal_entities').select(['id', 'finess', 'name', 'ror_id']).execute();
}

export async function insertLegalEntity(db: Db, values: { finess: string; name: string; rorId: string }): Promise<number> {
  const row = await db.insertInto('legal_entities').values({ finess: values.finess, name: values.name, ror_id: values.rorId }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateLegalEntity(db: Db, id: number, values: { finess: string; name: string; rorId: string }): Promise<void> {
  await db.updateTable('legal_entities').set({ finess: values.finess, name: values.name, ror_id: values.rorId }).where('id', '=', id).execute();
}

export interface EstablishmentSnapshot extends EstablishmentRorFields {
  id: number;
  ror_id: string | null;
  closed_at: Date | null;
}

export async function listEstablishmentSnapshots(db: Db): Promise<EstablishmentSnapshot[]> {
  const rows = await db
    .selectFrom('establishments')
    .select(['id', 'ror_id', 'finess', 'name', 'category', 'domain_code', 'department_code', 'address', 'postcode', 'city', 'phone', 'email', 'legal_entity_id', 'closed_at'])
    .execute();
  return rows.map((row) => ({ ...row, closed: row.closed_at !== null }));
}

type EstablishmentWrite = Omit<EstablishmentRorFields, 'closed'> & { rorId: string; closedAt: Date | null; now: Date };

export async function insertEstablishment(db: Db, values: EstablishmentWrite): Promise<number> {
  const { rorId, closedAt, now, ...fields } = values;
  const row = await db
    .insertInto('establishments')
    .values({ ...fields, ror_id: rorId, ror_synced: true, ror_synced_at: now, closed_at: closedAt, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Writes the ROR-owned fields only: description and access itinerary belong to the referent (R51). */
export async function updateEstablishmentFromRor(db: Db, id: number, values: EstablishmentWrite): Promise<void> {
  const { rorId, closedAt, now, ...fields } = values;
  await db
    .updateTable('establishments')
    .set({ ...fields, ror_id: rorId, ror_synced: true, ror_synced_at: now, closed_at: closedAt, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export interface UnitSnapshot {
  id: number;
  establishment_id: number;
  name: string;
  ror_id: string | null;
  closed_at: Date | null;
}

export async function listUnitSnapshots(db: Db): Promise<UnitSnapshot[]> {
  return db.selectFrom('units').select(['id', 'establishment_id', 'name', 'ror_id', 'closed_at']).execute();
}

export async function insertUnit(db: Db, values: { establishmentId: number; name: string; rorId: string; closedAt: Date | null; now: Date }): Promise<number> {
  const row = await db
    .insertInto('units')
    .values({ establishment_id: values.establishmentId, name: values.name, ror_id: values.rorId, closed_at: values.closedAt, created_at: values.now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The internal unit code is never touched here: it belongs to the referent (R51). */
export async function updateUnitFromRor(db: Db, id: number, values: { establishmentId: number; name: string; rorId: string; closedAt: Date | null }): Promise<void> {
  await db
    .updateTable('units')
    .set({ establishment_id: values.establishmentId, name: values.name, ror_id: values.rorId, closed_at: values.closedAt })
    .where('id', '=', id)
    .execute();
}

/** A full sync closes what the ROR no longer lists (never deletes: habilitations stay visible). */
export async function closeEstablishmentsAbsentFrom(db: Db, seenRorIds: string[], now: Date): Promise<number> {
  const result = await db
    .updateTable('establishments')
    .set({ closed_at: now, updated_at: now, ror_synced_at: now })
    .where('ror_synced', '=', true)
    .where('ror_id', 'is not', null)
    .where('closed_at', 'is', null)
    .where(sql<boolean>`NOT (ror_id = ANY(${seenRorIds}::text[]))`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function closeUnitsAbsentFrom(db: Db, seenRorIds: string[], now: Date): Promise<number> {
  const result = await db
    .updateTable('units')
    .set({ closed_at: now })
    .where('ror_id', 'is not', null)
    .where('closed_at', 'is', null)
    .where(sql<boolean>`NOT (ror_id = ANY(${seenRorIds}::text[]))`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Places (FHIR Location) as stored, compared field by field with what the ROR says. */
export type LocationRow = Pick<Selectable<EstablishmentLocationTable>, 'establishment_id' | 'name' | 'address' | 'postcode' | 'city' | 'latitude' | 'longitude'>;
export type LocationSnapshot = LocationRow & {
  id: number;
  ror_id: string;
  closed_at: Date | null;
};

export async function listLocationSnapshots(db: Db): Promise<LocationSnapshot[]> {
  return db
    .selectFrom('establishment_locations')
    .select(['id', 'ror_id', 'establishment_id', 'name', 'address', 'postcode', 'city', 'latitude', 'longitude', 'closed_at'])
    .execute();
}

/** New rows of the ROR, several in one statement: `{ rorId, row, closedAt }` each. */
export type NewRows<Row> = { rorId: string; row: Row; closedAt: Date | null }[];

export async function insertLocations(db: Db, rows: NewRows<LocationRow>, now: Date): Promise<{ id: number; ror_id: string }[]> {
  return db
    .insertInto('establishment_locations')
    .values(rows.map(({ rorId, row, closedAt }) => ({ ...row, ror_id: rorId, closed_at: closedAt, created_at: now, updated_at: now })))
    .returning(['id', 'ror_id'])
    .execute();
}

export async function updateLocation(db: Db, id: number, row: LocationRow, closedAt: Date | null, now: Date): Promise<void> {
  await db.updateTable('establishment_locations').set({ ...row, closed_at: closedAt, updated_at: now }).where('id', '=', id).execute();
}

/** Services (FHIR HealthcareService) as stored. */
export type ServiceRow = Pick<Selectable<EstablishmentServiceTable>, 'establishment_id' | 'unit_id' | 'location_id' | 'name' | 'category' | 'types' | 'specialties'>;
export type ServiceSnapshot = ServiceRow & {
  id: number;
  ror_id: string;
  closed_at: Date | null;
};

export async function listServiceSnapshots(db: Db): Promise<ServiceSnapshot[]> {
  return db
    .selectFrom('establishment_services')
    .select(['id', 'ror_id', 'establishment_id', 'unit_id', 'location_id', 'name', 'category', 'types', 'specialties', 'closed_at'])
    .execute();
}

export async function insertServices(db: Db, rows: NewRows<ServiceRow>, now: Date): Promise<{ id: number; ror_id: string }[]> {
  return db
    .insertInto('establishment_services')
    .values(rows.map(({ rorId, row, closedAt }) => ({ ...row, ror_id: rorId, closed_at: closedAt, created_at: now, updated_at: now })))
    .returning(['id', 'ror_id'])
    .execute();
}

export async function updateService(db: Db, id: number, row: ServiceRow, closedAt: Date | null, now: Date): Promise<void> {
  await db.updateTable('establishment_services').set({ ...row, closed_at: closedAt, updated_at: now }).where('id', '=', id).execute();
}

/** A full sync closes the places and services the ROR no longer lists (never deletes them). */
export async function closeAbsentFrom(db: Db, table: 'establishment_locations' | 'establishment_services', seenRorIds: string[], now: Date): Promise<number> {
  const result = await db
    .updateTable(table)
    .set({ closed_at: now, updated_at: now })
    .where('closed_at', 'is', null)
    .where(sql<boolean>`NOT (ror_id = ANY(${seenRorIds}::text[]))`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
