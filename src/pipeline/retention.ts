// The daily retention pass: citizens' contacts and attachments are deleted once the retention
// period ends, and expired login sessions go with them.
import { deleteContactDataBefore, getRetentionDays, type RetentionOutcome } from '../db/queries/privacy.ts';
import { deleteExpiredSessions } from '../db/queries/users.ts';
import type { Db } from '../db/client.ts';

/** How often the retention pass runs: daily. */
export const RETENTION_EVERY_MS = 24 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** What one pass did, with the period it applied. */
export interface RetentionRun extends RetentionOutcome {
  days: number;
  /** Login sessions past their expiry, deleted (they no longer let anyone in). */
  sessionsDeleted: number;
}

/**
 * Deletes the name, contact and attachments of every submission older than the retention period
 * (setting `privacy.retention`, default 365 days) and marks it contact_deleted_reason='retention'.
 * The opinion stays: it concerns a public matter and no longer points at anyone. Also deletes the
 * login sessions that have expired.
 */
export async function runRetention(db: Db, now: Date = new Date()): Promise<RetentionRun> {
  const days = await getRetentionDays(db);
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  const contacts = await deleteContactDataBefore(db, cutoff, now);
  return { days, ...contacts, sessionsDeleted: await deleteExpiredSessions(db, now) };
}
