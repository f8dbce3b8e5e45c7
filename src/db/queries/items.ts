// Reads and writes of collected items: the triage list, one item, triage changes and their audit trail, new items.
import { and, asc, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Classification, ExplanationSpan, Label } from '../../domain/classification.ts';
import type { SavedView } from '../../domain/saved-view.ts';
import type { SourceKind } from '../../domain/source.ts';
import type { ClusterMember, DismissReason, Item, ItemStatus, StatusFilter, TriageEvent, Verdict } from '../../domain/item.ts';
import { TRIAGE_ROLES } from '../../domain/user.ts';
import { canChangeStatus } from '../../domain/item.ts';
import type { Db } from '../client.ts';
import { preparedPerDatabase } from '../prepare-once.ts';
import { clusters, items, sources, triageEvents, users } from '../schema.ts';
import { savedViewsFromJson, savedViewsJson } from './saved-views.ts';

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

/** Returns the value with LIKE's wildcards and escape character escaped. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** How many letter–number joins of a search are tried both ways (2^n patterns at most). */
const MAX_SEARCH_JOINS = 3;

/**
 * Returns the LIKE patterns of a folded search: where a letter meets a number, with or without one
 * space between (`lop10`, `lop 10`), both spellings match, so `lớp10` finds `lớp 10` and back.
 * Joins past MAX_SEARCH_JOINS are matched as typed.
 */
export function searchPatterns(folded: string): string[] {
  // Texts and the spaces found at the joins, alternately: [text, space, text, space, text…].
  const pieces = folded.split(/(?<=\p{L})( ?)(?=\p{N})|(?<=\p{N})( ?)(?=\p{L})/u).filter((piece) => piece !== undefined);
  let patterns = [escapeLike(pieces[0] ?? '')];
  for (let index = 1; index + 1 < pieces.length; index += 2) {
    const text = escapeLike(pieces[index + 1]!);
    const join = (index + 1) / 2;
    patterns =
      join > MAX_SEARCH_JOINS
        ? patterns.map((pattern) => `${pattern}${pieces[index]}${text}`)
        : patterns.flatMap((pattern) => [`${pattern}${text}`, `${pattern} ${text}`]);
  }
  return patterns.map((pattern) => `%${pattern}%`);
}

// The JSON list shows the first characters of each item's text (the queue page reads getQueuePage).
function selectQueueRows(db: Db) {
  const body = sql<string>`left(${items.body}, ${LIST_BODY_CHARS})`;
  return db
    .select({ ...itemColumns, clusterSize, body })
    .from(items)
    .innerJoin(sources, eq(sources.id, items.sourceId))
    .leftJoin(clusters, eq(clusters.id, items.clusterId));
}

/** The first page of the default queue and of the overdue view: what staff open most, so prepared once. */
type HotQuery = 'open_priority' | 'overdue';

function hotQueryOf(filters: ItemFilters, cursor: Cursor | null): HotQuery | null {
  if (cursor || filters.label || filters.sourceId !== undefined || filters.from || filters.to || filters.foldedQuery) return null;
  if (filters.overdue) return 'overdue';
  return filters.status === 'open' && filters.order === 'priority' ? 'open_priority' : null;
}

// The instant deadlines are compared with, as a one-row subquery: PostgreSQL then plans a prepared
// statement once for every instant and keeps that plan (a generic plan). Given the value itself, it
// plans the statement anew on every call, which cost more than running it. The page size is written
// into the statement for the same reason (a LIMIT parameter keeps it from using the generic plan);
// it is one of a few values, each prepared once.
const instantOf = (now: unknown): SQL => sql`(select ${now}::timestamptz)`;

function checkedLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`items: a page limit must be a positive integer, got ${limit}`);
  return limit;
}

// Built once per database handle: building the select (columns, joins, conditions) cost a large
// share of the app's CPU per queue page. Same SQL as the general path below.
function prepareQueueQuery(db: Db, hot: HotQuery, limit: number) {
  const representative = sql`(${items.clusterId} is null or ${clusters.representativeItemId} = ${items.id})`;
  const query =
    hot === 'overdue'
      ? selectQueueRows(db)
          .where(
            and(
              representative,
              sql`${items.status} in ('new', 'in_review') and ${items.dueAt} is not null and ${items.dueAt} < ${instantOf(sql.placeholder('now'))}`,
            ),
          )
          .orderBy(asc(items.dueAt), asc(items.id))
      : selectQueueRows(db)
          .where(and(representative, sql`${items.status} in ('new', 'in_review')`))
          .orderBy(desc(items.priority), desc(items.sortAt), desc(items.id));
  // A literal LIMIT (see instantOf): the builder would send a number as a parameter.
  return query.limit(sql.raw(String(limit)) as unknown as number).prepare(`items_queue_${hot}_${limit}`);
}

