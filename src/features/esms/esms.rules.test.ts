/** The pure rules of the ESMS notifications: transitions and reasons (R61), validity (R62), the projection (R60). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ESMS_STATUSES } from '../../db/migrations/2026-12-06T1000-esms.js';
import {
  allowedNextStatuses, followupViolations, isTransitionAllowed, projectForTier, REASON_REQUIRED, STAGE_OF, TIER1_FIELDS, TIER2_FIELDS, TIER3_FIELDS,
  TRANSITIONS, validityOf, type Evaluation, type MedicalData, type NotificationBase,
} from './esms.rules.js';

const ESMS_CODES = ESMS_STATUSES.filter((s) => s[2] === 'JDV_J252').map((s) => s[0]);
const REASONS = new Set(['85', '89', '114']);

describe('R61 transitions of JDV_J252', () => {
  it('R61 the transition table covers every ESMS status and leads only to ESMS statuses', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ESMS_CODES].sort());
    for (const next of Object.values(TRANSITIONS).flat()) expect(ESMS_CODES).toContain(next);
  });

  it('R61 every allowed transition is accepted, with a reason exactly when the status requires one', () => {
    for (const [from, nexts] of Object.entries(TRANSITIONS)) {
      for (const to of nexts) {
        const reason = REASON_REQUIRED.has(to) ? '85' : null;
        expect(followupViolations(from, '2026-01-01', { statusCode: to, statusDate: '2026-02-01', reasonCode: reason }, '2026-03-01', REASONS), `${from}→${to}`).toEqual([]);
      }
    }
  });

  it('R61 a sample of refused transitions: backwards, from closed statuses, to MDPH-only statuses', () => {
    for (const [from, to] of [['42', '39'], ['47', '42'], ['48', '47'], ['49', '41'], ['46', '42'], ['40', '46'], ['41', '54'], ['39', '47'], ['71', '72'], ['45', '49']] as const) {
      expect(isTransitionAllowed(from, to), `${from}→${to}`).toBe(false);
      expect(followupViolations(from, '2026-01-01', { statusCode: to, statusDate: '2026-02-01', reasonCode: '85' }, '2026-03-01', REASONS)).toContainEqual({ field: 'statusCode', code: 'TRANSITION_NOT_ALLOWED' });
    }
  });

  it('R61 property: a transition outside the table is always refused', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ESMS_CODES), fc.constantFrom(...ESMS_CODES), (from, to) => {
        expect(isTransitionAllowed(from, to)).toBe(allowedNextStatuses(from).includes(to));
      }),
    );
  });

  it('R61 the reasons the database declares required are those of the rules, and every ESMS status has a dashboard stage', () => {
    const required = ESMS_STATUSES.filter((s) => s[2] === 'JDV_J252' && s[4]).map((s) => s[0]);
    expect(new Set(required)).toEqual(REASON_REQUIRED);
    for (const [code, , , stage] of ESMS_STATUSES.filter((s) => s[2] === 'JDV_J252')) expect(STAGE_OF[code]).toBe(stage);
  });

  it('R61 dates: not in the future, not before the decision; reasons: required, known, or absent', () => {
    const check = (statusDate: string, statusCode: string, reasonCode: string | null) => followupViolations('42', '2026-01-10', { statusCode, statusDate, reasonCode }, '2026-03-01', REASONS);
    expect(check('2026-03-02', '72', null)).toEqual([{ field: 'statusDate', code: 'DATE_IN_FUTURE' }]);
    expect(check('2026-01-09', '72', null)).toEqual([{ field: 'statusDate', code: 'DATE_BEFORE_DECISION' }]);
    expect(check('2026-01-10', '72', null)).toEqual([]);
    expect(check('2026-03-01', '45', null)).toEqual([{ field: 'reasonCode', code: 'REASON_REQUIRED' }]);
    expect(check('2026-03-01', '45', '999')).toEqual([{ field: 'reasonCode', code: 'REASON_REQUIRED' }]);
    expect(check('2026-03-01', '72', '85')).toEqual([{ field: 'reasonCode', code: 'REASON_NOT_EXPECTED' }]);
  });
});

describe('R62 validity', () => {
  it('R62 black beyond 3 months, orange within 3 months, red once expired', () => {
    expect(validityOf('2026-06-02', '2026-03-01')).toBe('valide');
    expect(validityOf('2026-06-01', '2026-03-01')).toBe('valide');
    expect(validityOf('2026-05-31', '2026-03-01')).toBe('bientot');
    expect(validityOf('2026-03-01', '2026-03-01')).toBe('bientot');
    expect(validityOf('2026-02-28', '2026-03-01')).toBe('expiree');
  });
});

describe('R60 the projection', () => {
  const base = Object.fromEntries(TIER1_FIELDS.map((f) => [f, `v-${f}`])) as unknown as NotificationBase;
  const evaluation = Object.fromEntries(TIER2_FIELDS.map((f) => [f, `e-${f}`])) as Evaluation;
  const medical = Object.fromEntries(TIER3_FIELDS.map((f) => [f, `m-${f}`])) as MedicalData;

  it('R60 each tier gets exactly its blocks; tier 0 gets nothing', () => {
    expect(projectForTier(0, base, evaluation, medical)).toBeNull();
    const one = JSON.stringify(projectForTier(1, base, evaluation, medical));
    const two = JSON.stringify(projectForTier(2, base, evaluation, medical));
    const three = JSON.stringify(projectForTier(3, base, evaluation, medical));
    for (const f of TIER2_FIELDS) {
      expect(one).not.toContain(`e-${f}`);
      expect(two).toContain(`e-${f}`);
      expect(three).toContain(`e-${f}`);
    }
    for (const f of TIER3_FIELDS) {
      expect(one).not.toContain(`m-${f}`);
      expect(two).not.toContain(`m-${f}`);
      expect(three).toContain(`m-${f}`);
    }
  });

  it('R60 a property a loaded row carries beyond the tier list never travels on', () => {
    const leaky = { ...evaluation, secret: 'fuite' };
    expect(JSON.stringify(projectForTier(2, base, leaky, null))).not.toContain('fuite');
  });
});
