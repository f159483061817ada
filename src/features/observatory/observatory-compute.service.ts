/**
 * Computing one order (R70), run by the order job: the scope is re-checked NOW from the orderer's
 * habilitations of today (not only at ordering), the request computes on a read-only snapshot with
 * a time limit, small counts are hidden, and the result and its Excel file are stored with the
 * status in one transaction. A failure the person must know of (no scope any more, a criterion out
 * of it) fails the order with a French reason at once; anything else is retried by pg-boss, and the
 * last attempt fails the order with a French reason.
 */
import type { Deps } from '../../deps.js';
import { parisDate } from '../../platform/clock.js';
import { observatoryPlaces, type Principal } from '../habilitations/habilitation.policy.js';
import { activeGrants } from '../habilitations/habilitation.service.js';
import { buildWorkbook } from './observatory.export.js';
import { findRequest } from './observatory.registry.js';
import type { ObservatoryRequest, ObservatoryScope, OrderResult, PlaceFilter } from './observatory.request.js';
import * as repo from './observatory.repository.js';
import { COMPUTE_ATTEMPTS, COMPUTE_TIME_LIMIT_SECONDS, listingExpiry, resultExpiry, scopeOf, suppressSmallCounts } from './observatory.rules.js';
import { criterionOutsideScope, resolveCriteria } from './observatory.service.js';

export type ComputeOutcome = 'ready' | 'failed' | 'skipped';

const REASONS = {
  unknown: 'Cette demande de statistiques n’existe plus.',
  noScope: 'Vos habilitations ne permettent plus de commander ces statistiques : la commande n’a pas été calculée.',
  outOfScope: 'Un critère de la commande est désormais en dehors de votre périmètre : la commande n’a pas été calculée.',
  failed: `Le calcul n’a pas abouti après ${COMPUTE_ATTEMPTS} essais. Renouvelez la commande ; si l’échec se répète, contactez l’assistance.`,
};

class OrderRefused extends Error {}

/** The orderer as a principal of today: their active habilitations, none when blocked or deactivated. */
async function ordererToday(deps: Deps, order: repo.ClaimedOrder, today: string): Promise<Principal | null> {
  if (order.blocked_at || order.deactivated_at) return null;
  return {
    accountId: order.account_id,
    viewer: { firstName: order.first_name, lastName: order.last_name, username: order.username },
    strength: 'strong',
    grants: await activeGrants(deps, order.account_id, today),
  };
}

/** R70: the scope and the criteria' places, checked again against today's habilitations. */
async function checkScope(deps: Deps, request: ObservatoryRequest, order: repo.ClaimedOrder, today: string) {
  const principal = await ordererToday(deps, order, today);
  const places = observatoryPlaces(principal, request.domain);
  if (places.length === 0) throw new OrderRefused(REASONS.noScope);
  const parsed = request.schema.safeParse(order.criteria);
  if (!parsed.success) throw new OrderRefused(REASONS.outOfScope);
  const resolved = await resolveCriteria(deps, parsed.data);
  if (resolved.invalid || criterionOutsideScope(principal, request, resolved.entries)) throw new OrderRefused(REASONS.outOfScope);
  return { scope: scopeOf(places), filter: resolved.filter, criteria: parsed.data };
}

async function computeResult(deps: Deps, request: ObservatoryRequest, order: repo.ClaimedOrder, now: Date, checked: { scope: ObservatoryScope; filter: PlaceFilter; criteria: Record<string, unknown> }) {
  const computed = await repo.inSnapshot(deps.db, COMPUTE_TIME_LIMIT_SECONDS, (trx) =>
    request.compute({ db: trx, scope: checked.scope, places: checked.filter, criteria: checked.criteria, period: { from: order.period_start, to: order.period_end }, today: parisDate(now), now }),
  );
  const scope = await repo.describeScope(deps.db, checked.scope);
  const result: OrderResult = {
    tables: computed.tables.map(suppressSmallCounts),
    charts: computed.charts,
    scope,
    orderedBy: `${order.first_name} ${order.last_name.toUpperCase()} (${order.username})`,
    computedAt: deps.clock.now().toISOString(),
    dataAsOf: now.toISOString(),
  };
  return result;
}

/** The "Paramètres" sheet: what was asked, over what, by whom, when. */
function parameters(request: ObservatoryRequest, order: repo.ClaimedOrder, result: OrderResult) {
  return [
    { label: 'Demande', value: request.title },
    { label: 'Début de la période', value: new Date(`${order.period_start}T00:00:00Z`), kind: 'date' as const },
    { label: 'Fin de la période', value: new Date(`${order.period_end}T00:00:00Z`), kind: 'date' as const },
    { label: 'Critères', value: order.criteria_labels.length ? order.criteria_labels.map((c) => `${c.label} : ${c.value}`).join(' ; ') : 'Aucun (tout le périmètre)' },
    { label: 'Périmètre', value: result.scope.join(' ; ') },
    { label: 'Commandée par', value: result.orderedBy },
    { label: 'Commandée le', value: order.ordered_at, kind: 'datetime' as const },
    { label: 'Calculée le', value: new Date(result.computedAt), kind: 'datetime' as const },
    { label: 'Données au', value: new Date(result.dataAsOf), kind: 'datetime' as const },
    { label: 'Secret statistique', value: 'Les effectifs de personnes inférieurs à 5 sont remplacés par « < 5 », ainsi qu’un second effectif quand un total permettrait de les retrouver.' },
  ];
}

/** Computes one order; idempotent (a ready, failed or deleted order is left alone). */
export async function computeOrder(deps: Deps, orderId: number): Promise<ComputeOutcome> {
  const now = deps.clock.now();
  const order = await repo.claimOrder(deps.db, orderId, now);
  if (!order) return 'skipped';
  const fail = async (reason: string): Promise<ComputeOutcome> => {
    await repo.failOrder(deps.db, orderId, { reason, now, expiresAt: listingExpiry(now) });
    deps.logger.info({ orderId, request: order.request_code }, 'commande de statistiques échouée');
    return 'failed';
  };
  const request = findRequest(order.request_code);
  if (!request) return fail(REASONS.unknown);
  try {
    const checked = await checkScope(deps, request, order, parisDate(now));
    const result = await computeResult(deps, request, order, now, checked);
    const content = await buildWorkbook({ parameters: parameters(request, order, result), tables: result.tables });
    const file = { name: `statistiques-${request.code}-${order.period_start}-${order.period_end}.xlsx`, content };
    const done = deps.clock.now();
    await deps.db.transaction().execute((trx) => repo.completeOrder(trx, orderId, { result, scopeLabel: result.scope.join(' ; '), file, now: done, expiresAt: resultExpiry(done) }));
    deps.logger.info({ orderId, request: order.request_code, ms: done.getTime() - now.getTime() }, 'commande de statistiques prête');
    return 'ready';
  } catch (error) {
    if (error instanceof OrderRefused) return fail(error.message);
    if (order.attempts >= COMPUTE_ATTEMPTS) {
      deps.logger.error({ err: error, orderId }, 'calcul de statistiques en échec');
      return fail(REASONS.failed);
    }
    throw error;
  }
}