const preparedQueueQuery = preparedPerDatabase(prepareQueueQuery, (hot: HotQuery, limit: number) => `${hot}_${checkedLimit(limit)}`);

/** The queue's conditions for the filters (and the cursor's position), shared by the JSON list and the page. */
function queueConditions(filters: ItemFilters, cursor: Cursor | null): SQL[] {
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
    const matches = searchPatterns(filters.foldedQuery).map((pattern) => sql`${items.searchText} like ${pattern}`);
    conditions.push(matches.length === 1 ? matches[0]! : sql`(${sql.join(matches, sql` or `)})`);
  }
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
  return conditions;
}

type OrderKey = 'priority' | 'sortAt' | 'dueAt' | 'id';
const ORDER_COLUMNS = { priority: items.priority, sortAt: items.sortAt, dueAt: items.dueAt, id: items.id } as const;

/** The queue order as (key, direction) pairs: the overdue view by deadline, else by priority or by recency. */
function queueOrderKeys(filters: ItemFilters): Array<[OrderKey, 'asc' | 'desc']> {
  return filters.overdue
    ? [['dueAt', 'asc'], ['id', 'asc']]
    : filters.order === 'priority'
      ? [['priority', 'desc'], ['sortAt', 'desc'], ['id', 'desc']]
      : [['sortAt', 'desc'], ['id', 'desc']];
}

function orderBy(keys: Array<[OrderKey, 'asc' | 'desc']>): SQL[] {
  return keys.map(([key, direction]) => (direction === 'asc' ? asc(ORDER_COLUMNS[key]) : desc(ORDER_COLUMNS[key])));
}

/** Returns the cursor after the last row of the page, or null when `rows` (one more than a page) holds no more. */
function nextCursorOf(
  filters: ItemFilters,
  rows: readonly { priority: number; dueAt: Date | null; sortAt: Date; id: number | bigint }[],
): string | null {
  const last = rows.length > filters.limit ? rows[filters.limit - 1] : undefined;
  return last
    ? encodeCursor({
        p: filters.order === 'priority' && !filters.overdue ? last.priority : undefined,
        d: filters.overdue ? last.dueAt?.toISOString() : undefined,
        t: last.sortAt.toISOString(),
        i: Number(last.id),
      })
    : null;
}

/**
 * Returns one page of items matching the filters, in queue order, with a cursor for the next page;
 * each with the first characters of its text.
 */
export async function listItems(db: Db, filters: ItemFilters): Promise<ItemPage> {
  const cursor = filters.cursor ? decodeCursor(filters.cursor) : null;
  const hot = hotQueryOf(filters, cursor);
  const rows = hot
    ? await preparedQueueQuery(db, hot, filters.limit + 1).execute({ now: (filters.now ?? new Date()).toISOString() })
    : await selectQueueRows(db)
        .where(and(...queueConditions(filters, cursor)))
        .orderBy(...orderBy(queueOrderKeys(filters)))
        .limit(filters.limit + 1);
  return { items: rows.slice(0, filters.limit).map(toItem), nextCursor: nextCursorOf(filters, rows) };
}

/**
 * The open items (one per cluster, as the overdue view shows them) past their deadline at `now`.
 * The partial index items_overdue_idx holds (due_at, id, cluster_id), so the scan reads the index only;
 * a clustered item costs one primary-key probe of its cluster (a left join read one heap page per
 * overdue item: ~6,400 buffers at a million items, against ~400).
 */
function overdueWhere(now: SQL): SQL {
  return sql`${items.status} in ('new', 'in_review') and ${items.dueAt} is not null and ${items.dueAt} < ${now}
    and (${items.clusterId} is null
      or ${items.id} = (select ${clusters.representativeItemId} from ${clusters} where ${clusters.id} = ${items.clusterId}))`;
}

// The count runs for the alerts on every pass: built and prepared once per database handle.
const preparedOverdueCount = preparedPerDatabase((db: Db) =>
  db
    .select({ count: sql<number>`count(*)::int` })
    .from(items)
    .where(overdueWhere(instantOf(sql.placeholder('now'))))
    .prepare('items_overdue_count'),
);

/** Returns how many open items (as the overdue view shows them: one per cluster) are past their deadline. */
export async function countOverdueItems(db: Db, now: Date = new Date()): Promise<number> {
  const [row] = await preparedOverdueCount(db).execute({ now: now.toISOString() });
  return row?.count ?? 0;
}

