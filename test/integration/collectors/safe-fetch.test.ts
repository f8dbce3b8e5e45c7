// safeFetch against real sockets: small HTTP servers on 127.0.0.1, exempted with allowHosts only
// where a test needs to reach them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { once } from 'node:events';
import zlib from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CollectorError, type CollectorErrorCode } from '../../../src/collectors/collector-error.ts';
import { safeFetch, type SafeFetchOptions } from '../../../src/collectors/safe-fetch.ts';

interface TestServer {
  url: string;
  port: number;
  requests: number;
  /** Resolves when every socket the server accepted has closed. */
  allSocketsClosed(): Promise<void>;
}

const servers: Server[] = [];

async function startServer(handler: (req: IncomingMessage, res: ServerResponse, server: TestServer) => void): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const state: TestServer = {
    url: '',
    port: 0,
    requests: 0,
    async allSocketsClosed() {
      // Not events.once: it rejects on the ECONNRESET the server socket sees when we hang up.
      await Promise.all([...sockets].map((s) => (s.closed ? undefined : new Promise((resolve) => s.on('close', resolve)))));
    },
  };
  const server = createServer((req, res) => {
    state.requests += 1;
    handler(req, res, state);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}`;
  return state;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const LOCAL: SafeFetchOptions = { allowHosts: ['127.0.0.1'], timeoutMs: 5000 };

async function fetchError(url: string, options: SafeFetchOptions): Promise<CollectorError> {
  const error = await safeFetch(url, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CollectorError);
  return error as CollectorError;
}

async function expectCode(url: string, options: SafeFetchOptions, code: CollectorErrorCode): Promise<CollectorError> {
  const error = await fetchError(url, options);
  expect(error.code, error.message).toBe(code);
  return error;
}

describe('safeFetch refuses non-public addresses unless allowed', () => {
  it.each([
    'http://127.0.0.1/',
    'http://10.0.0.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://017700000001/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[64:ff9b::7f00:1]/',
    'http://0.0.0.0/',
    'http://100.64.0.1/',
    'http://192.168.1.1:8080/',
    'http://[fd00::1]/',
  ])('refuses %s as blocked_address', async (url) => {
    await expectCode(url, { allowHosts: [], timeoutMs: 2000 }, 'blocked_address');
  });

  it('refuses a local server without connecting to it', async () => {
    const server = await startServer((_req, res) => res.end('secret'));
    await expectCode(`${server.url}/`, { allowHosts: [] }, 'blocked_address');
    await expectCode(`http://2130706433:${server.port}/`, { allowHosts: [] }, 'blocked_address');
    await expectCode(`http://0x7f.1:${server.port}/`, { allowHosts: [] }, 'blocked_address');
    expect(server.requests).toBe(0);
  });

  it('refuses a host name that resolves to loopback', async () => {
    await expectCode('http://localhost/', { allowHosts: [], timeoutMs: 2000 }, 'blocked_address');
  });

  it('refuses a redirect from an allowed host to a forbidden address', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    });
    await expectCode(`${server.url}/feed`, LOCAL, 'blocked_address');
  });

  it('re-checks each hop by name: a redirect to localhost is refused when only 127.0.0.1 is allowed', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/feed') res.writeHead(301, { location: `http://localhost:${server.port}/other` }).end();
      else res.end('reached');
    });
    await expectCode(`${server.url}/feed`, LOCAL, 'blocked_address');
    expect(server.requests).toBe(1);
  });

  it('fetches from a host name in allowHosts, connecting to the address it vetted', async () => {
    const server = await startServer((req, res) => res.end(`host=${req.headers.host}`));
    const result = await safeFetch(`http://localhost:${server.port}/x`, { allowHosts: ['localhost'], timeoutMs: 5000 });
    expect(result.body.toString()).toBe(`host=localhost:${server.port}`);
  });
});

describe('safeFetch refuses other schemes and bad URLs', () => {
  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'data:text/xml,<rss/>', 'ftp://example.com/feed.xml', 'gopher://example.com/'])(
    'refuses %s as bad_scheme',
    async (url) => {
      await expectCode(url, { allowHosts: [] }, 'bad_scheme');
    },
  );

  it('refuses a redirect to a file: URL as bad_scheme', async () => {
    const server = await startServer((_req, res) => res.writeHead(307, { location: 'file:///etc/passwd' }).end());
    await expectCode(`${server.url}/`, LOCAL, 'bad_scheme');
  });

  it.each(['not a url', '', 'http://', 'http://exa mple.com/'])('refuses %j as bad_url', async (url) => {
    await expectCode(url, { allowHosts: [] }, 'bad_url');
  });

  it('reports a name that does not resolve as dns_failed', async () => {
    await expectCode('http://duluan-test.invalid/', { allowHosts: [], timeoutMs: 10_000 }, 'dns_failed');
  });

  it('reports a refused connection as network', async () => {
    const server = await startServer((_req, res) => res.end());
    const port = server.port;
    for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
    await expectCode(`http://127.0.0.1:${port}/`, LOCAL, 'network');
  });
});

