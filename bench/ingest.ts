// Ingest benchmark: 200 feeds × 50 items served on loopback, collected into a real PostgreSQL by
// real `duluan worker` processes sharing a real Redis; then re-polls where nothing changed.
//
//   npm run bench:ingest
//   npm run bench:ingest -- --database-url postgres://postgres@127.0.0.1:5432/postgres \
//       --redis-url redis://127.0.0.1:6379 --feeds 200 --items 50 --workers 2 --concurrency 8
//
// It creates a throw-away database `duluan_bench_ingest_<random>` (dropped at the end) and uses a
// unique BullMQ prefix `duluan-bench-<random>` on Redis, deleting only keys under that prefix.
// Worker CPU time is read from /proc/<pid>/stat (user + system, both worker processes).
// Baselines measured in the same run: the re-poll without conditional GET (the server ignores the
// ETag, so every unchanged feed is downloaded, parsed and matched against stored keys), and the
// same collection done by one in-process runner (refreshSource, 8 at a time) instead of workers.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { createClassifier } from '../src/classifiers/classify.ts';
import { loadModels } from '../src/classifiers/load-models.ts';
import { openDatabase, redactUrl } from '../src/db/client.ts';
import { runMigrations } from '../src/db/migrate.ts';
import { insertSource } from '../src/db/queries/sources.ts';
import { REFRESH_QUEUE } from '../src/jobs/bullmq-runner.ts';
import { createClassifierCache } from '../src/pipeline/classifier-cache.ts';
import { refreshSource, type PipelineDeps } from '../src/pipeline/refresh-source.ts';
import { startFeedFarm } from '../test/helpers/feed-farm.ts';
import { spawnWorker, type WorkerProcess } from '../test/helpers/worker-process.ts';

const TARGET_ITEMS_PER_SECOND = 2_000;
const TARGET_REPOLL_CPU_MS = 2;

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
    feeds: { type: 'string', default: '200' },
    items: { type: 'string', default: '50' },
    workers: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
  },
});
const FEEDS = Number(values.feeds);
const ITEMS = Number(values.items);
const WORKERS = Number(values.workers);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const CLOCK_TICK_MS = 10; // getconf CLK_TCK = 100 on Linux

/** Returns user+system CPU ms of a process so far. */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, utime 14, stime 15 (1-based in proc(5)).
  return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
}

function cpuMsOfAll(workers: WorkerProcess[]): number {
  return workers.reduce((sum, worker) => sum + cpuMsOf(worker.pid), 0);
}

/** Returns the machine's busy and total CPU ms so far (all cores), from /proc/stat. */
function machineCpuMs(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: (total - idle) * CLOCK_TICK_MS, total: total * CLOCK_TICK_MS };
}

