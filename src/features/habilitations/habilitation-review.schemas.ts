/** Input of the review of habilitations, validated at the boundary: what cannot be read is dropped, never a 500. */
import { z } from 'zod';
import { form, text } from '../../platform/input.js';
import { REVIEW_SORTS, type ReviewSort, type SortDirection } from './habilitation-review.rules.js';

const id = z.preprocess(
  (v) => (typeof v === 'string' && /^[1-9][0-9]{0,9}$/.test(v) ? Number(v) : null),
  z.number().int().positive().max(2_147_483_647).nullable(),
).catch(null);
const code = (pattern: RegExp) => z.preprocess((v) => (typeof v === 'string' && pattern.test(v) ? v : null), z.string().nullable()).catch(null);

/** The filters of GET /administration/revue (and of its export), French names as users see them in URLs. */
export const reviewQuerySchema = z
  .object({
    domaine: code(/^[A-Z_]{2,30}$/),
    coordination: code(/^([0-9]{2,3}|2A|2B)$/),
    structure: id,
    unite: id,
    profil: id,
    tout: z.preprocess((v) => v === '1', z.boolean()).catch(false),
    tri: z.preprocess((v) => ((REVIEW_SORTS as readonly unknown[]).includes(v) ? v : 'nom'), z.enum(REVIEW_SORTS)).catch('nom'),
    ordre: z.preprocess((v) => (v === 'desc' ? 'desc' : 'asc'), z.enum(['asc', 'desc'])).catch('asc'),
    page: z.preprocess((v) => (typeof v === 'string' && /^[0-9]{1,6}$/.test(v) ? Number(v) : 1), z.number().int()).catch(1),
  })
  .catch({ domaine: null, coordination: null, structure: null, unite: null, profil: null, tout: false, tri: 'nom', ordre: 'asc', page: 1 });

export interface ReviewFilters {
  domain: string | null;
  department: string | null;
  establishmentId: number | null;
  unitId: number | null;
  profileId: number | null;
  includeEnded: boolean;
  sort: ReviewSort;
  direction: SortDirection;
  page: number;
}

export function parseReviewQuery(query: unknown): ReviewFilters {
  const q = reviewQuerySchema.parse(query ?? {});
  return {
    domain: q.domaine,
    department: q.coordination,
    establishmentId: q.structure,
    unitId: q.unite,
    profileId: q.profil,
    includeEnded: q.tout,
    sort: q.tri,
    direction: q.ordre,
    page: q.page,
  };
}

/** The query string of a review: the filters, then what changes (sort, page). */
export function reviewSearch(f: ReviewFilters, changes: Partial<ReviewFilters> = {}): string {
  const v = { ...f, ...changes };
  const params = new URLSearchParams();
  if (v.domain) params.set('domaine', v.domain);
  if (v.department) params.set('coordination', v.department);
  if (v.establishmentId) params.set('structure', String(v.establishmentId));
  if (v.unitId) params.set('unite', String(v.unitId));
  if (v.profileId) params.set('profil', String(v.profileId));
  if (v.includeEnded) params.set('tout', '1');
  if (v.sort !== 'nom') params.set('tri', v.sort);
  if (v.direction !== 'asc') params.set('ordre', v.direction);
  if (v.page > 1) params.set('page', String(v.page));
  const search = params.toString();
  return search ? `?${search}` : '';
}

/** The forms posted from a row: a new end date (R35), and the return address (the review with its filters); input gate of issue 12. */
export const endDateForm = form({ endDate: text('La date de fin', 20), retour: text('L’adresse de retour', 1000) });
export const returnForm = form({ retour: text('L’adresse de retour', 1000) });

export const REVIEW_PATH = '/administration/revue';

/** Only the review itself may be a return address (never another site, never another page). */
export function reviewReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 1000) return REVIEW_PATH;
  return /^\/administration\/revue(\?[A-Za-z0-9_=&%.+-]*)?$/.test(value) ? value : REVIEW_PATH;
}