describe('safeFetch limits time and size', () => {
  it('gives up on a server that never answers with timeout, within the deadline, and closes the socket', async () => {
    const server = await startServer(() => {
      /* never respond */
    });
    const started = Date.now();
    await expectCode(`${server.url}/`, { ...LOCAL, timeoutMs: 300 }, 'timeout');
    expect(Date.now() - started).toBeLessThan(3000);
    await server.allSocketsClosed();
  });

  it('gives up on a body that trickles forever with timeout', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      const timer = setInterval(() => res.write('<'), 20);
      res.on('close', () => clearInterval(timer));
    });
    await expectCode(`${server.url}/`, { ...LOCAL, timeoutMs: 300 }, 'timeout');
    await server.allSocketsClosed();
  });

  it('stops reading an endless 1 GB body as soon as it passes maxBytes, without buffering it', { timeout: 20_000 }, async () => {
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      const pump = (): void => {
        while (sent < 1024 ** 3 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    const heapBefore = process.memoryUsage().heapUsed;
    const error = await expectCode(`${server.url}/`, { ...LOCAL, maxBytes: 2 * 1024 * 1024, timeoutMs: 15_000 }, 'too_large');
    expect(error.message).toMatch(/more than 2097152 bytes/);
    await server.allSocketsClosed();
    // Socket buffers let the server get a little ahead, but nowhere near the gigabyte it offered.
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over maxBytes before reading', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(1024 ** 3) });
      res.write('x');
    });
    await expectCode(`${server.url}/`, { ...LOCAL, maxBytes: 1024 }, 'too_large');
    await server.allSocketsClosed();
  });

  describe('decompression', () => {
    let bomb: Buffer;
    beforeAll(() => {
      // 100 MB of zeros gzips to about 100 KB: small on the wire, huge once inflated.
      bomb = zlib.gzipSync(Buffer.alloc(100 * 1024 * 1024), { level: 9 });
    });

    it('aborts a gzip bomb at the decompressed cap (defaults: 10 MB sent, 20 MB inflated)', async () => {
      expect(bomb.length).toBeLessThan(1024 * 1024);
      const server = await startServer((_req, res) => {
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/xml' }).end(bomb);
      });
      const error = await expectCode(`${server.url}/`, { allowHosts: ['127.0.0.1'] }, 'too_large');
      expect(error.message).toMatch(/decompresses to more than 20971520 bytes/);
      await server.allSocketsClosed();
    });

    it('aborts a gzip bomb streamed on the fly at a small decompressed cap', { timeout: 20_000 }, async () => {
      const server = await startServer((_req, res) => {
        res.writeHead(200, { 'content-encoding': 'gzip' });
        const gzip = zlib.createGzip();
        gzip.pipe(res);
        const zeros = Buffer.alloc(1024 * 1024);
        let written = 0;
        const pump = (): void => {
          while (written < 1024 && !res.destroyed) {
            written += 1;
            if (!gzip.write(zeros)) {
              gzip.once('drain', pump);
              return;
            }
          }
          gzip.end();
        };
        res.on('close', () => gzip.destroy());
        pump();
      });
      await expectCode(`${server.url}/`, { ...LOCAL, maxDecompressedBytes: 1024 * 1024 }, 'too_large');
      await server.allSocketsClosed();
    });

    it.each([
      ['gzip', (b: Buffer) => zlib.gzipSync(b)],
      ['deflate', (b: Buffer) => zlib.deflateSync(b)],
      ['br', (b: Buffer) => zlib.brotliCompressSync(b)],
    ] as const)('decompresses %s bodies', async (encoding, compress) => {
      const text = '<rss version="2.0"><channel><title>Tin giáo dục</title></channel></rss>';
      const server = await startServer((req, res) => {
        expect(req.headers['accept-encoding']).toBe('gzip, deflate, br');
        res.writeHead(200, { 'content-encoding': encoding }).end(compress(Buffer.from(text)));
      });
      const result = await safeFetch(`${server.url}/`, LOCAL);
      expect(result.body.toString('utf8')).toBe(text);
    });

    it('reports a body that does not decompress as decode_failed', async () => {
      const server = await startServer((_req, res) => {
        res.writeHead(200, { 'content-encoding': 'gzip' }).end(Buffer.from('definitely not gzip'));
      });
      await expectCode(`${server.url}/`, LOCAL, 'decode_failed');
    });
  });
});

