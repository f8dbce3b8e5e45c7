import { describe, expect, it } from 'vitest';
import {
  MAX_BACKOFF_MS,
  PAUSED_AFTER_MS,
  PAUSED_RETRY_MS,
  nextTryAfterFailure,
  sourceState,
} from '../../../src/domain/source-state.ts';

const now = new Date('2026-11-28T00:00:00Z');
const healthy = { enabled: true, consecutiveFailures: 0, failingSince: null, lastSuccessAt: now, lastErrorAt: null };

describe('sourceState', () => {
  it('is degraded after three failures and paused only after days of continuous failure', () => {
    expect(sourceState(healthy, now)).toBe('ok');
    expect(sourceState({ ...healthy, consecutiveFailures: 2, failingSince: now }, now)).toBe('ok');
    expect(sourceState({ ...healthy, consecutiveFailures: 3, failingSince: now }, now)).toBe('degraded');
    const longAgo = new Date(now.getTime() - PAUSED_AFTER_MS);
    expect(sourceState({ ...healthy, consecutiveFailures: 40, failingSince: longAgo }, now)).toBe('paused');
    expect(sourceState({ ...healthy, enabled: false }, now)).toBe('disabled');
    expect(sourceState({ ...healthy, lastSuccessAt: null }, now)).toBe('never_fetched');
  });
});

describe('sourceState of a source that never succeeded', () => {
  const fresh = { enabled: true, consecutiveFailures: 0, failingSince: null, lastSuccessAt: null, lastErrorAt: null };

  it('is never fetched before its first try, and degraded from its first failure', () => {
    expect(sourceState(fresh, now)).toBe('never_fetched');
    expect(sourceState({ ...fresh, consecutiveFailures: 1, failingSince: now, lastErrorAt: now }, now)).toBe('degraded');
    // Once it has worked, one failure is not yet degraded.
    expect(sourceState({ ...fresh, consecutiveFailures: 1, failingSince: now, lastErrorAt: now, lastSuccessAt: now }, now)).toBe('ok');
    expect(sourceState({ ...fresh, enabled: false, consecutiveFailures: 1, lastErrorAt: now }, now)).toBe('disabled');
  });
});

describe('nextTryAfterFailure', () => {
  const source = { pollIntervalSeconds: 600, consecutiveFailures: 0, failingSince: null };
  const noJitter = () => 0;

  it('doubles the wait with each failure up to a cap', () => {
    const waits = [0, 1, 2, 3, 10].map(
      (failures) => nextTryAfterFailure({ ...source, consecutiveFailures: failures, failingSince: now }, now, undefined, noJitter).getTime() - now.getTime(),
    );
    expect(waits.slice(0, 4)).toEqual([600_000, 1_200_000, 2_400_000, 4_800_000]);
    expect(waits[4]).toBe(MAX_BACKOFF_MS);
  });

  it('never comes before Retry-After, and tries a paused source once a day', () => {
    expect(nextTryAfterFailure(source, now, 7200, noJitter).getTime() - now.getTime()).toBe(7_200_000);
    const paused = { ...source, consecutiveFailures: 50, failingSince: new Date(now.getTime() - PAUSED_AFTER_MS - 1) };
    expect(nextTryAfterFailure(paused, now, undefined, noJitter).getTime() - now.getTime()).toBe(PAUSED_RETRY_MS);
  });
});
