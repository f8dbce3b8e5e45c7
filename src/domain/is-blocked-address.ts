// Which IP addresses a fetch must never reach: anything that is not the public internet.
// Server-side request forgery goes for loopback, private networks and the cloud metadata
// address, directly or hidden inside IPv6 forms that carry an IPv4 address.
import { isIP } from 'node:net';

type Ipv4Range = readonly [base: number, prefixLength: number];

const BLOCKED_IPV4: readonly Ipv4Range[] = [
  [ipv4('0.0.0.0'), 8], // "this network"
  [ipv4('10.0.0.0'), 8], // private
  [ipv4('100.64.0.0'), 10], // carrier-grade NAT
  [ipv4('127.0.0.0'), 8], // loopback
  [ipv4('169.254.0.0'), 16], // link-local, incl. 169.254.169.254 cloud metadata
  [ipv4('172.16.0.0'), 12], // private
  [ipv4('192.0.0.0'), 24], // IETF protocol assignments
  [ipv4('192.0.2.0'), 24], // documentation
  [ipv4('192.88.99.0'), 24], // 6to4 relay anycast
  [ipv4('192.168.0.0'), 16], // private
  [ipv4('198.18.0.0'), 15], // benchmarking
  [ipv4('198.51.100.0'), 24], // documentation
  [ipv4('203.0.113.0'), 24], // documentation
  [ipv4('224.0.0.0'), 4], // multicast
  [ipv4('240.0.0.0'), 4], // reserved, incl. broadcast
];

/** Returns true when `address` (an IPv4 or IPv6 literal) is not a public unicast address; unparseable input counts as blocked. */
export function isBlockedAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const version = isIP(bare);
  if (version === 4) return isBlockedIpv4(ipv4(bare));
  if (version === 6) return isBlockedIpv6(bare);
  return true;
}

function isBlockedIpv4(value: number): boolean {
  return BLOCKED_IPV4.some(([base, prefixLength]) => {
    const mask = prefixLength === 0 ? 0 : (~0 << (32 - prefixLength)) >>> 0;
    return ((value & mask) >>> 0) === base;
  });
}

function isBlockedIpv6(text: string): boolean {
  const h = ipv6Hextets(text);
  if (h === null) return true;
  const embeddedLow = ((h[6]! << 16) | h[7]!) >>> 0;
  const firstSixZero = h.slice(0, 6).every((x) => x === 0);
  // ::/96 covers :: (unspecified), ::1 (loopback) and the deprecated IPv4-compatible form.
  if (firstSixZero) return true;
  // ::ffff:0:0/96 IPv4-mapped, and ::ffff:0:0:0/96 IPv4-translated: judge the IPv4 inside.
  if (h.slice(0, 5).every((x) => x === 0) && h[5] === 0xffff) return isBlockedIpv4(embeddedLow);
  if (h.slice(0, 4).every((x) => x === 0) && h[4] === 0xffff && h[5] === 0) return isBlockedIpv4(embeddedLow);
  // 64:ff9b::/96 well-known NAT64 prefix: judge the IPv4 inside.
  if (h[0] === 0x64 && h[1] === 0xff9b && h.slice(2, 6).every((x) => x === 0)) return isBlockedIpv4(embeddedLow);
  // 64:ff9b:1::/48 local-use NAT64: the IPv4 inside may be anything, so refuse the whole prefix.
  if (h[0] === 0x64 && h[1] === 0xff9b && h[2] === 1) return true;
  // 2002::/16 6to4: the IPv4 sits in the second and third hextets.
  if (h[0] === 0x2002) return isBlockedIpv4(((h[1]! << 16) | h[2]!) >>> 0);
  // 2001::/32 Teredo hides an obfuscated client address; 2001:db8::/32 is documentation.
  if (h[0] === 0x2001 && (h[1] === 0 || h[1] === 0x0db8)) return true;
  // 100::/64 discard-only.
  if (h[0] === 0x0100 && h[1] === 0 && h[2] === 0 && h[3] === 0) return true;
  if ((h[0]! & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((h[0]! & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((h[0]! & 0xffc0) === 0xfec0) return true; // fec0::/10 site-local (deprecated)
  if ((h[0]! & 0xff00) === 0xff00) return true; // ff00::/8 multicast
  return false;
}

function ipv4(text: string): number {
  const parts = text.split('.').map(Number);
  return (((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0);
}

// Expands an IPv6 literal (possibly with a zone id or a trailing dotted IPv4) to 8 numbers.
function ipv6Hextets(text: string): number[] | null {
  let rest = text.split('%')[0]!.toLowerCase();
  const tail: number[] = [];
  const dotted = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(rest);
  if (dotted) {
    const v4 = ipv4(dotted[1]!);
    tail.push(v4 >>> 16, v4 & 0xffff);
    rest = rest.slice(0, -dotted[1]!.length);
    if (rest.endsWith(':') && !rest.endsWith('::')) rest = rest.slice(0, -1);
  }
  const halves = rest.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((x) => parseInt(x, 16)));
  const head = parse(halves[0]!);
  const after = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - after.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
  const all = [...head, ...new Array<number>(missing).fill(0), ...after, ...tail];
  return all.length === 8 && all.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffff) ? all : null;
}
