// Dry runs: a draft rule or claim run over the stored items, newest first, without saving anything.
// The scan is bounded (an item cap and a time budget) and yields to the event loop between slices,
// so a dry run over a large store never holds the server for more than a few milliseconds at a time.
import { compileClaims, matchClaims } from '../classifiers/claim-matcher.ts';
import { TITLE_WEIGHT_FACTOR } from '../classifiers/classify.ts';
import { compileStaffRules, matchStaffRules, type StaffRuleDefinition } from '../classifiers/staff-rules.ts';
import type { Db } from '../db/client.ts';
import { countAllItems, listItemsForScan, type ScannedItem } from '../db/queries/scan-items.ts';
import type { Label } from '../domain/classification.ts';
import { precisionOf, type DryRunReport, type DryRunSample, type Highlight } from '../domain/dry-run.ts';
import type { Verdict } from '../domain/item.ts';

/** Bounds of one dry run. */
export interface DryRunLimits {
  /** At most this many of the most recent items are scanned. */
  maxItems: number;
  /** The scan stops after this long, and says so. */
  timeBudgetMs: number;
  /** Items read from the database at once. */
  batchSize: number;
  /** At most this many matched items are shown. */
  sampleSize: number;
}

export const DEFAULT_DRY_RUN_LIMITS: DryRunLimits = { maxItems: 20_000, timeBudgetMs: 10_000, batchSize: 500, sampleSize: 20 };

/** Work between two yields to the event loop, in milliseconds. */
const SLICE_MS = 15;
/** Characters of body shown on each side of the first match. */
const EXCERPT_CONTEXT = 80;

/** Where a draft matched one item: highlights in `title\nbody`, and a score for claims. */
interface DraftMatch {
  ranges: Highlight[];
  score?: number;
}

type DraftMatcher = (item: ScannedItem, text: string) => DraftMatch | null;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Returns the sample's excerpt: the title when a match is there, else the body around the first match. */
function excerptOf(item: ScannedItem, ranges: readonly Highlight[]): DryRunSample['excerpt'] {
  const titleLength = item.title.length;
  const inTitle = ranges.filter((range) => range.end <= titleLength);
  if (inTitle.length > 0 || ranges.length === 0) return { field: 'title', text: item.title, highlights: inTitle };
  const bodyStart = titleLength + 1;
  const inBody = ranges
    .filter((range) => range.start >= bodyStart)
    .map((range) => ({ start: range.start - bodyStart, end: range.end - bodyStart }));
  const first = inBody[0];
  if (!first) return { field: 'title', text: item.title, highlights: [] };
  const from = Math.max(0, first.start - EXCERPT_CONTEXT);
  const to = Math.min(item.body.length, first.end + EXCERPT_CONTEXT);
  const highlights = inBody.filter((range) => range.start >= from && range.end <= to).map((range) => ({ start: range.start - from, end: range.end - from }));
  return { field: 'body', text: `${from > 0 ? '…' : ''}${item.body.slice(from, to)}${to < item.body.length ? '…' : ''}`, highlights: from > 0 ? highlights.map((h) => ({ start: h.start + 1, end: h.end + 1 })) : highlights };
}

/** Returns the report of running the matcher over the most recent items, within the limits. */
async function scanItems(db: Db, label: Label, matcher: DraftMatcher, limits: DryRunLimits): Promise<DryRunReport> {
  const started = performance.now();
  const report: DryRunReport = {
    label,
    scanned: 0,
    totalItems: await countAllItems(db),
    stoppedBy: null,
    matched: 0,
    newlyFlagged: 0,
    agreement: { decided: 0, confirmed: 0, falsePositive: 0, dismissedOther: 0, precision: null },
    sample: [],
    elapsedMs: 0,
  };
  let beforeId: number | null = null;
  let sliceStarted = performance.now();
  scan: while (report.scanned < limits.maxItems) {
    const batch = await listItemsForScan(db, beforeId, Math.min(limits.batchSize, limits.maxItems - report.scanned));
    if (batch.length === 0) break;
    for (const item of batch) {
      if (performance.now() - started > limits.timeBudgetMs) {
        report.stoppedBy = 'time_limit';
        break scan;
      }
      report.scanned++;
      beforeId = item.id;
      const match = matcher(item, item.body ? `${item.title}\n${item.body}` : item.title);
      if (match) record(report, item, match, label, limits.sampleSize);
      if (performance.now() - sliceStarted > SLICE_MS) {
        await yieldToEventLoop();
        sliceStarted = performance.now();
      }
    }
    if (batch.length < limits.batchSize) break;
  }
  if (report.stoppedBy === null && report.scanned >= limits.maxItems && report.totalItems > report.scanned) report.stoppedBy = 'item_limit';
  report.agreement.precision = precisionOf(report.agreement.confirmed, report.agreement.falsePositive);
  report.elapsedMs = Math.round(performance.now() - started);
  return report;
}

function record(report: DryRunReport, item: ScannedItem, match: DraftMatch, label: Label, sampleSize: number): void {
  report.matched++;
  const newlyFlagged = !item.labels.includes(label);
  if (newlyFlagged) report.newlyFlagged++;
  const falsePositive = item.status === 'dismissed' && item.dismissReason === 'false_positive';
  const confirmed = !falsePositive && (item.status === 'responded' || item.status === 'escalated' || item.verdict === 'fake' || item.verdict === 'false');
  const agreement = report.agreement;
  if (falsePositive) agreement.falsePositive++;
  else if (confirmed) agreement.confirmed++;
  else if (item.status === 'dismissed') agreement.dismissedOther++;
  if (falsePositive || confirmed || item.status === 'dismissed') agreement.decided++;
  if (report.sample.length < sampleSize) {
    report.sample.push({
      id: item.id,
      title: item.title,
      status: item.status,
      verdict: item.verdict,
      labels: item.labels,
      newlyFlagged,
      ...(match.score !== undefined ? { score: Math.round(match.score * 1000) / 1000 } : {}),
      excerpt: excerptOf(item, match.ranges),
    });
  }
}

/** Returns what a draft rule (validated) would match among the stored items. */
export async function dryRunRule(db: Db, rule: Omit<StaffRuleDefinition, 'id'>, limits: DryRunLimits = DEFAULT_DRY_RUN_LIMITS): Promise<DryRunReport> {
  const matcher = compileStaffRules([{ ...rule, id: 1, enabled: true }]);
  return scanItems(
    db,
    rule.category,
    (item, text) => {
      const matches = matchStaffRules(matcher, text);
      if (matches.length === 0) return null;
      // A rule's weight counts more in the title, as the classifier counts it; the score is what this rule adds.
      const score = matches.reduce((sum, found) => sum + (found.end <= item.title.length ? found.weight * TITLE_WEIGHT_FACTOR : found.weight), 0);
      return { ranges: matches.map(({ start, end }) => ({ start, end })), score };
    },
    limits,
  );
}

/** Returns what a draft claim would match among the stored items (its verdict decides the label: misinformation for fake/false). */
export async function dryRunClaim(
  db: Db,
  claim: { statement: string; verdict: Verdict; correction: string | null },
  limits: DryRunLimits = DEFAULT_DRY_RUN_LIMITS,
): Promise<DryRunReport> {
  const index = compileClaims([{ id: 1, ...claim, enabled: true }]);
  const label: Label = claim.verdict === 'fake' || claim.verdict === 'false' ? 'misinformation' : 'relevant';
  return scanItems(
    db,
    label,
    (_item, text) => {
      const [best] = matchClaims(index, text, { limit: 1 });
      return best ? { ranges: [], score: best.score } : null;
    },
    limits,
  );
}
