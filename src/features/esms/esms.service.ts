/**
 * Use cases of the ESMS notifications: the dashboard (R62), a notification as the viewer's tier sees
 * it (R60) with its follow-up (R61), the access log (R64). Every read goes through `esmsTierOf` and
 * `projectForTier`, and writes its access row.
 */
import type { Writable } from 'node:stream';
import type { Deps } from '../../deps.js';
import { addToDate, parisDate } from '../../platform/clock.js';
import { actorLabel } from '../../platform/audit/audit.js';
import { canFollowUpEsms, esmsTierOf, type EsmsTier, type Principal } from '../habilitations/habilitation.policy.js';
import type { Place } from '../habilitations/habilitation.rules.js';
import { esmsErrors } from './esms.errors.js';
import {
  allowedNextStatuses, followupViolations, projectForTier, REASON_REQUIRED, STAGES, type NotificationBase, type ProjectedNotification, type Stage,
} from './esms.rules.js';
import { PAGE_SIZE, type DashboardQuery, type FollowupForm } from './esms.schemas.js';
import * as repo from './esms.repository.js';
import * as applications from './esms-applications.repository.js';
import { writeNotificationsWorkbook } from './esms.export.js';

export type Channel = 'page' | 'json' | 'export';

export function viewerLabel(principal: Principal): string {
  return actorLabel({ first_name: principal.viewer.firstName, last_name: principal.viewer.lastName, username: principal.viewer.username });
}

/** The place of a notification as the policy reads it: its unit when it has one, else its establishment. */
export function notificationPlace(row: { establishmentId: number; unitId: number | null; departmentCode: string; regionCode: string }): Place {
  return {
    level: row.unitId !== null ? 'unit' : 'establishment',
    unitId: row.unitId,
    establishmentId: row.establishmentId,
    departmentCode: row.departmentCode,
    regionCode: row.regionCode,
  };
}

// ─── Dashboard (R62) ──────────────────────────────────────────────────────────────────────────
/**
 * The status codes and categories: national code systems a migration loads and nothing changes at
 * run time, read once per process (a new migration means a new deployment, hence new processes).
 */
const codeListCache = new WeakMap<object, Promise<{ statuses: Awaited<ReturnType<typeof repo.listStatusCodes>>; categories: Awaited<ReturnType<typeof repo.listCategories>> }>>();
function codeLists(deps: Deps) {
  let lists = codeListCache.get(deps.db);
  if (!lists) {
    lists = Promise.all([repo.listStatusCodes(deps.db), repo.listCategories(deps.db)]).then(([statuses, categories]) => ({ statuses, categories }));
    lists.catch(() => codeListCache.delete(deps.db));
    codeListCache.set(deps.db, lists);
  }
  return lists;
}
/** An ESMS the viewer follows: an establishment, or one unit of it when their grant is at the unit. */
export interface EsmsScope {
  establishmentId: number;
  name: string;
  onlyUnitId: number | null;
  place: Place;
  tier: EsmsTier;
}

/** The ESMS where the principal holds an ESMS profile (grants at establishments and units); none for everyone else. */
export async function esmsScopes(deps: Deps, principal: Principal): Promise<EsmsScope[]> {
  const wanted = principal.grants.filter((g) => g.rights.includes('esms.notifications.read') && (g.location.level === 'establishment' || g.location.level === 'unit'));
  const places = await repo.listEstablishmentPlaces(deps.db, [...new Set(wanted.map((g) => g.location.establishmentId!).filter(Boolean))]);
  const scopes: EsmsScope[] = [];
  for (const e of places) {
    const whole = wanted.some((g) => g.location.level === 'establishment' && g.location.establishmentId === e.id);
    const base = { establishmentId: e.id, departmentCode: e.department_code, regionCode: e.region_code };
    if (whole) {
      const place: Place = { level: 'establishment', ...base };
      scopes.push({ establishmentId: e.id, name: e.name, onlyUnitId: null, place, tier: esmsTierOf(principal, place) });
    } else {
      for (const g of wanted.filter((w) => w.location.level === 'unit' && w.location.establishmentId === e.id)) {
        const place: Place = { level: 'unit', unitId: g.location.unitId!, ...base };
        scopes.push({ establishmentId: e.id, name: e.name, onlyUnitId: g.location.unitId!, place, tier: esmsTierOf(principal, place) });
      }
    }
  }
  return scopes.filter((s) => s.tier > 0);
}

