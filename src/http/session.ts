/**
 * Server-side sessions. The browser holds a random 256-bit id in an HttpOnly cookie; the database
 * holds only its SHA-256, so a leaked sessions table opens nothing. A session expires after an idle
 * period and at an absolute deadline; it is replaced (rotated) at login and at every privilege change.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { loginMethodLabel, recordLogin } from '../platform/metrics.js';
import { sql, type Insertable } from 'kysely';
import type { Deps } from '../deps.js';
import { isLocalBaseUrl, type Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { SessionTable } from '../db/schema.js';
import { randomToken, sha256 } from '../platform/crypto.js';
import { parisDate } from '../platform/clock.js';
import type { Principal } from '../features/habilitations/habilitation.policy.js';
import { listActiveGrants } from '../features/habilitations/habilitation.repository.js';
import { delegationContextColumns } from '../features/assistants/assistants.repository.js';
import type { Delegation } from '../features/habilitations/habilitation.policy.js';

/** `__Host-` binds the cookie to this exact origin over https; plain name on http://localhost. */
export function sessionCookieName(config: Config): string {
  return isLocalBaseUrl(config) ? 'habilis_session' : '__Host-habilis_session';
}

export function cookieOptions(config: Config) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: !isLocalBaseUrl(config) };
}

/** last_seen_at is written at most once a minute per session: reads stay reads. */
const TOUCH_INTERVAL_MS = 60_000;

export type PendingStep = 'password_change' | 'terms';

/** The session a request carries, whatever its strength. */
export interface AuthSession {
  idHash: Buffer;
  accountId: number;
  strength: 'password' | 'strong';
  /** How it was opened: 'password+otp', 'trusted-browser', 'cps', 'psc', 'partner:…' (R15: accepting an invitation needs 'cps' or 'psc'). */
  authMethod: string;
  pendingStep: PendingStep | null;
  viewer: Principal['viewer'];
  /** R14, R15: read with the session, for the principal (a liberal professional; the delegations held as an assistant). */
  liberal: boolean;
  delegations: Delegation[];
}

const delegationContext = delegationContextColumns(sql<number>`a.id`);

export async function loadSession(deps: Deps, request: FastifyRequest): Promise<AuthSession | null> {
  const token = request.cookies[sessionCookieName(deps.config)];
  if (!token || token.length > 100) return null;
  const now = deps.clock.now();
  const idleLimit = new Date(now.getTime() - deps.config.sessionIdleMinutes * 60_000);
  const row = await deps.db
    .selectFrom('sessions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .select(['s.id_hash', 's.strength', 's.auth_method', 's.pending_step', 's.last_seen_at', 'a.id as account_id', 'a.first_name', 'a.last_name', 'a.username'])
    .select([delegationContext.liberal.as('liberal'), delegationContext.delegations.as('delegations')])
    .where('s.id_hash', '=', sha256(token))
    .where('s.expires_at', '>', now)
    .where('s.last_seen_at', '>', idleLimit)
    .where('a.blocked_at', 'is', null)
    .where('a.deactivated_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  if (now.getTime() - row.last_seen_at.getTime() > TOUCH_INTERVAL_MS) {
    await deps.db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', row.id_hash).execute();
  }
  return {
    idHash: row.id_hash,
    accountId: row.account_id,
    strength: row.strength,
    authMethod: row.auth_method,
    pendingStep: row.pending_step,
    viewer: { firstName: row.first_name, lastName: row.last_name, username: row.username },
    liberal: row.liberal,
    delegations: row.delegations,
  };
}

/** The principal of a session: only a strong session with no step left has one (R06). */
export async function loadPrincipal(deps: Deps, session: AuthSession | null): Promise<Principal | null> {
  if (!session || session.strength !== 'strong' || session.pendingStep) return null;
  const grants = await listActiveGrants(deps.db, session.accountId, parisDate(deps.clock.now()));
  const { liberal, delegations } = session;
  return {
    accountId: session.accountId,
    viewer: { ...session.viewer, rights: [...new Set(grants.flatMap((g) => g.rights))], liberal, assistant: delegations.length > 0 },
    strength: session.strength,
    grants,
    liberal,
    delegations,
  };
}

export interface SessionSpec {
  accountId: number;
  strength: 'password' | 'strong';
  authMethod: string;
  pendingStep?: PendingStep | null;
}

/** A session not yet written: its random id (for the cookie only), the id's hash and its row. */
export interface NewSession {
  token: string;
  idHash: Buffer;
  row: Insertable<SessionTable>;
}

export function newSession(deps: Deps, request: FastifyRequest, session: SessionSpec): NewSession {
  const token = randomToken();
  const idHash = sha256(token);
  const now = deps.clock.now();
  return {
    token,
    idHash,
    row: {
      id_hash: idHash,
      account_id: session.accountId,
      strength: session.strength,
      auth_method: session.authMethod,
      created_at: now,
      last_seen_at: now,
      expires_at: new Date(now.getTime() + deps.config.sessionAbsoluteHours * 3_600_000),
      ip: request.ip,
      user_agent: (request.headers['user-agent'] ?? '').slice(0, 300),
      pending_step: session.pendingStep ?? null,
    },
  };
}

/** The INSERT of a new session, unexecuted: the login writes it in one statement with its first code. */
export function sessionInsert(db: Db, session: NewSession) {
  return db.insertInto('sessions').values(session.row);
}

export function setSessionCookie(deps: Deps, reply: FastifyReply, session: NewSession): void {
  reply.setCookie(sessionCookieName(deps.config), session.token, {
    ...cookieOptions(deps.config),
    maxAge: deps.config.sessionAbsoluteHours * 3600,
  });
}

/**
 * Opens a new session for the account and sets its cookie; the session the request came with, if
 * any, is deleted (rotation against fixation). Returns nothing secret: the id only lives in the cookie.
 */
export async function openSession(deps: Deps, request: FastifyRequest, reply: FastifyReply, spec: SessionSpec): Promise<Buffer> {
  // A session becoming strong is a login (the rotations of a session already strong are not).
  if (spec.strength === 'strong' && request.authSession?.strength !== 'strong') recordLogin(loginMethodLabel(spec.authMethod), 'success');
  await endSession(deps, request, reply);
  const session = newSession(deps, request, spec);
  await sessionInsert(deps.db, session).execute();
  setSessionCookie(deps, reply, session);
  return session.idHash;
}

export async function setPendingStep(deps: Deps, idHash: Buffer, step: PendingStep | null): Promise<void> {
  await deps.db.updateTable('sessions').set({ pending_step: step }).where('id_hash', '=', idHash).execute();
}

/** Ends every session of an account but one (after a password change, on request). */
export async function endOtherSessions(deps: Deps, accountId: number, keepIdHash: Buffer | null): Promise<number> {
  let query = deps.db.deleteFrom('sessions').where('account_id', '=', accountId);
  if (keepIdHash) query = query.where('id_hash', '<>', keepIdHash);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Ends the request's session server-side and clears its cookie. */
export async function endSession(deps: Deps, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const name = sessionCookieName(deps.config);
  const token = request.cookies[name];
  if (token) {
    await deps.db.deleteFrom('sessions').where('id_hash', '=', sha256(token)).execute();
    reply.clearCookie(name, cookieOptions(deps.config));
  }
}
