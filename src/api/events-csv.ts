// The audit trail as CSV for spreadsheets: UTF-8 with a BOM, and no cell a spreadsheet would run as a formula.
import { escapeCsvField as escapeCsvCell } from '../reports/weekly-csv.ts';

/** Returns the cell quoted for CSV, with a leading `'` when a spreadsheet would read it as a formula. */
export { escapeCsvCell };

/** One row of the export, already as text. */
export interface CsvEventRow {
  at: Date;
  itemId: number;
  itemTitle: string;
  username?: string | null;
  field: string;
  fromValue: string | null;
  toValue: string | null;
  note: string | null;
}

const HEADER = ['at', 'item_id', 'item_title', 'user', 'field', 'from', 'to', 'note'];
const BOM = '\uFEFF';

/** Returns the events as a CSV document (BOM, header row, CRLF line ends). */
export function formatEventsCsv(rows: readonly CsvEventRow[]): string {
  const lines = [HEADER.join(',')];
  for (const row of rows) {
    const cells = [
      row.at.toISOString(),
      String(row.itemId),
      row.itemTitle,
      row.username ?? '',
      row.field,
      row.fromValue ?? '',
      row.toValue ?? '',
      row.note ?? '',
    ];
    lines.push(cells.map(escapeCsvCell).join(','));
  }
  return `${BOM}${lines.join('\r\n')}\r\n`;
}
