// Runs source refreshes on a schedule: the interface, and the in-process runner used without Redis.
import type { RefreshResult, Source } from '../domain/source.ts';
import { listSources } from '../db/queries/sources.ts';
import { reclassifyItems } from '../pipeline/reclassify-items.ts';
import { refreshSource, type PipelineDeps } from '../pipeline/refresh-source.ts';

/** Reclassifies until the classifier stops changing under it (staff may edit during a pass). */
export async function reclassifyUntilCurrent(deps: PipelineDeps): Promise<void> {
  for (let pass = 0; pass < 10; pass += 1) {
    const progress = await reclassifyItems(deps);
    if ((await deps.classifiers.get()).version === progress.version) return;
  }
}

/** How the rest of the process asks for background work. Jobs carry source ids only. */
export interface JobRunner {
  readonly kind: 'in-process' | 'bullmq';
  /** Starts scheduling every enabled source. */
  start(): Promise<void>;
  /** Creates or updates the schedule of one source (after it is added or edited). */
  scheduleSource(source: Source): Promise<void>;
  /** Queues one refresh of a source now; a refresh already queued for it is not duplicated. */
  enqueueRefresh(sourceId: number): Promise<void>;
  /** Refreshes a source in this process and returns the counts ("fetch now" from a person). */
  refreshNow(sourceId: number): Promise<RefreshResult>;
  /** Queues a pass that brings stored items up to the current classifier (after staff edits). */
  enqueueReclassify(): Promise<void>;
  /** Returns whether the queue is reachable, for /health. */
  health(): Promise<{ ok: boolean; detail?: string }>;
  close(): Promise<void>;
}

/** Returns a runner whose schedules are timers in this process (no Redis). */
export function createInProcessRunner(
  deps: PipelineDeps,
  options: { onResult?: (result: RefreshResult) => void; onError?: (error: unknown, sourceId: number) => void } = {},
): JobRunner {
  const timers = new Map<number, NodeJS.Timeout>();
  // A source is refreshed by at most one run at a time; a request during a run is folded into it.
  let closed = false;
  let reclassifying: Promise<void> | null = null;
  let reclassifyAgain = false;

  const running = new Map<number, Promise<RefreshResult>>();

  function refreshOnce(sourceId: number): Promise<RefreshResult> {
    const current = running.get(sourceId);
    if (current) return current;
    const job = refreshSource(deps, sourceId).finally(() => running.delete(sourceId));
    running.set(sourceId, job);
    return job;
  }

  function run(sourceId: number): Promise<void> {
    return refreshOnce(sourceId).then(
      (result) => options.onResult?.(result),
      (error: unknown) => options.onError?.(error, sourceId),
    );
  }

  function schedule(source: Source): void {
    clearTimeout(timers.get(source.id));
    timers.delete(source.id);
    if (closed || !source.enabled || source.kind !== 'rss') return;
    const tick = (delayMs: number) => {
      const timer = setTimeout(() => {
        void run(source.id).finally(() => {
          if (!closed && timers.get(source.id) === timer) tick(withJitter(source.pollIntervalSeconds * 1000));
        });
      }, delayMs);
      timer.unref();
      timers.set(source.id, timer);
    };
    // First run soon after start, spread out so many sources do not fetch at the same instant.
    tick(withJitter(2_000));
  }

  return {
    kind: 'in-process',
    async start() {
      for (const source of await listSources(deps.db)) schedule(source);
    },
    async scheduleSource(source) {
      schedule(source);
    },
    async enqueueRefresh(sourceId) {
      void run(sourceId);
    },
    refreshNow: refreshOnce,
    async enqueueReclassify() {
      if (reclassifying) {
        reclassifyAgain = true;
        return;
      }
      reclassifying = (async () => {
        do {
          reclassifyAgain = false;
          await reclassifyUntilCurrent(deps).catch((error: unknown) => options.onError?.(error, 0));
        } while (reclassifyAgain && !closed);
      })().finally(() => {
        reclassifying = null;
      });
    },
    async health() {
      return { ok: !closed };
    },
    async close() {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running.values(), reclassifying]);
    },
  };
}

/** Returns the delay plus up to 10 % random jitter. */
export function withJitter(delayMs: number): number {
  return Math.round(delayMs * (1 + Math.random() * 0.1));
}
