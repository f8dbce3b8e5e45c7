// A loopback HTTP server whose routes misbehave the way real sources do; `setRoute` swaps answers.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { createGzip } from 'node:zlib';

export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

export interface HostileServer {
  origin: string;
  url(path: string): string;
  setRoute(path: string, handler: Handler): void;
  close(): Promise<void>;
}

/** Returns a handler answering with a fixed body and content type. */
export function respond(body: string | Buffer, contentType = 'application/rss+xml; charset=utf-8', status = 200): Handler {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': contentType });
    response.end(body);
  };
}

/** Returns a handler answering with a fixture file from test/fixtures/feeds. */
export function fixture(name: string, contentType?: string): Handler {
  return respond(readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url)), contentType);
}

/** Never answers: the socket stays open until the client gives up. */
export const neverAnswer: Handler = () => {};

/** Streams zeros forever (a "1 GB body"), stopping when the client disconnects. */
export const endlessBody: Handler = (_request, response) => {
  response.writeHead(200, { 'content-type': 'application/rss+xml' });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const pump = () => {
    while (!response.destroyed && response.write(chunk));
    if (!response.destroyed) response.once('drain', pump);
  };
  response.on('close', () => response.destroy());
  pump();
};

/** Sends a gzip stream that inflates to about 1 GB of spaces. */
export const gzipBomb: Handler = (_request, response) => {
  response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' });
  const gzip = createGzip();
  gzip.pipe(response);
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  let sent = 0;
  const pump = () => {
    while (sent < 1024 && !response.destroyed) {
      sent += 1;
      if (!gzip.write(chunk)) return gzip.once('drain', pump);
    }
    gzip.end();
  };
  response.on('close', () => gzip.destroy());
  pump();
};

/** Redirects to the location. */
export function redirectTo(location: string, status = 302): Handler {
  return (_request, response) => {
    response.writeHead(status, { location });
    response.end();
  };
}

/** Returns a started server on 127.0.0.1. */
export async function startHostileServer(): Promise<HostileServer> {
  const routes = new Map<string, Handler>();
  const server = createServer((request, response) => {
    const handler = routes.get((request.url ?? '/').split('?')[0]!);
    if (!handler) return respond('not found', 'text/plain', 404)(request, response);
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    origin,
    url: (path) => `${origin}${path}`,
    setRoute: (path, handler) => routes.set(path, handler),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
