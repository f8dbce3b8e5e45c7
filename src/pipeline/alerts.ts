// Raises alerts: a new item repeating a known false claim, negative items about one school or
// topic above their usual level, and the morning digest. Every alert has a dedupe key, so raising
// is idempotent: running twice, or in two processes at once, stores each alert once.
import { formatLocalDateTime } from '../domain/local-time.ts';
import type { Db } from '../db/client.ts';
import {
  insertAlert,
  itemIdBefore,
  lastDigestAt,
  listItemsForClaimScan,
  listNegativeItemSpans,
  summarizeArrivals,
} from '../db/queries/alerts.ts';
import { countOverdueItems } from '../db/queries/items.ts';
import { listClaims } from '../db/queries/rules.ts';
import { getSetting, putSetting } from '../db/queries/settings.ts';
import {
  ALERT_CURSOR_KEY,
  checkSurge,
  localDayAndHour,
  SURGE_BASELINE_WEEKS,
  topicsOf,
  type AlertSettings,
  type AlertText,
} from '../domain/alert.ts';
import { LABELS } from '../domain/classification.ts';

/** What raising alerts needs. */
export interface AlertDeps {
  db: Db;
  /** The dashboard's address as people reach it, e.g. `https://duluan.phuong.gov.vn` (no trailing slash). */
  publicUrl: string;
  /** Writes alert texts from the message catalogue. */
  text: AlertText;
  now?: () => Date;
}

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** Items scanned per batch, and batches per run (the rest waits for the next run). */
const SCAN_BATCH = 2000;
const SCAN_BATCHES_PER_RUN = 20;
// Ids are taken when a row is inserted but seen when its transaction commits, so a concurrent
// refresh can commit a lower id after a higher one was scanned: each scan looks again at the last
// few hundred ids (raising is idempotent, so looking twice costs nothing).
const RESCAN_IDS = 500;
// A match waits this long for clustering (which runs every few seconds), so five copies of one
// story make one alert (keyed by cluster) rather than one per copy.
const CLUSTER_WAIT_MS = 5 * MINUTE_MS;
/** Items collected longer ago than this no longer raise an immediate alert (a first run on an old database). */
const CLAIM_ALERT_MAX_AGE_MS = DAY_MS;

function oneLine(text: string, max = 140): string {
  const flat = text.normalize('NFC').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Returns how many claim-match alerts were raised for items collected since the last scan: one per
 * (known claim with verdict fake or false, cluster of the item), so copies of one story alert once.
 * The scan position is kept in the `alerts.cursor` setting.
 */
export async function raiseClaimAlerts(deps: AlertDeps, settings: AlertSettings): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const stored = await getSetting<{ lastId?: unknown }>(deps.db, ALERT_CURSOR_KEY, {});
  const storedId = typeof stored.lastId === 'number' && stored.lastId >= 0 ? stored.lastId : null;
  let lastId = storedId ?? (await itemIdBefore(deps.db, new Date(now.getTime() - CLAIM_ALERT_MAX_AGE_MS)));
  const claims = new Map((await listClaims(deps.db)).map((claim) => [claim.id, claim]));
  const locale = settings.locale;
  let raised = 0;
  let held = false;
  for (let batch = 0; batch < SCAN_BATCHES_PER_RUN && !held; batch += 1) {
    const scanned = await listItemsForClaimScan(deps.db, Math.max(0, lastId - RESCAN_IDS), SCAN_BATCH);
    let advanced = false;
    for (const item of scanned) {
      const matches = item.claimMatches.filter((match) => match.verdict === 'fake' || match.verdict === 'false');
      const age = now.getTime() - item.collectedAt.getTime();
      if (matches.length > 0 && age <= CLAIM_ALERT_MAX_AGE_MS) {
        if (item.clusterId === null && age < CLUSTER_WAIT_MS) {
          held = true;
          break;
        }
        for (const match of matches) {
          const claim = claims.get(match.claimId);
          const link = `${deps.publicUrl}/items/${item.id}`;
          const group = item.clusterId === null ? `item:${item.id}` : `cluster:${item.clusterId}`;
          const lines = [
            deps.text(locale, 'alerts.claim.intro', { verdict: deps.text(locale, `verdict.${match.verdict}`), claimId: match.claimId }),
            deps.text(locale, 'alerts.claim.statement', { statement: oneLine(claim?.statement ?? '', 400) }),
            deps.text(locale, 'alerts.claim.item', { title: oneLine(item.title, 300), source: oneLine(item.sourceName, 100) }),
            deps.text(locale, 'alerts.claim.score', { score: match.score.toFixed(2) }),
          ];
          const correction = match.correction ?? claim?.correction;
          if (correction) lines.push(deps.text(locale, 'alerts.claim.correction', { correction: oneLine(correction, 600) }));
          lines.push(deps.text(locale, 'alerts.openQueue', { link }));
          const alert = await insertAlert(deps.db, {
            kind: 'claim_match',
            dedupeKey: `claim:${match.claimId}:${group}`,
            itemId: item.id,
            subject: deps.text(locale, 'alerts.claim.subject', { title: oneLine(item.title, 120) }),
            body: lines.join('\n'),
            link,
            createdAt: now,
          });
          if (alert) raised += 1;
        }
      }
      if (item.id > lastId) {
        lastId = item.id;
        advanced = true;
      }
    }
    if (!advanced || scanned.length < SCAN_BATCH) break;
  }
  if (lastId !== storedId) await putSetting(deps.db, ALERT_CURSOR_KEY, { lastId });
  return raised;
}

/**
 * Returns how many surge alerts were raised: for each school or topic (topicsOf), the negative
 * items of the last 24 hours against the same 24 hours of each of the previous four weeks, judged
 * by checkSurge (count ≥ minimum and above mean + sigma · spread). One alert per topic and day.
 */