/** An item as the queue page lists it: what its row shows, and its place in the queue (for the next-page link). */
export interface QueueRow {
  id: number;
  title: string;
  sourceName: string;
  /** How many items (from all sources) tell this story; 1 when it stands alone. */
  clusterSize: number;
  publishedAt: Date | null;
  collectedAt: Date;
  sortAt: Date;
  dueAt: Date | null;
  priority: number;
  status: ItemStatus;
  verdict: Verdict | null;
  labels: Label[];
  /** Only the matched words of the classification: the row shows why the item was flagged. */
  classification: Pick<Classification, 'spans'> | null;
}

/** Everything the queue page shows from the database: one page of rows, the header and the person's saved views. */
export interface QueuePage {
  items: QueueRow[];
  nextCursor: string | null;
  /** Open items past their deadline (countOverdueItems). */
  overdueCount: number;
  /** The sources for the filter form: id and name, in id order. */
  sources: Array<{ id: number; name: string }>;
  savedViews: SavedView[];
}

interface QueueRowJson extends Omit<QueueRow, 'publishedAt' | 'collectedAt' | 'sortAt' | 'dueAt' | 'classification'> {
  publishedAt: string | null;
  collectedAt: string;
  sortAt: string;
  dueAt: string | null;
  spans: ExplanationSpan[] | null;
}

interface QueuePageRow {
  rows: QueueRowJson[] | string;
  overdueCount: number;
  sources: Array<{ id: number; name: string }> | string | null;
  views: unknown;
}

/**
 * The whole queue page in one statement: its rows as one JSON array (the columns a row shows, in
 * queue order), the overdue count, the sources and the person's saved views. One round trip instead
 * of three, and one JSON value to parse instead of a row mapper per column: both cost the app's CPU
 * on every page view more than PostgreSQL spends running them.
 */
function queuePageStatement(db: Db, where: SQL, orderKeys: Array<[OrderKey, 'asc' | 'desc']>, limit: SQL, now: SQL, userId: unknown) {
  const innerOrder = sql.join(orderBy(orderKeys), sql`, `);
  // json_agg keeps the queue order by its own ORDER BY (a sorted subquery alone does not promise it).
  const outerOrder = sql.raw(orderKeys.map(([key, direction]) => `r."${key}" ${direction}`).join(', '));
  const rows = sql`(select coalesce(json_agg(r order by ${outerOrder}), '[]'::json) from (
    select ${items.id} as "id", ${items.title} as "title", ${sources.name} as "sourceName", coalesce(${clusters.size}, 1) as "clusterSize",
      ${items.publishedAt} as "publishedAt", ${items.collectedAt} as "collectedAt", ${items.sortAt} as "sortAt", ${items.dueAt} as "dueAt",
      ${items.priority} as "priority", ${items.status} as "status", ${items.verdict} as "verdict", ${items.labels} as "labels",
      ${items.classification}->'spans' as "spans"
    from ${items}
    inner join ${sources} on ${sources.id} = ${items.sourceId}
    left join ${clusters} on ${clusters.id} = ${items.clusterId}
    where ${where}
    order by ${innerOrder}
    limit ${limit}) r)`;
  const overdueCount = sql`(select count(*)::int from ${items} where ${overdueWhere(now)})`;
  const sourceList = sql`(select json_agg(json_build_object('id', ${sources.id}, 'name', ${sources.name}) order by ${sources.id}) from ${sources})`;
  // Each column is a nested fragment: drizzle would strip the table names of columns written at the
  // top level of a one-table select, and the joins need them.
  return db
    .select({
      rows: sql<QueueRowJson[] | string>`${rows}`,
      overdueCount: sql<number>`${overdueCount}`,
      sources: sql<Array<{ id: number; name: string }> | string | null>`${sourceList}`,
      views: sql<unknown>`${savedViewsJson(userId)}`,
    })
    .from(sql`(select 1) as one`);
}

function prepareQueuePage(db: Db, hot: HotQuery, limit: number) {
  const representative = sql`(${items.clusterId} is null or ${clusters.representativeItemId} = ${items.id})`;
  const now = instantOf(sql.placeholder('now'));
  const where =
    hot === 'overdue'
      ? and(representative, sql`${items.status} in ('new', 'in_review') and ${items.dueAt} is not null and ${items.dueAt} < ${now}`)!
      : and(representative, sql`${items.status} in ('new', 'in_review')`)!;
  const keys = queueOrderKeys(hot === 'overdue' ? { status: 'open', order: 'priority', overdue: true, limit } : { status: 'open', order: 'priority', limit });
  return queuePageStatement(db, where, keys, sql.raw(String(limit)), now, sql.placeholder('userId')).prepare(`items_queue_page_${hot}_${limit}`);
}

