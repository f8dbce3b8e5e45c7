import { asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listClusteredSignatures } from '../../src/db/queries/clusters.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import { clusters, items } from '../../src/db/schema.ts';
import { clusterItems } from '../../src/pipeline/cluster-items.ts';
import { foldText } from '../../src/text/fold-text.ts';
import { simhash, splitWords } from '../../src/text/simhash.ts';
import {
  FEE_NOTICE_STORY,
  MEALS_STORY,
  REFUND_STORY,
  REPOST,
  SAME_STORY,
  SHORT_TEXTS,
  type StoryText,
} from '../fixtures/near-duplicate-stories.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
let database: TestDatabase;
let sourceId: number;
let serial = 0;
// Each test works in its own stretch of time, so that stories of one test are outside the
// 14-day window of another's.
let epoch = Date.parse('2025-01-01T08:00:00Z');

beforeAll(async () => {
  database = await createTestDatabase();
  sourceId = (await insertSource(database.db, { kind: 'rss', name: 'báo thử', url: 'http://example.org/feed' })).id;
});
afterAll(async () => {
  await database?.close();
});

function nextEpoch(): number {
  epoch += 100 * DAY_MS;
  return epoch;
}

async function addItem(story: Pick<StoryText, 'title' | 'body'>, at: number): Promise<number> {
  serial++;
  const [row] = await database.db
    .insert(items)
    .values({
      sourceId,
      keyHash: `key-${serial}`,
      url: `http://example.org/${serial}`,
      title: story.title,
      body: story.body,
      collectedAt: new Date(at),
      sortAt: new Date(at),
      searchText: foldText(`${story.title}\n${story.body}`),
      contentHash: `hash-${serial}`,
    })
    .returning({ id: items.id });
  return row!.id;
}

async function addStories(stories: readonly Pick<StoryText, 'title' | 'body'>[], start: number): Promise<number[]> {
  const ids: number[] = [];
  for (const [index, story] of stories.entries()) ids.push(await addItem(story, start + index * 60 * 60 * 1000));
  return ids;
}

async function clusterOf(ids: number[]): Promise<(number | null)[]> {
  const rows = await database.db
    .select({ id: items.id, clusterId: items.clusterId })
    .from(items)
    .where(inArray(items.id, ids));
  const byId = new Map(rows.map((row) => [row.id, row.clusterId]));
  return ids.map((id) => byId.get(id) ?? null);
}

async function getCluster(id: number) {
  const [row] = await database.db.select().from(clusters).where(eq(clusters.id, id));
  return row!;
}

