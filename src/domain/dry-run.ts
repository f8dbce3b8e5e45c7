// What a draft rule or claim would do to the stored items, before it goes live.
import type { Label } from './classification.ts';
import type { ItemStatus, Verdict } from './item.ts';

/** Characters [start, end) of an excerpt to highlight. */
export interface Highlight {
  start: number;
  end: number;
}

/** One item the draft matched, as the sample shows it. */
export interface DryRunSample {
  id: number;
  title: string;
  status: ItemStatus;
  verdict: Verdict | null;
  labels: Label[];
  /** True when the item does not carry the label the draft gives. */
  newlyFlagged: boolean;
  /** What the draft scored on the item: the rule weight it adds, or the claim similarity. */
  score?: number;
  /** Where it matched: the title, or a stretch of the body around the first match. */
  excerpt: { field: 'title' | 'body'; text: string; highlights: Highlight[] };
}

/** How a draft agrees with what staff already decided about the items it matched. */
export interface DryRunAgreement {
  /** Matched items staff decided: confirmed or dismissed. */
  decided: number;
  /** Status responded or escalated, or verdict fake or false. */
  confirmed: number;
  /** Dismissed as a false positive. */
  falsePositive: number;
  /** Dismissed for another reason (not relevant, duplicate). */
  dismissedOther: number;
  /** confirmed / (confirmed + falsePositive), or null when neither happened. */
  precision: number | null;
}

/** The answer of a dry run. */
export interface DryRunReport {
  /** The label the draft gives the items it matches. */
  label: Label;
  /** How many stored items were scanned (the most recent first). */
  scanned: number;
  /** How many items are stored in all. */
  totalItems: number;
  /** Why the scan stopped before the oldest item: the item cap or the time budget; null when it saw them all. */
  stoppedBy: 'item_limit' | 'time_limit' | null;
  matched: number;
  /** Matched items that do not carry the label yet. */
  newlyFlagged: number;
  agreement: DryRunAgreement;
  sample: DryRunSample[];
  elapsedMs: number;
}

/** Returns the share of confirmed among confirmed and false positives, or null without either. */
export function precisionOf(confirmed: number, falsePositive: number): number | null {
  return confirmed + falsePositive === 0 ? null : confirmed / (confirmed + falsePositive);
}
