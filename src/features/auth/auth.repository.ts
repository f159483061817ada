/** All SQL of authentication. Hash columns are selected only by functions whose name says so. */
import { sql, type InferResult, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { AttemptCount, WindowCount } from '../../platform/rate-limit.js';

type Q = Kysely<Database>;

const LOGIN_COLUMNS = [
  'id',
  'username',
  'first_name',
  'last_name',
  'email',
  'mobile_phone',
  'mobile_verified_at',
  'otp_channel',
  'blocked_at',
  'deactivated_at',
  'password_changed_at',
  'terms_version_accepted',
  'failed_login_count',
] as const;

function loginAccountWithPasswordHash(db: Q, username: string | null) {
  return db
    .selectFrom('accounts')
    .select([...LOGIN_COLUMNS, 'password_hash'])
    .where(sql<string>`lower(username)`, '=', username);
}

export type LoginAccountWithPasswordHash = InferResult<ReturnType<typeof loginAccountWithPasswordHash>>[number];

/**
 * The password step's one round trip before the hash (R01, R02): counts this attempt of the
 * address, reads the address's recent failures and the account with its password hash (none for a
 * null username). The two counts are the rate-limit module's queries; the account is read even when
 * they refuse the attempt, one round trip either way.
 */
export async function countAttemptAndGetLoginAccountWithPasswordHash(
  db: Q,
  username: string | null,
  counts: { attempt: AttemptCount; failures: WindowCount },
): Promise<{ attempts: number; failures: number; account: LoginAccountWithPasswordHash | undefined }> {
  const { attempts, failures, ...account } = await db
    .with('attempt', () => counts.attempt)
    .selectFrom('attempt')
    .leftJoin(loginAccountWithPasswordHash(db, username).as('account'), (join) => join.onTrue())
    .select((eb) => [eb.ref('attempt.count').as('attempts'), counts.failures.as('failures')])
    .selectAll('account')
    .executeTakeFirstOrThrow();
  // The left join types every column as nullable; a row found has them as stored.
  return { attempts, failures: failures ?? 0, account: account.id === null ? undefined : (account as LoginAccountWithPasswordHash) };
}

export async function getLoginAccountByUsername(db: Q, username: string) {
  return db.selectFrom('accounts').select(LOGIN_COLUMNS).where(sql<string>`lower(username)`, '=', username).executeTakeFirst();
}

export async function getLoginAccount(db: Q, accountId: number) {
  return db.selectFrom('accounts').select(LOGIN_COLUMNS).where('id', '=', accountId).executeTakeFirst();
}

export type LoginAccount = NonNullable<Awaited<ReturnType<typeof getLoginAccount>>>;

export async function getPasswordHash(db: Q, accountId: number): Promise<string | null> {
  const row = await db.selectFrom('accounts').select('password_hash').where('id', '=', accountId).executeTakeFirst();
  return row?.password_hash ?? null;
}

export async function isBrowserTrusted(db: Q, browserHash: Buffer, accountId: number, now: Date): Promise<boolean> {
  const row = await db
    .selectFrom('trusted_browsers')
    .select('account_id')
    .where('browser_hash', '=', browserHash)
    .where('account_id', '=', accountId)
    .where('expires_at', '>', now)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

export async function trustBrowser(db: Q, browserHash: Buffer, accountId: number, now: Date, expiresAt: Date): Promise<void> {
  await db
    .insertInto('trusted_browsers')
    .values({ browser_hash: browserHash, account_id: accountId, created_at: now, expires_at: expiresAt })
    .onConflict((oc) => oc.columns(['browser_hash', 'account_id']).doUpdateSet({ created_at: now, expires_at: expiresAt, revoked_at: null }))
    .execute();
}

/** The browsers this account trusts (R05), with their hashes (pages show only a keyed reference of them). */
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
export async function revokeTrustedBrowsers(db: Q, accountId: number, now: Date, keep: Buffer | null = null): Promise<number> {
  let query = db.updateTable('trusted_browsers').set({ revoked_at: now }).where('account_id', '=', accountId).where('revoked_at', 'is', null);
  if (keep) query = query.where('browser_hash', '<>', keep);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** R08: every password an account chose, as its hash: the last ones cannot be chosen again. */
export async function addPasswordHistory(db: Q, accountId: number, passwordHash: string, now: Date): Promise<void> {
  await db.insertInto('password_history').values({ account_id: accountId, password_hash: passwordHash, created_at: now }).execute();
}

/** The current and former password hashes, newest first (R08: no reuse of the last ones). */
export async function listRecentPasswordHashes(db: Q, accountId: number, depth: number): Promise<string[]> {
  const current = await getPasswordHash(db, accountId);
  const history = await db
    .selectFrom('password_history')
    .select('password_hash')
    .where('account_id', '=', accountId)
    .orderBy('id', 'desc')
    .limit(depth)
    .execute();
  // The history holds the current hash too once it was set here: count each password once.
  return [...new Set([...(current ? [current] : []), ...history.map((h) => h.password_hash)])].slice(0, depth);
}

export async function insertToken(
  db: Q,
  token: { tokenHash: Buffer; accountId: number; purpose: 'activation' | 'password_reset'; now: Date; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('account_tokens')
    .values({ token_hash: token.tokenHash, account_id: token.accountId, purpose: token.purpose, created_at: token.now, expires_at: token.expiresAt })
    .execute();
}

/** A usable token (not consumed, not expired), locked for the transaction that consumes it. */
export async function getUsableTokenForUpdate(db: Q, tokenHash: Buffer, purpose: 'activation' | 'password_reset', now: Date) {
  return db
    .selectFrom('account_tokens')
    .select(['account_id', 'expires_at'])
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now)
    .forUpdate()
    .executeTakeFirst();
}

/** The account of a usable link (not consumed, not expired) of this purpose. */
export async function getAccountOfUsableToken(db: Q, tokenHash: Buffer, purpose: 'activation' | 'password_reset', now: Date) {
  return db
    .selectFrom('account_tokens as t')
    .innerJoin('accounts as a', 'a.id', 't.account_id')
    .select(['a.id', 'a.username', 'a.first_name', 'a.last_name'])
    .where('t.token_hash', '=', tokenHash)
    .where('t.purpose', '=', purpose)
    .where('t.consumed_at', 'is', null)
    .where('t.expires_at', '>', now)
    .executeTakeFirst();
}

export async function consumeToken(db: Q, tokenHash: Buffer, now: Date): Promise<void> {
  await db.updateTable('account_tokens').set({ consumed_at: now }).where('token_hash', '=', tokenHash).execute();
}

/** A new link replaces the older ones of the same purpose. */
export async function consumeAccountTokens(db: Q, accountId: number, purpose: 'activation' | 'password_reset', now: Date): Promise<void> {
  await db
    .updateTable('account_tokens')
    .set({ consumed_at: now })
    .where('account_id', '=', accountId)
    .where('purpose', '=', purpose)
    .where('consumed_at', 'is', null)
    .execute();
}

// ─── Paired identities (R12, R13, R16): credentials of the account, like its password ──────────

export async function insertIdentity(db: Q, identity: { kind: string; subject: string; accountId: number; now: Date }): Promise<void> {
  await db
    .insertInto('professional_identities')
    .values({ kind: identity.kind, subject: identity.subject, account_id: identity.accountId, paired_at: identity.now, last_login_at: identity.now })
    .execute();
}

export async function touchIdentity(db: Q, kind: string, subject: string, now: Date): Promise<void> {
  await db.updateTable('professional_identities').set({ last_login_at: now }).where('kind', '=', kind).where('subject', '=', subject).execute();
}

/** Card, e-CPS and partner identities paired with the account end with a password reset. */
export async function deleteExternalIdentities(db: Q, accountId: number): Promise<number> {
  const result = await db.deleteFrom('professional_identities').where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The cleanup job's part: trusted browsers and single-use links expired before `before`. */
export async function purgeExpiredBrowsersAndTokens(db: Q, before: Date): Promise<{ browsers: number; tokens: number }> {
  const browsers = await db.deleteFrom('trusted_browsers').where('expires_at', '<', before).executeTakeFirst();
  const tokens = await db.deleteFrom('account_tokens').where('expires_at', '<', before).executeTakeFirst();
  return { browsers: Number(browsers.numDeletedRows), tokens: Number(tokens.numDeletedRows) };
}
