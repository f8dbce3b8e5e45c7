// One function that reads top to bottom: fetch, parse, keep only new, classify, store, record health.
import { createHash } from 'node:crypto';
import { isBlankEntry } from '../collectors/blank-entry.ts';
import { CollectorError } from '../collectors/collector-error.ts';
import { decodeBody } from '../collectors/decode-body.ts';
import { parseHtmlPage } from '../collectors/html-page.ts';
import { parseFeed } from '../collectors/rss.ts';
import { safeFetch } from '../collectors/safe-fetch.ts';
import { canonicalizeUrl } from '../domain/canonical-url.ts';
import type { ClassifierProvider } from '../domain/classification.ts';
import { DEADLINES_SETTING, DEFAULT_DEADLINES, dueAtFor, withDefaultDeadlines } from '../domain/deadline.ts';
import { computePriority, isFlagged, type ParsedEntry } from '../domain/item.ts';
import { nextTryAfterFailure, nextTryAfterSuccess } from '../domain/source-state.ts';
import { fetchedUrlOf, type RefreshResult, type Source } from '../domain/source.ts';
import type { Db } from '../db/client.ts';
import { findExistingKeys, insertNewItems, type NewItem } from '../db/queries/items.ts';
import { getSetting } from '../db/queries/settings.ts';
import { getSource, recordSourceFailure, recordSourceSuccess } from '../db/queries/sources.ts';
import { foldText } from '../text/fold-text.ts';

/** What refreshSource needs from the process: passed in, never imported as singletons. */
export interface PipelineDeps {
  db: Db;
  classifiers: ClassifierProvider;
  fetch: { allowHosts: readonly string[]; timeoutMs: number; maxBytes: number };
  /** Days during which a flagged article's URL is re-fetched to notice corrections and takedowns. */
  recheckDays?: number;
  now?: () => Date;
}

export const DEFAULT_RECHECK_DAYS = 7;

// A scheduled run arriving a little before the stored next try (timer drift, jitter) still runs.
const DUE_TOLERANCE = 0.15;
const FEED_ACCEPT = 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Returns the entry's key: guid, else canonical URL, else a hash of its content. */
export function entryKeyHash(entry: ParsedEntry): string {
  if (entry.guid) return sha256(`g\u0000${entry.guid}`);
  const url = canonicalizeUrl(entry.link);
  if (url) return sha256(`u\u0000${url}`);
  return sha256(`c\u0000${entry.title}\u0000${entry.body}`);
}

/**
 * Fetches one source and stores its new items; returns the counts, and records the outcome on the
 * source. A scheduled run (not `force`) does nothing while the source backs off or is not due.
 */
export async function refreshSource(deps: PipelineDeps, sourceId: number, options: { force?: boolean } = {}): Promise<RefreshResult> {
  const now = deps.now ?? (() => new Date());
  const source = await getSource(deps.db, sourceId);
  if (!source) throw new Error(`pipeline: source ${sourceId} does not exist`);
  const result: RefreshResult = { sourceId, status: 'ok', fetched: 0, stored: 0, skipped: 0, failedEntries: 0 };
  const startedAt = now();
  if (!options.force) {
    const early = source.nextFetchAt ? source.nextFetchAt.getTime() - startedAt.getTime() : 0;
    if (!source.enabled || early > source.pollIntervalSeconds * 1000 * DUE_TOLERANCE) return { ...result, status: 'skipped' };
  }

  // Form and import sources have nothing to fetch: their items arrive otherwise. Nothing is
  // recorded, so their health does not show a failure that no fetch could ever clear.
  const url = fetchedUrlOf(source);
  if (url === null) return { ...result, status: 'skipped' };

  let entries: ParsedEntry[];
  let validators: { etag: string | null; lastModified: string | null };
  try {
    const response = await safeFetch(url, {
      allowHosts: deps.fetch.allowHosts,
      timeoutMs: deps.fetch.timeoutMs,
      maxBytes: deps.fetch.maxBytes,
      etag: source.etag ?? undefined,
      lastModified: source.lastModified ?? undefined,
      accept: FEED_ACCEPT,
    });
    validators = { etag: response.headers['etag'] ?? null, lastModified: response.headers['last-modified'] ?? null };
    if (response.notModified) {
      await recordSourceSuccess(deps.db, sourceId, {
        etag: validators.etag ?? source.etag,
        lastModified: validators.lastModified ?? source.lastModified,
        at: startedAt,
        nextFetchAt: nextTryAfterSuccess(source, startedAt),
      });
      return { ...result, status: 'not_modified' };
    }
    const { text } = decodeBody(response.body, response.headers['content-type']);
    const feed =
      source.kind === 'html'
        ? parseHtmlPage(text, { pageUrl: response.url, selectors: source.selectors ?? undefined })
        : await parseFeed(text, { baseUrl: response.headers['content-location'] ?? response.url });
    entries = feed.entries;
    result.failedEntries = feed.failedEntries;
  } catch (error) {
    if (!(error instanceof CollectorError)) throw error;
    await recordSourceFailure(deps.db, sourceId, {
      code: error.code,
      message: error.message,
      at: startedAt,
      nextFetchAt: nextTryAfterFailure(source, startedAt, error.retryAfter),
    });
    return { ...result, status: 'error', error: { code: error.code, message: error.message } };
  }

  result.fetched = entries.length;
  // Keep only new: one key per entry, first occurrence wins within the feed, known keys skipped.
  // Entries with no title and no body text are skipped too (counted in `skipped`, never stored).
  const byKey = new Map<string, ParsedEntry>();
  for (const entry of entries) {
    if (isBlankEntry(entry)) continue;
    const key = entryKeyHash(entry);
    if (!byKey.has(key)) byKey.set(key, entry);
  }
  const known = await findExistingKeys(deps.db, sourceId, [...byKey.keys()]);
  const classifier = await deps.classifiers.get();
  const deadlines = withDefaultDeadlines(await getSetting(deps.db, DEADLINES_SETTING, DEFAULT_DEADLINES));
  const fresh: NewItem[] = [];
  for (const [keyHash, entry] of byKey) {
    if (known.has(keyHash)) continue;
    const classification = classifier.classify({ title: entry.title, body: entry.body });
    fresh.push({
      sourceId,
      keyHash,
      url: canonicalizeUrl(entry.link),
      title: entry.title,
      body: entry.body,
      author: entry.author,
      publishedAt: entry.publishedAt,
      collectedAt: startedAt,
      searchText: foldText(`${entry.title}\n${entry.body}`),
      contentHash: sha256(`${entry.title}\u0000${entry.body}`),
      labels: classification.labels,
      classification,
      priority: computePriority(classification.labels),
      dueAt: dueAtFor(classification.labels, source.kind, startedAt, deadlines),
      recheckUntil:
        isFlagged(classification.labels) && entry.link
          ? new Date(startedAt.getTime() + (deps.recheckDays ?? DEFAULT_RECHECK_DAYS) * 86_400_000)
          : null,
    });
  }
  result.stored = await insertNewItems(deps.db, fresh);
  result.skipped = result.fetched - result.stored;
  await recordSourceSuccess(deps.db, sourceId, {
    ...validators,
    at: startedAt,
    nextFetchAt: nextTryAfterSuccess(source, startedAt),
  });
  return result;
}
