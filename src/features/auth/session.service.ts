/**
 * Server-side sessions (DESIGN invariants): the browser holds a random 256-bit id, the database only
 * its SHA-256, so a leaked sessions table opens nothing. A session expires after an idle period and
 * at an absolute deadline; it is replaced (rotated) at login and at every privilege change. The
 * HTTP side (cookie) is `http/session.ts`; the table is `session.repository.ts`'s.
 */
import type { Deps } from '../../deps.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { parisDate } from '../../platform/clock.js';
import { canRunDirectorySync, esmsImportRegions, type Delegation, type Principal } from '../habilitations/habilitation.policy.js';
import { activeGrants } from '../habilitations/habilitation.service.js';
import { amrOfMethod, type PendingStep } from './auth.rules.js';
import * as sessions from './session.repository.js';

export type { PendingStep } from './auth.rules.js';

/** last_seen_at is written at most once a minute per session: reads stay reads. */
const TOUCH_INTERVAL_MS = 60_000;

/** The session a request carries, whatever its strength. */
export interface AuthSession {
  idHash: Buffer;
  accountId: number;
  strength: 'password' | 'strong';
  /** How it was opened: 'password+otp', 'trusted-browser', 'cps', 'psc', 'partner:…' (R15: accepting an invitation needs 'cps' or 'psc'). */
  authMethod: string;
  pendingStep: PendingStep | null;
  /** R17: when and how its holder authenticated (RFC 8176 amr), as the ID tokens of Habilis state them. */
  authenticatedAt: Date;
  amr: string[];
  viewer: Principal['viewer'];
  /** R14, R15: read with the session, for the principal (a liberal professional; the delegations held as an assistant). */
  liberal: boolean;
  delegations: Delegation[];
}

function idleLimit(deps: Deps, now: Date): Date {
  return new Date(now.getTime() - deps.config.sessionIdleMinutes * 60_000);
}

/** The live session of a cookie's id, or null (unknown, expired, idle, or its account blocked or deactivated). */
export async function loadLiveSession(deps: Deps, token: string | undefined): Promise<AuthSession | null> {
  if (!token || token.length > 100) return null;
  const now = deps.clock.now();
  const row = await sessions.getLive(deps.db, sha256(token), now, idleLimit(deps, now));
  if (!row) return null;
  if (now.getTime() - row.last_seen_at.getTime() > TOUCH_INTERVAL_MS) await sessions.touch(deps.db, row.id_hash, now);
  return {
    idHash: row.id_hash,
    accountId: row.account_id,
    strength: row.strength,
    authMethod: row.auth_method,
    pendingStep: row.pending_step,
    authenticatedAt: row.authenticated_at,
    amr: row.amr,
    viewer: { firstName: row.first_name, lastName: row.last_name, username: row.username },
    liberal: row.liberal,
    delegations: row.delegations,
  };
}

/** The principal of a session: only a strong session with no step left has one (R06), with its grants active today. */
export async function principalOf(deps: Deps, session: AuthSession | null): Promise<Principal | null> {
  if (!session || session.strength !== 'strong' || session.pendingStep) return null;
  const grants = await activeGrants(deps, session.accountId, parisDate(deps.clock.now()));
  const { liberal, delegations } = session;
  const principal: Principal = {
    accountId: session.accountId,
    viewer: { ...session.viewer, rights: [...new Set(grants.flatMap((g) => g.rights))], liberal, assistant: delegations.length > 0 },
    strength: session.strength,
    grants,
    liberal,
    delegations,
  };
  // Menus lead only to what the person may use ("Synchronisation ROR": region administrators of the directory).
  principal.viewer.directorySync = canRunDirectorySync(principal);
  // "Import des décisions" (R60 data in): region administrators only, as the page itself decides.
  principal.viewer.esmsImport = esmsImportRegions(principal).length > 0;
  return principal;
}

export interface SessionSpec {
  accountId: number;
  strength: 'password' | 'strong';
  authMethod: string;
  pendingStep?: PendingStep | null;
  /** R17: how the holder authenticated (RFC 8176); absent: what the method alone tells (`amrOfMethod`). */
  amr?: readonly string[];
  /** R17: when; absent: now. A rotation for a pending step passes the session's own. */
  authenticatedAt?: Date;
}

/** A session not yet written: its random id (for the cookie only), the id's hash and its row. */
export interface NewSession {
  token: string;
  idHash: Buffer;
  row: sessions.SessionRow;
}

/** Builds a new session (not written) for a client: its id, and the row with its deadlines. */
export function newSession(deps: Deps, spec: SessionSpec, client: { ip: string; userAgent: string }): NewSession {
  const token = randomToken();
  const idHash = sha256(token);
  const now = deps.clock.now();
  return {
    token,
    idHash,
    row: {
      id_hash: idHash,
      account_id: spec.accountId,
      strength: spec.strength,
      auth_method: spec.authMethod,
      created_at: now,
      last_seen_at: now,
      expires_at: new Date(now.getTime() + deps.config.sessionAbsoluteHours * 3_600_000),
      ip: client.ip,
      user_agent: client.userAgent.slice(0, 300),
      pending_step: spec.pendingStep ?? null,
      authenticated_at: spec.strength === 'strong' ? (spec.authenticatedAt ?? now) : null,
      amr: [...(spec.amr ?? amrOfMethod(spec.authMethod))],
    },
  };
}

/** The INSERT of a new session, unexecuted, for a caller that writes it in one statement with more. */
export function sessionInsert(db: Deps['db'], session: NewSession) {
  return sessions.insert(db, session.row);
}

export async function startSession(deps: Deps, session: NewSession): Promise<void> {
  await sessions.insert(deps.db, session.row).execute();
}

/** Ends the session of a cookie's id, if any. */
export async function endSessionOfToken(deps: Deps, token: string): Promise<void> {
  await sessions.endOne(deps.db, sha256(token));
}

export async function setPendingStep(deps: Deps, idHash: Buffer, step: PendingStep | null): Promise<void> {
  await sessions.setPendingStep(deps.db, idHash, step);
}

/**
 * Ends every session of an account but `exceptIdHash` (the current one, when given), in the
 * caller's transaction: blocking, deactivating, a new password, "Terminer toutes les autres".
 */
export async function endSessionsOfAccount(db: Deps['db'], accountId: number, exceptIdHash: Buffer | null = null): Promise<number> {
  return sessions.endAllOfAccount(db, accountId, exceptIdHash);
}

/** Ends one session of the account (never another person's); false when there was none. */
export async function endOneSessionOfAccount(db: Deps['db'], accountId: number, idHash: Buffer): Promise<boolean> {
  return sessions.endOneOfAccount(db, accountId, idHash);
}

/** The account's live sessions, with their id hashes (the caller shows only a keyed reference of them). */
export async function listLiveSessionsWithIdHash(deps: Deps, accountId: number) {
  const now = deps.clock.now();
  return sessions.listLiveOfAccountWithIdHash(deps.db, accountId, now, idleLimit(deps, now));
}

/** The cleanup job's part: sessions that can no longer be used. */
export async function purgeExpiredSessions(deps: Deps, now: Date): Promise<number> {
  return sessions.purgeExpired(deps.db, now, idleLimit(deps, now));
}
