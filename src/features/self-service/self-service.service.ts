/**
 * Use cases of "Mon compte" (R41) and "Mes référents" (R42). Every function acts on the signed-in
 * account only: ids that come from a form are looked up among that account's own rows, so a forged
 * id reads as "not found". Each change writes its audit event in the same transaction; mails and SMS
 * go through the outbox of that transaction. Nothing here can add, prolong or widen a habilitation.
 */
import { randomInt } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { actorLabel, recordAudit, type Actor } from '../../platform/audit/audit.js';
import { hmac, randomToken, safeEqual, sha256 } from '../../platform/crypto.js';
import { parisDate } from '../../platform/clock.js';
import { enqueueMail, enqueueSms } from '../../platform/outbox/outbox.js';
import { wakeOutbox } from '../../platform/outbox/outbox.job.js';
import { hitLimit, type Limit } from '../../platform/rate-limit.js';
import { DomainError } from '../../platform/errors.js';
import { RIGHTS, isRight } from '../habilitations/habilitation.rights.js';
import {
  maskEmail,
  maskPhone,
  OTP_MAX_ATTEMPTS,
  OTP_TTL_MS,
  resendWaitSeconds,
} from '../auth/auth.rules.js';
import { acceptableNewPassword, verifyCurrentPassword } from '../auth/auth.service.js';
import { endOneSessionOfAccount, endSessionsOfAccount, listLiveSessionsWithIdHash } from '../auth/session.service.js';
import { selfServiceErrors as errors } from './self-service.errors.js';
import { identitySchema } from './self-service.schemas.js';
import * as repo from './self-service.repository.js';
import {
  changedIdentityFields,
  describeUserAgent,
  EMAIL_CHANGE_TTL_MS,
  formatPhone,
  habilitationStatus,
  HISTORY_PAGE_SIZE,
  HISTORY_PREVIEW_SIZE,
  IDENTITY_FIELD_LABELS,
  lacksReferents,
  locationLabel,
  needsPasswordAgain,
  pageNumber,
  type HabilitationStatus,
  type Identity,
} from './self-service.rules.js';
import { emailChangedMail, emailChangeLinkMail, emailChangeRequestedMail, mobileCodeSms, passwordChangedHereMail } from './self-service.mails.js';

/** Who is asking: the signed-in account, its session and browser, its address. */
export interface SelfContext {
  accountId: number;
  sessionIdHash: Buffer;
  /** SHA-256 of this browser's id (R05 cookie), when it has one. */
  browserHash: Buffer | null;
  ip: string;
}

/** E-mail change requests per account: each one sends two mails. */
const EMAIL_CHANGES_PER_HOUR: Limit = { window: 3600, max: 5 };
const IP_CODE_ATTEMPTS: Limit = { window: 5 * 60, max: 100 };

function selfActor(account: { id: number; first_name: string; last_name: string; username: string }): Actor {
  return { kind: 'account', accountId: account.id, label: actorLabel(account) };
}

/**
 * A 6-digit code has little entropy: a keyed hash keeps a leaked table from revealing it. The
 * number is part of the hash, so a code only ever verifies the number it was sent to.
 */
function mobileCodeHash(deps: Deps, accountId: number, mobile: string, code: string): string {
  return hmac(deps.config.sessionSecret, `mobile:${accountId}:${mobile}:${code}`);
}

/**
 * The reference a page prints for a session or a trusted browser: a keyed hash of the stored hash,
 * so the page reveals nothing reusable, and a reference only means something among one's own rows.
 */
function rowRef(deps: Deps, kind: 'session' | 'browser', hash: Buffer): string {
  return hmac(deps.config.sessionSecret, `${kind}-ref:${hash.toString('hex')}`).slice(0, 32);
}

async function loadAccount(db: Deps['db'], accountId: number): Promise<repo.AccountRow> {
  const account = await repo.getAccount(db, accountId);
  // The guard only lets live accounts in; a row gone meanwhile is treated like a lost session.
  if (!account) throw errors.SESSION_NOT_FOUND();
  return account;
}

