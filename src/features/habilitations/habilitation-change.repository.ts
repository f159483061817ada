/**
 * SQL of the changes to one habilitation (end date, deletion) that `habilitation.service.ts` makes
 * for the review and for the account page. Kept apart from `habilitation.repository.ts` (the grants
 * the session loads) so that each query set stays small and findable.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, LocationLevel } from '../../db/schema.js';
import type { PlaceFacts, ProfileFacts } from './habilitation.policy.js';

type Q = Kysely<Database>;

export interface LockedHabilitation {
  id: number;
  accountId: number;
  /** The holder, as pages name them. */
  holder: { firstName: string; lastName: string; username: string };
  profileCode: string;
  profileName: string;
  /** The profile as the policy checks it (R33): domain, level, who may grant it. */
  profile: ProfileFacts;
  startDate: string;
  endDate: string;
  deletedAt: Date | null;
  /** Where it applies, with the chain of places that contain it and its structure's domain (for the policy). */
  place: PlaceFacts;
  /** "Cardiologie – CHU de Montpellier", "CHU de Montpellier", "Hérault", "Occitanie". */
  locationLabel: string;
}

/**
 * One habilitation with its place, its row locked until the end of the transaction: concurrent
 * changes of the same habilitation wait for each other and each reads the value the previous one
 * committed, so none is lost and each audit event shows the real "before".
 */
export async function getHabilitationForUpdate(trx: Q, habilitationId: number): Promise<LockedHabilitation | undefined> {
  return getHabilitation(trx, habilitationId, true);
}

/** The same, without a lock: what the confirmation pages show. */
export async function getHabilitation(db: Q, habilitationId: number, lock = false): Promise<LockedHabilitation | undefined> {
  const query = db
    .selectFrom('habilitations as h')
    .innerJoin('accounts as a', 'a.id', 'h.account_id')
    .innerJoin('profiles as p', 'p.id', 'h.profile_id')
    .leftJoin('units as u', 'u.id', 'h.unit_id')
    .leftJoin('establishments as e', (join) => join.on(sql<boolean>`e.id = coalesce(h.establishment_id, u.establishment_id)`))
    .leftJoin('departments as d', (join) => join.on(sql<boolean>`d.code = coalesce(h.department_code, e.department_code)`))
    .leftJoin('regions as r', (join) => join.on(sql<boolean>`r.code = coalesce(h.region_code, d.region_code)`))
    .select([
      'h.id',
      'h.account_id',
      'a.first_name',
      'a.last_name',
      'a.username',
      'p.code as profile_code',
      'p.name as profile_name',
      'p.domain_code as profile_domain',
      'p.location_level as profile_level',
      sql<string[]>`coalesce((select array_agg(gp.code) from profile_grantors g join profiles gp on gp.id = g.grantor_profile_id where g.profile_id = p.id), '{}')`.as('grantor_codes'),
      'h.start_date',
      'h.end_date',
      'h.deleted_at',
      'h.unit_id',
      'u.name as unit_name',
      'e.id as establishment_id',
      'e.name as establishment_name',
      'e.domain_code as establishment_domain',
      'd.code as department_code',
      'd.name as department_name',
      'r.code as region_code',
      'r.name as region_name',
      sql<LocationLevel>`case when h.unit_id is not null then 'unit' when h.establishment_id is not null then 'establishment'
        when h.department_code is not null then 'department' else 'region' end`.as('level'),
    ])
    .where('h.id', '=', habilitationId);
  const row = await (lock ? query.forUpdate('h') : query).executeTakeFirst();
  if (!row) return undefined;
  const locationLabel =
    row.level === 'unit'
      ? `${row.unit_name ?? ''} – ${row.establishment_name ?? ''}`
      : row.level === 'establishment'
        ? (row.establishment_name ?? '')
        : row.level === 'department'
          ? (row.department_name ?? row.department_code ?? '')
          : (row.region_name ?? row.region_code ?? '');
  return {
    id: row.id,
    accountId: row.account_id,
    holder: { firstName: row.first_name, lastName: row.last_name, username: row.username },
    profileCode: row.profile_code,
    profileName: row.profile_name,
    profile: { code: row.profile_code, domain: row.profile_domain, level: row.profile_level, grantorCodes: row.grantor_codes },
    startDate: row.start_date,
    endDate: row.end_date,
    deletedAt: row.deleted_at,
    place: {
      level: row.level,
      unitId: row.unit_id,
      establishmentId: row.establishment_id,
      departmentCode: row.department_code,
      regionCode: row.region_code,
      domain: row.establishment_domain,
    },
    locationLabel,
  };
}

export async function setEndDate(trx: Q, habilitationId: number, endDate: string): Promise<void> {
  await trx.updateTable('habilitations').set({ end_date: endDate }).where('id', '=', habilitationId).execute();
}

/** Soft delete (R36): the row stays, with when and by whom. */
export async function markDeleted(trx: Q, habilitationId: number, at: Date, byAccountId: number): Promise<void> {
  await trx
    .updateTable('habilitations')
    .set({ deleted_at: at, deleted_by_account_id: byAccountId })
    .where('id', '=', habilitationId)
    .where('deleted_at', 'is', null)
    .execute();
}

/** R40: the e-mail flag of one of the account's own habilitations that is not deleted. */
export async function setOwnEmailNotifications(trx: Q, accountId: number, habilitationId: number, flag: boolean): Promise<void> {
  await trx
    .updateTable('habilitations')
    .set({ email_notifications: flag })
    .where('id', '=', habilitationId)
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is', null)
    .execute();
}

/** Soft delete (R36) by its holder: the row stays, with when and by whom; false when it was already deleted. */
export async function markOwnDeleted(trx: Q, accountId: number, habilitationId: number, at: Date): Promise<boolean> {
  const row = await trx
    .updateTable('habilitations')
    .set({ deleted_at: at, deleted_by_account_id: accountId })
    .where('id', '=', habilitationId)
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