export async function raiseSurgeAlerts(deps: AlertDeps, settings: AlertSettings): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const windows: Array<readonly [Date, Date]> = [];
  for (let week = 0; week <= SURGE_BASELINE_WEEKS; week += 1) {
    const end = now.getTime() - week * 7 * DAY_MS;
    windows.push([new Date(end - DAY_MS), new Date(end)]);
  }
  const rows = await listNegativeItemSpans(deps.db, windows);
  const counts = new Map<string, { name: string; perWindow: number[] }>();
  for (const row of rows) {
    const at = row.sortAt.getTime();
    const index = windows.findIndex(([from, to]) => at >= from.getTime() && at < to.getTime());
    if (index < 0) continue;
    for (const topic of topicsOf({ spans: row.spans })) {
      let entry = counts.get(topic.key);
      if (!entry) {
        entry = { name: topic.name, perWindow: windows.map(() => 0) };
        counts.set(topic.key, entry);
      }
      entry.perWindow[index]! += 1;
    }
  }
  const { day } = localDayAndHour(now);
  const locale = settings.locale;
  let raised = 0;
  for (const [key, { name, perWindow }] of counts) {
    const [count = 0, ...baseline] = perWindow;
    const check = checkSurge(count, baseline, settings);
    if (!check.surge) continue;
    const link = `${deps.publicUrl}/items?status=all&q=${encodeURIComponent(name)}`;
    const topic = oneLine(name, 80);
    const alert = await insertAlert(deps.db, {
      kind: 'surge',
      dedupeKey: `surge:${key}:${day}`,
      itemId: null,
      subject: deps.text(locale, 'alerts.surge.subject', { topic, count }),
      body: [
        deps.text(locale, 'alerts.surge.intro', { topic, count }),
        deps.text(locale, 'alerts.surge.baseline', {
          mean: check.mean.toFixed(1),
          weeks: baseline.join(', '),
          threshold: check.threshold,
        }),
        deps.text(locale, 'alerts.openQueue', { link }),
      ].join('\n'),
      link,
      createdAt: now,
    });
    if (alert) raised += 1;
  }
  return raised;
}

/**
 * Returns 1 when it raised today's morning digest (after the digest hour, Asia/Ho_Chi_Minh, once a
 * day): what was collected since the last digest, by label, the overdue count and the top items.
 */
export async function raiseDigest(deps: AlertDeps, settings: AlertSettings): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const { day, hour } = localDayAndHour(now);
  if (hour < settings.digestHour) return 0;
  const previous = await lastDigestAt(deps.db);
  if (previous && localDayAndHour(previous).day === day) return 0;
  const since = previous ?? new Date(now.getTime() - DAY_MS);
  const [summary, overdue] = await Promise.all([summarizeArrivals(deps.db, since, now), countOverdueItems(deps.db, now)]);
  const locale = settings.locale;
  const text = deps.text;
  const queue = `${deps.publicUrl}/items`;
  const [year, month, date] = day.split('-');
  const lines = [text(locale, 'alerts.digest.intro', { since: formatLocalDateTime(since), until: formatLocalDateTime(now), total: summary.total, flagged: summary.flagged })];
  const labelLines = LABELS.filter((label) => (summary.byLabel[label] ?? 0) > 0).map((label) =>
    text(locale, 'alerts.digest.labelLine', { label: text(locale, `label.${label}`), count: summary.byLabel[label] ?? 0 }),
  );
  if (labelLines.length > 0) lines.push('', text(locale, 'alerts.digest.byLabel'), ...labelLines);
  lines.push('', text(locale, 'alerts.digest.overdue', { count: overdue, link: `${queue}?overdue=true` }));
  if (summary.top.length > 0) {
    lines.push('', text(locale, 'alerts.digest.top'));
    for (const item of summary.top) {
      lines.push(
        text(locale, 'alerts.digest.topLine', {
          title: oneLine(item.title, 120),
          labels: item.labels.filter((label) => label !== 'relevant').map((label) => text(locale, `label.${label}`)).join(', '),
          link: `${deps.publicUrl}/items/${item.id}`,
        }),
      );
    }
  } else {
    lines.push('', text(locale, 'alerts.digest.none'));
  }
  lines.push('', text(locale, 'alerts.openQueue', { link: queue }));
  const alert = await insertAlert(deps.db, {
    kind: 'digest',
    dedupeKey: `digest:${day}`,
    itemId: null,
    subject: text(locale, 'alerts.digest.subject', { date: `${date}/${month}/${year}`, total: summary.total, flagged: summary.flagged }),
    body: lines.join('\n'),
    link: queue,
    createdAt: now,
  });
  return alert ? 1 : 0;
}

/** How often surges are looked for: counting a month of negative items is the heaviest check. */
export const SURGE_EVERY_MS = 10 * MINUTE_MS;
const lastSurgeCheck = new WeakMap<Db, number>();

/** Returns how many alerts of each kind were raised in one pass (surges at most every SURGE_EVERY_MS per database). */
export async function raiseAlerts(deps: AlertDeps, settings: AlertSettings): Promise<{ claimMatch: number; surge: number; digest: number }> {
  const now = (deps.now?.() ?? new Date()).getTime();
  const claimMatch = await raiseClaimAlerts(deps, settings);
  let surge = 0;
  const last = lastSurgeCheck.get(deps.db);
  if (last === undefined || Math.abs(now - last) >= SURGE_EVERY_MS) {
    surge = await raiseSurgeAlerts(deps, settings);
    lastSurgeCheck.set(deps.db, now);
  }
  const digest = await raiseDigest(deps, settings);
  return { claimMatch, surge, digest };
}

