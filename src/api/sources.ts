// Sources: list, add, edit, fetch now — JSON and the sources pages.
import { Hono } from 'hono';
import {
  SourceEditPage,
  SourcesPage,
  type SourceEditValues,
  type SourceFieldError,
  type SourcesFlash,
} from '../../dashboard/views/sources-page.tsx';
import { lastItemAtBySource } from '../db/queries/source-activity.ts';
import { getSource, insertSource, listSources, listSourceUrls } from '../db/queries/sources.ts';
import { canonicalizeUrl } from '../domain/canonical-url.ts';
import { fetchedUrlOf, isReceivedSource, type HtmlSelectors, type RefreshResult, type Source, type SourcePreviewResult } from '../domain/source.ts';
import { TRIAGE_ROLES, type Role } from '../domain/user.ts';
import { type AppContext, type AppEnv, idParam, requireRole } from './context.ts';
import { ApiError } from './errors.ts';
import { parseId, selectorsOf, SourceBody, SourcePreviewBody } from './query-schemas.ts';
import { applySourceChanges, checkSourceChanges, sourceUrlError, type CheckedSourceChanges } from './source-changes.ts';

const READ_ROLES: Role[] = ['admin', 'staff', 'leader'];
// The sources page shows the fetch-now button to the same roles.
const FETCH_ROLES: Role[] = [...TRIAGE_ROLES];
const MANAGE_ROLES: Role[] = ['admin'];

// Problems are reported as {field, code}, as an edit reports them, so the form can mark each field.
function invalid(issues: readonly { path: PropertyKey[]; code: string }[]): ApiError {
  const errors: SourceFieldError[] = issues.map((issue) => ({ field: issue.path.map(String).join('.'), code: issue.code }));
  return new ApiError(422, 'validation_failed', errors);
}

// Selectors of a web-page source are checked by the collector's own validator (CSS only,
// nothing that could hang) before anything is stored.
function checkedSelectors(c: AppContext, kind: 'rss' | 'html', selectors: unknown): HtmlSelectors | null {
  if (kind !== 'html' || selectors === undefined) return null;
  const checked = c.get('deps').sourceChecker.validateSelectors(selectors);
  if (!checked.ok) throw invalid(checked.errors.map((error) => ({ path: error.field === 'selectors' ? ['selectors'] : ['selectors', error.field], code: error.code })));
  return checked.selectors;
}

// One spelling per feed for comparing: host case, fragment, tracking parameters and a final slash do not count.
function urlKey(url: string): string {
  return (canonicalizeUrl(url) ?? url.trim()).replace(/\/$/, '');
}

// The same feed added twice would be fetched twice and its items shown twice. There are few
// sources, so they are compared here rather than by an index that cannot canonicalise.
async function duplicateUrlError(c: AppContext, url: string, exceptId?: number): Promise<SourceFieldError | null> {
  const key = urlKey(url);
  const others = await listSourceUrls(c.get('deps').db);
  return others.some((other) => other.id !== exceptId && urlKey(other.url) === key) ? { field: 'url', code: 'duplicate' } : null;
}

async function addSource(c: AppContext, body: unknown) {
  const parsed = SourceBody.safeParse(body);
  if (!parsed.success) throw invalid(parsed.error.issues);
  const deps = c.get('deps');
  const blocked = sourceUrlError(deps.sourceChecker, parsed.data.url);
  if (blocked) throw new ApiError(422, 'validation_failed', [blocked]);
  const duplicate = await duplicateUrlError(c, parsed.data.url);
  if (duplicate) throw new ApiError(422, 'validation_failed', [duplicate]);
  const selectors = checkedSelectors(c, parsed.data.kind, parsed.data.selectors);
  const source = await insertSource(deps.db, {
    kind: parsed.data.kind,
    name: parsed.data.name.normalize('NFC'),
    url: parsed.data.url,
    selectors,
    pollIntervalSeconds: parsed.data.pollIntervalSeconds,
  });
  await deps.jobs.scheduleSource(source);
  return source;
}

async function existingSource(c: AppContext): Promise<Source> {
  const source = await getSource(c.get('deps').db, idParam(c));
  if (!source) throw new ApiError(404, 'not_found');
  return source;
}