/** Returns CPU ms of the PostgreSQL backends serving one database (the workers' connections). */
async function backendCpuMs(admin: postgres.Sql, dbName: string): Promise<Map<number, number>> {
  const rows = await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`;
  const result = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      result.set(pid, cpuMsOf(pid));
    } catch {
      // gone, or not readable (PostgreSQL on another machine)
    }
  }
  return result;
}

function deltaMs(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of after) sum += ms - (before.get(pid) ?? 0);
  return sum;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const adminUrl = values['database-url']!;
  const redisUrl = values['redis-url']!;
  const suffix = randomBytes(4).toString('hex');
  const dbName = `duluan_bench_ingest_${suffix}`;
  const prefix = `duluan-bench-${suffix}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${dbName}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  console.log(`ingest bench: ${FEEDS} feeds × ${ITEMS} items, ${WORKERS} worker processes × concurrency ${CONCURRENCY}`);
  console.log(`database ${redactUrl(databaseUrl)} (created for this run), Redis ${redactUrl(redisUrl)} prefix ${prefix}`);

  const database = await openDatabase({ databaseUrl, dataDir: 'unused' });
  await runMigrations(database, databaseUrl);
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  const farm = await startFeedFarm({ feeds: FEEDS, itemsPerFeed: ITEMS, seed: 7 });
  const queue = new Queue(REFRESH_QUEUE, {
    connection: { url: redisUrl, maxRetriesPerRequest: null },
    prefix,
    defaultJobOptions: { attempts: 3, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: true, removeOnFail: 1000 },
  });
  const workers: WorkerProcess[] = [];
  try {
    const sourceIds: number[] = [];
    for (let index = 0; index < FEEDS; index += 1) {
      sourceIds.push((await insertSource(database.db, { kind: 'rss', name: `Báo ${index}`, url: farm.urlOf(index) })).id);
    }
    for (let n = 0; n < WORKERS; n += 1) {
      workers.push(
        spawnWorker({
          DATABASE_URL: databaseUrl,
          REDIS_URL: redisUrl,
          QUEUE_PREFIX: prefix,
          WORKER_CONCURRENCY: String(CONCURRENCY),
          COLLECTOR_ALLOW_HOSTS: '127.0.0.1',
          LOG_LEVEL: 'info',
        }),
      );
    }
    await Promise.all(workers.map((worker) => worker.waitFor(/worker started/, 60_000)));
    // Let start-up (module loading, model loading, migrations check) finish before measuring.
    await sleep(1_000);

    const countItems = async (ids: number[]) =>
      (await sql<{ n: number }[]>`select count(*)::int as n from items where source_id in ${sql(ids)}`)[0]!.n;
    const countPolledSince = async (since: Date) =>
      (await sql<{ n: number }[]>`select count(*)::int as n from sources where id in ${sql(sourceIds)} and last_success_at >= ${since}`)[0]!.n;
    const enqueueAll = (ids: number[]) =>
      queue.addBulk(ids.map((sourceId) => ({ name: 'refresh', data: { sourceId } })));

    // 1. Collection: every item is new.
    const cpuBefore = cpuMsOfAll(workers);
    const machineBefore = machineCpuMs();
    const benchBefore = process.cpuUsage();
    const pgBefore = await backendCpuMs(admin, dbName);
    const started = performance.now();
    await enqueueAll(sourceIds);
    while ((await countItems(sourceIds)) < FEEDS * ITEMS) {
      if ((await queue.getFailedCount()) > 0) throw new Error(`jobs failed: ${JSON.stringify((await queue.getFailed())[0]?.failedReason)}`);
      await sleep(20);
    }
    const collectSeconds = (performance.now() - started) / 1000;
    const collectCpuMs = cpuMsOfAll(workers) - cpuBefore;
    const pgCpuMs = deltaMs(pgBefore, await backendCpuMs(admin, dbName));
    const benchCpu = process.cpuUsage(benchBefore);
    const benchCpuMs = (benchCpu.user + benchCpu.system) / 1000;
    const machineAfter = machineCpuMs();
    const machineBusyMs = machineAfter.busy - machineBefore.busy;
    const machineTotalMs = machineAfter.total - machineBefore.total;
    const cores = readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((line) => line.startsWith('processor')).length;
    const itemsPerSecond = (FEEDS * ITEMS) / collectSeconds;
    const [dupes] = await sql<{ n: number }[]>`select (count(*) - count(distinct (source_id, key_hash)))::int as n from items`;

    // 2. Re-poll where nothing changed (the server answers 304 to the stored ETag), and 3. the
    //    same without conditional GET, as a baseline.
    async function repoll(conditional: boolean): Promise<{ cpuPerFeedMs: number; secondsPerRound: number; idleCpuPerFeedMs: number }> {
      farm.conditional = conditional;
      let cpu = 0;
      let seconds = 0;
      for (let round = 0; round < ROUNDS; round += 1) {
        await sql`update sources set next_fetch_at = null where id in ${sql(sourceIds)}`;
        const since = new Date();
        await sleep(5);
        const before = cpuMsOfAll(workers);
        const t0 = performance.now();
        await enqueueAll(sourceIds);
        while ((await countPolledSince(since)) < FEEDS) await sleep(10);
        seconds += (performance.now() - t0) / 1000;
        cpu += cpuMsOfAll(workers) - before;
      }
      // What the same processes burn doing nothing for as long (BullMQ's timers, health probe).
      const idleBefore = cpuMsOfAll(workers);
      await sleep((seconds / ROUNDS) * 1000);
      const idle = cpuMsOfAll(workers) - idleBefore;
      return { cpuPerFeedMs: cpu / (ROUNDS * FEEDS), secondsPerRound: seconds / ROUNDS, idleCpuPerFeedMs: idle / FEEDS };
    }
    const full304Before = farm.stats.notModified;
    const conditional = await repoll(true);
    const got304 = farm.stats.notModified - full304Before;
    const unconditional = await repoll(false);
    if ((await countItems(sourceIds)) !== FEEDS * ITEMS) throw new Error('re-polls changed the item count');

    // 4. Baseline: the same collection by one in-process runner, into a second set of sources.
    const baselineIds: number[] = [];
    for (let index = 0; index < FEEDS; index += 1) {
      baselineIds.push((await insertSource(database.db, { kind: 'rss', name: `Báo ${index} (b)`, url: farm.urlOf(index) })).id);
    }
    farm.conditional = true;
    const models = loadModels();
    const deps: PipelineDeps = {
      db: database.db,
      classifiers: createClassifierCache(database.db, (inputs) => createClassifier({ ...inputs, models })),
      fetch: { allowHosts: ['127.0.0.1'], timeoutMs: 15_000, maxBytes: 10 * 1024 * 1024 },
    };
    const inProcessCpu = process.cpuUsage();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < baselineIds.length) await refreshSource(deps, baselineIds[next++]!);
      }),
    );
    const inProcessSeconds = (performance.now() - t0) / 1000;
    const inProcessCpuMs = (() => {
      const used = process.cpuUsage(inProcessCpu);
      return (used.user + used.system) / 1000;
    })();
    if ((await countItems(baselineIds)) !== FEEDS * ITEMS) throw new Error('in-process baseline missed items');

    const pass = (ok: boolean) => (ok ? 'PASS' : 'MISS');
    console.log('');
    console.log(`collection, ${WORKERS} worker processes:  ${(FEEDS * ITEMS).toLocaleString('en')} new items in ${collectSeconds.toFixed(2)} s = ${Math.round(itemsPerSecond).toLocaleString('en')} items/s end to end  [target ≥ ${TARGET_ITEMS_PER_SECOND}: ${pass(itemsPerSecond >= TARGET_ITEMS_PER_SECOND)}]`);
    console.log(`   worker CPU ${Math.round(collectCpuMs)} ms = ${(collectCpuMs / (FEEDS * ITEMS)).toFixed(3)} ms per new item; duplicates stored: ${dupes!.n}`);
    const otherMs = machineBusyMs - collectCpuMs - pgCpuMs - benchCpuMs;
    const perItem = (ms: number) => (ms / (FEEDS * ITEMS)).toFixed(3);
    console.log(`   CPU during collection, ms per new item: workers ${perItem(collectCpuMs)}, PostgreSQL backends ${perItem(pgCpuMs)}, feed server + this script ${perItem(benchCpuMs)}; other processes on the machine ${Math.round(otherMs)} ms`);
    console.log(`   machine: ${cores} cores, ${Math.round((100 * machineBusyMs) / Math.max(1, machineTotalMs))}% busy during collection; ingest CPU alone caps ${cores} free cores at ${Math.round((cores * 1000 * FEEDS * ITEMS) / (collectCpuMs + pgCpuMs + benchCpuMs)).toLocaleString('en')} items/s`);
    console.log(`   baseline, one in-process runner (8 at a time): ${Math.round((FEEDS * ITEMS) / inProcessSeconds).toLocaleString('en')} items/s (${inProcessSeconds.toFixed(2)} s, ${(inProcessCpuMs / (FEEDS * ITEMS)).toFixed(3)} ms CPU per item incl. feed server)`);
    console.log(`re-poll, nothing changed (304 to the stored ETag; ${got304} of ${ROUNDS * FEEDS} answered 304):`);
    console.log(`   ${conditional.cpuPerFeedMs.toFixed(2)} ms worker CPU per unchanged feed, ${(conditional.secondsPerRound * 1000).toFixed(0)} ms per round of ${FEEDS}  [target ≤ ${TARGET_REPOLL_CPU_MS}: ${pass(conditional.cpuPerFeedMs <= TARGET_REPOLL_CPU_MS)}]`);
    console.log(`   (idle workers burn ${conditional.idleCpuPerFeedMs.toFixed(3)} ms per feed-equivalent over the same time)`);
    console.log(`   baseline without conditional GET (full download + parse + key lookup): ${unconditional.cpuPerFeedMs.toFixed(2)} ms per feed, ${(unconditional.secondsPerRound * 1000).toFixed(0)} ms per round`);
  } finally {
    await Promise.all(workers.map((worker) => worker.kill('SIGTERM')));
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    // Only our prefix, never anything else on the shared Redis.
    const redis = new Redis(redisUrl);
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = nextCursor;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
    await farm.close();
    await sql.end();
    await database.close();
    await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
    await admin.end();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
