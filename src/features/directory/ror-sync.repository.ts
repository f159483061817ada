/** All SQL of the ROR synchronisation's writes to the directory (the run record is in ror-sync-runs.repository.ts). */
import { sql, type Selectable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { EstablishmentLocationTable, EstablishmentServiceTable } from '../../db/schema.js';
import type { EstablishmentRorFields } from './ror-sync.rules.js';

export type { ResourceKind, SyncRunCounts } from './ror-sync-runs.repository.js';

export async function listDepartmentCodes(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('departments').select('code').execute();
  return new Set(rows.map((r) => r.code));
}

/**
 * Creates the departments Habilis does not know yet from the official code tables (INSEE COG),
 * with their region when it is missing too; returns the codes created. A code the COG does not
 * have is not created.
 */
export async function addDepartmentsFromCog(db: Db, codes: string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    await sql`
      INSERT INTO regions (code, name)
      SELECT r.code, r.name FROM cog_regions r
      WHERE r.code IN (SELECT region_code FROM cog_departments WHERE code = ANY(${codes}::text[]))
      ON CONFLICT (code) DO NOTHING`.execute(trx);
    const { rows } = await sql<{ code: string }>`
      INSERT INTO departments (code, name, region_code)
      SELECT d.code, d.name, d.region_code FROM cog_departments d WHERE d.code = ANY(${codes}::text[])
      ON CONFLICT (code) DO NOTHING
      RETURNING code`.execute(trx);
    return rows.map((row) => row.code);
  });
}

export async function listLegalEntities(db: Db) {
  return db.selectFrom('legal_entities').select(['id', 'finess', 'name', 'ror_id']).execute();
}

export async function insertLegalEntity(db: Db, values: { finess: string | null; name: string; rorId: string }): Promise<number> {
  const row = await db.insertInto('legal_entities').values({ finess: values.finess, name: values.name, ror_id: values.rorId }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateLegalEntity(db: Db, id: number, values: { finess: string | null; name: string; rorId: string }): Promise<void> {
  await db.updateTable('legal_entities').set({ finess: values.finess, name: values.name, ror_id: values.rorId }).where('id', '=', id).execute();
}

export interface EstablishmentSnapshot extends EstablishmentRorFields {
  id: number;
  ror_id: string | null;
}

const ESTABLISHMENT_ROR_COLUMNS = [
  'finess',
  'name',
  'category',
  'domain_code',
  'department_code',
  'address',
  'postcode',
  'city',
  'phone',
  'email',
  'mssante',
  'phone_from_ror',
  'email_from_ror',
  'legal_entity_id',
  'closes_on',
  'closure_type',
  'reopens_on',
  'closed_at',
] as const;

export async function listEstablishmentSnapshots(db: Db): Promise<EstablishmentSnapshot[]> {
  return db
    .selectFrom('establishments')
    .select(['id', 'ror_id', ...ESTABLISHMENT_ROR_COLUMNS])
    .execute();
}

type EstablishmentWrite = EstablishmentRorFields & { rorId: string; now: Date };

export async function insertEstablishment(db: Db, values: EstablishmentWrite): Promise<number> {
  const { rorId, now, ...fields } = values;
  const row = await db
    .insertInto('establishments')
    .values({ ...fields, ror_id: rorId, ror_synced: true, ror_synced_at: now, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Writes the ROR-owned fields only: description and access itinerary belong to the referent (R51). */
export async function updateEstablishmentFromRor(db: Db, id: number, values: EstablishmentWrite): Promise<void> {
  const { rorId, now, ...fields } = values;
  await db
    .updateTable('establishments')
    .set({ ...fields, ror_id: rorId, ror_synced: true, ror_synced_at: now, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** The ROR-owned columns of a unit (the internal unit code belongs to the referent, R51). */
export interface UnitRow {
  establishment_id: number;
  parent_unit_id: number | null;
  name: string;
  unit_type: string | null;
  closes_on: string | null;
  closure_type: 'definitive' | 'temporary' | null;
  reopens_on: string | null;
  closed_at: Date | null;
}
export type UnitSnapshot = UnitRow & { id: number; ror_id: string | null };

export async function listUnitSnapshots(db: Db): Promise<UnitSnapshot[]> {
  return db.selectFrom('units').select(['id', 'establishment_id', 'name', 'unit_type', 'ror_id', 'parent_unit_id', 'closes_on', 'closure_type', 'reopens_on', 'closed_at']).execute();
}

export async function insertUnits(db: Db, rows: { rorId: string; row: UnitRow }[], now: Date): Promise<{ id: number; ror_id: string | null }[]> {
  return db
    .insertInto('units')
    .values(rows.map(({ rorId, row }) => ({ ...row, ror_id: rorId, created_at: now })))
    .returning(['id', 'ror_id'])
    .execute();
}

/** The internal unit code is never touched here: it belongs to the referent (R51). */
export async function updateUnitFromRor(db: Db, id: number, row: UnitRow & { rorId: string }): Promise<void> {
  const { rorId, ...columns } = row;
  await db
    .updateTable('units')
    .set({ ...columns, ror_id: rorId })
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
export type LocationRow = Pick<Selectable<EstablishmentLocationTable>, 'establishment_id' | 'name' | 'address' | 'postcode' | 'city' | 'latitude' | 'longitude' | 'closure_type'>;
export type LocationSnapshot = LocationRow & {
  id: number;
  ror_id: string;
  closed_at: Date | null;
};

export async function listLocationSnapshots(db: Db): Promise<LocationSnapshot[]> {
  return db
    .selectFrom('establishment_locations')
    .select(['id', 'ror_id', 'establishment_id', 'name', 'address', 'postcode', 'city', 'latitude', 'longitude', 'closure_type', 'closed_at'])
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

/** Each table that holds ROR closures by date and type. */
const DATED_CLOSURE_TABLES = ['establishments', 'units', 'establishment_locations'] as const;

/**
 * The daily pass of dated closures (R50): what reaches its closing date closes at that date
 * (Europe/Paris), a temporary closure whose reopening date has come ends, whether the ROR lists the
 * resource again or not. Returns how many rows closed and reopened.
 */
export async function applyDatedClosures(db: Db, today: string, now: Date): Promise<{ closed: number; reopened: number }> {
  let closed = 0;
  let reopened = 0;
  for (const table of DATED_CLOSURE_TABLES) {
    const stamp = table === 'units' ? sql`` : sql`, updated_at = ${now}`;
    const closing = await sql`
      UPDATE ${sql.table(table)} SET closed_at = (closes_on::timestamp AT TIME ZONE 'Europe/Paris')${stamp}
      WHERE closes_on IS NOT NULL AND closed_at IS NULL AND closes_on <= ${today}::date
        AND NOT (closure_type = 'temporary' AND reopens_on IS NOT NULL AND reopens_on <= ${today}::date)`.execute(db);
    const reopening = await sql`
      UPDATE ${sql.table(table)} SET closed_at = NULL${stamp}
      WHERE closes_on IS NOT NULL AND closed_at IS NOT NULL AND closure_type = 'temporary' AND reopens_on <= ${today}::date`.execute(db);
    closed += Number(closing.numAffectedRows ?? 0);
    reopened += Number(reopening.numAffectedRows ?? 0);
  }
  return { closed, reopened };
}
