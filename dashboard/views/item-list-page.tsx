// The triage queue: filters, one row per item with why it was flagged, and paging.
import { LABELS, type Classification, type ExplanationSpan, type Label } from '../../src/domain/classification.ts';
import { DISMISS_REASONS, STATUS_FILTERS, type Item, type StatusFilter } from '../../src/domain/item.ts';
import type { SavedView } from '../../src/domain/saved-view.ts';
import { MAX_VIEW_NAME_LENGTH, MAX_VIEWS_PER_USER } from '../../src/domain/saved-view.ts';
import type { Source } from '../../src/domain/source.ts';
import type { SessionUser } from '../../src/domain/user.ts';
import { raw } from 'hono/html';
import { escapeToBuffer, type HtmlEscapedString } from 'hono/utils/html';
import { formatDate, t, type Locale } from '../i18n/messages.ts';
import { LabelBadges, StatusBadge, VerdictBadge } from './label-badges.tsx';
import { Layout } from './layout.tsx';

/** How the queue is ordered. */
export type ItemOrder = 'priority' | 'newest';

/** The queue's filters as the route parsed them from the query string. Dates are yyyy-mm-dd. */
export interface ItemFilters {
  status?: StatusFilter;
  label?: Label;
  sourceId?: number;
  q?: string;
  from?: string;
  to?: string;
  order?: ItemOrder;
  /** Only open items past their response deadline, earliest first. */
  overdue?: boolean;
  /** Rows a page holds, when the address asked for a number (the default otherwise): kept from page to page. */
  limit?: number;
}

/**
 * Where a page is among the queue's pages. Paging is by cursor (each page starts after the last row of
 * the page before, so triage between two pages neither skips nor repeats items), and a cursor only
 * points forward: the way back travels in the links, as the cursors of the pages before this one.
 */
export interface QueuePosition {
  /** 1 for the first page. */
  page: number;
  /** Where this page starts; none on page 1. */
  cursor?: string;
  /** The cursors of the pages before this one, oldest first, down to page 2 (page 1 has none); at most MAX_EARLIER_PAGES. */
  earlier: readonly string[];
  /** Rows a page holds (the range shown). */
  size: number;
}

/**
 * The most earlier pages' cursors a link carries (some 70 characters each): deeper than that, the
 * oldest are dropped so the address stays short, and "previous" stops where they end ("first" still works).
 */
export const MAX_EARLIER_PAGES = 20;

/** Joins the cursors in `prev`: never part of one (base64url). */
export const PREV_SEPARATOR = '.';

/** Returns the number of a page with a cursor, told by the cursors before it: page 2 has none. */
export function pageOfCursors(earlier: readonly string[]): number {
  return earlier.length + 2;
}

/** An item as the queue lists it: what its row shows (a whole Item will do), with its response deadline when it has one. */
export type QueueItem = Pick<Item, 'id' | 'title' | 'sourceName' | 'clusterSize' | 'publishedAt' | 'collectedAt' | 'labels' | 'status' | 'verdict'> & {
  classification: Pick<Classification, 'spans'> | null;
  dueAt?: Date | null;
};

/** A queue filter that was not valid: which field, and what was typed in it (shown again with the error). */
export interface QueueFilterError {
  field: string;
  value: string;
}

/** Props of ItemListPage. */
export interface ItemListPageProps {
  user: SessionUser;
  locale: Locale;
  items: readonly QueueItem[];
  filters: ItemFilters;
  nextCursor: string | null;
  /** Where the page is among the pages (page 1 unless given). */
  position?: QueuePosition;
  sources: readonly Pick<Source, 'id' | 'name'>[];
  /** How many open items are past their deadline (the overdue link); hidden when undefined. */
  overdueCount?: number;
  /** The instant deadlines are compared with. */
  now?: Date;
  /** Shows the row checkboxes and the bulk form. */
  canTriage?: boolean;
  /** What the last bulk change did: how many of how many items changed, `none` when nothing was selected, `reason` when a dismissal said no reason. */
  bulkResult?: { ok: number; total: number } | 'none' | 'reason';
  /** The longest search the server takes (the search box's maxlength). */
  maxSearchLength?: number;
  /** A search refused as too long, as typed: shown in the box with the error, the queue listed without it. */
  searchTooLong?: string;
  /** The signed-in person's saved views; the save form is shown when given. */
  savedViews?: readonly SavedView[];
  /** What the last save or delete of a view did. */
  viewFlash?: 'saved' | 'deleted' | 'name_taken' | 'too_many' | 'invalid';
  /** The view name typed in a refused save, shown again. */
  viewName?: string;
  /** Filters that were not valid, left out of the list: each is shown by its field with what was typed. */
  filterErrors?: readonly QueueFilterError[];
  /** The pager link was not one the pager wrote: page 1 is shown. */
  pageInvalid?: boolean;
}

