/**
 * The .xlsx of a review (R39 "Exporter"), written with exceljs's streaming writer: a first sheet
 * states the filters, the second holds a header row and one row per habilitation with the columns
 * of the screen, dates as real Excel dates. Rows are committed as they come, so the workbook is
 * never held in memory.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { parisDate } from '../../platform/clock.js';
import { endDateStatus } from './habilitation-review.rules.js';
import type { ReviewRow } from './habilitation-review.repository.js';

export interface ExportFilterLine {
  label: string;
  value: string | Date;
  /** true: `value` is an instant, shown as a Paris date and time. */
  date?: boolean;
}

export interface ReviewWorkbookInput {
  filters: ExportFilterLine[];
  today: string;
  rightsOf: (profileId: number) => string[];
  /** Calls `onBatch` with the rows in order, a batch at a time; resolves to their number. */
  rows: (onBatch: (rows: ReviewRow[]) => Promise<void>) => Promise<number>;
}

export const REVIEW_SHEET = 'Revue des habilitations';
export const FILTERS_SHEET = 'Filtres';

const DATE_FORMAT = 'dd/mm/yyyy';

/** The columns of the review sheet, in order; their headers are the first row. */
export const EXPORT_COLUMNS = [
  { header: 'Nom', width: 22 },
  { header: 'Prénom', width: 18 },
  { header: 'Nom d’utilisateur', width: 24 },
  { header: 'Profil', width: 36 },
  { header: 'Unité', width: 28 },
  { header: 'Établissement', width: 36 },
  { header: 'FINESS', width: 12 },
  { header: 'Début', width: 12, date: true },
  { header: 'Fin', width: 12, date: true },
  { header: 'Échéance', width: 26 },
  { header: 'Notification e-mail', width: 12 },
  { header: 'Droits', width: 80 },
  { header: 'Supprimée le', width: 14, date: true },
  { header: 'Supprimée par', width: 30 },
] as const;

/** A calendar day as an Excel date: midnight UTC, which exceljs stores as a whole serial number. */
export function excelDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/** An instant as Excel shows it: the Paris wall-clock time, stored as if it were UTC (Excel has no time zones). */
export function excelDateTime(instant: Date): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute)));
}

/** One row of the review sheet, as the screen shows it. */
export function exportCells(row: ReviewRow, today: string, rights: string[]): (string | Date | null)[] {
  const status = endDateStatus({ endDate: row.end_date, deletedAt: row.deleted_at }, today);
  return [
    row.last_name.toUpperCase(),
    row.first_name,
    row.username,
    row.profile_name,
    row.unit_name ?? '',
    row.establishment_name,
    row.finess,
    excelDate(row.start_date),
    excelDate(row.end_date),
    status.level === 'deleted' ? '' : status.text,
    row.email_notifications ? 'Oui' : 'Non',
    rights.join(' ; '),
    row.deleted_at ? excelDate(parisDate(row.deleted_at)) : null,
    row.deleted_at ? (row.deleted_by ?? 'Système') : '',
  ];
}

/**
 * Waits until the rows written so far have moved on. Two places can hold them: `output` (a slow
 * client), and — because exceljs's sheet stream writes into the zip without looking at write()'s
 * answer — the buffer in front of the zip's deflate, which would otherwise grow with every row
 * produced faster than it is compressed (measured: 60 MB queued there and a peak RSS of 366 MB for
 * 100 000 rows). The second is an internal of exceljs 4 (`stream.pipes`); if it changes, only this
 * wait is lost, not the export.
 */
async function drained(sheet: ExcelJS.Worksheet, output: Writable): Promise<void> {
  type LegacyWritable = Writable & { _writableState?: { needDrain?: boolean } };
  const pipes = (sheet as unknown as { stream?: { pipes?: unknown } }).stream?.pipes;
  for (const pipe of Array.isArray(pipes) ? (pipes as LegacyWritable[]) : []) {
    // archiver's streams are readable-stream 2: no writableNeedDrain, the state says it.
    if ((pipe.writableNeedDrain ?? pipe._writableState?.needDrain) && !pipe.destroyed) await once(pipe, 'drain');
  }
  if (output.writableNeedDrain && !output.destroyed) await once(output, 'drain');
}

export async function writeReviewWorkbook(output: Writable, input: ReviewWorkbookInput): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Habilis';

  const filters = workbook.addWorksheet(FILTERS_SHEET);
  filters.columns = [
    { header: 'Filtre', key: 'label', width: 28 },
    { header: 'Valeur', key: 'value', width: 70 },
  ];
  filters.getRow(1).font = { bold: true };
  filters.getRow(1).commit();
  for (const line of input.filters) {
    const row = filters.addRow([line.label, line.date && line.value instanceof Date ? excelDateTime(line.value) : line.value]);
    if (line.date) row.getCell(2).numFmt = 'dd/mm/yyyy hh:mm';
    row.commit();
  }
  filters.commit();

  const sheet = workbook.addWorksheet(REVIEW_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = EXPORT_COLUMNS.map((c) => ({ header: c.header, width: c.width, ...('date' in c ? { style: { numFmt: DATE_FORMAT } } : {}) }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();

  const count = await input.rows(async (rows) => {
    for (const row of rows) sheet.addRow(exportCells(row, input.today, input.rightsOf(row.profile_id))).commit();
    // A slow reader: wait before fetching more rows, so memory holds one batch at most.
    await drained(sheet, output);
  });
  sheet.commit();
  await workbook.commit();
  return count;
}
