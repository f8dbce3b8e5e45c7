// Serves the demo feeds on loopback, with ETags, so the whole flow works offline.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_FEEDS_DIR = fileURLToPath(new URL('./feeds/', import.meta.url));

export interface FeedServer {
  /** Returns the URL of a feed file served by this server. */
  urlOf(file: string): string;
  files: string[];
  close(): Promise<void>;
}

/** Returns a started HTTP server on 127.0.0.1 serving the .xml files of a directory. */
export async function startFeedServer(dir = DEMO_FEEDS_DIR, port = 0): Promise<FeedServer> {
  const files = readdirSync(dir).filter((name) => name.endsWith('.xml')).sort();
  const server: Server = createServer((request, response) => {
    const name = decodeURIComponent((request.url ?? '/').split('?')[0]!.slice(1));
    if (!files.includes(name)) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const body = readFileSync(join(dir, name));
    const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, { etag }).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    files,
    urlOf: (file) => `http://127.0.0.1:${actualPort}/${encodeURIComponent(file)}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
