/**
 * All SQL of the review of habilitations (R39): the filter lists a viewer may choose from, the rows
 * of one structure (a page for the screen, every row for the export through a server-side cursor),
 * and the rights of the profiles (R38).
 */
import { CompiledQuery, sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { ReviewSort, SortDirection } from './habilitation-review.rules.js';

type Q = Kysely<Database>;

export interface NamedCode {
  code: string;
  name: string;
}

export async function listDomains(db: Q): Promise<NamedCode[]> {
  return db.selectFrom('domains').select(['code', 'name']).orderBy('name').execute();
}

/** Departments whose code is listed or whose region is listed. */
export async function listDepartments(db: Q, scope: { departmentCodes: readonly string[]; regionCodes: readonly string[] }) {
  if (scope.departmentCodes.length === 0 && scope.regionCodes.length === 0) return [];
  return db
    .selectFrom('departments')
    .select(['code', 'name', 'region_code'])
    .where((eb) =>
      eb.or([
        sql<boolean>`code = any(${[...scope.departmentCodes]}::text[])`,
        sql<boolean>`region_code = any(${[...scope.regionCodes]}::text[])`,
      ]),
    )
    .orderBy('code')
    .execute();
}

export async function getDepartment(db: Q, code: string) {
  return db.selectFrom('departments').select(['code', 'name', 'region_code']).where('code', '=', code).executeTakeFirst();
}

export interface EstablishmentPlaceRow {
  id: number;
  finess: string;
  name: string;
  domain_code: string | null;
  department_code: string;
  region_code: string;
}

/** One establishment with the chain of places that contain it (for `can()`). */
export async function getEstablishmentPlace(db: Q, establishmentId: number): Promise<EstablishmentPlaceRow | undefined> {
  return db
    .selectFrom('establishments as e')
    .innerJoin('departments as d', 'd.code', 'e.department_code')
    .select(['e.id', 'e.finess', 'e.name', 'e.domain_code', 'e.department_code', 'd.region_code'])
    .where('e.id', '=', establishmentId)
    .executeTakeFirst();
}

/**
 * The open establishments of one department for a domain (an establishment without a domain is
 * offered in every domain), all of them or only `onlyIds`: a department's list stays bounded.
 */
export async function listEstablishments(db: Q, filter: { departmentCode: string; domainCode: string; onlyIds: readonly number[] | null }) {
  let query = db
    .selectFrom('establishments')
    .select(['id', 'finess', 'name'])
    .where('department_code', '=', filter.departmentCode)
    .where('closed_at', 'is', null)
    .where((eb) => eb.or([eb('domain_code', '=', filter.domainCode), eb('domain_code', 'is', null)]));
  if (filter.onlyIds) query = query.where(sql<boolean>`id = any(${[...filter.onlyIds]}::int[])`);
  return query.orderBy('name').orderBy('id').execute();
}

export async function listUnits(db: Q, establishmentId: number) {
  return db.selectFrom('units').select(['id', 'name', 'establishment_id']).where('establishment_id', '=', establishmentId).orderBy('name').execute();
}

/** The ids of every unit of these establishments (closed ones too: their habilitations stay reviewable). */
export async function listUnitIds(db: Q, establishmentIds: readonly number[]): Promise<number[]> {
  const rows = await db.selectFrom('units').select('id').where(sql<boolean>`establishment_id = any(${[...establishmentIds]}::int[])`).execute();
  return rows.map((r) => r.id);
}

export async function getUnit(db: Q, unitId: number) {
  return db.selectFrom('units').select(['id', 'name', 'establishment_id']).where('id', '=', unitId).executeTakeFirst();
}

export async function listProfiles(db: Q) {
  return db.selectFrom('profiles').select(['id', 'code', 'name', 'domain_code']).orderBy('name').execute();
}

/** R38: the rights of every profile (the catalogue is small: read once per page). */
export async function listProfileRights(db: Q): Promise<Map<number, string[]>> {
  const rows = await db.selectFrom('profile_rights').select(['profile_id', 'right_code']).orderBy('right_code').execute();
  const rights = new Map<number, string[]>();
  for (const row of rows) rights.set(row.profile_id, [...(rights.get(row.profile_id) ?? []), row.right_code]);
  return rights;
}

// ─── The rows ─────────────────────────────────────────────────────────────────────────────────

/** What the rows are taken from; the service builds it only after checking the viewer's scope. */
export interface ReviewCriteria {
  /**
   * Habilitations located at these establishments themselves: the structure under review (the bench
   * passes several). Empty when the review is limited to units (a unit filter, a unit referent).
   */
  establishmentIds: readonly number[];
  /** Habilitations located at these units: all the units of the structure, or those chosen. */
  unitIds: readonly number[];
  profileId: number | null;
  /** false: active and future habilitations only; true: deleted and expired ones too. */
  includeEnded: boolean;
  today: string;
}

export interface ReviewOrder {
  sort: ReviewSort;
  direction: SortDirection;
}

export interface ReviewRow {
  habilitation_id: number;
  account_id: number;
  last_name: string;
  first_name: string;
  username: string;
  profile_id: number;
  profile_name: string;
  unit_id: number | null;
  unit_name: string | null;
  establishment_id: number;
  establishment_name: string;
  finess: string;
  start_date: string;
  end_date: string;
  email_notifications: boolean;
  deleted_at: Date | null;
  /** "Prénom NOM (username)" of who deleted it; null when not deleted or deleted by the system. */
  deleted_by: string | null;
}

/**
 * The habilitations at the listed establishments or units. The unit ids are listed by the caller
 * rather than found by a sub-select: with both lists known, the planner estimates a few hundred rows
 * and reads them through a BitmapOr of the two indexes (a sub-select made it guess a million rows
 * and walk every account in name order: 8 s instead of 1 ms on the 1 M-account database).
 */
function whereCriteria<O>(query: SelectQueryBuilder<Database, 'habilitations', O>, c: ReviewCriteria) {
  let q = query.where(
    sql<boolean>`(habilitations.establishment_id = any(${[...c.establishmentIds]}::int[]) or habilitations.unit_id = any(${[...c.unitIds]}::int[]))`,
  );
  if (c.profileId !== null) q = q.where('habilitations.profile_id', '=', c.profileId);
  if (!c.includeEnded) q = q.where('habilitations.deleted_at', 'is', null).where('habilitations.end_date', '>=', c.today);
  return q;
}

/** Name order as French readers expect it: accents and case do not move a name (the C collation would). */
const NAME_ORDER = ['lower(unaccent(a.last_name))', 'lower(unaccent(a.first_name))', 'a.username'];
const SORT_COLUMNS: Record<ReviewSort, string[]> = {
  nom: NAME_ORDER,
  profil: ['p.name', ...NAME_ORDER],
  debut: ['habilitations.start_date', ...NAME_ORDER],
  fin: ['habilitations.end_date', ...NAME_ORDER],
};

function rowsQuery(db: Q, c: ReviewCriteria, order: ReviewOrder) {
  const direction = order.direction === 'desc' ? 'desc' : 'asc';
  // The first key follows the chosen direction; names break ties alphabetically; the id makes the order total (stable pages).
  const keys = SORT_COLUMNS[order.sort].map((column, index) => `${column} ${index === 0 ? direction : 'asc'}`);
  const orderBy = sql.raw([...keys, `habilitations.id ${direction}`].join(', '));
  return whereCriteria(db.selectFrom('habilitations'), c)
    .innerJoin('accounts as a', 'a.id', 'habilitations.account_id')
    .innerJoin('profiles as p', 'p.id', 'habilitations.profile_id')
    .leftJoin('units as u', 'u.id', 'habilitations.unit_id')
    .innerJoin('establishments as e', (join) => join.on(sql<boolean>`e.id = coalesce(habilitations.establishment_id, u.establishment_id)`))
    .leftJoin('accounts as da', 'da.id', 'habilitations.deleted_by_account_id')
    .select([
      'habilitations.id as habilitation_id',
      'a.id as account_id',
      'a.last_name',
      'a.first_name',
      'a.username',
      'p.id as profile_id',
      'p.name as profile_name',
      'u.id as unit_id',
      'u.name as unit_name',
      'e.id as establishment_id',
      'e.name as establishment_name',
      'e.finess',
      'habilitations.start_date',
      'habilitations.end_date',
      'habilitations.email_notifications',
      'habilitations.deleted_at',
      sql<string | null>`case when da.id is not null then da.first_name || ' ' || upper(da.last_name) || ' (' || da.username || ')' end`.as('deleted_by'),
    ])
    .orderBy(orderBy);
}

export async function countReviewRows(db: Q, c: ReviewCriteria): Promise<number> {
  const row = await whereCriteria(db.selectFrom('habilitations'), c)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The rows in review order: one page (`page`), or all of them when `page` is omitted (the export's reference). */
export async function listReviewRows(db: Q, c: ReviewCriteria, order: ReviewOrder, page?: { offset: number; limit: number }): Promise<ReviewRow[]> {
  const query = rowsQuery(db, c, order);
  return (page ? query.offset(page.offset).limit(page.limit) : query).execute() as Promise<ReviewRow[]>;
}

/** The SQL of the rows, for EXPLAIN in the bench. */
export function compileReviewRows(db: Q, c: ReviewCriteria, order: ReviewOrder, page?: { offset: number; limit: number }): CompiledQuery {
  const query = rowsQuery(db, c, order);
  return (page ? query.offset(page.offset).limit(page.limit) : query).compile();
}

/**
 * Every row in review order, `batchSize` at a time, through a server-side cursor in a read-only
 * transaction: memory stays at one batch whatever the size of the review. `onBatch` may wait
 * (the client reading slowly); the next batch is fetched only when it returns.
 */
export async function forEachReviewBatch(
  db: Q,
  c: ReviewCriteria,
  order: ReviewOrder,
  batchSize: number,
  onBatch: (rows: ReviewRow[]) => Promise<void>,
): Promise<number> {
  const query = rowsQuery(db, c, order).compile();
  return db.connection().execute(async (connection) => {
    let total = 0;
    await connection.executeQuery(CompiledQuery.raw('begin isolation level repeatable read read only'));
    try {
      await connection.executeQuery(CompiledQuery.raw(`declare review_export no scroll cursor for ${query.sql}`, [...query.parameters]));
      const fetch = CompiledQuery.raw(`fetch forward ${Math.max(1, Math.trunc(batchSize))} from review_export`);
      for (;;) {
        const { rows } = await connection.executeQuery<ReviewRow>(fetch);
        if (rows.length === 0) break;
        total += rows.length;
        await onBatch(rows as ReviewRow[]);
      }
      await connection.executeQuery(CompiledQuery.raw('commit'));
    } catch (error) {
      await connection.executeQuery(CompiledQuery.raw('rollback')).catch(() => undefined);
      throw error;
    }
    return total;
  });
}
