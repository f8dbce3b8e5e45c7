// Reads and writes of alerts, and the item reads the alert rules need (new claim matches,
// negative items per day window, what arrived since the last digest).
import { and, asc, desc, eq, gt, gte, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Alert, AlertKind } from '../../domain/alert.ts';
import type { ClaimMatchSummary, ExplanationSpan, Label } from '../../domain/classification.ts';
import type { Db } from '../client.ts';
import { alerts, clusters, items, sources } from '../schema.ts';

/** An alert to raise. */
export interface NewAlert {
  kind: AlertKind;
  dedupeKey: string;
  itemId: number | null;
  subject: string;
  body: string;
  link: string;
  createdAt?: Date;
}

function toAlert(row: typeof alerts.$inferSelect): Alert {
  return {
    id: Number(row.id),
    kind: row.kind,
    dedupeKey: row.dedupeKey,
    itemId: row.itemId === null ? null : Number(row.itemId),
    subject: row.subject,
    body: row.body,
    link: row.link,
    createdAt: row.createdAt,
    deliveredAt: row.deliveredAt,
    attempts: row.attempts,
    lastError: row.lastError,
  };
}

/** Stores the alert unless one with its dedupe key exists; returns it when it is new, else null. */
export async function insertAlert(db: Db, alert: NewAlert): Promise<Alert | null> {
  const [row] = await db
    .insert(alerts)
    .values({ ...alert, createdAt: alert.createdAt ?? new Date() })
    .onConflictDoNothing({ target: alerts.dedupeKey })
    .returning();
  return row ? toAlert(row) : null;
}

/** Returns the most recent alerts, newest first. */
export async function listAlerts(db: Db, limit = 100): Promise<Alert[]> {
  const rows = await db.select().from(alerts).orderBy(desc(alerts.createdAt), desc(alerts.id)).limit(limit);
  return rows.map(toAlert);
}

/** Returns alerts not yet delivered (raised at or after `from`, when given), oldest first. */
export async function listPendingAlerts(db: Db, options: { from?: Date | null; limit?: number } = {}): Promise<Alert[]> {
  const conditions: SQL[] = [isNull(alerts.deliveredAt)];
  if (options.from) conditions.push(gte(alerts.createdAt, options.from));
  const rows = await db
    .select()
    .from(alerts)
    .where(and(...conditions))
    .orderBy(asc(alerts.createdAt), asc(alerts.id))
    .limit(options.limit ?? 100);
  return rows.map(toAlert);
}

/** Returns how many alerts wait for delivery. */
export async function countPendingAlerts(db: Db): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(alerts).where(isNull(alerts.deliveredAt));
  return row?.count ?? 0;
}

/**
 * Takes the next attempt at an alert: true when this process counted it (attempts was still
 * `seenAttempts` and it is undelivered), false when another process got there first.
 */
export async function claimAlertAttempt(db: Db, id: number, seenAttempts: number): Promise<boolean> {
  const rows = await db
    .update(alerts)
    .set({ attempts: sql`${alerts.attempts} + 1` })
    .where(and(eq(alerts.id, id), isNull(alerts.deliveredAt), eq(alerts.attempts, seenAttempts)))
    .returning({ id: alerts.id });
  return rows.length > 0;
}

/** Records how an attempt went: delivered (deliveredAt set) or still pending with the error. */
export async function finishAlertAttempt(db: Db, id: number, outcome: { deliveredAt: Date | null; lastError: string | null }): Promise<void> {
  await db.update(alerts).set({ deliveredAt: outcome.deliveredAt, lastError: outcome.lastError }).where(eq(alerts.id, id));
}

/** Returns when the last digest was raised, or null before the first. */
export async function lastDigestAt(db: Db): Promise<Date | null> {
  const [row] = await db
    .select({ createdAt: alerts.createdAt })
    .from(alerts)
    .where(eq(alerts.kind, 'digest'))
    .orderBy(desc(alerts.createdAt))
    .limit(1);
  return row?.createdAt ?? null;
}

/** An item as the claim-match scan sees it. */
export interface ClaimScanItem {
  id: number;
  clusterId: number | null;
  collectedAt: Date;
  title: string;
  sourceName: string;
  claimMatches: ClaimMatchSummary[];
}

