// Runs source refreshes through BullMQ on Redis, so several worker processes share the work.
import { hostname } from 'node:os';
import { Queue, Worker, type BackoffOptions, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { listSources } from '../db/queries/sources.ts';
import type { Source } from '../domain/source.ts';
import { clusterPendingItems } from '../pipeline/cluster-items.ts';
import { RECHECK_EVERY_MS, recheckItems } from '../pipeline/recheck-items.ts';
import { RETENTION_EVERY_MS, runRetention } from '../pipeline/retention.ts';
import { refreshSource, type PipelineDeps } from '../pipeline/refresh-source.ts';
import { reclassifyUntilCurrent, type JobRunner } from './job-runner.ts';
import { WEEKLY_SNAPSHOT_CRON, snapshotDueWeek, type DeliverWeeklySummary } from './weekly-snapshot.ts';
import { ALERTS_EVERY_MS, runAlerts, type RunAlertsDeps } from './run-alerts.ts';

export const REFRESH_QUEUE = 'duluan-refresh';
const RECHECK_SCHEDULER = 'recheck-articles';
const CLUSTER_SCHEDULER = 'cluster-items';
const RETENTION_SCHEDULER = 'retention';
const WEEKLY_REPORT_SCHEDULER = 'weekly-report';
const ALERTS_SCHEDULER = 'alerts';
// New items are grouped with their near-duplicates shortly after they are stored.
const CLUSTER_EVERY_MS = 15_000;

/** Jobs carry ids only: a source to refresh, or nothing for a reclassification pass. */
interface RefreshJobData {
  sourceId?: number;
}

function connectionFor(redisUrl: string): ConnectionOptions {
  // BullMQ workers block on Redis; a per-request retry limit would make them throw instead of wait.
  return { url: redisUrl, maxRetriesPerRequest: null } as ConnectionOptions;
}

/** Returns the scheduler id of a source: deterministic, so restarts update rather than duplicate. */
export function schedulerIdFor(sourceId: number): string {
  return `source-${sourceId}`;
}

/** Returns a runner that schedules refreshes in Redis; workers started with startRefreshWorker do them. */
export function createBullmqRunner(options: {
  redisUrl: string;
  deps: PipelineDeps;
  prefix?: string;
  /** Tries per job (default 8). */
  attempts?: number;
  /** Wait between tries (default exponential from 5 s). */
  backoff?: BackoffOptions;
}): JobRunner {
  const queue = new Queue<RefreshJobData>(REFRESH_QUEUE, {
    connection: connectionFor(options.redisUrl),
    prefix: options.prefix,
    defaultJobOptions: {
      // A job that fails because PostgreSQL (or the network) is away is retried, not dropped:
      // 5, 10, 20 … 320 s between the 8 tries bridges an outage of about 10 minutes, and a
      // refresh is idempotent (unique (source_id, key_hash)), so a retry never stores twice.
      attempts: options.attempts ?? 8,
      backoff: options.backoff ?? { type: 'exponential', delay: 5_000 },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 1000 },
    },
  });
  // Without a listener an 'error' event (Redis restarting) would end the process; health() reports it.
  queue.on('error', () => {});

  async function schedule(source: Source): Promise<void> {
    const id = schedulerIdFor(source.id);
    // Feeds and web pages are fetched on a schedule; form and import sources are fed by people.
    if (!source.enabled || (source.kind !== 'rss' && source.kind !== 'html') || source.url === null) {
      await queue.removeJobScheduler(id);
      return;
    }
    await queue.upsertJobScheduler(
      id,
      { every: source.pollIntervalSeconds * 1000 },
      { name: 'refresh', data: { sourceId: source.id } },
    );
  }

  return {
    kind: 'bullmq',
    async start() {
      for (const source of await listSources(options.deps.db)) await schedule(source);
      await queue.upsertJobScheduler(RECHECK_SCHEDULER, { every: RECHECK_EVERY_MS }, { name: 'recheck', data: {} });
      await queue.upsertJobScheduler(CLUSTER_SCHEDULER, { every: CLUSTER_EVERY_MS }, { name: 'cluster', data: {} });
      // Daily: citizens' contacts and attachments older than the retention period are deleted.
      await queue.upsertJobScheduler(RETENTION_SCHEDULER, { every: RETENTION_EVERY_MS }, { name: 'retention', data: {} });
      // Mondays 07:00 Vietnam time: the week before is summarized and stored once.
      await queue.upsertJobScheduler(WEEKLY_REPORT_SCHEDULER, { ...WEEKLY_SNAPSHOT_CRON }, { name: 'weekly-report', data: {} });
      // Raise and deliver alerts: one job per minute, taken by one worker (raising is idempotent anyway).
      await queue.upsertJobScheduler(ALERTS_SCHEDULER, { every: ALERTS_EVERY_MS }, { name: 'alerts', data: {} });
    },
    scheduleSource: schedule,
    async enqueueRefresh(sourceId) {
      // The same id while one is waiting: a burst of "fetch now" clicks makes one job.
      await queue.add('refresh', { sourceId }, { jobId: `refresh-${sourceId}`, removeOnComplete: true, removeOnFail: true });
    },
    refreshNow: (sourceId) => refreshSource(options.deps, sourceId, { force: true }),
    async enqueueReclassify() {
      // One waiting pass is enough: it reclassifies against whatever is current when it runs.
      await queue.add('reclassify', {}, { jobId: 'reclassify', removeOnComplete: true, removeOnFail: true });
    },
    async health() {
      try {
        // Any round trip proves Redis answers; a timeout keeps /health fast when it does not.
        await Promise.race([
          queue.getJobCounts('waiting'),
          new Promise((_, reject) => setTimeout(() => reject(new Error('redis did not answer in 2 s')), 2_000).unref()),
        ]);
        return { ok: true };
      } catch (error) {
        return { ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    },
    async close() {
      await queue.close();
    },
  };
}

/** How a refresh worker runs: see startRefreshWorker for why each default is what it is. */
export interface RefreshWorkerOptions {
  redisUrl: string;
  deps: PipelineDeps;
  /** What alert jobs need (links, delivery secrets); without it, alert jobs do nothing. */
  alerts?: RunAlertsDeps;
  /** Sends a freshly stored weekly summary (e-mail, webhook); without it, snapshots are only stored. */
  deliverWeekly?: DeliverWeeklySummary;
  concurrency?: number;
  prefix?: string;
  /** Stored on every job it takes (BullMQ `processedBy`), e.g. `host:pid`. */
  name?: string;
  /** How long a job's lock lives without renewal (default 30 s; renewed every half of it). */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose lock expired (default 30 s). */
  stalledIntervalMs?: number;
  /** How many times a job may stall before it is failed instead of run again (default 2). */
  maxStalledCount?: number;
  onFailed?: (error: Error, sourceId: number | undefined) => void;
  /** Connection errors (Redis away or restarting); the worker reconnects by itself. */
  onError?: (error: Error) => void;
}

/**
 * Returns a started BullMQ worker that refreshes sources; close it to stop.
 *
 * Stalled-job recovery, set explicitly rather than left to library defaults: while a job runs the
 * worker renews its lock every lockDuration / 2. A worker killed without warning (SIGKILL, OOM,
 * a lost machine) stops renewing, the lock expires after lockDuration, and within stalledInterval
 * any live worker's stalled check puts the job back in the wait list, so it runs again elsewhere.
 * A refresh is idempotent (unique (source_id, key_hash)), so running it again never stores an item
 * twice. maxStalledCount 2 lets a job survive two such losses (say, a crash during a rolling
 * restart) but fails a job that kills its worker every time instead of letting it crash workers
 * forever. Nothing in a refresh blocks the event loop for anywhere near 30 s (fetches time out at
 * COLLECTOR_TIMEOUT_MS, the parser is bounded), so a healthy job is never mistaken for a stalled one.
 */
export function startRefreshWorker(options: RefreshWorkerOptions): Worker<RefreshJobData> {
  const worker = new Worker<RefreshJobData>(
    REFRESH_QUEUE,
    async (job) => {
      if (job.name === 'reclassify') return reclassifyUntilCurrent(options.deps);
      if (job.name === 'recheck') return recheckItems(options.deps);
      if (job.name === 'cluster') return clusterPendingItems(options.deps.db);
      if (job.name === 'retention') return runRetention(options.deps.db);
      if (job.name === 'weekly-report') return snapshotDueWeek(options.deps.db, { deliver: options.deliverWeekly });
      if (job.name === 'alerts') return options.alerts ? runAlerts(options.alerts) : null;
      if (typeof job.data.sourceId !== 'number') throw new Error(`jobs: ${job.name} job without a source id`);
      return refreshSource(options.deps, job.data.sourceId);
    },
    {
      connection: connectionFor(options.redisUrl),
      concurrency: options.concurrency ?? 4,
      prefix: options.prefix,
      name: options.name ?? `${hostname()}:${process.pid}`,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 2,
    },
  );
  worker.on('failed', (job, error) => options.onFailed?.(error, job?.data.sourceId));
  // An 'error' event without a listener would throw and end the process on the first Redis blip.
  worker.on('error', (error) => options.onError?.(error));
  return worker;
}

/** Thrown when Redis is configured in a way that would lose jobs. */
export class RedisConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisConfigError';
  }
}

