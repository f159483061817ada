/**
 * What a decision needs, in ONE round trip (bench/decision.ts): the subject's state, its grants
 * active today (as the session's principal has them), whether it is a liberal professional and
 * the delegations it holds (R15), and the places of the resources asked, resolved up to their region.
 */
import type { LocationLevel } from '../../db/schema.js';
import { queryPrepared, type Db } from '../../db/database.js';
import type { Delegation, Grant } from '../habilitations/habilitation.policy.js';


/** A resource's place as the policy sees it; `ref` is the resource's "type:id". */
export interface ResolvedPlace {
  ref: string;
  level: LocationLevel;
  unitId: number | null;
  establishmentId: number | null;
  departmentCode: string | null;
  regionCode: string | null;
}

export interface PlaceRefs {
  unitIds: number[];
  establishmentIds: number[];
  finess: string[];
  departmentCodes: string[];
  regionCodes: string[];
}

export interface DecisionFacts {
  /** The account exists (an audit event may name it). */
  exists: boolean;
  /** false: unknown, blocked or deactivated subject — it may nothing. */
  active: boolean;
  liberal: boolean;
  grants: Grant[];
  delegations: Delegation[];
  places: ResolvedPlace[];
}

type GrantRow = { habilitationId: number; profileCode: string; profileDomain: string | null; rights: string[]; level: LocationLevel; unitId: number | null; establishmentId: number | null; departmentCode: string | null; regionCode: string | null };

type FactsRow = { active: boolean | null; liberal: boolean | null; grants: GrantRow[] | null; delegations: Delegation[] | null; places: ResolvedPlace[] | null };

/**
 * The one statement of a decision, a constant text run as a named prepared statement: parsed and
 * planned once per connection (bench/decision.ts). $1 account, $2 today, $3 unit ids,
 * $4 establishment ids, $5 FINESS, $6 department codes, $7 region codes.
 */
export const DECISION_FACTS_SQL = `
  SELECT
    (SELECT a.blocked_at IS NULL AND a.deactivated_at IS NULL FROM accounts a WHERE a.id = $1) AS active,
    EXISTS (SELECT 1 FROM liberal_practices WHERE account_id = $1) AS liberal,
    (SELECT json_agg(json_build_object(
        'habilitationId', h.id, 'profileCode', p.code, 'profileDomain', p.domain_code,
        'rights', coalesce((SELECT array_agg(pr.right_code ORDER BY pr.right_code) FROM profile_rights pr WHERE pr.profile_id = p.id), '{}'),
        'level', CASE WHEN h.unit_id IS NOT NULL THEN 'unit' WHEN h.establishment_id IS NOT NULL THEN 'establishment'
                      WHEN h.department_code IS NOT NULL THEN 'department' ELSE 'region' END,
        'unitId', h.unit_id, 'establishmentId', e.id, 'departmentCode', d.code, 'regionCode', coalesce(h.region_code, d.region_code)))
      FROM habilitations h
      JOIN profiles p ON p.id = h.profile_id
      LEFT JOIN units u ON u.id = h.unit_id
      LEFT JOIN establishments e ON e.id = coalesce(h.establishment_id, u.establishment_id)
      LEFT JOIN departments d ON d.code = coalesce(h.department_code, e.department_code)
      WHERE h.account_id = $1 AND h.deleted_at IS NULL AND h.start_date <= $2::date AND h.end_date >= $2::date) AS grants,
    (SELECT json_agg(json_build_object('delegationId', dl.id, 'professionalAccountId', dl.professional_account_id,
        'files', dl.files, 'medical', dl.medical, 'autonomy', dl.autonomy) ORDER BY dl.id)
      FROM assistant_delegations dl JOIN accounts pa ON pa.id = dl.professional_account_id
      WHERE dl.assistant_account_id = $1 AND dl.status = 'active' AND pa.deactivated_at IS NULL) AS delegations,
    (SELECT json_agg(x) FROM (
      SELECT 'unit:' || u.id AS ref, 'unit' AS level, u.id AS "unitId", e.id AS "establishmentId", e.department_code AS "departmentCode", d.region_code AS "regionCode"
        FROM units u JOIN establishments e ON e.id = u.establishment_id JOIN departments d ON d.code = e.department_code
        WHERE u.id = ANY($3::int[])
      UNION ALL
      SELECT 'establishment:' || e.id, 'establishment', NULL, e.id, e.department_code, d.region_code
        FROM establishments e JOIN departments d ON d.code = e.department_code WHERE e.id = ANY($4::int[])
      UNION ALL
      SELECT 'finess:' || e.finess, 'establishment', NULL, e.id, e.department_code, d.region_code
        FROM establishments e JOIN departments d ON d.code = e.department_code WHERE e.finess = ANY($5::text[])
      UNION ALL
      SELECT 'department:' || d.code, 'department', NULL, NULL, d.code, d.region_code FROM departments d WHERE d.code = ANY($6::text[])
      UNION ALL
      SELECT 'region:' || r.code, 'region', NULL, NULL, NULL, r.code FROM regions r WHERE r.code = ANY($7::text[])
    ) x) AS places`;

export const decisionParameters = (accountId: number, today: string, refs: PlaceRefs) => [accountId, today, refs.unitIds, refs.establishmentIds, refs.finess, refs.departmentCodes, refs.regionCodes];

export async function loadDecisionFacts(db: Db, accountId: number, today: string, refs: PlaceRefs): Promise<DecisionFacts> {
  const [row] = (await queryPrepared<FactsRow>(db, 'habilis_decision_facts', DECISION_FACTS_SQL, decisionParameters(accountId, today, refs))) as [FactsRow];
  return {
    exists: row.active !== null,
    active: row.active === true,
    liberal: row.liberal === true,
    grants: (row.grants ?? []).map((g) => ({
      habilitationId: g.habilitationId,
      profileCode: g.profileCode,
      profileDomain: g.profileDomain,
      rights: g.rights,
      location: { level: g.level, unitId: g.unitId, establishmentId: g.establishmentId, departmentCode: g.departmentCode, regionCode: g.regionCode },
    })),
    delegations: row.delegations ?? [],
    places: row.places ?? [],
  };
}