/** The statuses the bulk form offers. */
const BULK_STATUSES = ['in_review', 'responded', 'escalated', 'dismissed', 'new'] as const;

/** How many matched words a row shows before summarising the rest as "+n more". */
const MAX_REASONS_PER_ROW = 6;

/** A page the pager links to: its cursor and the way back from it (see QueuePosition). */
type PageLink = Pick<QueuePosition, 'page' | 'cursor' | 'earlier'>;

/** Returns the query string (with `?`, or empty) for the filters, plus the page when given (page 1 has none). */
export function buildItemsQuery(filters: ItemFilters, at?: PageLink): string {
  const params = new URLSearchParams();
  if (filters.status) params.set('status', filters.status);
  if (filters.label) params.set('label', filters.label);
  if (filters.sourceId !== undefined) params.set('source', String(filters.sourceId));
  if (filters.q) params.set('q', filters.q);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  if (filters.order) params.set('order', filters.order);
  if (filters.overdue) params.set('overdue', 'true');
  if (filters.limit !== undefined) params.set('limit', String(filters.limit));
  if (at?.cursor) {
    params.set('cursor', at.cursor);
    if (at.earlier.length > 0) params.set('prev', at.earlier.join(PREV_SEPARATOR));
    // The page number goes in only when the cursors do not tell it (the oldest were dropped).
    if (at.page !== pageOfCursors(at.earlier)) params.set('page', String(at.page));
  }
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** Returns the page after, carrying this page's cursor back (the oldest dropped past MAX_EARLIER_PAGES). */
function nextPage(position: QueuePosition, nextCursor: string): PageLink {
  const earlier = position.cursor ? [...position.earlier, position.cursor].slice(-MAX_EARLIER_PAGES) : [];
  return { page: position.page + 1, cursor: nextCursor, earlier };
}

/** Returns the page before, or null when the way back was dropped (only "first" leads back then). */
function previousPage(position: QueuePosition): PageLink | null {
  if (position.page === 2) return { page: 1, earlier: [] };
  const cursor = position.earlier.at(-1);
  return cursor ? { page: position.page - 1, cursor, earlier: position.earlier.slice(0, -1) } : null;
}

function Pager({
  locale,
  filters,
  position,
  shown,
  nextCursor,
}: {
  locale: Locale;
  filters: ItemFilters;
  position: QueuePosition;
  shown: number;
  nextCursor: string | null;
}) {
  const { page } = position;
  if (page === 1 && !nextCursor) return null;
  const previous = page > 1 ? previousPage(position) : null;
  const from = (page - 1) * position.size + 1;
  return (
    <nav class="pager" aria-label={t(locale, 'items.pager')}>
      {/* "First" beside "previous" only where they differ (page 3 on), or alone when the way back was dropped. */}
      {page > 1 && (page > 2 || !previous) && (
        <a class="button" rel="first" href={`/items${buildItemsQuery(filters)}`}>
          « {t(locale, 'items.first')}
        </a>
      )}{' '}
      {previous && (
        <a class="button" rel="prev" href={`/items${buildItemsQuery(filters, previous)}`}>
          ← {t(locale, 'items.previous')}
        </a>
      )}{' '}
      <span class="pager-position">
        {shown > 0 ? t(locale, 'items.pageRange', { page, from, to: from + shown - 1 }) : t(locale, 'items.pageNumber', { page })}
      </span>{' '}
      {nextCursor && (
        <a class="button" rel="next" href={`/items${buildItemsQuery(filters, nextPage(position, nextCursor))}`}>
          {t(locale, 'items.next')} →
        </a>
      )}
    </nav>
  );
}

interface Reason {
  text: string;
  category: ExplanationSpan['category'];
}

/** Returns each distinct (category, matched words) pair once, in the order they first appear. */
export function distinctReasons(spans: readonly ExplanationSpan[]): Reason[] {
  const seen = new Set<string>();
  const reasons: Reason[] = [];
  for (const span of spans) {
    const text = span.text.trim();
    if (!text) continue;
    // Vietnamese has no locale-specific case mappings: toLowerCase is the same, and much cheaper.
    const key = `${span.category}\u0000${text.toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    reasons.push({ text, category: span.category });
  }
  return reasons;
}

function FilterForm({
  locale,
  filters,
  sources,
  maxSearchLength,
  searchTooLong,
  filterErrors = [],
}: Pick<ItemListPageProps, 'locale' | 'filters' | 'sources' | 'maxSearchLength' | 'searchTooLong' | 'filterErrors'>) {
  const any = t(locale, 'common.any');
  const errorOf = (field: string) => filterErrors.find((error) => error.field === field);
  const invalid = (field: string) => (errorOf(field) ? 'true' : undefined);
  const described = (field: string) => (errorOf(field) ? `filter-${field}-error` : undefined);
  const ErrorFor = ({ field }: { field: string }) => {
    const error = errorOf(field);
    if (!error) return null;
    return (
      <p class="field-error" id={`filter-${field}-error`}>
        {t(locale, field === 'from' || field === 'to' ? 'items.filter.dateInvalid' : 'items.filter.valueInvalid', { value: error.value })}
      </p>
    );
  };
  // A date that is not one stays in the box as typed: a date box would show it empty.
  const DateInput = ({ field }: { field: 'from' | 'to' }) => {
    const error = errorOf(field);
    return error ? (
      <input id={`filter-${field}`} name={field} type="text" value={error.value} placeholder="yyyy-mm-dd" aria-invalid="true" aria-describedby={described(field)} />
    ) : (
      <input id={`filter-${field}`} name={field} type="date" value={filters[field] ?? ''} />
    );
  };
  return (
    <form class="filters" method="get" action="/items" role="search" aria-label={t(locale, 'items.filters')}>
      <div class="field">
        <label for="filter-status">{t(locale, 'items.filter.status')}</label>
        <select id="filter-status" name="status" aria-invalid={invalid('status')} aria-describedby={described('status')}>
          {STATUS_FILTERS.map((status) => (
            <option value={status} selected={(filters.status ?? 'open') === status}>
              {t(locale, `status.${status}`)}
            </option>
          ))}
        </select>
        <ErrorFor field="status" />
      </div>
      <div class="field">
        <label for="filter-label">{t(locale, 'items.filter.label')}</label>
        <select id="filter-label" name="label" aria-invalid={invalid('label')} aria-describedby={described('label')}>
          <option value="">{any}</option>
          {LABELS.map((label) => (
            <option value={label} selected={filters.label === label}>
              {t(locale, `label.${label}`)}
            </option>
          ))}
        </select>
        <ErrorFor field="label" />
      </div>
      <div class="field">
        <label for="filter-source">{t(locale, 'items.filter.source')}</label>
        <select id="filter-source" name="source" aria-invalid={invalid('source')} aria-describedby={described('source')}>
          <option value="">{any}</option>
          {sources.map((source) => (
            <option value={String(source.id)} selected={filters.sourceId === source.id}>
              {source.name}
            </option>
          ))}
        </select>
        <ErrorFor field="source" />
      </div>
      <div class="field field-wide">
        <label for="filter-q">{t(locale, 'items.filter.q')}</label>
        <input
          id="filter-q"
          name="q"
          type="search"
          value={searchTooLong ?? filters.q ?? ''}
          maxlength={maxSearchLength}
          placeholder={t(locale, 'items.filter.qPlaceholder')}
          aria-invalid={searchTooLong !== undefined ? 'true' : undefined}
          aria-describedby={searchTooLong !== undefined ? 'filter-q-error' : undefined}
        />
        {searchTooLong !== undefined && (
          <p class="field-error" id="filter-q-error">
            {t(locale, 'items.filter.qTooLong', { max: maxSearchLength ?? 0 })}
          </p>
        )}
      </div>
      <div class="field">
        <label for="filter-from">{t(locale, 'items.filter.from')}</label>
        <DateInput field="from" />
        <ErrorFor field="from" />
      </div>
      <div class="field">
        <label for="filter-to">{t(locale, 'items.filter.to')}</label>
        <DateInput field="to" />
        <ErrorFor field="to" />
      </div>
      <div class="field">
        <label for="filter-order">{t(locale, 'items.filter.order')}</label>
        <select id="filter-order" name="order" aria-invalid={invalid('order')} aria-describedby={described('order')}>
          <option value="priority" selected={(filters.order ?? 'priority') === 'priority'}>
            {t(locale, 'items.order.priority')}
          </option>
          <option value="newest" selected={filters.order === 'newest'}>
            {t(locale, 'items.order.newest')}
          </option>
        </select>
        <ErrorFor field="order" />
      </div>
      {/* Fields the form has no box for (typed in the address): their error is said here. */}
      {filterErrors
        .filter((error) => error.field === 'overdue' || error.field === 'limit' || error.field === 'q')
        .map((error) => (
          <p class="field-error" id={`filter-${error.field}-error`}>
            {error.field}: {t(locale, 'items.filter.valueInvalid', { value: error.value })}
          </p>
        ))}
      <div class="field field-actions">
        <button type="submit" class="button button-primary">
          {t(locale, 'items.filter.apply')}
        </button>
        <a class="button button-quiet" href="/items">
          {t(locale, 'items.filter.reset')}
        </a>
      </div>
    </form>
  );
}

/** Returns the text with HTML's special characters escaped, exactly as `html` templates and JSX escape it. */
function escapeHtml(text: string): string {
  const buffer: [string] = [''];
  escapeToBuffer(text, buffer);
  return buffer[0];
}

/** Returns the markup of an escaped template that rendered synchronously (none of the queue's has async parts). */
function markupOf(rendered: HtmlEscapedString | Promise<HtmlEscapedString>): string {
  if (rendered instanceof Promise) throw new Error('item list: a badge rendered asynchronously');
  return String(rendered);
}

/** A message with `{name}` placeholders split once: filling it gives what t() gives with the same params. */
type Filler = (params: Readonly<Record<string, string | number>>) => string;

function compileMessage(template: string): Filler {
  // The same pattern as t(): even parts are text, odd parts placeholder names, in one pass.
  const parts = template.split(/\{(\w+)\}/);
  return (params) => {
    let text = parts[0]!;
    for (let i = 1; i < parts.length; i += 2) {
      const name = parts[i]!;
      text += (Object.hasOwn(params, name) ? String(params[name]) : `{${name}}`) + parts[i + 1]!;
    }
    return text;
  };
}

/**
 * What every row of a locale repeats, looked up once rather than once per row: the column names
 * (escaped), the messages with placeholders (split once), and the badges, whose markup depends on
 * the locale and the value only (rendered by the shared badge components, then kept).
 */
interface RowTexts {
  cols: { labels: string; title: string; source: string; time: string; status: string; why: string };
  noTitle: string;
  select: Filler;
  clusterSize: Filler;
  published: Filler;
  collected: Filler;
  dueAt: Filler;
  moreReasons: Filler;
  overdueMark: string;
  noReasons: string;
  badges: Map<string, string>;
  categoryTitles: Map<string, string>;
}

/** Badge markup kept per locale; the values are few (labels, statuses, verdicts), this only bounds odd data. */
const MAX_KEPT_BADGES = 512;
const rowTextsByLocale = new Map<Locale, RowTexts>();

function rowTextsOf(locale: Locale): RowTexts {
  let texts = rowTextsByLocale.get(locale);
  if (texts) return texts;
  const message = (key: Parameters<typeof t>[1]) => compileMessage(t(locale, key));
  texts = {
    cols: {
      labels: escapeHtml(t(locale, 'items.col.labels')),
      title: escapeHtml(t(locale, 'items.col.title')),
      source: escapeHtml(t(locale, 'items.col.source')),
      time: escapeHtml(t(locale, 'items.col.time')),
      status: escapeHtml(t(locale, 'items.col.status')),
      why: escapeHtml(t(locale, 'items.col.why')),
    },
    noTitle: t(locale, 'items.noTitle'),
    select: message('items.bulk.select'),
    clusterSize: message('items.clusterSize'),
    published: message('items.published'),
    collected: message('items.collected'),
    dueAt: message('items.dueAt'),
    moreReasons: message('items.moreReasons'),
    overdueMark: `<strong class="overdue-mark"> · ${escapeHtml(t(locale, 'items.overdueMark'))}</strong>`,
    noReasons: `<span class="muted">${escapeHtml(t(locale, 'items.noReasons'))}</span>`,
    badges: new Map(),
    categoryTitles: new Map(),
  };
  rowTextsByLocale.set(locale, texts);
  return texts;
}

function keptBadge(texts: RowTexts, key: string, render: () => HtmlEscapedString | Promise<HtmlEscapedString>): string {
  let markup = texts.badges.get(key);
  if (markup === undefined) {
    markup = markupOf(render());
    if (texts.badges.size < MAX_KEPT_BADGES) texts.badges.set(key, markup);
  }
  return markup;
}

function reasonBadges(spans: readonly ExplanationSpan[], locale: Locale, texts: RowTexts): string {
  const reasons = distinctReasons(spans);
  if (reasons.length === 0) return texts.noReasons;
  let markup = '<span class="badges">';
  for (const reason of reasons.slice(0, MAX_REASONS_PER_ROW)) {
    let title = texts.categoryTitles.get(reason.category);
    if (title === undefined) {
      title = escapeHtml(t(locale, `category.${reason.category}`));
      if (texts.categoryTitles.size < MAX_KEPT_BADGES) texts.categoryTitles.set(reason.category, title);
    }
    markup += `<span class="badge reason flag-${escapeHtml(reason.category)}" title="${title}">${escapeHtml(reason.text)}</span>`;
  }
  if (reasons.length > MAX_REASONS_PER_ROW) {
    markup += `<span class="muted">${escapeHtml(texts.moreReasons({ count: reasons.length - MAX_REASONS_PER_ROW }))}</span>`;
  }
  return `${markup}</span>`;
}

// One row per item, 50 a page, written as a string with every value escaped: the page's hottest
// markup, so it is built without template or element objects (several times cheaper per row).
function itemRow(item: QueueItem, locale: Locale, now: Date, canTriage: boolean, texts: RowTexts): string {
  const { cols } = texts;
  const href = escapeHtml(`/items/${item.id}`);
  const title = item.title.trim() || texts.noTitle;
  let row = `<tr class="item-row status-row-${escapeHtml(item.status)}" data-row="true" data-href="${href}">`;
  if (canTriage) {
    row += `<td class="cell-select"><input type="checkbox" name="ids" value="${escapeHtml(String(item.id))}" form="bulk-form" data-row-select="true" aria-label="${escapeHtml(texts.select({ title }))}"/></td>`;
  }
  const labels = keptBadge(texts, `label\u0000${item.labels.length}\u0000${item.labels.join('\u0000')}`, () => LabelBadges({ labels: item.labels, locale }));
  row += `<td data-label="${cols.labels}">${labels}</td><td class="cell-title" data-label="${cols.title}"><a class="item-link" href="${href}">${escapeHtml(title)}</a>`;
  if (item.clusterSize > 1) {
    row += `<span class="badge cluster-badge"> ${escapeHtml(texts.clusterSize({ count: item.clusterSize - 1 }))}</span>`;
  }
  row += `</td><td data-label="${cols.source}">${escapeHtml(item.sourceName)}</td><td class="cell-time" data-label="${cols.time}">`;
  if (item.publishedAt) row += `<span class="time">${escapeHtml(texts.published({ date: formatDate(item.publishedAt, locale) }))}</span>`;
  row += `<span class="time muted">${escapeHtml(texts.collected({ date: formatDate(item.collectedAt, locale) }))}</span>`;
  if (item.dueAt) {
    const open = item.status === 'new' || item.status === 'in_review';
    const overdue = open && item.dueAt.getTime() < now.getTime();
    row += `<span class="time due${overdue ? ' due-overdue' : ''}">${escapeHtml(texts.dueAt({ date: formatDate(item.dueAt, locale) }))}${overdue ? texts.overdueMark : ''}</span>`;
  }
  const status = keptBadge(texts, `status\u0000${item.status}`, () => StatusBadge({ status: item.status, locale }));
  const verdict = item.verdict ? keptBadge(texts, `verdict\u0000${item.verdict}`, () => VerdictBadge({ verdict: item.verdict!, locale })) : '';
  row += `</td><td data-label="${cols.status}">${status}${verdict}</td><td data-label="${cols.why}">${reasonBadges(item.classification?.spans ?? [], locale, texts)}</td></tr>`;
  return row;
}

function SavedViews({
  locale,
  views,
  filters,
  flash,
  name,
}: {
  locale: Locale;
  views: readonly SavedView[];
  filters: ItemFilters;
  flash?: ItemListPageProps['viewFlash'];
  name?: string;
}) {
  const refused = flash === 'name_taken' || flash === 'too_many' || flash === 'invalid';
  return (
    <section class="saved-views" aria-labelledby="saved-views-heading">
      <h2 id="saved-views-heading" class="visually-hidden">
        {t(locale, 'views.title')}
      </h2>
      {flash && (
        <p id="view-flash" class={`alert ${refused ? 'alert-error' : 'alert-ok'}`} role={refused ? 'alert' : 'status'}>
          {t(locale, `views.flash.${flash}`, { max: MAX_VIEW_NAME_LENGTH, views: MAX_VIEWS_PER_USER })}
        </p>
      )}
      {views.length > 0 && (
        <ul class="saved-view-list">
          <li class="muted">{t(locale, 'views.title')}:</li>
          {views.map((view) => (
            <li>
              <a href={`/items${view.query}`}>{view.name}</a>
              <form method="post" action={`/views/${view.id}/delete`} class="inline-form">
                <button type="submit" class="button button-quiet" aria-label={t(locale, 'views.deleteNamed', { name: view.name })} title={t(locale, 'views.delete')}>
                  ×
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <form method="post" action="/views" class="inline-form save-view-form">
        <input type="hidden" name="query" value={buildItemsQuery(filters)} />
        <label for="view-name">{t(locale, 'views.name')}</label>{' '}
        <input
          id="view-name"
          name="name"
          type="text"
          required
          maxlength={MAX_VIEW_NAME_LENGTH}
          value={refused ? (name ?? '') : ''}
          aria-invalid={refused ? 'true' : undefined}
          aria-describedby={refused ? 'view-flash' : undefined}
        />{' '}
        <button type="submit" class="button">
          {t(locale, 'views.save')}
        </button>
      </form>
    </section>
  );
}

function BulkForm({ locale, filters, reasonMissing }: { locale: Locale; filters: ItemFilters; reasonMissing: boolean }) {
  return (
    <form id="bulk-form" class="bulk-form" method="post" action="/items/bulk" aria-label={t(locale, 'items.bulk.title')}>
      <input type="hidden" name="back" value={buildItemsQuery(filters)} />
      <label>
        {t(locale, 'items.bulk.status')}
        <select name="status" required>
          {BULK_STATUSES.map((status) => (
            <option value={status}>{t(locale, `status.${status}`)}</option>
          ))}
        </select>
      </label>
      <label>
        {t(locale, 'items.bulk.dismissReason')}
        <select name="dismissReason" aria-invalid={reasonMissing ? 'true' : undefined} aria-describedby={reasonMissing ? 'bulk-reason-error' : undefined}>
          <option value="">{t(locale, 'common.none')}</option>
          {DISMISS_REASONS.map((reason) => (
            <option value={reason}>{t(locale, `dismissReason.${reason}`)}</option>
          ))}
        </select>
      </label>
      <button type="submit" class="button">
        {t(locale, 'items.bulk.apply')}
      </button>
    </form>
  );
}

/** Returns the triage queue page: filter form, overdue link, item table with bulk actions, and the pager (first, previous, next) keeping filters. */
export function ItemListPage({
  user,
  locale,
  items,
  filters,
  nextCursor,
  position = { page: 1, earlier: [], size: items.length },
  sources,
  overdueCount,
  now = new Date(),
  canTriage = false,
  bulkResult,
  maxSearchLength,
  searchTooLong,
  savedViews,
  viewFlash,
  viewName,
  filterErrors = [],
  pageInvalid = false,
}: ItemListPageProps) {
  const texts = rowTextsOf(locale);
  return (
    <Layout title={t(locale, 'items.title')} user={user} locale={locale} section="items">
      <h1>{t(locale, 'items.title')}</h1>
      {bulkResult === 'none' && (
        <p class="alert alert-error" role="alert">
          {t(locale, 'items.bulk.noneSelected')}
        </p>
      )}
      {bulkResult === 'reason' && (
        <p class="alert alert-error" role="alert" id="bulk-reason-error">
          {t(locale, 'items.fieldError.dismiss_reason_required')}
        </p>
      )}
      {filterErrors.length > 0 && (
        <p class="alert alert-error" role="alert">
          {t(locale, 'items.filter.invalid')}
        </p>
      )}
      {pageInvalid && (
        <p class="alert alert-error" role="alert">
          {t(locale, 'items.filter.pageInvalid')}
        </p>
      )}
      {bulkResult && typeof bulkResult === 'object' && (
        <p class={`alert ${bulkResult.ok === bulkResult.total ? 'alert-ok' : 'alert-error'}`} role="status">
          {t(locale, 'items.bulk.done', { ok: bulkResult.ok, total: bulkResult.total })}
        </p>
      )}
      <FilterForm locale={locale} filters={filters} sources={sources} maxSearchLength={maxSearchLength} searchTooLong={searchTooLong} filterErrors={filterErrors} />
      {savedViews && <SavedViews locale={locale} views={savedViews} filters={filters} flash={viewFlash} name={viewName} />}
      {overdueCount !== undefined && (
        <p class="overdue-link">
          {filters.overdue ? (
            <a href="/items">{t(locale, 'items.overdueBack')}</a>
          ) : (
            <a class={overdueCount > 0 ? 'due-overdue' : undefined} href="/items?overdue=true">
              {t(locale, 'items.overdueLink', { count: overdueCount })}
            </a>
          )}
        </p>
      )}
      {items.length === 0 ? (
        <p class="empty-state">{t(locale, 'items.empty')}</p>
      ) : (
        <>
          <p class="muted keyboard-hint">
            {t(locale, 'items.keyboardHint')}
            {canTriage && ` ${t(locale, 'items.keyboardHintBulk')}`}
          </p>
          {canTriage && <BulkForm locale={locale} filters={filters} reasonMissing={bulkResult === 'reason'} />}
          <table class="item-table" data-nav-table>
            <thead>
              <tr>
                {canTriage && (
                  <th scope="col">
                    <span class="visually-hidden">{t(locale, 'items.bulk.selectColumn')}</span>
                  </th>
                )}
                <th scope="col">{t(locale, 'items.col.labels')}</th>
                <th scope="col">{t(locale, 'items.col.title')}</th>
                <th scope="col">{t(locale, 'items.col.source')}</th>
                <th scope="col">{t(locale, 'items.col.time')}</th>
                <th scope="col">{t(locale, 'items.col.status')}</th>
                <th scope="col">{t(locale, 'items.col.why')}</th>
              </tr>
            </thead>
            <tbody>
              {raw(items.map((item) => itemRow(item, locale, now, canTriage, texts)).join(''))}
            </tbody>
          </table>
        </>
      )}
      <Pager locale={locale} filters={filters} position={position} shown={items.length} nextCursor={nextCursor} />
    </Layout>
  );
}
