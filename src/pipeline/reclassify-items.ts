// Brings every stored item up to the current classifier, in batches, recording progress.
import type { ClassifierProvider } from '../domain/classification.ts';
import { computePriority } from '../domain/item.ts';
import type { Db } from '../db/client.ts';
import { countItemsNotAt, listItemTexts, updateItemClassifications } from '../db/queries/items.ts';
import { putSetting } from '../db/queries/settings.ts';
import { RECLASSIFICATION_SETTING, type ReclassificationProgress } from '../domain/reclassification.ts';


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
  let afterId = 0;
  for (;;) {
    const batch = await listItemTexts(deps.db, afterId, batchSize, classifier.version);
    if (batch.length === 0) break;
    afterId = batch[batch.length - 1]!.id;
    const updates = batch.map((item) => {
      const classification = classifier.classify({ title: item.title, body: item.body });
      return { id: item.id, labels: classification.labels, classification, priority: computePriority(classification.labels) };
    });
    await updateItemClassifications(deps.db, updates);
    progress.checked = Math.min(progress.total, progress.checked + batch.length);
    progress.changed += updates.length;
    await putSetting(deps.db, RECLASSIFICATION_SETTING, progress);
  }
  progress.state = 'done';
  progress.finishedAt = new Date().toISOString();
  progress.total = Math.max(progress.total, progress.checked);
  await putSetting(deps.db, RECLASSIFICATION_SETTING, progress);
  return progress;
}
