/**
 * The CSV form of the import (docs/esms-import.md): `;`-separated (as French spreadsheets save it),
 * UTF-8 (a BOM is dropped), double quotes around a value that holds `;`, a quote or a line break.
 * One line per decision; `finess` may list several establishments separated by `,`.
 */
import { TIER2_FIELDS, TIER3_FIELDS } from './esms.rules.js';

export const CSV_COLUMNS = [
  'idNat_Decision', 'idDecision', 'dateDecision', 'natureDroit', 'dateOuverture', 'dateEcheance', 'categorie', 'creton',
  'nom', 'prenom', 'dateNaissance', 'mdph', 'numeroIndividuel', 'finess', 'uniteId', ...TIER2_FIELDS, ...TIER3_FIELDS,
] as const;

/** Splits CSV text into rows of cells (RFC 4180 quoting, `;` separator). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const input = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ';') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && input[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => r.some((v) => v.trim() !== ''));
}

export type CsvOutcome = { ok: true; decisions: unknown[] } | { ok: false; line: number; field: string; message: string };

/** The rows of a CSV file as the JSON import's decisions (the same checks then apply, line by line). */
export function csvToDecisions(text: string): CsvOutcome {
  const rows = parseCsv(text);
  const header = rows[0]?.map((h) => h.trim());
  if (!header || CSV_COLUMNS.some((c, i) => header[i] !== c)) {
    return { ok: false, line: 1, field: '(en-tête)', message: `la première ligne doit nommer les colonnes : ${CSV_COLUMNS.join(';')}` };
  }
  const decisions = rows.slice(1).map((cells) => {
    const v = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, (cells[i] ?? '').trim()])) as Record<(typeof CSV_COLUMNS)[number], string>;
    const optional = (value: string) => (value === '' ? null : value);
    return {
      idNat_Decision: v.idNat_Decision,
      idDecision: v.idDecision,
      dateDecision: v.dateDecision,
      natureDroit: v.natureDroit,
      dateOuverture: v.dateOuverture,
      dateEcheance: v.dateEcheance,
      categorie: v.categorie,
      creton: /^(oui|true|1)$/i.test(v.creton),
      personne: { nom: v.nom, prenom: v.prenom, dateNaissance: v.dateNaissance, mdph: v.mdph, numeroIndividuel: v.numeroIndividuel },
      esms: v.finess.split(',').map((finess, i) => ({ finess: finess.trim(), ...(i === 0 && v.uniteId !== '' ? { uniteId: /^\d{1,10}$/.test(v.uniteId) ? Number(v.uniteId) : -1 } : {}) })),
      evaluation: Object.fromEntries(TIER2_FIELDS.map((f) => [f, optional(v[f])])),
      donneesMedicales: Object.fromEntries(TIER3_FIELDS.map((f) => [f, optional(v[f])])),
    };
  });
  return { ok: true, decisions };
}
