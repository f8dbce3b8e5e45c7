// Re-fetches flagged articles for some days after collection, to notice when the paper corrected
// or removed them: how a ward knows the correction it asked for was made.
import { CollectorError } from '../collectors/collector-error.ts';
import { decodeBody } from '../collectors/decode-body.ts';
import { parseHtmlPage } from '../collectors/html-page.ts';
import { safeFetch } from '../collectors/safe-fetch.ts';
import type { Db } from '../db/client.ts';
import { listItemsDueForRecheck, listRevisions, recordCheck, type RecheckTarget } from '../db/queries/revisions.ts';
import type { PipelineDeps } from './refresh-source.ts';

/** How long after one check the next may come. */
export const RECHECK_GAP_MS = 6 * 3600_000;
/** How often a pass of re-checks runs (each pass takes a small batch of due articles). */
export const RECHECK_EVERY_MS = 15 * 60_000;

/** What one pass of re-checks found. */
export interface RecheckSummary {
  checked: number;
  edited: number;
  removed: number;
  restored: number;
  failed: number;
}

function comparable(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

async function fetchArticle(deps: PipelineDeps, url: string): Promise<{ status: number; title: string; body: string } | { status: 404 | 410 } | null> {
  try {
    const response = await safeFetch(url, { ...deps.fetch, accept: 'text/html, application/xhtml+xml;q=0.9, */*;q=0.5' });
    const { text } = decodeBody(response.body, response.headers['content-type']);
    const page = parseHtmlPage(text, { pageUrl: response.url });
    // The article's main text is the longest entry the page yields.
    const main = [...page.entries].sort((a, b) => b.body.length - a.body.length)[0];
    return { status: response.status, title: main?.title || page.title || '', body: main?.body ?? '' };
  } catch (error) {
    if (error instanceof CollectorError && (error.status === 404 || error.status === 410)) return { status: error.status };
    if (error instanceof CollectorError) return null;
    throw error;
  }
}

async function recheckOne(deps: PipelineDeps, target: RecheckTarget, at: Date, summary: RecheckSummary): Promise<void> {
  const found = await fetchArticle(deps, target.url);
  summary.checked += 1;
  if (found === null) {
    summary.failed += 1;
    await recordCheck(deps.db, { itemId: target.id, at, revision: null });
    return;
  }
  if (!('body' in found)) {
    if (target.revisionState === 'removed') return recordCheck(deps.db, { itemId: target.id, at, revision: null });
    summary.removed += 1;
    await recordCheck(deps.db, {
      itemId: target.id,
      at,
      revision: { change: 'removed', httpStatus: found.status, title: null, body: null },
      revisionState: 'removed',
    });
    return;
  }
  const revisions = await listRevisions(deps.db, target.id);
  const latestContent = revisions.find((revision) => revision.body !== null);
  const same = latestContent && comparable(latestContent.body ?? '') === comparable(found.body) && comparable(latestContent.title ?? '') === comparable(found.title);
  const content = { httpStatus: found.status, title: found.title, body: found.body };
  if (target.revisionState === 'removed') {
    summary.restored += 1;
    await recordCheck(deps.db, { itemId: target.id, at, revision: { change: 'restored', ...content }, revisionState: same ? null : 'edited' });
  } else if (!latestContent) {
    await recordCheck(deps.db, { itemId: target.id, at, revision: { change: 'baseline', ...content } });
  } else if (!same) {
    summary.edited += 1;
    await recordCheck(deps.db, { itemId: target.id, at, revision: { change: 'edited', ...content }, revisionState: 'edited' });
  } else {
    await recordCheck(deps.db, { itemId: target.id, at, revision: null });
  }
}

/** Re-checks up to `limit` due articles, one at a time; returns what changed. */
export async function recheckItems(deps: PipelineDeps & { db: Db }, options: { limit?: number } = {}): Promise<RecheckSummary> {
  const now = deps.now?.() ?? new Date();
  const summary: RecheckSummary = { checked: 0, edited: 0, removed: 0, restored: 0, failed: 0 };
  for (const target of await listItemsDueForRecheck(deps.db, now, RECHECK_GAP_MS, options.limit ?? 50)) {
    await recheckOne(deps, target, now, summary);
  }
  return summary;
}
