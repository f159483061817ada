/** Pure rules of card and e-CPS login (R12, R13). */
import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { acrMeetsLevel, amrClaim, amrOfKeptIdToken, cardCertificateProblem, isStrongPartnerAuthentication, issuerProblem, KEY_USAGE, nationalIdFromCn, parseNationalId, practicePlaces, type CertificateFacts } from './card-login.rules.js';

const now = new Date('2026-11-23T10:00:00Z');
const leaf: CertificateFacts = {
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2027-01-01T00:00:00Z'),
  keyUsage: KEY_USAGE.digitalSignature,
  extendedKeyUsage: ['1.3.6.1.5.5.7.3.2'],
  isCa: false,
};

describe('R13 acr', () => {
  it('R13 accepts eidas1 and above, refuses missing, unknown and lower levels', () => {
    expect(acrMeetsLevel('eidas1', 'eidas1')).toBe(true);
    expect(acrMeetsLevel('eidas3', 'eidas1')).toBe(true);
    expect(acrMeetsLevel('eidas1', 'eidas2')).toBe(false);
    expect(acrMeetsLevel(undefined, 'eidas1')).toBe(false);
    expect(acrMeetsLevel('eidas0', 'eidas1')).toBe(false);
    expect(acrMeetsLevel(['eidas1'], 'eidas1')).toBe(false);
  });
});

describe('R12 R13 national identifiers', () => {
  it('R12 reads 8 + RPPS and 0 + ADELI, nothing else', () => {
    expect(parseNationalId('810001234567')).toEqual({ value: '810001234567', type: 'RPPS', number: '10001234567' });
    expect(parseNationalId('0123456789')).toEqual({ value: '0123456789', type: 'ADELI', number: '123456789' });
    expect(parseNationalId('910001234567')).toBeNull();
    expect(parseNationalId('81000123456')).toBeNull();
    expect(parseNationalId(810001234567)).toBeNull();
    expect(nationalIdFromCn('810001234567/CPS')?.number).toBe('10001234567');
    expect(nationalIdFromCn('Jean Dupont')).toBeNull();
  });
});