/**
 * R41: the password typed again before a change of e-mail, mobile, code channel or password. A
 * wrong one counts like a failed login (R02) and the fifth blocks the account, which ends its sessions.
 */
async function checkCurrentPassword(deps: Deps, account: repo.AccountRow, typed: string, field: string, ip: string): Promise<void> {
  if (typed === '') throw errors.CURRENT_PASSWORD_REQUIRED({ [field]: errors.definitions.CURRENT_PASSWORD_REQUIRED.message });
  const result = await verifyCurrentPassword(deps, account, typed, ip);
  if (result === 'blocked') throw errors.ACCOUNT_BLOCKED();
  if (result === 'wrong') throw errors.CURRENT_PASSWORD_WRONG({ [field]: errors.definitions.CURRENT_PASSWORD_WRONG.message });
}

// ─── Mon compte: what the page shows ────────────────────────────────────────────────────────

export interface HabilitationView {
  id: number;
  profileName: string;
  location: string;
  startDate: string;
  endDate: string;
  status: HabilitationStatus;
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

function habilitationView(row: repo.HabilitationRow, today: string): HabilitationView {
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
    rights: row.rights.map((code) => ({ code, label: isRight(code) ? RIGHTS[code] : code })),
    createdAt: row.created_at,
    deletedAt: row.deleted_at,
    emailNotifications: row.email_notifications,
  };
}

