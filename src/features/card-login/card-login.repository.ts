/** All SQL of card and e-CPS login: paired identities and the state of external login flows. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { PracticePlace } from './card-login.rules.js';

type Q = Kysely<Database> | Transaction<Database>;

export async function insertFlow(
  db: Q,
  flow: { flowHash: Buffer; kind: string; state: string | null; nonce: string | null; codeVerifier: string | null; returnPath: string; now: Date; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('external_login_flows')
    .values({
      flow_hash: flow.flowHash,
      kind: flow.kind,
      state: flow.state,
      nonce: flow.nonce,
      code_verifier: flow.codeVerifier,
      return_path: flow.returnPath,
      created_at: flow.now,
      expires_at: flow.expiresAt,
    })
    .execute();
}

/** Marks the provider's answer as used, atomically: a second callback with the same flow finds nothing. */
export async function consumeFlowCallback(db: Q, flowHash: Buffer, kind: string, now: Date) {
  return db
    .updateTable('external_login_flows')
    .set({ callback_at: now })
    .where('flow_hash', '=', flowHash)
    .where('kind', '=', kind)
    .where('callback_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['state', 'nonce', 'code_verifier', 'return_path'])
    .executeTakeFirst();
}

export async function recordFlowIdentity(
  db: Q,
  flowHash: Buffer,
  identity: { subject: string; givenName: string | null; familyName: string | null; idToken: string | null; expiresAt: Date; practicePlaces?: PracticePlace[] },
): Promise<void> {
  await db
    .updateTable('external_login_flows')
    .set({
      subject: identity.subject,
      given_name: identity.givenName,
      family_name: identity.familyName,
      id_token: identity.idToken,
      expires_at: identity.expiresAt,
      practice_places: JSON.stringify(identity.practicePlaces ?? []),
    })
    .where('flow_hash', '=', flowHash)
    .execute();
}

/** A flow whose identity was verified by the provider and not used yet. */
export async function getVerifiedFlow(db: Q, flowHash: Buffer, kind: string, now: Date) {
  return db
    .selectFrom('external_login_flows')
    .select(['subject', 'given_name', 'family_name', 'return_path', 'profession', 'practice_places', 'id_token'])
    .where('flow_hash', '=', flowHash)
    .where('kind', '=', kind)
    .where('subject', 'is not', null)
    .where('completed_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Uses the verified identity once (pairing or login), atomically. */
export async function completeFlow(db: Q, flowHash: Buffer, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('external_login_flows')
    .set({ completed_at: now })
    .where('flow_hash', '=', flowHash)
    .where('subject', 'is not', null)
    .where('completed_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('flow_hash')
    .executeTakeFirst();
  return row !== undefined;
}

export async function setFlowSession(db: Q, flowHash: Buffer, sessionIdHash: Buffer): Promise<void> {
  await db.updateTable('external_login_flows').set({ session_id_hash: sessionIdHash }).where('flow_hash', '=', flowHash).execute();
}

/** The ID token that opened this session (end-session hint at logout). */
export async function getIdTokenOfSession(db: Q, sessionIdHash: Buffer): Promise<string | null> {
  const row = await db.selectFrom('external_login_flows').select('id_token').where('session_id_hash', '=', sessionIdHash).executeTakeFirst();
  return row?.id_token ?? null;
}

/** Flows expired before `before`; those bound to a session only once that session cannot live any more. */
export async function deleteExpiredFlows(db: Q, before: Date, sessionsBefore: Date): Promise<void> {
  await db
    .deleteFrom('external_login_flows')
    .where('expires_at', '<', before)
    .where((eb) => eb.or([eb('session_id_hash', 'is', null), eb('created_at', '<', sessionsBefore)]))
    .execute();
}

const ACCOUNT_COLUMNS = [
  'a.id',
  'a.username',
  'a.first_name',
  'a.last_name',
  'a.blocked_at',
  'a.deactivated_at',
  'a.password_changed_at',
  'a.terms_version_accepted',
  'a.rpps',
  'a.email',
] as const;

export async function getAccountByIdentity(db: Q, kind: string, subject: string) {
  return db
    .selectFrom('professional_identities as i')
    .innerJoin('accounts as a', 'a.id', 'i.account_id')
    .select(ACCOUNT_COLUMNS)
    .where('i.kind', '=', kind)
    .where('i.subject', '=', subject)
    .executeTakeFirst();
}

export async function getAccount(db: Q, accountId: number) {
  return db.selectFrom('accounts as a').select(ACCOUNT_COLUMNS).where('a.id', '=', accountId).executeTakeFirst();
}

export async function listIdentitiesOfAccount(db: Q, accountId: number) {
  return db.selectFrom('professional_identities').select(['kind', 'subject', 'paired_at', 'last_login_at']).where('account_id', '=', accountId).execute();
}

// ─── R14: liberal professionals ─────────────────────────────────────────────────────────────

export async function insertLiberalPractice(db: Q, values: { accountId: number; specialty: string | null; address: string; postcode: string; city: string; now: Date }): Promise<void> {
  await db
    .insertInto('liberal_practices')
    .values({ account_id: values.accountId, specialty: values.specialty, address: values.address, postcode: values.postcode, city: values.city, created_at: values.now })
    .execute();
}

export async function insertEmailValidation(db: Q, values: { tokenHash: Buffer; accountId: number; email: string; now: Date; expiresAt: Date }): Promise<void> {
  await db
    .insertInto('email_validations')
    .values({ token_hash: values.tokenHash, account_id: values.accountId, email: values.email, created_at: values.now, expires_at: values.expiresAt })
    .execute();
}

/** Uses the link once, atomically; only while the account still has that address. */
export async function consumeEmailValidation(db: Q, tokenHash: Buffer, now: Date) {
  return db
    .updateTable('email_validations as v')
    .set({ consumed_at: now })
    .from('accounts as a')
    .whereRef('a.id', '=', 'v.account_id')
    .whereRef('a.email', '=', 'v.email')
    .where('v.token_hash', '=', tokenHash)
    .where('v.consumed_at', 'is', null)
    .where('v.expires_at', '>', now)
    .returning(['v.account_id', 'a.first_name', 'a.last_name', 'a.username'])
    .executeTakeFirst();
}

/** R12: a card login's flow starts already verified (the TLS handshake was the proof). */
export async function insertVerifiedFlow(
  db: Q,
  flow: { flowHash: Buffer; kind: string; subject: string; givenName: string | null; familyName: string | null; profession: string | null; returnPath: string; now: Date; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('external_login_flows')
    .values({
      flow_hash: flow.flowHash,
      kind: flow.kind,
      state: null,
      nonce: null,
      code_verifier: null,
      created_at: flow.now,
      expires_at: flow.expiresAt,
      callback_at: flow.now,
      subject: flow.subject,
      given_name: flow.givenName,
      family_name: flow.familyName,
      profession: flow.profession,
      return_path: flow.returnPath,
    })
    .execute();
}
