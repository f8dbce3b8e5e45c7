// What became of an article at its source after it was collected: corrected, removed, restored.

/** `baseline` is the article as first re-fetched; later checks compare against the newest content. */
export type RevisionChange = 'baseline' | 'edited' | 'removed' | 'restored';

/** One check that found something to record. */
export interface ArticleRevision {
  id: number;
  itemId: number;
  fetchedAt: Date;
  change: RevisionChange;
  httpStatus: number | null;
  title: string | null;
  body: string | null;
}

/** Returns the sentences of `after` that are not in `before`, and those of `before` gone from `after`. */
export function diffSentences(before: string, after: string): { added: string[]; removed: string[] } {
  const split = (text: string) =>
    text
      .split(/(?<=[.!?…])\s+|\n+/u)
      .map((sentence) => sentence.trim())
      .filter(Boolean);
  const beforeSet = new Set(split(before));
  const afterSentences = split(after);
  const afterSet = new Set(afterSentences);
  return {
    added: afterSentences.filter((sentence) => !beforeSet.has(sentence)),
    removed: [...beforeSet].filter((sentence) => !afterSet.has(sentence)),
  };
}
