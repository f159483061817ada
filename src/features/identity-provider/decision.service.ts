/**
 * The decision API (issue 17, R15, R17): "may this person do this right at this place" and "may
 * this assistant read or write this area of this professional's resources", answered by THE
 * policy functions the pages use (`can`, `canActFor`) on the same facts the session gives them.
 * One query per subject (grants, delegations and the places asked); refusals are audited, in one
 * statement per request that does not wait for the disk (recordRefusals); permits are not written anywhere.
 */
import type { Deps } from '../../deps.js';
import { parisDate } from '../../platform/clock.js';
import { recordRefusals, SYSTEM_ACTOR } from '../../platform/audit/audit.js';
import { can, canActFor, type Principal } from '../habilitations/habilitation.policy.js';
import { isRight } from '../habilitations/habilitation.rights.js';
import { loadDecisionFacts, type DecisionFacts, type PlaceRefs } from './decision.repository.js';
import type { EvaluationRequest, EvaluationResponse } from './decision.schemas.js';
import type { ServiceToken } from './idp.provider.js';

type Reason = 'UNKNOWN_SUBJECT' | 'UNKNOWN_RESOURCE' | 'NOT_PERMITTED';

const refOf = (resource: EvaluationRequest['resource']) => `${resource.type}:${resource.id}`;

function placeRefs(requests: readonly EvaluationRequest[]): PlaceRefs {
  const refs: PlaceRefs = { unitIds: [], establishmentIds: [], finess: [], departmentCodes: [], regionCodes: [] };
  for (const { resource } of requests) {
    if (resource.type === 'unit') refs.unitIds.push(Number(resource.id));
    else if (resource.type === 'establishment') refs.establishmentIds.push(Number(resource.id));
    else if (resource.type === 'finess') refs.finess.push(resource.id);
    else if (resource.type === 'department') refs.departmentCodes.push(resource.id);
    else if (resource.type === 'region') refs.regionCodes.push(resource.id);
  }
  return refs;
}

/** The principal the pages would have for this person in a complete strong session, today. */
export function principalOfFacts(accountId: number, facts: DecisionFacts): Principal | null {
  if (!facts.active) return null;
  return { accountId, viewer: { firstName: '', lastName: '', username: '' }, strength: 'strong', grants: facts.grants, liberal: facts.liberal, delegations: facts.delegations };
}

function decide(principal: Principal | null, request: EvaluationRequest, facts: DecisionFacts): Reason | null {
  if (!principal) return 'UNKNOWN_SUBJECT';
  const { action, resource } = request;
  if (resource.type === 'professional') {
    const access = action.name === 'read' || action.name === 'write' ? action.name : null;
    return access && canActFor(principal, Number(resource.id), resource.properties.area, access) ? null : 'NOT_PERMITTED';
  }
  if (!isRight(action.name)) return 'NOT_PERMITTED';
  const place = facts.places.find((p) => p.ref === refOf(resource));
  if (!place) return 'UNKNOWN_RESOURCE';
  return can(principal, action.name, place) ? null : 'NOT_PERMITTED';
}

const ANSWERS: Record<Reason, string> = {
  UNKNOWN_SUBJECT: 'personne inconnue, bloquée ou désactivée',
  UNKNOWN_RESOURCE: 'ressource inconnue',
  NOT_PERMITTED: 'aucune habilitation ni délégation ne le permet',
};

export async function evaluate(deps: Deps, client: ServiceToken, requests: readonly EvaluationRequest[], ip: string | null): Promise<EvaluationResponse[]> {
  const today = parisDate(deps.clock.now());
  const bySubject = new Map<number, number[]>();
  requests.forEach((request, index) => {
    const subject = Number(request.subject.id);
    bySubject.set(subject, [...(bySubject.get(subject) ?? []), index]);
  });
  const answers: EvaluationResponse[] = new Array(requests.length);
  const denials: { request: EvaluationRequest; reason: Reason; subjectExists: boolean }[] = [];
  await Promise.all(
    [...bySubject].map(async ([accountId, indexes]) => {
      const mine = indexes.map((i) => requests[i]!);
      const facts = await loadDecisionFacts(deps.db, accountId, today, placeRefs(mine));
      const principal = principalOfFacts(accountId, facts);
      indexes.forEach((index, k) => {
        const reason = decide(principal, mine[k]!, facts);
        answers[index] = reason ? { decision: false, context: { reason } } : { decision: true };
        if (reason) denials.push({ request: mine[k]!, reason, subjectExists: facts.exists });
      });
    }),
  );
  await recordRefusals(
    deps.db,
    denials.map(({ request, reason, subjectExists }) => {
      const target = request.resource.type === 'professional' ? `${request.resource.properties.area} du professionnel ${request.resource.id}` : refOf(request.resource);
      return {
        actor: SYSTEM_ACTOR,
        subjectAccountId: subjectExists ? Number(request.subject.id) : null,
        code: 'ACCESS_DENIED',
        description: `Décision refusée à l’application ${client.clientId} : ${request.action.name.slice(0, 100)} sur ${target} (${ANSWERS[reason]})`,
        details: { clientId: client.clientId, subject: request.subject.id, action: request.action.name.slice(0, 100), resource: request.resource, reason },
        ip,
      };
    }),
  );
  return answers;
}
