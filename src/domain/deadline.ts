// Response deadlines: how many hours staff have to act on an item, by its severity.
import type { Label } from './classification.ts';
import type { SourceKind } from './source.ts';

/** Hours allowed per severity; `feedback` is citizen feedback (form and import sources). */
export interface Deadlines {
  misinformation: number;
  negative: number;
  offensive: number;
  feedback: number;
}

/** The setting key the deadlines are stored under. */
export const DEADLINES_SETTING = 'deadlines';

/** The deadlines used until staff change them: misinformation 24 h, negative/offensive 72 h, feedback 7 days. */
export const DEFAULT_DEADLINES: Deadlines = { misinformation: 24, negative: 72, offensive: 72, feedback: 168 };

const HOUR_MS = 60 * 60 * 1000;

/**
 * Returns when a response is due: the shortest deadline among the item's flagged labels, and for
 * citizen feedback at most the feedback deadline; null for an unflagged item from a feed or page.
 */
export function dueAtFor(
  labels: readonly Label[],
  sourceKind: SourceKind,
  collectedAt: Date,
  deadlines: Deadlines = DEFAULT_DEADLINES,
): Date | null {
  const hours: number[] = [];
  if (labels.includes('misinformation')) hours.push(deadlines.misinformation);
  if (labels.includes('negative')) hours.push(deadlines.negative);
  if (labels.includes('offensive')) hours.push(deadlines.offensive);
  // A citizen who wrote in is owed an answer whatever the classifier thought of it.
  if (sourceKind === 'form' || sourceKind === 'import') hours.push(deadlines.feedback);
  if (hours.length === 0) return null;
  return new Date(collectedAt.getTime() + Math.min(...hours) * HOUR_MS);
}

/** Returns the stored deadlines completed with the defaults (a partial or old value never breaks storing items). */
export function withDefaultDeadlines(value: unknown): Deadlines {
  const stored = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const pick = (key: keyof Deadlines) => {
    const hours = stored[key];
    return typeof hours === 'number' && Number.isFinite(hours) && hours > 0 ? hours : DEFAULT_DEADLINES[key];
  };
  return { misinformation: pick('misinformation'), negative: pick('negative'), offensive: pick('offensive'), feedback: pick('feedback') };
}
