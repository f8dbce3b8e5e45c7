import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { previewInput, type PreviewItem } from '../../../src/collectors/preview.ts';

const FEEDS_DIR = fileURLToPath(new URL('../../../../shared/data/feeds/', import.meta.url));
const feeds = existsSync(FEEDS_DIR) ? readdirSync(FEEDS_DIR).filter((f) => /^vnexpress_.*\.xml$/.test(f)).sort() : [];
const fixturePath = (name: string): string => fileURLToPath(new URL(`../../fixtures/feeds/${name}`, import.meta.url));
const options = { allowHosts: [], allowFiles: true };

describe('previewInput', () => {
  it.skipIf(feeds.length === 0).each(feeds)('reads every entry of the real VnExpress feed %s, NFC and trimmed', async (file) => {
    const result = await previewInput(`${FEEDS_DIR}${file}`, options);
    if (!('items' in result)) throw new Error(JSON.stringify(result));
    expect(result.feed.title).toBe('Tin mới nhất - VnExpress RSS');
    expect(result.items).toHaveLength(25);
    expect(result.failedEntries).toBeUndefined();
    const real = result.items.filter((item: PreviewItem) => item.title !== '');
    expect(real.length).toBeGreaterThanOrEqual(24);
    for (const item of real) {
      expect(item.title).toBe(item.title.normalize('NFC'));
      expect(item.title).toBe(item.title.trim());
      expect(item.summary).toBe(item.summary.normalize('NFC'));
      expect(item.link).toMatch(/^https?:\/\/\S+$/);
      expect(item.guid).toBe(item.guid?.trim());
      expect(item.published).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
  });

  it('writes &, < and > in text as entities, so markup never becomes live', async () => {
    const result = await previewInput(fixturePath('rss-hostile.xml'), options);
    if (!('items' in result)) throw new Error(JSON.stringify(result));
    expect(result.feed.title).toBe('Hostile &amp; friends');
    expect(result.items[0]!.title).toBe('"&gt;');
    expect(result.items[0]!.link).toBeNull();
    expect(result.failedEntries).toBe(1);
  });

  it('answers every input with items or an error, never throwing', async () => {
    const missing = await previewInput(fixturePath('no-such-file.xml'), options);
    expect(missing).toMatchObject({ error: { code: 'network' } });
    const page = await previewInput(fixturePath('html-page.html'), options);
    expect(page).toMatchObject({ error: { code: 'not_a_feed' } });
    const comment = await previewInput(fixturePath('comment-only.xml'), options);
    expect(comment).toMatchObject({ error: { code: 'malformed_feed' } });
    const noFiles = await previewInput(fixturePath('rss1.xml'), { allowHosts: [], allowFiles: false });
    expect(noFiles).toMatchObject({ error: { code: 'bad_url' } });
    const blocked = await previewInput('http://127.0.0.1:9/feed.xml', { allowHosts: [] });
    expect(blocked).toMatchObject({ error: { code: 'blocked_address' } });
  });
});
