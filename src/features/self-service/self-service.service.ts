/**
 * "Mon compte" (R41) and "Mes référents" (R42): who is asking, what the page shows, and what every
 * use case of the signed-in account shares. Every function acts on the signed-in account only: ids
 * that come from a form are looked up among that account's own rows, so a forged id reads as "not
 * found". Each change writes its audit event in the same transaction; mails and SMS go through the
 * outbox of that transaction. Nothing here can add, prolong or widen a habilitation. The use cases
 * are one file each: self-identity, self-mobile, self-password, self-habilitations, self-sessions,
 * self-referents.
 */
import type { Deps } from '../../deps.js';
import { actorLabel } from '../../platform/audit/audit.js';
import { hmac } from '../../platform/crypto.js';
import { parisDate } from '../../platform/clock.js';
import { RIGHTS, isRight } from '../habilitations/habilitation.rights.js';
import { endDateStatus, type EndDateStatus } from '../habilitations/habilitation-review.rules.js';
import { pendingEmailChange } from '../accounts/email-change.service.js';
import { verifyCurrentPassword } from '../auth/password.service.js';
import { listTrustedBrowsersWithHash } from '../auth/credentials.service.js';
import { listLiveSessionsWithIdHash } from '../auth/session.service.js';
import { selfServiceErrors as errors } from './self-service.errors.js';
import * as repo from './self-service.repository.js';
import { describeUserAgent, habilitationStatus, HISTORY_PAGE_SIZE, HISTORY_PREVIEW_SIZE, locationLabel, pageNumber, type HabilitationStatus } from './self-service.rules.js';

/** Who is asking: the signed-in account, its session and browser, its address. */
export interface SelfContext {
  accountId: number;
  sessionIdHash: Buffer;
  /** SHA-256 of this browser's id (R05 cookie), when it has one. */
  browserHash: Buffer | null;
  ip: string;
}

/**
 * The reference a page prints for a session or a trusted browser: a keyed hash of the stored hash,
 * so the page reveals nothing reusable, and a reference only means something among one's own rows.
 */
function rowRef(deps: Deps, kind: 'session' | 'browser', hash: Buffer): string {
  return hmac(deps.config.sessionSecret, `${kind}-ref:${hash.toString('hex')}`).slice(0, 32);
}

export async function loadAccount(db: Deps['db'], accountId: number): Promise<repo.AccountRow> {
  const account = await repo.getAccount(db, accountId);
  // The guard only lets live accounts in; a row gone meanwhile is treated like a lost session.
  if (!account) throw errors.SESSION_NOT_FOUND();
  return account;
}

/**
 * R41: the password typed again before a change of e-mail, mobile, code channel or password. A
 * wrong one counts like a failed login (R02) and the fifth blocks the account, which ends its sessions.
 */
export async function checkCurrentPassword(deps: Deps, account: repo.AccountRow, typed: string, field: string, ip: string): Promise<void> {
  if (typed === '') throw errors.CURRENT_PASSWORD_REQUIRED.at(field);
  const result = await verifyCurrentPassword(deps, account, typed, ip);
  if (result === 'blocked') throw errors.ACCOUNT_BLOCKED();
  if (result === 'wrong') throw errors.CURRENT_PASSWORD_WRONG.at(field);
}

// ─── What the page shows ────────────────────────────────────────────────────────────────────

export interface HabilitationView {
  id: number;
  profileName: string;
  location: string;
  startDate: string;
  endDate: string;
  status: HabilitationStatus;
  /** R37: ending within 15 days (red) or 1 month (orange), in words; null otherwise. */
  ending: { level: 'red' | 'orange'; text: string } | null;
  rights: { code: string; label: string }[];
  createdAt: Date;
  deletedAt: Date | null;
  emailNotifications: boolean;
}

export interface SessionView {
  ref: string;
  current: boolean;
  device: string;
  ip: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  /** A session that passed the password and waits for its code. */
  awaitingCode: boolean;
}

export interface BrowserView {
  ref: string;
  current: boolean;
  createdAt: Date;
  expiresAt: Date;
}

export interface HistoryLine {
  id: number;
  occurredAt: Date;
  description: string;
  actorLabel: string;
}

