// Many generated RSS feeds on loopback (realistic Vietnamese education news), with ETags that
// answer 304 when nothing changed, and optionally a body that trickles out slowly so a test can
// act while a worker is in the middle of a fetch.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { generateItems } from '../../bench/generate-items.ts';
import { createRandom } from '../../bench/seeded-random.ts';

export interface FeedFarm {
  /** Returns the URL of feed `index` (0-based). */
  urlOf(index: number): string;
  /** The guids feed `index` carries. */
  guidsOf(index: number): string[];
  readonly stats: { requests: number; full: number; notModified: number; inFlight: number };
  /** Whether a matching If-None-Match gets 304 (true) or the whole feed again (false). */
  conditional: boolean;
  /** Milliseconds over which each full body is sent (0: at once). */
  trickleMs: number;
  /** Resolves when a request for a full body has started and is still being sent. */
  waitForInFlight(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Returns a started server with `feeds` feeds of `itemsPerFeed` items each. */
export async function startFeedFarm(options: {
  feeds: number;
  itemsPerFeed: number;
  seed?: number;
  trickleMs?: number;
  conditional?: boolean;
}): Promise<FeedFarm> {
  const random = createRandom(options.seed ?? 42);
  const generated = generateItems(random, [0], 0, options.feeds * options.itemsPerFeed, new Date());
  const bodies: Buffer[] = [];
  const etags: string[] = [];
  const guids: string[][] = [];
  for (let feed = 0; feed < options.feeds; feed += 1) {
    const entries: string[] = [];
    const feedGuids: string[] = [];
    for (let n = 0; n < options.itemsPerFeed; n += 1) {
      const item = generated[feed * options.itemsPerFeed + n]!;
      const guid = `urn:duluan-farm:${options.seed ?? 42}:${feed}:${n}`;
      feedGuids.push(guid);
      entries.push(
        [
          '<item>',
          `<title>${escapeXml(item.title)}</title>`,
          `<link>https://bao-giao-duc.example.vn/tin/${feed}/${n}-${encodeURIComponent(item.title.slice(0, 20))}.html</link>`,
          `<guid isPermaLink="false">${guid}</guid>`,
          item.publishedAt ? `<pubDate>${item.publishedAt.toUTCString()}</pubDate>` : '',
          item.author ? `<dc:creator>${escapeXml(item.author)}</dc:creator>` : '',
          `<description>${escapeXml(item.body)}</description>`,
          '</item>',
        ].join(''),
      );
    }
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>' +
      `<title>Báo Giáo dục ${feed}</title><link>https://bao-giao-duc.example.vn/${feed}</link>` +
      `<description>Tin giáo dục phường, nguồn ${feed}</description>` +
      entries.join('\n') +
      '</channel></rss>\n';
    const body = Buffer.from(xml, 'utf8');
    bodies.push(body);
    etags.push(`"${createHash('sha1').update(body).digest('hex')}"`);
    guids.push(feedGuids);
  }

  const stats = { requests: 0, full: 0, notModified: 0, inFlight: 0 };
  const inFlightWaiters: Array<() => void> = [];
  const farm = {
    conditional: options.conditional ?? true,
    trickleMs: options.trickleMs ?? 0,
  };
  const server: Server = createServer((request, response) => {
    stats.requests += 1;
    const match = /^\/f\/(\d+)\.xml$/.exec((request.url ?? '').split('?')[0]!);
    const index = match ? Number(match[1]) : -1;
    const body = bodies[index];
    if (!body) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const etag = etags[index]!;
    if (farm.conditional && request.headers['if-none-match'] === etag) {
      stats.notModified += 1;
      response.writeHead(304, { etag }).end();
      return;
    }
    stats.full += 1;
    response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag, 'content-length': body.length });
    if (farm.trickleMs <= 0) {
      response.end(body);
      return;
    }
    // Ten slices spread over trickleMs: the fetch is in progress the whole time.
    stats.inFlight += 1;
    for (const wake of inFlightWaiters.splice(0)) wake();
    const slices = 10;
    const size = Math.ceil(body.length / slices);
    let sent = 0;
    const timer = setInterval(() => {
      if (response.destroyed) {
        clearInterval(timer);
        stats.inFlight -= 1;
        return;
      }
      response.write(body.subarray(sent * size, (sent + 1) * size));
      sent += 1;
      if (sent >= slices) {
        clearInterval(timer);
        stats.inFlight -= 1;
        response.end();
      }
    }, farm.trickleMs / slices);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return Object.assign(farm, {
    urlOf: (index: number) => `http://127.0.0.1:${port}/f/${index}.xml`,
    guidsOf: (index: number) => guids[index]!,
    stats,
    waitForInFlight(timeoutMs = 20_000) {
      if (stats.inFlight > 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no feed request in flight')), timeoutMs);
        inFlightWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
