// Saved views: a staff member names the queue's current filter and finds it again as a link — JSON and the queue's form.
import { Hono } from 'hono';
import { z } from 'zod';
import { deleteSavedView, insertSavedView, listSavedViews } from '../db/queries/saved-views.ts';
import { MAX_VIEW_NAME_LENGTH, MAX_VIEWS_PER_USER, type SavedView } from '../domain/saved-view.ts';
import { READ_ITEM_ROLES } from '../domain/user.ts';
import { type AppContext, type AppEnv, idParam, requireRole } from './context.ts';
import { ApiError } from './errors.ts';
import { cleanText, ItemListQuery } from './query-schemas.ts';

/** The queue filters a view keeps, in the order they are written back (paging is never kept). */
const KEPT_FILTERS = ['status', 'label', 'source', 'q', 'from', 'to', 'order', 'overdue'] as const;

/** A view as submitted: a name and the queue's query string (with or without the leading `?`). */
export const SavedViewBody = z
  .object({
    name: z
      .string()
      .transform((value) => cleanText(value).replace(/\s+/g, ' '))
      .pipe(z.string().min(1).max(MAX_VIEW_NAME_LENGTH)),
    query: z.string().max(1000),
  })
  .strict();

type QueryCheck = { ok: true; query: string } | { ok: false; issues: unknown };

/** Returns the query string checked by the queue's own schema and written in a canonical order, or its problems. */
export function canonicalViewQuery(raw: string): QueryCheck {
  const params = new URLSearchParams(raw.startsWith('?') ? raw.slice(1) : raw);
  const unknown = [...params.keys()].filter((key) => !(KEPT_FILTERS as readonly string[]).includes(key) && key !== 'cursor' && key !== 'limit');
  if (unknown.length > 0) return { ok: false, issues: unknown.map((key) => ({ path: ['query', key], message: 'unknown filter' })) };
  const values: Record<string, string> = {};
  for (const key of KEPT_FILTERS) {
    const value = params.get(key);
    if (value !== null && value !== '') values[key] = value;
  }
  const parsed = ItemListQuery.safeParse(values);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map((issue) => ({ ...issue, path: ['query', ...issue.path] })) };
  const canonical = new URLSearchParams();
  for (const key of KEPT_FILTERS) if (values[key] !== undefined) canonical.set(key, key === 'q' ? values[key].normalize('NFC') : values[key]);
  const text = canonical.toString();
  return { ok: true, query: text ? `?${text}` : '' };
}

type SaveOutcome = { kind: 'saved'; view: SavedView } | { kind: 'invalid'; issues: unknown } | { kind: 'name_taken' } | { kind: 'too_many' };

async function saveView(c: AppContext, body: unknown): Promise<SaveOutcome> {
  const parsed = SavedViewBody.safeParse(body);
  if (!parsed.success) return { kind: 'invalid', issues: parsed.error.issues };
  const checked = canonicalViewQuery(parsed.data.query);
  if (!checked.ok) return { kind: 'invalid', issues: checked.issues };
  const db = c.get('deps').db;
  const userId = c.get('user')!.id;
  if ((await listSavedViews(db, userId)).length >= MAX_VIEWS_PER_USER) return { kind: 'too_many' };
  return insertSavedView(db, { userId, name: parsed.data.name, query: checked.query });
}

/** Returns the queue query a form sent back, if it is one the queue could have written. */
function backQueryOf(value: unknown): string {
  if (typeof value !== 'string') return '';
  const checked = canonicalViewQuery(value);
  return checked.ok ? checked.query : '';
}

function withFlash(query: string, flash: string, name?: string): string {
  const typed = name ? `&viewName=${encodeURIComponent(name.slice(0, MAX_VIEW_NAME_LENGTH))}` : '';
  return `/items${query ? `${query}&` : '?'}viewFlash=${flash}${typed}`;
}

/** Returns the saved-view routes: JSON under /api/views and the queue page's save and delete forms. */
export function savedViewRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/api/views', requireRole(...READ_ITEM_ROLES), async (c) =>
    c.json({ views: await listSavedViews(c.get('deps').db, c.get('user')!.id) }),
  );

  routes.post('/api/views', requireRole(...READ_ITEM_ROLES), async (c) => {
    const outcome = await saveView(c, await c.req.json().catch(() => null));
    if (outcome.kind === 'invalid') throw new ApiError(422, 'validation_failed', outcome.issues);
    if (outcome.kind === 'name_taken') throw new ApiError(409, 'view_name_taken');
    if (outcome.kind === 'too_many') throw new ApiError(409, 'too_many_views', { max: MAX_VIEWS_PER_USER });
    return c.json(outcome.view, 201);
  });

  // Another person's view answers 404 like a missing one: ids of others' views are not confirmed.
  routes.delete('/api/views/:id', requireRole(...READ_ITEM_ROLES), async (c) => {
    if (!(await deleteSavedView(c.get('deps').db, idParam(c), c.get('user')!.id))) throw new ApiError(404, 'not_found');
    return c.body(null, 204);
  });

  routes.post('/views', requireRole(...READ_ITEM_ROLES), async (c) => {
    const form = await c.req.parseBody();
    const query = typeof form.query === 'string' ? form.query : '';
    const name = typeof form.name === 'string' ? form.name : '';
    const outcome = await saveView(c, { name, query });
    const back = backQueryOf(query);
    if (outcome.kind === 'saved') return c.redirect(withFlash(outcome.view.query, 'saved'), 303);
    // The queue shows the name again beside the error, to change rather than retype.
    return c.redirect(withFlash(back, outcome.kind === 'invalid' ? 'invalid' : outcome.kind, name), 303);
  });

  routes.post('/views/:id/delete', requireRole(...READ_ITEM_ROLES), async (c) => {
    if (!(await deleteSavedView(c.get('deps').db, idParam(c), c.get('user')!.id))) throw new ApiError(404, 'not_found');
    return c.redirect(withFlash('', 'deleted'), 303);
  });
  return routes;
}
