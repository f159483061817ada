import { describe, expect, it } from 'vitest';
import { isHabilitationActive, locationContains, type Place } from './habilitation.rules.js';
import { can, type Principal } from './habilitation.policy.js';

const unitA: Place = { level: 'unit', unitId: 1, establishmentId: 10, departmentCode: '34', regionCode: '76' };
const establishmentA: Place = { level: 'establishment', establishmentId: 10, departmentCode: '34', regionCode: '76' };
const establishmentB: Place = { level: 'establishment', establishmentId: 20, departmentCode: '30', regionCode: '76' };

describe('habilitation activity (R30)', () => {
  const h = { start_date: '2026-01-01', end_date: '2026-12-31', deleted_at: null };
  it('is active from its first to its last day included', () => {
    expect(isHabilitationActive(h, '2025-12-31')).toBe(false);
    expect(isHabilitationActive(h, '2026-01-01')).toBe(true);
    expect(isHabilitationActive(h, '2026-12-31')).toBe(true);
    expect(isHabilitationActive(h, '2027-01-01')).toBe(false);
  });
  it('R36 a deleted habilitation is never active', () => {
    expect(isHabilitationActive({ ...h, deleted_at: new Date() }, '2026-06-01')).toBe(false);
  });
});

describe('locations contain places (unit ⊂ establishment ⊂ department ⊂ region)', () => {
  it('an establishment contains its units and itself, not another establishment', () => {
    expect(locationContains(establishmentA, unitA)).toBe(true);
    expect(locationContains(establishmentA, establishmentA)).toBe(true);
    expect(locationContains(establishmentA, establishmentB)).toBe(false);
  });
  it('a unit contains only itself', () => {
    expect(locationContains(unitA, unitA)).toBe(true);
    expect(locationContains(unitA, { ...unitA, unitId: 2 })).toBe(false);
    expect(locationContains(unitA, establishmentA)).toBe(false);
  });
  it('a department and a region contain what lies in them', () => {
    expect(locationContains({ level: 'department', departmentCode: '34', regionCode: '76' }, unitA)).toBe(true);
    expect(locationContains({ level: 'department', departmentCode: '34', regionCode: '76' }, establishmentB)).toBe(false);
    expect(locationContains({ level: 'region', regionCode: '76' }, establishmentB)).toBe(true);
    expect(locationContains({ level: 'region', regionCode: '84' }, establishmentB)).toBe(false);
  });
});

describe('can(principal, right, target)', () => {
  const referentOfA: Principal = {
    accountId: 1,
    viewer: { firstName: 'Hélène', lastName: 'Martin', username: 'hmartin' },
    strength: 'strong',
    grants: [{ habilitationId: 1, profileCode: 'REFERENT_STRUCTURE', rights: ['accounts.manage'], location: establishmentA }],
  };
  it('grants a right held at a location containing the target', () => {
    expect(can(referentOfA, 'accounts.manage', unitA)).toBe(true);
    expect(can(referentOfA, 'accounts.manage')).toBe(true);
  });
  it('refuses another structure, another right, no principal, or a session that is not strong (R06)', () => {
    expect(can(referentOfA, 'accounts.manage', establishmentB)).toBe(false);
    expect(can(referentOfA, 'esms.medical.read', unitA)).toBe(false);
    expect(can(null, 'accounts.manage')).toBe(false);
    expect(can({ ...referentOfA, strength: 'password' }, 'accounts.manage', unitA)).toBe(false);
  });
});