/** Returns up to `limit` items with an id above `afterId`, in id order, with their claim matches. */
export async function listItemsForClaimScan(db: Db, afterId: number, limit: number): Promise<ClaimScanItem[]> {
  const rows = await db
    .select({
      id: items.id,
      clusterId: items.clusterId,
      collectedAt: items.collectedAt,
      title: items.title,
      sourceName: sources.name,
      claimMatches: sql<ClaimMatchSummary[] | null>`${items.classification}->'claimMatches'`,
    })
    .from(items)
    .innerJoin(sources, eq(sources.id, items.sourceId))
    .where(gt(items.id, afterId))
    .orderBy(asc(items.id))
    .limit(limit);
  return rows.map((row) => ({
    id: Number(row.id),
    clusterId: row.clusterId === null ? null : Number(row.clusterId),
    collectedAt: row.collectedAt,
    title: row.title,
    sourceName: row.sourceName,
    claimMatches: Array.isArray(row.claimMatches) ? row.claimMatches : [],
  }));
}

/** A negative item's time and explanation spans, for counting items per topic. */
export interface NegativeItemSpans {
  id: number;
  sortAt: Date;
  spans: ExplanationSpan[];
}

/** Returns the negative or misinformation items whose time (published, else collected) falls in one of the [from, to) windows. */
export async function listNegativeItemSpans(db: Db, windows: ReadonlyArray<readonly [Date, Date]>): Promise<NegativeItemSpans[]> {
  if (windows.length === 0) return [];
  const rows = await db
    .select({
      id: items.id,
      sortAt: items.sortAt,
      spans: sql<ExplanationSpan[] | null>`${items.classification}->'spans'`,
    })
    .from(items)
    .where(
      and(
        sql`${items.labels} && array['negative', 'misinformation']::text[]`,
        or(...windows.map(([from, to]) => and(gte(items.sortAt, from), lt(items.sortAt, to)))),
      ),
    );
  return rows.map((row) => ({ id: Number(row.id), sortAt: row.sortAt, spans: Array.isArray(row.spans) ? row.spans : [] }));
}

/** What arrived in a time range, for the digest. */
export interface ArrivalSummary {
  total: number;
  /** Items carrying a label staff must look at (misinformation, negative, offensive). */
  flagged: number;
  byLabel: Partial<Record<Label, number>>;
  /** The highest-priority flagged items, one per cluster, best first. */
  top: Array<{ id: number; title: string; labels: Label[]; priority: number }>;
}

/** Returns how many items were collected in [since, until), by label, and the top flagged ones. */
export async function summarizeArrivals(db: Db, since: Date, until: Date, topLimit = 5): Promise<ArrivalSummary> {
  const range = and(gte(items.collectedAt, since), lt(items.collectedAt, until));
  const [totalRow] = await db
    .select({
      count: sql<number>`count(*)::int`,
      flagged: sql<number>`(count(*) filter (where ${items.labels} && array['misinformation', 'negative', 'offensive']::text[]))::int`,
    })
    .from(items)
    .where(range);
  const labelRows = await db
    .select({ label: sql<Label>`label`, count: sql<number>`count(*)::int` })
    .from(sql`${items}, unnest(${items.labels}) as label`)
    .where(range)
    .groupBy(sql`label`);
  const candidates = await db
    .select({ id: items.id, title: items.title, labels: items.labels, priority: items.priority, clusterId: items.clusterId, representative: clusters.representativeItemId })
    .from(items)
    .leftJoin(clusters, eq(clusters.id, items.clusterId))
    .where(and(range, gt(items.priority, 0)))
    .orderBy(desc(items.priority), desc(items.sortAt), desc(items.id))
    .limit(topLimit * 5);
  const seenClusters = new Set<number>();
  const top: ArrivalSummary['top'] = [];
  for (const row of candidates) {
    if (row.clusterId !== null) {
      if (seenClusters.has(Number(row.clusterId))) continue;
      seenClusters.add(Number(row.clusterId));
    }
    top.push({ id: Number(row.id), title: row.title, labels: row.labels, priority: row.priority });
    if (top.length >= topLimit) break;
  }
  return {
    total: totalRow?.count ?? 0,
    flagged: totalRow?.flagged ?? 0,
    byLabel: Object.fromEntries(labelRows.map((row) => [row.label, row.count])),
    top,
  };
}

/** Returns the id just below the first item collected at or after `since` (the latest id when there is none; 0 for no items). */
export async function itemIdBefore(db: Db, since: Date): Promise<number> {
  // Two subqueries, each answered by an index (collected_at's range, the primary key's end), where
  // one aggregate with a filter would read the whole table.
  const [row] = await db
    .select({
      first: sql<number | null>`(select min(${items.id}) from ${items} where ${items.collectedAt} >= ${since.toISOString()}::timestamptz)`,
      last: sql<number | null>`(select max(${items.id}) from ${items})`,
    })
    .from(sql`(select 1) as one`);
  if (row?.first !== null && row?.first !== undefined) return Number(row.first) - 1;
  return Number(row?.last ?? 0);
}