const preparedQueuePage = preparedPerDatabase(prepareQueuePage, (hot: HotQuery, limit: number) => `${hot}_${checkedLimit(limit)}`);

const fromJson = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

function toQueueRow(row: QueueRowJson): QueueRow {
  return {
    id: Number(row.id),
    title: row.title,
    sourceName: row.sourceName,
    clusterSize: Number(row.clusterSize),
    publishedAt: row.publishedAt === null ? null : new Date(row.publishedAt),
    collectedAt: new Date(row.collectedAt),
    sortAt: new Date(row.sortAt),
    dueAt: row.dueAt === null ? null : new Date(row.dueAt),
    priority: row.priority,
    status: row.status,
    verdict: row.verdict,
    labels: row.labels,
    classification: row.spans === null ? null : { spans: row.spans },
  };
}

/**
 * Returns what the queue page shows: the page of items listItems lists for the filters (without
 * text), the overdue count (as countOverdueItems), the sources and the user's saved views (as
 * listSavedViews), all in one query. `now` is the instant for the overdue view and the count.
 */
export async function getQueuePage(db: Db, filters: ItemFilters, userId: number): Promise<QueuePage> {
  const now = (filters.now ?? new Date()).toISOString();
  const cursor = filters.cursor ? decodeCursor(filters.cursor) : null;
  const hot = hotQueryOf(filters, cursor);
  const [row] = (hot
    ? await preparedQueuePage(db, hot, filters.limit + 1).execute({ now, userId })
    : await queuePageStatement(
        db,
        and(...queueConditions({ ...filters, now: new Date(now) }, cursor))!,
        queueOrderKeys(filters),
        sql`${filters.limit + 1}`,
        instantOf(now),
        userId,
      )) as QueuePageRow[];
  const rows = row ? fromJson(row.rows).map(toQueueRow) : [];
  return {
    items: rows.slice(0, filters.limit),
    nextCursor: nextCursorOf(filters, rows),
    overdueCount: Number(row?.overdueCount ?? 0),
    sources: (row ? fromJson(row.sources) : null) ?? [],
    savedViews: savedViewsFromJson(row?.views ?? []),
  };
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
  /** The labels stored now, to tell whether a new classification changes them. */
  labels: Label[];
  classifierVersion: string | null;
  /** The kind of its source: the classifier reads opinions (form, import) as comments. */
  sourceKind: SourceKind;
}

/** Returns up to `limit` items with ids above `afterId` not labelled by `version`, in id order, with their text. */
export async function listItemTexts(db: Db, afterId: number, limit: number, version: string): Promise<ItemText[]> {
  const rows = await db
    .select({ id: items.id, title: items.title, body: items.body, labels: items.labels, classifierVersion: items.classifierVersion, sourceKind: sources.kind })
    .from(items)
    .innerJoin(sources, eq(sources.id, items.sourceId))
    .where(sql`${items.id} > ${afterId} and ${items.classifierVersion} is distinct from ${version}`)
    .orderBy(items.id)
    .limit(limit);
  return rows.map((row) => ({ ...row, id: Number(row.id), sourceKind: row.sourceKind as SourceKind }));
}

/** Returns how many items were labelled by another classifier version than this one. */
export async function countItemsNotAt(db: Db, version: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(items)
    .where(sql`${items.classifierVersion} is distinct from ${version}`);
  return row?.count ?? 0;
}

/**
 * Stores new classifications (labels, spans, priority, version) for several items in one statement.
 * One UPDATE over a JSON list rather than one UPDATE per item: on the embedded database every
 * statement runs on the server's own thread, and 500 separate ones held it for over half a second.
 */
export async function updateItemClassifications(
  db: Db,
  updates: Array<{ id: number; labels: Label[]; classification: Classification; priority: number }>,
): Promise<void> {
  if (updates.length === 0) return;
  const rows = JSON.stringify(updates.map(({ id, labels, classification, priority }) => ({ id, labels, classification, priority })));
  await db.execute(sql`
    update ${items} set
      labels = u.labels,
      classification = u.classification,
      classifier_version = u.classification->>'version',
      priority = u.priority
    from jsonb_to_recordset(${rows}::jsonb) as u(id bigint, labels text[], classification jsonb, priority integer)
    where ${items.id} = u.id`);
}

/** The most members of a story the item page lists; the heading still counts them all (Item.clusterSize). */
export const MAX_CLUSTER_MEMBERS = 200;

/** Returns the items of a cluster, oldest first, at most MAX_CLUSTER_MEMBERS. */
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
    .limit(MAX_CLUSTER_MEMBERS);
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}
