// preview over HTTP: the charset, type and Content-Location the server sends decide how a
// feed is read, and one bad input never stops the others.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewInput } from '../../../src/collectors/preview.ts';

const routes: Record<string, { type: string; body: Buffer; headers?: Record<string, string>; status?: number }> = {
  '/html-typed': {
    type: 'text/html; charset=utf-8',
    body: Buffer.from('<?xml version="1.0"?><rss version="2.0"><channel><title>Trường</title><item><title>Lịch họp</title><link>/tin/1</link></item></channel></rss>'),
  },
  '/latin1': {
    type: 'application/rss+xml; charset=windows-1252',
    body: iconv.encode('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Café “Trà”</title></channel></rss>', 'windows-1252'),
  },
  '/moved-base': {
    type: 'application/atom+xml',
    headers: { 'content-location': 'https://example.vn/tin/' },
    body: Buffer.from('<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><entry><title>a</title><link href="bai-1"/><updated>2024-09-05T01:00:00+07:00</updated></entry></feed>'),
  },
  '/gone': { type: 'text/plain', body: Buffer.from('gone'), status: 410 },
};

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (route === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(route.status ?? 200, { 'content-type': route.type, ...route.headers });
    res.end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('previewInput over HTTP', () => {
  const options = { allowHosts: ['127.0.0.1'] };

  it('reads a feed served as text/html, resolving relative links against the URL', async () => {
    const result = await previewInput(`${base}/html-typed`, options);
    expect(result).toEqual({
      input: `${base}/html-typed`,
      feed: { title: 'Trường', link: null },
      items: [{ title: 'Lịch họp', link: `${base}/tin/1`, guid: null, published: null, author: null, summary: '' }],
    });
  });

  it('uses the header charset over the XML prolog', async () => {
    expect(await previewInput(`${base}/latin1`, options)).toMatchObject({ feed: { title: 'Café “Trà”' } });
  });

  it('resolves links against Content-Location and gives dates in UTC', async () => {
    expect(await previewInput(`${base}/moved-base`, options)).toMatchObject({
      items: [{ link: 'https://example.vn/tin/bai-1', published: '2024-09-04T18:00:00.000Z' }],
    });
  });

  it('answers each input in turn, a failing one with its error', async () => {
    const results = [];
    for (const path of ['/gone', '/html-typed', '/nothing']) results.push(await previewInput(`${base}${path}`, options));
    expect(results.map((r) => ('error' in r ? r.error.code : 'ok'))).toEqual(['http_status', 'ok', 'http_status']);
  });
});
