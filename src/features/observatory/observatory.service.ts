/**
 * Use cases of the Observatoire (R70): the catalogue of requests the person may order, the order
 * form and its choices (only inside their scope), placing an order (every input checked, nothing
 * written on a refusal, at most 5 open orders, audited, then queued), the person's orders and their
 * statuses, a ready result and its file (downloads audited). Another person's order is absent.
 */
import type { Deps } from '../../deps.js';
import { DomainError } from '../../platform/errors.js';
import { formatDate, parisDate } from '../../platform/clock.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { canOrderStatisticsAt, observatoryPlaces, type Principal } from '../habilitations/habilitation.policy.js';
import type { Place } from '../habilitations/habilitation.rules.js';
import { principalActor } from '../habilitations/habilitation.service.js';
import { parseCalendarDate } from '../habilitations/habilitation-change.rules.js';
import { observatoryErrors as errors } from './observatory.errors.js';
import { findRequest, REQUESTS } from './observatory.registry.js';
import { CRITERIA, type CriterionKey, type ObservatoryRequest, type OrderResult, type PlaceFilter } from './observatory.request.js';
import * as repo from './observatory.repository.js';
import { COMMENT_MAX, consolidatedUntil, endsInConsolidation, MAX_OPEN_ORDERS, periodProblem, scopeOf } from './observatory.rules.js';

/** The queue of order computations (observatory-order.job.ts). */
export const ORDER_QUEUE = 'observatory-order';
/** The form offers a list of establishments up to this many; beyond, a FINESS number is typed. */
export const ESTABLISHMENT_CHOICES = 300;
const LISTED_ORDERS = 200;

/** The requests this person may order (a request of a domain needs a right of that domain, or of every domain). */
export function orderableRequests(principal: Principal): ObservatoryRequest[] {
  return REQUESTS.filter((r) => observatoryPlaces(principal, r.domain).length > 0);
}

/** A request the person may order, or a 404 (an unknown code and a request out of reach look the same). */
export function orderableRequest(principal: Principal, code: unknown): ObservatoryRequest {
  const request = findRequest(code);
  if (!request || observatoryPlaces(principal, request.domain).length === 0) throw errors.UNKNOWN_REQUEST();
  return request;
}

export interface OrderFormChoices {
  departments: { code: string; name: string }[];
  /** null: too many to list, the form asks for a FINESS number. */
  establishments: { id: number; name: string; finess: string }[] | null;
  units: { id: number; name: string; establishment_id: number }[];
  profiles: { id: number; name: string }[];
  categories: { code: string; short_label: string; label: string }[];
  today: string;
  consolidatedUntil: string;
}

/** What the form of this request offers: only places inside the person's scope. */
export async function orderForm(deps: Deps, principal: Principal, request: ObservatoryRequest): Promise<OrderFormChoices> {
  const scope = scopeOf(observatoryPlaces(principal, request.domain));
  const wants = (key: CriterionKey) => request.criteria.includes(key);
  const [departments, establishments, profiles, categories] = await Promise.all([
    wants('departement') ? repo.listDepartmentsIn(deps.db, scope) : [],
    wants('etablissement') || wants('unite') ? repo.listEstablishmentsIn(deps.db, scope, ESTABLISHMENT_CHOICES) : [],
    wants('profil') ? repo.listProfiles(deps.db) : [],
    wants('categorie') ? repo.listOrientationCategories(deps.db) : [],
  ]);
  const listed = establishments.length > ESTABLISHMENT_CHOICES ? null : establishments;
  // Units only when the scope is a handful of structures: a unit list of a whole region would be unusable.
  const units = wants('unite') && listed && listed.length <= 5 ? await repo.listUnitsOf(deps.db, listed.map((e) => e.id)) : [];
  const today = parisDate(deps.clock.now());
  return { departments: wants('departement') ? departments : [], establishments: listed, units, profiles, categories, today, consolidatedUntil: consolidatedUntil(today) };
}

/** One criterion of an order, resolved: its label and value as the person reads them, and its place when it is one. */
interface ResolvedCriterion {
  key: CriterionKey;
  label: string;
  value: string;
  place?: Place | undefined;
}

