// Reads of stored items in pages, newest first, for dry runs of draft rules and claims.
import { desc, lt, sql } from 'drizzle-orm';
import type { Label } from '../../domain/classification.ts';
import type { DismissReason, ItemStatus, Verdict } from '../../domain/item.ts';
import type { Db } from '../client.ts';
import { items } from '../schema.ts';

/** What a dry run reads of an item: its text, its flags and what staff decided. */
export interface ScannedItem {
  id: number;
  title: string;
  body: string;
  labels: Label[];
  status: ItemStatus;
  verdict: Verdict | null;
  dismissReason: DismissReason | null;
}

/** Returns up to `limit` items with ids below `beforeId` (all when null), newest (highest id) first. */
export async function listItemsForScan(db: Db, beforeId: number | null, limit: number): Promise<ScannedItem[]> {
  const rows = await db
    .select({
      id: items.id,
      title: items.title,
      body: items.body,
      labels: items.labels,
      status: items.status,
      verdict: items.verdict,
      dismissReason: items.dismissReason,
    })
    .from(items)
    .where(beforeId === null ? undefined : lt(items.id, beforeId))
    .orderBy(desc(items.id))
    .limit(limit);
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

/** Returns how many items are stored. */
export async function countAllItems(db: Db): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(items);
  return row?.count ?? 0;
}
