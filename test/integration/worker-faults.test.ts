// Real `duluan worker` processes against a real PostgreSQL and a redis-server of our own, under
// the faults production will bring: a worker killed mid-job, Redis restarted, PostgreSQL away for
// 30 s. Every item arrives exactly once. Skipped loudly without TEST_DATABASE_URL / TEST_REDIS_URL.
import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRuleClassifier } from '../../src/classifiers/classify.ts';
import { loadTestServices } from '../../src/config.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import { createBullmqRunner, monitorWorker, REFRESH_QUEUE } from '../../src/jobs/bullmq-runner.ts';
import type { JobRunner } from '../../src/jobs/job-runner.ts';
import { fixedClassifier } from '../../src/pipeline/classifier-cache.ts';
import type { PipelineDeps } from '../../src/pipeline/refresh-source.ts';
import { startFeedFarm, type FeedFarm } from '../helpers/feed-farm.ts';
import { hasRedisServer, startOwnRedis, type OwnRedis } from '../helpers/redis-server.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { testRedisUrl } from '../helpers/test-redis.ts';
import { spawnWorker, type WorkerProcess } from '../helpers/worker-process.ts';

const { databaseUrl } = loadTestServices();
const redisAllowed = testRedisUrl();
if (!databaseUrl) console.warn('\n!!! SKIPPED: TEST_DATABASE_URL is not set: worker fault tests need a real PostgreSQL (see README).\n');
const redisServer = hasRedisServer();
if (!redisServer) console.warn('\n!!! SKIPPED: redis-server is not installed: worker fault tests start their own.\n');
const canRun = Boolean(databaseUrl && redisAllowed && redisServer);

// Short BullMQ timings so recovery happens in seconds, not the production 30 s.
const FAST = {
  WORKER_LOCK_DURATION_MS: '2000',
  WORKER_STALLED_INTERVAL_MS: '1000',
  WORKER_STUCK_AFTER_SECONDS: '4',
  WORKER_SHUTDOWN_TIMEOUT_MS: '1500',
  WORKER_HEALTH_PORT: '0',
  COLLECTOR_ALLOW_HOSTS: '127.0.0.1',
  COLLECTOR_TIMEOUT_MS: '20000',
  LOG_LEVEL: 'debug',
};

