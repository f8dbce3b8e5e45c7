// Real feeds, read from the shared data folder beside the repository (never copied into it).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../../src/collectors/decode-body.ts';
import { parseFeed } from '../../../src/collectors/rss.ts';

const FEEDS_DIR = fileURLToPath(new URL('../../../../shared/data/feeds/', import.meta.url));
const available = existsSync(FEEDS_DIR);
if (!available) console.warn(`vnexpress-feeds.test: skipped, ${FEEDS_DIR} is absent (the shared data folder is not checked out beside the repo)`);
const files = available ? readdirSync(FEEDS_DIR).filter((f) => /^vnexpress_.*\.xml$/.test(f)).sort() : [];

describe.skipIf(!available)('parseFeed on real VnExpress feeds', () => {
  it('finds the three VnExpress feeds', () => {
    expect(files).toHaveLength(3);
  });

  it.each(files)('reads 25 entries with NFC titles, trimmed http links and dates from %s', async (file) => {
    const { text } = decodeBody(readFileSync(`${FEEDS_DIR}${file}`), 'application/rss+xml');
    const feed = await parseFeed(text);
    expect(feed.title).toBe('Tin mới nhất - VnExpress RSS');
    expect(feed.failedEntries).toBe(0);
    expect(feed.entries).toHaveLength(25);
    // The 2017-11-14 feed holds one placeholder item (<title/>, "No Description", no link, no
    // date): it is kept, with nulls, like any entry that has something to read.
    const placeholders = feed.entries.filter((e) => e.title === '');
    const real = feed.entries.filter((e) => e.title !== '');
    for (const entry of placeholders) {
      expect(entry).toEqual({ guid: null, link: null, title: '', body: 'No Description', author: null, publishedAt: null });
    }
    expect(real.length).toBeGreaterThanOrEqual(24);
    for (const entry of real) {
      expect(entry.title).toBe(entry.title.normalize('NFC'));
      expect(entry.title).toBe(entry.title.trim());
      expect(entry.title).not.toContain('\n');
      expect(entry.body).toBe(entry.body.normalize('NFC'));
      expect(entry.body).not.toMatch(/<[a-z/]/i);
      expect(entry.link).toMatch(/^https?:\/\/\S+$/);
      expect(entry.guid).toBe(entry.guid?.trim());
      expect(entry.publishedAt).toBeInstanceOf(Date);
    }
  });
});
