/**
 * The review of habilitations (R39) and its export: which filters a viewer may choose, the scope
 * check of the chosen structure, the rows with their end-date status (R37), rights (R38) and the
 * actions the viewer may take on each; R25's warning when the structure has fewer than 2 referents.
 */
import { listProfileFacts } from './habilitation-grant.repository.js';
import type { Writable } from 'node:stream';
import type { Deps } from '../../deps.js';
import { parisDate } from '../../platform/clock.js';
import { actorLabel } from '../../platform/audit/audit.js';
import { can, canChangeHabilitation, type PlaceFacts, type Principal } from './habilitation.policy.js';
import { RIGHTS, isRight } from './habilitation.rights.js';
import { habilitationErrors } from './habilitation.errors.js';
import { endDateBounds } from './habilitation-change.rules.js';
import { endDateStatus, isFuture, pageWindow, REVIEW_PAGE_SIZE, type EndDateStatus } from './habilitation-review.rules.js';
import type { ReviewFilters } from './habilitation-review.schemas.js';
import * as repo from './habilitation-review.repository.js';
import { countStructureReferents } from './referent-coverage.repository.js';
import { writeReviewWorkbook, type ExportFilterLine } from './habilitation-review.export.js';

/** Where a viewer may review: the places of their grants holding 'habilitations.review'. */
export interface ReviewScope {
  regionCodes: string[];
  departmentCodes: string[];
  /** Establishments reviewable as a whole, with their department. */
  establishments: { id: number; departmentCode: string | null }[];
  /** Units reviewable one by one (a unit referent), with their establishment and department. */
  units: { id: number; establishmentId: number | null; departmentCode: string | null }[];
}

export function reviewScope(principal: Principal): ReviewScope {
  const scope: ReviewScope = { regionCodes: [], departmentCodes: [], establishments: [], units: [] };
  for (const grant of principal.grants) {
    if (!grant.rights.includes('habilitations.review')) continue;
    const l = grant.location;
    if (l.level === 'region' && l.regionCode) scope.regionCodes.push(l.regionCode);
    if (l.level === 'department' && l.departmentCode) scope.departmentCodes.push(l.departmentCode);
    if (l.level === 'establishment' && l.establishmentId) scope.establishments.push({ id: l.establishmentId, departmentCode: l.departmentCode ?? null });
    if (l.level === 'unit' && l.unitId) scope.units.push({ id: l.unitId, establishmentId: l.establishmentId ?? null, departmentCode: l.departmentCode ?? null });
  }
  return scope;
}

export interface ReviewStructure {
  id: number;
  name: string;
  finess: string;
  departmentCode: string;
  regionCode: string;
  /** With the structure's domain (R33: what the viewer may change there). */
  place: PlaceFacts;
  /** false: the viewer reviews only some units of it (a unit referent). */
  whole: boolean;
  referents: number;
}

export interface ReviewRowView extends repo.ReviewRow {
  status: EndDateStatus;
  future: boolean;
  rights: { code: string; label: string }[];
  /** The viewer may change the end date and delete (R32, R33): with its bounds (R35). */
  changeable: { min: string; max: string } | null;
}

export interface ReviewOptions {
  domains: repo.NamedCode[];
  departments: { code: string; name: string }[];
  establishments: { id: number; finess: string; name: string }[];
  units: { id: number; name: string }[];
  profiles: { id: number; name: string }[];
}

export interface ReviewPlan {
  filters: ReviewFilters;
  options: ReviewOptions;
  structure: ReviewStructure | null;
  /** A notice when the chosen filters had to be corrected (a structure outside the chosen coordination). */
  notice: string | null;
  criteria: repo.ReviewCriteria | null;
  today: string;
}

export interface ReviewPage extends ReviewPlan {
  rows: ReviewRowView[];
  total: number;
  page: number;
  pages: number;
}

const unique = <T>(values: T[]) => [...new Set(values)];

/**
 * Resolves the filters against the viewer's scope: the lists they may choose from, the structure
 * (refused with 403 when out of scope, whatever id was forged) and the criteria of the rows.
 * Incomplete filters give the lists and no criteria.
 */
