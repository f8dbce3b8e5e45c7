// Bad inputs from issue 4 that concern parsing: each gives a clear error or a bounded result,
// never a hang, a crash or a blocked event loop.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CollectorError } from '../../../src/collectors/collector-error.ts';
import { decodeBody } from '../../../src/collectors/decode-body.ts';
import { previewInput } from '../../../src/collectors/preview.ts';
import { MAX_BODY_CHARS, MAX_TITLE_CHARS, parseFeed, parseFeedSync } from '../../../src/collectors/rss.ts';

const fixturePath = (name: string): string => fileURLToPath(new URL(`../../fixtures/feeds/${name}`, import.meta.url));

function rss(items: string, title = 'Tin phường'): string {
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>${title}</title><link>https://example.vn/</link>${items}</channel></rss>`;
}

function items(count: number): string {
  return Array.from({ length: count }, (_, i) => `<item><title>Tin ${i}</title><link>https://example.vn/${i}</link><description>Nội dung ${i}</description></item>`).join('');
}

/** Runs `work` and returns the longest stretch the event loop could not run a timer, in ms. */
async function longestBlock(work: () => Promise<unknown>): Promise<number> {
  let longest = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  try {
    last = performance.now();
    await work();
    longest = Math.max(longest, performance.now() - last);
  } finally {
    clearInterval(timer);
  }
  return longest;
}

describe('parsing bad inputs', () => {
  it('reads a feed with a BOM and a zero-width space before <?xml', async () => {
    const bytes = readFileSync(fixturePath('bom-zwsp.xml'));
    expect([...bytes.subarray(0, 6)]).toEqual([0xef, 0xbb, 0xbf, 0xe2, 0x80, 0x8b]);
    const feed = await parseFeed(decodeBody(bytes, 'application/rss+xml').text);
    expect(feed.title).toBe('BOM và ZWSP');
    expect(feed.entries.map((e) => [e.title, e.link])).toEqual([['Tin đầu', 'https://example.vn/a']]);
    // Also when the text reaches the parser with them still in front.
    const raw = await parseFeed(`\uFEFF\u200B \n${rss(items(2))}`);
    expect(raw.entries).toHaveLength(2);
  });

  it('reads a feed served as text/html (what it is decides, not the header)', async () => {
    const bytes = Buffer.from(rss(items(3)), 'utf8');
    const feed = await parseFeed(decodeBody(bytes, 'text/html; charset=utf-8').text);
    expect(feed.entries.map((e) => e.title)).toEqual(['Tin 0', 'Tin 1', 'Tin 2']);
    const preview = await previewInput(fixturePath('bom-zwsp.xml'), { allowHosts: [], contentType: 'text/html', allowFiles: true });
    expect(preview).toMatchObject({ items: [{ title: 'Tin đầu', link: 'https://example.vn/a' }] });
  });

  it('fails a document that holds only a comment at once, as malformed_feed (rss-parser never settles on it)', async () => {
    const started = performance.now();
    const error = await parseFeed(readFileSync(fixturePath('comment-only.xml'), 'utf8')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CollectorError);
    expect((error as CollectorError).code).toBe('malformed_feed');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('reads a feed that shrinks from 100 items to 0 as 0 entries, without an error', async () => {
    const before = await parseFeed(rss(items(100)));
    expect(before.entries).toHaveLength(100);
    const after = await parseFeed(rss(''));
    expect(after).toEqual({ title: 'Tin phường', link: 'https://example.vn/', entries: [], failedEntries: 0 });
  });

  it('never blocks the event loop for a second on a description of 80,000 &lt; entities', async () => {
    const xml = rss(`<item><title>big</title><description>${'&lt;'.repeat(80_000)}</description></item>`);
    let body = '';
    const block = await longestBlock(async () => {
      body = (await parseFeed(xml)).entries[0]!.body;
    });
    expect(body).toBe('<'.repeat(80_000));
    expect(block).toBeLessThan(1000);
  });

  it(`keeps a 5 MB title capped to ${MAX_TITLE_CHARS} characters and a huge body to ${MAX_BODY_CHARS}`, { timeout: 20_000 }, async () => {
    const title = 'Học phí tăng '.repeat(400_000); // 5.2 M characters
    const body = '<p>Đoạn văn dài.</p>'.repeat(300_000);
    let feed = await parseFeed(rss(''));
    const block = await longestBlock(async () => {
      feed = await parseFeed(rss(`<item><title>${title}</title><description><![CDATA[${body}]]></description></item>`, title));
    });
    const entry = feed.entries[0]!;
    expect(entry.title.length).toBeLessThanOrEqual(MAX_TITLE_CHARS);
    expect(entry.title.startsWith('Học phí tăng Học phí tăng')).toBe(true);
    expect(entry.title.endsWith('…')).toBe(true);
    expect(feed.title!.length).toBeLessThanOrEqual(MAX_TITLE_CHARS);
    expect(entry.body.length).toBeLessThanOrEqual(MAX_BODY_CHARS);
    expect(entry.body.startsWith('Đoạn văn dài.\nĐoạn văn dài.')).toBe(true);
    expect(block).toBeLessThan(5000);
  });

  it('reads at most maxItems of 100,000 items and counts the ones left out', { timeout: 30_000 }, async () => {
    const xml = rss(items(100_000));
    const started = performance.now();
    const feed = parseFeedSync(xml);
    expect(performance.now() - started).toBeLessThan(2000); // items past maxItems are scanned, not built (about 0.3 s)
    expect(feed.entries).toHaveLength(1000);
    expect(feed.omittedEntries).toBe(99_000);
    expect(feed.entries[999]!.title).toBe('Tin 999');
    const small = await parseFeed(xml, { maxItems: 10 });
    expect(small.entries).toHaveLength(10);
    expect(small.omittedEntries).toBe(99_990);
  });
});
