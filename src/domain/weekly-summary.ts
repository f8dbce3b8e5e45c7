// The weekly summary for leadership: the shape every writer (page, JSON, docx, CSV, XLSX) reads.
// Computed in src/reports from query results; every count says whether it counts items or stories
// (clusters: the same story in five papers is one story).
import type { ItemStatus, Verdict } from './item.ts';
import type { ResponseChannel, ResponseKind } from './response.ts';

/** Counts of one row of a breakdown: items (copies) and stories (clusters). */
export interface ItemStoryCount {
  items: number;
  stories: number;
}

/** Sentiment shares among the week's stories (0..1 each) with their counts. */
export interface SentimentShares {
  stories: number;
  negative: number;
  positive: number;
  neutral: number;
  negativeShare: number;
  positiveShare: number;
  neutralShare: number;
}

/** One story (cluster) of the week, as leadership sees it. */
export interface StorySummary {
  /** The representative item (the first collected of the cluster). */
  itemId: number;
  title: string;
  url: string | null;
  sourceName: string;
  /** How many copies (items) of the story the week holds. */
  copies: number;
  labels: string[];
  status: ItemStatus;
  verdict: Verdict | null;
  /** What was done about it: the responses recorded for any copy, oldest first. */
  responses: Array<{ kind: ResponseKind; channel: ResponseChannel; respondedAt: string; link: string | null }>;
}

export interface WeeklySummary {
  /** ISO week in Asia/Ho_Chi_Minh, e.g. `2026-W48`. */
  week: string;
  /** Monday 00:00 and next Monday 00:00 in Asia/Ho_Chi_Minh, as ISO instants (UTC). */
  from: string;
  to: string;
  generatedAt: string;
  /** True when nothing was collected that week: the writers say so rather than show zeros as news. */
  empty: boolean;
  /**
   * flaggedStories: stories with a misinformation, negative or offensive copy; concernStories: negative or
   * misleading stories not dismissed as false positives (topConcerns lists the first of them);
   * positiveStories: stories with a positive copy and no flagged one (positiveStories lists the first).
   */
  totals: ItemStoryCount & { flaggedStories: number; concernStories: number; positiveStories: number };
  /** Seven rows, Monday first; `date` is the local date `YYYY-MM-DD`. */
  byDay: Array<{ date: string } & ItemStoryCount>;
  bySource: Array<{ sourceId: number; sourceName: string } & ItemStoryCount>;
  /** Topic: the feedback form's topic, else the item's strongest label, else `other`. */
  byTopic: Array<{ topic: string } & ItemStoryCount>;
  sentiment: SentimentShares;
  /** The same shares for the week before; null when that week had no stories. */
  previousSentiment: SentimentShares | null;
  /** Change of each share from the week before, in percentage points; null without a previous week. */
  sentimentChange: { negative: number; positive: number; neutral: number } | null;
  /** The most negative or misleading stories (highest priority first), with what was done. */
  topConcerns: StorySummary[];
  /** Positive stories worth spreading (the plan asks to promote good models). */
  positiveStories: StorySummary[];
  responsesByChannel: Array<{ channel: ResponseChannel; count: number }>;
  responseTime: {
    /** Items of the week with a deadline that got a first response. */
    responded: number;
    /** Median hours from collection to the first response; null when nothing was responded to. */
    medianHours: number | null;
    /** Share of responded items whose first response came before the deadline (0..1); null when none. */
    withinDeadlineShare: number | null;
    /** Items of the week still open past their deadline at the end of the week. */
    overdue: number;
  };
  feedback: {
    received: number;
    byStatus: Array<{ status: ItemStatus; count: number }>;
  };
  /** Short Vietnamese paragraphs written from the figures by templates: no invented facts. */
  narrative: string[];
}
