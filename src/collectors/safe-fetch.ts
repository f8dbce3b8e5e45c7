// The only network code of the project. Every URL comes from outside (admins type them, feeds
// redirect), so each hop is checked: scheme, resolved addresses, size, time. We connect to the
// exact address we vetted, so a DNS answer that changes between check and connect (rebinding)
// cannot steer us elsewhere.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage, type ClientRequest } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { CollectorError } from './collector-error.ts';
import { isBlockedAddress } from '../domain/is-blocked-address.ts';
import { parseRetryAfter } from './parse-retry-after.ts';

export interface SafeFetchOptions {
  /** Host names or IP literals exempt from the address check, e.g. '127.0.0.1' in tests. */
  allowHosts: readonly string[];
  /** Total deadline in ms, covering DNS, redirects and the body. Default 15000. */
  timeoutMs?: number;
  /** Cap on the body as sent (compressed). Default 10 MB. */
  maxBytes?: number;
  /** Cap on the body after decompression. Default 20 MB. */
  maxDecompressedBytes?: number;
  /** Redirects followed before giving up. Default 5. */
  maxRedirects?: number;
  etag?: string;
  lastModified?: string;
  accept?: string;
  userAgent?: string;
}

export interface SafeFetchResult {
  status: number;
  /** The final URL, after redirects. */
  url: string;
  /** Every URL that answered with a redirect, in order. */
  redirects: string[];
  /** Response headers, lower-case names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  /** The decompressed body; empty when notModified. */
  body: Buffer;
  notModified: boolean;
}

export const SAFE_FETCH_DEFAULTS = {
  timeoutMs: 15_000,
  maxBytes: 10 * 1024 * 1024,
  maxDecompressedBytes: 20 * 1024 * 1024,
  maxRedirects: 5,
  accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5',
  userAgent: 'duluan/0.1 (+ward news monitor)',
} as const;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

interface VettedTarget {
  url: URL;
  /** Every address the host resolved to, all checked; the socket may connect only to these. */
  addresses: LookupAddress[];
}

/** Returns the response to a GET of `url` after following redirects, refusing non-public addresses, oversized bodies and slow servers. */
export async function safeFetch(url: string, options: SafeFetchOptions): Promise<SafeFetchResult> {
  const timeoutMs = options.timeoutMs ?? SAFE_FETCH_DEFAULTS.timeoutMs;
  const maxRedirects = options.maxRedirects ?? SAFE_FETCH_DEFAULTS.maxRedirects;
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new CollectorError('timeout', `Request to ${url} took longer than ${timeoutMs} ms`));
  }, timeoutMs);
  timer.unref();
  const redirects: string[] = [];
  try {
    let current = parseHttpUrl(url);
    for (;;) {
      const target = await vetTarget(current, options.allowHosts, controller.signal);
      const response = await sendRequest(target, options, controller.signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECT_STATUSES.has(status) && location !== undefined) {
        response.destroy();
        redirects.push(current.href);
        if (redirects.length > maxRedirects) {
          throw new CollectorError('too_many_redirects', `More than ${maxRedirects} redirects starting at ${url}`);
        }
        current = parseHttpUrl(location, current);
        continue;
      }
      const headers = flattenHeaders(response);
      if (status === 304) {
        response.destroy();
        return { status, url: current.href, redirects, headers, body: Buffer.alloc(0), notModified: true };
      }
      if (status < 200 || status > 299) {
        response.destroy();
        throw new CollectorError('http_status', `${current.href} answered HTTP ${status}`, {
          status,
          retryAfter: parseRetryAfter(headers['retry-after']),
        });
      }
      const body = await readBody(response, current.href, options, controller.signal);
      return { status, url: current.href, redirects, headers, body, notModified: false };
    }
  } catch (error) {
    throw toCollectorError(error, controller.signal, url);
  } finally {
    clearTimeout(timer);
  }
}

function parseHttpUrl(raw: string, base?: URL): URL {
  let parsed: URL;
  try {
    parsed = base === undefined ? new URL(raw) : new URL(raw, base);
  } catch (cause) {
    throw new CollectorError('bad_url', `Not a valid URL: ${raw.slice(0, 200)}`, { cause });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CollectorError('bad_scheme', `Only http and https are fetched, not ${parsed.protocol}`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // Credentials in URLs end up in logs; sources needing them are not supported.
    throw new CollectorError('bad_url', `URLs with credentials are not fetched: ${parsed.host}`);
  }
  return parsed;
}

function bareHost(hostname: string): string {
  const lower = hostname.toLowerCase().replace(/\.$/, '');
  return lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
}

async function vetTarget(url: URL, allowHosts: readonly string[], signal: AbortSignal): Promise<VettedTarget> {
  const host = bareHost(url.hostname);
  const allowed = allowHosts.some((h) => bareHost(h) === host);
  let addresses: LookupAddress[];
  const literal = isIP(host);
  if (literal !== 0) {
    addresses = [{ address: host, family: literal }];
  } else {
    addresses = await resolveAll(host, signal);
  }
  if (!allowed) {
    const blocked = addresses.find((a) => isBlockedAddress(a.address));
    if (blocked !== undefined) {
      throw new CollectorError('blocked_address', `${url.host} resolves to a non-public address (${blocked.address})`);
    }
  }
  return { url, addresses };
}

function resolveAll(host: string, signal: AbortSignal): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => {
      signal.removeEventListener('abort', onAbort);
      if (error !== null || addresses.length === 0) {
        reject(new CollectorError('dns_failed', `Could not resolve ${host}`, { cause: error ?? undefined }));
      } else {
        resolve(addresses);
      }
    });
  });
}

