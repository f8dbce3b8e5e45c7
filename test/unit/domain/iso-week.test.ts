import { describe, expect, it } from 'vitest';
import {
  IsoWeekError,
  assertWeekStarted,
  daysOfIsoWeek,
  isoWeekOf,
  lastCompleteIsoWeek,
  lastWeeklySnapshotDue,
  nextIsoWeek,
  parseIsoWeek,
  previousIsoWeek,
  weeksInIsoYear,
} from '../../../src/domain/iso-week.ts';

function codeOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof IsoWeekError ? error.code : 'other';
  }
}

describe('ISO weeks in Asia/Ho_Chi_Minh', () => {
  it('spans Monday 00:00 to the next Monday 00:00 at UTC+7', () => {
    const week = parseIsoWeek('2026-W48');
    expect(week).toMatchObject({ year: 2026, week: 48, label: '2026-W48' });
    expect(week.from.toISOString()).toBe('2026-11-22T17:00:00.000Z');
    expect(week.to.toISOString()).toBe('2026-11-29T17:00:00.000Z');
    expect(daysOfIsoWeek(week)).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29']);
  });

  it('puts Sunday 23:59 +07 and Monday 00:00 +07 in different weeks', () => {
    expect(isoWeekOf(new Date('2026-11-29T23:59:59.999+07:00')).label).toBe('2026-W48');
    expect(isoWeekOf(new Date('2026-11-30T00:00:00+07:00')).label).toBe('2026-W49');
    // 17:00 UTC on Sunday is already Monday in Vietnam.
    expect(isoWeekOf(new Date('2026-11-29T16:59:59Z')).label).toBe('2026-W48');
    expect(isoWeekOf(new Date('2026-11-29T17:00:00Z')).label).toBe('2026-W49');
  });

  it('knows the years with 53 weeks and the weeks that cross a new year', () => {
    expect(weeksInIsoYear(2026)).toBe(53);
    expect(weeksInIsoYear(2020)).toBe(53);
    expect(weeksInIsoYear(2025)).toBe(52);
    expect(weeksInIsoYear(2027)).toBe(52);
    expect(parseIsoWeek('2026-W53').from.toISOString()).toBe('2026-12-27T17:00:00.000Z');
    expect(isoWeekOf(new Date('2027-01-01T12:00:00+07:00')).label).toBe('2026-W53');
    expect(isoWeekOf(new Date('2025-12-29T00:00:00+07:00')).label).toBe('2026-W01');
    expect(isoWeekOf(new Date('2025-12-28T23:59:00+07:00')).label).toBe('2025-W52');
    expect(nextIsoWeek(parseIsoWeek('2026-W53')).label).toBe('2027-W01');
    expect(previousIsoWeek(parseIsoWeek('2026-W01')).label).toBe('2025-W52');
  });

  it('round-trips every week of several years', () => {
    for (const year of [2024, 2025, 2026, 2027]) {
      for (let week = 1; week <= weeksInIsoYear(year); week += 1) {
        const label = `${year}-W${String(week).padStart(2, '0')}`;
        const parsed = parseIsoWeek(label);
        expect(isoWeekOf(parsed.from).label).toBe(label);
        expect(isoWeekOf(new Date(parsed.to.getTime() - 1)).label).toBe(label);
        expect(parsed.to.getTime() - parsed.from.getTime()).toBe(7 * 24 * 3600 * 1000);
      }
    }
  });

  it('refuses malformed weeks and week numbers the year does not have', () => {
    const bad = ['abc', '2026-W60', '2026-W54', '2026-W00', '2026-w00', '2025-W53', '2026W48', 'W48', '2026-48', '2026-W4', '', '2026-W48x', '１２３４-W01'];
    for (const text of [...bad, '2026-x48', '2026- w48', '2026-ｗ48']) {
      expect(codeOf(() => parseIsoWeek(text)), text).toBe('invalid_week');
    }
    // The reason names what was wrong, for the page and the CLI to show.
    expect(() => parseIsoWeek('2026-W54')).toThrow('2026 has weeks 1 to 53, not 54');
    expect(() => parseIsoWeek('W48')).toThrow('week must look like 2026-W48, got "W48"');
  });

  it('reads a lowercase w and spaces around the week as the same week', () => {
    for (const text of ['2026-w48', ' 2026-W48 ', '\t2026-w48\n']) {
      expect(parseIsoWeek(text), JSON.stringify(text)).toEqual(parseIsoWeek('2026-W48'));
    }
    expect(parseIsoWeek('2026-w48').label).toBe('2026-W48');
    expect(parseIsoWeek('2026-w53').label).toBe('2026-W53');
  });

  it('refuses a week that has not begun, accepts the current one', () => {
    const now = new Date('2026-11-28T10:00:00Z');
    expect(codeOf(() => assertWeekStarted(parseIsoWeek('2026-W49'), now))).toBe('week_in_future');
    expect(codeOf(() => assertWeekStarted(parseIsoWeek('2026-W48'), now))).toBeNull();
    expect(lastCompleteIsoWeek(now).label).toBe('2026-W47');
  });

  it('finds the last Monday 07:00 Vietnam time', () => {
    expect(lastWeeklySnapshotDue(new Date('2026-11-30T06:59:00+07:00')).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(lastWeeklySnapshotDue(new Date('2026-11-30T07:00:00+07:00')).toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(lastWeeklySnapshotDue(new Date('2026-11-28T10:00:00Z')).toISOString()).toBe('2026-11-23T00:00:00.000Z');
  });
});
