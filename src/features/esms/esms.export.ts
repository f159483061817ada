/**
 * "Exporter" of the dashboard (R62) as .xlsx, with exactly the columns of the viewer's tier (R60):
 * the rows are projections (`projectForTier`), and the header list is chosen by the same tier.
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { formatDate } from '../../platform/clock.js';
import { FIELD_LABELS, TIER2_FIELDS, TIER3_FIELDS, VALIDITY_LABELS, validityOf, type EsmsTier, type ProjectedNotification } from './esms.rules.js';

export const ESMS_SHEET = 'Notifications';

const TIER1_COLUMNS: { header: string; cell: (n: ProjectedNotification, today: string) => string | boolean }[] = [
  { header: 'Nom', cell: (n) => n.base.lastName.toUpperCase() },
  { header: 'Prénom', cell: (n) => n.base.firstName },
  { header: 'Date de naissance', cell: (n) => excelDate(n.base.birthDate) },
  { header: 'MDPH', cell: (n) => n.base.mdphDepartment },
  { header: 'Numéro individuel MDPH', cell: (n) => n.base.mdphIndividualNumber },
  { header: 'Identifiant national de la décision', cell: (n) => n.base.decisionNationalId },
  { header: 'Numéro de décision MDPH', cell: (n) => n.base.mdphDecisionId },
  { header: 'Date de décision', cell: (n) => excelDate(n.base.decisionDate) },
  { header: 'Nature du droit', cell: (n) => n.base.rightNature },
  { header: 'Catégorie d’orientation', cell: (n) => n.base.categoryLabel },
  { header: 'Début de validité', cell: (n) => excelDate(n.base.openingDate) },
  { header: 'Fin de validité', cell: (n) => excelDate(n.base.endDate) },
  { header: 'Validité', cell: (n, today) => VALIDITY_LABELS[validityOf(n.base.endDate, today)] },
  { header: 'Amendement Creton', cell: (n) => (n.base.creton ? 'Oui' : 'Non') },
  { header: 'Statut', cell: (n) => n.base.statusLabel },
  { header: 'Date du statut', cell: (n) => excelDate(n.base.statusDate) },
  { header: 'Motif', cell: (n) => n.base.reasonLabel ?? '' },
  { header: 'Unité', cell: (n) => n.base.unitName ?? '' },
];

/**
 * Dates as French text (JJ/MM/AAAA) in a workbook without styles: styles cost four times the rest
 * of the writing (measured: 10 000 rows × 34 columns, 3.4 s with a date format, 0.8 s without), and
 * the export must stay within 2 s for 10 000 rows (ADR 0007).
 */
function excelDate(day: string): string {
  return formatDate(day);
}

/** The headers of an export at a tier: tier 1's, then the evaluation's (tier ≥ 2), then the medical data's (tier 3). */
export function exportHeaders(tier: EsmsTier): string[] {
  return [
    ...TIER1_COLUMNS.map((c) => c.header),
    ...(tier >= 2 ? TIER2_FIELDS.map((f) => FIELD_LABELS[f]) : []),
    ...(tier >= 3 ? TIER3_FIELDS.map((f) => FIELD_LABELS[f]) : []),
  ];
}

export function exportCells(n: ProjectedNotification, today: string): (string | boolean)[] {
  return [
    ...TIER1_COLUMNS.map((c) => c.cell(n, today)),
    ...(n.tier !== 1 ? TIER2_FIELDS.map((f) => n.evaluation[f] ?? '') : []),
    ...(n.tier === 3 ? TIER3_FIELDS.map((f) => n.medical[f] ?? '') : []),
  ];
}

export async function writeNotificationsWorkbook(output: Writable, tier: EsmsTier, today: string, batches: AsyncIterable<ProjectedNotification[]>): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: false, useSharedStrings: false });
  workbook.creator = 'Habilis';
  const sheet = workbook.addWorksheet(ESMS_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  const headers = exportHeaders(tier);
  sheet.columns = headers.map((header) => ({ header, width: Math.min(40, Math.max(12, header.length + 2)) }));
  sheet.getRow(1).commit();
  let count = 0;
  for await (const batch of batches) {
    for (const n of batch) {
      sheet.addRow(exportCells(n, today)).commit();
      count++;
    }
  }
  sheet.commit();
  await workbook.commit();
  return count;
}
