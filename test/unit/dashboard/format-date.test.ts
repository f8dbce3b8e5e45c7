import { describe, expect, it } from 'vitest';
import { formatDate } from '../../../dashboard/i18n/messages.ts';
import { TIME_ZONE } from '../../../src/domain/local-time.ts';

// The reference: what the time-zone database says the wall clock in Ho Chi Minh City showed.
const REFERENCE = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function reference(date: Date): string {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of REFERENCE.formatToParts(date)) parts[part.type] = part.value;
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

describe('formatDate against the time-zone database', () => {
  it('agrees on 20,000 instants from 1900 to 2200, including before Vietnam settled on UTC+7', () => {
    // A fixed linear congruential sequence: the same instants on every run.
    let state = 12345;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const from = Date.UTC(1900, 0, 1);
    const to = Date.UTC(2200, 0, 1);
    for (let i = 0; i < 20_000; i++) {
      const date = new Date(Math.floor(from + next() * (to - from)));
      expect(formatDate(date, i % 2 ? 'vi' : 'en'), date.toISOString()).toBe(reference(date));
    }
  });

  it('agrees around midnight, month and year ends, and leap days', () => {
    for (const iso of [
      '1975-06-12T16:00:00Z', '1975-12-31T16:59:59Z', '1976-01-01T00:00:00Z', '2024-02-28T17:00:00Z',
      '2024-02-29T16:59:00Z', '2025-12-31T16:59:59.999Z', '2025-12-31T17:00:00Z', '2000-02-29T17:00:00Z',
    ]) {
      const date = new Date(iso);
      expect(formatDate(date, 'vi'), iso).toBe(reference(date));
    }
    expect(formatDate(new Date('2025-12-31T17:00:00Z'), 'vi')).toBe('01/01/2026 00:00');
  });
});