async function liveSessions(deps: Deps, ctx: SelfContext) {
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

async function trustedBrowsers(deps: Deps, ctx: SelfContext) {
  const rows = await repo.listTrustedBrowsersWithHash(deps.db, ctx.accountId, deps.clock.now());
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
    repo.getPendingEmailChange(deps.db, account.id, now),
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
    pendingEmail: pending ? { newEmail: pending.new_email, expiresAt: pending.expires_at } : null,
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

// ─── Informations personnelles and e-mail change ────────────────────────────────────────────

export interface IdentityFormInput {
  lastName: string;
  firstName: string;
  email: string;
  phone: string;
  fax: string;
  mobilePhone: string;
  profession: string;
  currentPassword: string;
}

export interface IdentityResult {
  changed: (keyof typeof IDENTITY_FIELD_LABELS)[];
  emailChangeRequested: boolean;
}

/**
 * R41: saves the personal information. Name, first name, phone, fax and profession change at once;
 * a new mobile number is unverified and login codes fall back to e-mail; a new e-mail address is
 * only requested: a single-use link goes to it, the old address is told, and the account keeps the
 * old one until the link is used. E-mail and mobile need the password again. All or nothing.
 */
export async function updateIdentity(deps: Deps, ctx: SelfContext, input: IdentityFormInput): Promise<IdentityResult> {
  const parsed = identitySchema.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.message;
    throw errors.IDENTITY_INVALID(fields);
  }
  const next: Identity = parsed.data;
  const now = deps.clock.now();
  const account = await loadAccount(deps.db, ctx.accountId);
  const current: Identity = {
    lastName: account.last_name,
    firstName: account.first_name,
    email: account.email,
    phone: account.phone,
    fax: account.fax,
    mobilePhone: account.mobile_phone,
    profession: account.profession,
  };
  const changed = changedIdentityFields(current, next);
  if (changed.length === 0) return { changed, emailChangeRequested: false };
  if (needsPasswordAgain(changed)) await checkCurrentPassword(deps, account, input.currentPassword, 'currentPassword', ctx.ip);

  const emailChanged = changed.includes('email');
  if (emailChanged) {
    if (await repo.isEmailUsedByAnotherActiveAccount(deps.db, next.email, account.id)) {
      throw errors.EMAIL_ALREADY_USED({ email: errors.definitions.EMAIL_ALREADY_USED.message });
    }
    if (!(await hitLimit(deps.db, `email-change:${account.id}`, EMAIL_CHANGES_PER_HOUR, now)).allowed) throw errors.EMAIL_CHANGE_TOO_MANY();
  }
  const direct = changed.filter((f) => f !== 'email' && f !== 'mobilePhone');
  const mobileChanged = changed.includes('mobilePhone');
  const token = randomToken();

  await deps.db.transaction().execute(async (trx) => {
    await repo.lockAccount(trx, account.id);
    if (direct.length > 0) {
      await repo.updateIdentity(trx, account.id, { lastName: next.lastName, firstName: next.firstName, phone: next.phone, fax: next.fax, profession: next.profession }, now);
    }
    if (mobileChanged) {
      await repo.setMobile(trx, account.id, next.mobilePhone, now);
      await repo.invalidateMobileCodes(trx, account.id, now);
    }
    if (direct.length > 0 || mobileChanged) {
      const labels = [...direct, ...(mobileChanged ? (['mobilePhone'] as const) : [])].map((f) =>
        f === 'mobilePhone' ? `${IDENTITY_FIELD_LABELS[f]}${next.mobilePhone ? ' (à vérifier)' : ' (retiré)'}` : IDENTITY_FIELD_LABELS[f],
      );
      await recordAudit(trx, {
        actor: selfActor(account),
        subjectAccountId: account.id,
        code: 'ACCOUNT_UPDATED',
        description: `Modification des informations personnelles : ${labels.join(', ')}`,
        details: { fields: [...direct, ...(mobileChanged ? ['mobilePhone'] : [])] },
        ip: ctx.ip,
      });
    }
    if (mobileChanged && account.otp_channel === 'SMS') {
      await recordAudit(trx, {
        actor: selfActor(account),
        subjectAccountId: account.id,
        code: 'OTP_CHANNEL_CHANGED',
        description: 'Réception du code de connexion par e-mail (le téléphone mobile a changé)',
        details: { channel: 'EMAIL' },
        ip: ctx.ip,
      });
    }
    if (emailChanged) {
      await queueEmailChange(deps, trx, { account, newEmail: next.email, firstName: next.firstName, token, actor: selfActor(account), ip: ctx.ip });
    }
  });
  wakeOutbox(deps);
  return { changed, emailChangeRequested: emailChanged };
}

/**
 * R41, R22: a new e-mail address is used only once its owner opens the link sent to it; the old
 * address keeps working until then and is told of the request. Used by "Mon compte" and by referents.
 */
export async function queueEmailChange(
  deps: Deps,
  trx: Deps['db'],
  input: { account: { id: number; email: string; first_name: string; username: string }; newEmail: string; firstName: string; token?: string; actor: Actor; ip: string | null },
): Promise<void> {
  const now = deps.clock.now();
  const token = input.token ?? randomToken();
  const { account } = input;
  await repo.consumePendingEmailChanges(trx, account.id, now);
  await repo.insertEmailChange(trx, { tokenHash: sha256(token), accountId: account.id, newEmail: input.newEmail, now, expiresAt: new Date(now.getTime() + EMAIL_CHANGE_TTL_MS) });
  const url = new URL('/mon-compte/adresse-email/valider', deps.config.baseUrl);
  url.searchParams.set('jeton', token);
  await enqueueMail(trx, { to: input.newEmail, ...emailChangeLinkMail({ firstName: input.firstName, username: account.username, link: url.toString() }), sensitive: true });
  await enqueueMail(trx, { to: account.email, ...emailChangeRequestedMail({ firstName: account.first_name, maskedNewEmail: maskEmail(input.newEmail) }) });
  await recordAudit(trx, {
    actor: input.actor,
    subjectAccountId: account.id,
    code: 'EMAIL_CHANGE_REQUESTED',
    description: `Demande de changement d’adresse e-mail vers ${maskEmail(input.newEmail)} (lien de validation envoyé)`,
    ip: input.ip,
  });
}

function tokenHashOf(token: unknown): Buffer {
  if (typeof token !== 'string' || token.length < 20 || token.length > 100) throw errors.LINK_INVALID();
  return sha256(token);
}

/** The change a link would validate, for the page that asks to confirm it. */
export async function describeEmailChange(deps: Deps, token: unknown): Promise<{ username: string; newEmail: string }> {
  const change = await repo.getUsableEmailChange(deps.db, tokenHashOf(token), deps.clock.now());
  if (!change || change.blocked_at || change.deactivated_at) throw errors.LINK_INVALID();
  return { username: change.username, newEmail: change.new_email };
}

/**
 * The link of the new address was opened and confirmed: that address becomes the account's (and is
 * verified), the link dies, the old address is told. R20 is checked again: another account may have
 * taken the address meanwhile. A blocked or deactivated account's link does nothing.
 */
export async function confirmEmailChange(deps: Deps, token: unknown, ip: string): Promise<{ accountId: number }> {
  const tokenHash = tokenHashOf(token);
  const now = deps.clock.now();
  try {
    const accountId = await deps.db.transaction().execute(async (trx) => {
      const change = await repo.getUsableEmailChange(trx, tokenHash, now, { forUpdate: true });
      if (!change || change.blocked_at || change.deactivated_at) throw errors.LINK_INVALID();
      if (await repo.isEmailUsedByAnotherActiveAccount(trx, change.new_email, change.account_id)) throw errors.EMAIL_ALREADY_USED();
      await repo.consumeEmailChange(trx, tokenHash, now);
      await repo.setEmail(trx, change.account_id, change.new_email, now);
      await enqueueMail(trx, { to: change.email, ...emailChangedMail({ firstName: change.first_name, maskedNewEmail: maskEmail(change.new_email) }) });
      await recordAudit(trx, {
        actor: selfActor({ id: change.account_id, first_name: change.first_name, last_name: change.last_name, username: change.username }),
        subjectAccountId: change.account_id,
        code: 'EMAIL_CHANGED',
        description: `Changement d’adresse e-mail validé : ${maskEmail(change.email)} → ${maskEmail(change.new_email)}`,
        ip,
      });
      return change.account_id;
    });
    wakeOutbox(deps);
    return { accountId };
  } catch (error) {
    // R20: the unique index on active addresses has the last word, even under a race.
    if ((error as { constraint?: string }).constraint === 'accounts_active_email_key') throw errors.EMAIL_ALREADY_USED();
    throw error;
  }
}

// ─── Mobile phone and code channel ──────────────────────────────────────────────────────────

/** "Vérifier": a 6-digit code by SMS to the mobile number (R41), at most one a minute and five an hour. */
export async function sendMobileCode(deps: Deps, ctx: SelfContext): Promise<{ masked: string }> {
  const now = deps.clock.now();
  const account = await loadAccount(deps.db, ctx.accountId);
  const mobile = account.mobile_phone;
  if (!mobile) throw errors.MOBILE_MISSING();
  if (account.mobile_verified_at) throw errors.MOBILE_ALREADY_VERIFIED();
  const wait = resendWaitSeconds(await repo.listMobileCodeSendTimes(deps.db, account.id, new Date(now.getTime() - 3_600_000)), now);
  if (wait > 0) {
    const delay = wait < 60 ? `${wait} secondes` : `${Math.ceil(wait / 60)} minutes`;
    throw new DomainError('CODE_RESEND_TOO_SOON', `Un code vient d’être envoyé. Patientez ${delay} avant d’en demander un autre.`, 429);
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const masked = maskPhone(mobile);
  await deps.db.transaction().execute(async (trx) => {
    await repo.invalidateMobileCodes(trx, account.id, now);
    await repo.insertMobileCode(trx, { accountId: account.id, codeHash: mobileCodeHash(deps, account.id, mobile, code), destination: masked, now, expiresAt: new Date(now.getTime() + OTP_TTL_MS) });
    await enqueueSms(trx, { to: mobile, text: mobileCodeSms(code), sensitive: true });
    await recordAudit(trx, {
      actor: selfActor(account),
      subjectAccountId: account.id,
      code: 'MOBILE_CODE_SENT',
      description: `Envoi d’un code de vérification du téléphone mobile par SMS (${masked})`,
      ip: ctx.ip,
    });
  });
  wakeOutbox(deps);
  return { masked };
}

/** Where the verification code went, for the page that asks it. */
export async function describeMobile(deps: Deps, accountId: number): Promise<{ masked: string | null; verified: boolean }> {
  const account = await loadAccount(deps.db, accountId);
  return { masked: account.mobile_phone ? maskPhone(account.mobile_phone) : null, verified: account.mobile_verified_at !== null };
}

/** Checks the code typed for the mobile: right, unexpired, unused, fewer than 5 errors; then the number is verified. */
export async function verifyMobileCode(deps: Deps, ctx: SelfContext, typedCode: string): Promise<void> {
  const now = deps.clock.now();
  if (!(await hitLimit(deps.db, `mobile-code-ip:${ctx.ip}`, IP_CODE_ATTEMPTS, now)).allowed) throw errors.TOO_MANY_ATTEMPTS();
  const typed = typedCode.replace(/\s/g, '');
  if (!/^\d{6}$/.test(typed)) throw errors.CODE_FORMAT({ code: errors.definitions.CODE_FORMAT.message });
  const account = await loadAccount(deps.db, ctx.accountId);
  const mobile = account.mobile_phone;
  if (!mobile) throw errors.MOBILE_MISSING();
  if (account.mobile_verified_at) throw errors.MOBILE_ALREADY_VERIFIED();
  const stored = await repo.getLatestMobileCodeWithHash(deps.db, account.id);
  if (!stored || stored.invalidated_at || stored.expires_at <= now) throw errors.CODE_EXPIRED({ code: errors.definitions.CODE_EXPIRED.message });
  if (!safeEqual(mobileCodeHash(deps, account.id, mobile, typed), stored.code_hash)) {
    const used = await deps.db.transaction().execute(async (trx) => {
      const attempts = await repo.recordWrongMobileCode(trx, stored.id, now, OTP_MAX_ATTEMPTS);
      await recordAudit(trx, {
        actor: selfActor(account),
        subjectAccountId: account.id,
        code: 'MOBILE_CODE_FAILED',
        description: attempts >= OTP_MAX_ATTEMPTS ? 'Code de vérification du téléphone mobile invalidé après 5 erreurs' : 'Code de vérification du téléphone mobile erroné',
        ip: ctx.ip,
      });
      return attempts;
    });
    const left = OTP_MAX_ATTEMPTS - used;
    if (left <= 0) throw errors.CODE_EXPIRED({ code: errors.definitions.CODE_EXPIRED.message });
    const message = `Code incorrect. Il vous reste ${left} essai${left > 1 ? 's' : ''}.`;
    throw new DomainError('CODE_WRONG', message, 400, { code: message });
  }
  await deps.db.transaction().execute(async (trx) => {
    if (!(await repo.consumeMobileCode(trx, stored.id, now))) throw errors.CODE_EXPIRED({ code: errors.definitions.CODE_EXPIRED.message });
    // The number may have changed since the code was sent: only that number is verified.
    if (!(await repo.markMobileVerified(trx, account.id, mobile, now))) throw errors.CODE_EXPIRED({ code: errors.definitions.CODE_EXPIRED.message });
    await recordAudit(trx, {
      actor: selfActor(account),
      subjectAccountId: account.id,
      code: 'MOBILE_VERIFIED',
      description: `Vérification du téléphone mobile (${maskPhone(mobile)})`,
      ip: ctx.ip,
    });
  });
}

/**
 * "Préférence réception de code OTP" (R04, R41): EMAIL, or SMS once the mobile is verified. It
 * needs the password again. Trusted browsers are revoked: the next login, wherever it happens,
 * goes through the chosen channel, so the person sees at once that codes arrive where they chose.
 */
export async function changeOtpChannel(deps: Deps, ctx: SelfContext, input: { channel: string; password: string }): Promise<{ changed: boolean }> {
  const channel = input.channel;
  if (channel !== 'EMAIL' && channel !== 'SMS') throw errors.OTP_CHANNEL_INVALID({ channel: errors.definitions.OTP_CHANNEL_INVALID.message });
  const account = await loadAccount(deps.db, ctx.accountId);
  if (channel === account.otp_channel) return { changed: false };
  const smsPossible = (a: repo.AccountRow) => a.mobile_phone !== null && a.mobile_verified_at !== null;
  if (channel === 'SMS' && !smsPossible(account)) throw errors.SMS_NEEDS_VERIFIED_MOBILE({ channel: errors.definitions.SMS_NEEDS_VERIFIED_MOBILE.message });
  await checkCurrentPassword(deps, account, input.password, 'channelPassword', ctx.ip);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await repo.lockAccount(trx, account.id);
    const fresh = await loadAccount(trx, account.id);
    if (channel === 'SMS' && !smsPossible(fresh)) throw errors.SMS_NEEDS_VERIFIED_MOBILE({ channel: errors.definitions.SMS_NEEDS_VERIFIED_MOBILE.message });
    await repo.setOtpChannel(trx, account.id, channel, now);
    await repo.revokeTrustedBrowsers(trx, account.id, now, null);
    await recordAudit(trx, {
      actor: selfActor(account),
      subjectAccountId: account.id,
      code: 'OTP_CHANNEL_CHANGED',
      description: channel === 'SMS' ? `Réception du code de connexion par SMS (${maskPhone(fresh.mobile_phone!)})` : 'Réception du code de connexion par e-mail',
      details: { channel },
      ip: ctx.ip,
    });
  });
  return { changed: true };
}