export async function loadDashboard(deps: Deps, principal: Principal, q: DashboardQuery) {
  const scopes = await esmsScopes(deps, principal);
  if (scopes.length === 0) throw esmsErrors.NO_ESMS();
  const scope = scopes.find((s) => s.establishmentId === q.establishmentId) ?? scopes[0]!;
  const today = parisDate(deps.clock.now());
  const unfiltered = !q.status && !q.category && !q.unitId && !q.validity && !q.search;
  const filter: repo.DashboardFilter = {
    establishmentId: scope.establishmentId, onlyUnitId: scope.onlyUnitId, stage: q.stage, status: q.status, category: q.category, unitId: q.unitId,
    validity: q.validity, search: q.search, sort: q.sort, today, soon: addToDate(today, { months: 3 }), limit: PAGE_SIZE, offset: (q.page - 1) * PAGE_SIZE,
  };
  // Every query at once; without a filter the tab's total is its stage count (no second count).
  const [counts, units, { statuses, categories }, rows, filteredTotal] = await Promise.all([
    repo.countByStage(deps.db, scope),
    repo.listUnitsOf(deps.db, scope.establishmentId),
    codeLists(deps),
    repo.listDashboardRows(deps.db, filter),
    unfiltered ? Promise.resolve(null) : repo.countDashboard(deps.db, filter),
  ]);
  const page = { rows, total: filteredTotal ?? counts[q.stage] ?? 0 };
  return {
    scopes,
    scope,
    query: { ...q, establishmentId: scope.establishmentId },
    counts: Object.fromEntries(STAGES.map((s) => [s, counts[s] ?? 0])) as Record<Stage, number>,
    rows: page.rows,
    total: page.total,
    today,
    units: scope.onlyUnitId === null ? units : units.filter((u) => u.id === scope.onlyUnitId),
    statuses: statuses.filter((s) => s.stage === q.stage),
    categories,
  };
}

// ─── One notification (R60, R61, R64) ─────────────────────────────────────────────────────────
export interface NotificationView {
  notification: ProjectedNotification;
  followups: Awaited<ReturnType<typeof repo.listFollowups>>;
  /** Tier 3 only: who read it in the last 30 days. */
  readers: Awaited<ReturnType<typeof repo.listReaders>> | null;
  canFollowUp: boolean;
  nextStatuses: { code: string; label: string; reasonRequired: boolean }[];
  reasons: { code: string; label: string }[];
  units: { id: number; name: string }[];
  today: string;
}

/** The tier-1 fields of a row, without what only the server needs (decision id, department, region). */
function baseOf(row: repo.NotificationRow): NotificationBase {
  const base: Partial<repo.NotificationRow> = { ...row };
  delete base.decisionId;
  delete base.departmentCode;
  delete base.regionCode;
  return base as NotificationBase;
}

/** The tier of the principal at a notification, and its tier-1 row; absent or tier 0 answers "not found" alike. */
async function visibleNotification(deps: Deps, principal: Principal, id: number) {
  const row = await repo.getNotificationTier1(deps.db, id);
  const tier = row ? esmsTierOf(principal, notificationPlace(row)) : 0;
  if (!row || tier === 0) throw esmsErrors.NOTIFICATION_NOT_FOUND();
  return { row, tier };
}

/** R60 + R64: the notification as the viewer's tier allows, the read logged; the first opening marks 39 → 40. */
export async function readNotification(deps: Deps, principal: Principal, id: number, channel: Channel): Promise<ProjectedNotification> {
  const { row, tier } = await visibleNotification(deps, principal, id);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    if (channel === 'page' && row.statusCode === '39') {
      await repo.markRead(trx, id, { statusCode: '40', statusDate: parisDate(now), reasonCode: null, unitId: row.unitId, comment: null, actorAccountId: principal.accountId, actorLabel: viewerLabel(principal), at: now });
    }
    await repo.logAccess(trx, { at: now, accountId: principal.accountId, actorLabel: viewerLabel(principal), notificationIds: [id], tier, channel });
  });
  const fresh = channel === 'page' && row.statusCode === '39' ? ((await repo.getNotificationTier1(deps.db, id)) ?? row) : row;
  const evaluation = tier >= 2 ? await repo.getEvaluationTier2(deps.db, row.decisionId) : null;
  const medical = tier >= 3 ? await repo.getMedicalDataTier3(deps.db, row.decisionId) : null;
  return projectForTier(tier, baseOf(fresh), evaluation, medical)!;
}

