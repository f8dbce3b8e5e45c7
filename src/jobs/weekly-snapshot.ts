// The weekly snapshot: every Monday 07:00 (Asia/Ho_Chi_Minh) the week before is summarized and stored
// once, so later edits to items do not change what leadership was sent.
import type { Db } from '../db/client.ts';
import { getWeeklySnapshot, insertWeeklySnapshot, recordSnapshotDelivery, replaceWeeklySnapshot } from '../db/queries/weekly-report.ts';
import { isoWeekOf, lastWeeklySnapshotDue, previousIsoWeek, type IsoWeek } from '../domain/iso-week.ts';
import type { WeeklySummary } from '../domain/weekly-summary.ts';
import { collectedBeforeWeekEnded } from '../reports/weekly-freshness.ts';
import { computeWeeklySummary } from '../reports/weekly-summary.ts';
import { DOCX_TYPE, writeWeeklyDocx } from '../reports/weekly-docx.ts';
import { loadReportSettings, weeklyEmailSubject } from '../reports/weekly-report-file.ts';
import { enabledChannels } from '../domain/alert.ts';
import { deliver } from './deliver.ts';
import { loadAlertSettings, type RunAlertsDeps } from './run-alerts.ts';

/** When the snapshot runs, as a cron pattern and its time zone (BullMQ job scheduler). */
export const WEEKLY_SNAPSHOT_CRON = { pattern: '0 7 * * 1', tz: 'Asia/Ho_Chi_Minh' } as const;
/** How often the in-process runner checks whether a snapshot is due. */
export const WEEKLY_SNAPSHOT_CHECK_MS = 10 * 60 * 1000;

/**
 * Sends a freshly stored summary somewhere (e-mail, webhook); a rejection is recorded on the
 * snapshot. Resolves `false` when nothing was sent because no channel is switched on.
 */
export type DeliverWeeklySummary = (summary: WeeklySummary) => Promise<void | boolean>;

/** What one snapshot run did. */
export interface WeeklySnapshotResult {
  week: string;
  /** True when this run stored (or, regenerating, replaced) the snapshot; false when one already existed. */
  stored: boolean;
  /** Set when a delivery was attempted: true when it succeeded. */
  delivered?: boolean;
  /**
   * Set when the due snapshot was not stored because duluan was not collecting yet while the week ran
   * (see snapshotDueWeek): the week stays computed live.
   */
  skipped?: 'not_collecting';
}

/**
 * Returns after storing the week's snapshot, unless one exists (a later run never overwrites it;
 * `regenerate` replaces it on purpose). A stored snapshot is handed to `deliver` when given.
 */
export async function generateWeeklySnapshot(
  db: Db,
  week: IsoWeek,
  options: { now?: Date; deliver?: DeliverWeeklySummary; regenerate?: boolean } = {},
): Promise<WeeklySnapshotResult> {
  const now = options.now ?? new Date();
  if (!options.regenerate && (await getWeeklySnapshot(db, week.label))) return { week: week.label, stored: false };
  const summary = await computeWeeklySummary(db, week, now);
  if (options.regenerate) {
    await replaceWeeklySnapshot(db, week.label, summary, now);
  } else if (!(await insertWeeklySnapshot(db, week.label, summary, now))) {
    // Another process stored it between the check and the insert: theirs stands.
    return { week: week.label, stored: false };
  }
  if (!options.deliver) return { week: week.label, stored: true };
  try {
    if ((await options.deliver(summary)) === false) return { week: week.label, stored: true };
    await recordSnapshotDelivery(db, week.label, { deliveredAt: new Date() });
    return { week: week.label, stored: true, delivered: true };
  } catch (error) {
    await recordSnapshotDelivery(db, week.label, { error: error instanceof Error ? error.message : String(error) });
    return { week: week.label, stored: true, delivered: false };
  }
}

/** Returns the week whose snapshot fell due at the last Monday 07:00 before `now`. */
export function weekDueForSnapshot(now: Date): IsoWeek {
  return previousIsoWeek(isoWeekOf(lastWeeklySnapshotDue(now)));
}

/**
 * Stores the snapshot that fell due last (a no-op when it exists): safe to call as often as wanted.
 *
 * The rule for a catch-up: the week is stored only when at least one item was collected or imported
 * before the week ended (items.collected_at < the week's end), i.e. duluan was already gathering while
 * the week ran. Otherwise nothing is stored or sent, and the week stays computed live: on a fresh
 * install the first start falls after last week's Monday 07:00, and freezing that week a moment after
 * the first feed fetch would keep it empty (or holding only what one fetch found) forever, hiding the
 * items imported afterwards with dates in that week. An installation that was running keeps its
 * snapshot even for a quiet week with no item at all (that is a fact worth reporting). An
 * administrator can still freeze any past week on purpose (regenerate).
 */
export async function snapshotDueWeek(db: Db, options: { now?: Date; deliver?: DeliverWeeklySummary } = {}): Promise<WeeklySnapshotResult> {
  const now = options.now ?? new Date();
  const week = weekDueForSnapshot(now);
  if (await getWeeklySnapshot(db, week.label)) return { week: week.label, stored: false };
  if (!(await collectedBeforeWeekEnded(db, week))) return { week: week.label, stored: false, skipped: 'not_collecting' };
  return generateWeeklySnapshot(db, week, { now, deliver: options.deliver });
}

/**
 * Returns the delivery of a weekly summary through the channels the alert settings switch on:
 * an e-mail with the official .docx attached and the week's figures as text, and a webhook with the
 * summary's JSON. A channel that fails makes the delivery fail (recorded on the snapshot).
 */
export function weeklyDelivery(deps: Pick<RunAlertsDeps, 'db' | 'publicUrl' | 'delivery'>): DeliverWeeklySummary {
  return async (summary) => {
    const settings = await loadAlertSettings(deps.db);
    if (enabledChannels(settings).length === 0) return false;
    const details = await loadReportSettings(deps.db);
    // publicUrl comes without a trailing slash (config strips PUBLIC_URL's).
    const link = `${deps.publicUrl}/reports/weekly?week=${summary.week}`;
    const subject = weeklyEmailSubject(summary.week);
    const text = [subject, '', ...summary.narrative, '', link].join('\n');
    const docx = await writeWeeklyDocx(summary, details);
    const report = await deliver(
      { settings, ...deps.delivery },
      {
        email: {
          subject,
          text,
          attachments: [{ filename: `bao-cao-tuan-${summary.week}.docx`, content: docx, contentType: DOCX_TYPE }],
        },
        webhook: { kind: 'weekly_report', week: summary.week, link, summary },
      },
    );
    const failed = Object.entries(report).filter(([, outcome]) => outcome && !outcome.ok);
    if (failed.length > 0) throw new Error(failed.map(([channel, outcome]) => `${channel}: ${(outcome as { error?: string }).error ?? 'failed'}`).join('; '));
    return true;
  };
}
