// The week's items as CSV for spreadsheets: UTF-8 with a BOM, CRLF, and no cell a spreadsheet would
// run as a formula. Never the item's body, the receipt code or a citizen's name or contact. For people
// (the default) headers, labels, statuses and kinds come from the message catalogue and times are
// `dd/MM/yyyy HH:mm` in Vietnam time; `raw` keeps column names, codes and ISO 8601 UTC for programs.
import { t } from '../../dashboard/i18n/messages.ts';
import type { WeekItemRow } from '../db/queries/weekly-report.ts';
import { codeText, exportTime, type ExportLanguage } from './export-text.ts';

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

/** Returns the header row in the language: the column names when raw, else the catalogue's headers. */
export function weekItemHeader(language: ExportLanguage): string[] {
  return WEEK_ITEM_COLUMNS.map((name) => (language === 'raw' ? name : t(language, `export.week.${name}`)));
}

/**
 * Returns one item's cells as values (strings, numbers, dates or null), in WEEK_ITEM_COLUMNS order:
 * codes as stored when raw, else through the catalogue (labels joined with `; `).
 */
export function weekItemCells(row: WeekItemRow, language: ExportLanguage = 'raw'): Array<string | number | Date | null> {
  const code = (prefix: string, value: string | null) => (value === null || language === 'raw' ? value : codeText(language, prefix, value));
  const story =
    language === 'raw'
      ? row.story
      : t(language, row.story.startsWith('c') ? 'export.story.cluster' : 'export.story.item', { id: row.story.slice(1) });
  return [
    row.id,
    row.sortAt,
    row.collectedAt,
    row.sourceName,
    code('sourceKind', row.sourceKind),
    row.title,
    row.url,
    language === 'raw' ? row.labels.join(';') : row.labels.map((label) => codeText(language, 'label', label)).join('; '),
    row.priority,
    code('status', row.status),
    code('verdict', row.verdict),
    story,
    row.dueAt,
    row.firstResponseAt,
    row.responses,
    row.feedbackTopic,
  ];
}

/**
 * Returns the week's items as a CSV document (BOM, header row, CRLF line ends), for people in the
 * locale (times `dd/MM/yyyy HH:mm` in Vietnam time) or raw (codes, times in ISO 8601 UTC).
 */
export function writeWeeklyCsv(rows: readonly WeekItemRow[], language: ExportLanguage = 'vi'): string {
  const lines = [weekItemHeader(language).map(escapeCsvField).join(',')];
  for (const row of rows) {
    const cells = weekItemCells(row, language).map((cell) => {
      if (cell === null) return '';
      if (cell instanceof Date) return exportTime(cell, language);
      if (typeof cell === 'number') return String(cell);
      return escapeCsvField(cell.normalize('NFC'));
    });
    lines.push(cells.join(','));
  }
  return `${BOM}${lines.join('\r\n')}\r\n`;
}
