// The weekly snapshot: every Monday 07:00 (Asia/Ho_Chi_Minh) the week before is summarized and stored
// once, so later edits to items do not change what leadership was sent.
import type { Db } from '../db/client.ts';
import { getWeeklySnapshot, insertWeeklySnapshot, recordSnapshotDelivery, replaceWeeklySnapshot } from '../db/queries/weekly-report.ts';
import { isoWeekOf, lastWeeklySnapshotDue, previousIsoWeek, type IsoWeek } from '../domain/iso-week.ts';
import type { WeeklySummary } from '../domain/weekly-summary.ts';
import { computeWeeklySummary } from '../reports/weekly-summary.ts';

/** When the snapshot runs, as a cron pattern and its time zone (BullMQ job scheduler). */
export const WEEKLY_SNAPSHOT_CRON = { pattern: '0 7 * * 1', tz: 'Asia/Ho_Chi_Minh' } as const;
/** How often the in-process runner checks whether a snapshot is due. */
export const WEEKLY_SNAPSHOT_CHECK_MS = 10 * 60 * 1000;

/** Sends a freshly stored summary somewhere (e-mail, webhook); a rejection is recorded on the snapshot. */
export type DeliverWeeklySummary = (summary: WeeklySummary) => Promise<void>;

/** What one snapshot run did. */
export interface WeeklySnapshotResult {
  week: string;
  /** True when this run stored (or, regenerating, replaced) the snapshot; false when one already existed. */
  stored: boolean;
  /** Set when a delivery was attempted: true when it succeeded. */
  delivered?: boolean;
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
    await options.deliver(summary);
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

/** Stores the snapshot that fell due last (a no-op when it exists): safe to call as often as wanted. */
export function snapshotDueWeek(db: Db, options: { now?: Date; deliver?: DeliverWeeklySummary } = {}): Promise<WeeklySnapshotResult> {
  const now = options.now ?? new Date();
  return generateWeeklySnapshot(db, weekDueForSnapshot(now), { now, deliver: options.deliver });
}