describe('safeFetch follows redirects and speaks conditional GET', () => {
  it('follows redirects, resolving relative locations, and reports the hops and final URL', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/a') res.writeHead(301, { location: '/b' }).end();
      else if (req.url === '/b') res.writeHead(308, { location: `${server.url}/feed.xml?x=1` }).end();
      else res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end('<rss/>');
    });
    const result = await safeFetch(`${server.url}/a`, LOCAL);
    expect(result).toMatchObject({ status: 200, url: `${server.url}/feed.xml?x=1`, notModified: false });
    expect(result.redirects).toEqual([`${server.url}/a`, `${server.url}/b`]);
    expect(result.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    expect(result.body.toString()).toBe('<rss/>');
  });

  it('stops a redirect loop with too_many_redirects', async () => {
    const server = await startServer((req, res) => {
      res.writeHead(302, { location: req.url === '/a' ? '/b' : '/a' }).end();
    });
    await expectCode(`${server.url}/a`, LOCAL, 'too_many_redirects');
    expect(server.requests).toBe(6);
  });

  it('follows at most maxRedirects', async () => {
    const server = await startServer((req, res) => {
      const n = Number(req.url!.slice(1));
      if (n < 3) res.writeHead(303, { location: `/${n + 1}` }).end();
      else res.end('done');
    });
    expect((await safeFetch(`${server.url}/0`, { ...LOCAL, maxRedirects: 3 })).body.toString()).toBe('done');
    await expectCode(`${server.url}/0`, { ...LOCAL, maxRedirects: 2 }, 'too_many_redirects');
  });

  it('returns notModified with an empty body on 304 when the ETag matches', async () => {
    const server = await startServer((req, res) => {
      if (req.headers['if-none-match'] === '"v1"' && req.headers['if-modified-since'] === 'Thu, 05 Sep 2024 01:00:00 GMT') {
        res.writeHead(304, { etag: '"v1"' }).end();
      } else {
        res.writeHead(200, { etag: '"v1"', 'last-modified': 'Thu, 05 Sep 2024 01:00:00 GMT' }).end('<rss/>');
      }
    });
    const first = await safeFetch(`${server.url}/`, LOCAL);
    expect(first.notModified).toBe(false);
    expect(first.headers.etag).toBe('"v1"');
    const second = await safeFetch(`${server.url}/`, { ...LOCAL, etag: first.headers.etag, lastModified: first.headers['last-modified'] });
    expect(second).toMatchObject({ status: 304, notModified: true });
    expect(second.body.length).toBe(0);
  });

  it('sends the given Accept and User-Agent', async () => {
    const server = await startServer((req, res) => res.end(`${req.headers.accept}|${req.headers['user-agent']}`));
    const result = await safeFetch(`${server.url}/`, { ...LOCAL, accept: 'application/atom+xml', userAgent: 'duluan-test' });
    expect(result.body.toString()).toBe('application/atom+xml|duluan-test');
  });
});

describe('safeFetch reports HTTP errors with status and Retry-After', () => {
  it('reads Retry-After in seconds on 429', async () => {
    const server = await startServer((_req, res) => res.writeHead(429, { 'retry-after': '120' }).end('slow down'));
    const error = await expectCode(`${server.url}/`, LOCAL, 'http_status');
    expect(error.status).toBe(429);
    expect(error.retryAfter).toBe(120);
  });

  it('reads Retry-After as an HTTP date on 503', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(503, { 'retry-after': new Date(Date.now() + 90_000).toUTCString() }).end();
    });
    const error = await expectCode(`${server.url}/`, LOCAL, 'http_status');
    expect(error.status).toBe(503);
    expect(error.retryAfter).toBeGreaterThanOrEqual(85);
    expect(error.retryAfter).toBeLessThanOrEqual(90);
  });

  it('reports a 404 without Retry-After, and a redirect without Location as http_status', async () => {
    const server = await startServer((req, res) => res.writeHead(req.url === '/r' ? 302 : 404).end());
    const notFound = await expectCode(`${server.url}/`, LOCAL, 'http_status');
    expect(notFound).toMatchObject({ status: 404, retryAfter: undefined });
    expect(await expectCode(`${server.url}/r`, LOCAL, 'http_status')).toMatchObject({ status: 302 });
  });
});

describe('safeFetch cleans up', () => {
  it('leaves no TCP sockets open after timeouts, caps, redirects and HTTP errors', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/hang') return;
      if (req.url === '/big') {
        res.writeHead(200);
        const timer = setInterval(() => res.write(Buffer.alloc(64 * 1024)), 1);
        res.on('close', () => clearInterval(timer));
        return;
      }
      if (req.url === '/redirect') return void res.writeHead(302, { location: 'http://10.0.0.1/' }).end();
      res.writeHead(500).end('boom');
    });
    await expectCode(`${server.url}/hang`, { ...LOCAL, timeoutMs: 200 }, 'timeout');
    await expectCode(`${server.url}/big`, { ...LOCAL, maxBytes: 256 * 1024 }, 'too_large');
    await expectCode(`${server.url}/redirect`, LOCAL, 'blocked_address');
    await expectCode(`${server.url}/error`, LOCAL, 'http_status');
    await server.allSocketsClosed();
    for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP'))).toEqual([]);
  });
});