// ─── Password ───────────────────────────────────────────────────────────────────────────────

/**
 * R41 "Modifier" the password: the current one, then a new one typed twice that follows R07 and
 * none of the last 5 (R08). Other browsers lose their trust (the code will be asked there again);
 * a confirmation e-mail follows. Returns how many other sessions are open, to offer to end them.
 */
export async function changePassword(
  deps: Deps,
  ctx: SelfContext,
  input: { currentPassword: string; password: string; confirmation: string },
): Promise<{ otherSessions: number }> {
  const account = await loadAccount(deps.db, ctx.accountId);
  await checkCurrentPassword(deps, account, input.currentPassword, 'currentPassword', ctx.ip);
  const hash = await acceptableNewPassword(deps, account, input.password, input.confirmation);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await repo.lockAccount(trx, account.id);
    await repo.setPassword(trx, account.id, hash, now);
    await repo.revokeTrustedBrowsers(trx, account.id, now, ctx.browserHash);
    await enqueueMail(trx, { to: account.email, ...passwordChangedHereMail({ firstName: account.first_name }) });
    await recordAudit(trx, { actor: selfActor(account), subjectAccountId: account.id, code: 'PASSWORD_CHANGED', description: 'Changement du mot de passe (Mon compte)', ip: ctx.ip });
  });
  wakeOutbox(deps);
  const sessions = await liveSessions(deps, ctx);
  return { otherSessions: sessions.filter((s) => !s.view.current).length };
}

