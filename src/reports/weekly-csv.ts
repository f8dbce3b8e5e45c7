// The week's items as CSV for spreadsheets: UTF-8 with a BOM, CRLF, and no cell a spreadsheet would
// run as a formula. Never the item's body, the receipt code or a citizen's name or contact.
import type { WeekItemRow } from '../db/queries/weekly-report.ts';

/** The columns of the week's item export, in order (CSV header and XLSX columns). */
export const WEEK_ITEM_COLUMNS = [
  'id',
  'time',
  'collected_at',
  'source',
  'source_kind',
  'title',
  'url',
  'labels',
  'priority',
  'status',
  'verdict',
  'story',
  'due_at',
  'first_response_at',
  'responses',
  'feedback_topic',
] as const;
export type WeekItemColumn = (typeof WEEK_ITEM_COLUMNS)[number];

const BOM = '\uFEFF';

/** Returns the text with a leading `'` when a spreadsheet would read it as a formula (= + - @, tab, CR). */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Returns the cell quoted for CSV when needed, formulas neutralized. */
export function escapeCsvField(value: string): string {
  const inert = neutralizeFormula(value);
  return /[",\r\n]/.test(inert) || inert !== value ? `"${inert.replace(/"/g, '""')}"` : inert;
}

/** Returns one item's cells as values (strings, numbers, dates or null), in WEEK_ITEM_COLUMNS order. */
export function weekItemCells(row: WeekItemRow): Array<string | number | Date | null> {
  return [
    row.id,
    row.sortAt,
    row.collectedAt,
    row.sourceName,
    row.sourceKind,
    row.title,
    row.url,
    row.labels.join(';'),
    row.priority,
    row.status,
    row.verdict,
    row.story,
    row.dueAt,
    row.firstResponseAt,
    row.responses,
    row.feedbackTopic,
  ];
}

/** Returns the week's items as a CSV document (BOM, header row, CRLF line ends, times in ISO 8601 UTC). */
export function writeWeeklyCsv(rows: readonly WeekItemRow[]): string {
  const lines = [WEEK_ITEM_COLUMNS.join(',')];
  for (const row of rows) {
    const cells = weekItemCells(row).map((cell) => {
      if (cell === null) return '';
      if (cell instanceof Date) return cell.toISOString();
      if (typeof cell === 'number') return String(cell);
      return escapeCsvField(cell.normalize('NFC'));
    });
    lines.push(cells.join(','));
  }
  return `${BOM}${lines.join('\r\n')}\r\n`;
}