describe('R12 certificate rules', () => {
  it('R12 accepts a signing certificate within its dates', () => {
    expect(cardCertificateProblem(leaf, now)).toBeNull();
    expect(cardCertificateProblem({ ...leaf, extendedKeyUsage: null }, now)).toBeNull();
  });
  it('R12 refuses outside the validity dates', () => {
    expect(cardCertificateProblem(leaf, new Date('2027-01-02T00:00:00Z'))).toBe('expired');
    expect(cardCertificateProblem(leaf, new Date('2025-12-31T00:00:00Z'))).toBe('not_yet_valid');
  });
  it('R12 refuses a certificate not made for signing in', () => {
    expect(cardCertificateProblem({ ...leaf, keyUsage: null }, now)).toBe('wrong_key_usage');
    expect(cardCertificateProblem({ ...leaf, keyUsage: 4 }, now)).toBe('wrong_key_usage');
    expect(cardCertificateProblem({ ...leaf, extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'] }, now)).toBe('wrong_key_usage');
    expect(cardCertificateProblem({ ...leaf, isCa: true }, now)).toBe('wrong_key_usage');
  });
  it('R12 an issuer must be a CA allowed to sign certificates, within its dates', () => {
    const ca: CertificateFacts = { ...leaf, isCa: true, keyUsage: KEY_USAGE.keyCertSign, extendedKeyUsage: null };
    expect(issuerProblem(ca, now)).toBeNull();
    expect(issuerProblem({ ...ca, isCa: false }, now)).toBe('wrong_key_usage');
    expect(issuerProblem({ ...ca, keyUsage: KEY_USAGE.digitalSignature }, now)).toBe('wrong_key_usage');
    expect(issuerProblem(ca, new Date('2028-01-01T00:00:00Z'))).toBe('expired');
  });
});

describe('R16 proof of strong authentication from a partner', () => {
  const partner = { strongAcr: ['urn:chu:fort'], maxAuthAgeSeconds: 600 };
  const at = now.getTime() / 1000;
  it('R16 accepts a second factor or a card, or a strong acr, when recent', () => {
    expect(isStrongPartnerAuthentication({ amr: ['pwd', 'otp'], auth_time: at - 60 }, partner, now)).toBe(true);
    expect(isStrongPartnerAuthentication({ amr: ['sc'], auth_time: at }, partner, now)).toBe(true);
    expect(isStrongPartnerAuthentication({ acr: 'urn:chu:fort', auth_time: at - 599 }, partner, now)).toBe(true);
  });
  it('R16 refuses a password alone, an unknown acr, an old or missing auth_time', () => {
    expect(isStrongPartnerAuthentication({ amr: ['pwd'], auth_time: at }, partner, now)).toBe(false);
    expect(isStrongPartnerAuthentication({ acr: 'urn:chu:faible', auth_time: at }, partner, now)).toBe(false);
    expect(isStrongPartnerAuthentication({ amr: 'mfa', auth_time: at }, partner, now)).toBe(false);
    expect(isStrongPartnerAuthentication({ amr: ['mfa'], auth_time: at - 601 }, partner, now)).toBe(false);
    expect(isStrongPartnerAuthentication({ amr: ['mfa'] }, partner, now)).toBe(false);
    expect(isStrongPartnerAuthentication({ amr: ['mfa'], auth_time: at + 3600 }, partner, now)).toBe(false);
  });
});

describe('R13 places of practice from SubjectRefPro', () => {
  it('R13 reads every exercice’s activities: FINESS of the site and its name, without duplicates', () => {
    const claim = {
      codeCivilite: 'M',
      exercices: [
        { codeProfession: '10', activities: [{ numeroFinessSite: '340000000', raisonSocialeSite: 'Cabinet des Tilleuls' }, { numeroFinessSite: '2A0000001', raisonSocialeSite: 'Clinique du Golo' }] },
        { codeProfession: '10', activities: [{ numeroFinessSite: '340000000', raisonSocialeSite: 'Cabinet des Tilleuls' }, { raisonSocialeSite: 'Remplacements' }] },
      ],
    };
    expect(practicePlaces(claim)).toEqual([
      { finess: '340000000', name: 'Cabinet des Tilleuls' },
      { finess: '2A0000001', name: 'Clinique du Golo' },
      { finess: null, name: 'Remplacements' },
    ]);
  });

  it('R13 skips what is malformed and trusts no shape', () => {
    expect(practicePlaces(undefined)).toEqual([]);
    expect(practicePlaces('SubjectRefPro')).toEqual([]);
    expect(practicePlaces({ exercices: 'non' })).toEqual([]);
    expect(practicePlaces({ exercices: [{ activities: [null, 3, { numeroFinessSite: '12345', raisonSocialeSite: '' }, { numeroFinessSite: '<script>' }] }] })).toEqual([]);
    expect(practicePlaces({ exercices: [{ activities: [{ numeroFinessSite: 'ABCDEFGHI', raisonSocialeSite: 'Cabinet' }] }] })).toEqual([{ finess: null, name: 'Cabinet' }]);
    const many = { exercices: [{ activities: Array.from({ length: 30 }, (_, i) => ({ raisonSocialeSite: `Site ${i}` })) }] };
    expect(practicePlaces(many)).toHaveLength(20);
  });
});

describe('R17 the amr an e-CPS session states', () => {
  it('R17 keeps the provider’s amr strings in order, bounded; anything else is no amr', () => {
    expect(amrClaim(['swk', 'pin', 'mfa'])).toEqual(['swk', 'pin', 'mfa']);
    expect(amrClaim(['hwk', 7, null, 'pin'])).toEqual(['hwk', 'pin']);
    expect(amrClaim('mfa')).toEqual([]);
    expect(amrClaim(undefined)).toEqual([]);
    expect(amrClaim(Array.from({ length: 12 }, (_, i) => `m${i}`))).toHaveLength(10);
    expect(amrClaim(['x'.repeat(60)])).toEqual(['x'.repeat(40)]);
  });

  it('R17 reads the amr of the ID token a flow kept; none, or no token, is an empty list', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sign = (payload: Record<string, unknown>) => new SignJWT(payload).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
    expect(amrOfKeptIdToken(await sign({ sub: 'x', amr: ['sc', 'pin', 'hwk'] }))).toEqual(['sc', 'pin', 'hwk']);
    expect(amrOfKeptIdToken(await sign({ sub: 'x' }))).toEqual([]);
    expect(amrOfKeptIdToken(null)).toEqual([]);
    expect(amrOfKeptIdToken('pas-un-jeton')).toEqual([]);
  });
});
