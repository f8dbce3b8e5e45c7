// Sources and their health, a fetch-now button per source, and the add-source form.
import type { RefreshResult, Source } from '../../src/domain/source.ts';
import { sourceState } from '../../src/domain/source-state.ts';
import type { SessionUser } from '../../src/domain/user.ts';
import { apiErrorText, fetchErrorText, formatDate, t, type Locale } from '../i18n/messages.ts';
import { Layout } from './layout.tsx';

/** The outcome of the last action on the sources page, shown once above the table. */
export type SourcesFlash =
  | { kind: 'refreshed'; result: RefreshResult }
  | { kind: 'created'; name: string }
  /** `code` is an API error code such as `validation_failed`. */
  | { kind: 'error'; code: string };

/** Props of SourcesPage. */
export interface SourcesPageProps {
  user: SessionUser;
  locale: Locale;
  sources: readonly Source[];
  canManage: boolean;
  flash?: SourcesFlash;
}

/** Returns the flash message text for an action's outcome. */
export function flashText(locale: Locale, flash: SourcesFlash): string {
  switch (flash.kind) {
    case 'created':
      return t(locale, 'flash.created', { name: flash.name });
    case 'error':
      return t(locale, 'flash.error', { error: apiErrorText(locale, flash.code) });
    case 'refreshed': {
      const { result } = flash;
      if (result.status === 'not_modified') return t(locale, 'flash.refreshNotModified');
      if (result.status === 'skipped') return t(locale, 'flash.refreshSkipped');
      if (result.status === 'error') {
        const error = result.error
          ? `${fetchErrorText(locale, result.error.code)} — ${result.error.message}`
          : t(locale, 'common.none');
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

function flashClass(flash: SourcesFlash): string {
  const failed =
    flash.kind === 'error' || (flash.kind === 'refreshed' && flash.result.status === 'error');
  return failed ? 'alert alert-error' : 'alert alert-ok';
}

function Health({ source, locale }: { source: Source; locale: Locale }) {
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
        <strong class="error-code">{fetchErrorText(locale, source.lastErrorCode)}</strong>
      )}
      {source.lastError && <span class="error-message">{source.lastError}</span>}
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

function SourceRow({ source, locale }: { source: Source; locale: Locale }) {
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
        <Health source={source} locale={locale} />
      </td>
      <td data-label={t(locale, 'sources.col.lastSuccess')}>
        {formatDate(source.lastSuccessAt, locale)}
      </td>
      <td class="cell-error" data-label={t(locale, 'sources.col.lastError')}>
        <LastError source={source} locale={locale} />
      </td>
      <td data-label={t(locale, 'sources.col.nextTry')}>{formatDate(source.nextFetchAt, locale)}</td>
      <td data-label={t(locale, 'sources.col.actions')}>
        {isFetchable(source) && (
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

function AddSourceForm({ locale }: { locale: Locale }) {
  return (
    <section class="card" aria-labelledby="add-source-heading">
      <h2 id="add-source-heading">{t(locale, 'sources.add.heading')}</h2>
      <form class="stack-form" method="post" action="/sources">
        <input type="hidden" name="kind" value="rss" />
        <label for="source-name">{t(locale, 'sources.add.name')}</label>
        <input id="source-name" name="name" type="text" required maxlength={200} />
        <label for="source-url">{t(locale, 'sources.add.url')}</label>
        <input
          id="source-url"
          name="url"
          type="url"
          required
          inputmode="url"
          pattern="https?://.+"
          placeholder="https://"
        />
        <button type="submit" class="button button-primary">
          {t(locale, 'sources.add.submit')}
        </button>
      </form>
    </section>
  );
}

/** Returns the sources page: health table, fetch-now buttons, flash, and the add form if allowed. */
export function SourcesPage({ user, locale, sources, canManage, flash }: SourcesPageProps) {
  return (
    <Layout title={t(locale, 'sources.title')} user={user} locale={locale} section="sources">
      <h1>{t(locale, 'sources.title')}</h1>
      {flash && (
        <p class={flashClass(flash)} role="status">
          {flashText(locale, flash)}
        </p>
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
              <SourceRow source={source} locale={locale} />
            ))}
          </tbody>
        </table>
      )}
      {canManage && <AddSourceForm locale={locale} />}
    </Layout>
  );
}
