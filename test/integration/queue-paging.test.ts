// The queue's pager: forward with "next", back with "previous" and "first", the filters, the search
// and the page size kept in every link, and the page and range shown — followed as a person clicks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertNewItems } from '../../src/db/queries/items.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import type { Label } from '../../src/domain/classification.ts';
import { MAX_EARLIER_PAGES } from '../../dashboard/views/item-list-page.tsx';
import { newItem } from '../helpers/staff-morning.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const MINUTE_MS = 60_000;
/** Items the filters below match: five pages of five, the last one short. */
const MATCHING = 24;

let database: TestDatabase;
let t: TestApp;
let staff: string;
let sourceId: number;
/** The matching items' ids in queue order (newest first). */
let expectedIds: number[];

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  staff = await t.signIn('staff', 'thu-staff');
  const source = await insertSource(database.db, { kind: 'rss', name: 'Báo phường', url: 'https://phuong.example.vn/rss' });
  const other = await insertSource(database.db, { kind: 'rss', name: 'Diễn đàn', url: 'https://dien-dan.example.vn/rss' });
  sourceId = source.id;
  const start = Date.now() - 10 * 24 * 60 * MINUTE_MS;
  const item = (n: number, source: number, title: string, labels: Label[]) =>
    newItem(source, `paging-${n}`, { title, body: 'Nội dung', labels, publishedAt: new Date(start + n * MINUTE_MS), collectedAt: new Date(start + n * MINUTE_MS) });
  // The items the filters leave out sit among the matching ones, so a link that drops a filter shows them.
  const rows = [];
  for (let n = 0; n < MATCHING; n++) {
    rows.push(item(4 * n, source.id, `Phụ huynh phản ánh học phí ${n}`, ['negative', 'relevant']));
    if (n % 4 === 0) {
      rows.push(item(4 * n + 1, source.id, `Phụ huynh khen học phí ${n}`, ['relevant']));
      rows.push(item(4 * n + 2, other.id, `Diễn đàn bàn học phí ${n}`, ['negative', 'relevant']));
      rows.push(item(4 * n + 3, source.id, `Phản ánh sân trường ${n}`, ['negative', 'relevant']));
    }
  }
  await insertNewItems(database.db, rows);
  const listed = await t.request(`/api/items?label=negative&source=${sourceId}&q=${encodeURIComponent('học phí')}&order=newest&limit=200`, { cookie: staff });
  expectedIds = ((await listed.json()) as { items: Array<{ id: number }> }).items.map((row) => row.id);
  expect(expectedIds).toHaveLength(MATCHING);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await database?.close();
});

interface QueuePage {
  ids: number[];
  /** The pager's links by rel (first, prev, next), as the browser reads them. */
  links: Partial<Record<'first' | 'prev' | 'next', string>>;
  position: string | undefined;
}

async function open(path: string): Promise<QueuePage> {
  const response = await t.request(path, { cookie: staff });
  const html = await response.text();
  expect(response.status, `${path}\n${html.slice(0, 500)}`).toBe(200);
  const links: QueuePage['links'] = {};
  for (const [, rel, href] of html.matchAll(/<a class="button" rel="(first|prev|next)" href="([^"]+)"/g)) {
    links[rel as keyof QueuePage['links']] = href!.replaceAll('&amp;', '&');
  }
  return {
    ids: [...html.matchAll(/<a class="item-link" href="\/items\/(\d+)"/g)].map((match) => Number(match[1])),
    links,
    position: /<span class="pager-position">([^<]*)<\/span>/.exec(html)?.[1],
  };
}

/** Follows the page's link, checking it keeps every filter, the search and the page size. */
async function follow(page: QueuePage, rel: keyof QueuePage['links'], kept: Record<string, string>): Promise<QueuePage> {
  const href = page.links[rel];
  expect(href, `a "${rel}" link`).toBeDefined();
  const url = new URL(href!, 'http://localhost');
  expect(url.pathname).toBe('/items');
  expect(Object.fromEntries([...url.searchParams].filter(([name]) => name in kept)), href).toEqual(kept);
  return open(`${url.pathname}${url.search}`);
}