function sendRequest(target: VettedTarget, options: SafeFetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
  const headers: Record<string, string> = {
    accept: options.accept ?? SAFE_FETCH_DEFAULTS.accept,
    'user-agent': options.userAgent ?? SAFE_FETCH_DEFAULTS.userAgent,
    'accept-encoding': 'gzip, deflate, br',
    connection: 'close',
  };
  if (options.etag !== undefined) headers['if-none-match'] = options.etag;
  if (options.lastModified !== undefined) headers['if-modified-since'] = options.lastModified;
  // Hand back the vetted addresses whatever the name; Node asks with all:true when
  // autoSelectFamily (happy eyeballs) is on, and then tries each in turn.
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    const first = target.addresses[0]!;
    if ((lookupOptions as { all?: boolean }).all === true) {
      (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, target.addresses);
    } else {
      callback(null, first.address, first.family);
    }
  };
  const { url } = target;
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let request: ClientRequest;
    try {
      request = transport.request({
        protocol: url.protocol,
        hostname: bareHost(url.hostname),
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers,
        lookup,
        agent: false,
        signal,
      });
    } catch (cause) {
      reject(new CollectorError('network', `Could not start a request to ${url.host}`, { cause }));
      return;
    }
    request.once('response', resolve);
    // `on`, not `once`: a socket can fail again after the response arrived, and an unheard
    // 'error' event would crash the process.
    request.on('error', (cause) => {
      request.destroy();
      reject(cause);
    });
    request.end();
  });
}

function flattenHeaders(response: IncomingMessage): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

async function readBody(response: IncomingMessage, url: string, options: SafeFetchOptions, signal: AbortSignal): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? SAFE_FETCH_DEFAULTS.maxBytes;
  const maxDecompressed = options.maxDecompressedBytes ?? SAFE_FETCH_DEFAULTS.maxDecompressedBytes;
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw new CollectorError('too_large', `${url} declares ${declared} bytes, over the ${maxBytes} byte cap`);
  }
  const encoding = (response.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  let sent = 0;
  async function* countSent(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      if (typeof chunk === 'string') throw new TypeError('response stream yielded text, expected bytes');
      sent += chunk.length;
      if (sent > maxBytes) throw new CollectorError('too_large', `${url} sent more than ${maxBytes} bytes`);
      yield chunk;
    }
  }
  const chunks: Buffer[] = [];
  let kept = 0;
  async function collect(source: AsyncIterable<Buffer | string>): Promise<void> {
    for await (const item of source) {
      const chunk = typeof item === 'string' ? Buffer.from(item) : item;
      kept += chunk.length;
      if (kept > maxDecompressed) {
        throw new CollectorError('too_large', `${url} decompresses to more than ${maxDecompressed} bytes`);
      }
      chunks.push(chunk);
    }
  }
  try {
    if (encoding === 'identity' || encoding === '') {
      await pipeline(response, countSent, collect, { signal });
    } else {
      await pipeline(response, countSent, createDecompressor(encoding, url), collect, { signal });
    }
  } catch (error) {
    response.destroy();
    if (error instanceof CollectorError || signal.aborted) throw error;
    if (isZlibError(error)) {
      throw new CollectorError('decode_failed', `${url} sent a body that does not decompress as ${encoding}`, { cause: error });
    }
    throw error;
  }
  return Buffer.concat(chunks, kept);
}

function createDecompressor(encoding: string, url: string): NodeJS.ReadWriteStream {
  // Flush modes let a truncated but otherwise valid stream yield what it holds.
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(flush);
    case 'deflate':
      // zlib-wrapped deflate, as RFC 9110 says; raw deflate from very old servers fails as decode_failed.
      return zlib.createInflate(flush);
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      throw new CollectorError('decode_failed', `${url} uses an unsupported content-encoding: ${encoding}`);
  }
}

function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR__') || code.startsWith('ERR_BROTLI'));
}

function toCollectorError(error: unknown, signal: AbortSignal, url: string): CollectorError {
  if (signal.aborted && signal.reason instanceof CollectorError) return signal.reason;
  if (error instanceof CollectorError) return error;
  return new CollectorError('network', `Fetching ${url} failed: ${(error as Error | undefined)?.message ?? String(error)}`, { cause: error });
}