describe('clusterItems', () => {
  it('puts the same story from five papers in one cluster, and a re-post under a new headline with them', async () => {
    const start = nextEpoch();
    const ids = await addStories(SAME_STORY, start);
    expect(await clusterItems(database.db, ids)).toEqual({ clustered: 5, joined: 4, created: 1 });
    const assigned = await clusterOf(ids);
    expect(new Set(assigned).size).toBe(1);
    const cluster = await getCluster(assigned[0]!);
    expect(cluster).toMatchObject({ representativeItemId: ids[0], size: 5 });
    expect(cluster.firstSeenAt.getTime()).toBe(start);
    expect(cluster.lastSeenAt.getTime()).toBe(start + 4 * 60 * 60 * 1000);

    // The re-post arrives the next day, in a later run.
    const repost = await addItem(REPOST, start + DAY_MS);
    expect(await clusterItems(database.db, [repost])).toEqual({ clustered: 1, joined: 1, created: 0 });
    expect(await clusterOf([repost])).toEqual([assigned[0]]);
    const grown = await getCluster(assigned[0]!);
    expect(grown.size).toBe(6);
    expect(grown.lastSeenAt.getTime()).toBe(start + DAY_MS);
    expect(grown.firstSeenAt.getTime()).toBe(start);
  });

  it('keeps different stories about the same school, with the same vocabulary, in different clusters', async () => {
    const start = nextEpoch();
    const copies = await addStories(SAME_STORY, start);
    await clusterItems(database.db, copies);
    const others = await addStories([MEALS_STORY, FEE_NOTICE_STORY, REFUND_STORY], start + DAY_MS);
    expect(await clusterItems(database.db, others)).toEqual({ clustered: 3, joined: 0, created: 3 });
    const [storyCluster] = await clusterOf(copies);
    const otherClusters = await clusterOf(others);
    expect(new Set([storyCluster, ...otherClusters]).size).toBe(4);
    for (const id of otherClusters) expect((await getCluster(id!)).size).toBe(1);
  });

  it('clusters copies that arrive in the same run as the stories they differ from', async () => {
    const start = nextEpoch();
    const mixed = [SAME_STORY[0]!, MEALS_STORY, SAME_STORY[2]!, FEE_NOTICE_STORY, SAME_STORY[4]!, REFUND_STORY, REPOST];
    const ids = await addStories(mixed, start);
    expect(await clusterItems(database.db, ids)).toEqual({ clustered: 7, joined: 3, created: 4 });
    const assigned = await clusterOf(ids);
    expect(new Set([assigned[0], assigned[2], assigned[4], assigned[6]]).size).toBe(1);
    expect(new Set(assigned).size).toBe(4);
  });

  it('joins short texts (a title only) only to nearly identical ones', async () => {
    const start = nextEpoch();
    const ids = await addStories(
      [
        { title: SHORT_TEXTS.feeUp, body: '' },
        { title: SHORT_TEXTS.feeDown, body: '' },
        { title: SHORT_TEXTS.feeUpAgain, body: '' },
        { title: SHORT_TEXTS.feeUpFolded, body: '' },
        { title: 'Học phí tăng', body: '' },
      ],
      start,
    );
    await clusterItems(database.db, ids);
    const [up, down, upAgain, upFolded, upShorter] = await clusterOf(ids);
    expect(upAgain).toBe(up);
    expect(upFolded).toBe(up);
    expect(down).not.toBe(up);
    expect(upShorter).not.toBe(up);
    expect(upShorter).not.toBe(down);
  });

  it('stores the same signature for NFD and NFC copies, which share a cluster', async () => {
    const start = nextEpoch();
    const story = FEE_NOTICE_STORY;
    const ids = await addStories(
      [story, { title: story.title.normalize('NFD'), body: story.body.normalize('NFD') }],
      start,
    );
    await clusterItems(database.db, ids);
    const rows = await database.db
      .select({ simhash: items.simhash, clusterId: items.clusterId })
      .from(items)
      .where(inArray(items.id, ids))
      .orderBy(asc(items.id));
    expect(rows[0]!.simhash).toBe(simhash(`${story.title}\n${story.body}`));
    expect(rows[1]!.simhash).toBe(rows[0]!.simhash);
    expect(rows[1]!.clusterId).toBe(rows[0]!.clusterId);
  });

  it('starts a new cluster for a copy published outside the 14-day window', async () => {
    const start = nextEpoch();
    const [first] = await addStories([SAME_STORY[0]!], start);
    await clusterItems(database.db, [first!]);
    const [late] = await addStories([SAME_STORY[1]!], start + 20 * DAY_MS);
    expect(await clusterItems(database.db, [late!])).toEqual({ clustered: 1, joined: 0, created: 1 });
    const [a, b] = await clusterOf([first!, late!]);
    expect(a).not.toBe(b);
  });

  it('changes nothing when run again on the same items', async () => {
    const start = nextEpoch();
    const ids = await addStories([...SAME_STORY, MEALS_STORY], start);
    await clusterItems(database.db, ids);
    const snapshot = async () => {
      const itemRows = await database.db
        .select({ id: items.id, clusterId: items.clusterId, simhash: items.simhash })
        .from(items)
        .orderBy(asc(items.id));
      const clusterRows = await database.db.select().from(clusters).orderBy(asc(clusters.id));
      return { itemRows, clusterRows };
    };
    const before = await snapshot();
    expect(await clusterItems(database.db, ids)).toEqual({ clustered: 0, joined: 0, created: 0 });
    expect(await clusterItems(database.db, [...ids, ...ids])).toEqual({ clustered: 0, joined: 0, created: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it('gives every item a cluster and ignores unknown ids', async () => {
    const start = nextEpoch();
    const ids = await addStories([{ title: '', body: '' }, { title: '…', body: '' }, MEALS_STORY], start);
    expect(await clusterItems(database.db, [...ids, 987_654_321])).toEqual({ clustered: 3, joined: 0, created: 3 });
    expect((await clusterOf(ids)).every((id) => id !== null)).toBe(true);
    expect(await clusterItems(database.db, [])).toEqual({ clustered: 0, joined: 0, created: 0 });
  });

  it('makes one cluster when two workers cluster copies of a story at the same time', async () => {
    const start = nextEpoch();
    const ids = await addStories([...SAME_STORY, REPOST], start);
    const halves = [ids.filter((_, i) => i % 2 === 0), ids.filter((_, i) => i % 2 === 1)];
    // Each worker gets half the copies, and both also get the other's first item.
    const results = await Promise.all([
      clusterItems(database.db, [...halves[0]!, halves[1]![0]!]),
      clusterItems(database.db, [...halves[1]!, halves[0]![0]!]),
    ]);
    expect(results.reduce((sum, r) => sum + r.clustered, 0)).toBe(ids.length);
    expect(results.reduce((sum, r) => sum + r.created, 0)).toBe(1);
    const assigned = await clusterOf(ids);
    expect(new Set(assigned).size).toBe(1);
    expect((await getCluster(assigned[0]!)).size).toBe(ids.length);
  });

  it('reads stored signatures back as the same two 32-bit words, negative ones included', async () => {
    const rows = await database.db.select({ id: items.id, simhash: items.simhash }).from(items);
    const signatures = await listClusteredSignatures(database.db, new Date(0), new Date(Date.parse('2100-01-01')));
    const byId = new Map(signatures.map((signature) => [signature.id, signature]));
    const stored = rows.filter((row) => row.simhash !== null);
    expect(stored.some((row) => row.simhash! < 0n)).toBe(true);
    for (const row of stored) {
      const { high, low } = byId.get(row.id)!;
      expect({ high, low }).toEqual(splitWords(row.simhash!));
    }
  });
});
