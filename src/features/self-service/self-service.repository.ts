/**
 * All SQL of "Mon compte" and "Mes référents". Every query about a habilitation, a session or a
 * trusted browser is bound to the signed-in account (`account_id = …`): an id typed into a form
 * never reaches another person's row. Hash columns are selected only by functions whose name says so.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, LocationLevel } from '../../db/schema.js';
export { consumeCode as consumeMobileCode, recordWrongCode as recordWrongMobileCode } from '../../platform/one-time-codes.js';

type Q = Kysely<Database>;

// ─── Account ────────────────────────────────────────────────────────────────────────────────

export async function getAccount(db: Q, accountId: number) {
  return db
    .selectFrom('accounts as a')
    .leftJoin('accounts as c', 'c.id', 'a.created_by_account_id')
    .select([
      'a.id',
      'a.username',
      'a.last_name',
      'a.first_name',
      'a.email',
      'a.email_verified_at',
      'a.phone',
      'a.fax',
      'a.mobile_phone',
      'a.mobile_verified_at',
      'a.profession',
      'a.otp_channel',
      'a.password_changed_at',
      'a.blocked_at',
      'a.deactivated_at',
      'a.created_at',
      'c.first_name as creator_first_name',
      'c.last_name as creator_last_name',
      'c.username as creator_username',
    ])
    .where('a.id', '=', accountId)
    .executeTakeFirst();
}

export type AccountRow = NonNullable<Awaited<ReturnType<typeof getAccount>>>;

/** The account row locked for the transaction that changes it (concurrent edits are serialised). */
export async function lockAccount(db: Q, accountId: number): Promise<void> {
  await db.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().executeTakeFirst();
}

export async function updateIdentity(
  db: Q,
  accountId: number,
  values: { lastName: string; firstName: string; phone: string | null; fax: string | null; profession: string | null },
  now: Date,
): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ last_name: values.lastName, first_name: values.firstName, phone: values.phone, fax: values.fax, profession: values.profession, updated_at: now })
    .where('id', '=', accountId)
    .execute();
}

/** A new mobile number is unverified, and login codes fall back to e-mail (the CHECK of accounts insists). */
export async function setMobile(db: Q, accountId: number, mobile: string | null, now: Date): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ mobile_phone: mobile, mobile_verified_at: null, otp_channel: 'EMAIL', updated_at: now })
    .where('id', '=', accountId)
    .execute();
}

