/**
 * Import of MDPH decisions (JSON API and CSV page): every line checked first (zod shape, then codes,
 * establishments of the caller's region, units, dates), the line and field of every error returned
 * and nothing written; otherwise the whole batch in one transaction. Idempotent on idNat_Decision: a
 * decision sent again unchanged changes nothing and tells no one; a changed one is updated and its
 * ESMS told (R40).
 */
import type { Deps } from '../../deps.js';
import { parisDate } from '../../platform/clock.js';
import { TIER2_FIELDS, TIER3_FIELDS, type Evaluation, type MedicalData } from './esms.rules.js';
import { importDecisionSchema, type ImportDecision, type ImportError } from './esms.schemas.js';
import { notifyHolders } from './esms-notify.service.js';
import { wakeOutbox } from '../../platform/outbox/outbox.job.js';
import * as repo from './esms.repository.js';

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  mails: number;
}

export type ImportOutcome = { ok: true; result: ImportResult } | { ok: false; errors: ImportError[] };

const fieldPath = (path: readonly PropertyKey[]) => path.map(String).join('.') || '(décision)';

interface CheckedLine {
  line: number;
  record: repo.DecisionRecord;
  esms: { establishmentId: number; unitId: number | null }[];
}

function toRecord(d: ImportDecision): repo.DecisionRecord {
  return {
    nationalId: d.idNat_Decision,
    mdphDecisionId: d.idDecision,
    decisionDate: d.dateDecision,
    rightNature: d.natureDroit,
    openingDate: d.dateOuverture,
    endDate: d.dateEcheance,
    categoryCode: d.categorie,
    creton: d.creton,
    person: { lastName: d.personne.nom, firstName: d.personne.prenom, birthDate: d.personne.dateNaissance, mdphDepartment: d.personne.mdph, mdphIndividualNumber: d.personne.numeroIndividuel },
    evaluation: Object.fromEntries(TIER2_FIELDS.map((f) => [f, d.evaluation[f] ?? null])) as Evaluation,
    medical: Object.fromEntries(TIER3_FIELDS.map((f) => [f, d.donneesMedicales[f] ?? null])) as MedicalData,
  };
}

/** Checks every line; returns the lines ready to write, or every error with its line and field. */
async function checkLines(deps: Deps, lines: readonly unknown[], regionCodes: readonly string[], firstLine: number): Promise<{ checked: CheckedLine[]; errors: ImportError[] }> {
  const errors: ImportError[] = [];
  const today = parisDate(deps.clock.now());
  const parsed: { line: number; d: ImportDecision }[] = [];
  lines.forEach((raw, index) => {
    const line = index + firstLine;
    const result = importDecisionSchema.safeParse(raw);
    if (!result.success) for (const issue of result.error.issues) errors.push({ line, field: fieldPath(issue.path), message: issue.message });
    else parsed.push({ line, d: result.data });
  });
  const categories = new Set((await repo.listCategories(deps.db)).map((c) => c.code));
  const establishments = new Map((await repo.establishmentsByFiness(deps.db, [...new Set(parsed.flatMap((p) => p.d.esms.map((e) => e.finess)))])).map((e) => [e.finess, e]));
  const seen = new Map<string, number>();
  const checked: CheckedLine[] = [];
  for (const { line, d } of parsed) {
    const before = errors.length;
    const at = (field: string, message: string) => errors.push({ line, field, message });
    if (seen.has(d.idNat_Decision)) at('idNat_Decision', `décision déjà présente à la ligne ${seen.get(d.idNat_Decision)} de cet envoi`);
    seen.set(d.idNat_Decision, line);
    if (!categories.has(d.categorie)) at('categorie', `catégorie d’orientation inconnue : ${d.categorie}`);
    if (d.personne.dateNaissance > today) at('personne.dateNaissance', 'la date de naissance ne peut pas être dans le futur');
    if (d.dateDecision > today) at('dateDecision', 'la date de décision ne peut pas être dans le futur');
    if (d.dateEcheance < d.dateOuverture) at('dateEcheance', 'la fin de validité précède l’ouverture des droits');
    if (d.dateDecision < d.personne.dateNaissance) at('dateDecision', 'la décision précède la naissance de la personne');
    const esms: CheckedLine['esms'] = [];
    for (const [i, target] of d.esms.entries()) {
      const e = establishments.get(target.finess);
      if (!e) at(`esms.${i}.finess`, `établissement inconnu : ${target.finess}`);
      else if (!regionCodes.includes(e.region_code)) at(`esms.${i}.finess`, `établissement hors de votre région : ${target.finess}`);
      else if (target.uniteId != null && !(await repo.unitOfEstablishment(deps.db, target.uniteId, e.id))) at(`esms.${i}.uniteId`, `unité inconnue dans cet établissement : ${target.uniteId}`);
      else esms.push({ establishmentId: e.id, unitId: target.uniteId ?? null });
    }
    if (errors.length === before) checked.push({ line, record: toRecord(d), esms });
  }
  return { checked, errors };
}