export async function planReview(deps: Deps, principal: Principal, input: ReviewFilters): Promise<ReviewPlan> {
  const db = deps.db;
  const today = parisDate(deps.clock.now());
  const scope = reviewScope(principal);
  const filters: ReviewFilters = { ...input };
  let notice: string | null = null;

  const [domains, profiles, departments] = await Promise.all([
    repo.listDomains(db),
    repo.listProfiles(db),
    repo.listDepartments(db, {
      departmentCodes: unique([
        ...scope.departmentCodes,
        ...scope.establishments.flatMap((e) => (e.departmentCode ? [e.departmentCode] : [])),
        ...scope.units.flatMap((u) => (u.departmentCode ? [u.departmentCode] : [])),
      ]),
      regionCodes: unique(scope.regionCodes),
    }),
  ]);

  // A viewer whose scope is one structure lands on its review at once.
  const ownEstablishments = unique([...scope.establishments.map((e) => e.id), ...scope.units.flatMap((u) => (u.establishmentId ? [u.establishmentId] : []))]);
  const untouched = !filters.domain && !filters.department && !filters.establishmentId;
  if (untouched && scope.regionCodes.length === 0 && scope.departmentCodes.length === 0 && ownEstablishments.length === 1) {
    filters.establishmentId = ownEstablishments[0]!;
  }

  let structure: ReviewStructure | null = null;
  if (filters.establishmentId) {
    const e = await repo.getEstablishmentPlace(db, filters.establishmentId);
    // Unknown and out of scope answer the same: a forged id learns nothing.
    if (!e) throw habilitationErrors.REVIEW_STRUCTURE_OUT_OF_SCOPE();
    const place: PlaceFacts = { level: 'establishment', establishmentId: e.id, departmentCode: e.department_code, regionCode: e.region_code, domain: e.domain_code };
    const whole = can(principal, 'habilitations.review', place);
    if (!whole && !scope.units.some((u) => u.establishmentId === e.id)) throw habilitationErrors.REVIEW_STRUCTURE_OUT_OF_SCOPE();
    filters.domain ??= e.domain_code ?? domains[0]?.code ?? null;
    filters.department ??= e.department_code;
    if (filters.department !== e.department_code || (e.domain_code !== null && filters.domain !== e.domain_code)) {
      // The viewer changed the domain or the coordination: the former structure is no longer a choice.
      notice = 'La structure choisie ne fait pas partie de ce domaine ou de cette coordination : choisissez une structure.';
      filters.establishmentId = null;
      filters.unitId = null;
    } else {
      structure = {
        id: e.id,
        name: e.name,
        finess: e.finess,
        departmentCode: e.department_code,
        regionCode: e.region_code,
        place,
        whole,
        referents: await countStructureReferents(db, e.id, today),
      };
    }
  }

  const department = departments.find((d) => d.code === filters.department) ?? null;
  if (!department) filters.department = null;
  if (filters.domain && !domains.some((d) => d.code === filters.domain)) filters.domain = null;

  let establishments: ReviewOptions['establishments'] = [];
  if (department && filters.domain) {
    const wholeDepartment = scope.departmentCodes.includes(department.code) || scope.regionCodes.includes(department.region_code);
    establishments = await repo.listEstablishments(db, { departmentCode: department.code, domainCode: filters.domain, onlyIds: wholeDepartment ? null : ownEstablishments });
  }

  let units: ReviewOptions['units'] = [];
  // The whole structure: the establishment and all its units; else only units.
  let located: { establishmentIds: number[]; unitIds: number[] } = { establishmentIds: [], unitIds: [] };
  if (structure) {
    const all = await repo.listUnits(db, structure.id);
    const reviewable = structure.whole ? all : all.filter((u) => can(principal, 'habilitations.review', unitPlace(structure!, u.id)));
    units = reviewable.map((u) => ({ id: u.id, name: u.name }));
    if (filters.unitId && !all.some((u) => u.id === filters.unitId)) filters.unitId = null;
    if (filters.unitId) {
      if (!can(principal, 'habilitations.review', unitPlace(structure, filters.unitId))) throw habilitationErrors.REVIEW_STRUCTURE_OUT_OF_SCOPE();
      located = { establishmentIds: [], unitIds: [filters.unitId] };
    } else if (structure.whole) {
      located = { establishmentIds: [structure.id], unitIds: all.map((u) => u.id) };
    } else {
      located = { establishmentIds: [], unitIds: reviewable.map((u) => u.id) };
    }
  } else {
    filters.unitId = null;
  }
  if (filters.profileId && !profiles.some((p) => p.id === filters.profileId)) filters.profileId = null;

  return {
    filters,
    options: {
      domains,
      departments: departments.map((d) => ({ code: d.code, name: d.name })),
      establishments,
      units,
      profiles: profiles.map((p) => ({ id: p.id, name: p.name })),
    },
    structure,
    notice,
    criteria: structure
      ? { ...located, profileId: filters.profileId, includeEnded: filters.includeEnded, today }
      : null,
    today,
  };
}

function unitPlace(structure: ReviewStructure, unitId: number): PlaceFacts {
  return { level: 'unit', unitId, establishmentId: structure.id, departmentCode: structure.departmentCode, regionCode: structure.regionCode, domain: structure.place.domain ?? null };
}

function rightsOf(rights: Map<number, string[]>, profileId: number) {
  return (rights.get(profileId) ?? []).filter(isRight).map((code) => ({ code, label: RIGHTS[code] }));
}

