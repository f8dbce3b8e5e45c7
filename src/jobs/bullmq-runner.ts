// Runs source refreshes through BullMQ on Redis, so several worker processes share the work.
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { listSources } from '../db/queries/sources.ts';
import type { Source } from '../domain/source.ts';
import { refreshSource, type PipelineDeps } from '../pipeline/refresh-source.ts';
import { reclassifyUntilCurrent, type JobRunner } from './job-runner.ts';

export const REFRESH_QUEUE = 'duluan-refresh';

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
export function createBullmqRunner(options: { redisUrl: string; deps: PipelineDeps; prefix?: string }): JobRunner {
  const queue = new Queue<RefreshJobData>(REFRESH_QUEUE, {
    connection: connectionFor(options.redisUrl),
    prefix: options.prefix,
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 1000 },
    },
  });

  async function schedule(source: Source): Promise<void> {
    const id = schedulerIdFor(source.id);
    if (!source.enabled || source.kind !== 'rss') {
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

/** Returns a started BullMQ worker that refreshes sources; close it to stop. */
export function startRefreshWorker(options: {
  redisUrl: string;
  deps: PipelineDeps;
  concurrency?: number;
  prefix?: string;
  onFailed?: (error: Error, sourceId: number | undefined) => void;
}): Worker<RefreshJobData> {
  const worker = new Worker<RefreshJobData>(
    REFRESH_QUEUE,
    async (job) => {
      if (job.name === 'reclassify') return reclassifyUntilCurrent(options.deps);
      if (typeof job.data.sourceId !== 'number') throw new Error(`jobs: ${job.name} job without a source id`);
      return refreshSource(options.deps, job.data.sourceId);
    },
    { connection: connectionFor(options.redisUrl), concurrency: options.concurrency ?? 4, prefix: options.prefix },
  );
  worker.on('failed', (job, error) => options.onFailed?.(error, job?.data.sourceId));
  return worker;
}