// ─── Mes habilitations ──────────────────────────────────────────────────────────────────────

/** One of my habilitations, for the page that confirms its deletion. */
export async function getOwnHabilitation(deps: Deps, ctx: SelfContext, habilitationId: number | null): Promise<HabilitationView> {
  if (habilitationId === null) throw errors.HABILITATION_NOT_FOUND();
  const row = await repo.getOwnHabilitation(deps.db, ctx.accountId, habilitationId);
  if (!row) throw errors.HABILITATION_NOT_FOUND();
  return habilitationView(row, parisDate(deps.clock.now()));
}

function habilitationText(view: HabilitationView): string {
  return `${view.profileName} – ${view.location}`;
}

/** R40 flag, per habilitation of my own that is not deleted. Only the flag: dates, profile and place stay as they are. */
export async function setHabilitationEmailFlag(deps: Deps, ctx: SelfContext, habilitationId: number | null, flag: boolean): Promise<{ changed: boolean }> {
  if (habilitationId === null) throw errors.HABILITATION_NOT_FOUND();
  const account = await loadAccount(deps.db, ctx.accountId);
  const today = parisDate(deps.clock.now());
  return deps.db.transaction().execute(async (trx) => {
    const row = await repo.getOwnHabilitation(trx, account.id, habilitationId, { forUpdate: true });
    if (!row) throw errors.HABILITATION_NOT_FOUND();
    if (row.deleted_at) throw errors.HABILITATION_ALREADY_DELETED();
    if (row.email_notifications === flag) return { changed: false };
    await repo.setEmailNotifications(trx, account.id, row.id, flag);
    await recordAudit(trx, {
      actor: selfActor(account),
      subjectAccountId: account.id,
      code: 'HABILITATION_EMAIL_FLAG_CHANGED',
      description: `Réception des mails ${flag ? 'activée' : 'désactivée'} pour l’habilitation ${habilitationText(habilitationView(row, today))}`,
      details: { habilitationId: row.id, emailNotifications: flag },
      ip: ctx.ip,
    });
    return { changed: true };
  });
}

