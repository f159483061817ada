/**
 * Pure rules of the ESMS notifications (R60–R63): tiers and their fields, the follow-up transitions,
 * dates, validity colours, dashboard stages. Nothing here reads the clock or the database.
 */
import { addToDate } from '../../platform/clock.js';
import type { EsmsTier } from '../habilitations/habilitation.policy.js';

export type { EsmsTier };

// ─── R60: fields by tier ──────────────────────────────────────────────────────────────────────
/** Tier 1: the decision and the person. */
export const TIER1_FIELDS = [
  'lastName', 'firstName', 'birthDate', 'mdphDepartment', 'mdphIndividualNumber',
  'decisionNationalId', 'mdphDecisionId', 'decisionDate', 'rightNature', 'openingDate', 'endDate', 'categoryCode', 'creton',
] as const;
/** Tier 2: the needs evaluation (the eleven fields of R60). */
export const TIER2_FIELDS = [
  'careArrangement', 'difficulty', 'schoolingSituation', 'schoolingTime', 'schoolingAssessment', 'vocationalTrainingLevel',
  'workSituation', 'currentJobFitness', 'vocationalProspects', 'plannedEvolution', 'observedEvolution',
] as const;
/** Tier 3: the medical data (the five fields of R60). */
export const TIER3_FIELDS = ['mainPathology', 'rareDisease', 'rareDisability', 'mainImpairment', 'compensationNeeds'] as const;

export type Tier2Field = (typeof TIER2_FIELDS)[number];
export type Tier3Field = (typeof TIER3_FIELDS)[number];
export type Evaluation = Record<Tier2Field, string | null>;
export type MedicalData = Record<Tier3Field, string | null>;

export const FIELD_LABELS: Record<Tier2Field | Tier3Field, string> = {
  careArrangement: 'Prise en charge',
  difficulty: 'Difficulté rencontrée',
  schoolingSituation: 'Situation scolaire',
  schoolingTime: 'Temps de scolarisation',
  schoolingAssessment: 'Évaluation de la scolarité',
  vocationalTrainingLevel: 'Niveau de formation professionnelle',
  workSituation: 'Situation par rapport au travail',
  currentJobFitness: 'Aptitude actuelle au poste',
  vocationalProspects: 'Perspectives professionnelles',
  plannedEvolution: 'Évolution envisagée',
  observedEvolution: 'Évolution constatée',
  mainPathology: 'Pathologie principale',
  rareDisease: 'Maladie rare',
  rareDisability: 'Handicap rare',
  mainImpairment: 'Déficience principale',
  compensationNeeds: 'Besoins de compensation identifiés',
};

/** What any tier reads of a notification (tier 1). */
export interface NotificationBase {
  id: number;
  establishmentId: number;
  establishmentName: string;
  unitId: number | null;
  unitName: string | null;
  statusCode: string;
  statusLabel: string;
  statusDate: string;
  reasonCode: string | null;
  reasonLabel: string | null;
  version: number;
  lastName: string;
  firstName: string;
  birthDate: string;
  mdphDepartment: string;
  mdphIndividualNumber: string;
  decisionNationalId: string;
  mdphDecisionId: string;
  decisionDate: string;
  rightNature: string;
  openingDate: string;
  endDate: string;
  categoryCode: string;
  categoryLabel: string;
  creton: boolean;
  updatedAt: Date;
}

/** A notification as one tier sees it: the blocks above the tier are absent, not empty. */
export type ProjectedNotification =
  | { tier: 1; base: NotificationBase }
  | { tier: 2; base: NotificationBase; evaluation: Evaluation }
  | { tier: 3; base: NotificationBase; evaluation: Evaluation; medical: MedicalData };

/**
 * R60, THE projection: from the tier and what was loaded, exactly the blocks of that tier. Services
 * load tier-2 and tier-3 data only for those tiers, and every channel (page, JSON, export, e-mail)
 * renders what this returns.
 */
export function projectForTier(tier: EsmsTier, base: NotificationBase, evaluation?: Evaluation | null, medical?: MedicalData | null): ProjectedNotification | null {
  // Only the fields of the tier's list are copied: an extra property of a loaded row never travels on.
  const pick = <T,>(fields: readonly string[], row: Record<string, unknown> | null | undefined): T =>
    Object.fromEntries(fields.map((f) => [f, row?.[f] ?? null])) as T;
  switch (tier) {
    case 0:
      return null;
    case 1:
      return { tier, base };
    case 2:
      return { tier, base, evaluation: pick<Evaluation>(TIER2_FIELDS, evaluation) };
    case 3:
      return { tier, base, evaluation: pick<Evaluation>(TIER2_FIELDS, evaluation), medical: pick<MedicalData>(TIER3_FIELDS, medical) };
  }
}

