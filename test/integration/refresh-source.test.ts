import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRuleClassifier } from '../../src/classifiers/classify.ts';
import { fixedClassifier } from '../../src/pipeline/classifier-cache.ts';
import { getSource, insertSource } from '../../src/db/queries/sources.ts';
import { items, sources } from '../../src/db/schema.ts';
import { refreshSource, type PipelineDeps } from '../../src/pipeline/refresh-source.ts';
import {
  endlessBody,
  fixture,
  gzipBomb,
  neverAnswer,
  redirectTo,
  respond,
  startHostileServer,
  type HostileServer,
} from '../helpers/hostile-feed-server.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const demoFeed = readFileSync(new URL('../../demo/feeds/tin-phuong.xml', import.meta.url));

function rss(itemsXml: string, charset = 'UTF-8'): string {
  return `<?xml version="1.0" encoding="${charset}"?><rss version="2.0"><channel><title>T</title><link>http://example.org/</link>${itemsXml}</channel></rss>`;
}

// windows-1258 has letters like ơ and ư precomposed but tone marks only as combining characters.
function toCp1258Form(text: string): string {
  return [...text.normalize('NFC')]
    .map((char) => {
      const parts = [...char.normalize('NFD')];
      const tones = parts.filter((part) => /[\u0300\u0301\u0303\u0309\u0323]/.test(part));
      return parts.filter((part) => !tones.includes(part)).join('').normalize('NFC') + tones.join('');
    })
    .join('');
}

let database: TestDatabase;
let server: HostileServer;
let deps: PipelineDeps;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startHostileServer();
  deps = {
    db: database.db,
    classifiers: fixedClassifier(createRuleClassifier()),
    fetch: { allowHosts: ['127.0.0.1'], timeoutMs: 1500, maxBytes: 1024 * 1024 },
  };
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function newSource(url: string) {
  return insertSource(database.db, { kind: 'rss', name: 'nguồn thử', url });
}

async function countItems(sourceId: number): Promise<number> {
  const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(items).where(eq(items.sourceId, sourceId));
  return row!.n;
}