/** R41 + R36: I delete one of my habilitations; it stays visible as deleted, with when and by whom. */
export async function deleteOwnHabilitation(deps: Deps, ctx: SelfContext, habilitationId: number | null): Promise<HabilitationView> {
  if (habilitationId === null) throw errors.HABILITATION_NOT_FOUND();
  const account = await loadAccount(deps.db, ctx.accountId);
  const now = deps.clock.now();
  const today = parisDate(now);
  return deps.db.transaction().execute(async (trx) => {
    const row = await repo.getOwnHabilitation(trx, account.id, habilitationId, { forUpdate: true });
    if (!row) throw errors.HABILITATION_NOT_FOUND();
    if (row.deleted_at || !(await repo.markOwnHabilitationDeleted(trx, account.id, row.id, now))) throw errors.HABILITATION_ALREADY_DELETED();
    const view = habilitationView(row, today);
    await recordAudit(trx, {
      actor: selfActor(account),
      subjectAccountId: account.id,
      code: 'HABILITATION_DELETED',
      description: `Suppression de l’habilitation ${habilitationText(view)} par son titulaire`,
      details: { habilitationId: row.id, profile: row.profile_code, endDate: row.end_date },
      ip: ctx.ip,
    });
    return view;
  });
}

// ─── Sessions and trusted browsers ──────────────────────────────────────────────────────────