// ─── R61: statuses and transitions (ADR 0007) ─────────────────────────────────────────────────
/** The statuses an ESMS records itself, from each current status (JDV_J252). MDPH statuses (37, 46, 49, 54) come by import. */
export const TRANSITIONS: Readonly<Record<string, readonly string[]>> = {
  '39': ['40', '41', '42', '45'],
  '40': ['41', '42', '45'],
  '54': ['41', '42', '45'],
  '41': ['42', '45'],
  '42': ['72', '71', '45'],
  '72': ['71', '45'],
  '71': ['43', '47', '45'],
  '43': ['47', '44'],
  '44': ['45'],
  '47': ['48', '51'],
  '51': ['48'],
  '45': [],
  '46': [],
  '48': [],
  '37': [],
  '49': [],
};

/** ADR 0007: the statuses that need a TRE_R358 reason (kept in esms_status_codes.reason_required too; a test compares). */
export const REASON_REQUIRED = new Set(['37', '44', '45', '46', '48', '49', '51', '54']);

export function allowedNextStatuses(current: string): readonly string[] {
  return TRANSITIONS[current] ?? [];
}

export function isTransitionAllowed(current: string, next: string): boolean {
  return allowedNextStatuses(current).includes(next);
}

export interface FollowupInput {
  statusCode: string;
  statusDate: string;
  reasonCode: string | null;
}

export type FollowupViolation = { field: 'statusCode' | 'statusDate' | 'reasonCode'; code: 'TRANSITION_NOT_ALLOWED' | 'DATE_IN_FUTURE' | 'DATE_BEFORE_DECISION' | 'REASON_REQUIRED' | 'REASON_NOT_EXPECTED' };

/** R61: what is wrong with a follow-up action, field by field (empty: allowed). */
export function followupViolations(current: string, decisionDate: string, input: FollowupInput, today: string, knownReasons: ReadonlySet<string>): FollowupViolation[] {
  const violations: FollowupViolation[] = [];
  if (!isTransitionAllowed(current, input.statusCode)) violations.push({ field: 'statusCode', code: 'TRANSITION_NOT_ALLOWED' });
  if (input.statusDate > today) violations.push({ field: 'statusDate', code: 'DATE_IN_FUTURE' });
  else if (input.statusDate < decisionDate) violations.push({ field: 'statusDate', code: 'DATE_BEFORE_DECISION' });
  const needsReason = REASON_REQUIRED.has(input.statusCode);
  if (needsReason && (input.reasonCode === null || !knownReasons.has(input.reasonCode))) violations.push({ field: 'reasonCode', code: 'REASON_REQUIRED' });
  if (!needsReason && input.reasonCode !== null) violations.push({ field: 'reasonCode', code: 'REASON_NOT_EXPECTED' });
  return violations;
}

// ─── R62: validity and stages ─────────────────────────────────────────────────────────────────
export type Validity = 'valide' | 'bientot' | 'expiree';

/** R62: black beyond 3 months left, orange within 3 months, red once expired (the end date is the last valid day). */
export function validityOf(endDate: string, today: string): Validity {
  if (endDate < today) return 'expiree';
  return endDate < addToDate(today, { months: 3 }) ? 'bientot' : 'valide';
}

export const VALIDITY_LABELS: Record<Validity, string> = {
  valide: 'Valide (plus de 3 mois)',
  bientot: 'Expire dans moins de 3 mois',
  expiree: 'Expirée',
};

export const STAGES = ['a_traiter', 'en_cours', 'liste_attente', 'admis', 'clotures'] as const;
export type Stage = (typeof STAGES)[number];
export const STAGE_LABELS: Record<Stage, string> = {
  a_traiter: 'À traiter',
  en_cours: 'En cours',
  liste_attente: 'Liste d’attente',
  admis: 'Admis / entrés',
  clotures: 'Clôturés',
};

/** The dashboard stage of each ESMS status (ADR 0007; the same table is in esms_status_codes.stage). */
export const STAGE_OF: Readonly<Record<string, Stage>> = {
  '39': 'a_traiter', '40': 'a_traiter', '54': 'a_traiter',
  '41': 'en_cours', '43': 'en_cours', '44': 'en_cours', '45': 'en_cours',
  '42': 'liste_attente', '72': 'liste_attente',
  '71': 'admis', '47': 'admis', '51': 'admis',
  '37': 'clotures', '46': 'clotures', '48': 'clotures', '49': 'clotures',
};

/** The status codes of a dashboard stage. */
export function statusesOfStage(stage: Stage): string[] {
  return Object.entries(STAGE_OF).filter(([, s]) => s === stage).map(([code]) => code);
}

/** R63: the throttle of retrievals, per account and per address. */
export const RETRIEVAL_LIMITS = {
  account: { window: 15 * 60, max: 10 },
  ip: { window: 15 * 60, max: 30 },
} as const;

/** R40: at most one ESMS e-mail per person per hour. */
export const MAIL_GROUPING_MS = 60 * 60 * 1000;