/** The review page: the plan, and when complete, one page of rows (50) in the chosen order. */
export async function loadReview(deps: Deps, principal: Principal, input: ReviewFilters): Promise<ReviewPage> {
  const plan = await planReview(deps, principal, input);
  const { criteria, structure, filters, today } = plan;
  if (!criteria || !structure) return { ...plan, rows: [], total: 0, page: 1, pages: 1 };
  const order = { sort: filters.sort, direction: filters.direction };
  const total = await repo.countReviewRows(deps.db, criteria);
  const window = pageWindow(filters.page, total, REVIEW_PAGE_SIZE);
  const [rows, rights, catalogue] = await Promise.all([
    total === 0 ? Promise.resolve([]) : repo.listReviewRows(deps.db, criteria, order, { offset: window.offset, limit: REVIEW_PAGE_SIZE }),
    repo.listProfileRights(deps.db),
    listProfileFacts(deps.db),
  ]);
  const profiles = new Map(catalogue.map((p) => [p.id, p]));
  plan.filters.page = window.page;
  return {
    ...plan,
    total,
    page: window.page,
    pages: window.pages,
    rows: rows.map((row) => {
      const place = row.unit_id ? unitPlace(structure, row.unit_id) : structure.place;
      const profile = profiles.get(row.profile_id);
      const changeable = profile !== undefined && canChangeHabilitation(principal, { accountId: row.account_id, profile, place, deleted: row.deleted_at !== null });
      return {
        ...row,
        status: endDateStatus({ endDate: row.end_date, deletedAt: row.deleted_at }, today),
        future: isFuture(row.start_date, today),
        rights: rightsOf(rights, row.profile_id),
        changeable: changeable ? endDateBounds(row.start_date, today) : null,
      };
    }),
  };
}

export interface ReviewExport {
  plan: ReviewPlan & { criteria: repo.ReviewCriteria; structure: ReviewStructure };
  fileName: string;
}

/**
 * Checks an export before its first byte: complete filters and a structure in scope, or a domain
 * error the route still can answer with a page.
 */
export async function planReviewExport(deps: Deps, principal: Principal, input: ReviewFilters): Promise<ReviewExport> {
  const plan = await planReview(deps, principal, { ...input, page: 1 });
  if (!plan.criteria || !plan.structure) throw habilitationErrors.REVIEW_FILTERS_INVALID();
  return {
    plan: plan as ReviewExport['plan'],
    fileName: `revue-habilitations-${plan.structure.finess}-${plan.today}.xlsx`,
  };
}

/** Rows read from PostgreSQL per round trip while exporting. */
export const EXPORT_BATCH = 1000;

/** The filters as the first sheet of the export states them. */
function filterLines(deps: Deps, principal: Principal, plan: ReviewExport['plan']): ExportFilterLine[] {
  const { filters, options, structure } = plan;
  const name = <T extends { name: string }>(list: T[], match: (item: T) => boolean) => list.find(match)?.name ?? '';
  const sorts = { nom: 'nom', profil: 'profil', debut: 'date de début', fin: 'date de fin' } as const;
  return [
    { label: 'Domaine', value: name(options.domains, (d) => d.code === filters.domain) },
    { label: 'Coordination', value: `${filters.department ?? ''} – ${name(options.departments, (d) => d.code === filters.department)}` },
    { label: 'Structure', value: `${structure.name} (FINESS ${structure.finess})` },
    { label: 'Unité', value: filters.unitId ? name(options.units, (u) => u.id === filters.unitId) : 'Toutes les unités' },
    { label: 'Profil', value: filters.profileId ? name(options.profiles, (p) => p.id === filters.profileId) : 'Tous les profils' },
    { label: 'Habilitations', value: filters.includeEnded ? 'Toutes, supprimées et expirées comprises' : 'En cours et à venir' },
    { label: 'Tri', value: `${sorts[filters.sort]}, ordre ${filters.direction === 'desc' ? 'décroissant' : 'croissant'}` },
    { label: 'Exporté le', value: new Date(deps.clock.now().getTime()), date: true },
    { label: 'Exporté par', value: actorLabel({ first_name: principal.viewer.firstName, last_name: principal.viewer.lastName, username: principal.viewer.username }) },
  ];
}

/**
 * Streams the whole filtered review as an .xlsx into `output`: rows come from a server-side cursor
 * a batch at a time and each batch waits for `output` to drain, so memory stays flat whatever the
 * size of the review and however slowly the client reads.
 */
export async function writeReviewExport(deps: Deps, principal: Principal, review: ReviewExport, output: Writable): Promise<number> {
  const { plan } = review;
  const rights = await repo.listProfileRights(deps.db);
  const order = { sort: plan.filters.sort, direction: plan.filters.direction };
  return writeReviewWorkbook(output, {
    filters: filterLines(deps, principal, plan),
    today: plan.today,
    rightsOf: (profileId) => rightsOf(rights, profileId).map((r) => r.label),
    rows: (onBatch) => repo.forEachReviewBatch(deps.db, plan.criteria, order, EXPORT_BATCH, onBatch),
  });
}