/**
 * Checks that Redis never evicts keys: with any other maxmemory-policy, Redis under memory
 * pressure silently deletes queue keys (jobs, locks, schedules). Throws RedisConfigError when the
 * policy is different; returns a warning when the server refuses CONFIG (managed services), since
 * the policy cannot be checked then.
 */
export async function checkRedisEvictionPolicy(redisUrl: string): Promise<{ policy: string | null; warning?: string }> {
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 3, connectTimeout: 10_000, lazyConnect: true });
  client.on('error', () => {});
  try {
    await client.connect();
    let reply: unknown;
    try {
      reply = await client.call('CONFIG', 'GET', 'maxmemory-policy');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        policy: null,
        warning: `could not read Redis maxmemory-policy (${message}); make sure it is "noeviction", or jobs can be lost`,
      };
    }
    const policy = Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : null;
    if (policy === null) {
      return { policy, warning: 'Redis did not report maxmemory-policy; make sure it is "noeviction", or jobs can be lost' };
    }
    if (policy !== 'noeviction') {
      throw new RedisConfigError(
        `worker: Redis maxmemory-policy is "${policy}", but the job queue needs "noeviction": with any other ` +
          'policy Redis deletes queue keys (jobs, locks, schedules) when memory runs short, and work is lost ' +
          'silently. Set `maxmemory-policy noeviction` in redis.conf (or run CONFIG SET maxmemory-policy ' +
          'noeviction) and start the worker again.',
      );
    }
    return { policy };
  } finally {
    client.disconnect();
  }
}

