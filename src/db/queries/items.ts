// Reads and writes of collected items: the triage list, one item, triage changes and their audit trail, new items.
import { and, asc, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Classification, Label } from '../../domain/classification.ts';
import type { ClusterMember, DismissReason, Item, ItemStatus, StatusFilter, TriageEvent, Verdict } from '../../domain/item.ts';
import { TRIAGE_ROLES } from '../../domain/user.ts';
import { canChangeStatus } from '../../domain/item.ts';
import type { Db } from '../client.ts';
import { clusters, items, sources, triageEvents, users } from '../schema.ts';

export type ItemOrder = 'priority' | 'newest';

export interface ItemFilters {
  status: StatusFilter;
  label?: Label;
  sourceId?: number;
  from?: Date;
  to?: Date;
  /** Already folded (lowercase, no diacritics) by the caller, so it matches with or without them. */
  foldedQuery?: string;
  order: ItemOrder;
  /** Open items whose response deadline has passed, earliest deadline first (the order is ignored). */
  overdue?: boolean;
  /** The instant "overdue" is measured at (default: now). */
  now?: Date;
  cursor?: string;
  limit: number;
}

/** An item with who it is assigned to (null: nobody) and when a response is due (null: no deadline). */
export type TriageItem = Item & { assigneeId: number | null; dueAt: Date | null };

export interface ItemPage {
  items: TriageItem[];
  nextCursor: string | null;
}

const LIST_BODY_CHARS = 400;

const itemColumns = {
  id: items.id,
  sourceId: items.sourceId,
  sourceName: sources.name,
  keyHash: items.keyHash,
  url: items.url,
  title: items.title,
  author: items.author,
  publishedAt: items.publishedAt,
  collectedAt: items.collectedAt,
  sortAt: items.sortAt,
  labels: items.labels,
  classification: items.classification,
  priority: items.priority,
  status: items.status,
  verdict: items.verdict,
  dismissReason: items.dismissReason,
  revisionState: items.revisionState,
  clusterId: items.clusterId,
  version: items.version,
  assigneeId: items.assigneeId,
  dueAt: items.dueAt,
};

type ItemRow = {
  [K in keyof typeof itemColumns]: (typeof itemColumns)[K]['_']['data'] extends infer T
    ? (typeof itemColumns)[K]['_']['notNull'] extends true
      ? T
      : T | null
    : never;
} & { body: string; clusterSize: number };

// How many items tell the story: needs the left join on clusters.
const clusterSize = sql<number>`coalesce(${clusters.size}, 1)`.mapWith(Number);

function toItem(row: ItemRow): TriageItem {
  return {
    id: Number(row.id),
    sourceId: row.sourceId,
    sourceName: row.sourceName,
    keyHash: row.keyHash,
    url: row.url,
    title: row.title,
    body: row.body,
    author: row.author,
    publishedAt: row.publishedAt,
    collectedAt: row.collectedAt,
    labels: row.labels,
    classification: row.classification,
    priority: row.priority,
    status: row.status,
    verdict: row.verdict,
    dismissReason: row.dismissReason,
    revisionState: row.revisionState,
    clusterId: row.clusterId === null ? null : Number(row.clusterId),
    clusterSize: row.clusterSize,
    version: row.version,
    assigneeId: row.assigneeId,
    dueAt: row.dueAt,
  };
}

