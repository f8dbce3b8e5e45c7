// Re-checks of flagged articles at their source: which are due, and what each check found.
import { and, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { ArticleRevision, RevisionChange } from '../../domain/revision.ts';
import type { Db } from '../client.ts';
import { itemRevisions, items } from '../schema.ts';

/** An item whose URL is due for a re-check. */
export interface RecheckTarget {
  id: number;
  url: string;
  revisionState: 'edited' | 'removed' | null;
}

/** Returns up to `limit` items still within their re-check window and not checked for `minGapMs`. */
export async function listItemsDueForRecheck(db: Db, now: Date, minGapMs: number, limit: number): Promise<RecheckTarget[]> {
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  const before = sql`${new Date(now.getTime() - minGapMs).toISOString()}::timestamptz`;
  const rows = await db
    .select({ id: items.id, url: items.url, revisionState: items.revisionState })
    .from(items)
    .where(
      and(
        isNotNull(items.recheckUntil),
        sql`${items.recheckUntil} > ${nowSql}`,
        isNotNull(items.url),
        sql`(${items.lastCheckedAt} is null or ${items.lastCheckedAt} < ${before})`,
      ),
    )
    .orderBy(sql`${items.lastCheckedAt} asc nulls first`)
    .limit(limit);
  return rows.map((row) => ({ id: Number(row.id), url: row.url!, revisionState: row.revisionState }));
}

/** Returns the item's revisions, newest first. */
export async function listRevisions(db: Db, itemId: number): Promise<ArticleRevision[]> {
  const rows = await db.select().from(itemRevisions).where(eq(itemRevisions.itemId, itemId)).orderBy(desc(itemRevisions.fetchedAt), desc(itemRevisions.id));
  return rows.map((row) => ({ ...row, id: Number(row.id), itemId: Number(row.itemId) }));
}

/** Stores what one check found and the item's resulting state, in one transaction. */
export async function recordCheck(
  db: Db,
  check: {
    itemId: number;
    at: Date;
    revision: { change: RevisionChange; httpStatus: number | null; title: string | null; body: string | null } | null;
    revisionState?: 'edited' | 'removed' | null;
  },
): Promise<void> {
  await db.transaction(async (tx) => {
    if (check.revision) await tx.insert(itemRevisions).values({ itemId: check.itemId, fetchedAt: check.at, ...check.revision });
    await tx
      .update(items)
      .set({
        lastCheckedAt: check.at,
        ...(check.revisionState !== undefined ? { revisionState: check.revisionState } : {}),
      })
      .where(eq(items.id, check.itemId));
  });
}
