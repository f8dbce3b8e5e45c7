// The audit trail as CSV for spreadsheets: UTF-8 with a BOM, and no cell a spreadsheet would run as a
// formula. For people (the default) the headers, changed fields, statuses, verdicts and response kinds
// and channels come from the message catalogue and times are `dd/MM/yyyy HH:mm` in Vietnam time;
// `raw` (`?format=raw`) keeps the column names, stored codes and ISO 8601 UTC times for programs.
import { t, type Locale } from '../../dashboard/i18n/messages.ts';
import { codeText, exportLanguageOf, exportTime, type ExportLanguage } from '../reports/export-text.ts';
import { escapeCsvField as escapeCsvCell } from '../reports/weekly-csv.ts';
import type { AppContext } from './context.ts';
import { ApiError } from './errors.ts';

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

/**
 * Returns the language a CSV/XLSX download is written in: `?format=raw` for the machine-readable form,
 * else the request's locale (`?lang=`, the language cookie, else Vietnamese). Throws ApiError 400 for
 * another `format`.
 */
export function downloadLanguage(c: AppContext): ExportLanguage {
  const language = exportLanguageOf(c.req.query('format'), c.get('locale'));
  if (language === null) throw new ApiError(400, 'validation_failed', [{ path: ['format'], message: 'format must be raw or absent' }]);
  return language;
}

const HEADER = ['at', 'item_id', 'item_title', 'user', 'field', 'from', 'to', 'note'] as const;
const BOM = '\uFEFF';

/** Returns a changed value in the locale: statuses and verdicts, and a response's `kind / channel`, translated. */
function valueText(locale: Locale, field: string, value: string | null): string {
  if (value === null) return '';
  if (field === 'status') return codeText(locale, 'status', value);
  if (field === 'verdict') return codeText(locale, 'verdict', value);
  if (field === 'response') {
    const [kind, channel] = value.split(' / ');
    if (kind !== undefined && channel !== undefined) return `${codeText(locale, 'responseKind', kind)} / ${codeText(locale, 'responseChannel', channel)}`;
  }
  return value;
}

// A dismissal's note starts with its reason code (`duplicate · …`): the reason is translated.
function noteText(locale: Locale, field: string, note: string | null): string {
  if (note === null) return '';
  if (field !== 'status') return note;
  const [reason, ...rest] = note.split(' · ');
  const translated = codeText(locale, 'dismissReason', reason!);
  return translated === reason ? note : [translated, ...rest].join(' · ');
}

/** Returns the events as a CSV document (BOM, header row, CRLF line ends), for people in the locale or raw. */
export function formatEventsCsv(rows: readonly CsvEventRow[], language: ExportLanguage = 'vi'): string {
  const header = language === 'raw' ? [...HEADER] : HEADER.map((name) => t(language, `export.event.${name}`));
  const lines = [header.map(escapeCsvCell).join(',')];
  for (const row of rows) {
    const cells =
      language === 'raw'
        ? [row.field, row.fromValue ?? '', row.toValue ?? '', row.note ?? '']
        : [
            codeText(language, 'export.eventField', row.field),
            valueText(language, row.field, row.fromValue),
            valueText(language, row.field, row.toValue),
            noteText(language, row.field, row.note),
          ];
    const all = [exportTime(row.at, language), String(row.itemId), row.itemTitle, row.username ?? '', ...cells];
    lines.push(all.map(escapeCsvCell).join(','));
  }
  return `${BOM}${lines.join('\r\n')}\r\n`;
}
