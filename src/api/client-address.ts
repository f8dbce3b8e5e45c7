// Who is asking: the client's address for rate limits. The socket's address is the truth; a
// proxy's X-Forwarded-For is believed only when the socket belongs to a proxy the ward configured
// (TRUSTED_PROXIES), because anyone can send that header.
import { BlockList, isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { MiddlewareHandler } from 'hono';
import type { AppContext, AppEnv } from './context.ts';
import { ApiError } from './errors.ts';
import type { RateLimiter } from './rate-limit.ts';

/** What an address is called when the socket gives none (in-process requests). */
const UNKNOWN_ADDRESS = 'unknown';

/** Returns the address without an IPv4-mapped IPv6 prefix, brackets or port; null when it is no IP address. */
export function normalizeAddress(value: string | undefined | null): string | null {
  if (!value) return null;
  let address = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  address = address.toLowerCase();
  // Zone ids (fe80::1%eth0) name an interface, not a client.
  const zone = address.indexOf('%');
  if (zone >= 0) address = address.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) address = mapped[1]!;
  return isIP(address) === 0 ? null : address;
}

function parseEntry(entry: string): { address: string; family: 'ipv4' | 'ipv6'; prefix: number | null } | null {
  const [rawAddress, rawPrefix, extra] = entry.trim().split('/');
  if (extra !== undefined) return null;
  const address = normalizeAddress(rawAddress);
  if (!address) return null;
  const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
  if (rawPrefix === undefined) return { address, family, prefix: null };
  if (!/^\d{1,3}$/.test(rawPrefix)) return null;
  const prefix = Number(rawPrefix);
  if (prefix > (family === 'ipv4' ? 32 : 128)) return null;
  return { address, family, prefix };
}

/** Finds the client address of a request from its socket address and X-Forwarded-For header. */
export interface AddressResolver {
  resolve(socketAddress: string | undefined, forwardedFor: string | undefined): string;
  isTrusted(address: string): boolean;
}

/** Returns a resolver trusting X-Forwarded-For only from the listed proxies (IPs or CIDR blocks). */
export function createAddressResolver(trustedProxies: readonly string[] = []): AddressResolver {
  const trusted = new BlockList();
  for (const entry of trustedProxies) {
    const parsed = parseEntry(entry);
    if (!parsed) throw new Error(`config: TRUSTED_PROXIES entry is not an IP address or CIDR block: ${entry}`);
    if (parsed.prefix === null) trusted.addAddress(parsed.address, parsed.family);
    else trusted.addSubnet(parsed.address, parsed.prefix, parsed.family);
  }
  const isTrusted = (address: string) => {
    const family = isIP(address);
    return family !== 0 && trusted.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
  return {
    isTrusted,
    resolve(socketAddress, forwardedFor) {
      const socket = normalizeAddress(socketAddress);
      if (!socket) return UNKNOWN_ADDRESS;
      if (!isTrusted(socket) || !forwardedFor) return socket;
      // Each proxy appends the address it was reached from: walking from the right, the first
      // address that is not one of our proxies is the client. Anything left of it was written by
      // the client and proves nothing.
      let client = socket;
      const hops = forwardedFor.split(',');
      for (let i = hops.length - 1; i >= 0; i--) {
        const hop = normalizeAddress(hops[i]);
        // Garbage a trusted proxy passed on: stop at the last address we could read.
        if (!hop) break;
        client = hop;
        if (!isTrusted(hop)) break;
      }
      return client;
    },
  };
}

/** Returns the request's client address as the app's resolver sees it. */
export function clientAddress(c: AppContext, resolver: AddressResolver): string {
  let socket: string | undefined;
  try {
    socket = getConnInfo(c).remote.address;
  } catch {
    // In-process requests (tests, app.request) have no socket.
    socket = undefined;
  }
  return resolver.resolve(socket, c.req.header('x-forwarded-for'));
}

/** Returns the rate-limit key of an address: IPv6 clients are counted per /64, which one household or phone gets. */
export function rateKeyOf(address: string): string {
  if (isIP(address) !== 6) return address;
  const groups = expandIpv6(address);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : address;
}

function expandIpv6(address: string): string[] | null {
  let text = address;
  // An embedded IPv4 tail (::ffff:1.2.3.4 that is not mapped, 64:ff9b::1.2.3.4) as two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (missing < 0) return null;
  const groups = text.includes('::') ? [...left, ...Array<string>(missing).fill('0'), ...right] : left;
  return groups.length === 8 ? groups.map((group) => group.replace(/^0+(?=.)/, '')) : null;
}

/**
 * What a limited route answers instead of the 429 error, given the seconds until the limit lifts
 * (a page form drawn again with what was typed); null keeps the 429 error (JSON routes).
 */
export type LimitedAnswer = (c: AppContext, retryAfterSeconds: number) => Response | null | Promise<Response | null>;

/**
 * Returns middleware counting each request against the limiter under `keyOf(c, address)`;
 * a key over its limit gets 429 with Retry-After. `keyOf` returning null skips the count.
 * `onLimited` may answer the refused request itself (still 429, still Retry-After); the route
 * behind is never run, so nothing is stored.
 */
export function limitRequests(
  limiter: RateLimiter,
  resolver: AddressResolver,
  keyOf: (c: AppContext, address: string) => string | null = (_c, address) => rateKeyOf(address),
  onLimited?: LimitedAnswer,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = keyOf(c, clientAddress(c, resolver));
    if (key !== null && !limiter.hit(key)) {
      const retryAfter = limiter.retryAfterSeconds(key);
      c.header('Retry-After', String(retryAfter));
      const answer = onLimited ? await onLimited(c, retryAfter) : null;
      if (answer) return answer;
      throw new ApiError(429, 'rate_limited');
    }
    await next();
  };
}
