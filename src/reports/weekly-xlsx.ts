// The week's items as an .xlsx workbook: the same columns as the CSV, times shown in Vietnam time,
// and no text cell that a spreadsheet would run as a formula.
import writeXlsxFile, { type Row } from 'write-excel-file/node';
import type { WeekItemRow } from '../db/queries/weekly-report.ts';
import { WEEK_ITEM_COLUMNS, neutralizeFormula, weekItemCells } from './weekly-csv.ts';

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

/** Returns the .xlsx bytes of the week's items (one sheet named after the week). */
export async function writeWeeklyXlsx(week: string, rows: readonly WeekItemRow[]): Promise<Buffer> {
  const header: Row = WEEK_ITEM_COLUMNS.map((name) => ({ value: name, fontWeight: 'bold' as const }));
  const body: Row[] = rows.map((row) =>
    weekItemCells(row).map((cell) => {
      if (cell === null) return null;
      // Spreadsheet dates carry no time zone: the cell shows the Vietnam wall-clock time.
      if (cell instanceof Date) return { value: new Date(cell.getTime() + VIETNAM_OFFSET_MS), format: 'dd/mm/yyyy hh:mm' };
      if (typeof cell === 'number') return { value: cell };
      return { value: neutralizeFormula(cell.normalize('NFC')), type: String };
    }),
  );
  return writeXlsxFile([header, ...body], { sheet: week, columns: WEEK_ITEM_COLUMNS.map((name) => ({ width: name === 'title' ? 60 : 18 })) }).toBuffer();
}