/** Is the stored decision the same as the record (every field the import carries)? */
function sameAsStored(stored: NonNullable<Awaited<ReturnType<typeof repo.getDecisionForImportWithAllTiers>>>, r: repo.DecisionRecord): boolean {
  const s = stored as unknown as Record<string, unknown>;
  const pairs: [unknown, unknown][] = [
    [stored.mdph_decision_id, r.mdphDecisionId], [stored.decision_date, r.decisionDate], [stored.right_nature, r.rightNature], [stored.opening_date, r.openingDate],
    [stored.end_date, r.endDate], [stored.category_code, r.categoryCode], [stored.creton, r.creton], [stored.last_name, r.person.lastName],
    [stored.first_name, r.person.firstName], [stored.birth_date, r.person.birthDate], [stored.mdph_department, r.person.mdphDepartment],
    [stored.mdph_individual_number, r.person.mdphIndividualNumber],
    ...TIER2_FIELDS.map((f) => [s[f] ?? null, r.evaluation[f]] as [unknown, unknown]),
    ...TIER3_FIELDS.map((f) => [s[f] ?? null, r.medical[f]] as [unknown, unknown]),
  ];
  return pairs.every(([a, b]) => a === b);
}

/** The batch, all or nothing. `firstLine`: 1 for JSON (the decision's rank), 2 for a CSV with its header. */
export async function importDecisions(deps: Deps, lines: readonly unknown[], regionCodes: readonly string[], firstLine = 1): Promise<ImportOutcome> {
  const { checked, errors } = await checkLines(deps, lines, regionCodes, firstLine);
  if (errors.length > 0) return { ok: false, errors };
  const now = deps.clock.now();
  const result: ImportResult = { created: 0, updated: 0, unchanged: 0, mails: 0 };
  await deps.db.transaction().execute(async (trx) => {
    const told: { establishmentId: number; unitId: number | null }[] = [];
    for (const { record, esms } of checked) {
      const stored = await repo.getDecisionForImportWithAllTiers(trx, record.nationalId);
      const same = stored !== undefined && sameAsStored(stored, record);
      const decisionId = same ? stored.id : await repo.upsertDecision(trx, await repo.upsertPerson(trx, record.person), record, now);
      let anyNew = false;
      for (const target of esms) {
        const n = await repo.addressDecision(trx, decisionId, target.establishmentId, target.unitId, parisDate(now), now, null, !same);
        if (n.created || !same) told.push({ establishmentId: target.establishmentId, unitId: n.unit_id });
        anyNew ||= n.created;
      }
      if (!stored) result.created++;
      else if (!same) result.updated++;
      else if (anyNew) result.updated++;
      else result.unchanged++;
    }
    result.mails = await notifyHolders(deps, trx, told);
  });
  if (result.mails > 0) wakeOutbox(deps);
  return { ok: true, result };
}
