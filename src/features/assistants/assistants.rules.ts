/**
 * Pure rules of R15: what a liberal professional delegates to an assistant. Three areas of the
 * professional's resources — the files, their medical data, their autonomy data — each with a level:
 * none, read, or write (which includes read).
 */

// The levels and what they allow are the policy's (R15 is a "may"): re-exported for this feature.
import { DELEGATION_AREAS, DELEGATION_LEVELS, type DelegationArea, type DelegationLevel, type DelegationLevels } from '../habilitations/habilitation.policy.js';
export { DELEGATION_AREAS, DELEGATION_LEVELS, levelAllows, type Access, type DelegationArea, type DelegationLevel, type DelegationLevels } from '../habilitations/habilitation.policy.js';

export const AREA_LABELS: Record<DelegationArea, string> = {
  files: 'Accès aux dossiers',
  medical: 'Accès aux données médicales',
  autonomy: 'Accès aux données d’autonomie',
};

export const LEVEL_LABELS: Record<DelegationLevel, string> = {
  none: 'Aucun',
  read: 'Lecture',
  write: 'Lecture et écriture',
};

/** An invitation link lives 7 days, like an activation link (R11). */
export const INVITATION_TTL_MS = 7 * 24 * 3_600_000;

/** The code that proves the invited mailbox: 10 minutes, 5 tries, resent at most once a minute (as the login code, R04). */
export const ACCEPTANCE_CODE_TTL_MS = 10 * 60_000;
export const ACCEPTANCE_CODE_MAX_ATTEMPTS = 5;
export const ACCEPTANCE_CODE_RESEND_MS = 60_000;

/** Two spellings of one name: same letters, whatever the accents, case, hyphens, apostrophes and spaces. */
export function sameName(a: string, b: string): boolean {
  const fold = (value: string) =>
    value
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^\p{L}]/gu, '');
  return fold(a) !== '' && fold(a) === fold(b);
}

export function isDelegationLevel(value: unknown): value is DelegationLevel {
  return typeof value === 'string' && (DELEGATION_LEVELS as readonly string[]).includes(value);
}

/** A delegation gives at least one access: three "Aucun" is no delegation. */
export function grantsSomething(levels: DelegationLevels): boolean {
  return DELEGATION_AREAS.some((area) => levels[area] !== 'none');
}

/** "Accès aux dossiers : Lecture ; …", as the history and the e-mails say it. */
export function describeLevels(levels: DelegationLevels): string {
  return DELEGATION_AREAS.map((area) => `${AREA_LABELS[area]} : ${LEVEL_LABELS[levels[area]].toLowerCase()}`).join(' ; ');
}

