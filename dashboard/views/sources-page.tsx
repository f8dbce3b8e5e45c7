// Sources and their health, a fetch-now button per source, the add-source form, and the edit page of one source.
import { httpStatusOf, isReceivedSource, type RefreshResult, type Source, type SourceFieldError, type SourcePreviewResult } from '../../src/domain/source.ts';
import { sourceState } from '../../src/domain/source-state.ts';
import { TRIAGE_ROLES, type SessionUser } from '../../src/domain/user.ts';
import { fetchErrorText, formatDate, hasMessage, t, type Locale } from '../i18n/messages.ts';
import { Layout } from './layout.tsx';

/** The outcome of the last action on the sources page, shown once above the table. */
export type SourcesFlash =
  | { kind: 'refreshed'; result: RefreshResult }
  | { kind: 'created'; name: string }
  /** "Fetch now" asked of a source with nothing to fetch (a form or an import). */
  | { kind: 'not_fetchable'; name: string };

/** Props of SourcesPage. */
export interface SourcesPageProps {
  user: SessionUser;
  locale: Locale;
  sources: readonly Source[];
  canManage: boolean;
  flash?: SourcesFlash;
  /** What was typed into the add form, shown again with its preview or error. */
  form?: SourceFormValues;
  /** The add form's problems, each shown next to its field. */
  errors?: readonly SourceFieldError[];
  /** What the typed source would yield, stored nowhere. */
  preview?: SourcePreviewResult;
  /** For sources that are not fetched (forms, imports): when each last received an item. */
  lastItemAt?: ReadonlyMap<number, Date>;
}

// Friendly words for the HTTP statuses staff meet most; any 5xx is the site's own trouble.
function httpStatusGroup(status: number): string | null {
  if ([401, 403, 404, 410, 429].includes(status)) return String(status);
  return status >= 500 && status <= 599 ? '5xx' : null;
}

/**
 * Returns the Vietnamese (or English) summary of a fetch error: the catalogue text of its code,
 * with the HTTP status and what it means when the server answered one ("… HTTP 404 (không tìm thấy trang)").
 */
export function sourceErrorText(locale: Locale, code: string, message: string | null | undefined): string {
  const status = httpStatusOf(code, message);
  if (status === null) return fetchErrorText(locale, code);
  const group = httpStatusGroup(status);
  const meaning = group ? `fetchError.httpMeaning.${group}` : '';
  return hasMessage(meaning)
    ? t(locale, 'fetchError.httpStatusMeaning', { status, meaning: t(locale, meaning) })
    : t(locale, 'fetchError.httpStatusCode', { status });
}

/** Returns what staff can do about a fetch error, in the page's language. */
export function sourceErrorHint(locale: Locale, code: string, message: string | null | undefined): string {
  const status = httpStatusOf(code, message);
  const group = status === null ? code : httpStatusGroup(status) === '410' ? '404' : (httpStatusGroup(status) ?? 'other');
  const key = `fetchError.hint.${group}`;
  return t(locale, hasMessage(key) ? key : 'fetchError.hint.other');
}

/** Returns the flash message text for an action's outcome. */
export function flashText(locale: Locale, flash: SourcesFlash): string {
  switch (flash.kind) {
    case 'created':
      return t(locale, 'flash.created', { name: flash.name });
    case 'not_fetchable':
      return t(locale, 'flash.notFetchable', { name: flash.name });
    case 'refreshed': {
      const { result } = flash;
      if (result.status === 'not_modified') return t(locale, 'flash.refreshNotModified');
      if (result.status === 'skipped') return t(locale, 'flash.refreshSkipped');
      if (result.status === 'error') {
        // The collector's own English message is shown apart, folded (TechnicalDetail).
        const error = result.error ? sourceErrorText(locale, result.error.code, result.error.message) : t(locale, 'common.none');
        return t(locale, 'flash.refreshError', { error });
      }
      return t(locale, 'flash.refreshOk', {
        fetched: result.fetched,
        stored: result.stored,
        skipped: result.skipped,
        failed: result.failedEntries,
      });
    }
  }
}

