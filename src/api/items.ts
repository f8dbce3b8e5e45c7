// Items: the triage list, one item, status changes, the audit trail — JSON and pages.
import { Hono } from 'hono';
import { ItemListPage } from '../../dashboard/views/item-list-page.tsx';
import { ItemPage } from '../../dashboard/views/item-page.tsx';
import {
  changeItemStatus,
  decodeCursor,
  getItem,
  listClusterMembers,
  listItemEvents,
  listItems,
  type ItemFilters,
} from '../db/queries/items.ts';
import { listRevisions } from '../db/queries/revisions.ts';
import { listSources } from '../db/queries/sources.ts';
import { ITEM_STATUSES, DISMISS_REASONS, type DismissReason, type ItemStatus } from '../domain/item.ts';
import { READ_ITEM_ROLES, TRIAGE_ROLES } from '../domain/user.ts';
import { type AppContext, type AppEnv, requireRole } from './context.ts';
import { ApiError } from './errors.ts';
import { endOfDay, ItemListQuery, ItemPatchBody, parseId, startOfDay } from './query-schemas.ts';

function filtersFrom(c: AppContext): ItemFilters {
  const parsed = ItemListQuery.safeParse(c.req.query());
  if (!parsed.success) throw new ApiError(400, 'validation_failed', parsed.error.issues);
  const query = parsed.data;
  if (query.cursor && !decodeCursor(query.cursor)) throw new ApiError(400, 'validation_failed', [{ path: ['cursor'] }]);
  const q = query.q ? c.get('deps').foldQuery(query.q).trim() : '';
  return {
    status: query.status,
    label: query.label,
    sourceId: query.source,
    from: query.from ? startOfDay(query.from) : undefined,
    to: query.to ? endOfDay(query.to) : undefined,
    foldedQuery: q || undefined,
    order: query.order,
    cursor: query.cursor,
    limit: query.limit,
  };
}

function itemIdFrom(c: AppContext): number {
  const id = parseId(c.req.param('id') ?? '');
  if (id === null) throw new ApiError(404, 'not_found');
  return id;
}

async function applyStatus(
  c: AppContext,
  id: number,
  change: { status: ItemStatus; dismissReason?: DismissReason; version?: number; note?: string },
) {
  const user = c.get('user')!;
  const outcome = await changeItemStatus(c.get('deps').db, {
    id,
    status: change.status,
    dismissReason: change.dismissReason,
    expectedVersion: change.version,
    note: change.note,
    userId: user.id,
  });
  if (outcome.kind === 'not_found') throw new ApiError(404, 'not_found');
  if (outcome.kind === 'conflict') throw new ApiError(409, 'conflict', { currentVersion: outcome.currentVersion });
  if (outcome.kind === 'invalid_transition') throw new ApiError(409, 'conflict', { from: outcome.from, to: change.status });
  return outcome.item;
}

/** Returns the item routes. */
export function itemRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/api/items', requireRole(...READ_ITEM_ROLES), async (c) => {
    const page = await listItems(c.get('deps').db, filtersFrom(c));
    return c.json(page);
  });

  routes.get('/api/items/:id', requireRole(...READ_ITEM_ROLES), async (c) => {
    const item = await getItem(c.get('deps').db, itemIdFrom(c));
    if (!item) throw new ApiError(404, 'not_found');
    return c.json(item);
  });

  routes.patch('/api/items/:id', requireRole(...TRIAGE_ROLES), async (c) => {
    const id = itemIdFrom(c);
    const parsed = ItemPatchBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new ApiError(400, 'validation_failed', parsed.error.issues);
    return c.json(await applyStatus(c, id, parsed.data));
  });

  routes.get('/api/items/:id/events', requireRole(...READ_ITEM_ROLES), async (c) => {
    const id = itemIdFrom(c);
    const db = c.get('deps').db;
    if (!(await getItem(db, id))) throw new ApiError(404, 'not_found');
    return c.json({ events: await listItemEvents(db, id) });
  });

  routes.get('/api/items/:id/revisions', requireRole(...READ_ITEM_ROLES), async (c) => {
    const id = itemIdFrom(c);
    const db = c.get('deps').db;
    if (!(await getItem(db, id))) throw new ApiError(404, 'not_found');
    return c.json({ revisions: await listRevisions(db, id) });
  });

  routes.get('/items', requireRole(...READ_ITEM_ROLES), async (c) => {
    const db = c.get('deps').db;
    const query = ItemListQuery.safeParse(c.req.query());
    const filters = filtersFrom(c);
    const [page, sources] = await Promise.all([listItems(db, filters), listSources(db)]);
    return c.html(
      ItemListPage({
        user: c.get('user')!,
        locale: c.get('locale'),
        items: page.items,
        nextCursor: page.nextCursor,
        filters: query.success ? query.data : ItemListQuery.parse({}),
        sources,
      }),
    );
  });

  routes.get('/items/:id', requireRole(...READ_ITEM_ROLES), async (c) => {
    const db = c.get('deps').db;
    const id = itemIdFrom(c);
    const item = await getItem(db, id);
    if (!item) throw new ApiError(404, 'not_found');
    const user = c.get('user')!;
    return c.html(
      ItemPage({
        user,
        locale: c.get('locale'),
        item,
        events: await listItemEvents(db, id),
        revisions: await listRevisions(db, id),
        members: item.clusterId !== null && item.clusterSize > 1 ? await listClusterMembers(db, item.clusterId) : [],
        canTriage: TRIAGE_ROLES.includes(user.role),
        flash: c.req.query('flash'),
      }),
    );
  });

  routes.post('/items/:id/status', requireRole(...TRIAGE_ROLES), async (c) => {
    const id = itemIdFrom(c);
    const form = await c.req.parseBody();
    const status = ITEM_STATUSES.find((value) => value === form.status);
    if (!status) throw new ApiError(400, 'validation_failed');
    const reason = DISMISS_REASONS.find((value) => value === form.dismissReason);
    const version = typeof form.version === 'string' && /^\d+$/.test(form.version) ? Number(form.version) : undefined;
    try {
      await applyStatus(c, id, { status, dismissReason: reason, version });
      return c.redirect(`/items/${id}?flash=saved`, 303);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'conflict') return c.redirect(`/items/${id}?flash=conflict`, 303);
      throw error;
    }
  });
  return routes;
}
