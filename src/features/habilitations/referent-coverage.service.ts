/** R25: each structure must have at least 2 referents; the application shows which have fewer. */
import type { Deps } from '../../deps.js';
import { parisDate } from '../../platform/clock.js';
import type { Principal } from './habilitation.policy.js';
import { pageWindow } from './habilitation-review.rules.js';
import * as repo from './referent-coverage.repository.js';

/** R25: continuity during absences needs two. */
export const MIN_STRUCTURE_REFERENTS = 2;
export const COVERAGE_PAGE_SIZE = 50;

/** The territories a viewer supervises ('territory.supervise': coordination or region profiles). */
export function supervisedTerritory(principal: Principal): { departmentCodes: string[]; regionCodes: string[] } {
  const departmentCodes = new Set<string>();
  const regionCodes = new Set<string>();
  for (const grant of principal.grants) {
    if (!grant.rights.includes('territory.supervise')) continue;
    if (grant.location.level === 'region' && grant.location.regionCode) regionCodes.add(grant.location.regionCode);
    else if (grant.location.level === 'department' && grant.location.departmentCode) departmentCodes.add(grant.location.departmentCode);
  }
  return { departmentCodes: [...departmentCodes], regionCodes: [...regionCodes] };
}

/** R25: the structures of the viewer's territory with fewer than 2 active structure referents, 50 per page. */
export async function listStructuresWithFewReferents(deps: Deps, principal: Principal, requestedPage: number) {
  const today = parisDate(deps.clock.now());
  const territory = supervisedTerritory(principal);
  const size = COVERAGE_PAGE_SIZE;
  let page = Math.max(1, Math.trunc(requestedPage) || 1);
  let result = await repo.listUnderstaffedEstablishments(deps.db, territory, today, MIN_STRUCTURE_REFERENTS, { offset: (page - 1) * size, limit: size });
  const window = pageWindow(page, result.total, size);
  if (window.page !== page) {
    // Past the last page: show the last one.
    page = window.page;
    result = await repo.listUnderstaffedEstablishments(deps.db, territory, today, MIN_STRUCTURE_REFERENTS, { offset: window.offset, limit: size });
  }
  return { rows: result.rows, total: result.total, page: window.page, pages: window.pages, minimum: MIN_STRUCTURE_REFERENTS };
}

/** R25: how many active structure referents an establishment has today (for its own pages' banner). */
export async function structureReferentCount(deps: Deps, establishmentId: number): Promise<number> {
  return repo.countStructureReferents(deps.db, establishmentId, parisDate(deps.clock.now()));
}
