/**
 * THE owner of the `accounts` table: every write to an account goes through here, whoever makes it
 * (login counters, passwords and terms for auth, "Mon compte", referents, card and e-CPS account
 * creation, grants that reactivate, the system that deactivates). Callers pass a transaction when
 * the change must commit with its audit event. The password hash is never selected here.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

type Q = Kysely<Database>;

// ─── Creation ───────────────────────────────────────────────────────────────────────────────

export async function listUsernamesLike(db: Q, prefix: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('accounts')
    .select('username')
    .where(sql<string>`lower(username)`, 'like', `${prefix.replace(/[%_\\]/g, '\\$&')}%`)
    .execute();
  return new Set(rows.map((r) => r.username.toLowerCase()));
}

/** An account created by a referent (R21): no password yet, the activation link sets it (R11). */
export async function insertAccount(
  db: Q,
  values: {
    username: string;
    lastName: string;
    firstName: string;
    email: string;
    phone: string | null;
    mobilePhone?: string | null;
    profession: string | null;
    createdBy: number | null;
    now: Date;
  },
) {
  return db
    .insertInto('accounts')
    .values({
      username: values.username,
      last_name: values.lastName,
      first_name: values.firstName,
      email: values.email,
      phone: values.phone,
      mobile_phone: values.mobilePhone ?? null,
      profession: values.profession,
      created_by_account_id: values.createdBy,
      created_at: values.now,
      updated_at: values.now,
    })
    .returning(['id', 'username', 'email', 'first_name', 'last_name'])
    .executeTakeFirstOrThrow();
}

/**
 * An account its holder creates from a verified card or e-CPS identity: a liberal professional (R14,
 * e-mail to validate) or an invited assistant (R15, e-mail verified by the invitation link).
 */
export async function insertSelfCreatedAccount(
  db: Q,
  values: {
    username: string;
    rpps: string | null;
    lastName: string;
    firstName: string;
    email: string;
    emailVerifiedAt: Date | null;
    phone: string | null;
    profession: string;
    passwordHash: string;
    now: Date;
  },
) {
  return db
    .insertInto('accounts')
    .values({
      username: values.username,
      rpps: values.rpps,
      last_name: values.lastName,
      first_name: values.firstName,
      email: values.email,
      email_verified_at: values.emailVerifiedAt,
      phone: values.phone,
      profession: values.profession,
      password_hash: values.passwordHash,
      password_changed_at: values.now,
      created_at: values.now,
      updated_at: values.now,
    })
    .returning(['id', 'username', 'first_name', 'last_name', 'email', 'email_verified_at', 'password_changed_at', 'terms_version_accepted'])
    .executeTakeFirstOrThrow();
}

export async function isUsernameTaken(db: Q, username: string): Promise<boolean> {
  const row = await db.selectFrom('accounts').select('id').where(sql<string>`lower(username)`, '=', username.toLowerCase()).executeTakeFirst();
  return row !== undefined;
}

/**
 * R21: accounts whose folded last and first names are exactly these (a btree range of search_text,
 * which starts with "last first "), for the homonym warning at creation.
 */
export async function listHomonyms(db: Q, lastNameFold: string, firstNameFold: string, limit = 10) {
  const escape = (w: string) => w.replace(/[%_\\]/g, '\\$&');
  return db
    .selectFrom('accounts')
    .select(['id', 'first_name', 'last_name', 'username', 'email'])
    .where('search_text', 'like', `${escape(lastNameFold)} ${escape(firstNameFold)} %`)
    .orderBy('search_text')
    .limit(limit)
    .execute();
}

/** R12, R13: the account's RPPS, recorded at its first card or e-CPS pairing; never replaced. False when it already had one. */
export async function recordRpps(db: Q, accountId: number, rpps: string): Promise<boolean> {
  const result = await db.updateTable('accounts').set({ rpps }).where('id', '=', accountId).where('rpps', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function isRppsTaken(db: Q, rpps: string): Promise<boolean> {
  return (await db.selectFrom('accounts').select('id').where('rpps', '=', rpps).executeTakeFirst()) !== undefined;
}

/** Is this e-mail the address of an active account (other than `exceptId`)? R20: one address, one active account. */
export async function findActiveAccountByEmail(db: Q, email: string, exceptId?: number) {
  let query = db
    .selectFrom('accounts')
    .select(['id', 'username'])
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .where('deactivated_at', 'is', null);
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
  return query.executeTakeFirst();
}

// ─── Reading ────────────────────────────────────────────────────────────────────────────────

/**
 * One account as its pages show it (R22–R24, R41): identity, states and who created it; never a
 * hash. The caller adds its `where` (and its own columns).
 */
export function accountWithCreator(db: Q) {
  return db
    .selectFrom('accounts as a')
    .leftJoin('accounts as creator', 'creator.id', 'a.created_by_account_id')
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
      'a.failed_login_count',
      'a.created_at',
      'creator.first_name as creator_first_name',
      'creator.last_name as creator_last_name',
      'creator.username as creator_username',
    ]);
}

// ─── Identity ───────────────────────────────────────────────────────────────────────────────

