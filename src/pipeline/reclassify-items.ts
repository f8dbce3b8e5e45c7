// Brings every stored item up to the current classifier, in batches, recording progress.
// It runs in the server's own process (the in-process runner, or a BullMQ worker beside the web
// server), so it yields to the event loop every few milliseconds: requests are answered while it runs.
import { textKindOfSource, type ClassifierProvider } from '../domain/classification.ts';
import { computePriority } from '../domain/item.ts';
import type { Db } from '../db/client.ts';
import { countItemsNotAt, listItemTexts, updateItemClassifications } from '../db/queries/items.ts';
import { putSetting } from '../db/queries/settings.ts';
import { RECLASSIFICATION_SETTING, type ReclassificationProgress } from '../domain/reclassification.ts';

/** Work between two yields to the event loop, in milliseconds. */
const SLICE_MS = 10;
/**
 * Items written by one statement. On the embedded database a statement holds the thread until it
 * ends (about half a millisecond an item, with the label index), so a batch is written in chunks.
 */
const WRITE_CHUNK = 50;

/**
 * Lets timers and I/O run. Needed after database calls too: the embedded database answers on this
 * thread and its promises settle as microtasks, so awaiting them alone never lets a request in.
 */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Returns whether two label lists hold the same labels, in any order. */
function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((label) => set.has(label));
}

/** Reclassifies items whose classifier version is not the current one; returns the final progress. */
export async function reclassifyItems(
  deps: { db: Db; classifiers: ClassifierProvider },
  options: { batchSize?: number } = {},
): Promise<ReclassificationProgress> {
  const batchSize = options.batchSize ?? 500;
  const classifier = await deps.classifiers.get();
  const progress: ReclassificationProgress = {
    state: 'running',
    version: classifier.version,
    total: await countItemsNotAt(deps.db, classifier.version),
    checked: 0,
    changed: 0,
    startedAt: new Date().toISOString(),
    finishedAt: null,
  };
  if (progress.total === 0) return { ...progress, state: 'done', finishedAt: progress.startedAt };
  await putSetting(deps.db, RECLASSIFICATION_SETTING, progress);
  await yieldToEventLoop();
  let afterId = 0;
  for (;;) {
    const batch = await listItemTexts(deps.db, afterId, batchSize, classifier.version);
    if (batch.length === 0) break;
    await yieldToEventLoop();
    afterId = batch[batch.length - 1]!.id;
    const updates = [];
    let sliceStarted = performance.now();
    for (const item of batch) {
      // Each item as it was classified when stored: opinions as comments, news as articles.
      const classification = classifier.classify({ title: item.title, body: item.body, kind: textKindOfSource(item.sourceKind) });
      // "Changed" counts items whose labels changed: the labels are what the queue filters on and
      // shows, and the priority is computed from them alone. New spans or scores with the same
      // labels (every item gets a new version) are written but not counted.
      if (!sameLabels(item.labels, classification.labels)) progress.changed += 1;
      updates.push({ id: item.id, labels: classification.labels, classification, priority: computePriority(classification.labels) });
      if (performance.now() - sliceStarted > SLICE_MS) {
        await yieldToEventLoop();
        sliceStarted = performance.now();
      }
    }
    for (let start = 0; start < updates.length; start += WRITE_CHUNK) {
      await updateItemClassifications(deps.db, updates.slice(start, start + WRITE_CHUNK));
      await yieldToEventLoop();
    }
    progress.checked = Math.min(progress.total, progress.checked + batch.length);
    await putSetting(deps.db, RECLASSIFICATION_SETTING, progress);
    await yieldToEventLoop();
  }
  progress.state = 'done';
  progress.finishedAt = new Date().toISOString();
  progress.total = Math.max(progress.total, progress.checked);
  await putSetting(deps.db, RECLASSIFICATION_SETTING, progress);
  return progress;
}
