// Reads and writes of saved views: a staff member's named queue filters, each visible to its owner only.
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { SavedView } from '../../domain/saved-view.ts';
import type { Db } from '../client.ts';
import { savedViews } from '../schema.ts';

const viewColumns = { id: savedViews.id, name: savedViews.name, query: savedViews.query, createdAt: savedViews.createdAt };

/** Returns the user's saved views, by name. */
export async function listSavedViews(db: Db, userId: number): Promise<SavedView[]> {
  return db.select(viewColumns).from(savedViews).where(eq(savedViews.userId, userId)).orderBy(asc(savedViews.name), asc(savedViews.id));
}

/** The user's saved views as one JSON array, by name: a column of the queue page's single query (getQueuePage). */
export function savedViewsJson(userId: unknown): SQL<unknown> {
  return sql`(select coalesce(json_agg(json_build_object('id', ${savedViews.id}, 'name', ${savedViews.name}, 'query', ${savedViews.query},
      'createdAt', ${savedViews.createdAt}) order by ${savedViews.name}, ${savedViews.id}), '[]'::json)
    from ${savedViews} where ${savedViews.userId} = ${userId})`;
}

/** Returns the views of a savedViewsJson column (parsed or not, as the driver answers), as listSavedViews lists them. */
export function savedViewsFromJson(value: unknown): SavedView[] {
  const views = (typeof value === 'string' ? JSON.parse(value) : value) as Array<Omit<SavedView, 'createdAt'> & { createdAt: string }>;
  return views.map((view) => ({ id: view.id, name: view.name, query: view.query, createdAt: new Date(view.createdAt) }));
}

/** Returns the stored view, or `name_taken` when the user already has a view of that name. */
export async function insertSavedView(
  db: Db,
  view: { userId: number; name: string; query: string },
): Promise<{ kind: 'saved'; view: SavedView } | { kind: 'name_taken' }> {
  // The unique index settles races; the conflict clause turns a duplicate into "no row".
  const [row] = await db.insert(savedViews).values(view).onConflictDoNothing().returning(viewColumns);
  return row ? { kind: 'saved', view: row } : { kind: 'name_taken' };
}

/** Returns true when the user's view was deleted; another user's view is left alone (false). */
export async function deleteSavedView(db: Db, id: number, userId: number): Promise<boolean> {
  const rows = await db
    .delete(savedViews)
    .where(and(eq(savedViews.id, id), eq(savedViews.userId, userId)))
    .returning({ id: savedViews.id });
  return rows.length > 0;
}
