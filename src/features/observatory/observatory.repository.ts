/**
 * SQL of the Observatoire's orders (R70): the orders and their files (this feature owns both
 * tables), the places and profiles the order form offers, and where a criterion's place lies.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, ObservatoryOrderStatus } from '../../db/schema.js';
import type { Place } from '../habilitations/habilitation.rules.js';
import type { ObservatoryScope } from './observatory.request.js';
import { inScope } from './observatory-scope.repository.js';

type Q = Kysely<Database>;

export interface NewOrder {
  accountId: number;
  requestCode: string;
  from: string;
  to: string;
  criteria: Record<string, unknown>;
  criteriaLabels: { label: string; value: string }[];
  comment: string | null;
  now: Date;
}

/**
 * Inserts the order unless the person already has `max` orders waiting or running. Atomic: a
 * transaction-scoped advisory lock per person serialises the count and the insert, so two orders
 * sent at once cannot both be the fifth. Returns the new id, or null over the limit.
 */
export async function insertOrderWithinLimit(trx: Q, order: NewOrder, max: number): Promise<number | null> {
  await sql`select pg_advisory_xact_lock(hashtext('observatory_orders'), ${order.accountId})`.execute(trx);
  const open = await trx
    .selectFrom('observatory_orders')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('account_id', '=', order.accountId)
    .where('status', 'in', ['pending', 'running'])
    .executeTakeFirstOrThrow();
  if (open.n >= max) return null;
  const row = await trx
    .insertInto('observatory_orders')
    .values({
      account_id: order.accountId,
      request_code: order.requestCode,
      period_start: order.from,
      period_end: order.to,
      criteria: JSON.stringify(order.criteria),
      criteria_labels: JSON.stringify(order.criteriaLabels),
      comment: order.comment,
      ordered_at: order.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const LISTED = [
  'o.id',
  'o.request_code',
  'o.period_start',
  'o.period_end',
  'o.criteria_labels',
  'o.comment',
  'o.status',
  'o.failure_reason',
  'o.ordered_at',
  'o.finished_at',
  'o.scope_label',
  'o.expires_at',
] as const;

/** The person's orders, newest first (the comment is theirs alone: only their own rows are read). */
export async function listOrdersOf(db: Q, accountId: number, limit: number) {
  return db.selectFrom('observatory_orders as o').select(LISTED).where('o.account_id', '=', accountId).orderBy('o.ordered_at', 'desc').orderBy('o.id', 'desc').limit(limit).execute();
}

export type ListedOrder = Awaited<ReturnType<typeof listOrdersOf>>[number];

/** One order of this person, or undefined (another person's order does not exist for them). */
export async function getOrderOf(db: Q, orderId: number, accountId: number) {
  return db.selectFrom('observatory_orders as o').select(LISTED).select('o.result').where('o.id', '=', orderId).where('o.account_id', '=', accountId).executeTakeFirst();
}

/** The file of one ready order of this person. */
export async function getFileOf(db: Q, orderId: number, accountId: number) {
  return db
    .selectFrom('observatory_files as f')
    .innerJoin('observatory_orders as o', 'o.id', 'f.order_id')
    .select(['f.file_name', 'f.content', 'f.byte_size', 'o.request_code'])
    .where('o.id', '=', orderId)
    .where('o.account_id', '=', accountId)
    .where('o.status', '=', 'ready')
    .executeTakeFirst();
}

/**
 * Takes an order for computing: waiting, or running (an attempt that died), and counts the
 * attempt. Returns the order with its orderer, or undefined when it is done, failed or gone.
 */
export async function claimOrder(db: Q, orderId: number, now: Date) {
  return db
    .updateTable('observatory_orders as o')
    .set({ status: 'running', started_at: now, attempts: sql`o.attempts + 1` })
    .from('accounts as a')
    .whereRef('a.id', '=', 'o.account_id')
    .where('o.id', '=', orderId)
    .where('o.status', 'in', ['pending', 'running'])
    .returning([
      'o.id',
      'o.account_id',
      'o.request_code',
      'o.period_start',
      'o.period_end',
      'o.criteria',
      'o.criteria_labels',
      'o.ordered_at',
      'o.attempts',
      'a.first_name',
      'a.last_name',
      'a.username',
      'a.blocked_at',
      'a.deactivated_at',
    ])
    .executeTakeFirst();
}

export type ClaimedOrder = NonNullable<Awaited<ReturnType<typeof claimOrder>>>;

/** The computed result and its file, in one transaction with the status. */
export async function completeOrder(trx: Q, orderId: number, done: { result: unknown; scopeLabel: string; file: { name: string; content: Buffer }; now: Date; expiresAt: Date }): Promise<boolean> {
  const updated = await trx
    .updateTable('observatory_orders')
    .set({ status: 'ready', result: JSON.stringify(done.result), scope_label: done.scopeLabel, finished_at: done.now, expires_at: done.expiresAt, failure_reason: null })
    .where('id', '=', orderId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return false;
  await trx
    .insertInto('observatory_files')
    .values({ order_id: orderId, file_name: done.file.name, content: done.file.content, byte_size: done.file.content.length, created_at: done.now })
    .execute();
  return true;
}

export async function failOrder(db: Q, orderId: number, failure: { reason: string; now: Date; expiresAt: Date }): Promise<void> {
  await db
    .updateTable('observatory_orders')
    .set({ status: 'failed', failure_reason: failure.reason, finished_at: failure.now, expires_at: failure.expiresAt })
    .where('id', '=', orderId)
    .where('status', 'in', ['pending', 'running'])
    .execute();
}

/** Ready orders past their date lose their result, file and comment, and show as expired until `listedUntil`. */
export async function expireReadyOrders(db: Q, now: Date, listedUntil: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const expired = await trx
      .updateTable('observatory_orders')
      .set({ status: 'expired', result: null, comment: null, expires_at: listedUntil })
      .where('status', '=', 'ready')
      .where('expires_at', '<=', now)
      .returning('id')
      .execute();
    if (expired.length > 0) await trx.deleteFrom('observatory_files').where('order_id', 'in', expired.map((o) => o.id)).execute();
    return expired.length;
  });
}

/** Expired and failed orders past their listing date are deleted. */
export async function deleteListedOrders(db: Q, now: Date): Promise<number> {
  const deleted = await db.deleteFrom('observatory_orders').where('status', 'in', ['expired', 'failed']).where('expires_at', '<=', now).executeTakeFirst();
  return Number(deleted.numDeletedRows);
}

/** Orders still waiting or running since before `before` (a job lost, a node stopped mid-way). */
export async function listStalledOrders(db: Q, before: Date): Promise<{ id: number; status: ObservatoryOrderStatus; attempts: number }[]> {
  return db
    .selectFrom('observatory_orders')
    .select(['id', 'status', 'attempts'])
    .where('status', 'in', ['pending', 'running'])
    .where(sql<boolean>`coalesce(started_at, ordered_at) < ${before}`)
    .orderBy('id')
    .limit(100)
    .execute();
}

// ─── What the order form offers, and where a criterion lies ──────────────────────────────────

const NO_FILTER = {};

export async function listDepartmentsIn(db: Q, scope: ObservatoryScope) {
  return db
    .selectFrom('departments as d')
    .select(['d.code', 'd.name'])
    .where(inScope(scope, NO_FILTER, { region: 'd.region_code', department: 'd.code', establishment: null, unit: null }))
    .orderBy('d.code')
    .execute();
}

/** Open establishments of the scope, by name; `limit + 1` rows tell the form there are more. */
export async function listEstablishmentsIn(db: Q, scope: ObservatoryScope, limit: number) {
  return db
    .selectFrom('establishments as e')
    .innerJoin('departments as d', 'd.code', 'e.department_code')
    .select(['e.id', 'e.name', 'e.finess'])
    .where('e.closed_at', 'is', null)
    .where(inScope(scope, NO_FILTER, { region: 'd.region_code', department: 'e.department_code', establishment: 'e.id', unit: null }))
    .orderBy('e.name')
    .orderBy('e.id')
    .limit(limit + 1)
    .execute();
}

export async function listUnitsOf(db: Q, establishmentIds: readonly number[]) {
  if (establishmentIds.length === 0) return [];
  return db
    .selectFrom('units as u')
    .select(['u.id', 'u.name', 'u.establishment_id'])
    .where('u.establishment_id', 'in', [...establishmentIds])
    .where('u.closed_at', 'is', null)
    .orderBy('u.name')
    .execute();
}

export async function listProfiles(db: Q) {
  return db.selectFrom('profiles').select(['id', 'name']).orderBy('name').execute();
}

/** The orientation categories of the ESMS notifications (issue 14), for the Handicap requests' criterion. */
export async function listOrientationCategories(db: Q) {
  return db.selectFrom('esms_orientation_categories').select(['code', 'short_label', 'label']).orderBy('short_label').execute();
}

export async function getOrientationCategory(db: Q, code: string) {
  return db.selectFrom('esms_orientation_categories').select(['code', 'short_label', 'label']).where('code', '=', code).executeTakeFirst();
}

export async function getProfile(db: Q, id: number) {
  return db.selectFrom('profiles').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
}

/** An establishment as a place of the policy, with its label; by id or by FINESS. */
export async function establishmentPlace(db: Q, by: { id?: number; finess?: string }): Promise<{ place: Place; label: string; id: number } | undefined> {
  let query = db
    .selectFrom('establishments as e')
    .innerJoin('departments as d', 'd.code', 'e.department_code')
    .select(['e.id', 'e.name', 'e.finess', 'e.department_code', 'd.region_code']);
  query = by.id !== undefined ? query.where('e.id', '=', by.id) : query.where('e.finess', '=', by.finess ?? '');
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  return { id: row.id, label: `${row.name} (${row.finess})`, place: { level: 'establishment', establishmentId: row.id, departmentCode: row.department_code, regionCode: row.region_code } };
}

export async function unitPlace(db: Q, id: number): Promise<{ place: Place; label: string } | undefined> {
  const row = await db
    .selectFrom('units as u')
    .innerJoin('establishments as e', 'e.id', 'u.establishment_id')
    .innerJoin('departments as d', 'd.code', 'e.department_code')
    .select(['u.id', 'u.name', 'e.id as establishment_id', 'e.name as establishment_name', 'e.department_code', 'd.region_code'])
    .where('u.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    label: `${row.name} – ${row.establishment_name}`,
    place: { level: 'unit', unitId: row.id, establishmentId: row.establishment_id, departmentCode: row.department_code, regionCode: row.region_code },
  };
}

export async function departmentPlace(db: Q, code: string): Promise<{ place: Place; label: string } | undefined> {
  const row = await db.selectFrom('departments').select(['code', 'name', 'region_code']).where('code', '=', code).executeTakeFirst();
  if (!row) return undefined;
  return { label: `${row.code} – ${row.name}`, place: { level: 'department', departmentCode: row.code, regionCode: row.region_code } };
}

/** The names of the places of a scope, for the file's "Paramètres" and the Voir page. */
export async function describeScope(db: Q, scope: ObservatoryScope): Promise<string[]> {
  const [regions, departments, establishments, units] = await Promise.all([
    scope.regionCodes.length ? db.selectFrom('regions').select(['code', 'name']).where('code', 'in', scope.regionCodes).orderBy('code').execute() : [],
    scope.departmentCodes.length ? db.selectFrom('departments').select(['code', 'name']).where('code', 'in', scope.departmentCodes).orderBy('code').execute() : [],
    scope.establishmentIds.length ? db.selectFrom('establishments').select(['name', 'finess']).where('id', 'in', scope.establishmentIds).orderBy('name').execute() : [],
    scope.unitIds.length ? db.selectFrom('units').select(['name']).where('id', 'in', scope.unitIds).orderBy('name').execute() : [],
  ]);
  return [
    ...regions.map((r) => `Région ${r.code} – ${r.name}`),
    ...departments.map((d) => `Département ${d.code} – ${d.name}`),
    ...establishments.map((e) => `${e.name} (${e.finess})`),
    ...units.map((u) => `Unité ${u.name}`),
  ];
}

/** A read-only snapshot for one computation, with the time limit set on the statements. */
export async function inSnapshot<T>(db: Q, timeLimitSeconds: number, work: (trx: Q) => Promise<T>): Promise<T> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      await sql`select set_config('statement_timeout', ${String(timeLimitSeconds * 1000)}, true)`.execute(trx);
      return work(trx);
    });
}
