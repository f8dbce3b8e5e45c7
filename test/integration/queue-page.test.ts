// The queue page's one statement (getQueuePage) must show what the separate queries show: the same
// items in the same order with the same next-page cursor as listItems, the overdue count, the sources
// and the person's own saved views — on the prepared first pages and on the general path alike.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countOverdueItems,
  getQueuePage,
  insertNewItems,
  listItems,
  type ItemFilters,
  type NewItem,
} from '../../src/db/queries/items.ts';
import { insertSavedView, listSavedViews } from '../../src/db/queries/saved-views.ts';
import { insertSource, listSources } from '../../src/db/queries/sources.ts';
import { insertUser } from '../../src/db/queries/users.ts';
import { clusters, items } from '../../src/db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const HOUR = 3_600_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const STATUSES = ['new', 'in_review', 'responded', 'dismissed', 'escalated'] as const;
const LABELS = [[], ['negative'], ['misinformation', 'relevant'], ['offensive', 'negative', 'relevant']] as const;

let database: TestDatabase;
let userId: number;
let otherUserId: number;

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  const first = await insertSource(db, { kind: 'rss', name: 'Báo phường', url: 'https://example.test/rss' });
  const second = await insertSource(db, { kind: 'rss', name: 'Trang "trường" <A>', url: 'https://example.test/b' });
  const newItems: NewItem[] = [];
  for (let i = 0; i < 90; i++) {
    const labels = [...LABELS[i % LABELS.length]!];
    newItems.push({
      sourceId: i % 2 ? first.id : second.id,
      keyHash: `k${i}`,
      url: null,
      title: i % 17 === 0 ? '' : `Tin ${i} <b>"học phí"</b>`,
      body: 'Nội dung',
      author: null,
      publishedAt: i % 5 === 0 ? null : new Date(NOW.getTime() - (i % 41) * HOUR - 123),
      collectedAt: new Date(NOW.getTime() - (i % 37) * HOUR),
      searchText: `tin ${i} hoc phi`,
      contentHash: `h${i}`,
      labels,
      classification: {
        labels,
        scores: {},
        spans: labels.map((label, n) => ({ field: 'title' as const, start: 0, end: 3, text: `từ ${n}`, category: label, ruleId: 'seed:test', weight: 1 })),
        version: 'test',
      },
      priority: (i % 4) * 50,
      dueAt: i % 3 === 0 ? null : new Date(NOW.getTime() + ((i % 11) - 6) * HOUR),
    });
  }
  await insertNewItems(db, newItems);
  const rows = await db.select({ id: items.id }).from(items).orderBy(items.id);
  const ids = rows.map((row) => Number(row.id));
  for (const [index, id] of ids.entries()) {
    await db
      .update(items)
      // Some items were never classified: the row then shows no reasons.
      .set({ status: STATUSES[index % STATUSES.length]!, verdict: index % 5 === 2 ? 'fake' : null, ...(index % 7 === 0 ? { classification: null } : {}) })
      .where(eq(items.id, id));
  }
  for (let start = 0; start + 3 <= 45; start += 3) {
    const members = ids.slice(start, start + 3);
    const [cluster] = await db.insert(clusters).values({ representativeItemId: members[1]!, size: 3 }).returning({ id: clusters.id });
    await db.update(items).set({ clusterId: cluster!.id }).where(sql`${items.id} in (${sql.join(members, sql`, `)})`);
  }
  userId = (await insertUser(db, { username: 'lan', role: 'staff', passwordHash: 'x' })).id;
  otherUserId = (await insertUser(db, { username: 'hung', role: 'staff', passwordHash: 'x' })).id;
  await insertSavedView(db, { userId, name: 'Tin sai', query: '?label=misinformation' });
  await insertSavedView(db, { userId, name: 'A quá hạn', query: '?overdue=true' });
  await insertSavedView(db, { userId: otherUserId, name: 'Của người khác', query: '?status=all' });
});
afterAll(async () => {
  await database?.close();
});

