/**
 * SQL of the applications a region administrator binds for the ESMS flows (issue 17): those that
 * import decisions for a region (scope esms.import) and those that read an ESMS's F5 statuses
 * (scope esms.read). Tier-1 data only: no notification is read here.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';

type Q = Kysely<Database> | Transaction<Database>;

// ─── Applications importing by OAuth client credentials (issue 17) ────────────────────────────
/** Binds a registered application that holds the scope esms.import to one region; false: no such application (or no such scope). */
export async function bindImportApplication(trx: Q, binding: { clientId: string; regionCode: string; createdBy: number; at: Date }): Promise<boolean> {
  const row = await trx
    .insertInto('esms_import_applications')
    .columns(['client_id', 'region_code', 'created_by_account_id', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('idp_clients')
        .select((s) => ['client_id', s.val(binding.regionCode).as('region_code'), s.val(binding.createdBy).as('created_by_account_id'), s.val(binding.at).as('created_at')])
        .where('client_id', '=', binding.clientId)
        .where(sql<boolean>`'esms.import' = ANY(scopes)`),
    )
    .onConflict((oc) => oc.column('client_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** The region a registered application imports into, or undefined (not bound by a region administrator). */
export async function importApplicationRegion(db: Q, clientId: string): Promise<string | undefined> {
  const row = await db.selectFrom('esms_import_applications').select('region_code').where('client_id', '=', clientId).executeTakeFirst();
  return row?.region_code;
}

export async function listImportApplications(db: Q, regionCodes: readonly string[]) {
  if (regionCodes.length === 0) return [];
  return db
    .selectFrom('esms_import_applications as a')
    .innerJoin('idp_clients as c', 'c.client_id', 'a.client_id')
    .select(['a.id', 'a.client_id', 'c.name', 'a.region_code', 'a.created_at'])
    .where('a.region_code', 'in', [...regionCodes])
    .orderBy('a.created_at', 'desc')
    .execute();
}

// ─── Applications reading the F5 statuses by OAuth client credentials (issue 17) ──────────────
/** Binds a registered application that holds the scope esms.read to one ESMS; false: no such application (or no such scope), or already bound there. */
export async function bindReadApplication(trx: Q, binding: { clientId: string; establishmentId: number; createdBy: number; at: Date }): Promise<boolean> {
  const row = await trx
    .insertInto('esms_read_applications')
    .columns(['client_id', 'establishment_id', 'created_by_account_id', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('idp_clients')
        .select((s) => ['client_id', s.val(binding.establishmentId).as('establishment_id'), s.val(binding.createdBy).as('created_by_account_id'), s.val(binding.at).as('created_at')])
        .where('client_id', '=', binding.clientId)
        .where(sql<boolean>`'esms.read' = ANY(scopes)`),
    )
    .onConflict((oc) => oc.columns(['client_id', 'establishment_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** The ESMS whose statuses a registered application reads (none: no region administrator bound it). */
export async function readApplicationEstablishments(db: Q, clientId: string): Promise<number[]> {
  const rows = await db.selectFrom('esms_read_applications').select('establishment_id').where('client_id', '=', clientId).orderBy('establishment_id').execute();
  return rows.map((r) => r.establishment_id);
}

/** One binding with the region of its establishment (for the policy), or undefined. */
export async function getReadApplication(db: Q, id: number) {
  return db
    .selectFrom('esms_read_applications as a')
    .innerJoin('establishments as e', 'e.id', 'a.establishment_id')
    .innerJoin('departments as d', 'd.code', 'e.department_code')
    .select(['a.id', 'a.client_id', 'a.establishment_id', 'e.finess', 'd.region_code'])
    .where('a.id', '=', id)
    .executeTakeFirst();
}

/** Ends a binding: the application no longer reads that ESMS's statuses. False: already gone. */
export async function unbindReadApplication(trx: Q, id: number): Promise<boolean> {
  const row = await trx.deleteFrom('esms_read_applications').where('id', '=', id).returning('id').executeTakeFirst();
  return row !== undefined;
}

export async function listReadApplications(db: Q, regionCodes: readonly string[]) {
  if (regionCodes.length === 0) return [];
  return db
    .selectFrom('esms_read_applications as a')
    .innerJoin('idp_clients as c', 'c.client_id', 'a.client_id')
    .innerJoin('establishments as e', 'e.id', 'a.establishment_id')
    .innerJoin('departments as d', 'd.code', 'e.department_code')
    .select(['a.id', 'a.client_id', 'c.name', 'e.finess', 'e.name as establishment_name', 'd.region_code', 'a.created_at'])
    .where('d.region_code', 'in', [...regionCodes])
    .orderBy('a.created_at', 'desc')
    .execute();
}
