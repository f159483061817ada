/**
 * The ESMS tests' world: an IME with two units, another establishment, an account per tier (and a
 * referent, a region profile without ESMS profile), and notifications whose every field holds a
 * distinctive value, so that a test can say which bytes must never reach which viewer (R60).
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../src/db/database.js';
import type { Account } from '../src/db/schema.js';
import { addToDate, parisDate } from '../src/platform/clock.js';
import { addressDecision, upsertDecision, upsertPerson, type DecisionRecord } from '../src/features/esms/esms.repository.js';
import { TIER2_FIELDS, TIER3_FIELDS, type Evaluation, type MedicalData } from '../src/features/esms/esms.rules.js';
import { buildAccount, buildEstablishment, buildHabilitation, buildUnit, ensureTerritory } from './factories.js';

export const TIER_PROFILES = { 1: 'HANDICAP_ESMS_ADMINISTRATIF', 2: 'HANDICAP_ESMS_SOCIAL', 3: 'HANDICAP_ESMS_MEDICAL' } as const;

export interface EsmsWorld {
  ime: { id: number; finess: string; name: string };
  other: { id: number; finess: string };
  unitA: { id: number };
  unitB: { id: number };
  tier: Record<1 | 2 | 3, Account>;
  referent: Account;
  region: Account;
  otherEsms: Account;
}

/** A decision record whose every field is a distinctive marker (tier-2 and tier-3 values name their field). */
export function distinctiveDecision(overrides: Partial<DecisionRecord> = {}, marker = randomUUID().slice(0, 8)): DecisionRecord {
  const today = parisDate(new Date());
  return {
    nationalId: `NAT-${marker}`,
    mdphDecisionId: `DEC-${marker}`,
    decisionDate: addToDate(today, { months: -2 }),
    rightNature: 'Orientation en établissement médico-social',
    openingDate: addToDate(today, { months: -1 }),
    endDate: addToDate(today, { years: 2 }),
    categoryCode: '183',
    creton: false,
    person: { lastName: `Nom${marker.replace(/\d/g, 'x')}`, firstName: 'Lina', birthDate: '2012-04-03', mdphDepartment: '34', mdphIndividualNumber: `N${marker.replace(/-/g, '')}`.slice(0, 20) },
    evaluation: Object.fromEntries(TIER2_FIELDS.map((f) => [f, `T2${f}${marker}`])) as Evaluation,
    medical: Object.fromEntries(TIER3_FIELDS.map((f) => [f, `T3${f}${marker}`])) as MedicalData,
    ...overrides,
  };
}

/** Stores a decision and addresses it to an establishment (status 39). Returns the notification id. */
export async function addNotification(db: Db, establishmentId: number, record: DecisionRecord, unitId: number | null = null, statusDate?: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const personId = await upsertPerson(trx, record.person);
    const decisionId = await upsertDecision(trx, personId, record, new Date());
    const n = await addressDecision(trx, decisionId, establishmentId, unitId, statusDate ?? record.decisionDate, new Date());
    return n.id;
  });
}

export async function buildEsmsWorld(db: Db): Promise<EsmsWorld> {
  await ensureTerritory(db, '76', '34');
  const ime = await buildEstablishment(db, { department: '34', domain: 'HANDICAP', name: `IME Les Tilleuls ${randomUUID().slice(0, 4)}` });
  const other = await buildEstablishment(db, { department: '34', domain: 'HANDICAP' });
  const unitA = await buildUnit(db, ime.id, 'Unité Externat');
  const unitB = await buildUnit(db, ime.id, 'Unité Internat');
  const tier = {} as Record<1 | 2 | 3, Account>;
  for (const t of [1, 2, 3] as const) {
    tier[t] = await buildAccount(db);
    await buildHabilitation(db, { accountId: tier[t].id, profile: TIER_PROFILES[t], establishmentId: ime.id });
  }
  const referent = await buildAccount(db);
  await buildHabilitation(db, { accountId: referent.id, profile: 'REFERENT_STRUCTURE', establishmentId: ime.id });
  const region = await buildAccount(db);
  await buildHabilitation(db, { accountId: region.id, profile: 'SANITAIRE_REGION', regionCode: '76' });
  const otherEsms = await buildAccount(db);
  await buildHabilitation(db, { accountId: otherEsms.id, profile: TIER_PROFILES[3], establishmentId: other.id });
  return { ime, other, unitA, unitB, tier, referent, region, otherEsms };
}
