import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CollectorError } from '../../../src/collectors/collector-error.ts';
import { findRootElement, htmlToText, httpLink, parseFeed, parseFeedDate } from '../../../src/collectors/rss.ts';

function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/feeds/${name}`, import.meta.url)), 'utf8');
}

async function expectCollectorError(promise: Promise<unknown>, code: string): Promise<CollectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CollectorError);
  expect((error as CollectorError).code).toBe(code);
  expect((error as CollectorError).layer).toBe('collectors');
  return error as CollectorError;
}

describe('parseFeed', () => {
  it('keeps the other Atom entries when one has a bad date, giving that one a null date', async () => {
    const feed = await parseFeed(fixture('atom-bad-date.xml'));
    expect(feed.title).toBe('Tin giáo dục phường');
    expect(feed.link).toBe('https://example.vn/');
    expect(feed.failedEntries).toBe(0);
    expect(feed.entries.map((e) => e.guid)).toEqual(['urn:uuid:1', 'urn:uuid:2', 'urn:uuid:3']);
    const [bad, good, noHrefLink] = feed.entries;
    expect(bad!.publishedAt).toBeNull();
    expect(bad!.link).toBe('https://example.vn/tuu-truong');
    expect(good!.publishedAt?.toISOString()).toBe('2024-09-04T12:30:00.000Z');
    expect(good!.author).toBe('Phòng Văn hóa – Xã hội');
    expect(good!.body).toBe('Nhà trường thông báo lịch họp.');
    // <link>text</link> instead of <link href>: rss-parser itself throws on this and loses the feed.
    // The text is the link, as feedparser reads it (corpus: wellformed/atom/entry_link_no_href_link_priority.xml).
    expect(noHrefLink!.link).toBe('https://example.vn/hoc-phi');
    expect(noHrefLink!.publishedAt?.toISOString()).toBe('2024-09-03T10:00:00.000Z');
  });

  it('returns both entries that share a guid (deduplication happens later)', async () => {
    const feed = await parseFeed(fixture('rss-duplicate-guid.xml'));
    expect(feed.entries).toHaveLength(2);
    expect(feed.entries.map((e) => e.guid)).toEqual(['bao-phuong-42', 'bao-phuong-42']);
    expect(feed.entries[1]!.publishedAt?.toISOString()).toBe('2024-09-05T02:00:00.000Z');
  });

  it('returns a script-bearing title as plain text without markup', async () => {
    const feed = await parseFeed(fixture('rss-hostile.xml'));
    const hostile = feed.entries[0]!;
    expect(hostile.title).toBe('">');
    expect(hostile.title).not.toMatch(/<|onerror/);
  });

  it('drops javascript: links, trims guids and links, and strips tags and scripts from bodies', async () => {
    const feed = await parseFeed(fixture('rss-hostile.xml'));
    expect(feed.title).toBe('Hostile & friends');
    expect(feed.link).toBeNull();
    const [hostile, normal] = feed.entries;
    expect(hostile!.link).toBeNull();
    expect(hostile!.guid).toBe('hostile-1');
    expect(hostile!.body).toBe('Đoạn một\nĐoạn hai & liên kết');
    expect(hostile!.body).not.toContain('alert');
    expect(hostile!.author).toBe('Phóng viên');
    expect(hostile!.publishedAt).toBeNull();
    expect(normal!.title).toBe('Tin bình thường');
    expect(normal!.link).toBe('https://example.vn/tin-binh-thuong');
    expect(normal!.body).toBe('Nội dung đầy đủ');
  });

  it('counts an item it cannot read at all as failed and keeps the others', async () => {
    const feed = await parseFeed(fixture('rss-hostile.xml'));
    expect(feed.entries).toHaveLength(2);
    expect(feed.failedEntries).toBe(1);
  });

  it('reads RSS 1.0 (RDF) feeds with Dublin Core dates and creators', async () => {
    const feed = await parseFeed(fixture('rss1.xml'));
    expect(feed.title).toBe('RSS 1.0 phường');
    expect(feed.entries).toEqual([
      {
        // rdf:about names the item (feedparser's corpus: wellformed/rdf/rdf_item_rdf_about.xml).
        guid: 'https://example.vn/a',
        link: 'https://example.vn/a',
        title: 'Kết quả thi vào lớp 10',
        body: 'Điểm chuẩn đã được công bố.',
        author: 'Ban biên tập',
        publishedAt: new Date('2024-07-10T02:00:00Z'),
      },
    ]);
  });

  it('returns NFD text in a feed as NFC', async () => {
    const title = 'Học sinh được nghỉ học vì bão'.normalize('NFD');
    const body = 'Phụ huynh đón con sớm'.normalize('NFD');
    expect(title).not.toBe(title.normalize('NFC'));
    const feed = await parseFeed(
      `<rss version="2.0"><channel><title>${title}</title><item><title>${title}</title><description>${body}</description><author>${'Nguyễn Văn Ánh'.normalize('NFD')}</author></item></channel></rss>`,
    );
    const entry = feed.entries[0]!;
    expect(feed.title).toBe('Học sinh được nghỉ học vì bão'.normalize('NFC'));
    expect(entry.title).toBe('Học sinh được nghỉ học vì bão'.normalize('NFC'));
    expect(entry.body).toBe('Phụ huynh đón con sớm'.normalize('NFC'));
    expect(entry.author).toBe('Nguyễn Văn Ánh'.normalize('NFC'));
  });

  it('rejects an HTML page as not_a_feed', async () => {
    await expectCollectorError(parseFeed(fixture('html-page.html')), 'not_a_feed');
  });

  it('rejects XML that is neither RSS nor Atom as not_a_feed', async () => {
    await expectCollectorError(parseFeed('<?xml version="1.0"?><opml version="2.0"><body/></opml>'), 'not_a_feed');
  });

  it('rejects malformed XML as malformed_feed', async () => {
    const error = await expectCollectorError(parseFeed(fixture('malformed.xml')), 'malformed_feed');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('rejects a document holding only a comment as malformed_feed', async () => {
    await expectCollectorError(parseFeed(fixture('comment-only.xml')), 'malformed_feed');
  });

  it('rejects empty and whitespace-only documents as malformed_feed', async () => {
    await expectCollectorError(parseFeed(''), 'malformed_feed');
    await expectCollectorError(parseFeed(' \n\t '), 'malformed_feed');
    await expectCollectorError(parseFeed('\uFEFF<?xml version="1.0"?>'), 'malformed_feed');
  });

  it('never expands billion-laughs entities: the DTD is stripped and the undeclared entity fails', async () => {
    await expectCollectorError(parseFeed(fixture('billion-laughs.xml')), 'malformed_feed');
  });

  it('still reads a feed whose DOCTYPE declares no entities', async () => {
    const feed = await parseFeed(fixture('dtd-no-entities.xml'));
    expect(feed.entries.map((e) => e.title)).toEqual(['Tin cũ']);
  });

  it('does not pollute prototypes with <__proto__> or <constructor> elements', async () => {
    const feed = await parseFeed(fixture('proto-elements.xml'));
    expect(feed.entries).toHaveLength(1);
    expect(feed.entries[0]!.title).toBe('Tin có phần tử lạ');
    expect(Object.getPrototypeOf(feed.entries[0])).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('parses a description of 80,000 &lt; entities without the quadratic snippet regex', { timeout: 3000 }, async () => {
    // rss-parser's own contentSnippet takes about 6 s on this input; the test timeout is the guard.
    const xml = `<rss version="2.0"><channel><title>x</title><item><title>big</title><description>${'&lt;'.repeat(80_000)}</description></item></channel></rss>`;
    const feed = await parseFeed(xml);
    expect(feed.entries[0]!.body).toBe('<'.repeat(80_000));
  });

  it('keeps only the first maxItems entries', async () => {
    const items = Array.from({ length: 10 }, (_, i) => `<item><title>Tin ${i}</title></item>`).join('');
    const feed = await parseFeed(`<rss version="2.0"><channel><title>x</title>${items}</channel></rss>`, { maxItems: 3 });
    expect(feed.entries.map((e) => e.title)).toEqual(['Tin 0', 'Tin 1', 'Tin 2']);
    expect(feed.failedEntries).toBe(0);
  });

  it('uses a permalink guid as the link when an RSS item has no link', async () => {
    const feed = await parseFeed(
      '<rss version="2.0"><channel><title>x</title><item><title>a</title><guid> https://example.vn/a </guid></item><item><title>b</title><guid isPermaLink="false">https://example.vn/b</guid></item></channel></rss>',
    );
    expect(feed.entries.map((e) => e.link)).toEqual(['https://example.vn/a', null]);
  });
});

describe('findRootElement', () => {
  it('skips the prolog, comments, processing instructions and a DOCTYPE', () => {
    expect(findRootElement('<?xml version="1.0"?>\n<!-- c --><?pi x?><!DOCTYPE rss>\n<rss version="2.0">')).toBe('rss');
    expect(findRootElement('<rdf:RDF xmlns:rdf="x">')).toBe('rdf:RDF');
  });

  it('returns null when there is no element', () => {
    expect(findRootElement('<!-- only -->')).toBeNull();
    expect(findRootElement('<!-- unterminated')).toBeNull();
    expect(findRootElement('plain text')).toBeNull();
  });
});

describe('parseFeedDate', () => {
  it('reads RFC 822, ISO 8601 and Vietnamese dd/MM/yyyy dates', () => {
    expect(parseFeedDate('Sat, 20 May 2017 15:00:00 +0700')?.toISOString()).toBe('2017-05-20T08:00:00.000Z');
    expect(parseFeedDate(' 2024-01-02T03:04:05Z ')?.toISOString()).toBe('2024-01-02T03:04:05.000Z');
    expect(parseFeedDate('05/09/2024 08:30')?.toISOString()).toBe('2024-09-05T01:30:00.000Z');
  });

  it('returns null for unreadable dates instead of throwing', () => {
    for (const raw of ['', '   ', 'hôm qua', 'not a date', '99/99/2024', null, undefined]) {
      expect(parseFeedDate(raw)).toBeNull();
    }
  });
});

describe('httpLink', () => {
  it('keeps only absolute http(s) links, trimmed', () => {
    expect(httpLink('  https://example.vn/a b ')).toBe('https://example.vn/a%20b');
    expect(httpLink('javascript:alert(1)')).toBeNull();
    expect(httpLink(' JaVaScRiPt:alert(1)')).toBeNull();
    expect(httpLink('data:text/html,<script>')).toBeNull();
    expect(httpLink('/relative')).toBeNull();
    expect(httpLink('')).toBeNull();
  });
});

describe('htmlToText', () => {
  it('decodes entities and removes tags without running anything', () => {
    expect(htmlToText('<p>a &amp; b</p><style>p{}</style><p>c&nbsp;d</p>')).toBe('a & b\nc d');
    expect(htmlToText('học&#32;phí <b>tăng</b>')).toBe('học phí tăng');
  });
});
