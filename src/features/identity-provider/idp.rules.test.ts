/** R17 as pure rules: acr by method, step-up decisions, habilitations by client domain, redirect URIs. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { amrOfMethod } from '../auth/auth.rules.js';
import { ACR, ACR_VALUES, acrOf, acrRank, habilitationsForClient, redirectUriProblem, stepUpNeeded, type HabilitationClaim } from './idp.rules.js';

const now = new Date('2026-12-06T10:00:00Z');
const session = (authMethod: string, minutesAgo = 1) => ({ authMethod, authenticatedAt: new Date(now.getTime() - minutesAgo * 60_000) });
const demand = (over: Partial<Parameters<typeof stepUpNeeded>[1]> = {}) => ({ acrValues: [], forceLogin: false, requestedAt: now, ...over });

describe('R17 acr and amr of each sign-in method', () => {
  it('R17 orders trusted browser < mfa < card, and states each method truthfully (RFC 8176)', () => {
    expect(ACR_VALUES.map(acrRank)).toEqual([0, 1, 2]);
    expect(acrOf('password+trusted-browser')).toBe(ACR.trustedBrowser);
    expect(acrOf('password')).toBe(ACR.mfa);
    expect(acrOf('psc')).toBe(ACR.mfa);
    expect(acrOf('cps')).toBe(ACR.card);
    expect(amrOfMethod('password')).toEqual(['pwd', 'otp', 'mfa']);
    expect(amrOfMethod('password', 'SMS')).toEqual(['pwd', 'sms', 'mfa']);
    expect(amrOfMethod('cps')).toEqual(['sc', 'pin', 'hwk']);
    expect(amrOfMethod('password+trusted-browser')).toEqual(['pwd']);
  });
});

describe('R17 step-up, never a weaker session', () => {
  it('R17 a session below the weakest acr asked steps up; at or above it does not', () => {
    const methods = ['password+trusted-browser', 'password', 'psc', 'cps'];
    fc.assert(
      fc.property(fc.constantFrom(...methods), fc.subarray([...ACR_VALUES], { minLength: 1 }), (method, asked) => {
        const result = stepUpNeeded(session(method), demand({ acrValues: asked }), now);
        const needed = Math.min(...asked.map(acrRank));
        expect(result === null).toBe(acrRank(acrOf(method)) >= needed);
        if (result) expect(result).toEqual({ reason: 'acr', need: ACR_VALUES[needed] });
      }),
    );
    expect(stepUpNeeded(session('password'), demand({ acrValues: ['eidas3'] }), now)).toBeNull();
  });

  it('R17 max_age and prompt=login ask a fresh authentication, unless it happened during this request', () => {
    expect(stepUpNeeded(session('password', 30), demand({ maxAgeSeconds: 600 }), now)).toEqual({ reason: 'freshness' });
    expect(stepUpNeeded(session('password', 5), demand({ maxAgeSeconds: 600 }), now)).toBeNull();
    expect(stepUpNeeded(session('password', 5), demand({ forceLogin: true }), now)).toEqual({ reason: 'freshness' });
    const justNow = { authMethod: 'password', authenticatedAt: now };
    expect(stepUpNeeded(justNow, demand({ forceLogin: true, maxAgeSeconds: 0, requestedAt: new Date(now.getTime() - 60_000) }), now)).toBeNull();
  });
});

describe('R17 habilitations by client domain', () => {
  it('R17 a client receives only the habilitations of its registered domains', () => {
    const h = (domain: string | null): HabilitationClaim => ({ profile: { code: 'P', name: 'P' }, domain, place: { level: 'unit', finess: null, unitId: 1, department: '34', region: '76' }, rights: [], endDate: '2027-01-01' });
    const all = [h('SANITAIRE'), h('HANDICAP'), h(null)];
    expect(habilitationsForClient(all, ['HANDICAP']).map((x) => x.domain)).toEqual(['HANDICAP']);
    expect(habilitationsForClient(all, [])).toEqual([]);
  });

  it('redirect URIs: https, or http on the loopback outside production, never a fragment', () => {
    expect(redirectUriProblem('https://module.exemple.fr/retour', true)).toBeNull();
    expect(redirectUriProblem('http://localhost:4000/retour', false)).toBeNull();
    expect(redirectUriProblem('http://localhost:4000/retour', true)).toBe('en https');
    expect(redirectUriProblem('http://module.exemple.fr/retour', false)).toBe('en https');
    expect(redirectUriProblem('https://module.exemple.fr/retour#x', true)).toBe('sans fragment (#)');
    expect(redirectUriProblem('pas une adresse', true)).toBe('adresse invalide');
  });
});