interface Cursor {
  p?: number;
  /** The overdue view's position: its due_at. */
  d?: string;
  t: string;
  i: number;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** Returns the decoded cursor, or null when it is not one this code wrote. */
export function decodeCursor(value: string): Cursor | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { p, t, i } = parsed as Record<string, unknown>;
    if (typeof t !== 'string' || Number.isNaN(Date.parse(t)) || !Number.isSafeInteger(i)) return null;
    if (p !== undefined && !Number.isSafeInteger(p)) return null;
    const { d } = parsed as Record<string, unknown>;
    if (d !== undefined && (typeof d !== 'string' || Number.isNaN(Date.parse(d)))) return null;
    return { p: p as number | undefined, d: d as string | undefined, t, i: i as number };
  } catch {
    return null;
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

// The queue page shows no text: it asks for none (an empty body), the JSON list for the first characters.
function selectQueueRows(db: Db, withBody: boolean) {
  const body = withBody ? sql<string>`left(${items.body}, ${LIST_BODY_CHARS})` : sql<string>`''`;
  return db
    .select({ ...itemColumns, clusterSize, body })
    .from(items)
    .innerJoin(sources, eq(sources.id, items.sourceId))
    .leftJoin(clusters, eq(clusters.id, items.clusterId));
}

/** The first page of the default queue and of the overdue view: what staff open most, so prepared once. */
type HotQuery = 'open_priority' | 'overdue';
type HotKey = `${HotQuery}_${'body' | 'nobody'}`;

function hotQueryOf(filters: ItemFilters, cursor: Cursor | null): HotQuery | null {
  if (cursor || filters.label || filters.sourceId !== undefined || filters.from || filters.to || filters.foldedQuery) return null;
  if (filters.overdue) return 'overdue';
  return filters.status === 'open' && filters.order === 'priority' ? 'open_priority' : null;
}

// Built once per database handle: building the select (columns, joins, conditions) cost a large
// share of the app's CPU per queue page. Same SQL as the general path below.
const preparedQueries = new WeakMap<Db, Map<HotKey, ReturnType<typeof prepareQueueQuery>>>();

function prepareQueueQuery(db: Db, hot: HotQuery, withBody: boolean) {
  const representative = sql`(${items.clusterId} is null or ${clusters.representativeItemId} = ${items.id})`;
  const query =
    hot === 'overdue'
      ? selectQueueRows(db, withBody)
          .where(
            and(
              representative,
              sql`${items.status} in ('new', 'in_review') and ${items.dueAt} is not null and ${items.dueAt} < ${sql.placeholder('now')}::timestamptz`,
            ),
          )
          .orderBy(asc(items.dueAt), asc(items.id))
      : selectQueueRows(db, withBody)
          .where(and(representative, sql`${items.status} in ('new', 'in_review')`))
          .orderBy(desc(items.priority), desc(items.sortAt), desc(items.id));
  return query.limit(sql.placeholder('limit')).prepare(`items_queue_${hot}_${withBody ? 'body' : 'nobody'}`);
}

function preparedQueueQuery(db: Db, hot: HotQuery, withBody: boolean) {
  let byName = preparedQueries.get(db);
  if (!byName) preparedQueries.set(db, (byName = new Map()));
  const key: HotKey = `${hot}_${withBody ? 'body' : 'nobody'}`;
  let prepared = byName.get(key);
  if (!prepared) byName.set(key, (prepared = prepareQueueQuery(db, hot, withBody)));
  return prepared;
}

/**
 * Returns one page of items matching the filters, in queue order, with a cursor for the next page;
 * each with the first characters of its text, or an empty body when `withBody` is false.
 */
export async function listItems(db: Db, filters: ItemFilters, { withBody = true }: { withBody?: boolean } = {}): Promise<ItemPage> {
  // A story told by several sources is one case: the queue shows its first-collected item.
  const conditions: SQL[] = [sql`(${items.clusterId} is null or ${clusters.representativeItemId} = ${items.id})`];
  if (filters.overdue) {
    // Matches the partial index items_overdue_idx: open items with a deadline, earliest first.
    const now = (filters.now ?? new Date()).toISOString();
    conditions.push(sql`${items.status} in ('new', 'in_review') and ${items.dueAt} is not null and ${items.dueAt} < ${now}::timestamptz`);
  } else if (filters.status === 'open') conditions.push(sql`${items.status} in ('new', 'in_review')`);
  else if (filters.status !== 'all') conditions.push(eq(items.status, filters.status));
  if (filters.label) conditions.push(sql`${items.labels} @> array[${filters.label}]::text[]`);
  if (filters.sourceId !== undefined) conditions.push(eq(items.sourceId, filters.sourceId));
  if (filters.from) conditions.push(gte(items.sortAt, filters.from));
  if (filters.to) conditions.push(lte(items.sortAt, filters.to));
  if (filters.foldedQuery) {
    conditions.push(sql`${items.searchText} like ${`%${escapeLike(filters.foldedQuery)}%`}`);
  }
  const cursor = filters.cursor ? decodeCursor(filters.cursor) : null;
  if (cursor) {
    // Row comparisons let the index jump straight to the cursor (all keys sort the same way).
    const at = sql`${new Date(cursor.t).toISOString()}::timestamptz`;
    if (filters.overdue && cursor.d !== undefined) {
      conditions.push(sql`(${items.dueAt}, ${items.id}) > (${new Date(cursor.d).toISOString()}::timestamptz, ${cursor.i})`);
    } else if (filters.order === 'priority' && cursor.p !== undefined) {
      conditions.push(sql`(${items.priority}, ${items.sortAt}, ${items.id}) < (${cursor.p}, ${at}, ${cursor.i})`);
    } else {
      conditions.push(sql`(${items.sortAt}, ${items.id}) < (${at}, ${cursor.i})`);
    }
  }
  const order = filters.overdue
    ? [asc(items.dueAt), asc(items.id)]
    : filters.order === 'priority'
      ? [desc(items.priority), desc(items.sortAt), desc(items.id)]
      : [desc(items.sortAt), desc(items.id)];
  const hot = hotQueryOf(filters, cursor);
  const rows = hot
    ? await preparedQueueQuery(db, hot, withBody).execute({ limit: filters.limit + 1, now: (filters.now ?? new Date()).toISOString() })
    : await selectQueueRows(db, withBody)
        .where(and(...conditions))
        .orderBy(...order)
        .limit(filters.limit + 1);
  const page = rows.slice(0, filters.limit);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > filters.limit && last
      ? encodeCursor({
          p: filters.order === 'priority' && !filters.overdue ? last.priority : undefined,
          d: filters.overdue ? last.dueAt?.toISOString() : undefined,
          t: last.sortAt.toISOString(),
          i: Number(last.id),
        })
      : null;
  return { items: page.map(toItem), nextCursor };
}

// Both run on every queue page: built and prepared once per database handle.
function prepareHeaderQueries(db: Db) {
  return {
    // The partial index items_overdue_idx holds (due_at, id, cluster_id), so the scan reads the index only;
    // a clustered item costs one primary-key probe of its cluster (a left join read one heap page per
    // overdue item: ~6,400 buffers at a million items, against ~400).
    overdueCount: db
      .select({ count: sql<number>`count(*)::int` })
      .from(items)
      .where(
        sql`${items.status} in ('new', 'in_review') and ${items.dueAt} is not null and ${items.dueAt} < ${sql.placeholder('now')}::timestamptz
          and (${items.clusterId} is null
            or ${items.id} = (select ${clusters.representativeItemId} from ${clusters} where ${clusters.id} = ${items.clusterId}))`,
      )
      .prepare('items_overdue_count'),
    sourceNames: db.select({ id: sources.id, name: sources.name }).from(sources).orderBy(asc(sources.id)).prepare('items_source_names'),
    // Both in one round trip: each query costs the app a socket write and a reply to parse.
    header: db
      .select({
        overdueCount: sql<number>`(select count(*)::int from ${items}
          where ${items.status} in ('new', 'in_review') and ${items.dueAt} is not null and ${items.dueAt} < ${sql.placeholder('now')}::timestamptz
            and (${items.clusterId} is null
              or ${items.id} = (select ${clusters.representativeItemId} from ${clusters} where ${clusters.id} = ${items.clusterId})))`,
        sources: sql<Array<{ id: number; name: string }> | null>`(select json_agg(json_build_object('id', ${sources.id}, 'name', ${sources.name}) order by ${sources.id}) from ${sources})`,
      })
      .from(sql`(select 1) as one`)
      .prepare('items_queue_header'),
  };
}

const headerQueries = new WeakMap<Db, ReturnType<typeof prepareHeaderQueries>>();

function headerQueriesOf(db: Db): ReturnType<typeof prepareHeaderQueries> {
  let prepared = headerQueries.get(db);
  if (!prepared) headerQueries.set(db, (prepared = prepareHeaderQueries(db)));
  return prepared;
}

/** What the queue page shows above the list: the overdue count and the sources for the filter form. */
export interface QueueHeader {
  overdueCount: number;
  sources: Array<{ id: number; name: string }>;
}

/** Returns countOverdueItems and listSourceNames together, in one query. */
export async function getQueueHeader(db: Db, now: Date = new Date()): Promise<QueueHeader> {
  const [row] = await headerQueriesOf(db).header.execute({ now: now.toISOString() });
  return { overdueCount: Number(row?.overdueCount ?? 0), sources: row?.sources ?? [] };
}

/** Returns how many open items (as the overdue view shows them: one per cluster) are past their deadline. */
export async function countOverdueItems(db: Db, now: Date = new Date()): Promise<number> {
  const [row] = await headerQueriesOf(db).overdueCount.execute({ now: now.toISOString() });
  return row?.count ?? 0;
}

/** The sources as the queue's filter form lists them: id and name only, in id order. */
export async function listSourceNames(db: Db): Promise<Array<{ id: number; name: string }>> {
  return headerQueriesOf(db).sourceNames.execute();
}

/** Returns the item with its full text, or null. */
export async function getItem(db: Db, id: number): Promise<TriageItem | null> {
  const [row] = await db
    .select({ ...itemColumns, clusterSize, body: items.body })
    .from(items)
    .innerJoin(sources, eq(sources.id, items.sourceId))
    .leftJoin(clusters, eq(clusters.id, items.clusterId))
    .where(eq(items.id, id));
  return row ? toItem(row) : null;
}

/** An item ready to store, as the pipeline builds it. */
export interface NewItem {
  sourceId: number;
  keyHash: string;
  url: string | null;
  title: string;
  body: string;
  author: string | null;
  publishedAt: Date | null;
  collectedAt: Date;
  searchText: string;
  contentHash: string;
  labels: Label[];
  classification: Classification;
  priority: number;
  /** Flagged articles are re-fetched until then to notice corrections and takedowns. */
  recheckUntil?: Date | null;
  /** When a response is due (see dueAtFor); null or missing: no deadline. */
  dueAt?: Date | null;
}

/** Returns which of these keys the source already has. */
export async function findExistingKeys(db: Db, sourceId: number, keyHashes: string[]): Promise<Set<string>> {
  if (keyHashes.length === 0) return new Set();
  const rows = await db
    .select({ keyHash: items.keyHash })
    .from(items)
    .where(and(eq(items.sourceId, sourceId), inArray(items.keyHash, keyHashes)));
  return new Set(rows.map((row) => row.keyHash));
}

/** Stores new items, skipping any key the source already has; returns how many were stored. */
export async function insertNewItems(db: Db, newItems: NewItem[]): Promise<number> {
  if (newItems.length === 0) return 0;
  let stored = 0;
  // One JSON parameter per batch, spread into rows by the server: building a multi-row insert
  // with a parameter per field cost the workers more CPU than classifying the items.
  for (let start = 0; start < newItems.length; start += 500) {
    const rows = newItems.slice(start, start + 500).map((item) => ({
      source_id: item.sourceId,
      key_hash: item.keyHash,
      url: item.url,
      title: item.title,
      body: item.body,
      author: item.author,
      published_at: item.publishedAt?.toISOString() ?? null,
      collected_at: item.collectedAt.toISOString(),
      sort_at: (item.publishedAt && item.publishedAt <= item.collectedAt ? item.publishedAt : item.collectedAt).toISOString(),
      search_text: item.searchText,
      content_hash: item.contentHash,
      labels: item.labels,
      classification: item.classification,
      classifier_version: item.classification.version,
      priority: item.priority,
      recheck_until: item.recheckUntil?.toISOString() ?? null,
      due_at: item.dueAt?.toISOString() ?? null,
    }));
    const result = await db.execute(sql`
      insert into items (source_id, key_hash, url, title, body, author, published_at, collected_at, sort_at,
        search_text, content_hash, labels, classification, classifier_version, priority, recheck_until, due_at)
      select source_id, key_hash, url, title, body, author, published_at, collected_at, sort_at,
        search_text, content_hash, labels, classification, classifier_version, priority, recheck_until, due_at
      from json_populate_recordset(null::items, ${JSON.stringify(rows)}::json)
      on conflict (source_id, key_hash) do nothing
      returning id`);
    stored += rowCount(result);
  }
  return stored;
}

// postgres.js answers an array of rows, PGlite an object with `rows`.
function rowCount(result: unknown): number {
  if (Array.isArray(result)) return result.length;
  const rows = (result as { rows?: unknown[] }).rows;
  return rows?.length ?? 0;
}

export type ItemChangeOutcome =
  | { kind: 'changed'; item: TriageItem }
  | { kind: 'not_found' }
  | { kind: 'conflict'; currentVersion: number }
  | { kind: 'invalid_transition'; from: ItemStatus }
  | { kind: 'unknown_assignee' };
/** The outcome of a status change (kept for callers that change only the status). */
export type StatusChange = ItemChangeOutcome;

/** A triage change: any of status, verdict, assignee, plus an optional note. */
export interface ItemChange {
  id: number;
  status?: ItemStatus;
  dismissReason?: DismissReason | null;
  /** null clears the verdict. */
  verdict?: Verdict | null;
  /** null unassigns; the user must be an active triage user. */
  assigneeId?: number | null;
  note?: string | null;
  expectedVersion?: number;
  userId: number;
}

/**
 * Returns the changed item after applying the change in one transaction: refuses stale versions,
 * disallowed status moves and unknown assignees; logs one event per changed field (a note alone is one event).
 */
export async function changeItem(db: Db, change: ItemChange): Promise<ItemChangeOutcome> {
  const outcome = await db.transaction(async (tx) => {
    const [current] = await tx
      .select({ status: items.status, verdict: items.verdict, assigneeId: items.assigneeId, version: items.version })
      .from(items)
      .where(eq(items.id, change.id))
      .for('update');
    if (!current) return { kind: 'not_found' } as const;
    if (change.expectedVersion !== undefined && change.expectedVersion !== current.version) {
      return { kind: 'conflict', currentVersion: current.version } as const;
    }
    if (change.status !== undefined && !canChangeStatus(current.status, change.status)) {
      return { kind: 'invalid_transition', from: current.status } as const;
    }
    const names = new Map<number, string>();
    const wantedAssignee = change.assigneeId;
    const assigneeIds = [current.assigneeId, wantedAssignee].filter((id): id is number => typeof id === 'number');
    if (assigneeIds.length > 0) {
      const rows = await tx
        .select({ id: users.id, username: users.username, role: users.role, disabled: users.disabled })
        .from(users)
        .where(inArray(users.id, assigneeIds));
      for (const row of rows) names.set(row.id, row.username);
      if (typeof wantedAssignee === 'number' && wantedAssignee !== current.assigneeId) {
        const assignee = rows.find((row) => row.id === wantedAssignee);
        if (!assignee || assignee.disabled || !TRIAGE_ROLES.includes(assignee.role)) return { kind: 'unknown_assignee' } as const;
      }
    }
    const note = change.note?.trim() || null;
    const set: Partial<typeof items.$inferInsert> = {};
    const events: Array<{ field: string; fromValue: string | null; toValue: string | null; note: string | null }> = [];
    if (change.status !== undefined && change.status !== current.status) {
      const reason = change.status === 'dismissed' ? (change.dismissReason ?? null) : null;
      set.status = change.status;
      set.dismissReason = reason;
      events.push({
        field: 'status',
        fromValue: current.status,
        toValue: change.status,
        note: [reason, note].filter(Boolean).join(' · ') || null,
      });
    }
    if (change.verdict !== undefined && change.verdict !== current.verdict) {
      set.verdict = change.verdict;
      events.push({ field: 'verdict', fromValue: current.verdict, toValue: change.verdict, note });
    }
    if (wantedAssignee !== undefined && wantedAssignee !== current.assigneeId) {
      set.assigneeId = wantedAssignee;
      const nameOf = (id: number | null) => (id === null ? null : (names.get(id) ?? `#${id}`));
      events.push({ field: 'assignee', fromValue: nameOf(current.assigneeId), toValue: nameOf(wantedAssignee), note });
    }
    if (events.length === 0 && note) events.push({ field: 'note', fromValue: null, toValue: null, note });
    if (events.length === 0) return { kind: 'unchanged' } as const;
    await tx
      .update(items)
      .set({ ...set, version: sql`${items.version} + 1`, updatedAt: sql`now()` })
      .where(eq(items.id, change.id));
    await tx.insert(triageEvents).values(events.map((event) => ({ ...event, itemId: change.id, userId: change.userId })));
    return { kind: 'updated' } as const;
  });
  if (outcome.kind !== 'updated' && outcome.kind !== 'unchanged') return outcome;
  const item = await getItem(db, change.id);
  return item ? { kind: 'changed', item } : { kind: 'not_found' };
}

/** Changes an item's status and logs the event in one transaction; refuses stale versions. */
export async function changeItemStatus(
  db: Db,
  change: {
    id: number;
    status: ItemStatus;
    dismissReason?: DismissReason | null;
    expectedVersion?: number;
    userId: number;
    note?: string | null;
  },
): Promise<StatusChange> {
  return changeItem(db, change);
}

/** One audit-trail entry with the item it belongs to, for exports. */
export interface ExportedEvent extends TriageEvent {
  itemTitle: string;
}


// An event with the name of who made it: the audit trail on the item and in exports.
const eventColumns = {
  id: triageEvents.id,
  itemId: triageEvents.itemId,
  userId: triageEvents.userId,
  username: users.username,
  at: triageEvents.at,
  field: triageEvents.field,
  fromValue: triageEvents.fromValue,
  toValue: triageEvents.toValue,
  note: triageEvents.note,
};

/** Returns the audit trail of all items between two instants (either open), oldest first, at most `limit` rows. */
export async function listEventsBetween(
  db: Db,
  range: { from?: Date; to?: Date; itemId?: number; limit: number },
): Promise<ExportedEvent[]> {
  const conditions: SQL[] = [];
  if (range.from) conditions.push(gte(triageEvents.at, range.from));
  if (range.to) conditions.push(lte(triageEvents.at, range.to));
  if (range.itemId !== undefined) conditions.push(eq(triageEvents.itemId, range.itemId));
  const rows = await db
    .select({ ...eventColumns, itemTitle: items.title })
    .from(triageEvents)
    .innerJoin(items, eq(items.id, triageEvents.itemId))
    .leftJoin(users, eq(users.id, triageEvents.userId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(triageEvents.at, triageEvents.id)
    .limit(range.limit);
  return rows.map((row) => ({ ...row, id: Number(row.id), itemId: Number(row.itemId) }));
}

/** Returns the item's audit trail, oldest first, with who made each change. */
export async function listItemEvents(db: Db, itemId: number): Promise<TriageEvent[]> {
  return db
    .select(eventColumns)
    .from(triageEvents)
    .leftJoin(users, eq(users.id, triageEvents.userId))
    .where(eq(triageEvents.itemId, itemId))
    .orderBy(triageEvents.at, triageEvents.id);
}

/** What reclassification reads of an item. */
export interface ItemText {
  id: number;
  title: string;
  body: string;
  classifierVersion: string | null;
}

/** Returns up to `limit` items with ids above `afterId` not labelled by `version`, in id order, with their text. */
export async function listItemTexts(db: Db, afterId: number, limit: number, version: string): Promise<ItemText[]> {
  const rows = await db
    .select({ id: items.id, title: items.title, body: items.body, classifierVersion: items.classifierVersion })
    .from(items)
    .where(sql`${items.id} > ${afterId} and ${items.classifierVersion} is distinct from ${version}`)
    .orderBy(items.id)
    .limit(limit);
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

/** Returns how many items were labelled by another classifier version than this one. */
export async function countItemsNotAt(db: Db, version: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(items)
    .where(sql`${items.classifierVersion} is distinct from ${version}`);
  return row?.count ?? 0;
}

/** Stores new classifications (labels, spans, priority, version) for several items in one transaction. */
export async function updateItemClassifications(
  db: Db,
  updates: Array<{ id: number; labels: Label[]; classification: Classification; priority: number }>,
): Promise<void> {
  if (updates.length === 0) return;
  await db.transaction(async (tx) => {
    for (const update of updates) {
      await tx
        .update(items)
        .set({
          labels: update.labels,
          classification: update.classification,
          classifierVersion: update.classification.version,
          priority: update.priority,
        })
        .where(eq(items.id, update.id));
    }
  });
}

/** Returns the items of a cluster, oldest first. */
export async function listClusterMembers(db: Db, clusterId: number): Promise<ClusterMember[]> {
  const rows = await db
    .select({
      id: items.id,
      title: items.title,
      sourceName: sources.name,
      url: items.url,
      publishedAt: items.publishedAt,
      status: items.status,
    })
    .from(items)
    .innerJoin(sources, eq(sources.id, items.sourceId))
    .where(eq(items.clusterId, clusterId))
    .orderBy(items.sortAt, items.id)
    .limit(200);
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}
