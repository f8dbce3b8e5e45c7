// Runs source refreshes on a schedule: the interface, and the in-process runner used without Redis.
import type { RefreshResult, Source } from '../domain/source.ts';
import { listDueSourceIds } from '../db/queries/sources.ts';
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

/** How often the in-process scheduler looks for due sources. */
export const TICK_MS = 10_000;
/** How many sources the in-process scheduler fetches at once. */
const CONCURRENCY = 4;

/** Returns a runner whose schedule is a timer in this process (no Redis): due sources are fetched. */
export function createInProcessRunner(
  deps: PipelineDeps,
  options: {
    onResult?: (result: RefreshResult) => void;
    onError?: (error: unknown, sourceId: number) => void;
    /** Extra periodic work (re-checking flagged articles), run on the same timer. */
    periodic?: Array<{ everyMs: number; run: () => Promise<unknown> }>;
  } = {},
): JobRunner {
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let ticking: Promise<void> | null = null;
  let reclassifying: Promise<void> | null = null;
  let reclassifyAgain = false;
  const lastPeriodicRun = new Map<number, number>();
  // A source is refreshed by at most one run at a time; a request during a run is folded into it.
  const running = new Map<number, Promise<RefreshResult>>();

  function refreshOnce(sourceId: number, force: boolean): Promise<RefreshResult> {
    const current = running.get(sourceId);
    if (current) return current;
    const job = refreshSource(deps, sourceId, { force }).finally(() => running.delete(sourceId));
    running.set(sourceId, job);
    return job;
  }

  function run(sourceId: number, force: boolean): Promise<void> {
    return refreshOnce(sourceId, force).then(
      (result) => {
        if (result.status !== 'skipped') options.onResult?.(result);
      },
      (error: unknown) => options.onError?.(error, sourceId),
    );
  }

  async function tick(): Promise<void> {
    const due = await listDueSourceIds(deps.db, deps.now?.() ?? new Date());
    for (let start = 0; start < due.length && !closed; start += CONCURRENCY) {
      await Promise.all(due.slice(start, start + CONCURRENCY).map((id) => run(id, false)));
    }
    for (const [index, task] of (options.periodic ?? []).entries()) {
      const last = lastPeriodicRun.get(index) ?? 0;
      if (closed || Date.now() - last < task.everyMs) continue;
      lastPeriodicRun.set(index, Date.now());
      await task.run().catch((error: unknown) => options.onError?.(error, 0));
    }
  }

  function scheduleTick(delayMs: number): void {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      ticking ??= tick()
        .catch((error: unknown) => options.onError?.(error, 0))
        .finally(() => {
          ticking = null;
          scheduleTick(TICK_MS);
        });
    }, delayMs);
    timer.unref();
  }

  return {
    kind: 'in-process',
    async start() {
      scheduleTick(1_000);
    },
    async scheduleSource() {
      // A new or edited source has no next try yet, so the next tick fetches it.
      if (timer) scheduleTick(1_000);
    },
    async enqueueRefresh(sourceId) {
      void run(sourceId, false);
    },
    refreshNow: (sourceId) => refreshOnce(sourceId, true),
    async enqueueReclassify() {
      if (reclassifying) {
        reclassifyAgain = true;
        return;
      }
      reclassifying = (async () => {
        // Started, not awaited, by the request that changed a rule: let that request answer first.
        await new Promise<void>((resolve) => setImmediate(resolve));
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
      if (timer) clearTimeout(timer);
      await Promise.allSettled([...running.values(), reclassifying, ticking]);
    },
  };
}
