// ISO weeks (`2026-W48`) in Asia/Ho_Chi_Minh: UTC+7 all year (Vietnam has no daylight saving time).

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const WEEK_MS = 7 * DAY_MS;

/** One ISO week and the instants it spans: Monday 00:00 (inclusive) to the next Monday 00:00 (exclusive), Vietnam time. */
export interface IsoWeek {
  year: number;
  week: number;
  /** `YYYY-Www`, e.g. `2026-W48`. */
  label: string;
  from: Date;
  to: Date;
}

/** Why a week was refused: not of the form `YYYY-Www`, a week number the year does not have, or not begun yet. */
export type IsoWeekErrorCode = 'invalid_week' | 'week_in_future';

/** A week that cannot be read or reported on. */
export class IsoWeekError extends Error {
  constructor(
    readonly code: IsoWeekErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'IsoWeekError';
  }
}

// Monday 00:00 of week 1 of an ISO year, as if Vietnam time were UTC (shifted back later).
function week1MondayShifted(year: number): number {
  // Week 1 is the week holding 4 January.
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return jan4 - weekday * DAY_MS;
}

/** Returns how many ISO weeks the year has (52 or 53). */
export function weeksInIsoYear(year: number): number {
  return Math.round((week1MondayShifted(year + 1) - week1MondayShifted(year)) / WEEK_MS);
}

function build(year: number, week: number): IsoWeek {
  const fromShifted = week1MondayShifted(year) + (week - 1) * WEEK_MS;
  return {
    year,
    week,
    label: `${String(year).padStart(4, '0')}-W${String(week).padStart(2, '0')}`,
    from: new Date(fromShifted - VIETNAM_OFFSET_MS),
    to: new Date(fromShifted + WEEK_MS - VIETNAM_OFFSET_MS),
  };
}

/**
 * Returns the week `YYYY-Www` names, spaces around it and a lowercase `w` allowed (`2026-w48` is typed
 * as often as `2026-W48`); throws IsoWeekError `invalid_week` for anything else (`abc`, `2026-W60`, W53 of
 * a 52-week year). Every week typed anywhere (pages, API, CLI) is read here and nowhere else.
 */
export function parseIsoWeek(text: string): IsoWeek {
  const match = /^(\d{4})-[Ww](\d{2})$/.exec(text.trim());
  if (!match) throw new IsoWeekError('invalid_week', `week must look like 2026-W48, got "${text.slice(0, 40)}"`);
  const year = Number(match[1]);
  const week = Number(match[2]);
  if (year < 1970 || year > 9998) throw new IsoWeekError('invalid_week', `year ${year} is out of range`);
  const weeks = weeksInIsoYear(year);
  if (week < 1 || week > weeks) throw new IsoWeekError('invalid_week', `${year} has weeks 1 to ${weeks}, not ${week}`);
  return build(year, week);
}

/** Returns the ISO week holding the instant, in Vietnam time. */
export function isoWeekOf(instant: Date): IsoWeek {
  const shifted = instant.getTime() + VIETNAM_OFFSET_MS;
  const date = new Date(shifted);
  // The ISO year is the year of the Thursday of the week.
  const weekday = (date.getUTCDay() + 6) % 7;
  const thursday = new Date(shifted - weekday * DAY_MS + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((shifted - week1MondayShifted(year)) / WEEK_MS) + 1;
  return build(year, week);
}

/** Returns the week before. */
export function previousIsoWeek(week: IsoWeek): IsoWeek {
  return isoWeekOf(new Date(week.from.getTime() - 1));
}

/** Returns the week after. */
export function nextIsoWeek(week: IsoWeek): IsoWeek {
  return isoWeekOf(week.to);
}

/** Returns the last week that has ended by `now` (the week before the current one). */
export function lastCompleteIsoWeek(now: Date): IsoWeek {
  return previousIsoWeek(isoWeekOf(now));
}

/** Returns the week unchanged, or throws IsoWeekError `week_in_future` when it has not begun by `now`. */
export function assertWeekStarted(week: IsoWeek, now: Date): IsoWeek {
  if (week.from.getTime() > now.getTime()) {
    throw new IsoWeekError('week_in_future', `week ${week.label} has not begun yet`);
  }
  return week;
}

/** Returns the local dates (`YYYY-MM-DD`, Vietnam time) of the week's seven days, Monday first. */
export function daysOfIsoWeek(week: IsoWeek): string[] {
  return Array.from({ length: 7 }, (_, day) =>
    new Date(week.from.getTime() + VIETNAM_OFFSET_MS + day * DAY_MS).toISOString().slice(0, 10),
  );
}

/** Returns the most recent Monday 07:00 Vietnam time at or before `now`: when the last weekly snapshot fell due. */
export function lastWeeklySnapshotDue(now: Date): Date {
  const due = new Date(isoWeekOf(now).from.getTime() + 7 * 60 * 60 * 1000);
  return due.getTime() <= now.getTime() ? due : new Date(due.getTime() - WEEK_MS);
}