/** "Terminer": ends one of my other sessions; its next request finds no session. */
export async function endOwnSession(deps: Deps, ctx: SelfContext, ref: string | null): Promise<void> {
  const match = ref === null ? undefined : (await liveSessions(deps, ctx)).find((s) => s.view.ref === ref);
  if (!match) throw errors.SESSION_NOT_FOUND();
  if (match.view.current) throw errors.SESSION_IS_CURRENT();
  const account = await loadAccount(deps.db, ctx.accountId);
  await deps.db.transaction().execute(async (trx) => {
    if (!(await endOneSessionOfAccount(trx, account.id, match.row.id_hash))) throw errors.SESSION_NOT_FOUND();
    await recordAudit(trx, {
      actor: selfActor(account),
      subjectAccountId: account.id,
      code: 'SESSION_ENDED',
      description: `Fin d’une session (${match.view.device}${match.view.ip ? `, ${match.view.ip}` : ''}) depuis « Mon compte »`,
      ip: ctx.ip,
    });
  });
}

/**
 * "Terminer toutes les autres": every other session of mine ends, and every other browser loses
 * its trust, so a forgotten or stolen device needs the password and a new code.
 */
export async function endOtherSessions(deps: Deps, ctx: SelfContext): Promise<{ sessions: number; browsers: number }> {
  const account = await loadAccount(deps.db, ctx.accountId);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const sessions = await endSessionsOfAccount(trx, account.id, ctx.sessionIdHash);
    const browsers = await repo.revokeTrustedBrowsers(trx, account.id, now, ctx.browserHash);
    await recordAudit(trx, {
      actor: selfActor(account),
      subjectAccountId: account.id,
      code: 'SESSION_ENDED',
      description: `Fin de toutes les autres sessions (${sessions}) et retrait de la confiance aux autres navigateurs (${browsers})`,
      details: { sessions, browsers },
      ip: ctx.ip,
    });
    return { sessions, browsers };
  });
}

