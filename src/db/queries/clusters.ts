// Reads and writes of near-duplicate clusters: the items to cluster, recent signatures to compare
// with, and the cluster rows with their sizes and first/last seen times.
import { and, asc, gte, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { clusters, items } from '../schema.ts';

// One constant key: clustering runs take turns, so two workers never both miss each other's new
// item and open two clusters for one story. A run holds it only for its own transaction.
const CLUSTERING_LOCK_KEY = 0x64756c75; // 'dulu'

/** An item as clustering sees it. */
export interface ClusterableItem {
  id: number;
  title: string;
  body: string;
  sortAt: Date;
  clusterId: number | null;
}

/** A clustered item's signature as two int32 words (high and low 32 bits), for comparing new items with. */
export interface ClusteredSignature {
  id: number;
  clusterId: number;
  high: number;
  low: number;
  /** The item's time (published, else collected), in epoch milliseconds. */
  sortAtMs: number;
}

/** A cluster to create: its first member and the time span of its members. */
export interface NewCluster {
  representativeItemId: number;
  size: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/** Members added to an existing cluster and the time span they cover. */
export interface ClusterGrowth {
  clusterId: number;
  added: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/** An item's signature and the cluster it now belongs to. */
export interface ItemClusterAssignment {
  itemId: number;
  clusterId: number;
  simhash: bigint;
}

// postgres.js returns the rows as an array, PGlite as `{ rows }`.
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];
}

/** Waits until no other clustering transaction runs; returns when this transaction holds the lock. */
export async function lockClustering(tx: Db): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${CLUSTERING_LOCK_KEY})`);
}

/** Returns the items with these ids, in id order, with their current cluster. */
export async function getClusterableItems(db: Db, ids: number[]): Promise<ClusterableItem[]> {
  if (ids.length === 0) return [];
  return db
    .select({ id: items.id, title: items.title, body: items.body, sortAt: items.sortAt, clusterId: items.clusterId })
    .from(items)
    .where(inArray(items.id, ids))
    .orderBy(asc(items.id));
}

/** Returns the ids among these of items that have no cluster yet. */
export async function listUnclusteredIds(db: Db, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: items.id })
    .from(items)
    .where(and(inArray(items.id, ids), isNull(items.clusterId)));
  return rows.map((row) => row.id);
}

/** Returns the signatures of clustered items whose time (published, else collected) lies in [from, to]. */
export async function listClusteredSignatures(db: Db, from: Date, to: Date): Promise<ClusteredSignature[]> {
  // The words are split by the server (an arithmetic shift keeps the sign), so that thousands of
  // rows arrive as plain numbers rather than bigint strings to parse.
  return db
    .select({
      id: items.id,
      clusterId: sql<number>`${items.clusterId}::float8`.mapWith(Number),
      high: sql<number>`(${items.simhash} >> 32)::int`.mapWith(Number),
      low: sql<number>`((${items.simhash} << 32) >> 32)::int`.mapWith(Number),
      sortAtMs: sql<number>`extract(epoch from ${items.sortAt}) * 1000`.mapWith(Number),
    })
    .from(items)
    .where(and(gte(items.sortAt, from), lte(items.sortAt, to), isNotNull(items.simhash), isNotNull(items.clusterId)));
}

/** Returns the title and body of each of these items, by id. */
export async function getItemTexts(db: Db, ids: number[]): Promise<Map<number, { title: string; body: string }>> {
  const texts = new Map<number, { title: string; body: string }>();
  if (ids.length === 0) return texts;
  // Batches keep each statement well under PostgreSQL's parameter limit.
  for (let start = 0; start < ids.length; start += 5000) {
    const rows = await db
      .select({ id: items.id, title: items.title, body: items.body })
      .from(items)
      .where(inArray(items.id, ids.slice(start, start + 5000)));
    for (const row of rows) texts.set(row.id, { title: row.title, body: row.body });
  }
  return texts;
}

/** Creates the clusters; returns the new cluster id for each representative item id. */
export async function insertClusters(db: Db, newClusters: NewCluster[]): Promise<Map<number, number>> {
  const ids = new Map<number, number>();
  for (let start = 0; start < newClusters.length; start += 1000) {
    const rows = await db
      .insert(clusters)
      .values(newClusters.slice(start, start + 1000))
      .returning({ id: clusters.id, representativeItemId: clusters.representativeItemId });
    for (const row of rows) ids.set(row.representativeItemId, row.id);
  }
  return ids;
}

/** Adds members to existing clusters, widening their first/last seen times. */
export async function growClusters(db: Db, growths: ClusterGrowth[]): Promise<void> {
  for (let start = 0; start < growths.length; start += 5000) {
    const batch = growths.slice(start, start + 5000);
    await db.execute(sql`
      update clusters set
        size = clusters.size + g.added,
        first_seen_at = least(clusters.first_seen_at, g.first_seen_at),
        last_seen_at = greatest(clusters.last_seen_at, g.last_seen_at)
      from unnest(
        ${`{${batch.map((g) => g.clusterId).join(',')}}`}::bigint[],
        ${`{${batch.map((g) => g.added).join(',')}}`}::int[],
        ${`{${batch.map((g) => `"${g.firstSeenAt.toISOString()}"`).join(',')}}`}::timestamptz[],
        ${`{${batch.map((g) => `"${g.lastSeenAt.toISOString()}"`).join(',')}}`}::timestamptz[]
      ) as g(cluster_id, added, first_seen_at, last_seen_at)
      where clusters.id = g.cluster_id`);
  }
}

/** Stores each item's signature and cluster; items that already have a cluster keep it. */
export async function assignItemClusters(db: Db, assignments: ItemClusterAssignment[]): Promise<number> {
  let updated = 0;
  for (let start = 0; start < assignments.length; start += 5000) {
    const batch = assignments.slice(start, start + 5000);
    const result = await db.execute(sql`
      update items set cluster_id = a.cluster_id, simhash = a.simhash
      from unnest(
        ${`{${batch.map((a) => a.itemId).join(',')}}`}::bigint[],
        ${`{${batch.map((a) => a.clusterId).join(',')}}`}::bigint[],
        ${`{${batch.map((a) => a.simhash.toString()).join(',')}}`}::bigint[]
      ) as a(item_id, cluster_id, simhash)
      where items.id = a.item_id and items.cluster_id is null
      returning items.id`);
    updated += rowsOf(result).length;
  }
  return updated;
}

/** Returns up to `limit` ids of items not yet in a cluster, oldest first. */
export async function listPendingClusterIds(db: Db, limit: number): Promise<number[]> {
  const rows = await db.select({ id: items.id }).from(items).where(isNull(items.clusterId)).orderBy(items.id).limit(limit);
  return rows.map((row) => Number(row.id));
}
