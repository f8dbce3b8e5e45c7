// Items collected from sources, and their triage states.
import type { Classification, Label } from './classification.ts';
import type { ResponseKind } from './response.ts';

export const ITEM_STATUSES = ['new', 'in_review', 'responded', 'escalated', 'dismissed'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export const VERDICTS = ['fake', 'false', 'verified', 'unverified'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const DISMISS_REASONS = ['not_relevant', 'false_positive', 'duplicate'] as const;
export type DismissReason = (typeof DISMISS_REASONS)[number];

/** Which status changes triage allows: from → allowed targets. */
export const STATUS_TRANSITIONS: Record<ItemStatus, readonly ItemStatus[]> = {
  new: ['in_review', 'dismissed', 'responded', 'escalated'],
  in_review: ['new', 'responded', 'escalated', 'dismissed'],
  responded: ['in_review'],
  escalated: ['in_review', 'responded'],
  dismissed: ['in_review', 'new'],
};

/** Returns true when triage may move an item from `from` to `to`. */
export function canChangeStatus(from: ItemStatus, to: ItemStatus): boolean {
  return from === to || STATUS_TRANSITIONS[from].includes(to);
}

/** What the queue can be filtered on: one status, the open queue (new + in review), or all. */
export type StatusFilter = ItemStatus | 'open' | 'all';
export const STATUS_FILTERS: readonly StatusFilter[] = ['open', 'all', ...ITEM_STATUSES];

/** One entry of an item's append-only audit trail. */
export interface TriageEvent {
  id: number;
  itemId: number;
  userId: number | null;
  username?: string | null;
  at: Date;
  field: string;
  fromValue: string | null;
  toValue: string | null;
  note: string | null;
}

/** An entry as a collector parsed it, before it is stored. Text is NFC. */
export interface ParsedEntry {
  guid: string | null;
  link: string | null;
  title: string;
  body: string;
  author: string | null;
  publishedAt: Date | null;
}

/** A stored item as the API and dashboard see it. */
export interface Item {
  id: number;
  sourceId: number;
  sourceName: string;
  keyHash: string;
  url: string | null;
  title: string;
  body: string;
  author: string | null;
  publishedAt: Date | null;
  collectedAt: Date;
  labels: Label[];
  classification: Classification | null;
  priority: number;
  status: ItemStatus;
  verdict: Verdict | null;
  dismissReason: DismissReason | null;
  /** What the source did to the article since: corrected it (`edited`) or took it down (`removed`). */
  revisionState: 'edited' | 'removed' | null;
  clusterId: number | null;
  /** How many items (from all sources) tell this story; 1 when it stands alone. */
  clusterSize: number;
  version: number;
}

/** Another item telling the same story, listed on the item page. */
export interface ClusterMember {
  id: number;
  title: string;
  sourceName: string;
  url: string | null;
  publishedAt: Date | null;
  status: ItemStatus;
}

/** One part of an item's priority: a label's points, or recency (which orders items of equal points). */
export interface PriorityPart {
  reason: Label | 'recency';
  points: number;
}

const LABEL_POINTS: ReadonlyArray<readonly [Label, number]> = [
  ['misinformation', 300],
  ['negative', 200],
  ['offensive', 150],
  ['relevant', 100],
];

/** Returns the parts an item's priority is made of, largest first, ending with recency (0 points: newer first among equals). */
export function explainPriority(labels: readonly Label[]): PriorityPart[] {
  const parts: PriorityPart[] = LABEL_POINTS.filter(([label]) => labels.includes(label)).map(([reason, points]) => ({ reason, points }));
  parts.push({ reason: 'recency', points: 0 });
  return parts;
}

/** Returns a priority score: flagged labels first, then newer items. Higher sorts first. */
export function computePriority(labels: readonly Label[]): number {
  return explainPriority(labels).reduce((sum, part) => sum + part.points, 0);
}

/** Returns true when an item carries a label staff must look at. */
export function isFlagged(labels: readonly Label[]): boolean {
  return labels.includes('misinformation') || labels.includes('negative') || labels.includes('offensive');
}

/** Response kinds that answer the public (a reply, a correction, a clarification): the item has been responded to. */
const PUBLIC_ANSWER_KINDS: readonly ResponseKind[] = ['reply', 'correction', 'clarification'];

/**
 * Returns the status an item moves to when a response of `kind` is recorded on it, or null when it
 * stays: an open item (new, in review) answered in public is `responded`, one handed to the competent
 * body (an escalation) is `escalated`. A report up informs superiors and answers no one, so the item
 * stays open; an item already decided (responded, escalated, dismissed) keeps its status.
 */
export function statusAfterResponse(kind: ResponseKind, status: ItemStatus): ItemStatus | null {
  if (status !== 'new' && status !== 'in_review') return null;
  const target: ItemStatus | null = PUBLIC_ANSWER_KINDS.includes(kind) ? 'responded' : kind === 'escalation' ? 'escalated' : null;
  return target !== null && canChangeStatus(status, target) ? target : null;
}
