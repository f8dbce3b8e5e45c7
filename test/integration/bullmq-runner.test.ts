// BullMQ on a real Redis: schedules with deterministic ids, a worker that stores each item once.
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeedServer, type FeedServer } from '../../demo/feed-server.ts';
import { createRuleClassifier } from '../../src/classifiers/classify.ts';
import { fixedClassifier } from '../../src/pipeline/classifier-cache.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import { items } from '../../src/db/schema.ts';
import { createBullmqRunner, REFRESH_QUEUE, schedulerIdFor, startRefreshWorker } from '../../src/jobs/bullmq-runner.ts';
import type { JobRunner } from '../../src/jobs/job-runner.ts';
import type { PipelineDeps } from '../../src/pipeline/refresh-source.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { testRedisUrl } from '../helpers/test-redis.ts';

const redisUrl = testRedisUrl();

describe.runIf(redisUrl)('BullMQ runner', () => {
  const prefix = `duluan-test-${randomBytes(4).toString('hex')}`;
  let database: TestDatabase;
  let feeds: FeedServer;
  let deps: PipelineDeps;
  let runner: JobRunner;
  let queue: Queue;

  beforeAll(async () => {
    database = await createTestDatabase();
    feeds = await startFeedServer();
    deps = {
      db: database.db,
      classifiers: fixedClassifier(createRuleClassifier()),
      fetch: { allowHosts: ['127.0.0.1'], timeoutMs: 3000, maxBytes: 1024 * 1024 },
    };
    runner = createBullmqRunner({ redisUrl: redisUrl!, deps, prefix });
    queue = new Queue(REFRESH_QUEUE, { connection: { url: redisUrl! }, prefix });
  });
  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => {});
    await queue?.close();
    await runner?.close();
    await feeds?.close();
    await database?.close();
  });

  it('keeps one scheduler per source however often it is scheduled', async () => {
    const source = await insertSource(database.db, { kind: 'rss', name: 'a', url: feeds.urlOf('tin-phuong.xml') });
    await runner.scheduleSource(source);
    await runner.scheduleSource({ ...source, pollIntervalSeconds: 600 });
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.filter((scheduler) => scheduler.key === schedulerIdFor(source.id))).toHaveLength(1);
    await runner.scheduleSource({ ...source, enabled: false });
    expect(await queue.getJobSchedulers()).toHaveLength(0);
  });

  it('schedules web pages as it schedules feeds, and never form or import sources', async () => {
    const page = await insertSource(database.db, { kind: 'html', name: 'trang', url: feeds.urlOf('tin-phuong.xml') });
    const form = await insertSource(database.db, { kind: 'form', name: 'biểu mẫu', url: null });
    await runner.scheduleSource(page);
    await runner.scheduleSource(form);
    const keys = (await queue.getJobSchedulers()).map((scheduler) => scheduler.key);
    expect(keys).toContain(schedulerIdFor(page.id));
    expect(keys).not.toContain(schedulerIdFor(form.id));
    await runner.scheduleSource({ ...page, enabled: false });
    expect((await queue.getJobSchedulers()).map((scheduler) => scheduler.key)).not.toContain(schedulerIdFor(page.id));
  });

  it('stores each item once when two workers share the queue', async () => {
    const source = await insertSource(database.db, { kind: 'rss', name: 'b', url: feeds.urlOf('bao-giao-duc.xml') });
    const workers = [1, 2].map(() => startRefreshWorker({ redisUrl: redisUrl!, deps, prefix, concurrency: 2 }));
    try {
      for (let attempt = 0; attempt < 5; attempt += 1) await runner.enqueueRefresh(source.id);
      await expect
        .poll(async () => {
          const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(items).where(eq(items.sourceId, source.id));
          return row!.n;
        }, { timeout: 15_000, interval: 200 })
        .toBe(4);
      expect((await runner.health()).ok).toBe(true);
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
    }
  });
});
