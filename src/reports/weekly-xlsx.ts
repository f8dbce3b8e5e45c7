// The week's items as an .xlsx workbook: the same columns as the CSV, times as date cells shown
// `dd/mm/yyyy hh:mm` in Vietnam time, and no text cell that a spreadsheet would run as a formula. For
// people (the default) the headers, labels, statuses and kinds come from the message catalogue.
import writeXlsxFile, { type Row } from 'write-excel-file/node';
import type { WeekItemRow } from '../db/queries/weekly-report.ts';
import type { ExportLanguage } from './export-text.ts';
import { WEEK_ITEM_COLUMNS, neutralizeFormula, weekItemCells, weekItemHeader } from './weekly-csv.ts';

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

/** Returns the .xlsx bytes of the week's items (one sheet named after the week). */
export async function writeWeeklyXlsx(week: string, rows: readonly WeekItemRow[], language: ExportLanguage = 'vi'): Promise<Buffer> {
  const header: Row = weekItemHeader(language).map((name) => ({ value: name, fontWeight: 'bold' as const }));
  const body: Row[] = rows.map((row) =>
    weekItemCells(row, language).map((cell) => {
      if (cell === null) return null;
      // Spreadsheet dates carry no time zone: the cell shows the Vietnam wall-clock time.
      if (cell instanceof Date) return { value: new Date(cell.getTime() + VIETNAM_OFFSET_MS), format: 'dd/mm/yyyy hh:mm' };
      if (typeof cell === 'number') return { value: cell };
      return { value: neutralizeFormula(cell.normalize('NFC')), type: String };
    }),
  );
  const widths = WEEK_ITEM_COLUMNS.map((name) => ({ width: name === 'title' ? 60 : name === 'labels' ? 30 : 18 }));
  return writeXlsxFile([header, ...body], { sheet: week, columns: widths }).toBuffer();
}
