// How a source is doing, as staff see it on the sources page.
import type { Source } from './source.ts';

export const SOURCE_STATES = ['ok', 'never_fetched', 'degraded', 'paused', 'disabled'] as const;
export type SourceState = (typeof SOURCE_STATES)[number];

/** Failures in a row after which a source is shown as degraded. */
export const DEGRADED_AFTER_FAILURES = 3;
/** Continuous failure after which a source is paused: tried once a day until staff fetch it. */
export const PAUSED_AFTER_MS = 3 * 24 * 3600_000;
/** The longest wait between tries of a failing source that is not paused. */
export const MAX_BACKOFF_MS = 6 * 3600_000;
/** How often a paused source is still tried. */
export const PAUSED_RETRY_MS = 24 * 3600_000;
/** The longest Retry-After honoured; a server asking for more is tried again after this. */
export const MAX_RETRY_AFTER_MS = 7 * 24 * 3600_000;

/**
 * Returns the source's state at `now`. A source that has worked is degraded only after
 * DEGRADED_AFTER_FAILURES failures in a row (one bad fetch is often passing); one that never has is
 * degraded from its first failure, so a wrong address is not shown as healthy.
 */
export function sourceState(source: Pick<Source, 'enabled' | 'consecutiveFailures' | 'failingSince' | 'lastSuccessAt' | 'lastErrorAt'>, now: Date): SourceState {
  if (!source.enabled) return 'disabled';
  if (source.consecutiveFailures > 0 && source.failingSince && now.getTime() - source.failingSince.getTime() >= PAUSED_AFTER_MS) {
    return 'paused';
  }
  if (source.consecutiveFailures >= DEGRADED_AFTER_FAILURES) return 'degraded';
  // A source that has never worked has no good run to fall back on: its first failure already shows.
  if (source.consecutiveFailures > 0 && !source.lastSuccessAt) return 'degraded';
  if (!source.lastSuccessAt && !source.lastErrorAt) return 'never_fetched';
  return 'ok';
}

/**
 * Returns when a source that just failed should be tried again: exponential backoff from its
 * interval, capped; a paused source once a day; never sooner than the server's Retry-After.
 */
export function nextTryAfterFailure(
  source: Pick<Source, 'pollIntervalSeconds' | 'consecutiveFailures' | 'failingSince'>,
  now: Date,
  retryAfterSeconds: number | undefined,
  random: () => number = Math.random,
): Date {
  const failures = source.consecutiveFailures + 1;
  const failingSince = source.failingSince ?? now;
  const paused = now.getTime() - failingSince.getTime() >= PAUSED_AFTER_MS;
  const backoff = paused ? PAUSED_RETRY_MS : Math.min(source.pollIntervalSeconds * 1000 * 2 ** (failures - 1), MAX_BACKOFF_MS);
  const retryAfter = Math.min((retryAfterSeconds ?? 0) * 1000, MAX_RETRY_AFTER_MS);
  return new Date(now.getTime() + Math.max(withJitter(backoff, random), retryAfter));
}

/** Returns when a source that just succeeded should be fetched again: its interval plus jitter. */
export function nextTryAfterSuccess(source: Pick<Source, 'pollIntervalSeconds'>, now: Date, random: () => number = Math.random): Date {
  return new Date(now.getTime() + withJitter(source.pollIntervalSeconds * 1000, random));
}

// Up to 10 % later, so sources added together do not fetch in lock-step forever.
function withJitter(ms: number, random: () => number): number {
  return Math.round(ms * (1 + random() * 0.1));
}
