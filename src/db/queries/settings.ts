// Run-time settings stored as one JSON value per key.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { settings } from '../schema.ts';

/** Returns the stored value of a setting, or the fallback when it was never set. */
export async function getSetting<T>(db: Db, key: string, fallback: T): Promise<T> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
  return row ? (row.value as T) : fallback;
}

/** Stores the value of a setting. */
export async function putSetting(db: Db, key: string, value: unknown): Promise<void> {
  await db
    .insert(settings)
    .values({ key, value })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: sql`now()` } });
}