describe('refreshSource', () => {
  beforeEach(() => server.setRoute('/demo.xml', respond(demoFeed)));

  it('stores new items with labels and spans pointing at the original text', async () => {
    const source = await newSource(server.url('/demo.xml'));
    const result = await refreshSource(deps, source.id, { force: true });
    expect(result).toMatchObject({ status: 'ok', fetched: 5, stored: 5, skipped: 0 });
    const stored = await database.db.select().from(items).where(eq(items.sourceId, source.id));
    const rumour = stored.find((item) => item.title.startsWith('Nghe nói'))!;
    expect(rumour.labels).toEqual(expect.arrayContaining(['misinformation', 'relevant']));
    expect(rumour.classification!.spans.length).toBeGreaterThan(0);
    for (const span of rumour.classification!.spans) {
      const text = span.field === 'title' ? rumour.title : rumour.body;
      expect(text.slice(span.start, span.end)).toBe(span.text);
    }
    expect(rumour.priority).toBeGreaterThan(stored.find((item) => item.title.startsWith('Họp tổ'))!.priority);
    const fresh = await getSource(database.db, source.id);
    expect(fresh).toMatchObject({ lastError: null, consecutiveFailures: 0 });
    expect(fresh!.lastSuccessAt).toBeInstanceOf(Date);
  });

  it('stores nothing twice when run again or run concurrently', async () => {
    const source = await newSource(server.url('/demo.xml'));
    const results = await Promise.all([refreshSource(deps, source.id, { force: true }), refreshSource(deps, source.id, { force: true })]);
    expect(results.reduce((sum, result) => sum + result.stored, 0)).toBe(5);
    const again = await refreshSource(deps, source.id, { force: true });
    expect(again).toMatchObject({ stored: 0, skipped: 5 });
    expect(await countItems(source.id)).toBe(5);
  });

  it('sends the stored ETag and treats 304 as success with nothing new', async () => {
    let seen: string | undefined;
    server.setRoute('/etag.xml', (request, response) => {
      seen = request.headers['if-none-match'];
      if (seen === '"v1"') return void response.writeHead(304, { etag: '"v1"' }).end();
      response.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v1"' }).end(demoFeed);
    });
    const source = await newSource(server.url('/etag.xml'));
    await refreshSource(deps, source.id, { force: true });
    const second = await refreshSource(deps, source.id, { force: true });
    expect(seen).toBe('"v1"');
    expect(second.status).toBe('not_modified');
    expect(await countItems(source.id)).toBe(5);
  });

  it('stores one item when a feed repeats a guid', async () => {
    server.setRoute('/dup.xml', respond(rss('<item><guid>a</guid><title>Một</title></item><item><guid>a</guid><title>Hai</title></item>')));
    const source = await newSource(server.url('/dup.xml'));
    expect(await refreshSource(deps, source.id, { force: true })).toMatchObject({ fetched: 2, stored: 1 });
  });

  it('stores NFD text as NFC and decodes a windows-1258 feed', async () => {
    const nfd = 'Học sinh Việt Nam được nghỉ học'.normalize('NFD');
    server.setRoute('/nfd.xml', respond(rss(`<item><guid>n</guid><title>${nfd}</title></item>`)));
    server.setRoute(
      '/cp1258.xml',
      respond(iconv.encode(toCp1258Form(rss('<item><guid>w</guid><title>Trường học phường Hòa An</title></item>', 'windows-1258')), 'windows-1258'), 'application/rss+xml'),
    );
    for (const [path, expected] of [
      ['/nfd.xml', 'Học sinh Việt Nam được nghỉ học'.normalize('NFC')],
      ['/cp1258.xml', 'Trường học phường Hòa An'.normalize('NFC')],
    ] as const) {
      const source = await newSource(server.url(path));
      await refreshSource(deps, source.id, { force: true });
      const [row] = await database.db.select().from(items).where(eq(items.sourceId, source.id));
      expect(row!.title).toBe(expected);
      expect(row!.title).toBe(row!.title.normalize('NFC'));
    }
  });

  it('keeps the other entries when one has a bad date', async () => {
    server.setRoute('/atom.xml', fixture('atom-bad-date.xml', 'application/atom+xml'));
    const source = await newSource(server.url('/atom.xml'));
    const result = await refreshSource(deps, source.id, { force: true });
    expect(result.status).toBe('ok');
    expect(result.stored).toBeGreaterThanOrEqual(2);
  });

  it('skips entries with no title and no body text, keeping a title without a link and a body without a title', async () => {
    server.setRoute(
      '/blank-items.xml',
      respond(
        rss(
          '<item><title></title><link></link></item>' +
            '<item><title>  \u200B </title><link>http://example.org/blank</link><guid>blank-2</guid><description><![CDATA[ <p> </p> ]]></description></item>' +
            '<item><title>Họp phụ huynh đầu năm</title></item>' +
            '<item><description>Nhà trường thông báo lịch khám sức khỏe</description></item>',
        ),
      ),
    );
    const source = await newSource(server.url('/blank-items.xml'));
    const result = await refreshSource(deps, source.id, { force: true });
    expect(result).toMatchObject({ status: 'ok', fetched: 4, stored: 2, skipped: 2, failedEntries: 0 });
    const stored = await database.db.select({ title: items.title, body: items.body, url: items.url }).from(items).where(eq(items.sourceId, source.id));
    expect(stored).toEqual(
      expect.arrayContaining([
        { title: 'Họp phụ huynh đầu năm', body: '', url: null },
        { title: '', body: 'Nhà trường thông báo lịch khám sức khỏe', url: null },
      ]),
    );
    expect(stored).toHaveLength(2);
    expect((await getSource(database.db, source.id))!.consecutiveFailures).toBe(0);
  });

  it('records nothing when asked to fetch a form or import source', async () => {
    for (const kind of ['form', 'import'] as const) {
      const source = await insertSource(database.db, { kind, name: 'Ý kiến qua MTTQ', url: null });
      const result = await refreshSource(deps, source.id, { force: true });
      expect(result, kind).toMatchObject({ status: 'skipped', fetched: 0, stored: 0 });
      expect(await getSource(database.db, source.id), kind).toMatchObject({ consecutiveFailures: 0, lastErrorCode: null, lastErrorAt: null });
    }
  });

  // Each hostile answer: a clear error on the source, and the items stored before are kept.
  // Addresses are checked with no host allowed; the served misbehaviours need 127.0.0.1 allowed.
  const hostile: Array<[string, () => string, string]> = [
    ['a loopback address', () => server.url('/demo.xml'), 'blocked_address'],
    ['a private address', () => 'http://10.0.0.1/feed.xml', 'blocked_address'],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/', 'blocked_address'],
    ['IPv6 loopback', () => 'http://[::1]/feed.xml', 'blocked_address'],
    ['a decimal IPv4 address', () => 'http://2130706433/feed.xml', 'blocked_address'],
    ['a hex IPv4 address', () => 'http://0x7f.1/feed.xml', 'blocked_address'],
    ['an IPv4-mapped IPv6 address', () => 'http://[::ffff:127.0.0.1]/feed.xml', 'blocked_address'],
    ['a redirect to a private address', () => server.url('/to-private'), 'blocked_address'],
    ['a file: URL', () => 'file:///etc/passwd', 'bad_scheme'],
    ['a javascript: URL', () => 'javascript:alert(1)', 'bad_scheme'],
    ['a server that never answers', () => server.url('/never'), 'timeout'],
    ['an endless body', () => server.url('/endless'), 'too_large'],
    ['a gzip bomb', () => server.url('/bomb'), 'too_large'],
    ['an HTML page instead of a feed', () => server.url('/html'), 'not_a_feed'],
    ['malformed XML', () => server.url('/malformed'), 'malformed_feed'],
    ['a document holding only a comment', () => server.url('/comment'), 'malformed_feed'],
    ['a server error', () => server.url('/500'), 'http_status'],
  ];

  it.each(hostile)('records a clear error and keeps stored items for %s', async (_name, url, code) => {
    server.setRoute('/to-private', redirectTo('http://10.0.0.1/feed.xml'));
    server.setRoute('/never', neverAnswer);
    server.setRoute('/endless', endlessBody);
    server.setRoute('/bomb', gzipBomb);
    server.setRoute('/html', fixture('html-page.html', 'text/html; charset=utf-8'));
    server.setRoute('/malformed', fixture('malformed.xml'));
    server.setRoute('/comment', fixture('comment-only.xml'));
    server.setRoute('/500', respond('oops', 'text/plain', 500));
    const source = await newSource(server.url('/demo.xml'));
    await refreshSource(deps, source.id, { force: true });
    expect(await countItems(source.id)).toBe(5);

    await database.db.update(sources).set({ url: url() }).where(eq(sources.id, source.id));
    const served = url().startsWith(server.origin) && code !== 'blocked_address';
    const strict = { ...deps, fetch: { ...deps.fetch, allowHosts: served || _name.includes('redirect') ? ['127.0.0.1'] : [] } };
    const result = await refreshSource(strict, source.id, { force: true });
    expect(result.status).toBe('error');
    expect(result.error?.code).toBe(code);
    const failed = await getSource(database.db, source.id);
    expect(failed).toMatchObject({ lastErrorCode: code, consecutiveFailures: 1 });
    expect(failed!.lastError).toBeTruthy();
    expect(failed!.nextFetchAt!.getTime()).toBeGreaterThan(Date.now());
    expect(await countItems(source.id)).toBe(5);
  });

  it('parses billion-laughs and __proto__ feeds without harm', async () => {
    server.setRoute('/laughs', fixture('billion-laughs.xml'));
    server.setRoute('/proto', fixture('proto-elements.xml'));
    for (const path of ['/laughs', '/proto']) {
      const source = await newSource(server.url(path));
      const result = await refreshSource(deps, source.id, { force: true });
      expect(['ok', 'error']).toContain(result.status);
      if (result.status === 'error') expect(result.error?.code).toMatch(/malformed_feed|not_a_feed/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('schedule and health', () => {
  it('skips a scheduled run while the source is not due, but fetches it when forced', async () => {
    server.setRoute('/demo.xml', respond(demoFeed));
    const source = await insertSource(database.db, { kind: 'rss', name: 'lịch', url: server.url('/demo.xml'), pollIntervalSeconds: 900 });
    expect((await refreshSource(deps, source.id)).status).toBe('ok');
    expect((await refreshSource(deps, source.id)).status).toBe('skipped');
    expect((await refreshSource(deps, source.id, { force: true })).status).toBe('ok');
    const fresh = await getSource(database.db, source.id);
    const wait = fresh!.nextFetchAt!.getTime() - Date.now();
    expect(wait).toBeGreaterThan(850_000);
    expect(wait).toBeLessThan(1_000_000);
  });

  it('backs off exponentially, honours Retry-After in seconds and as a date, and recovers', async () => {
    let answer: 'busy-seconds' | 'busy-date' | 'error' | 'ok' = 'error';
    server.setRoute('/flaky.xml', (_request, response) => {
      if (answer === 'busy-seconds') return void response.writeHead(429, { 'retry-after': '7200' }).end();
      if (answer === 'busy-date') {
        return void response.writeHead(503, { 'retry-after': new Date(Date.now() + 3 * 3600_000).toUTCString() }).end();
      }
      if (answer === 'error') return void response.writeHead(500).end();
      response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(demoFeed);
    });
    const source = await insertSource(database.db, { kind: 'rss', name: 'chập chờn', url: server.url('/flaky.xml'), pollIntervalSeconds: 60 });
    const waits: number[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await refreshSource(deps, source.id, { force: true });
      waits.push((await getSource(database.db, source.id))!.nextFetchAt!.getTime() - Date.now());
    }
    expect(waits[1]!).toBeGreaterThan(waits[0]! * 1.7);
    expect(waits[2]!).toBeGreaterThan(waits[1]! * 1.7);
    answer = 'busy-seconds';
    const busy = await refreshSource(deps, source.id, { force: true });
    expect(busy.error?.code).toBe('http_status');
    expect((await getSource(database.db, source.id))!.nextFetchAt!.getTime() - Date.now()).toBeGreaterThan(7100_000);
    answer = 'busy-date';
    await refreshSource(deps, source.id, { force: true });
    const afterDate = await getSource(database.db, source.id);
    expect(afterDate!.nextFetchAt!.getTime() - Date.now()).toBeGreaterThan(2.9 * 3600_000);
    expect(afterDate).toMatchObject({ consecutiveFailures: 5 });
    expect(afterDate!.failingSince).toBeInstanceOf(Date);
    answer = 'ok';
    await refreshSource(deps, source.id, { force: true });
    expect(await getSource(database.db, source.id)).toMatchObject({ consecutiveFailures: 0, failingSince: null, lastError: null });
  });

  it('keeps the stored URL when the feed answers with a permanent redirect', async () => {
    server.setRoute('/moved.xml', redirectTo(server.url('/demo.xml'), 301));
    const source = await insertSource(database.db, { kind: 'rss', name: 'chuyển', url: server.url('/moved.xml') });
    expect((await refreshSource(deps, source.id, { force: true })).status).toBe('ok');
    expect((await getSource(database.db, source.id))!.url).toBe(server.url('/moved.xml'));
  });

  it('keeps every stored item when a feed shrinks to nothing', async () => {
    server.setRoute('/shrink.xml', respond(demoFeed));
    const source = await insertSource(database.db, { kind: 'rss', name: 'co lại', url: server.url('/shrink.xml') });
    await refreshSource(deps, source.id, { force: true });
    server.setRoute('/shrink.xml', respond(rss('')));
    expect(await refreshSource(deps, source.id, { force: true })).toMatchObject({ status: 'ok', fetched: 0, stored: 0 });
    expect(await countItems(source.id)).toBe(5);
  });

  it('marks flagged articles with a link for re-checking, and leaves the rest alone', async () => {
    server.setRoute('/recheck.xml', respond(demoFeed));
    const source = await newSource(server.url('/recheck.xml'));
    await refreshSource(deps, source.id, { force: true });
    const rows = await database.db.select().from(items).where(eq(items.sourceId, source.id));
    const rumour = rows.find((row) => row.title.startsWith('Nghe nói'))!;
    expect(rumour.recheckUntil!.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    const calm = rows.find((row) => row.title.startsWith('Giá') || row.labels.length === 1);
    if (calm && !calm.labels.some((label) => label !== 'relevant')) expect(calm.recheckUntil).toBeNull();
  });
});