/** The notification page: the projection, its history, and what the follow-up form offers. */
export async function loadNotificationPage(deps: Deps, principal: Principal, id: number): Promise<NotificationView> {
  const notification = await readNotification(deps, principal, id, 'page');
  return describeNotification(deps, principal, id, notification);
}

async function describeNotification(deps: Deps, principal: Principal, id: number, notification: ProjectedNotification): Promise<NotificationView> {
  const now = deps.clock.now();
  const row = (await repo.getNotificationTier1(deps.db, id))!;
  const [followups, statuses, reasons, units] = await Promise.all([
    repo.listFollowups(deps.db, id),
    repo.listStatusCodes(deps.db),
    repo.listReasonCodes(deps.db),
    repo.listUnitsOf(deps.db, row.establishmentId),
  ]);
  const labels = new Map(statuses.map((s) => [s.code, s.label]));
  return {
    notification,
    followups,
    readers: notification.tier === 3 ? await repo.listReaders(deps.db, id, new Date(now.getTime() - 30 * 86_400_000)) : null,
    canFollowUp: canFollowUpEsms(principal, notificationPlace(row)),
    nextStatuses: allowedNextStatuses(notification.base.statusCode).map((code) => ({ code, label: labels.get(code) ?? code, reasonRequired: REASON_REQUIRED.has(code) })),
    reasons,
    units,
    today: parisDate(now),
  };
}

/** The page again after a refused follow-up (no new read logged: it is the same visit). */
export async function reloadNotificationPage(deps: Deps, principal: Principal, id: number): Promise<NotificationView> {
  const { row, tier } = await visibleNotification(deps, principal, id);
  const evaluation = tier >= 2 ? await repo.getEvaluationTier2(deps.db, row.decisionId) : null;
  const medical = tier >= 3 ? await repo.getMedicalDataTier3(deps.db, row.decisionId) : null;
  return describeNotification(deps, principal, id, projectForTier(tier, baseOf(row), evaluation, medical)!);
}

/** R61: one follow-up action, checked (transition, dates, reason, unit), with the optimistic version check. */
export async function recordFollowup(deps: Deps, principal: Principal, id: number, form: FollowupForm): Promise<void> {
  const { row } = await visibleNotification(deps, principal, id);
  if (!canFollowUpEsms(principal, notificationPlace(row))) throw esmsErrors.FOLLOWUP_FORBIDDEN();
  const now = deps.clock.now();
  const today = parisDate(now);
  const fields: Record<string, string> = {};
  const reasons = new Set((await repo.listReasonCodes(deps.db)).map((r) => r.code));
  if (form.statusDate === null) fields.date = esmsErrors.DATE_INVALID().message;
  const violations = followupViolations(row.statusCode, row.decisionDate, { statusCode: form.statusCode ?? '', statusDate: form.statusDate ?? today, reasonCode: form.reasonCode }, today, reasons);
  const fieldOf = { statusCode: 'statut', statusDate: 'date', reasonCode: 'motif' } as const;
  for (const v of violations) {
    if (v.field === 'statusDate' && form.statusDate === null) continue;
    fields[fieldOf[v.field]] ??= esmsErrors[v.code]().message;
  }
  let unitId = row.unitId;
  if (form.unitId !== null) {
    const unit = await repo.unitOfEstablishment(deps.db, form.unitId, row.establishmentId);
    if (!unit) fields.unite = esmsErrors.UNIT_INVALID().message;
    else unitId = unit.id;
  }
  if (form.comment.length > 2000) fields.commentaire = esmsErrors.COMMENT_TOO_LONG().message;
  if (Object.keys(fields).length > 0) throw esmsErrors.FOLLOWUP_INVALID(fields);
  if (form.version === null || form.version !== row.version) throw esmsErrors.CHANGED_MEANWHILE();
  const changed = await deps.db.transaction().execute(async (trx) => {
    const done = await repo.changeStatus(trx, id, form.version!, {
      statusCode: form.statusCode!, statusDate: form.statusDate!, reasonCode: form.reasonCode, unitId, comment: form.comment || null,
      actorAccountId: principal.accountId, actorLabel: viewerLabel(principal), at: now,
    });
    return done;
  });
  if (!changed) throw esmsErrors.CHANGED_MEANWHILE();
}

// ─── Export (R60, R62, R64) ───────────────────────────────────────────────────────────────────
/** The most rows one export writes (the dashboard's filters narrow a larger stage). */
export const EXPORT_MAX_ROWS = 50_000;
const EXPORT_BATCH = 2_000;

