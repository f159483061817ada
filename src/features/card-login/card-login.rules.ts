/** Pure rules of card and e-CPS login (R12, R13): nothing here reads the clock, the database or the environment. */
import { decodeJwt } from 'jose';
import { isFiness } from '../../platform/finess.js';

/** Levels of Pro Santé Connect's `acr`, lowest first. */
export const ACR_LEVELS = ['eidas1', 'eidas2', 'eidas3'] as const;
export type AcrLevel = (typeof ACR_LEVELS)[number];

/** R13: the ID token's `acr` must be a known level at or above the required one; missing is refused. */
export function acrMeetsLevel(acr: unknown, required: AcrLevel): boolean {
  if (typeof acr !== 'string') return false;
  const index = (ACR_LEVELS as readonly string[]).indexOf(acr);
  return index >= 0 && index >= ACR_LEVELS.indexOf(required);
}

/** Time to come back from the provider, then to type the password that pairs the identity. */
export const FLOW_TTL_MS = 10 * 60_000;

export interface NationalId {
  /** The national identifier as the card and PSC carry it: type digit + number ("8" + RPPS). */
  value: string;
  type: 'RPPS' | 'ADELI';
  number: string;
}

/**
 * Reads a national identifier: 8 + RPPS (11 digits) or 0 + ADELI (9 digits). Anything else is not
 * an identity Habilis can pair.
 */
export function parseNationalId(value: unknown): NationalId | null {
  if (typeof value !== 'string') return null;
  const rpps = /^8(\d{11})$/.exec(value);
  if (rpps) return { value, type: 'RPPS', number: rpps[1]! };
  const adeli = /^0(\d{9})$/.exec(value);
  if (adeli) return { value, type: 'ADELI', number: adeli[1]! };
  return null;
}

/** R17: the amr a provider's ID token states, as a session records it: its strings, at most 10 of 40 characters. */
export function amrClaim(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(0, 10).map((v) => v.slice(0, 40)) : [];
}

/**
 * R17: the amr of the e-CPS ID token a flow kept (verified when it came back from Pro Santé
 * Connect), for a session opened later from that flow (the pairing, the liberal account).
 */
export function amrOfKeptIdToken(idToken: string | null): string[] {
  if (!idToken) return [];
  try {
    return amrClaim(decodeJwt(idToken).amr);
  } catch {
    return [];
  }
}

/** A claim as short printable text, or null. */
export function claimText(value: unknown, max = 200): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return text.length > 0 && text.length <= max ? text : null;
}

/** R14: the e-mail validation link of a self-created account lives 7 days, like an activation link. */
export const EMAIL_VALIDATION_TTL_MS = 7 * 24 * 3_600_000;

/** Key usage flags as @peculiar/x509 numbers them (KeyUsageFlags: bit n = RFC 5280 §4.2.1.3 usage n). */
export const KEY_USAGE = { digitalSignature: 1, keyCertSign: 32 } as const;
export const CLIENT_AUTH_EKU = '1.3.6.1.5.5.7.3.2';

export interface CertificateFacts {
  notBefore: Date;
  notAfter: Date;
  /** Key usage bits (peculiar's KeyUsageFlags), null when the extension is absent. */
  keyUsage: number | null;
  /** Extended key usages, null when the extension is absent. */
  extendedKeyUsage: string[] | null;
  isCa: boolean;
}

export type CertificateProblem = 'expired' | 'not_yet_valid' | 'wrong_key_usage';

/**
 * R12: what makes a card's authentication certificate unusable today: outside its validity dates,
 * or not made for signing in (digitalSignature, clientAuth when restricted, never a CA).
 */
export function cardCertificateProblem(cert: CertificateFacts, now: Date): CertificateProblem | null {
  if (now.getTime() < cert.notBefore.getTime()) return 'not_yet_valid';
  if (now.getTime() > cert.notAfter.getTime()) return 'expired';
  if (cert.isCa) return 'wrong_key_usage';
  if (cert.keyUsage === null || (cert.keyUsage & KEY_USAGE.digitalSignature) === 0) return 'wrong_key_usage';
  if (cert.extendedKeyUsage !== null && !cert.extendedKeyUsage.includes(CLIENT_AUTH_EKU)) return 'wrong_key_usage';
  return null;
}

/** R12: an issuing CA must be valid today and allowed to sign certificates. */
export function issuerProblem(cert: CertificateFacts, now: Date): CertificateProblem | null {
  if (now.getTime() < cert.notBefore.getTime()) return 'not_yet_valid';
  if (now.getTime() > cert.notAfter.getTime()) return 'expired';
  if (!cert.isCa || (cert.keyUsage !== null && (cert.keyUsage & KEY_USAGE.keyCertSign) === 0)) return 'wrong_key_usage';
  return null;
}

/** The national identifier at the start of a card certificate's CN ("8" + RPPS, "0" + ADELI), before any "/" suffix. */
export function nationalIdFromCn(cn: string | undefined): NationalId | null {
  if (!cn) return null;
  return parseNationalId(cn.trim().split(/[/\s]/)[0]);
}

/** RFC 8176 methods that prove more than a password: a second factor, a hardware key, a smart card. */
export const STRONG_AMR = ['mfa', 'otp', 'sms', 'hwk', 'sc'] as const;

/**
 * R16: a partner's ID token proves strong authentication when its `amr` names a strong method or
 * its `acr` is one the partner's configuration calls strong, and the authentication is recent.
 */
export function isStrongPartnerAuthentication(
  claims: { amr?: unknown; acr?: unknown; auth_time?: unknown },
  partner: { strongAcr: readonly string[]; maxAuthAgeSeconds: number },
  now: Date,
): boolean {
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((m): m is string => typeof m === 'string') : [];
  const strongMethod = amr.some((m) => (STRONG_AMR as readonly string[]).includes(m));
  const strongLevel = typeof claims.acr === 'string' && partner.strongAcr.includes(claims.acr);
  if (!strongMethod && !strongLevel) return false;
  if (typeof claims.auth_time !== 'number') return false;
  const age = now.getTime() / 1000 - claims.auth_time;
  return age >= -60 && age <= partner.maxAuthAgeSeconds;
}

/** A place where the professional practises, as Pro Santé Connect lists it. */
export interface PracticePlace {
  finess: string | null;
  name: string | null;
}


/**
 * R13: the places of practice in PSC's `SubjectRefPro` claim: every `exercices[].activities[]`
 * with its site's FINESS number (`numeroFinessSite`) and name (`raisonSocialeSite`). Anything
 * malformed is skipped, never trusted; at most 20 places, without duplicates.
 */
export function practicePlaces(subjectRefPro: unknown): PracticePlace[] {
  const record = (value: unknown): Record<string, unknown> | null => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null);
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  const places: PracticePlace[] = [];
  for (const exercice of list(record(subjectRefPro)?.exercices)) {
    for (const activity of list(record(exercice)?.activities)) {
      const fields = record(activity);
      if (!fields) continue;
      const finessText = claimText(fields.numeroFinessSite, 9);
      const place = { finess: finessText && isFiness(finessText) ? finessText : null, name: claimText(fields.raisonSocialeSite) };
      if (!place.finess && !place.name) continue;
      if (places.some((p) => p.finess === place.finess && p.name === place.name)) continue;
      if (places.length < 20) places.push(place);
    }
  }
  return places;
}
