/** The policy's "may" of granting and changing habilitations (R32, R33), as pure functions. */
import { describe, expect, it } from 'vitest';
import {
  canChangeHabilitation,
  canGrantProfile,
  canGrantProfileAt,
  canGrantTo,
  changeRefusal,
  placesWhere,
  scopeCovers,
  type Grant,
  type PlaceFacts,
  type Principal,
  type ProfileFacts,
} from './habilitation.policy.js';

const REFERENT: readonly string[] = ['accounts.manage', 'habilitations.grant', 'habilitations.review'];
const unitA: PlaceFacts = { level: 'unit', unitId: 11, establishmentId: 1, departmentCode: '34', regionCode: '76', domain: null };
const establishmentA: PlaceFacts = { level: 'establishment', establishmentId: 1, departmentCode: '34', regionCode: '76', domain: null };
const establishmentB: PlaceFacts = { level: 'establishment', establishmentId: 2, departmentCode: '34', regionCode: '76', domain: null };
const unitB: PlaceFacts = { level: 'unit', unitId: 21, establishmentId: 2, departmentCode: '34', regionCode: '76', domain: null };
const ime: PlaceFacts = { level: 'establishment', establishmentId: 3, departmentCode: '34', regionCode: '76', domain: 'HANDICAP' };
const hospital: PlaceFacts = { level: 'establishment', establishmentId: 4, departmentCode: '34', regionCode: '76', domain: 'SANITAIRE' };
const department34: PlaceFacts = { level: 'department', departmentCode: '34', regionCode: '76' };

const LOCAL = ['REFERENT_STRUCTURE', 'REFERENT_UNITE', 'SANITAIRE_COORDINATION', 'GRAND_AGE_COORDINATION'];
const profiles = {
  referentUnit: { code: 'REFERENT_UNITE', domain: null, level: 'unit', grantorCodes: ['REFERENT_STRUCTURE', 'SANITAIRE_COORDINATION', 'GRAND_AGE_COORDINATION'] },
  referentStructure: { code: 'REFERENT_STRUCTURE', domain: null, level: 'establishment', grantorCodes: ['REFERENT_STRUCTURE', 'SANITAIRE_COORDINATION', 'GRAND_AGE_COORDINATION'] },
  prescriber: { code: 'SANITAIRE_PRESCRIPTEUR', domain: 'SANITAIRE', level: 'unit', grantorCodes: LOCAL },
  esmsMedical: { code: 'HANDICAP_ESMS_MEDICAL', domain: 'HANDICAP', level: 'establishment', grantorCodes: LOCAL },
  doctor: { code: 'GRAND_AGE_MEDECIN_COORDONNATEUR', domain: 'GRAND_AGE', level: 'establishment', grantorCodes: LOCAL },
} satisfies Record<string, ProfileFacts>;

let ids = 0;
const grant = (profileCode: string, location: PlaceFacts, profileDomain: string | null = null, rights = REFERENT): Grant => ({ habilitationId: (ids += 1), profileCode, profileDomain, rights, location });
const principal = (...grants: Grant[]): Principal => ({ accountId: 1000, viewer: { firstName: 'Lou', lastName: 'Test', username: 'ltest' }, strength: 'strong', grants });

/** Unit referent of unit A, and structure referent of establishment B: two grant profiles at two places. */
const twoGrants = principal(grant('REFERENT_UNITE', unitA), grant('REFERENT_STRUCTURE', establishmentB));
const sanitaireCoordination = principal(grant('SANITAIRE_COORDINATION', department34, 'SANITAIRE'));

