// A fixed-window counter per key, kept in this process's memory.

/** Counts attempts per key; `hit` returns false once a key is over its limit in the window. */
export interface RateLimiter {
  hit(key: string, now?: number): boolean;
  reset(key: string): void;
  /** Returns the whole seconds until the key's current window ends (at least 1), for Retry-After. */
  retryAfterSeconds(key: string, now?: number): number;
}

/** Returns a limiter allowing `limit` hits per key in each window of `windowMs`. */
export function createRateLimiter(options: { limit: number; windowMs: number; maxKeys?: number }): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  const maxKeys = options.maxKeys ?? 10_000;
  return {
    hit(key, now = Date.now()) {
      let entry = windows.get(key);
      if (!entry || now - entry.start >= options.windowMs) {
        // Bounded memory: when full, forget the oldest window rather than grow without limit.
        if (!entry && windows.size >= maxKeys) windows.delete(windows.keys().next().value!);
        entry = { start: now, count: 0 };
        windows.set(key, entry);
      }
      entry.count += 1;
      return entry.count <= options.limit;
    },
    reset(key) {
      windows.delete(key);
    },
    retryAfterSeconds(key, now = Date.now()) {
      const entry = windows.get(key);
      const left = entry ? entry.start + options.windowMs - now : 0;
      return Math.max(1, Math.ceil(left / 1000));
    },
  };
}
