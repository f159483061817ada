/**
 * Flow F5 of the ANS guide "Suivi des décisions d'orientation" (ansforge/IG-fhir-medicosocial-suivi-decisions-orientation,
 * canonical https://interop.esante.gouv.fr/ig/fhir/sdo): the status of a person at an ESMS as an
 * ESMSTask (intent plan, status completed, the inputs of InputTaskSDOCodeSystem), in a searchset
 * Bundle. Tier 1 only: identifiers, statuses, dates — no name, no health datum.
 */
export const SDO_CANONICAL = 'https://interop.esante.gouv.fr/ig/fhir/sdo';
export const INPUT_SYSTEM = `${SDO_CANONICAL}/CodeSystem/input-task-sdo-codesystem`;
export const ESMS_TASK_PROFILE = `${SDO_CANONICAL}/StructureDefinition/esms-task`;
export const TRE_R357 = 'https://mos.esante.gouv.fr/NOS/TRE_R357-StatutPersonnePriseCharge/FHIR/TRE-R357-StatutPersonnePriseCharge';
export const TRE_R358 = 'https://mos.esante.gouv.fr/NOS/TRE_R358-MotifStatutPersonnePriseCharge/FHIR/TRE-R358-MotifStatutPersonnePriseCharge';

export interface StatusRow {
  id: number;
  updatedAt: Date;
  statusCode: string;
  statusLabel: string;
  statusDate: string;
  reasonCode: string | null;
  reasonLabel: string | null;
  finess: string;
  establishmentName: string;
  unitId: number | null;
  unitRorId: string | null;
  unitName: string | null;
  nationalId: string;
  mdphDecisionId: string;
}

const input = (code: string, value: Record<string, unknown>) => ({ type: { coding: [{ system: INPUT_SYSTEM, code }] }, ...value });

export function esmsTask(row: StatusRow): Record<string, unknown> {
  const inputs = [
    // idNat_Struct: "1" + FINESS (TRE_G07), as the guide defines it.
    input('idNat_Struct', { valueIdentifier: { value: `1${row.finess}` } }),
    input('nomESMS', { valueString: row.establishmentName }),
    input('statutESMS', { valueCodeableConcept: { coding: [{ system: TRE_R357, code: row.statusCode, display: row.statusLabel }] } }),
    ...(row.reasonCode ? [input('motifESMS', { valueCodeableConcept: { coding: [{ system: TRE_R358, code: row.reasonCode, display: row.reasonLabel ?? undefined }] } })] : []),
    input('dateStatutESMS', { valueDate: row.statusDate }),
    ...(row.unitId !== null ? [input('idUnite', { valueIdentifier: { value: row.unitRorId ?? String(row.unitId) } }), input('nomUnite', { valueString: row.unitName ?? '' })] : []),
    input('idDecision', { valueIdentifier: { value: row.mdphDecisionId } }),
    input('idNat_Decision', { valueIdentifier: { value: row.nationalId } }),
  ];
  return { resourceType: 'Task', id: `esms-notification-${row.id}`, meta: { lastUpdated: row.updatedAt.toISOString(), profile: [ESMS_TASK_PROFILE] }, status: 'completed', intent: 'plan', input: inputs };
}

/** `_lastUpdated=gt2026-01-01T00:00:00Z` (or a date): the instant, or null when it cannot be read. */
export function parseLastUpdated(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const m = /^gt(\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?)$/.exec(value);
  if (!m) return null;
  const date = new Date(m[2] ? m[1]! : `${m[1]}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The page token of a next link: the last row's instant and id (keyset paging). */
export function pageToken(row: { updatedAt: Date; id: number }): string {
  return Buffer.from(`${row.updatedAt.toISOString()}|${row.id}`).toString('base64url');
}
export function readPageToken(value: unknown): { at: Date; id: number } | null {
  if (typeof value !== 'string' || value.length > 100) return null;
  const [at, id] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  const date = new Date(at ?? '');
  return !Number.isNaN(date.getTime()) && /^[1-9][0-9]{0,9}$/.test(id ?? '') ? { at: date, id: Number(id) } : null;
}