/** One trusted browser of mine loses its trust (R05): the code is asked there at the next login. */
export async function revokeOwnTrustedBrowser(deps: Deps, ctx: SelfContext, ref: string | null): Promise<void> {
  const match = ref === null ? undefined : (await trustedBrowsers(deps, ctx)).find((b) => b.view.ref === ref);
  if (!match) throw errors.BROWSER_NOT_FOUND();
  const account = await loadAccount(deps.db, ctx.accountId);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    if (!(await repo.revokeTrustedBrowser(trx, account.id, match.row.browser_hash, now))) throw errors.BROWSER_NOT_FOUND();
    await recordAudit(trx, {
      actor: selfActor(account),
      subjectAccountId: account.id,
      code: 'TRUSTED_BROWSER_REVOKED',
      description: match.view.current ? 'Retrait de la confiance à ce navigateur' : 'Retrait de la confiance à un navigateur',
      ip: ctx.ip,
    });
  });
}

// ─── Mes référents (R42) ────────────────────────────────────────────────────────────────────

export interface ReferentView {
  name: string;
  email: string;
  phone: string;
  isMe: boolean;
}

export interface ReferentGroup {
  habilitationId: number;
  profileName: string;
  location: string;
  endDate: string;
  /** At a department or a region: no structure referent, the territory team manages it. */
  territory: boolean;
  unit: { name: string; referents: ReferentView[] } | null;
  establishment: { name: string; referents: ReferentView[]; lacksReferents: boolean } | null;
}

/** R42: for each of my active habilitations, the referents of its unit and of its establishment. */
export async function listMyReferents(deps: Deps, accountId: number): Promise<ReferentGroup[]> {
  const today = parisDate(deps.clock.now());
  const habilitations = await repo.listActiveHabilitations(deps.db, accountId, today);
  const establishmentIds = [...new Set(habilitations.map((h) => h.establishment_id).filter((id): id is number => id !== null))];
  const unitIds = [...new Set(habilitations.map((h) => h.unit_id).filter((id): id is number => id !== null))];
  const [structure, unit] = await Promise.all([
    repo.listReferents(deps.db, 'REFERENT_STRUCTURE', establishmentIds, today),
    repo.listReferents(deps.db, 'REFERENT_UNITE', unitIds, today),
  ]);
  const byPlace = (rows: typeof structure) => {
    const map = new Map<number, ReferentView[]>();
    for (const row of rows) {
      if (row.place_id === null) continue;
      const list = map.get(row.place_id) ?? [];
      list.push({ name: `${row.first_name} ${row.last_name.toUpperCase()}`, email: row.email, phone: formatPhone(row.phone), isMe: row.account_id === accountId });
      map.set(row.place_id, list);
    }
    return map;
  };
  const structureReferents = byPlace(structure);
  const unitReferents = byPlace(unit);
  return habilitations.map((h) => {
    const view = habilitationView(h, today);
    const establishmentRefs = h.establishment_id !== null ? (structureReferents.get(h.establishment_id) ?? []) : [];
    return {
      habilitationId: h.id,
      profileName: h.profile_name,
      location: view.location,
      endDate: h.end_date,
      territory: h.level === 'department' || h.level === 'region',
      unit: h.unit_id !== null ? { name: h.unit_name ?? '', referents: unitReferents.get(h.unit_id) ?? [] } : null,
      establishment:
        h.establishment_id !== null
          ? { name: h.establishment_name ?? '', referents: establishmentRefs, lacksReferents: lacksReferents(establishmentRefs.length) }
          : null,
    };
  });
}
