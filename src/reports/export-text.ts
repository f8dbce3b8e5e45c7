// The language of a downloaded list (CSV/XLSX): for people, headers and codes through the message
// catalogue and times as `dd/MM/yyyy HH:mm` in Asia/Ho_Chi_Minh; or `raw`, the machine-readable form
// (English column names, stored codes, ISO 8601 UTC) that API clients ask for with `?format=raw`.
import { hasMessage, t, type Locale } from '../../dashboard/i18n/messages.ts';
import { formatLocalDateTime } from '../domain/local-time.ts';

/** A locale (a document for people) or `raw` (column names, codes and times as stored). */
export type ExportLanguage = Locale | 'raw';

/**
 * Returns the language of a download from its `format` query parameter and the request's locale:
 * absent or empty → the locale (Vietnamese by default), `raw` → the machine-readable form; null for
 * any other value (the caller refuses it).
 */
export function exportLanguageOf(format: string | undefined, locale: Locale): ExportLanguage | null {
  const wanted = format?.trim() ?? '';
  if (wanted === '') return locale;
  return wanted === 'raw' ? 'raw' : null;
}

/** Returns the catalogue's text for `prefix.code`, or the code itself when the catalogue has none. */
export function codeText(locale: Locale, prefix: string, code: string): string {
  const key = `${prefix}.${code}`;
  return hasMessage(key) ? t(locale, key) : code;
}

/** Returns an instant in the language: ISO 8601 UTC when raw, else `dd/MM/yyyy HH:mm` in Vietnam time. */
export function exportTime(date: Date, language: ExportLanguage): string {
  return language === 'raw' ? date.toISOString() : formatLocalDateTime(date);
}
