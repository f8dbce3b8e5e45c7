// Reads and writes of sources and their health.
import { asc, eq, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { HtmlSelectors, Source, SourceChanges, SourceKind } from '../../domain/source.ts';
import type { Db } from '../client.ts';
import { sources } from '../schema.ts';

type SourceRow = typeof sources.$inferSelect;

function toSource(row: SourceRow): Source {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    url: row.url,
    selectors: row.selectors ?? null,
    enabled: row.enabled,
    pollIntervalSeconds: row.pollIntervalSeconds,
    etag: row.etag,
    lastModified: row.lastModified,
    lastSuccessAt: row.lastSuccessAt,
    lastErrorAt: row.lastErrorAt,
    lastError: row.lastError,
    lastErrorCode: row.lastErrorCode,
    consecutiveFailures: row.consecutiveFailures,
    failingSince: row.failingSince,
    nextFetchAt: row.nextFetchAt,
    createdAt: row.createdAt,
  };
}

/** Returns every source, oldest first. */
export async function listSources(db: Db): Promise<Source[]> {
  const rows = await db.select().from(sources).orderBy(asc(sources.id));
  return rows.map(toSource);
}

/** Returns the source with this id, or null. */
export async function getSource(db: Db, id: number): Promise<Source | null> {
  const [row] = await db.select().from(sources).where(eq(sources.id, id));
  return row ? toSource(row) : null;
}

/** Returns the id and address of every source that has an address. */
export async function listSourceUrls(db: Db): Promise<{ id: number; url: string }[]> {
  const rows = await db.select({ id: sources.id, url: sources.url }).from(sources).orderBy(asc(sources.id));
  return rows.filter((row): row is { id: number; url: string } => row.url !== null);
}

export interface NewSource {
  kind: SourceKind;
  name: string;
  url: string | null;
  selectors?: HtmlSelectors | null;
  pollIntervalSeconds?: number;
  enabled?: boolean;
}

/** Returns the newly stored source. */
export async function insertSource(db: Db, source: NewSource): Promise<Source> {
  const [row] = await db.insert(sources).values(source).returning();
  if (!row) throw new Error('db: insert into sources returned no row');
  return toSource(row);
}

/**
 * Applies an admin's changes and returns the source, or null when there is no such source.
 * `resetFetchState` (a new address): forgets the caching validators and the health, so the next
 * fetch is a full one, due at once. `refetchFully` (new selectors): forgets only the validators,
 * due at once. `dueNow` (switched back on): due at once. A new interval alone moves the next try
 * of a healthy source to its last success plus the new interval.
 */
export async function updateSource(
  db: Db,
  id: number,
  changes: SourceChanges,
  options: { resetFetchState?: boolean; refetchFully?: boolean; dueNow?: boolean } = {},
): Promise<Source | null> {
  const set: PgUpdateSetSource<typeof sources> = {};
  if (changes.name !== undefined) set.name = changes.name;
  if (changes.url !== undefined) set.url = changes.url;
  if (changes.selectors !== undefined) set.selectors = changes.selectors;
  if (changes.enabled !== undefined) set.enabled = changes.enabled;
  if (changes.pollIntervalSeconds !== undefined) {
    set.pollIntervalSeconds = changes.pollIntervalSeconds;
    set.nextFetchAt = sql`case when ${sources.lastSuccessAt} is not null and ${sources.consecutiveFailures} = 0
      then ${sources.lastSuccessAt} + make_interval(secs => ${changes.pollIntervalSeconds})
      else ${sources.nextFetchAt} end`;
  }
  if (options.resetFetchState || options.refetchFully) {
    Object.assign(set, { etag: null, lastModified: null, contentHash: null, nextFetchAt: null });
  }
  if (options.resetFetchState) {
    Object.assign(set, {
      lastSuccessAt: null,
      lastErrorAt: null,
      lastError: null,
      lastErrorCode: null,
      consecutiveFailures: 0,
      failingSince: null,
    });
  }
  if (options.dueNow) set.nextFetchAt = null;
  if (Object.keys(set).length === 0) return getSource(db, id);
  const [row] = await db.update(sources).set(set).where(eq(sources.id, id)).returning();
  return row ? toSource(row) : null;
}

/** Returns the number of sources stored. */
export async function countSources(db: Db): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(sources);
  return row?.count ?? 0;
}

/** Records a successful fetch: clears the error state and remembers the caching validators. */
export async function recordSourceSuccess(
  db: Db,
  id: number,
  result: { etag: string | null; lastModified: string | null; at: Date; nextFetchAt: Date },
): Promise<void> {
  await db
    .update(sources)
    .set({
      etag: result.etag,
      lastModified: result.lastModified,
      lastSuccessAt: result.at,
      consecutiveFailures: 0,
      failingSince: null,
      lastError: null,
      lastErrorCode: null,
      nextFetchAt: result.nextFetchAt,
    })
    .where(eq(sources.id, id));
}

/** Records a failed fetch with its reason, so staff see why on the sources page. */
export async function recordSourceFailure(
  db: Db,
  id: number,
  failure: { code: string; message: string; at: Date; nextFetchAt: Date },
): Promise<void> {
  await db
    .update(sources)
    .set({
      lastErrorAt: failure.at,
      lastError: failure.message.slice(0, 2000),
      lastErrorCode: failure.code,
      consecutiveFailures: sql`${sources.consecutiveFailures} + 1`,
      failingSince: sql`coalesce(${sources.failingSince}, ${failure.at.toISOString()}::timestamptz)`,
      nextFetchAt: failure.nextFetchAt,
    })
    .where(eq(sources.id, id));
}

/** Returns the ids of enabled fetchable sources whose next try has come (or was never set). */
export async function listDueSourceIds(db: Db, now: Date): Promise<number[]> {
  const rows = await db
    .select({ id: sources.id })
    .from(sources)
    .where(
      sql`${sources.enabled} and ${sources.kind} in ('rss', 'html') and ${sources.url} is not null
        and (${sources.nextFetchAt} is null or ${sources.nextFetchAt} <= ${now.toISOString()}::timestamptz)`,
    )
    .orderBy(asc(sources.nextFetchAt));
  return rows.map((row) => row.id);
}