/** The export of a filtered stage: checked before the first byte, then streamed; one access row for all its notifications. */
export async function planExport(deps: Deps, principal: Principal, q: DashboardQuery) {
  const scopes = await esmsScopes(deps, principal);
  if (scopes.length === 0) throw esmsErrors.NO_ESMS();
  const scope = scopes.find((s) => s.establishmentId === q.establishmentId) ?? scopes[0]!;
  const today = parisDate(deps.clock.now());
  return { scope, today, fileName: `notifications-${scope.establishmentId}-${q.stage}-${today}.xlsx`, query: q };
}

export async function writeExport(deps: Deps, principal: Principal, plan: Awaited<ReturnType<typeof planExport>>, output: Writable): Promise<number> {
  const { scope, today, query: q } = plan;
  // The tier of the export is the viewer's at the whole scope: every row lies within it.
  const tier = scope.tier;
  const rows = await repo.listForExport(deps.db, {
    establishmentId: scope.establishmentId, onlyUnitId: scope.onlyUnitId, stage: q.stage, status: q.status, category: q.category, unitId: q.unitId,
    validity: q.validity, search: q.search, sort: q.sort, today, soon: addToDate(today, { months: 3 }),
  }, EXPORT_MAX_ROWS);
  await repo.logAccess(deps.db, { at: deps.clock.now(), accountId: principal.accountId, actorLabel: viewerLabel(principal), notificationIds: rows.map((r) => r.id), tier, channel: 'export' });
  async function* batches() {
    for (let i = 0; i < rows.length; i += EXPORT_BATCH) {
      const slice = rows.slice(i, i + EXPORT_BATCH);
      const ids = slice.map((r) => r.decisionId);
      const evaluations = tier >= 2 ? await repo.listEvaluationsTier2(deps.db, ids) : new Map();
      const medical = tier >= 3 ? await repo.listMedicalDataTier3(deps.db, ids) : new Map();
      yield slice.map(({ decisionId, ...base }) => projectForTier(tier, base, evaluations.get(decisionId), medical.get(decisionId))!);
    }
  }
  return writeNotificationsWorkbook(output, tier, today, batches());
}

// ─── F5: statuses as FHIR Task (R60 tier 1, R64) ──────────────────────────────────────────────
/** Who reads the F5 statuses, and where: a signed-in ESMS profile, or an application bound to ESMS. */
export interface StatusReader {
  scope: { establishmentIds: number[]; unitIds: number[] };
  accountId: number | null;
  label: string;
}

/** A signed-in reader: the ESMS of their profiles; a viewer at one unit only reads that unit's notifications. */
export async function sessionStatusReader(deps: Deps, principal: Principal): Promise<StatusReader> {
  const scopes = await esmsScopes(deps, principal);
  if (scopes.length === 0) throw esmsErrors.NO_ESMS();
  return {
    scope: { establishmentIds: scopes.filter((s) => s.onlyUnitId === null).map((s) => s.establishmentId), unitIds: scopes.flatMap((s) => (s.onlyUnitId === null ? [] : [s.onlyUnitId])) },
    accountId: principal.accountId,
    label: viewerLabel(principal),
  };
}

/** A registered application (its token checked for esms.read by the guard): the ESMS a region administrator bound it to, whole. */
export async function applicationStatusReader(deps: Deps, clientId: string | undefined): Promise<StatusReader> {
  const establishmentIds = clientId === undefined ? [] : await applications.readApplicationEstablishments(deps.db, clientId);
  if (clientId === undefined || establishmentIds.length === 0) throw esmsErrors.READ_APPLICATION_UNBOUND();
  return { scope: { establishmentIds, unitIds: [] }, accountId: null, label: `application ${clientId}` };
}

/** The statuses changed after `since` in the reader's scope, a page at a time (keyset); tier 1 whoever reads, logged (R64). */
export async function statusesSince(deps: Deps, reader: StatusReader, since: Date, after: { at: Date; id: number } | null, count: number) {
  const rows = await repo.listStatusesSince(deps.db, reader.scope, since, after, count + 1);
  const page = rows.slice(0, count);
  await repo.logAccess(deps.db, { at: deps.clock.now(), accountId: reader.accountId, actorLabel: reader.label, notificationIds: page.map((r) => r.id), tier: 1, channel: 'json' });
  return { rows: page, more: rows.length > count };
}