describe('R33 canGrantProfileAt: the profile and the place from one and the same grant', () => {
  it('R33 a unit referent here and structure referent elsewhere grants, in the unit, only what a unit referent grants', () => {
    expect(canGrantProfileAt(twoGrants, profiles.prescriber, unitA)).toBe(true);
    // REFERENT_UNITE is granted by structure referents: the grant at B does not reach unit A.
    expect(canGrantProfileAt(twoGrants, profiles.referentUnit, unitA)).toBe(false);
    expect(canGrantProfileAt(twoGrants, profiles.referentUnit, unitB)).toBe(true);
    // Each profile alone is grantable somewhere, and each place is in the scope: only the pair is refused.
    expect(canGrantProfile(twoGrants, profiles.referentUnit)).toBe(true);
  });

  it('R33 the place must be of the profile’s level and inside the grant', () => {
    expect(canGrantProfileAt(twoGrants, profiles.prescriber, establishmentA)).toBe(false);
    expect(canGrantProfileAt(twoGrants, profiles.referentStructure, establishmentB)).toBe(true);
    expect(canGrantProfileAt(twoGrants, profiles.referentStructure, establishmentA)).toBe(false);
  });

  it('R33 a coordination grants only profiles and structures of its own domain', () => {
    expect(canGrantProfileAt(sanitaireCoordination, profiles.esmsMedical, ime)).toBe(false);
    expect(canGrantProfileAt(sanitaireCoordination, profiles.referentStructure, ime)).toBe(false);
    expect(canGrantProfileAt(sanitaireCoordination, profiles.esmsMedical, hospital)).toBe(false);
    expect(canGrantProfileAt(sanitaireCoordination, profiles.referentStructure, hospital)).toBe(true);
    expect(canGrantProfile(sanitaireCoordination, profiles.esmsMedical)).toBe(false);
    expect(canGrantProfile(sanitaireCoordination, profiles.referentStructure)).toBe(true);
    // A structure whose domain is unknown belongs to every domain (ADR 0005).
    expect(canGrantProfileAt(sanitaireCoordination, profiles.referentStructure, establishmentA)).toBe(true);
  });

  it('R33 a structure referent grants every domain’s profiles in their structure', () => {
    const imeReferent = principal(grant('REFERENT_STRUCTURE', ime));
    expect(canGrantProfileAt(imeReferent, profiles.esmsMedical, ime)).toBe(true);
    expect(canGrantProfileAt(imeReferent, profiles.doctor, ime)).toBe(true);
    expect(canGrantProfileAt(imeReferent, profiles.esmsMedical, hospital)).toBe(false);
  });

  it('R06 a session that is not strong may grant nothing', () => {
    expect(canGrantProfileAt({ ...twoGrants, strength: 'password' }, profiles.prescriber, unitA)).toBe(false);
    expect(canGrantProfileAt(null, profiles.prescriber, unitA)).toBe(false);
  });
});

describe('R32 R33 canChangeHabilitation', () => {
  const habilitation = (accountId: number, profile: ProfileFacts, place: PlaceFacts, deleted = false) => ({ accountId, profile, place, deleted });

  it('R32 nobody grants, prolongs or deletes their own habilitation', () => {
    expect(canGrantTo(twoGrants, twoGrants.accountId)).toBe(false);
    expect(canGrantTo(twoGrants, 7)).toBe(true);
    expect(changeRefusal(twoGrants, habilitation(twoGrants.accountId, profiles.prescriber, unitA))).toBe('SELF');
    expect(canChangeHabilitation(twoGrants, habilitation(7, profiles.prescriber, unitA))).toBe(true);
  });

  it('R33 a change is refused as a grant would be, and out of scope answers as absent', () => {
    expect(changeRefusal(twoGrants, habilitation(7, profiles.referentUnit, unitA))).toBe('FORBIDDEN');
    expect(changeRefusal(twoGrants, habilitation(7, profiles.referentUnit, unitB))).toBeNull();
    expect(changeRefusal(twoGrants, habilitation(7, profiles.prescriber, { ...unitA, unitId: 12 }))).toBe('NOT_FOUND');
    // The coordination reviews the IME (review is by place) but may not change a Handicap habilitation there.
    expect(changeRefusal(sanitaireCoordination, habilitation(7, profiles.esmsMedical, ime))).toBe('FORBIDDEN');
    expect(changeRefusal(sanitaireCoordination, habilitation(7, profiles.referentStructure, hospital))).toBeNull();
    expect(changeRefusal(sanitaireCoordination, habilitation(7, profiles.referentStructure, hospital, true))).toBe('DELETED');
  });
});

describe('R33 placesWhere and scopeCovers: where a principal administers', () => {
  it('R33 a coordination administers the accounts of its domain’s structures and profiles only', () => {
    const places = placesWhere(sanitaireCoordination, 'accounts.manage');
    expect(places).toEqual([{ level: 'department', unitId: null, establishmentId: null, departmentCode: '34', regionCode: '76', domain: 'SANITAIRE' }]);
    expect(scopeCovers(places, { place: hospital, profileDomain: 'SANITAIRE' })).toBe(true);
    expect(scopeCovers(places, { place: ime, profileDomain: null })).toBe(false);
    expect(scopeCovers(places, { place: hospital, profileDomain: 'HANDICAP' })).toBe(false);
    expect(scopeCovers(places, { place: department34, profileDomain: 'GRAND_AGE' })).toBe(false);
    expect(scopeCovers(places, { place: department34, profileDomain: 'SANITAIRE' })).toBe(true);
    // Review is by place: its scope is not bound by domain.
    expect(placesWhere(sanitaireCoordination, 'habilitations.review')[0]!.domain).toBeNull();
  });

  it('R33 a structure referent administers their structure whatever the domain', () => {
    const places = placesWhere(principal(grant('REFERENT_STRUCTURE', ime)), 'accounts.manage');
    expect(scopeCovers(places, { place: ime, profileDomain: 'GRAND_AGE' })).toBe(true);
    expect(scopeCovers(places, { place: hospital, profileDomain: null })).toBe(false);
  });
});
