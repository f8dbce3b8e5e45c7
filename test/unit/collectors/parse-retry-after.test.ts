import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/collectors/parse-retry-after.ts';

describe('parseRetryAfter', () => {
  const now = new Date('2024-09-05T01:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date as seconds from now, never negative', () => {
    expect(parseRetryAfter('Thu, 05 Sep 2024 01:02:00 GMT', now)).toBe(120);
    expect(parseRetryAfter('Thu, 05 Sep 2024 00:00:00 GMT', now)).toBe(0);
  });

  it('returns undefined for missing or unreadable values', () => {
    for (const value of [undefined, '', '-5', '1.5', 'soon', 'in 5 minutes']) {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    }
  });
});
