// Sources: list, add, fetch now — JSON and the sources page.
import { Hono } from 'hono';
import { SourcesPage, type SourcesFlash } from '../../dashboard/views/sources-page.tsx';
import { getSource, insertSource, listSources } from '../db/queries/sources.ts';
import type { HtmlSelectors, RefreshResult, SourcePreviewResult } from '../domain/source.ts';
import type { Role } from '../domain/user.ts';
import { type AppContext, type AppEnv, requireRole } from './context.ts';
import { ApiError } from './errors.ts';
import { parseId, selectorsOf, SourceBody, SourcePreviewBody } from './query-schemas.ts';

const READ_ROLES: Role[] = ['admin', 'staff', 'leader'];
const FETCH_ROLES: Role[] = ['admin', 'staff'];
const MANAGE_ROLES: Role[] = ['admin'];

// Selectors of a web-page source are checked by the collector's own validator (CSS only,
// nothing that could hang) before anything is stored.
function checkedSelectors(c: AppContext, kind: 'rss' | 'html', selectors: unknown): HtmlSelectors | null {
  if (kind !== 'html' || selectors === undefined) return null;
  const checked = c.get('deps').sourceChecker.validateSelectors(selectors);
  if (!checked.ok) throw new ApiError(422, 'validation_failed', checked.errors);
  return checked.selectors;
}

async function addSource(c: AppContext, body: unknown) {
  const parsed = SourceBody.safeParse(body);
  if (!parsed.success) throw new ApiError(422, 'validation_failed', parsed.error.issues);
  const deps = c.get('deps');
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

async function fetchNow(c: AppContext): Promise<RefreshResult> {
  const id = parseId(c.req.param('id') ?? '');
  const deps = c.get('deps');
  if (id === null || !(await getSource(deps.db, id))) throw new ApiError(404, 'not_found');
  return deps.jobs.refreshNow(id);
}

async function previewSource(c: AppContext, body: unknown): Promise<SourcePreviewResult> {
  const parsed = SourcePreviewBody.safeParse(body);
  if (!parsed.success) throw new ApiError(422, 'validation_failed', parsed.error.issues);
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
  extra: { form?: SourceForm; preview?: SourcePreviewResult } = {},
) {
  const user = c.get('user')!;
  const sources = await listSources(c.get('deps').db);
  return c.html(
    SourcesPage({ user, locale: c.get('locale'), sources, canManage: MANAGE_ROLES.includes(user.role), flash, ...extra }),
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
  routes.post('/api/sources/:id/fetch', requireRole(...FETCH_ROLES), async (c) => c.json(await fetchNow(c)));
  routes.post('/api/sources/preview', requireRole(...MANAGE_ROLES), async (c) =>
    c.json(await previewSource(c, await c.req.json().catch(() => null))),
  );

  routes.get('/sources', requireRole(...READ_ROLES), (c) => renderPage(c));
  routes.post('/sources', requireRole(...MANAGE_ROLES), async (c) => {
    const form = sourceFormOf(await c.req.parseBody());
    try {
      const source = await addSource(c, form);
      return renderPage(c, { kind: 'created', name: source.name });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'validation_failed') {
        return renderPage(c, { kind: 'error', code: 'validation_failed' }, 422, { form });
      }
      throw error;
    }
  });
  routes.post('/sources/preview', requireRole(...MANAGE_ROLES), async (c) => {
    const form = sourceFormOf(await c.req.parseBody());
    try {
      return renderPage(c, undefined, 200, { form, preview: await previewSource(c, { kind: form.kind, url: form.url, selectors: form.selectors }) });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'validation_failed') {
        return renderPage(c, { kind: 'error', code: 'validation_failed' }, 422, { form });
      }
      throw error;
    }
  });
  routes.post('/sources/:id/fetch', requireRole(...FETCH_ROLES), async (c) => renderPage(c, { kind: 'refreshed', result: await fetchNow(c) }));
  return routes;
}
