// Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3).

/** Returns the number of seconds a Retry-After header value asks for, or undefined when unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date = new Date()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return Number.isSafeInteger(seconds) ? seconds : undefined;
  }
  // Only accept something that looks like a date: Date.parse alone would take "5 minutes"-like junk.
  if (!/[A-Za-z]{3}/.test(trimmed) || !/\d{4}/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