/** The collector's own message, English and technical: folded away, still there to copy for support. */
function TechnicalDetail({ detail, locale }: { detail: string; locale: Locale }) {
  return (
    <details class="error-detail">
      <summary>{t(locale, 'sources.technicalDetail')}</summary>
      <code class="error-message">{detail}</code>
    </details>
  );
}

function flashClass(flash: SourcesFlash): string {
  const failed = (flash.kind === 'refreshed' && flash.result.status === 'error') || flash.kind === 'not_fetchable';
  return failed ? 'alert alert-error' : 'alert alert-ok';
}

// A form or import source is not fetched: its health is when it last received an item.
function ReceivedHealth({ source, locale, lastItemAt }: { source: Source; locale: Locale; lastItemAt: Date | null }) {
  if (!source.enabled) return <span class="badge health-disabled">{t(locale, 'health.disabled')}</span>;
  return (
    <>
      <span class="badge health-received">{t(locale, 'health.received')}</span>
      <span class="muted">
        {' · '}
        {lastItemAt ? t(locale, 'health.lastReceived', { date: formatDate(lastItemAt, locale) }) : t(locale, 'health.noneReceived')}
      </span>
    </>
  );
}

function Health({ source, locale, lastItemAt = null }: { source: Source; locale: Locale; lastItemAt?: Date | null }) {
  if (isReceivedSource(source)) return <ReceivedHealth source={source} locale={locale} lastItemAt={lastItemAt} />;
  const state = sourceState(source, new Date());
  const failing = source.consecutiveFailures > 0 && (
    <span class="muted"> {t(locale, 'health.failing', { count: source.consecutiveFailures })}</span>
  );
  switch (state) {
    case 'disabled':
      return <span class="badge health-disabled">{t(locale, 'health.disabled')}</span>;
    case 'paused':
      return (
        <>
          <span class="badge health-paused">{t(locale, 'health.paused')}</span>
          {failing}
        </>
      );
    case 'degraded':
      return (
        <>
          <span class="badge health-failing">{t(locale, 'health.degraded')}</span>
          {failing}
        </>
      );
    case 'never_fetched':
      return <span class="badge health-never">{t(locale, 'health.never')}</span>;
    default:
      return (
        <>
          <span class="badge health-ok">{t(locale, 'health.ok')}</span>
          {failing}
        </>
      );
  }
}

function LastError({ source, locale }: { source: Source; locale: Locale }) {
  if (!source.lastErrorCode && !source.lastError) return <>{t(locale, 'common.none')}</>;
  return (
    <>
      {source.lastErrorCode && (
        <>
          <strong class="error-code">{sourceErrorText(locale, source.lastErrorCode, source.lastError)}</strong>
          <div class="error-hint">{sourceErrorHint(locale, source.lastErrorCode, source.lastError)}</div>
        </>
      )}
      {source.lastError && <TechnicalDetail detail={source.lastError} locale={locale} />}
      {source.lastErrorAt && (
        <span class="muted time">{formatDate(source.lastErrorAt, locale)}</span>
      )}
    </>
  );
}

// Only kinds that are fetched from a URL can be fetched on demand.
function isFetchable(source: Source): boolean {
  return (source.kind === 'rss' || source.kind === 'html') && Boolean(source.url);
}

// The on/off switch: one button that turns the source the other way.
function EnableToggle({ source, locale, next }: { source: Source; locale: Locale; next: 'list' | 'edit' }) {
  return (
    <form method="post" action={`/sources/${source.id}/enabled`} class="sources-edit-toggle">
      <input type="hidden" name="enabled" value={source.enabled ? 'false' : 'true'} />
      <input type="hidden" name="next" value={next} />
      <button type="submit" class="button">
        {t(locale, source.enabled ? 'sourcesEdit.disable' : 'sourcesEdit.enable')}
      </button>
    </form>
  );
}

