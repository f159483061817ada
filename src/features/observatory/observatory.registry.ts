/**
 * The predefined requests of the Observatoire (R70), one line each, in the order the catalogue
 * shows them. A new request is a module under requests/ and one line here: nothing else changes.
 */
import type { ObservatoryRequest } from './observatory.request.js';
import { activeHabilitations } from './requests/active-habilitations.request.js';
import { endingHabilitations } from './requests/ending-habilitations.request.js';
import { referentCoverage } from './requests/referent-coverage.request.js';
import { accountStates } from './requests/account-states.request.js';
import { loginMethods } from './requests/login-methods.request.js';
import { receivedNotificationsRequest } from './requests/received-notifications.request.js';
import { waitingList } from './requests/waiting-list.request.js';
import { followupFunnel } from './requests/followup-funnel.request.js';
import { impossibleAdmissions } from './requests/impossible-admissions.request.js';
import { exits } from './requests/exits.request.js';
import { answerDelays } from './requests/answer-delays.request.js';
import { expiringNotificationsRequest } from './requests/expiring-notifications.request.js';

export const REQUESTS: readonly ObservatoryRequest[] = [
  activeHabilitations,
  endingHabilitations,
  referentCoverage,
  accountStates,
  loginMethods,
  receivedNotificationsRequest,
  waitingList,
  followupFunnel,
  impossibleAdmissions,
  exits,
  answerDelays,
  expiringNotificationsRequest,
];

export function findRequest(code: unknown): ObservatoryRequest | undefined {
  return typeof code === 'string' ? REQUESTS.find((r) => r.code === code) : undefined;
}