/** The account row locked for the transaction that changes it (concurrent edits are serialised). */
export async function lockAccount(db: Q, accountId: number): Promise<void> {
  await db.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().executeTakeFirst();
}

export async function updateIdentity(
  db: Q,
  accountId: number,
  values: { lastName: string; firstName: string; phone: string | null; fax?: string | null; profession: string | null },
  now: Date,
): Promise<void> {
  await db
    .updateTable('accounts')
    .set({
      last_name: values.lastName,
      first_name: values.firstName,
      phone: values.phone,
      ...(values.fax !== undefined ? { fax: values.fax } : {}),
      profession: values.profession,
      updated_at: now,
    })
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

/** A new address, validated by its owner's link: it is verified at once. */
export async function setEmail(db: Q, accountId: number, email: string, now: Date): Promise<void> {
  await db.updateTable('accounts').set({ email, email_verified_at: now, updated_at: now }).where('id', '=', accountId).execute();
}

export async function markEmailVerified(db: Q, accountId: number, now: Date): Promise<void> {
  await db.updateTable('accounts').set({ email_verified_at: now, updated_at: now }).where('id', '=', accountId).execute();
}

// ─── Password and login state (R02, R08, R09, R11) ──────────────────────────────────────────

/** The new hash and its date; activation (R11) also verifies the e-mail the link reached. */
export async function setPasswordHash(db: Q, accountId: number, passwordHash: string, now: Date, extra: { verifyEmail?: boolean } = {}): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ password_hash: passwordHash, password_changed_at: now, updated_at: now, ...(extra.verifyEmail ? { email_verified_at: now } : {}) })
    .where('id', '=', accountId)
    .execute();
}

/**
 * R02, atomically: one more failure, and the block at the fifth. The row lock of the UPDATE
 * serialises parallel attempts; once blocked, the WHERE stops counting, so the counter stays at 5
 * and exactly one attempt sees `blockedNow`.
 */
export async function recordFailedLogin(db: Q, accountId: number, now: Date, max: number) {
  const row = await db
    .updateTable('accounts')
    .set({
      failed_login_count: sql`failed_login_count + 1`,
      blocked_at: sql`case when failed_login_count + 1 >= ${max} then ${now}::timestamptz else null end`,
    })
    .where('id', '=', accountId)
    .where('blocked_at', 'is', null)
    .returning(['failed_login_count', 'blocked_at'])
    .executeTakeFirst();
  return { counted: row !== undefined, blockedNow: row?.blocked_at != null };
}

/** A correct password resets the counter, unless the account got blocked meanwhile. */
export async function resetFailedLogins(db: Q, accountId: number): Promise<boolean> {
  const row = await db
    .updateTable('accounts')
    .set({ failed_login_count: 0 })
    .where('id', '=', accountId)
    .where('blocked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** R11: the acceptance of a version of the terms of use. */
export async function acceptTerms(db: Q, accountId: number, version: string, now: Date): Promise<void> {
  await db.updateTable('accounts').set({ terms_version_accepted: version, terms_accepted_at: now }).where('id', '=', accountId).execute();
}

// ─── States (R03, R23) ──────────────────────────────────────────────────────────────────────

/** Blocks (a date) or unblocks (null); the failure counter restarts. False when already in that state. */
export async function setBlocked(db: Q, accountId: number, blockedAt: Date | null): Promise<boolean> {
  const row = await db
    .updateTable('accounts')
    .set({ blocked_at: blockedAt, failed_login_count: 0 })
    .where('id', '=', accountId)
    .where('blocked_at', blockedAt ? 'is' : 'is not', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Deactivates (a date) or reactivates (null). False when already in that state. */
export async function setDeactivated(db: Q, accountId: number, deactivatedAt: Date | null): Promise<boolean> {
  const row = await db
    .updateTable('accounts')
    .set({ deactivated_at: deactivatedAt })
    .where('id', '=', accountId)
    .where('deactivated_at', deactivatedAt ? 'is' : 'is not', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * R23: active accounts older than `createdBefore` with no habilitation that is not deleted and not
 * ended before `today`, locked (skipping those another node holds), at most `limit`. A liberal
 * professional's account (R14) lives by its card or e-CPS, not by habilitations; so does an
 * assistant's (R15) while an active professional's delegation to it is active.
 */
export async function lockAccountsWithoutValidHabilitation(db: Q, at: { today: string; createdBefore: Date }, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('accounts as a')
    .select('a.id')
    .where('a.deactivated_at', 'is', null)
    .where('a.created_at', '<', at.createdBefore)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('habilitations as h').select('h.id').whereRef('h.account_id', '=', 'a.id').where('h.deleted_at', 'is', null).where('h.end_date', '>=', at.today))),
    )
    .where((eb) => eb.not(eb.exists(eb.selectFrom('liberal_practices as lp').select('lp.account_id').whereRef('lp.account_id', '=', 'a.id'))))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('assistant_delegations as d')
            .innerJoin('accounts as p', 'p.id', 'd.professional_account_id')
            .select('d.id')
            .whereRef('d.assistant_account_id', '=', 'a.id')
            .where('d.status', '=', 'active')
            .where('p.deactivated_at', 'is', null),
        ),
      ),
    )
    .orderBy('a.id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map((r) => r.id);
}
