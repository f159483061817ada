/** R33 and the catalogue: with territory profiles bound to their domain (ADR 0005), someone can still grant every profile (ADR 0009). */
import { describe, expect, it } from 'vitest';
import { canGrantProfileAt, type Grant, type PlaceFacts, type Principal, type ProfileFacts } from '../../features/habilitations/habilitation.policy.js';
import { PROFILES, type ProfileSpec } from './catalogue.js';

const facts = (p: ProfileSpec): ProfileFacts => ({ code: p.code, domain: p.domain, level: p.level, grantorCodes: p.grantedBy });
const spec = (code: string) => PROFILES.find((p) => p.code === code)!;

/** A place of this level in region 76, department 34, in a structure of this domain. */
function placeOf(level: ProfileSpec['level'], domain: string | null): PlaceFacts {
  const base = { regionCode: '76', departmentCode: '34', establishmentId: 1, unitId: 11 };
  if (level === 'region') return { level, regionCode: '76' };
  if (level === 'department') return { level, regionCode: '76', departmentCode: '34' };
  if (level === 'establishment') return { level, regionCode: '76', departmentCode: '34', establishmentId: 1, domain };
  return { ...base, level, domain };
}

/** The holder of one habilitation of `grantor`, at the place of its level that contains `place`. */
function holder(grantor: ProfileSpec, place: PlaceFacts): Principal {
  const location: PlaceFacts = { ...placeOf(grantor.level, place.domain ?? null) };
  const grant: Grant = { habilitationId: 1, profileCode: grantor.code, profileDomain: grantor.domain, rights: grantor.rights, location };
  return { accountId: 1, viewer: { firstName: 'A', lastName: 'B', username: 'ab' }, strength: 'strong', grants: [grant] };
}

/** Who, other than a holder of the same profile at the same place, may grant `profile` at `place`? */
const grantorsAt = (profile: ProfileSpec, place: PlaceFacts) =>
  profile.grantedBy.filter((code) => code !== profile.code && canGrantProfileAt(holder(spec(code), place), facts(profile), place)).sort();

describe('R33 the catalogue: every profile has a grantor its domain bound allows (ADR 0009)', () => {
  it('R33 the Grand Âge coordination, the TND and HNP region profiles are granted by the regional administrator', () => {
    expect(grantorsAt(spec('GRAND_AGE_COORDINATION'), placeOf('department', null))).toEqual(['ADMINISTRATEUR_REGIONAL']);
    expect(grantorsAt(spec('TND_REFERENT_REGIONAL'), placeOf('region', null))).toEqual(['ADMINISTRATEUR_REGIONAL']);
    expect(grantorsAt(spec('HNP_REGION'), placeOf('region', null))).toEqual(['ADMINISTRATEUR_REGIONAL']);
    // Sanitaire – Région stays bound to its domain: it grants the Sanitaire coordination only.
    expect(grantorsAt(spec('SANITAIRE_COORDINATION'), placeOf('department', null))).toEqual(['ADMINISTRATEUR_REGIONAL', 'SANITAIRE_REGION']);
  });

  it('R33 the first structure referent of a Handicap, CPAM, TND or HNP structure can be named', () => {
    for (const domain of ['HANDICAP', 'CPAM', 'TND', 'HNP']) {
      expect(grantorsAt(spec('REFERENT_STRUCTURE'), placeOf('establishment', domain)), domain).toEqual(['ADMINISTRATEUR_REGIONAL']);
    }
    expect(grantorsAt(spec('REFERENT_STRUCTURE'), placeOf('establishment', 'GRAND_AGE'))).toEqual(['ADMINISTRATEUR_REGIONAL', 'GRAND_AGE_COORDINATION']);
  });

  it('R33 every profile of the catalogue can be granted by someone other than its own holders, at a place of every domain', () => {
    // The regional administrator is named by its peers only; the first one at installation (docs/operations.md).
    for (const profile of PROFILES.filter((p) => p.code !== 'ADMINISTRATEUR_REGIONAL')) {
      const domains = profile.level === 'region' || profile.level === 'department' ? [null] : [profile.domain, ...(profile.domain ? [] : ['HANDICAP', 'HNP'])];
      for (const domain of domains) expect(grantorsAt(profile, placeOf(profile.level, domain)).length, `${profile.code} ${domain}`).toBeGreaterThan(0);
    }
  });

  it('R33 the regional administrator is bound to no domain but to its region', () => {
    const admin = holder(spec('ADMINISTRATEUR_REGIONAL'), placeOf('region', null));
    expect(canGrantProfileAt(admin, facts(spec('REFERENT_STRUCTURE')), { level: 'establishment', regionCode: '75', departmentCode: '75', establishmentId: 9, domain: 'HANDICAP' })).toBe(false);
    // It names referents and territory teams, not the business profiles: those are the referents' to grant.
    expect(canGrantProfileAt(admin, facts(spec('HANDICAP_ESMS_MEDICAL')), placeOf('establishment', 'HANDICAP'))).toBe(false);
  });
});
