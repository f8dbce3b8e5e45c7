// Importing feedback from a file: the upload form with recent imports, the preview with the
// column mapping, and one import's progress (a <progress> bar, a refresh while it runs) and errors.
import {
  IMPORT_FIELDS,
  type ImportField,
  type ImportPreview,
  type ImportRecord,
  type ImportRowError,
} from '../../src/domain/feedback-import.ts';
import type { SessionUser } from '../../src/domain/user.ts';
import { formatDate, hasMessage, t, type Locale } from '../i18n/messages.ts';
import { Layout } from './layout.tsx';

/** Returns the message for an import error code. */
export function importErrorText(locale: Locale, code: string): string {
  const key = `importError.${code}`;
  return hasMessage(key) ? t(locale, key) : t(locale, 'apiError.internal');
}

function ErrorAlert({ locale, code }: { locale: Locale; code?: string }) {
  if (!code) return null;
  const text = code === 'preview_expired' ? t(locale, 'imports.previewExpired') : t(locale, 'imports.fileError', { error: importErrorText(locale, code) });
  return (
    <p class="alert alert-error" role="alert">
      {text}
    </p>
  );
}

/** Props of ImportUploadPage. */
export interface ImportUploadPageProps {
  user: SessionUser;
  locale: Locale;
  sourceNames: readonly string[];
  imports: readonly ImportRecord[];
  /** An import error code (`unsupported_format` …) or `preview_expired`. */
  error?: string;
  sourceName?: string;
}

function statusText(locale: Locale, status: ImportRecord['status']): string {
  return t(locale, `imports.status.${status}`);
}

function rowErrorCount(record: ImportRecord): number {
  return record.errors.filter((error) => error.line > 0).length;
}