async function applyChanges(c: AppContext, source: Source, checked: CheckedSourceChanges): Promise<Source> {
  const updated = await applySourceChanges(c.get('deps'), source, checked);
  if (!updated) throw new ApiError(404, 'not_found');
  return updated;
}

// Checks the changes, then that a new address is no other source's.
async function checkedChanges(c: AppContext, source: Source, body: unknown): Promise<ReturnType<typeof checkSourceChanges>> {
  const checked = checkSourceChanges(c.get('deps').sourceChecker, source, body);
  if (!checked.ok) return checked;
  const url = checked.value.changes.url;
  const duplicate = typeof url === 'string' ? await duplicateUrlError(c, url, source.id) : null;
  return duplicate ? { ok: false, errors: [duplicate] } : { ok: true, value: checked.value };
}

async function editSource(c: AppContext, body: unknown): Promise<Source> {
  const source = await existingSource(c);
  const checked = await checkedChanges(c, source, body);
  if (!checked.ok) throw new ApiError(422, 'validation_failed', checked.errors);
  return applyChanges(c, source, checked.value);
}

// Form and import sources have no feed or page to fetch: "fetch now" is refused (422, kind /
// not_fetchable) before anything runs, so nothing is recorded in the source's health.
async function fetchNow(c: AppContext, source: Source): Promise<RefreshResult> {
  if (fetchedUrlOf(source) === null) throw new ApiError(422, 'validation_failed', [{ field: 'kind', code: 'not_fetchable' } satisfies SourceFieldError]);
  return c.get('deps').jobs.refreshNow(source.id);
}

async function previewSource(c: AppContext, body: unknown): Promise<SourcePreviewResult> {
  const parsed = SourcePreviewBody.safeParse(body);
  if (!parsed.success) throw invalid(parsed.error.issues);
  const selectors = checkedSelectors(c, parsed.data.kind, parsed.data.selectors) ?? undefined;
  return c.get('deps').sourceChecker.preview({ kind: parsed.data.kind, url: parsed.data.url, selectors });
}

interface SourceForm {
  kind: 'rss' | 'html';
  name: string;
  url: string;
  selectors?: Record<string, string>;
}

function sourceFormOf(form: Record<string, unknown>): SourceForm {
  return {
    kind: form.kind === 'html' ? 'html' : 'rss',
    name: typeof form.name === 'string' ? form.name : '',
    url: typeof form.url === 'string' ? form.url : '',
    selectors: form.kind === 'html' ? selectorsOf(form) : undefined,
  };
}

async function renderPage(
  c: AppContext,
  flash?: SourcesFlash,
  status: 200 | 422 = 200,
  extra: { form?: SourceForm; errors?: SourceFieldError[]; preview?: SourcePreviewResult } = {},
) {
  const user = c.get('user')!;
  const db = c.get('deps').db;
  const sources = await listSources(db);
  const lastItemAt = await lastItemAtBySource(db, sources.filter(isReceivedSource).map((source) => source.id));
  return c.html(
    SourcesPage({ user, locale: c.get('locale'), sources, canManage: MANAGE_ROLES.includes(user.role), flash, lastItemAt, ...extra }),
    status,
  );
}

// The add form again with what was typed and each field's problem; other errors go on.
function renderInvalidForm(c: AppContext, form: SourceForm, error: unknown) {
  if (!(error instanceof ApiError && error.code === 'validation_failed')) throw error;
  return renderPage(c, undefined, 422, { form, errors: error.details as SourceFieldError[] });
}

// The message after the redirect of a successful add (`created`) or of "fetch now" (`refreshed`);
// nothing for an unknown id or for counts this page did not write.
async function redirectedFlash(c: AppContext): Promise<SourcesFlash | undefined> {
  const created = parseId(c.req.query('created') ?? '');
  if (created !== null) {
    const source = await getSource(c.get('deps').db, created);
    return source ? { kind: 'created', name: source.name } : undefined;
  }
  const refreshed = parseId(c.req.query('refreshed') ?? '');
  const status = c.req.query('status');
  if (refreshed === null || !REFRESH_STATUSES.includes(status as RefreshResult['status'])) return undefined;
  const counts = REFRESH_COUNTS.map((name) => c.req.query(name) ?? '0');
  if (!counts.every((count) => /^\d{1,7}$/.test(count))) return undefined;
  const [fetched, stored, skipped, failedEntries] = counts.map(Number) as [number, number, number, number];
  const result: RefreshResult = { sourceId: refreshed, status: status as RefreshResult['status'], fetched, stored, skipped, failedEntries };
  if (result.status === 'error') {
    // The error itself is the source's last one, as the fetch recorded it (the address carries no text).
    const source = await getSource(c.get('deps').db, refreshed);
    if (source?.lastErrorCode) result.error = { code: source.lastErrorCode, message: source.lastError ?? '' };
  }
  return { kind: 'refreshed', result };
}