function SourceRow({
  source,
  locale,
  canManage,
  canFetch,
  lastItemAt,
}: {
  source: Source;
  locale: Locale;
  canManage: boolean;
  canFetch: boolean;
  lastItemAt: Date | null;
}) {
  return (
    <tr class={source.consecutiveFailures > 0 ? 'source-row source-failing' : 'source-row'}>
      <td data-label={t(locale, 'sources.col.kind')}>{t(locale, `sourceKind.${source.kind}`)}</td>
      <td data-label={t(locale, 'sources.col.name')}>{source.name}</td>
      <td class="break" data-label={t(locale, 'sources.col.url')}>
        <code>{source.url ?? t(locale, 'common.none')}</code>
      </td>
      <td data-label={t(locale, 'sources.col.enabled')}>
        {t(locale, source.enabled ? 'common.yes' : 'common.no')}
      </td>
      <td data-label={t(locale, 'sources.col.health')}>
        <Health source={source} locale={locale} lastItemAt={lastItemAt} />
      </td>
      <td data-label={t(locale, 'sources.col.lastSuccess')}>
        {formatDate(source.lastSuccessAt, locale)}
      </td>
      <td class="cell-error" data-label={t(locale, 'sources.col.lastError')}>
        <LastError source={source} locale={locale} />
      </td>
      <td data-label={t(locale, 'sources.col.nextTry')}>{formatDate(source.nextFetchAt, locale)}</td>
      <td data-label={t(locale, 'sources.col.actions')}>
        {canManage && (
          <>
            <a class="button" href={`/sources/${source.id}`}>
              {t(locale, 'sourcesEdit.edit')}
            </a>
            <EnableToggle source={source} locale={locale} next="list" />
          </>
        )}
        {canFetch && isFetchable(source) && (
          <form method="post" action={`/sources/${source.id}/fetch`}>
            <button type="submit" class="button">
              {t(locale, 'sources.fetchNow')}
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}

/** What the add-source form holds: what was typed, to show again with a preview or an error. */
export interface SourceFormValues {
  kind: 'rss' | 'html';
  name: string;
  url: string;
  selectors?: Record<string, string>;
}

const SELECTOR_FIELDS = ['item', 'link', 'title', 'date', 'body'] as const;

// Preview text arrives with &, < and > as entities (the conformance format); show it as typed.
function plain(text: string | null): string {
  return (text ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function PreviewResultView({ preview, locale }: { preview: SourcePreviewResult; locale: Locale }) {
  // The collector's own message is English and technical: staff see the catalogue text only.
  if ('error' in preview) {
    return (
      <div class="alert alert-error" role="alert">
        <p>{t(locale, 'sources.preview.failed', { error: sourceErrorText(locale, preview.error.code, preview.error.message) })}</p>
        <p>{sourceErrorHint(locale, preview.error.code, preview.error.message)}</p>
        {preview.error.message && <TechnicalDetail detail={preview.error.message} locale={locale} />}
      </div>
    );
  }
  return (
    <div class="source-preview" role="status">
      <p>
        {t(locale, 'sources.preview.found', { count: preview.items.length, title: plain(preview.feed.title) || '—' })}
      </p>
      <ol>
        {preview.items.slice(0, 20).map((item) => (
          <li>
            <strong>{plain(item.title) || t(locale, 'items.noTitle')}</strong>
            {item.published && <span class="muted"> · {formatDate(new Date(item.published), locale)}</span>}
            {item.link && <div class="muted break">{item.link}</div>}
          </li>
        ))}
      </ol>
    </div>
  );
}

function AddSourceForm({
  locale,
  form,
  errors,
  preview,
}: {
  locale: Locale;
  form?: SourceFormValues;
  errors: readonly SourceFieldError[];
  preview?: SourcePreviewResult;
}) {
  const values: SourceFormValues = form ?? { kind: 'rss', name: '', url: '' };
  const name = fieldOf(errors, 'name', 'source-name');
  const url = fieldOf(errors, 'url', 'source-url');
  return (
    <section class="card" aria-labelledby="add-source-heading">
      <h2 id="add-source-heading">{t(locale, 'sources.add.heading')}</h2>
      <InvalidAlert errors={errors} locale={locale} />
      {preview && <PreviewResultView preview={preview} locale={locale} />}
      <form class="stack-form" method="post" action="/sources">
        <label for="source-kind">{t(locale, 'sources.add.kind')}</label>
        <select id="source-kind" name="kind">
          <option value="rss" selected={values.kind === 'rss'}>
            {t(locale, 'sourceKind.rss')}
          </option>
          <option value="html" selected={values.kind === 'html'}>
            {t(locale, 'sourceKind.html')}
          </option>
        </select>
        <label for="source-name">{t(locale, 'sources.add.name')}</label>
        <input id="source-name" name="name" type="text" maxlength={200} value={values.name} {...name.attrs} />
        <FieldErrors id="source-name-error" errors={name.own} locale={locale} />
        <label for="source-url">{t(locale, 'sources.add.url')}</label>
        <input id="source-url" name="url" type="url" required inputmode="url" pattern="https?://.+" placeholder="https://" value={values.url} {...url.attrs} />
        <FieldErrors id="source-url-error" errors={url.own} locale={locale} />
        <fieldset class="selectors">
          <legend>{t(locale, 'sources.add.selectors')}</legend>
          <p class="muted">{t(locale, 'sources.add.selectorsHint')}</p>
          <FieldErrors id="selectors-error" errors={errors.filter((error) => error.field === 'selectors')} locale={locale} />
          {SELECTOR_FIELDS.map((key) => {
            const selector = fieldOf(errors, `selectors.${key}`, `selector-${key}`);
            return (
              <>
                <label for={`selector-${key}`}>{t(locale, `sources.selector.${key}`)}</label>
                <input id={`selector-${key}`} name={`selector_${key}`} type="text" maxlength={300} value={values.selectors?.[key] ?? ''} {...selector.attrs} />
                <FieldErrors id={`selector-${key}-error`} errors={selector.own} locale={locale} />
              </>
            );
          })}
        </fieldset>
        <div class="form-actions">
          <button type="submit" class="button" formaction="/sources/preview">
            {t(locale, 'sources.add.preview')}
          </button>
          <button type="submit" class="button button-primary">
            {t(locale, 'sources.add.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Returns the sources page: health table, fetch-now buttons, flash, and the add form if allowed. */
export function SourcesPage({ user, locale, sources, canManage, flash, form, errors = [], preview, lastItemAt }: SourcesPageProps) {
  // The same roles as POST /sources/:id/fetch: a leader reads, and sees no button that would refuse.
  const canFetch = TRIAGE_ROLES.includes(user.role);
  return (
    <Layout title={t(locale, 'sources.title')} user={user} locale={locale} section="sources" backPath="/sources">
      <h1>{t(locale, 'sources.title')}</h1>
      {flash && (
        <div class={flashClass(flash)} role="status">
          <p>{flashText(locale, flash)}</p>
          {flash.kind === 'refreshed' && flash.result.error && (
            <>
              <p>{sourceErrorHint(locale, flash.result.error.code, flash.result.error.message)}</p>
              <TechnicalDetail detail={flash.result.error.message} locale={locale} />
            </>
          )}
        </div>
      )}
      {sources.length === 0 ? (
        <p class="empty-state">{t(locale, 'sources.empty')}</p>
      ) : (
        <table class="source-table">
          <thead>
            <tr>
              <th scope="col">{t(locale, 'sources.col.kind')}</th>
              <th scope="col">{t(locale, 'sources.col.name')}</th>
              <th scope="col">{t(locale, 'sources.col.url')}</th>
              <th scope="col">{t(locale, 'sources.col.enabled')}</th>
              <th scope="col">{t(locale, 'sources.col.health')}</th>
              <th scope="col">{t(locale, 'sources.col.lastSuccess')}</th>
              <th scope="col">{t(locale, 'sources.col.lastError')}</th>
              <th scope="col">{t(locale, 'sources.col.nextTry')}</th>
              <th scope="col">{t(locale, 'sources.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {sources.map((source) => (
              <SourceRow source={source} locale={locale} canManage={canManage} canFetch={canFetch} lastItemAt={lastItemAt?.get(source.id) ?? null} />
            ))}
          </tbody>
        </table>
      )}
      {canManage && <AddSourceForm locale={locale} form={form} errors={errors} preview={preview} />}
    </Layout>
  );
}

/** A problem with one field of the edit form. */
export type { SourceFieldError };

/** What the edit form holds, as typed; the interval in minutes. */
export interface SourceEditValues {
  name: string;
  url: string;
  enabled: boolean;
  pollIntervalMinutes: string;
  selectors?: Record<string, string>;
}

/** Props of SourceEditPage. */
export interface SourceEditPageProps {
  user: SessionUser;
  locale: Locale;
  source: Source;
  values: SourceEditValues;
  errors: readonly SourceFieldError[];
  /** What the typed address and selectors would yield, stored nowhere. */
  preview?: SourcePreviewResult;
  saved: boolean;
  /** For a form or import source: when it last received an item. */
  lastItemAt?: Date | null;
}

const FIELD_ERROR_CODES = new Set([
  'empty',
  'too_small',
  'too_big',
  'invalid_type',
  'blocked_address',
  'not_allowed',
  'xpath',
  'too_long',
  'unsupported',
  'duplicate',
]);

/** Returns the text of a field error in the locale. */
export function fieldErrorText(locale: Locale, error: SourceFieldError): string {
  if (error.field === 'pollIntervalSeconds' && error.code !== 'not_allowed') return t(locale, 'sourcesEdit.error.interval');
  if (error.field === 'url' && !['blocked_address', 'not_allowed', 'duplicate'].includes(error.code)) return t(locale, 'sourcesEdit.error.url');
  const code = FIELD_ERROR_CODES.has(error.code) ? error.code : 'invalid';
  return t(locale, `sourcesEdit.error.${code}` as 'sourcesEdit.error.invalid');
}

function FieldErrors({ id, errors, locale }: { id: string; errors: readonly SourceFieldError[]; locale: Locale }) {
  if (errors.length === 0) return <></>;
  return (
    <p id={id} class="sources-edit-field-error">
      {errors.map((error) => fieldErrorText(locale, error)).join(' ')}
    </p>
  );
}

// A field's own errors, and the attributes that mark its input and point at them (`${id}-error`).
function fieldOf(errors: readonly SourceFieldError[], field: string, id: string) {
  const own = errors.filter((error) => error.field === field);
  return { own, attrs: own.length ? { 'aria-invalid': 'true', 'aria-describedby': `${id}-error` } : {} };
}

const FIELDS = ['name', 'url', 'pollIntervalSeconds', 'enabled', 'selectors'];

// "Not saved", with the problems no field shows.
function InvalidAlert({ errors, locale }: { errors: readonly SourceFieldError[]; locale: Locale }) {
  if (errors.length === 0) return <></>;
  const general = errors.filter((error) => !FIELDS.includes(error.field.split('.')[0]!));
  return (
    <p class="alert alert-error" role="alert">
      {t(locale, 'sourcesEdit.invalid')} {general.map((error) => fieldErrorText(locale, error)).join(' ')}
    </p>
  );
}

/** Returns the edit page of one source: its health, the form, a preview of the typed address, the on/off switch. */
export function SourceEditPage({ user, locale, source, values, errors, preview, saved, lastItemAt = null }: SourceEditPageProps) {
  const fetchable = source.kind === 'rss' || source.kind === 'html';
  const name = fieldOf(errors, 'name', 'source-edit-name');
  const url = fieldOf(errors, 'url', 'source-edit-url');
  const interval = fieldOf(errors, 'pollIntervalSeconds', 'source-edit-interval');
  const title = t(locale, 'sourcesEdit.title', { name: source.name });
  return (
    <Layout title={title} user={user} locale={locale} section="sources" backPath={`/sources/${source.id}`}>
      <p>
        <a href="/sources">{t(locale, 'sourcesEdit.back')}</a>
      </p>
      <h1>{title}</h1>
      {saved && (
        <p class="alert alert-ok" role="status">
          {t(locale, 'sourcesEdit.saved')}
        </p>
      )}
      <InvalidAlert errors={errors} locale={locale} />
      <section class="card sources-edit-health" aria-labelledby="source-health-heading">
        <h2 id="source-health-heading">{t(locale, 'sources.col.health')}</h2>
        <dl>
          <dt>{t(locale, 'sources.col.kind')}</dt>
          <dd>{t(locale, `sourceKind.${source.kind}`)}</dd>
          <dt>{t(locale, 'sources.col.health')}</dt>
          <dd>
            <Health source={source} locale={locale} lastItemAt={lastItemAt} />
          </dd>
          {fetchable && (
            <>
              <dt>{t(locale, 'sources.col.lastSuccess')}</dt>
              <dd>{formatDate(source.lastSuccessAt, locale)}</dd>
              <dt>{t(locale, 'sources.col.lastError')}</dt>
              <dd class="cell-error">
                <LastError source={source} locale={locale} />
              </dd>
              <dt>{t(locale, 'sources.col.nextTry')}</dt>
              <dd>{formatDate(source.nextFetchAt, locale)}</dd>
            </>
          )}
        </dl>
        <EnableToggle source={source} locale={locale} next="edit" />
      </section>
      <section class="card" aria-labelledby="source-edit-heading">
        <h2 id="source-edit-heading">{t(locale, 'sourcesEdit.heading')}</h2>
        {preview && (
          <>
            <p class="muted">{t(locale, 'sourcesEdit.previewNotSaved')}</p>
            <PreviewResultView preview={preview} locale={locale} />
          </>
        )}
        <form class="stack-form sources-edit-form" method="post" action={`/sources/${source.id}`}>
          <label for="source-edit-name">{t(locale, 'sources.add.name')}</label>
          <input id="source-edit-name" name="name" type="text" maxlength={200} required value={values.name} {...name.attrs} />
          <FieldErrors id="source-edit-name-error" errors={name.own} locale={locale} />
          {fetchable ? (
            <>
              <label for="source-edit-url">{t(locale, 'sources.add.url')}</label>
              <input id="source-edit-url" name="url" type="url" required inputmode="url" placeholder="https://" value={values.url} {...url.attrs} />
              <FieldErrors id="source-edit-url-error" errors={url.own} locale={locale} />
              <p class="muted">{t(locale, 'sourcesEdit.urlHint')}</p>
            </>
          ) : (
            <p class="muted">{t(locale, 'sourcesEdit.noUrl')}</p>
          )}
          {fetchable ? (
            <>
              <label for="source-edit-interval">{t(locale, 'sourcesEdit.interval')}</label>
              <input id="source-edit-interval" name="poll_interval_minutes" type="number" min={1} max={10080} step={1} required value={values.pollIntervalMinutes} {...interval.attrs} />
              <FieldErrors id="source-edit-interval-error" errors={interval.own} locale={locale} />
              <label class="sources-edit-check">
                <input type="checkbox" name="enabled" value="on" checked={values.enabled} /> {t(locale, 'sourcesEdit.enabled')}
              </label>
            </>
          ) : (
            <p class="muted">{t(locale, 'sourcesEdit.receivedHint')}</p>
          )}
          {source.kind === 'html' && (
            <fieldset class="selectors">
              <legend>{t(locale, 'sources.add.selectors')}</legend>
              <p class="muted">{t(locale, 'sources.add.selectorsHint')}</p>
              <FieldErrors id="source-edit-selectors-error" errors={errors.filter((error) => error.field === 'selectors')} locale={locale} />
              {SELECTOR_FIELDS.map((key) => {
                const id = `source-edit-selector-${key}`;
                const selector = fieldOf(errors, `selectors.${key}`, id);
                return (
                  <>
                    <label for={id}>{t(locale, `sources.selector.${key}`)}</label>
                    <input id={id} name={`selector_${key}`} type="text" maxlength={300} value={values.selectors?.[key] ?? ''} {...selector.attrs} />
                    <FieldErrors id={`${id}-error`} errors={selector.own} locale={locale} />
                  </>
                );
              })}
            </fieldset>
          )}
          <div class="form-actions">
            {fetchable && (
              <button type="submit" class="button" formaction={`/sources/${source.id}/preview`}>
                {t(locale, 'sourcesEdit.preview')}
              </button>
            )}
            <button type="submit" class="button button-primary">
              {t(locale, 'sourcesEdit.save')}
            </button>
          </div>
        </form>
      </section>
    </Layout>
  );
}