/** Returns the upload form and the recent imports. */
export function ImportUploadPage({ user, locale, sourceNames, imports, error, sourceName }: ImportUploadPageProps) {
  // Also the answer to failed POSTs (/imports/preview, /imports): the language link must lead back to /imports.
  return (
    <Layout title={t(locale, 'imports.title')} user={user} locale={locale} section="imports" backPath="/imports">
      <h1>{t(locale, 'imports.title')}</h1>
      <p class="muted">{t(locale, 'imports.intro')}</p>
      <ErrorAlert locale={locale} code={error} />
      <form class="stack-form card" method="post" action="/imports/preview" enctype="multipart/form-data">
        <label for="import-file">{t(locale, 'imports.file')}</label>
        <input
          id="import-file"
          name="file"
          type="file"
          required
          accept=".csv,.tsv,.txt,.xlsx,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          aria-describedby="import-file-hint"
        />
        <p class="muted" id="import-file-hint">
          {t(locale, 'imports.fileHint')}
        </p>
        <label for="import-source">{t(locale, 'imports.source')}</label>
        <input id="import-source" name="sourceName" type="text" maxlength={200} list="import-sources" value={sourceName ?? ''} aria-describedby="import-source-hint" />
        <datalist id="import-sources">
          {sourceNames.map((name) => (
            <option value={name} />
          ))}
        </datalist>
        <p class="muted" id="import-source-hint">
          {t(locale, 'imports.sourceHint')}
        </p>
        <button type="submit" class="button button-primary">
          {t(locale, 'imports.previewSubmit')}
        </button>
      </form>
      <h2>{t(locale, 'imports.recent')}</h2>
      {imports.length === 0 ? (
        <p class="empty-state">{t(locale, 'imports.recentEmpty')}</p>
      ) : (
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">{t(locale, 'imports.col.id')}</th>
              <th scope="col">{t(locale, 'imports.col.file')}</th>
              <th scope="col">{t(locale, 'imports.col.source')}</th>
              <th scope="col">{t(locale, 'imports.col.status')}</th>
              <th scope="col">{t(locale, 'imports.col.stored')}</th>
              <th scope="col">{t(locale, 'imports.col.skipped')}</th>
              <th scope="col">{t(locale, 'imports.col.errors')}</th>
              <th scope="col">{t(locale, 'imports.col.created')}</th>
            </tr>
          </thead>
          <tbody>
            {imports.map((record) => (
              <tr>
                <td data-label={t(locale, 'imports.col.id')}>
                  <a href={`/imports/${record.id}`}>#{record.id}</a>
                </td>
                <td data-label={t(locale, 'imports.col.file')} class="break">
                  {record.filename}
                </td>
                <td data-label={t(locale, 'imports.col.source')}>{record.sourceName}</td>
                <td data-label={t(locale, 'imports.col.status')}>{statusText(locale, record.status)}</td>
                <td data-label={t(locale, 'imports.col.stored')}>{record.stored}</td>
                <td data-label={t(locale, 'imports.col.skipped')}>{record.skipped}</td>
                <td data-label={t(locale, 'imports.col.errors')}>{rowErrorCount(record)}</td>
                <td data-label={t(locale, 'imports.col.created')}>{formatDate(record.createdAt, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

const DELIMITER_KEYS: Record<string, 'imports.delimiter.comma' | 'imports.delimiter.semicolon' | 'imports.delimiter.tab' | 'imports.delimiter.pipe'> = {
  ',': 'imports.delimiter.comma',
  ';': 'imports.delimiter.semicolon',
  '\t': 'imports.delimiter.tab',
  '|': 'imports.delimiter.pipe',
};

function encodingText(locale: Locale, preview: ImportPreview): string {
  return t(locale, `imports.encodingNote.${preview.encodingNote}`, {
    encoding: preview.encoding ?? '',
    count: preview.invalidSequences,
  });
}

function ErrorsTable({ locale, errors }: { locale: Locale; errors: readonly ImportRowError[] }) {
  if (errors.length === 0) return <p class="muted">{t(locale, 'imports.errors.none')}</p>;
  return (
    <table class="data-table">
      <thead>
        <tr>
          <th scope="col">{t(locale, 'imports.col.line')}</th>
          <th scope="col">{t(locale, 'imports.col.field')}</th>
          <th scope="col">{t(locale, 'imports.col.problem')}</th>
        </tr>
      </thead>
      <tbody>
        {errors.map((error) => (
          <tr>
            <td data-label={t(locale, 'imports.col.line')}>{error.line > 0 ? error.line : t(locale, 'imports.wholeFile')}</td>
            <td data-label={t(locale, 'imports.col.field')}>
              {error.field && (IMPORT_FIELDS as readonly string[]).includes(error.field)
                ? t(locale, `imports.field.${error.field as ImportField}`)
                : t(locale, 'common.none')}
            </td>
            <td data-label={t(locale, 'imports.col.problem')}>{importErrorText(locale, error.code)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Props of ImportPreviewPage. */
export interface ImportPreviewPageProps {
  user: SessionUser;
  locale: Locale;
  filename: string;
  sourceName: string;
  /** Names the uploaded file kept on the server until the import starts. */
  token: string;
  preview: ImportPreview;
  /** The mapping to show selected: the one submitted, else the suggestion. */
  mapping?: Partial<Record<ImportField, number | null>>;
  error?: string;
}

/** Returns how the file reads, its first rows, and the column mapping form that starts the import. */
export function ImportPreviewPage({ user, locale, filename, sourceName, token, preview, mapping, error }: ImportPreviewPageProps) {
  const chosen = mapping ?? preview.suggestedMapping;
  return (
    <Layout title={t(locale, 'imports.preview.title', { filename })} user={user} locale={locale} backPath="/imports">
      <h1 class="break">{t(locale, 'imports.preview.title', { filename })}</h1>
      <ErrorAlert locale={locale} code={error} />
      <dl class="details card">
        <dt>{t(locale, 'imports.preview.format')}</dt>
        <dd>{preview.format.toUpperCase()}</dd>
        <dt>{t(locale, 'imports.preview.encoding')}</dt>
        <dd>{encodingText(locale, preview)}</dd>
        {preview.delimiter !== null && (
          <>
            <dt>{t(locale, 'imports.preview.delimiter')}</dt>
            <dd>{DELIMITER_KEYS[preview.delimiter] ? t(locale, DELIMITER_KEYS[preview.delimiter]!) : preview.delimiter}</dd>
          </>
        )}
      </dl>
      {preview.encodingNote === 'utf8_with_errors' && (
        <p class="alert alert-error" role="alert">
          {encodingText(locale, preview)}
        </p>
      )}
      <p>{t(locale, 'imports.preview.rows', { count: preview.totalRows, shown: preview.rows.length })}</p>
      <form class="stack-form card" method="post" action="/imports">
        <h2>{t(locale, 'imports.mapping.title')}</h2>
        <p class="muted">{t(locale, 'imports.mapping.intro')}</p>
        <input type="hidden" name="token" value={token} />
        <input type="hidden" name="filename" value={filename} />
        <label for="import-source">{t(locale, 'imports.source')}</label>
        <input id="import-source" name="sourceName" type="text" maxlength={200} value={sourceName} />
        {IMPORT_FIELDS.map((field) => (
          <>
            <label for={`map-${field}`}>{t(locale, `imports.field.${field}`)}</label>
            <select id={`map-${field}`} name={`map_${field}`} required={field === 'content'}>
              {field !== 'content' && <option value="">{t(locale, 'imports.mapping.none')}</option>}
              {preview.headers.map((header, index) => (
                <option value={String(index)} selected={chosen[field] === index}>
                  {`${index + 1}. ${header || t(locale, 'common.none')}`}
                </option>
              ))}
            </select>
          </>
        ))}
        <div class="form-actions">
          <button type="submit" class="button button-primary">
            {t(locale, 'imports.start')}
          </button>
          <a class="button" href="/imports">
            {t(locale, 'imports.chooseAnother')}
          </a>
        </div>
      </form>
      <div class="table-scroll">
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">{t(locale, 'imports.col.line')}</th>
              {preview.headers.map((header) => (
                <th scope="col">{header}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((row) => (
              <tr>
                <td data-label={t(locale, 'imports.col.line')}>{row.line}</td>
                {preview.headers.map((header, index) => (
                  <td data-label={header} class="preserve">
                    {row.cells[index] ?? ''}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {preview.parseErrors.length > 0 && (
        <>
          <h2>{t(locale, 'imports.errors.title')}</h2>
          <p>{t(locale, 'imports.preview.parseErrors', { count: preview.parseErrors.length })}</p>
          <ErrorsTable locale={locale} errors={preview.parseErrors} />
        </>
      )}
    </Layout>
  );
}

/** Props of ImportProgressPage. */
export interface ImportProgressPageProps {
  user: SessionUser;
  locale: Locale;
  record: ImportRecord;
}

/** Returns one import's progress bar, its outcome and its per-row errors; reloads itself while running. */
export function ImportProgressPage({ user, locale, record }: ImportProgressPageProps) {
  const running = record.status === 'pending' || record.status === 'running';
  const total = Math.max(record.totalRows, 1);
  const storing = record.status === 'running' && record.processedRows >= record.totalRows;
  return (
    <Layout title={t(locale, 'imports.progress.title', { id: record.id, filename: record.filename })} user={user} locale={locale}>
      {/* A pragma, not a script: the strict CSP allows it, and it stops once the import ends. */}
      {running && <meta http-equiv="refresh" content="2" />}
      <h1 class="break">{t(locale, 'imports.progress.title', { id: record.id, filename: record.filename })}</h1>
      <dl class="details card">
        <dt>{t(locale, 'imports.col.source')}</dt>
        <dd>{record.sourceName}</dd>
        <dt>{t(locale, 'imports.col.status')}</dt>
        <dd>{statusText(locale, record.status)}</dd>
        <dt>{t(locale, 'imports.col.created')}</dt>
        <dd>{formatDate(record.createdAt, locale)}</dd>
      </dl>
      <label for="import-progress">{t(locale, 'imports.progress.label')}</label>
      {/* The count is said once, in the line below; the bar points at it rather than repeating it. */}
      <progress id="import-progress" class="progress" max={total} value={Math.min(record.processedRows, total)} aria-describedby="import-progress-count" />
      <p id="import-progress-count" aria-live="polite">
        {t(locale, 'imports.progress.count', { processed: record.processedRows, total: record.totalRows })}
        {storing && <> — {t(locale, 'imports.progress.storing')}</>}
      </p>
      {running && <p class="muted">{t(locale, 'imports.progress.refresh')}</p>}
      {record.status === 'done' && (
        <p class="alert alert-ok" role="status">
          {t(locale, 'imports.summary.done', { stored: record.stored, skipped: record.skipped, errors: rowErrorCount(record) })}
        </p>
      )}
      {record.status === 'failed' && (
        <p class="alert alert-error" role="alert">
          {t(locale, 'imports.summary.failed')}
        </p>
      )}
      {record.status === 'done' && (
        <p>
          <a href={`/items?source=${record.sourceId}&status=all`}>{t(locale, 'imports.viewItems')}</a>
        </p>
      )}
      {!running && (
        <>
          <h2>{t(locale, 'imports.errors.title')}</h2>
          <ErrorsTable locale={locale} errors={record.errors} />
        </>
      )}
      <p>
        <a href="/imports">{t(locale, 'imports.back')}</a>
      </p>
    </Layout>
  );
}