/** Walks every page of the queue both ways and checks each page of the one statement against listItems. */
async function expectSamePages(filters: ItemFilters): Promise<number> {
  let cursor: string | undefined;
  let listed = 0;
  for (let guard = 0; guard < 50; guard++) {
    const expected = await listItems(database.db, { ...filters, cursor });
    const page = await getQueuePage(database.db, { ...filters, cursor }, userId);
    expect(page.items.map((item) => item.id)).toEqual(expected.items.map((item) => item.id));
    expect(page.nextCursor).toBe(expected.nextCursor);
    for (const [index, item] of page.items.entries()) {
      const full = expected.items[index]!;
      expect(item).toEqual({
        id: full.id,
        title: full.title,
        sourceName: full.sourceName,
        clusterSize: full.clusterSize,
        publishedAt: full.publishedAt,
        collectedAt: full.collectedAt,
        sortAt: expect.any(Date),
        dueAt: full.dueAt,
        priority: full.priority,
        status: full.status,
        verdict: full.verdict,
        labels: full.labels,
        classification: full.classification === null ? null : { spans: full.classification.spans },
      });
    }
    listed += page.items.length;
    if (!page.nextCursor) return listed;
    cursor = page.nextCursor;
  }
  throw new Error('too many pages');
}

describe('the queue page statement', () => {
  it('lists the default queue and the overdue view as listItems does, page after page', async () => {
    expect(await expectSamePages({ status: 'open', order: 'priority', now: NOW, limit: 7 })).toBeGreaterThan(14);
    expect(await expectSamePages({ status: 'open', order: 'priority', overdue: true, now: NOW, limit: 4 })).toBeGreaterThan(4);
    // The default page size, as the page asks for it.
    await expectSamePages({ status: 'open', order: 'priority', now: NOW, limit: 50 });
  });

  it('lists filtered queues (the general path) as listItems does', async () => {
    for (const filters of [
      { status: 'all', order: 'newest', now: NOW, limit: 9 },
      { status: 'responded', order: 'priority', now: NOW, limit: 5 },
      { status: 'open', order: 'priority', label: 'negative', now: NOW, limit: 3 },
      { status: 'all', order: 'newest', sourceId: 1, from: new Date(NOW.getTime() - 20 * HOUR), to: NOW, now: NOW, limit: 6 },
      { status: 'all', order: 'priority', foldedQuery: 'hoc phi', now: NOW, limit: 8 },
      { status: 'all', order: 'priority', foldedQuery: 'không có', now: NOW, limit: 8 },
    ] satisfies ItemFilters[]) {
      await expectSamePages(filters);
    }
  });

  it('answers the overdue count, the sources and only the person\'s own saved views', async () => {
    for (const filters of [
      { status: 'open', order: 'priority', now: NOW, limit: 50 },
      { status: 'all', order: 'newest', label: 'negative', now: NOW, limit: 5 },
    ] satisfies ItemFilters[]) {
      const page = await getQueuePage(database.db, filters, userId);
      expect(page.overdueCount).toBe(await countOverdueItems(database.db, NOW));
      expect(page.overdueCount).toBeGreaterThan(3);
      expect(page.sources).toEqual((await listSources(database.db)).map(({ id, name }) => ({ id, name })));
      expect(page.savedViews).toEqual(await listSavedViews(database.db, userId));
      expect(page.savedViews.map((view) => view.name)).toEqual(['A quá hạn', 'Tin sai']);
    }
    // The clock is a parameter of the prepared statement: earlier, fewer items are overdue.
    const earlier = await getQueuePage(database.db, { status: 'open', order: 'priority', overdue: true, now: new Date(NOW.getTime() - 3 * HOUR), limit: 50 }, userId);
    expect(earlier.overdueCount).toBe(await countOverdueItems(database.db, new Date(NOW.getTime() - 3 * HOUR)));
    expect(earlier.overdueCount).toBeLessThan(await countOverdueItems(database.db, NOW));
    expect(earlier.items).toHaveLength(earlier.overdueCount);
    expect((await getQueuePage(database.db, { status: 'open', order: 'priority', now: NOW, limit: 50 }, otherUserId)).savedViews.map((view) => view.name)).toEqual([
      'Của người khác',
    ]);
    expect((await getQueuePage(database.db, { status: 'open', order: 'priority', now: NOW, limit: 50 }, 0)).savedViews).toEqual([]);
  });
});
