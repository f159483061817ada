/**
 * All SQL of the ESMS notifications (R60–R64). R60: tier-2 columns (esms_evaluations) are selected
 * only by functions named …Tier2, tier-3 columns (esms_medical_data) only by …Tier3; every other
 * function reads tier-1 data alone.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { STAGE_OF, statusesOfStage, type Evaluation, type MedicalData, type NotificationBase, type Stage, type Validity } from './esms.rules.js';

type Q = Kysely<Database> | Transaction<Database>;

// ─── Code systems ─────────────────────────────────────────────────────────────────────────────
export async function listStatusCodes(db: Q) {
  return db.selectFrom('esms_status_codes').select(['code', 'label', 'value_set', 'stage', 'reason_required']).orderBy(sql`code::int`).execute();
}
export async function listReasonCodes(db: Q) {
  return db.selectFrom('esms_reason_codes').select(['code', 'label']).orderBy(sql`code::int`).execute();
}
export async function listCategories(db: Q) {
  return db.selectFrom('esms_orientation_categories').select(['code', 'short_label', 'label']).orderBy('short_label').execute();
}

// ─── Places ───────────────────────────────────────────────────────────────────────────────────
/** Establishments with their department and region, for tiers and the dashboard's choice. */
export async function listEstablishmentPlaces(db: Q, establishmentIds: readonly number[]) {
  if (establishmentIds.length === 0) return [];
  return db
    .selectFrom('establishments as e')
    .innerJoin('departments as d', 'd.code', 'e.department_code')
    .select(['e.id', 'e.name', 'e.finess', 'e.department_code', 'd.region_code'])
    .where('e.id', 'in', [...establishmentIds])
    .orderBy('e.name')
    .execute();
}

export async function listUnitsOf(db: Q, establishmentId: number) {
  return db.selectFrom('units').select(['id', 'name']).where('establishment_id', '=', establishmentId).where('closed_at', 'is', null).orderBy('name').execute();
}

export async function unitOfEstablishment(db: Q, unitId: number, establishmentId: number) {
  return db.selectFrom('units').select(['id', 'name']).where('id', '=', unitId).where('establishment_id', '=', establishmentId).executeTakeFirst();
}

/** Establishments by FINESS (import), with department and region. */
export async function establishmentsByFiness(db: Q, finess: readonly string[]) {
  if (finess.length === 0) return [];
  return db
    .selectFrom('establishments as e')
    .innerJoin('departments as d', 'd.code', 'e.department_code')
    .select(['e.id', 'e.finess', 'd.region_code'])
    .where('e.finess', 'in', [...finess])
    .execute();
}

// ─── Tier 1: one notification, the dashboard ──────────────────────────────────────────────────
function tier1Select(db: Q) {
  return db
    .selectFrom('esms_notifications as n')
    .innerJoin('esms_decisions as dec', 'dec.id', 'n.decision_id')
    .innerJoin('esms_persons as p', 'p.id', 'dec.person_id')
    .innerJoin('esms_status_codes as s', 's.code', 'n.status_code')
    .innerJoin('esms_orientation_categories as c', 'c.code', 'dec.category_code')
    .innerJoin('establishments as e', 'e.id', 'n.establishment_id')
    .leftJoin('units as u', 'u.id', 'n.unit_id')
    .leftJoin('esms_reason_codes as r', 'r.code', 'n.status_reason_code')
    .select([
      'n.id', 'n.establishment_id as establishmentId', 'e.name as establishmentName', 'n.unit_id as unitId', 'u.name as unitName',
      'n.status_code as statusCode', 's.label as statusLabel', 'n.status_date as statusDate', 'n.status_reason_code as reasonCode', 'r.label as reasonLabel',
      'n.version', 'p.last_name as lastName', 'p.first_name as firstName', 'p.birth_date as birthDate', 'p.mdph_department as mdphDepartment',
      'p.mdph_individual_number as mdphIndividualNumber', 'dec.national_id as decisionNationalId', 'dec.mdph_decision_id as mdphDecisionId',
      'dec.decision_date as decisionDate', 'dec.right_nature as rightNature', 'dec.opening_date as openingDate', 'dec.end_date as endDate',
      'dec.category_code as categoryCode', 'c.short_label as categoryLabel', 'dec.creton', 'n.updated_at as updatedAt',
    ]);
}

