// The queue's first pages (prepared once) must list exactly what the general query lists, and the
// overdue count (one per cluster, read from the index) must match the overdue view.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countOverdueItems, insertNewItems, listItems, type ItemFilters, type NewItem } from '../../src/db/queries/items.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import { clusters, items } from '../../src/db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const HOUR = 3_600_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const STATUSES = ['new', 'in_review', 'responded', 'dismissed', 'escalated'] as const;

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  const source = await insertSource(db, { kind: 'rss', name: 'Báo phường', url: 'https://example.test/rss' });
  const newItems: NewItem[] = [];
  for (let i = 0; i < 120; i++) {
    const collectedAt = new Date(NOW.getTime() - (i % 37) * HOUR);
    newItems.push({
      sourceId: source.id,
      keyHash: `k${i}`,
      url: null,
      title: `Tin ${i}`,
      body: 'Nội dung',
      author: null,
      publishedAt: null,
      collectedAt,
      searchText: `tin ${i}`,
      contentHash: `h${i}`,
      labels: [],
      classification: { labels: [], scores: {}, spans: [], version: 'test' },
      // Ties on priority and on deadline, so the id breaks them.
      priority: (i % 4) * 50,
      // A third without a deadline; of the rest, deadlines both past and future, some equal.
      dueAt: i % 3 === 0 ? null : new Date(NOW.getTime() + ((i % 11) - 6) * HOUR),
    });
  }
  await insertNewItems(db, newItems);
  const rows = await db.select({ id: items.id }).from(items).orderBy(items.id);
  const ids = rows.map((row) => Number(row.id));
  for (const [index, id] of ids.entries()) {
    await db.update(items).set({ status: STATUSES[index % STATUSES.length]! }).where(eq(items.id, id));
  }
  // Clusters of three consecutive items; the middle one represents its cluster.
  for (let start = 0; start + 3 <= 60; start += 3) {
    const members = ids.slice(start, start + 3);
    const [cluster] = await db.insert(clusters).values({ representativeItemId: members[1]!, size: 3 }).returning({ id: clusters.id });
    await db.update(items).set({ clusterId: cluster!.id }).where(sql`${items.id} in (${sql.join(members, sql`, `)})`);
  }
});
afterAll(async () => {
  await database?.close();
});

async function allPages(filters: ItemFilters): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 50; guard++) {
    const page = await listItems(database.db, { ...filters, cursor });
    ids.push(...page.items.map((item) => item.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
  throw new Error('too many pages');
}

describe('the prepared first pages', () => {
  // `from` far in the past changes nothing but forces the general (built per call) query.
  const general = { from: new Date('2000-01-01T00:00:00Z') };

  it('lists the default queue exactly as the general query does, page after page', async () => {
    const filters: ItemFilters = { status: 'open', order: 'priority', limit: 7 };
    const hot = await listItems(database.db, filters);
    const built = await listItems(database.db, { ...filters, ...general });
    expect(hot.items.map((item) => item.id)).toEqual(built.items.map((item) => item.id));
    expect(hot.items).toHaveLength(7);
    expect(hot.nextCursor).toBe(built.nextCursor);
    expect(await allPages(filters)).toEqual(await allPages({ ...filters, ...general }));
  });

  it('lists the overdue view exactly as the general query does, earliest deadline first', async () => {
    const filters: ItemFilters = { status: 'open', order: 'priority', overdue: true, now: NOW, limit: 5 };
    const hotIds = await allPages(filters);
    expect(hotIds).toEqual(await allPages({ ...filters, ...general }));
    const page = await listItems(database.db, { ...filters, limit: 100 });
    const dues = page.items.map((item) => item.dueAt!.getTime());
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    expect(page.items.every((item) => (item.status === 'new' || item.status === 'in_review') && item.dueAt! < NOW)).toBe(true);
    // The clock is a parameter of the prepared query: an earlier instant lists fewer items.
    const earlier = await listItems(database.db, { ...filters, now: new Date(NOW.getTime() - 3 * HOUR), limit: 100 });
    expect(earlier.items.length).toBeGreaterThan(0);
    expect(earlier.items.length).toBeLessThan(page.items.length);
  });

  it('counts overdue items one per cluster, as the overdue view lists them', async () => {
    const listed = await allPages({ status: 'open', order: 'priority', overdue: true, now: NOW, limit: 50 });
    expect(listed.length).toBeGreaterThan(5);
    expect(await countOverdueItems(database.db, NOW)).toBe(listed.length);
    // A clustered item that does not represent its cluster is never counted.
    const [hidden] = await database.db.execute(sql`select count(*)::int as n from items i join clusters c on c.id = i.cluster_id
      where i.status in ('new', 'in_review') and i.due_at < ${NOW.toISOString()}::timestamptz and c.representative_item_id <> i.id`).then(
      (result) => (Array.isArray(result) ? result : (result as unknown as { rows: { n: number }[] }).rows) as { n: number }[],
    );
    expect(hidden!.n).toBeGreaterThan(0);
  });
});