describe('the queue pager', () => {
  const kept = () => ({ label: 'negative', source: String(sourceId), q: 'học phí', order: 'newest', limit: '5' });
  const first = () => `/items?${new URLSearchParams(kept())}`;

  it('goes forward two pages and back by "previous" and "first", filters kept', async () => {
    const page1 = await open(first());
    expect(page1.ids).toEqual(expectedIds.slice(0, 5));
    expect(page1.position).toBe('Trang 1 · tin 1–5');
    expect(page1.links.prev).toBeUndefined();
    expect(page1.links.first).toBeUndefined();

    const page2 = await follow(page1, 'next', kept());
    expect(page2.ids).toEqual(expectedIds.slice(5, 10));
    expect(page2.position).toBe('Trang 2 · tin 6–10');
    // On page 2 "previous" is the first page: one link, not two to the same place.
    expect(page2.links.first).toBeUndefined();

    const page3 = await follow(page2, 'next', kept());
    expect(page3.ids).toEqual(expectedIds.slice(10, 15));
    expect(page3.position).toBe('Trang 3 · tin 11–15');

    const back2 = await follow(page3, 'prev', kept());
    expect(back2).toEqual(page2);
    const back1 = await follow(back2, 'prev', kept());
    expect(back1).toEqual(page1);
    expect(await follow(page3, 'first', kept())).toEqual(page1);
  });

  it('shows the short last page and goes back from it', async () => {
    let page = await open(first());
    for (let n = 2; n <= 5; n++) page = await follow(page, 'next', kept());
    expect(page.ids).toEqual(expectedIds.slice(20));
    expect(page.position).toBe('Trang 5 · tin 21–24');
    expect(page.links.next).toBeUndefined();
    const page4 = await follow(page, 'prev', kept());
    expect(page4.ids).toEqual(expectedIds.slice(15, 20));
    expect(page4.position).toBe('Trang 4 · tin 16–20');
  });

  it(`numbers pages past the ${MAX_EARLIER_PAGES} it carries back, and goes back as far as they reach`, async () => {
    const oneByOne = { ...kept(), limit: '1' };
    const deepest = MAX_EARLIER_PAGES + 3;
    let page = await open(`/items?${new URLSearchParams(oneByOne)}`);
    for (let n = 2; n <= deepest; n++) page = await follow(page, 'next', oneByOne);
    expect(page.ids).toEqual([expectedIds[deepest - 1]]);
    expect(page.position).toBe(`Trang ${deepest} · tin ${deepest}–${deepest}`);
    for (let n = deepest - 1; n >= 3; n--) {
      page = await follow(page, 'prev', oneByOne);
      expect(page.ids, `page ${n}`).toEqual([expectedIds[n - 1]]);
      expect(page.position).toBe(`Trang ${n} · tin ${n}–${n}`);
    }
    // Page 2's cursor was dropped on the way: from page 3 only "first" leads back.
    expect(page.links.prev).toBeUndefined();
    expect((await follow(page, 'first', oneByOne)).ids).toEqual([expectedIds[0]]);
  });

  it('refuses a way back it did not write', async () => {
    const page2 = new URL((await open(first())).links.next!, 'http://localhost');
    for (const [name, value] of [
      ['prev', 'garbage'],
      ['prev', Array.from({ length: MAX_EARLIER_PAGES + 1 }, () => page2.searchParams.get('cursor')).join('.')],
      ['page', '1'],
      ['page', 'two'],
    ]) {
      const url = new URL(page2);
      url.searchParams.set(name!, value!);
      expect((await t.request(`${url.pathname}${url.search}`, { cookie: staff })).status, `${name}=${value}`).toBe(400);
    }
    expect((await t.request('/items?prev=abc', { cookie: staff })).status).toBe(400);
  });
});