const REFRESH_STATUSES: readonly RefreshResult['status'][] = ['ok', 'not_modified', 'error', 'skipped'];
const REFRESH_COUNTS = ['fetched', 'stored', 'skipped', 'failed'] as const;

/** Returns the address of the sources page showing a "fetch now" outcome (Post/Redirect/Get). */
function refreshedLocation(result: RefreshResult): string {
  const counts = [result.fetched, result.stored, result.skipped, result.failedEntries];
  const query = new URLSearchParams({ refreshed: String(result.sourceId), status: result.status });
  REFRESH_COUNTS.forEach((name, at) => query.set(name, String(counts[at])));
  return `/sources?${query}`;
}

function editValuesOf(source: Source): SourceEditValues {
  return {
    name: source.name,
    url: source.url ?? '',
    enabled: source.enabled,
    pollIntervalMinutes: String(Math.round(source.pollIntervalSeconds / 60)),
    selectors: Object.fromEntries(Object.entries(source.selectors ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
  };
}

function editFormOf(source: Source, form: Record<string, unknown>): SourceEditValues {
  const text = (key: string) => (typeof form[key] === 'string' ? (form[key] as string) : '');
  return {
    name: text('name'),
    url: text('url'),
    enabled: form.enabled === 'on' || form.enabled === 'true',
    pollIntervalMinutes: text('poll_interval_minutes').trim(),
    selectors: source.kind === 'html' ? (selectorsOf(form) ?? {}) : undefined,
  };
}

// The edit form as the API body: minutes become seconds; a form or import source sends only its
// name (it has no address, interval or automatic fetching; the on/off switch is its own form).
function bodyOfEditForm(source: Source, values: SourceEditValues): Record<string, unknown> {
  if (isReceivedSource(source)) return { name: values.name };
  const minutes = /^\d{1,6}$/.test(values.pollIntervalMinutes) ? Number(values.pollIntervalMinutes) * 60 : Number.NaN;
  const body: Record<string, unknown> = { name: values.name, enabled: values.enabled, pollIntervalSeconds: minutes };
  if (source.kind === 'rss' || source.kind === 'html') body.url = values.url;
  if (source.kind === 'html') body.selectors = values.selectors ?? {};
  return body;
}

async function renderEditPage(
  c: AppContext,
  source: Source,
  extra: { values?: SourceEditValues; errors?: SourceFieldError[]; preview?: SourcePreviewResult; saved?: boolean } = {},
  status: 200 | 422 = 200,
) {
  const lastItemAt = isReceivedSource(source) ? ((await lastItemAtBySource(c.get('deps').db, [source.id])).get(source.id) ?? null) : null;
  return c.html(
    SourceEditPage({
      user: c.get('user')!,
      locale: c.get('locale'),
      source,
      values: extra.values ?? editValuesOf(source),
      errors: extra.errors ?? [],
      preview: extra.preview,
      saved: extra.saved ?? false,
      lastItemAt,
    }),
    status,
  );
}

/** Returns the source routes. */
export function sourceRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.get('/api/sources', requireRole(...READ_ROLES), async (c) => c.json({ sources: await listSources(c.get('deps').db) }));
  routes.post('/api/sources', requireRole(...MANAGE_ROLES), async (c) => {
    const body = await c.req.json().catch(() => null);
    return c.json(await addSource(c, body), 201);
  });
  routes.get('/api/sources/:id', requireRole(...READ_ROLES), async (c) => c.json(await existingSource(c)));
  routes.patch('/api/sources/:id', requireRole(...MANAGE_ROLES), async (c) => {
    const body = await c.req.json().catch(() => null);
    return c.json(await editSource(c, body));
  });
  routes.post('/api/sources/:id/fetch', requireRole(...FETCH_ROLES), async (c) => c.json(await fetchNow(c, await existingSource(c))));
  routes.post('/api/sources/preview', requireRole(...MANAGE_ROLES), async (c) =>
    c.json(await previewSource(c, await c.req.json().catch(() => null))),
  );

  routes.get('/sources', requireRole(...READ_ROLES), async (c) => renderPage(c, await redirectedFlash(c)));
  // The preview is a POST; its address reloaded or bookmarked goes back to the page its form is on.
  routes.get('/sources/preview', requireRole(...READ_ROLES), (c) => c.redirect('/sources', 303));
  // Post/Redirect/Get: reloading the page after adding a source does not add it again.
  routes.post('/sources', requireRole(...MANAGE_ROLES), async (c) => {
    const form = sourceFormOf(await c.req.parseBody());
    try {
      const source = await addSource(c, form);
      return c.redirect(`/sources?created=${source.id}`, 303);
    } catch (error) {
      return renderInvalidForm(c, form, error);
    }
  });
  routes.post('/sources/preview', requireRole(...MANAGE_ROLES), async (c) => {
    const form = sourceFormOf(await c.req.parseBody());
    try {
      return renderPage(c, undefined, 200, { form, preview: await previewSource(c, { kind: form.kind, url: form.url, selectors: form.selectors }) });
    } catch (error) {
      return renderInvalidForm(c, form, error);
    }
  });
  // Post/Redirect/Get: reloading the page after "fetch now" does not fetch again.
  // A source that is not fetched (the page offers no button for it) gets the page back with why.
  routes.post('/sources/:id/fetch', requireRole(...FETCH_ROLES), async (c) => {
    const source = await existingSource(c);
    if (fetchedUrlOf(source) === null) return renderPage(c, { kind: 'not_fetchable', name: source.name }, 422);
    return c.redirect(refreshedLocation(await fetchNow(c, source)), 303);
  });
  routes.get('/sources/:id', requireRole(...MANAGE_ROLES), async (c) => {
    const source = await existingSource(c);
    return renderEditPage(c, source, { saved: c.req.query('saved') === '1' });
  });
  routes.post('/sources/:id', requireRole(...MANAGE_ROLES), async (c) => {
    const source = await existingSource(c);
    const values = editFormOf(source, await c.req.parseBody());
    const checked = await checkedChanges(c, source, bodyOfEditForm(source, values));
    if (!checked.ok) return renderEditPage(c, source, { values, errors: checked.errors }, 422);
    await applyChanges(c, source, checked.value);
    return c.redirect(`/sources/${source.id}?saved=1`, 303);
  });
  // Shows what the typed (unsaved) address and selectors would yield; stores nothing.
  routes.post('/sources/:id/preview', requireRole(...MANAGE_ROLES), async (c) => {
    const source = await existingSource(c);
    const values = editFormOf(source, await c.req.parseBody());
    if (source.kind !== 'rss' && source.kind !== 'html') {
      return renderEditPage(c, source, { values, errors: [{ field: 'url', code: 'not_allowed' }] }, 422);
    }
    const checked = checkSourceChanges(c.get('deps').sourceChecker, source, { url: values.url, ...(source.kind === 'html' ? { selectors: values.selectors ?? {} } : {}) });
    if (!checked.ok) return renderEditPage(c, source, { values, errors: checked.errors }, 422);
    const selectors = checked.value.changes.selectors ?? undefined;
    const preview = await c.get('deps').sourceChecker.preview({ kind: source.kind, url: values.url, selectors });
    return renderEditPage(c, source, { values, preview });
  });
  // The on/off switch of the list and the edit page.
  routes.post('/sources/:id/enabled', requireRole(...MANAGE_ROLES), async (c) => {
    const source = await existingSource(c);
    const form = await c.req.parseBody();
    const back = form.next === 'edit' ? `/sources/${source.id}?saved=1` : '/sources';
    if (form.enabled !== 'true' && form.enabled !== 'false') return c.redirect(form.next === 'edit' ? `/sources/${source.id}` : '/sources', 303);
    const checked = checkSourceChanges(c.get('deps').sourceChecker, source, { enabled: form.enabled === 'true' });
    if (!checked.ok) throw new ApiError(422, 'validation_failed', checked.errors);
    await applyChanges(c, source, checked.value);
    return c.redirect(back, 303);
  });
  return routes;
}