export interface NotificationRow extends NotificationBase {
  decisionId: number;
  departmentCode: string;
  regionCode: string;
}

export async function getNotificationTier1(db: Q, id: number): Promise<NotificationRow | undefined> {
  return tier1Select(db)
    .innerJoin('departments as dp', 'dp.code', 'e.department_code')
    .select(['n.decision_id as decisionId', 'e.department_code as departmentCode', 'dp.region_code as regionCode'])
    .where('n.id', '=', id)
    .executeTakeFirst();
}

export interface DashboardFilter {
  establishmentId: number;
  /** Only this unit (a viewer whose grant is at a unit). */
  onlyUnitId: number | null;
  stage: Stage;
  status: string | null;
  category: string | null;
  unitId: number | null;
  validity: Validity | null;
  search: string | null;
  sort: 'statut' | 'decision' | 'echeance' | 'nom';
  today: string;
  /** today + 3 months, computed by the rules. */
  soon: string;
  limit: number;
  offset: number;
}

function scoped(db: Q, f: Pick<DashboardFilter, 'establishmentId' | 'onlyUnitId'>) {
  let query = tier1Select(db).where('n.establishment_id', '=', f.establishmentId);
  if (f.onlyUnitId !== null) query = query.where('n.unit_id', '=', f.onlyUnitId);
  return query;
}

