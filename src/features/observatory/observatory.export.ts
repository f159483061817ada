/**
 * The Excel file of an order (R70): a sheet "Paramètres" (request, period, criteria, scope, ordered
 * by, computed at, data as of), then one sheet per table — real numbers and dates, "< 5" where a
 * small count is hidden, frozen header row, column widths set. Results are small (counts by
 * category), so the workbook is built in memory and stored in PostgreSQL.
 */
import ExcelJS from 'exceljs';
import { excelDate, excelDateTime } from '../habilitations/habilitation-review.export.js';
import { SUPPRESSED, type Cell, type Column, type ResultTable } from './observatory.rules.js';

export const PARAMETERS_SHEET = 'Paramètres';

export interface WorkbookInput {
  parameters: { label: string; value: string | Date; kind?: 'date' | 'datetime' }[];
  tables: ResultTable[];
}

const FORMATS: Partial<Record<Column['type'], string>> = {
  count: '#,##0',
  number: '#,##0.0',
  percent: '0.0%',
  days: '#,##0.0',
  date: 'dd/mm/yyyy',
  month: 'mmmm yyyy',
};

/** A cell of a table as Excel stores it: numbers and dates as such, "< 5" as text. */
export function excelValue(column: Column, value: Cell): string | number | Date | null {
  if (value === null || value === SUPPRESSED) return value;
  if (column.type === 'date' && typeof value === 'string') return excelDate(value);
  if (column.type === 'month' && typeof value === 'string') return excelDate(`${value}-01`);
  if (column.type === 'percent' && typeof value === 'number') return value / 100;
  return value;
}

/** Sheet names: at most 31 characters, none of []:*?/\, unique in the workbook. */
function sheetName(title: string, taken: Set<string>): string {
  const base = title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31).trim();
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n += 1) name = `${base.slice(0, 27)} (${n})`;
  taken.add(name.toLowerCase());
  return name;
}

const width = (text: string) => Math.min(60, Math.max(10, text.length + 2));

export async function buildWorkbook(input: WorkbookInput): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Habilis';
  const taken = new Set<string>([PARAMETERS_SHEET.toLowerCase()]);

  const parameters = workbook.addWorksheet(PARAMETERS_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  parameters.columns = [
    { header: 'Paramètre', key: 'label', width: 30 },
    { header: 'Valeur', key: 'value', width: 80 },
  ];
  parameters.getRow(1).font = { bold: true };
  for (const line of input.parameters) {
    const value = line.kind === 'datetime' && line.value instanceof Date ? excelDateTime(line.value) : line.value;
    const row = parameters.addRow([line.label, value]);
    if (line.kind === 'date') row.getCell(2).numFmt = 'dd/mm/yyyy';
    if (line.kind === 'datetime') row.getCell(2).numFmt = 'dd/mm/yyyy hh:mm';
    row.getCell(2).alignment = { horizontal: 'left', wrapText: true };
  }

  for (const table of input.tables) {
    const sheet = workbook.addWorksheet(sheetName(table.title, taken), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = table.columns.map((column, j) => {
      const longest = Math.max(column.label.length, ...table.rows.slice(0, 2000).map((row) => String(row[j] ?? '').length));
      const format = FORMATS[column.type];
      return { header: column.label, width: width('x'.repeat(Math.max(longest, column.type === 'month' ? 14 : 0))), ...(format ? { style: { numFmt: format } } : {}) };
    });
    sheet.getRow(1).font = { bold: true };
    const lines = table.total ? [...table.rows, table.total] : table.rows;
    for (const cells of lines) {
      const row = sheet.addRow(cells.map((value, j) => excelValue(table.columns[j]!, value)));
      cells.forEach((value, j) => {
        if (value === SUPPRESSED) row.getCell(j + 1).alignment = { horizontal: 'right' };
      });
    }
    if (table.total) sheet.getRow(lines.length + 1).font = { bold: true };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