export interface AccountOverview {
  account: repo.AccountRow;
  creatorLabel: string | null;
  pendingEmail: { newEmail: string; expiresAt: Date } | null;
  habilitations: HabilitationView[];
  sessions: SessionView[];
  browsers: BrowserView[];
  history: HistoryLine[];
  historyTotal: number;
}

export function habilitationView(row: repo.HabilitationRow, today: string): HabilitationView {
  return {
    id: row.id,
    profileName: row.profile_name,
    location: locationLabel({
      level: row.level,
      unitName: row.unit_name,
      establishmentName: row.establishment_name,
      departmentCode: row.department_code,
      departmentName: row.department_name,
      regionName: row.region_name,
    }),
    startDate: row.start_date,
    endDate: row.end_date,
    status: habilitationStatus(row, today),
    ending: endingOf(endDateStatus({ endDate: row.end_date, deletedAt: row.deleted_at }, today)),
    rights: row.rights.map((code) => ({ code, label: isRight(code) ? RIGHTS[code] : code })),
    createdAt: row.created_at,
    deletedAt: row.deleted_at,
    emailNotifications: row.email_notifications,
  };
}

const endingOf = (status: EndDateStatus): HabilitationView['ending'] =>
  status.level === 'red' || status.level === 'orange' ? { level: status.level, text: status.text } : null;

/** My live sessions, each with the row it came from (its id hash stays here). */
export async function liveSessions(deps: Deps, ctx: SelfContext) {
  const rows = await listLiveSessionsWithIdHash(deps, ctx.accountId);
  return rows.map((row) => ({ row, view: {
    ref: rowRef(deps, 'session', row.id_hash),
    current: row.id_hash.equals(ctx.sessionIdHash),
    device: describeUserAgent(row.user_agent),
    ip: row.ip,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    awaitingCode: row.strength === 'password',
  } satisfies SessionView }));
}

/** My trusted browsers, each with the row it came from. */
export async function trustedBrowsers(deps: Deps, ctx: SelfContext) {
  const rows = await listTrustedBrowsersWithHash(deps, ctx.accountId);
  return rows.map((row) => ({ row, view: {
    ref: rowRef(deps, 'browser', row.browser_hash),
    current: ctx.browserHash !== null && row.browser_hash.equals(ctx.browserHash),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  } satisfies BrowserView }));
}

export async function getAccountOverview(deps: Deps, ctx: SelfContext): Promise<AccountOverview> {
  const now = deps.clock.now();
  const today = parisDate(now);
  const account = await loadAccount(deps.db, ctx.accountId);
  const [pending, habilitations, sessions, browsers, history, historyTotal] = await Promise.all([
    pendingEmailChange(deps, account.id),
    repo.listHabilitations(deps.db, account.id),
    liveSessions(deps, ctx),
    trustedBrowsers(deps, ctx),
    repo.listHistory(deps.db, account.id, HISTORY_PREVIEW_SIZE, 0),
    repo.countHistory(deps.db, account.id),
  ]);
  return {
    account,
    creatorLabel:
      account.creator_username !== null
        ? actorLabel({ first_name: account.creator_first_name ?? '', last_name: account.creator_last_name ?? '', username: account.creator_username })
        : null,
    pendingEmail: pending,
    habilitations: habilitations.map((row) => habilitationView(row, today)),
    sessions: sessions.map((s) => s.view),
    browsers: browsers.map((b) => b.view),
    history: history.map((h) => ({ id: h.id, occurredAt: h.occurred_at, description: h.description, actorLabel: h.actor_label })),
    historyTotal,
  };
}

/** One page of the account's history, newest first. */
export async function getHistoryPage(deps: Deps, accountId: number, rawPage: unknown) {
  const total = await repo.countHistory(deps.db, accountId);
  const { page, pages } = pageNumber(rawPage, total, HISTORY_PAGE_SIZE);
  const rows = await repo.listHistory(deps.db, accountId, HISTORY_PAGE_SIZE, (page - 1) * HISTORY_PAGE_SIZE);
  return {
    page,
    pages,
    total,
    lines: rows.map((h) => ({ id: h.id, occurredAt: h.occurred_at, description: h.description, actorLabel: h.actor_label })) as HistoryLine[],
  };
}