/** What `/health` of a worker answers. */
export interface WorkerHealth {
  ok: boolean;
  detail: string;
  /** Seconds since the last successful Redis round trip of the health probe. */
  secondsSinceRedis: number;
  /** Seconds since this worker last started or finished a job, or saw nothing waiting. */
  secondsSinceProgress: number;
  /** Jobs ready to run (wait + prioritized) at the last probe; null before the first one. */
  waiting: number | null;
  lastError: string | null;
}

export interface WorkerMonitor {
  report(): WorkerHealth;
  close(): Promise<void>;
}

/**
 * Watches a worker for the failure a liveness probe of the process misses: alive, connected to
 * nothing or blocked on a dead connection (e.g. after Redis restarts), while jobs pile up.
 * Unhealthy when no Redis round trip succeeded for stuckAfterMs, or when jobs have been waiting
 * and this worker has neither started nor finished one for stuckAfterMs. The probe uses its own
 * fail-fast connection, so it never waits behind the worker's blocking one.
 */
export function monitorWorker(
  worker: Worker,
  options: { redisUrl: string; prefix?: string; stuckAfterMs: number; probeEveryMs?: number },
): WorkerMonitor {
  const started = Date.now();
  let lastRedisOkAt = started;
  let lastProgressAt = started;
  let waiting: number | null = null;
  let lastError: string | null = null;
  let probing = false;
  const progress = () => {
    lastProgressAt = Date.now();
  };
  worker.on('active', progress);
  worker.on('completed', progress);
  worker.on('failed', progress);

  const base = `${options.prefix ?? 'bull'}:${REFRESH_QUEUE}`;
  const client = new Redis(options.redisUrl, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    // Keep trying to reconnect, but never more than a second apart: the probe must notice recovery.
    retryStrategy: (times) => Math.min(times * 100, 1_000),
  });
  client.on('error', (error: Error) => {
    lastError = error.message;
  });

  async function probe(): Promise<void> {
    if (probing) return;
    probing = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      const counts = await Promise.race([
        client.multi().llen(`${base}:wait`).zcard(`${base}:prioritized`).exec(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('Redis did not answer in 2 s')), 2_000);
        }),
      ]);
      const total = (counts ?? []).reduce((sum, [error, value]) => {
        if (error) throw error;
        return sum + Number(value);
      }, 0);
      lastRedisOkAt = Date.now();
      waiting = total;
      // Nothing to do is not being stuck.
      if (total === 0) progress();
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
      probing = false;
    }
  }
  const interval = setInterval(() => void probe(), options.probeEveryMs ?? Math.min(5_000, Math.max(250, options.stuckAfterMs / 4)));
  interval.unref();
  void probe();

  return {
    report() {
      const now = Date.now();
      const secondsSinceRedis = Math.round((now - lastRedisOkAt) / 100) / 10;
      const secondsSinceProgress = Math.round((now - lastProgressAt) / 100) / 10;
      const base = { secondsSinceRedis, secondsSinceProgress, waiting, lastError };
      if (!worker.isRunning() || worker.closing) return { ok: false, detail: 'the worker is not running', ...base };
      if (now - lastRedisOkAt > options.stuckAfterMs) {
        return { ok: false, detail: `no Redis round trip for ${secondsSinceRedis} s`, ...base };
      }
      if (waiting && now - lastProgressAt > options.stuckAfterMs) {
        return { ok: false, detail: `${waiting} jobs waiting and none started or finished here for ${secondsSinceProgress} s`, ...base };
      }
      return { ok: true, detail: 'ok', ...base };
    },
    async close() {
      clearInterval(interval);
      worker.off('active', progress);
      worker.off('completed', progress);
      worker.off('failed', progress);
      client.disconnect();
    },
  };
}

/**
 * Closes a worker: lets the jobs in hand finish for up to timeoutMs, then gives up on them and
 * returns 'forced'; the caller exits, the jobs' locks expire and another worker's stalled check
 * runs them again (see startRefreshWorker). Never hangs a shutdown on a stuck job.
 */
export async function closeWorkerWithin(worker: Worker, timeoutMs: number): Promise<'drained' | 'forced'> {
  let timer: NodeJS.Timeout | undefined;
  const drained = await Promise.race([
    worker.close().then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (drained) return 'drained';
  // close() already runs (BullMQ returns the same promise to close(true)); disconnect what we can.
  await Promise.race([
    Promise.allSettled([worker.disconnect()]),
    new Promise((resolve) => setTimeout(resolve, 1_000).unref()),
  ]);
  return 'forced';
}
