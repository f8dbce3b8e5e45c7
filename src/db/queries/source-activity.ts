// When sources that are not fetched (forms, imports) last received an item: their health is not
// a fetch, so the sources page shows this instead of "never fetched".
import { inArray, max } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { items } from '../schema.ts';

/** Returns, for each of the sources that has items, when its newest item was collected. */
export async function lastItemAtBySource(db: Db, sourceIds: readonly number[]): Promise<Map<number, Date>> {
  const result = new Map<number, Date>();
  if (sourceIds.length === 0) return result;
  const rows = await db
    .select({ sourceId: items.sourceId, at: max(items.collectedAt) })
    .from(items)
    .where(inArray(items.sourceId, [...sourceIds]))
    .groupBy(items.sourceId);
  for (const row of rows) if (row.at) result.set(row.sourceId, new Date(row.at));
  return result;
}