async function resolveOne(deps: Deps, key: CriterionKey, value: unknown): Promise<{ label: string; place?: Place | undefined } | undefined> {
  switch (key) {
    case 'departement':
      return repo.departmentPlace(deps.db, String(value));
    case 'etablissement':
      return repo.establishmentPlace(deps.db, { id: Number(value) });
    case 'unite':
      return repo.unitPlace(deps.db, Number(value));
    case 'profil':
      return repo.getProfile(deps.db, Number(value)).then((p) => (p ? { label: p.name } : undefined));
    case 'categorie':
      return repo.getOrientationCategory(deps.db, String(value)).then((c) => (c ? { label: `${c.short_label} – ${c.label}` } : undefined));
    default:
      return undefined;
  }
}

/** The criteria of an order, resolved; `invalid`: the first whose value does not exist. */
export async function resolveCriteria(deps: Deps, criteria: Record<string, unknown>): Promise<{ entries: ResolvedCriterion[]; filter: PlaceFilter; invalid?: CriterionKey }> {
  const entries: ResolvedCriterion[] = [];
  const filter: PlaceFilter = {};
  for (const key of Object.keys(CRITERIA) as CriterionKey[]) {
    const value = criteria[key];
    if (value === undefined) continue;
    const resolved = await resolveOne(deps, key, value);
    if (!resolved) return { entries, filter, invalid: key };
    entries.push({ key, label: CRITERIA[key].label, value: resolved.label, place: resolved.place });
    if (key === 'departement') filter.departmentCode = String(value);
    if (key === 'etablissement') filter.establishmentId = Number(value);
    if (key === 'unite') filter.unitId = Number(value);
  }
  return { entries, filter };
}

/** R70: the first criterion whose place lies outside what the person may order now. */
export function criterionOutsideScope(principal: Principal | null, request: ObservatoryRequest, entries: readonly ResolvedCriterion[]): ResolvedCriterion | undefined {
  return entries.find((e) => e.place !== undefined && !canOrderStatisticsAt(principal, request.domain, e.place));
}

/** The fields of the order form, as posted. */
export interface OrderInput {
  from: string;
  to: string;
  comment: string;
  /** Criteria as posted (form names of CRITERIA), plus `etablissement_finess` when a FINESS was typed. */
  criteria: Record<string, string>;
}

/** Throws the first problem of the form with every field's message (400), nothing written. */
function invalid(fields: Record<string, string>): never {
  const [first] = Object.values(fields);
  throw new DomainError('ORDER_INVALID', first!, 400, fields);
}

function checkPeriod(input: OrderInput, today: string): { from: string; to: string } {
  const fields: Record<string, string> = {};
  const from = parseCalendarDate(input.from);
  const to = parseCalendarDate(input.to);
  if (!from) fields.debut = errors.definitions.START_REQUIRED.message;
  if (!to) fields.fin = errors.definitions.END_REQUIRED.message;
  if (from && to) {
    const problem = periodProblem(from, to, today);
    if (problem) fields.fin = errors.definitions[problem].message;
  }
  if (input.comment.length > COMMENT_MAX) fields.commentaire = errors.definitions.COMMENT_TOO_LONG.message;
  if (Object.keys(fields).length > 0) invalid(fields);
  return { from: from!, to: to! };
}

/** The criteria: the request's zod schema, then each place checked by the policy (out of scope: 403). */
async function checkCriteria(deps: Deps, principal: Principal, request: ObservatoryRequest, posted: Record<string, string>) {
  const raw: Record<string, string> = {};
  for (const key of request.criteria) if (typeof posted[key] === 'string') raw[key] = posted[key];
  const finess = posted.etablissement_finess?.trim();
  if (request.criteria.includes('etablissement') && finess && !raw.etablissement) {
    const found = /^[0-9A-B]{9}$/.test(finess) ? await repo.establishmentPlace(deps.db, { finess }) : undefined;
    if (!found) invalid({ etablissement_finess: errors.CRITERION_INVALID({ label: 'Numéro FINESS' }).message });
    raw.etablissement = String(found.id);
  }
  const parsed = request.schema.safeParse(raw);
  if (!parsed.success) {
    const fields = Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0]), errors.CRITERION_INVALID({ label: CRITERIA[issue.path[0] as CriterionKey]?.label ?? 'Critère' }).message]));
    invalid(fields);
  }
  const resolved = await resolveCriteria(deps, parsed.data);
  if (resolved.invalid) invalid({ [resolved.invalid]: errors.CRITERION_INVALID({ label: CRITERIA[resolved.invalid].label }).message });
  const outside = criterionOutsideScope(principal, request, resolved.entries);
  if (outside) {
    const error = errors.CRITERION_OUT_OF_SCOPE({ label: outside.label });
    throw new DomainError(error.code, error.message, error.status, { [outside.key]: error.message });
  }
  return { criteria: parsed.data as Record<string, unknown>, labels: resolved.entries.map(({ label, value }) => ({ label, value })) };
}