/** Verifies the mobile only if it is still the number the code was sent to. */
export async function markMobileVerified(db: Q, accountId: number, mobile: string, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('accounts')
    .set({ mobile_verified_at: now, updated_at: now })
    .where('id', '=', accountId)
    .where('mobile_phone', '=', mobile)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function setOtpChannel(db: Q, accountId: number, channel: 'EMAIL' | 'SMS', now: Date): Promise<void> {
  await db.updateTable('accounts').set({ otp_channel: channel, updated_at: now }).where('id', '=', accountId).execute();
}

export async function isEmailUsedByAnotherActiveAccount(db: Q, email: string, accountId: number): Promise<boolean> {
  const row = await db
    .selectFrom('accounts')
    .select('id')
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .where('deactivated_at', 'is', null)
    .where('id', '<>', accountId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function setEmail(db: Q, accountId: number, email: string, now: Date): Promise<void> {
  await db.updateTable('accounts').set({ email, email_verified_at: now, updated_at: now }).where('id', '=', accountId).execute();
}

// ─── E-mail changes ─────────────────────────────────────────────────────────────────────────

export async function getPendingEmailChange(db: Q, accountId: number, now: Date) {
  return db
    .selectFrom('email_changes')
    .select(['new_email', 'created_at', 'expires_at'])
    .where('account_id', '=', accountId)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** A new request replaces the pending one: its link stops working. */
export async function consumePendingEmailChanges(db: Q, accountId: number, now: Date): Promise<void> {
  await db.updateTable('email_changes').set({ consumed_at: now }).where('account_id', '=', accountId).where('consumed_at', 'is', null).execute();
}

export async function insertEmailChange(db: Q, change: { tokenHash: Buffer; accountId: number; newEmail: string; now: Date; expiresAt: Date }): Promise<void> {
  await db
    .insertInto('email_changes')
    .values({ token_hash: change.tokenHash, account_id: change.accountId, new_email: change.newEmail, created_at: change.now, expires_at: change.expiresAt })
    .execute();
}

/** The usable change of a link, with its account; `forUpdate` locks it for the transaction that consumes it. */
export async function getUsableEmailChange(db: Q, tokenHash: Buffer, now: Date, options: { forUpdate?: boolean } = {}) {
  let query = db
    .selectFrom('email_changes as c')
    .innerJoin('accounts as a', 'a.id', 'c.account_id')
    .select(['c.account_id', 'c.new_email', 'a.username', 'a.first_name', 'a.last_name', 'a.email', 'a.blocked_at', 'a.deactivated_at'])
    .where('c.token_hash', '=', tokenHash)
    .where('c.consumed_at', 'is', null)
    .where('c.expires_at', '>', now);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function consumeEmailChange(db: Q, tokenHash: Buffer, now: Date): Promise<void> {
  await db.updateTable('email_changes').set({ consumed_at: now }).where('token_hash', '=', tokenHash).execute();
}

/** The cleanup job's part: e-mail changes expired before `before`. */
export async function purgeExpiredEmailChanges(db: Q, before: Date): Promise<number> {
  const result = await db.deleteFrom('email_changes').where('expires_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

// ─── Mobile verification codes ──────────────────────────────────────────────────────────────

export async function listMobileCodeSendTimes(db: Q, accountId: number, since: Date): Promise<Date[]> {
  const rows = await db
    .selectFrom('one_time_codes')
    .select('created_at')
    .where('account_id', '=', accountId)
    .where('purpose', '=', 'mobile_verification')
    .where('created_at', '>', since)
    .execute();
  return rows.map((r) => r.created_at);
}

export async function invalidateMobileCodes(db: Q, accountId: number, now: Date): Promise<void> {
  await db
    .updateTable('one_time_codes')
    .set({ invalidated_at: now })
    .where('account_id', '=', accountId)
    .where('purpose', '=', 'mobile_verification')
    .where('consumed_at', 'is', null)
    .where('invalidated_at', 'is', null)
    .execute();
}

export async function insertMobileCode(db: Q, code: { accountId: number; codeHash: string; destination: string; now: Date; expiresAt: Date }): Promise<void> {
  await db
    .insertInto('one_time_codes')
    .values({
      account_id: code.accountId,
      purpose: 'mobile_verification',
      // Not bound to a session: the login code queries read codes by session, these stay out of their way.
      session_id_hash: null,
      code_hash: code.codeHash,
      channel: 'SMS',
      destination: code.destination,
      created_at: code.now,
      expires_at: code.expiresAt,
    })
    .execute();
}

/** The latest mobile code of the account, with its hash, still unused. */
export async function getLatestMobileCodeWithHash(db: Q, accountId: number) {
  return db
    .selectFrom('one_time_codes')
    .select(['id', 'code_hash', 'destination', 'expires_at', 'attempts', 'invalidated_at'])
    .where('account_id', '=', accountId)
    .where('purpose', '=', 'mobile_verification')
    .where('consumed_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

// ─── Password ───────────────────────────────────────────────────────────────────────────────

export async function setPassword(db: Q, accountId: number, passwordHash: string, now: Date): Promise<void> {
  await db.updateTable('accounts').set({ password_hash: passwordHash, password_changed_at: now, updated_at: now }).where('id', '=', accountId).execute();
  await db.insertInto('password_history').values({ account_id: accountId, password_hash: passwordHash, created_at: now }).execute();
}

// ─── Trusted browsers ──────────────────────────────────────────────────────────

export async function listTrustedBrowsersWithHash(db: Q, accountId: number, now: Date) {
  return db
    .selectFrom('trusted_browsers')
    .select(['browser_hash', 'created_at', 'expires_at'])
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function revokeTrustedBrowser(db: Q, accountId: number, browserHash: Buffer, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('trusted_browsers')
    .set({ revoked_at: now })
    .where('account_id', '=', accountId)
    .where('browser_hash', '=', browserHash)
    .where('revoked_at', 'is', null)
    .returning('account_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Revokes every trusted browser of the account, but `keep` (this browser) when given. Returns how many. */
export async function revokeTrustedBrowsers(db: Q, accountId: number, now: Date, keep: Buffer | null): Promise<number> {
  let query = db.updateTable('trusted_browsers').set({ revoked_at: now }).where('account_id', '=', accountId).where('revoked_at', 'is', null);
  if (keep) query = query.where('browser_hash', '<>', keep);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

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
      sql<string[]>`coalesce((select array_agg(pr.right_code order by pr.right_code) from profile_rights pr where pr.profile_id = p.id), '{}')`.as('rights'),
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

export async function setEmailNotifications(db: Q, accountId: number, habilitationId: number, flag: boolean): Promise<void> {
  await db
    .updateTable('habilitations')
    .set({ email_notifications: flag })
    .where('id', '=', habilitationId)
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is', null)
    .execute();
}

/** Soft delete (R36) by its holder: the row stays, with when and by whom. */
export async function markOwnHabilitationDeleted(db: Q, accountId: number, habilitationId: number, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('habilitations')
    .set({ deleted_at: now, deleted_by_account_id: accountId })
    .where('id', '=', habilitationId)
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
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

/**
 * The people who hold an active `profileCode` habilitation at these places (establishments for
 * REFERENT_STRUCTURE, units for REFERENT_UNITE) on `today`. A blocked or deactivated account
 * cannot act for anyone: it is not offered as a contact.
 */
export async function listReferents(db: Q, profileCode: 'REFERENT_STRUCTURE' | 'REFERENT_UNITE', placeIds: number[], today: string) {
  if (placeIds.length === 0) return [];
  const column = profileCode === 'REFERENT_STRUCTURE' ? 'h.establishment_id' : 'h.unit_id';
  return db
    .selectFrom('habilitations as h')
    .innerJoin('profiles as p', 'p.id', 'h.profile_id')
    .innerJoin('accounts as a', 'a.id', 'h.account_id')
    .select([`${column} as place_id`, 'a.id as account_id', 'a.last_name', 'a.first_name', 'a.email', 'a.phone'])
    .distinct()
    .where('p.code', '=', profileCode)
    .where(column, 'in', placeIds)
    .where('h.deleted_at', 'is', null)
    .where('h.start_date', '<=', today)
    .where('h.end_date', '>=', today)
    .where('a.blocked_at', 'is', null)
    .where('a.deactivated_at', 'is', null)
    .orderBy('a.last_name')
    .orderBy('a.first_name')
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
