// Whether a week's figures can be trusted as a record: was duluan collecting while the week ran, and
// has anything dated in the week been collected or imported since its snapshot was stored?
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import type { IsoWeek } from '../domain/iso-week.ts';

// Both drivers: postgres.js answers an array, PGlite an object with `rows`.
function firstRow(result: unknown): Record<string, unknown> | undefined {
  const rows = Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? []);
  return rows[0] as Record<string, unknown> | undefined;
}

/**
 * Returns true when some item was collected (or imported) before the week ended: the installation
 * was already gathering while the week ran. An item's collected_at is when duluan stored it (an import
 * stores the time of the import, whatever date the row carries), so on a fresh install every item is
 * collected after any past week's end.
 */
export async function collectedBeforeWeekEnded(db: Db, week: IsoWeek): Promise<boolean> {
  const row = firstRow(await db.execute(sql`select exists (select 1 from items where collected_at < ${week.to.toISOString()}::timestamptz) as found`));
  return row?.found === true || row?.found === 't';
}

/** Returns when the latest item dated in the week (published, else collected, in the week) was collected or imported; null when none. */
export async function lastCollectedInWeek(db: Db, week: IsoWeek): Promise<Date | null> {
  const row = firstRow(
    await db.execute(
      sql`select extract(epoch from max(collected_at)) * 1000 as ms from items
        where sort_at >= ${week.from.toISOString()}::timestamptz and sort_at < ${week.to.toISOString()}::timestamptz`,
    ),
  );
  return row?.ms === null || row?.ms === undefined ? null : new Date(Number(row.ms));
}
