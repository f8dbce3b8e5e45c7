// The sources a fresh install starts with, so a user online sees real education news at once.
import type { Db } from './client.ts';
import { countSources, insertSource, type NewSource } from './queries/sources.ts';

/** Public education feeds of major Vietnamese papers. */
export const DEFAULT_SOURCES: NewSource[] = [
  { kind: 'rss', name: 'VnExpress – Giáo dục', url: 'https://vnexpress.net/rss/giao-duc.rss', pollIntervalSeconds: 900 },
  { kind: 'rss', name: 'Tuổi Trẻ – Giáo dục', url: 'https://tuoitre.vn/rss/giao-duc.rss', pollIntervalSeconds: 900 },
  { kind: 'rss', name: 'Thanh Niên – Giáo dục', url: 'https://thanhnien.vn/rss/giao-duc.rss', pollIntervalSeconds: 900 },
];

/** Stores the given sources when there are none yet; returns how many were added. */
export async function seedSourcesIfEmpty(db: Db, seeds: NewSource[]): Promise<number> {
  if ((await countSources(db)) > 0) return 0;
  for (const seed of seeds) await insertSource(db, seed);
  return seeds.length;
}
