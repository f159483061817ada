/** The region administrator's side of the import: registered applications bound to a region (import) or to an ESMS (F5 statuses), and the CSV upload. */
import type { Deps } from '../../deps.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { parseStrictId } from '../../platform/input.js';
import { canBindEsmsReadApplication, esmsImportRegions, type Principal } from '../habilitations/habilitation.policy.js';
import { csvToDecisions } from './esms-csv.rules.js';
import { esmsErrors } from './esms.errors.js';
import { importDecisions, type ImportOutcome } from './esms-import.service.js';
import { viewerLabel } from './esms.service.js';
import * as repo from './esms.repository.js';
import * as bindings from './esms-applications.repository.js';
import { isFiness } from '../../platform/finess.js';

export function importRegions(principal: Principal): string[] {
  const regions = esmsImportRegions(principal);
  if (regions.length === 0) throw esmsErrors.IMPORT_FORBIDDEN();
  return regions;
}

export async function loadImportPage(deps: Deps, principal: Principal) {
  const regions = importRegions(principal);
  const [applications, readApplications] = await Promise.all([bindings.listImportApplications(deps.db, regions), bindings.listReadApplications(deps.db, regions)]);
  return { regions, applications, readApplications };
}

/** Binds a registered application (scope esms.import) to one region of the administrator's perimeter; once bound, it stays in that region. */
export async function bindImportApplication(deps: Deps, principal: Principal, form: { application: string; region: string }, ip: string): Promise<void> {
  const regions = importRegions(principal);
  const clientId = form.application.trim();
  const fields: Record<string, string> = {};
  if (!/^[a-z0-9][a-z0-9-]{2,62}$/.test(clientId)) fields.application = esmsErrors.IMPORT_APPLICATION_UNKNOWN().message;
  if (!regions.includes(form.region)) fields['application-region'] = esmsErrors.API_CLIENT_REGION().message;
  if (Object.keys(fields).length > 0) throw esmsErrors.IMPORT_APPLICATION_UNKNOWN(fields);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    if (!(await bindings.bindImportApplication(trx, { clientId, regionCode: form.region, createdBy: principal.accountId, at: now }))) {
      throw esmsErrors.IMPORT_APPLICATION_UNKNOWN({ application: esmsErrors.IMPORT_APPLICATION_UNKNOWN().message });
    }
    await recordAudit(trx, {
      actor: { kind: 'account', accountId: principal.accountId, label: viewerLabel(principal) },
      subjectAccountId: principal.accountId,
      code: 'ESMS_IMPORT_APPLICATION_BOUND',
      description: `Rattachement de l’application ${clientId} à la région ${form.region} pour l’import ESMS`,
      details: { clientId, regionCode: form.region },
      ip,
      at: now,
    });
  });
}

/**
 * Binds a registered application (scope esms.read) to one ESMS of the administrator's regions: it then reads
 * that ESMS's statuses (F5, tier 1) by its client-credentials token. Several ESMS per application, each once.
 */
export async function bindReadApplication(deps: Deps, principal: Principal, form: { application: string; finess: string }, ip: string): Promise<void> {
  importRegions(principal);
  const clientId = form.application.trim();
  const finess = form.finess.trim().toUpperCase();
  const fields: Record<string, string> = {};
  if (!/^[a-z0-9][a-z0-9-]{2,62}$/.test(clientId)) fields['read-application'] = esmsErrors.READ_APPLICATION_UNKNOWN().message;
  const [establishment] = isFiness(finess) ? await repo.establishmentsByFiness(deps.db, [finess]) : [];
  if (!establishment || !canBindEsmsReadApplication(principal, { regionCode: establishment.region_code })) fields['read-finess'] = esmsErrors.READ_ESTABLISHMENT_OUTSIDE().message;
  if (Object.keys(fields).length > 0) throw esmsErrors.READ_APPLICATION_UNKNOWN(fields);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    if (!(await bindings.bindReadApplication(trx, { clientId, establishmentId: establishment!.id, createdBy: principal.accountId, at: now }))) {
      throw esmsErrors.READ_APPLICATION_UNKNOWN({ 'read-application': esmsErrors.READ_APPLICATION_UNKNOWN().message });
    }
    await recordAudit(trx, {
      actor: { kind: 'account', accountId: principal.accountId, label: viewerLabel(principal) },
      subjectAccountId: principal.accountId,
      code: 'ESMS_READ_APPLICATION_BOUND',
      description: `Rattachement de l’application ${clientId} à l’établissement ${finess} pour la lecture des statuts ESMS`,
      details: { clientId, establishmentId: establishment!.id, finess },
      ip,
      at: now,
    });
  });
}

/** Ends a binding of an application to an ESMS of the administrator's regions: its next token reads nothing there. */
export async function unbindReadApplication(deps: Deps, principal: Principal, rawId: string, ip: string): Promise<{ application: string; finess: string }> {
  importRegions(principal);
  const id = parseStrictId(rawId);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const binding = id === null ? undefined : await bindings.getReadApplication(trx, id);
    if (!binding || !canBindEsmsReadApplication(principal, { regionCode: binding.region_code }) || !(await bindings.unbindReadApplication(trx, binding.id))) {
      throw esmsErrors.READ_BINDING_UNKNOWN();
    }
    await recordAudit(trx, {
      actor: { kind: 'account', accountId: principal.accountId, label: viewerLabel(principal) },
      subjectAccountId: principal.accountId,
      code: 'ESMS_READ_APPLICATION_UNBOUND',
      description: `Fin du rattachement de l’application ${binding.client_id} à l’établissement ${binding.finess} pour la lecture des statuts ESMS`,
      details: { clientId: binding.client_id, establishmentId: binding.establishment_id, finess: binding.finess },
      ip,
      at: now,
    });
    return { application: binding.client_id, finess: binding.finess };
  });
}

/** The CSV upload: the same checks and the same all-or-nothing as the JSON API (lines counted from the header, line 1). */
export async function importCsv(deps: Deps, principal: Principal, file: Buffer | undefined): Promise<ImportOutcome> {
  const regions = importRegions(principal);
  if (!file || file.length === 0) return { ok: false, errors: [{ line: 0, field: 'fichier', message: 'Choisissez un fichier CSV.' }] };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file);
  } catch {
    return { ok: false, errors: [{ line: 0, field: 'fichier', message: 'Le fichier doit être enregistré en UTF-8 (CSV UTF-8).' }] };
  }
  const parsed = csvToDecisions(text);
  if (!parsed.ok) return { ok: false, errors: [{ line: parsed.line, field: parsed.field, message: parsed.message }] };
  if (parsed.decisions.length === 0) return { ok: false, errors: [{ line: 2, field: '(fichier)', message: 'le fichier ne contient aucune décision' }] };
  return importDecisions(deps, parsed.decisions, regions, 2);
}
