/**
 * All SQL of "Mon compte" and "Mes référents". Every query about a habilitation, a session or a
 * trusted browser is bound to the signed-in account (`account_id = …`): an id typed into a form
 * never reaches another person's row. Hash columns are selected only by functions whose name says so.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, LocationLevel } from '../../db/schema.js';
import { accountWithCreator } from '../accounts/account.repository.js';
import { profileRights } from '../habilitations/habilitation.repository.js';

type Q = Kysely<Database>;

// ─── Account ────────────────────────────────────────────────────────────────────────────────

/** The signed-in account, as Mon compte shows it. */
export async function getAccount(db: Q, accountId: number) {
  return accountWithCreator(db).where('a.id', '=', accountId).executeTakeFirst();
}

export type AccountRow = NonNullable<Awaited<ReturnType<typeof getAccount>>>;

// ─── Habilitations ──────────────────────────────────────────────────────────────────────────

function habilitationsWithPlaces(db: Q) {
  return db
    .selectFrom('habilitations as h')
    .innerJoin('profiles as p', 'p.id', 'h.profile_id')
    .leftJoin('units as u', 'u.id', 'h.unit_id')
    .leftJoin('establishments as e', (join) => join.on(sql<boolean>`e.id = coalesce(h.establishment_id, u.establishment_id)`))
    .leftJoin('departments as d', 'd.code', 'h.department_code')
    .leftJoin('regions as r', 'r.code', 'h.region_code')
    .select([
      'h.id',
      'h.account_id',
      'p.code as profile_code',
      'p.name as profile_name',
      'h.start_date',
      'h.end_date',
      'h.email_notifications',
      'h.created_at',
      'h.deleted_at',
      'h.unit_id',
      'u.name as unit_name',
      'e.id as establishment_id',
      'e.name as establishment_name',
      'h.department_code',
      'd.name as department_name',
      'h.region_code',
      'r.name as region_name',
      sql<LocationLevel>`case when h.unit_id is not null then 'unit' when h.establishment_id is not null then 'establishment'
        when h.department_code is not null then 'department' else 'region' end`.as('level'),
      profileRights().as('rights'),
    ]);
}

/** Every habilitation of the account, deleted and expired ones included (R36: they stay visible). */
export async function listHabilitations(db: Q, accountId: number) {
  return habilitationsWithPlaces(db)
    .where('h.account_id', '=', accountId)
    .orderBy(sql`h.deleted_at is not null`)
    .orderBy('h.end_date', 'desc')
    .orderBy('h.id')
    .execute();
}

export type HabilitationRow = Awaited<ReturnType<typeof listHabilitations>>[number];

/** One habilitation of the account (never another person's), locked when asked. */
export async function getOwnHabilitation(db: Q, accountId: number, habilitationId: number, options: { forUpdate?: boolean } = {}) {
  let query = habilitationsWithPlaces(db).where('h.id', '=', habilitationId).where('h.account_id', '=', accountId);
  if (options.forUpdate) query = query.forUpdate('h');
  return query.executeTakeFirst();
}

/** Active habilitations of the account on `today`, with their places (R42). */
export async function listActiveHabilitations(db: Q, accountId: number, today: string) {
  return habilitationsWithPlaces(db)
    .where('h.account_id', '=', accountId)
    .where('h.deleted_at', 'is', null)
    .where('h.start_date', '<=', today)
    .where('h.end_date', '>=', today)
    .orderBy('e.name')
    .orderBy('h.id')
    .execute();
}

// ─── History ────────────────────────────────────────────────────────────────────────────────

export async function countHistory(db: Q, accountId: number): Promise<number> {
  const row = await db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).where('subject_account_id', '=', accountId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The account's history, newest first (R24: the same entries the referent sees). */
export async function listHistory(db: Q, accountId: number, limit: number, offset: number) {
  return db
    .selectFrom('audit_events')
    .select(['id', 'occurred_at', 'description', 'actor_label'])
    .where('subject_account_id', '=', accountId)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}