/**
 * R70 "Envoyer la demande": checks everything, then in one transaction the order (at most 5 open
 * per person, atomically) and its audit event; then queues its computation.
 */
export async function placeOrder(deps: Deps, principal: Principal, requestCode: unknown, input: OrderInput, ip: string | null): Promise<{ orderId: number; unconsolidated: boolean }> {
  const request = orderableRequest(principal, requestCode);
  const now = deps.clock.now();
  const today = parisDate(now);
  const period = checkPeriod(input, today);
  const { criteria, labels } = await checkCriteria(deps, principal, request, input.criteria);
  const comment = input.comment.trim() || null;
  const orderId = await deps.db.transaction().execute(async (trx) => {
    const id = await repo.insertOrderWithinLimit(trx, { accountId: principal.accountId, requestCode: request.code, from: period.from, to: period.to, criteria, criteriaLabels: labels, comment, now }, MAX_OPEN_ORDERS);
    if (id === null) throw errors.TOO_MANY_OPEN();
    await recordAudit(trx, {
      actor: principalActor(principal),
      subjectAccountId: principal.accountId,
      code: 'OBSERVATORY_ORDERED',
      description: `Commande de statistiques : ${request.title} (du ${formatDate(period.from)} au ${formatDate(period.to)})`,
      details: { orderId: id, request: request.code },
      ip,
    });
    return id;
  });
  // After the commit: a lost message is found again by the purge job's sweep of waiting orders.
  await deps.jobs?.send(ORDER_QUEUE, { orderId }).catch((error: unknown) => deps.logger.warn({ err: error, orderId }, 'commande de statistiques non mise en file'));
  return { orderId, unconsolidated: endsInConsolidation(period.to, today) };
}

export interface OrderView extends repo.ListedOrder {
  title: string;
}

function withTitle<T extends { request_code: string }>(order: T): T & { title: string } {
  return { ...order, title: findRequest(order.request_code)?.title ?? order.request_code };
}

/** "Consulter": the person's orders, newest first. */
export async function listOrders(deps: Deps, principal: Principal): Promise<OrderView[]> {
  return (await repo.listOrdersOf(deps.db, principal.accountId, LISTED_ORDERS)).map(withTitle);
}

/** One of the person's orders with its result (Voir); another person's is absent (404). */
export async function getOrder(deps: Deps, principal: Principal, orderId: number): Promise<OrderView & { result: OrderResult | null }> {
  const order = await repo.getOrderOf(deps.db, orderId, principal.accountId);
  if (!order) throw errors.ORDER_NOT_FOUND();
  return { ...withTitle(order), result: (order.result as OrderResult | null) ?? null };
}

/** The Excel file of a ready order of the person, its download audited. */
export async function downloadOrderFile(deps: Deps, principal: Principal, orderId: number, ip: string | null): Promise<{ name: string; content: Buffer }> {
  const order = await repo.getOrderOf(deps.db, orderId, principal.accountId);
  if (!order) throw errors.ORDER_NOT_FOUND();
  const file = await repo.getFileOf(deps.db, orderId, principal.accountId);
  if (!file) throw errors.NOT_READY();
  await recordAudit(deps.db, {
    actor: principalActor(principal),
    subjectAccountId: principal.accountId,
    code: 'OBSERVATORY_DOWNLOADED',
    description: `Téléchargement des statistiques : ${withTitle(order).title} (du ${formatDate(order.period_start)} au ${formatDate(order.period_end)})`,
    details: { orderId, request: order.request_code },
    ip,
  });
  return { name: file.file_name, content: file.content };
}
