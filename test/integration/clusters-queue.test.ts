// The same story from several sources is one case in the queue, with its members on the item page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertNewItems } from '../../src/db/queries/items.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import type { Item } from '../../src/domain/item.ts';
import { clusterPendingItems } from '../../src/pipeline/cluster-items.ts';
import { foldText } from '../../src/text/fold-text.ts';
import { MEALS_STORY, SAME_STORY, type StoryText } from '../fixtures/near-duplicate-stories.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let database: TestDatabase;
let t: TestApp;
let staff: string;

async function store(story: StoryText, sourceName: string, key: string) {
  const source = await insertSource(database.db, { kind: 'rss', name: sourceName, url: `http://example.vn/${key}` });
  const classification = (await t.pipeline.classifiers.get()).classify({ title: story.title, body: story.body });
  await insertNewItems(database.db, [
    {
      sourceId: source.id,
      keyHash: key,
      url: `http://example.vn/${key}`,
      title: story.title,
      body: story.body,
      author: null,
      publishedAt: new Date(),
      collectedAt: new Date(),
      searchText: foldText(`${story.title}\n${story.body}`),
      contentHash: key,
      labels: classification.labels,
      classification,
      priority: 500,
    },
  ]);
}

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  staff = await t.signIn('staff');
  for (const [index, story] of SAME_STORY.slice(0, 3).entries()) await store(story, `Báo ${index}`, `same-${index}`);
  await store(MEALS_STORY, 'Báo bếp ăn', 'meals');
  await clusterPendingItems(database.db);
});
afterAll(async () => {
  await t?.close();
  await database?.close();
});

describe('clusters in the queue', () => {
  it('shows one row per story with how many items tell it, and the members on the item page', async () => {
    const page = (await (await t.request('/api/items?status=all&limit=50', { cookie: staff })).json()) as { items: Item[] };
    expect(page.items).toHaveLength(2);
    const story = page.items.find((item) => item.clusterSize === 3)!;
    expect(story).toBeDefined();
    expect(page.items.find((item) => item !== story)!.clusterSize).toBe(1);
    const html = await (await t.request(`/items/${story.id}`, { cookie: staff })).text();
    for (const member of SAME_STORY.slice(0, 3)) expect(html).toContain(member.title.replace(/"/g, '&quot;'));
  });
});