describe.runIf(canRun)('workers under faults', () => {
  let database: TestDatabase;
  let direct: postgres.Sql;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    direct = postgres(database.url!, { max: 2, onnotice: () => {} });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  });
  afterAll(async () => {
    await direct?.end();
    await database?.close();
  });

  /** A test's world: its own Redis, feeds, sources, a producer and N real worker processes. */
  async function setUp(options: {
    feeds: number;
    itemsPerFeed: number;
    trickleMs: number;
    persistentRedis?: boolean;
    databaseUrl?: string;
    attempts?: number;
    workers?: number;
    env?: Record<string, string>;
  }) {
    const redis: OwnRedis = await startOwnRedis({ persistent: options.persistentRedis });
    cleanups.push(() => redis.close());
    const farm: FeedFarm = await startFeedFarm({
      feeds: options.feeds,
      itemsPerFeed: options.itemsPerFeed,
      trickleMs: options.trickleMs,
      seed: Math.floor(Math.random() * 1e9),
    });
    cleanups.push(() => farm.close());
    const prefix = `duluan-faults-${randomBytes(3).toString('hex')}`;
    const deps: PipelineDeps = {
      db: database.db,
      classifiers: fixedClassifier(createRuleClassifier()),
      fetch: { allowHosts: ['127.0.0.1'], timeoutMs: 20_000, maxBytes: 1 << 22 },
    };
    const runner: JobRunner = createBullmqRunner({
      redisUrl: redis.url,
      deps,
      prefix,
      attempts: options.attempts ?? 8,
      backoff: { type: 'fixed', delay: 1_000 },
    });
    cleanups.push(() => runner.close());
    const queue = new Queue(REFRESH_QUEUE, { connection: { url: redis.url, maxRetriesPerRequest: null }, prefix });
    queue.on('error', () => {});
    cleanups.push(() => queue.close());
    const sourceIds: number[] = [];
    for (let index = 0; index < options.feeds; index += 1) {
      const source = await insertSource(database.db, { kind: 'rss', name: `${prefix}-${index}`, url: farm.urlOf(index) });
      sourceIds.push(source.id);
    }
    const workers: WorkerProcess[] = [];
    for (let n = 0; n < (options.workers ?? 2); n += 1) {
      const worker = spawnWorker({
        ...FAST,
        DATABASE_URL: options.databaseUrl ?? database.url!,
        REDIS_URL: redis.url,
        QUEUE_PREFIX: prefix,
        WORKER_CONCURRENCY: '2',
        ...options.env,
      });
      workers.push(worker);
      cleanups.push(() => worker.kill('SIGKILL'));
    }
    await Promise.all(workers.map((worker) => worker.waitFor(/worker started/)));
    return { redis, farm, runner, queue, sourceIds, workers, prefix };
  }

  /** Returns, per source, how many items are stored and how many distinct keys and URLs they have. */
  async function storedBySource(sourceIds: number[]): Promise<Map<number, { rows: number; keys: number; urls: number }>> {
    const rows = await direct<{ source_id: number; rows: number; keys: number; urls: number }[]>`
      select source_id, count(*)::int as rows, count(distinct key_hash)::int as keys, count(distinct url)::int as urls
      from items where source_id in ${direct(sourceIds)} group by source_id`;
    return new Map(rows.map((row) => [row.source_id, { rows: row.rows, keys: row.keys, urls: row.urls }]));
  }

  async function expectAllStoredOnce(sourceIds: number[], itemsPerFeed: number, timeoutMs: number): Promise<void> {
    await expect
      .poll(async () => [...(await storedBySource(sourceIds)).values()].reduce((sum, entry) => sum + entry.rows, 0), {
        timeout: timeoutMs,
        interval: 250,
      })
      .toBe(sourceIds.length * itemsPerFeed);
    const stored = await storedBySource(sourceIds);
    for (const id of sourceIds) expect(stored.get(id)).toEqual({ rows: itemsPerFeed, keys: itemsPerFeed, urls: itemsPerFeed });
  }

  async function healthOf(worker: WorkerProcess): Promise<{ status: number; body: { ok: boolean; detail: string } }> {
    const line = await worker.waitFor(/worker started/);
    const url = /"health":"([^"]+)"/.exec(line)![1]!;
    const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    return { status: response.status, body: (await response.json()) as { ok: boolean; detail: string } };
  }

  it('refuses to start when Redis may evict keys, naming the setting', async () => {
    const redis = await startOwnRedis();
    cleanups.push(() => redis.close());
    const { Redis } = await import('ioredis');
    const admin = new Redis(redis.url);
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    admin.disconnect();
    const worker = spawnWorker({ ...FAST, DATABASE_URL: database.url!, REDIS_URL: redis.url });
    cleanups.push(() => worker.kill('SIGKILL'));
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toContain('maxmemory-policy is "allkeys-lru"');
    expect(worker.output()).toContain('noeviction');
  });

  // Once in CI, on a loaded machine, this worker exited 1 on SIGTERM right after starting; it has
  // not reproduced since shutdown releases each connection on its own. One retry keeps a rare
  // timing fault from hiding the rest of the run, and the worker's output is printed if it recurs.
  it('starts with a warning when Redis refuses CONFIG (managed services), and drains on SIGTERM', { retry: 1 }, async () => {
    const redis = await startOwnRedis({ extraArgs: ['--rename-command', 'CONFIG', ''] });
    cleanups.push(() => redis.close());
    const worker = spawnWorker({ ...FAST, DATABASE_URL: database.url!, REDIS_URL: redis.url });
    cleanups.push(() => worker.kill('SIGKILL'));
    await worker.waitFor(/worker started/);
    expect(worker.output()).toMatch(/WARN could not read Redis maxmemory-policy.*noeviction/);
    const code = await worker.kill('SIGTERM');
    expect(code, worker.output()).toBe(0);
    expect(worker.output()).toMatch(/worker stopped \{"outcome":"drained"\}/);
  });

  it('health: 503 when jobs wait and the worker starts or finishes none (stuck), 200 when idle', async () => {
    const redis = await startOwnRedis();
    cleanups.push(() => redis.close());
    const prefix = `duluan-stuck-${randomBytes(3).toString('hex')}`;
    const connection = { url: redis.url, maxRetriesPerRequest: null };
    // A worker whose only slot hangs forever: alive, connected, and making no progress.
    const worker = new Worker(REFRESH_QUEUE, () => new Promise(() => {}), { connection, prefix, concurrency: 1 });
    cleanups.push(() => worker.close(true));
    const monitor = monitorWorker(worker, { redisUrl: redis.url, prefix, stuckAfterMs: 1_000, probeEveryMs: 100 });
    cleanups.push(() => monitor.close());
    const queue = new Queue(REFRESH_QUEUE, { connection, prefix });
    cleanups.push(() => queue.close());
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(monitor.report()).toMatchObject({ ok: true, waiting: 0 });
    await queue.add('refresh', { sourceId: 1 });
    await queue.add('refresh', { sourceId: 2 });
    await expect.poll(() => monitor.report().detail, { timeout: 5_000, interval: 100 }).toMatch(/1 jobs waiting and none started or finished/);
    expect(monitor.report().ok).toBe(false);
    await worker.close(true);
    expect(monitor.report()).toMatchObject({ ok: false, detail: 'the worker is not running' });
  });

  it('runs a job again elsewhere when its worker is killed with SIGKILL mid-job; nothing lost or doubled', async () => {
    const itemsPerFeed = 20;
    const world = await setUp({ feeds: 6, itemsPerFeed, trickleMs: 3_000 });
    for (const id of world.sourceIds) await world.runner.enqueueRefresh(id);
    await world.farm.waitForInFlight();
    // The victim is whichever worker holds an active job right now (BullMQ stores processedBy).
    const active = await world.queue.getActive();
    expect(active.length).toBeGreaterThan(0);
    const victimName = active[0]!.processedBy!;
    const victim = world.workers.find((worker) => victimName.endsWith(`:${worker.pid}`))!;
    expect(victim).toBeDefined();
    const survivor = world.workers.find((worker) => worker !== victim)!;
    expect(await victim.kill('SIGKILL')).toBe('SIGKILL');

    await expectAllStoredOnce(world.sourceIds, itemsPerFeed, 30_000);
    // The survivor's stalled check found the orphaned job(s) and put them back.
    expect(survivor.output()).toMatch(/job stalled/);
    expect(await world.queue.getFailedCount()).toBe(0);
    expect(survivor.child.exitCode).toBeNull();
  }, 60_000);

  it('two workers refreshing the same source at the same moment store each item once', async () => {
    const itemsPerFeed = 30;
    const world = await setUp({ feeds: 1, itemsPerFeed, trickleMs: 1_500 });
    // Four jobs for one source, no shared job id: they run concurrently on both workers.
    for (let n = 0; n < 4; n += 1) await world.queue.add('refresh', { sourceId: world.sourceIds[0] });
    await expect.poll(() => world.queue.getCompletedCount(), { timeout: 20_000, interval: 200 }).toBe(4);
    expect(world.farm.stats.full).toBeGreaterThanOrEqual(2);
    const processedBy = new Set((await world.queue.getCompleted()).map((job) => job.processedBy));
    expect(processedBy.size).toBe(2);
    await expectAllStoredOnce(world.sourceIds, itemsPerFeed, 5_000);
  }, 60_000);

  it('resumes by itself when Redis is restarted during collection; /health says 503 while stuck', async () => {
    const itemsPerFeed = 20;
    const world = await setUp({ feeds: 8, itemsPerFeed, trickleMs: 1_500, persistentRedis: true });
    const before = world.sourceIds.slice(0, 6);
    const after = world.sourceIds.slice(6);
    for (const id of before) await world.runner.enqueueRefresh(id);
    await world.farm.waitForInFlight();
    await world.redis.kill('SIGKILL');
    // Down longer than WORKER_STUCK_AFTER_SECONDS: every worker reports itself unhealthy.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    for (const worker of world.workers) {
      const health = await healthOf(worker);
      expect(health.status).toBe(503);
      expect(health.body.detail).toMatch(/no Redis round trip/);
    }
    await world.redis.start();
    // Jobs queued after the restart are taken too: the workers are not stuck on a dead connection.
    for (const id of after) await world.runner.enqueueRefresh(id);
    await expectAllStoredOnce(world.sourceIds, itemsPerFeed, 40_000);
    for (const worker of world.workers) {
      expect(worker.child.exitCode).toBeNull();
      await expect.poll(async () => (await healthOf(worker)).status, { timeout: 10_000, interval: 500 }).toBe(200);
    }
  }, 90_000);

  it('loses nothing acknowledged when PostgreSQL is unavailable for 30 s, and collection resumes', async () => {
    const itemsPerFeed = 25;
    const target = new URL(database.url!);
    const proxy: TcpProxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    cleanups.push(() => proxy.close());
    const viaProxy = new URL(database.url!);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const world = await setUp({
      feeds: 8,
      itemsPerFeed,
      trickleMs: 1_000,
      databaseUrl: viaProxy.toString(),
      attempts: 60,
    });
    const first = world.sourceIds.slice(0, 4);
    const later = world.sourceIds.slice(4);
    for (const id of first) await world.runner.enqueueRefresh(id);
    // Cut while some items are committed and some jobs are mid-fetch.
    await expect.poll(async () => (await storedBySource(first)).size, { timeout: 20_000, interval: 100 }).toBeGreaterThan(0);
    proxy.cut();
    const committed = await storedBySource(first);
    // Work accepted (by Redis) while the database is away must be done once it is back.
    for (const id of later) await world.runner.enqueueRefresh(id);
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    // Nothing committed before the outage is gone, and the jobs failed and are being retried.
    const during = await storedBySource(first);
    for (const [id, entry] of committed) expect(during.get(id)?.rows).toBe(entry.rows);
    const failures = world.workers.map((worker) => worker.output()).join('\n');
    expect(failures).toMatch(/refresh job failed/);
    expect(proxy.refused).toBeGreaterThan(0);
    proxy.restore();

    await expectAllStoredOnce(world.sourceIds, itemsPerFeed, 30_000);
    expect(await world.queue.getFailedCount()).toBe(0);
    for (const worker of world.workers) expect(worker.child.exitCode).toBeNull();
  }, 120_000);

  it('on SIGTERM waits for the job in hand only up to the time limit, then exits; the job runs elsewhere', async () => {
    const itemsPerFeed = 10;
    const world = await setUp({ feeds: 1, itemsPerFeed, trickleMs: 6_000 });
    await world.runner.enqueueRefresh(world.sourceIds[0]!);
    await world.farm.waitForInFlight();
    const [job] = await world.queue.getActive();
    const holder = world.workers.find((worker) => job!.processedBy!.endsWith(`:${worker.pid}`))!;
    const started = Date.now();
    expect(await holder.kill('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(holder.output()).toMatch(/shutdown timed out/);
    await expectAllStoredOnce(world.sourceIds, itemsPerFeed, 30_000);
  }, 60_000);
});