function filtered(db: Q, f: DashboardFilter) {
  // The tab as its status codes (the index reads them; a join on the stage would read every row of the ESMS).
  let query = scoped(db, f).where('n.status_code', 'in', [...statusesOfStage(f.stage)]);
  if (f.status) query = query.where('n.status_code', '=', f.status);
  if (f.category) query = query.where('dec.category_code', '=', f.category);
  if (f.unitId) query = query.where('n.unit_id', '=', f.unitId);
  if (f.validity === 'expiree') query = query.where('dec.end_date', '<', f.today);
  if (f.validity === 'bientot') query = query.where('dec.end_date', '>=', f.today).where('dec.end_date', '<', f.soon);
  if (f.validity === 'valide') query = query.where('dec.end_date', '>=', f.soon);
  if (f.search) {
    const like = `%${f.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where('p.search_text', 'like', like);
  }
  return query;
}

/** One page of a stage of the dashboard, sorted. */
export async function listDashboardRows(db: Q, f: DashboardFilter): Promise<NotificationBase[]> {
  let query = filtered(db, f);
  query =
    f.sort === 'nom' ? query.orderBy('p.last_name').orderBy('p.first_name')
    : f.sort === 'decision' ? query.orderBy('dec.decision_date', 'desc')
    : f.sort === 'echeance' ? query.orderBy('dec.end_date')
    : query.orderBy('n.updated_at', 'desc');
  return query.orderBy('n.id', 'desc').limit(f.limit).offset(f.offset).execute();
}

/** The number of rows of a filtered stage. */
export async function countDashboard(db: Q, f: DashboardFilter): Promise<number> {
  const row = await filtered(db, f).clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return row.n;
}

/** R62: the count of each stage (before the filters of the tab), from the counts by status. */
export async function countByStage(db: Q, scope: Pick<DashboardFilter, 'establishmentId' | 'onlyUnitId'>): Promise<Record<string, number>> {
  let query = db
    .selectFrom('esms_notifications as n')
    .select(['n.status_code', sql<number>`count(*)::int`.as('n')])
    .where('n.establishment_id', '=', scope.establishmentId)
    .groupBy('n.status_code');
  if (scope.onlyUnitId !== null) query = query.where('n.unit_id', '=', scope.onlyUnitId);
  const counts: Record<string, number> = {};
  for (const row of await query.execute()) {
    const stage = STAGE_OF[row.status_code];
    if (stage) counts[stage] = (counts[stage] ?? 0) + row.n;
  }
  return counts;
}

/** Every row of a filtered stage for the export, tier 1 (tier 2 and 3 come from their own functions). */
export async function listForExport(db: Q, f: Omit<DashboardFilter, 'limit' | 'offset'>, limit: number): Promise<(NotificationBase & { decisionId: number })[]> {
  return filtered(db, { ...f, limit, offset: 0 }).select('n.decision_id as decisionId').orderBy('n.updated_at', 'desc').orderBy('n.id', 'desc').limit(limit).execute();
}

// ─── Tier 2 and tier 3 ────────────────────────────────────────────────────────────────────────
const TIER2_COLUMNS = [
  'care_arrangement as careArrangement', 'difficulty', 'schooling_situation as schoolingSituation', 'schooling_time as schoolingTime',
  'schooling_assessment as schoolingAssessment', 'vocational_training_level as vocationalTrainingLevel', 'work_situation as workSituation',
  'current_job_fitness as currentJobFitness', 'vocational_prospects as vocationalProspects', 'planned_evolution as plannedEvolution',
  'observed_evolution as observedEvolution',
] as const;
const TIER3_COLUMNS = [
  'main_pathology as mainPathology', 'rare_disease as rareDisease', 'rare_disability as rareDisability', 'main_impairment as mainImpairment',
  'compensation_needs as compensationNeeds',
] as const;

export async function getEvaluationTier2(db: Q, decisionId: number): Promise<Evaluation | undefined> {
  return db.selectFrom('esms_evaluations').select(TIER2_COLUMNS).where('decision_id', '=', decisionId).executeTakeFirst();
}
export async function getMedicalDataTier3(db: Q, decisionId: number): Promise<MedicalData | undefined> {
  return db.selectFrom('esms_medical_data').select(TIER3_COLUMNS).where('decision_id', '=', decisionId).executeTakeFirst();
}
export async function listEvaluationsTier2(db: Q, decisionIds: readonly number[]): Promise<Map<number, Evaluation>> {
  if (decisionIds.length === 0) return new Map();
  const rows = await db.selectFrom('esms_evaluations').select(['decision_id', ...TIER2_COLUMNS]).where('decision_id', 'in', [...decisionIds]).execute();
  return new Map(rows.map(({ decision_id, ...rest }) => [decision_id, rest]));
}
export async function listMedicalDataTier3(db: Q, decisionIds: readonly number[]): Promise<Map<number, MedicalData>> {
  if (decisionIds.length === 0) return new Map();
  const rows = await db.selectFrom('esms_medical_data').select(['decision_id', ...TIER3_COLUMNS]).where('decision_id', 'in', [...decisionIds]).execute();
  return new Map(rows.map(({ decision_id, ...rest }) => [decision_id, rest]));
}

// ─── R61: follow-up ───────────────────────────────────────────────────────────────────────────
export interface StatusChange {
  statusCode: string;
  statusDate: string;
  reasonCode: string | null;
  unitId: number | null;
  comment: string | null;
  actorAccountId: number | null;
  actorLabel: string;
  at: Date;
}

/**
 * The optimistic check: the status changes only if the version is still the one the form showed.
 * Returns false when someone changed it in between (nothing is written then).
 */
export async function changeStatus(trx: Q, id: number, expectedVersion: number, change: StatusChange): Promise<boolean> {
  const updated = await trx
    .updateTable('esms_notifications')
    .set({
      status_code: change.statusCode,
      status_date: change.statusDate,
      status_reason_code: change.reasonCode,
      unit_id: change.unitId,
      version: sql`version + 1`,
      updated_at: change.at,
    })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returning('id')
    .executeTakeFirst();
  if (!updated) return false;
  await insertFollowup(trx, id, change);
  return true;
}

/** Opening marks "envoyée" (39) as "lue" (40), once: only the first opening finds 39. */
export async function markRead(trx: Q, id: number, change: StatusChange): Promise<boolean> {
  const updated = await trx
    .updateTable('esms_notifications')
    .set({ status_code: '40', status_date: change.statusDate, version: sql`version + 1`, updated_at: change.at })
    .where('id', '=', id)
    .where('status_code', '=', '39')
    .returning('unit_id')
    .executeTakeFirst();
  if (!updated) return false;
  await insertFollowup(trx, id, { ...change, statusCode: '40', reasonCode: null, unitId: updated.unit_id, comment: null });
  return true;
}

export async function insertFollowup(trx: Q, notificationId: number, change: StatusChange): Promise<void> {
  await trx
    .insertInto('esms_followups')
    .values({
      notification_id: notificationId,
      status_code: change.statusCode,
      status_date: change.statusDate,
      reason_code: change.reasonCode,
      unit_id: change.unitId,
      comment: change.comment,
      actor_account_id: change.actorAccountId,
      actor_label: change.actorLabel,
      recorded_at: change.at,
    })
    .execute();
}

export async function listFollowups(db: Q, notificationId: number) {
  return db
    .selectFrom('esms_followups as f')
    .innerJoin('esms_status_codes as s', 's.code', 'f.status_code')
    .leftJoin('esms_reason_codes as r', 'r.code', 'f.reason_code')
    .leftJoin('units as u', 'u.id', 'f.unit_id')
    .select(['f.id', 'f.status_code as statusCode', 's.label as statusLabel', 'f.status_date as statusDate', 'r.label as reasonLabel', 'u.name as unitName', 'f.comment', 'f.actor_label as actorLabel', 'f.recorded_at as recordedAt'])
    .where('f.notification_id', '=', notificationId)
    .orderBy('f.id', 'desc')
    .execute();
}

// ─── R64: access log ──────────────────────────────────────────────────────────────────────────
export async function logAccess(db: Q, entry: { at: Date; accountId: number | null; actorLabel: string; notificationIds: number[]; tier: number; channel: 'page' | 'json' | 'export' }) {
  if (entry.notificationIds.length === 0) return;
  await db
    .insertInto('esms_access_log')
    .values({ occurred_at: entry.at, account_id: entry.accountId, actor_label: entry.actorLabel, notification_ids: entry.notificationIds, tier: entry.tier, channel: entry.channel })
    .execute();
}

/** Who read this notification since an instant (for tier-3 holders), newest first. */
export async function listReaders(db: Q, notificationId: number, since: Date) {
  return db
    .selectFrom('esms_access_log')
    .select(['occurred_at as occurredAt', 'actor_label as actorLabel', 'tier', 'channel'])
    .where(sql<boolean>`notification_ids @> array[${notificationId}]::int[]`)
    .where('occurred_at', '>=', since)
    .orderBy('occurred_at', 'desc')
    .limit(200)
    .execute();
}

/** R64: removes rows older than `before`, through the one function the table lets delete. */
export async function purgeAccessLog(db: Q, before: Date): Promise<number> {
  const result = await sql<{ removed: number }>`select esms_access_log_purge(${before}) as removed`.execute(db);
  return result.rows[0]!.removed;
}

// ─── Import (tier 1, 2 and 3 are written together by the MDPH's import) ───────────────────────
export interface DecisionRecord {
  nationalId: string;
  mdphDecisionId: string;
  decisionDate: string;
  rightNature: string;
  openingDate: string;
  endDate: string;
  categoryCode: string;
  creton: boolean;
  person: { lastName: string; firstName: string; birthDate: string; mdphDepartment: string; mdphIndividualNumber: string };
  evaluation: Evaluation;
  medical: MedicalData;
}

/** The stored decision as the import compares it (tiers 1–3: the import's own data, read back to stay idempotent). */
export async function getDecisionForImportWithAllTiers(db: Q, nationalId: string) {
  return db
    .selectFrom('esms_decisions as d')
    .innerJoin('esms_persons as p', 'p.id', 'd.person_id')
    .leftJoin('esms_evaluations as ev', 'ev.decision_id', 'd.id')
    .leftJoin('esms_medical_data as m', 'm.decision_id', 'd.id')
    .selectAll('d')
    .select(['p.last_name', 'p.first_name', 'p.birth_date', 'p.mdph_department', 'p.mdph_individual_number'])
    .select(TIER2_COLUMNS.map((c) => `ev.${c}` as const))
    .select(TIER3_COLUMNS.map((c) => `m.${c}` as const))
    .where('d.national_id', '=', nationalId)
    .executeTakeFirst();
}

export async function upsertPerson(trx: Q, person: DecisionRecord['person']): Promise<number> {
  const row = await trx
    .insertInto('esms_persons')
    .values({ last_name: person.lastName, first_name: person.firstName, birth_date: person.birthDate, mdph_department: person.mdphDepartment, mdph_individual_number: person.mdphIndividualNumber })
    .onConflict((oc) => oc.columns(['mdph_department', 'mdph_individual_number']).doUpdateSet({ last_name: person.lastName, first_name: person.firstName, birth_date: person.birthDate }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function upsertDecision(trx: Q, personId: number, d: DecisionRecord, at: Date): Promise<number> {
  const values = {
    national_id: d.nationalId, mdph_decision_id: d.mdphDecisionId, person_id: personId, decision_date: d.decisionDate, right_nature: d.rightNature,
    opening_date: d.openingDate, end_date: d.endDate, category_code: d.categoryCode, creton: d.creton, updated_at: at,
  };
  const row = await trx
    .insertInto('esms_decisions')
    .values({ ...values, imported_at: at })
    .onConflict((oc) => oc.column('national_id').doUpdateSet(values))
    .returning('id')
    .executeTakeFirstOrThrow();
  const evaluation = {
    care_arrangement: d.evaluation.careArrangement, difficulty: d.evaluation.difficulty, schooling_situation: d.evaluation.schoolingSituation,
    schooling_time: d.evaluation.schoolingTime, schooling_assessment: d.evaluation.schoolingAssessment, vocational_training_level: d.evaluation.vocationalTrainingLevel,
    work_situation: d.evaluation.workSituation, current_job_fitness: d.evaluation.currentJobFitness, vocational_prospects: d.evaluation.vocationalProspects,
    planned_evolution: d.evaluation.plannedEvolution, observed_evolution: d.evaluation.observedEvolution,
  };
  await trx.insertInto('esms_evaluations').values({ decision_id: row.id, ...evaluation }).onConflict((oc) => oc.column('decision_id').doUpdateSet(evaluation)).execute();
  const medical = {
    main_pathology: d.medical.mainPathology, rare_disease: d.medical.rareDisease, rare_disability: d.medical.rareDisability,
    main_impairment: d.medical.mainImpairment, compensation_needs: d.medical.compensationNeeds,
  };
  await trx.insertInto('esms_medical_data').values({ decision_id: row.id, ...medical }).onConflict((oc) => oc.column('decision_id').doUpdateSet(medical)).execute();
  return row.id;
}

/** A notification of the decision to one ESMS: created in "envoyée" (39), or touched (updated, unless `touch` is false) when it exists. Returns its id and whether it is new. */
export async function addressDecision(trx: Q, decisionId: number, establishmentId: number, unitId: number | null, statusDate: string, at: Date, retrievedBy: number | null = null, touch = true) {
  const row = await trx
    .insertInto('esms_notifications')
    .values({ decision_id: decisionId, establishment_id: establishmentId, unit_id: unitId, status_code: '39', status_date: statusDate, created_at: at, updated_at: at, retrieved_by_account_id: retrievedBy })
    .onConflict((oc) => oc.columns(['decision_id', 'establishment_id']).doUpdateSet({ updated_at: touch ? at : sql`esms_notifications.updated_at` }))
    .returning(['id', sql<boolean>`(xmax = 0)`.as('created'), 'unit_id'])
    .executeTakeFirstOrThrow();
  return row;
}

// ─── R63: retrieval ───────────────────────────────────────────────────────────────────────────
/** Decisions of the person whose three identifiers all match (tier 1 only: what the paper notification shows). */
export async function findDecisionsByIdentity(db: Q, mdphDepartment: string, individualNumber: string, birthDate: string) {
  return db
    .selectFrom('esms_persons as p')
    .innerJoin('esms_decisions as d', 'd.person_id', 'p.id')
    .innerJoin('esms_orientation_categories as c', 'c.code', 'd.category_code')
    .select(['d.id', 'd.national_id as nationalId', 'd.mdph_decision_id as mdphDecisionId', 'd.decision_date as decisionDate', 'd.end_date as endDate', 'c.short_label as categoryLabel', 'd.right_nature as rightNature'])
    .where('p.mdph_department', '=', mdphDepartment)
    .where('p.mdph_individual_number', '=', individualNumber)
    .where('p.birth_date', '=', birthDate)
    .orderBy('d.decision_date', 'desc')
    .execute();
}

export async function decisionOfPerson(db: Q, decisionId: number, mdphDepartment: string, individualNumber: string, birthDate: string) {
  return db
    .selectFrom('esms_decisions as d')
    .innerJoin('esms_persons as p', 'p.id', 'd.person_id')
    .select(['d.id'])
    .where('d.id', '=', decisionId)
    .where('p.mdph_department', '=', mdphDepartment)
    .where('p.mdph_individual_number', '=', individualNumber)
    .where('p.birth_date', '=', birthDate)
    .executeTakeFirst();
}

// ─── R40: who is told ─────────────────────────────────────────────────────────────────────────
/**
 * The holders of an active habilitation with an ESMS profile at the unit or its establishment
 * whose "Réception des e-mails" is checked; a habilitation at another unit does not count.
 */
export async function mailRecipients(db: Q, establishmentId: number, unitId: number | null, today: string) {
  return db
    .selectFrom('habilitations as h')
    .innerJoin('accounts as a', 'a.id', 'h.account_id')
    .innerJoin('profile_rights as pr', 'pr.profile_id', 'h.profile_id')
    .select(['a.id', 'a.email'])
    .distinct()
    .where('pr.right_code', '=', 'esms.notifications.read')
    .where('h.email_notifications', '=', true)
    .where('h.deleted_at', 'is', null)
    .where('h.start_date', '<=', today)
    .where('h.end_date', '>=', today)
    .where('a.deactivated_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('h.establishment_id', '=', establishmentId),
        ...(unitId !== null ? [eb('h.unit_id', '=', unitId)] : []),
      ]),
    )
    .execute();
}

/** R40 grouping, atomically: true (and the slot taken) when the account got no ESMS e-mail in the last hour. */
export async function claimMailSlot(trx: Q, accountId: number, now: Date, notBefore: Date): Promise<boolean> {
  const row = await trx
    .insertInto('esms_mail_deliveries')
    .values({ account_id: accountId, last_sent_at: now })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ last_sent_at: now }).where('esms_mail_deliveries.last_sent_at', '<=', notBefore))
    .returning('account_id')
    .executeTakeFirst();
  return row !== undefined;
}

// ─── F5: statuses changed since an instant (FHIR Task) ────────────────────────────────────────
export async function listStatusesSince(db: Q, scope: { establishmentIds: readonly number[]; unitIds: readonly number[] }, since: Date, after: { at: Date; id: number } | null, limit: number) {
  const { establishmentIds, unitIds } = scope;
  if (establishmentIds.length === 0 && unitIds.length === 0) return [];
  let query = db
    .selectFrom('esms_notifications as n')
    .innerJoin('esms_decisions as d', 'd.id', 'n.decision_id')
    .innerJoin('esms_status_codes as s', 's.code', 'n.status_code')
    .innerJoin('establishments as e', 'e.id', 'n.establishment_id')
    .leftJoin('units as u', 'u.id', 'n.unit_id')
    .leftJoin('esms_reason_codes as r', 'r.code', 'n.status_reason_code')
    .select(['n.id', 'n.updated_at as updatedAt', 'n.status_code as statusCode', 's.label as statusLabel', 'n.status_date as statusDate', 'n.status_reason_code as reasonCode', 'r.label as reasonLabel', 'e.finess', 'e.name as establishmentName', 'u.id as unitId', 'u.ror_id as unitRorId', 'u.name as unitName', 'd.national_id as nationalId', 'd.mdph_decision_id as mdphDecisionId'])
    .where((eb) => eb.or([eb('n.establishment_id', '=', sql<number>`any(${[...establishmentIds, 0]}::int[])`), eb('n.unit_id', '=', sql<number>`any(${[...unitIds, 0]}::int[])`)]))
    .where('n.updated_at', '>', since);
  if (after) query = query.where(sql<boolean>`(n.updated_at, n.id) > (${after.at}, ${after.id})`);
  return query.orderBy('n.updated_at').orderBy('n.id').limit(limit).execute();
}
