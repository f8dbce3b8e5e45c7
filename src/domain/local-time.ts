// Wall-clock time in Asia/Ho_Chi_Minh, as every page, alert and report shows it: `dd/MM/yyyy HH:mm`.

/** The time zone every date is shown in. */
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

// Built once: constructing Intl formatters is slow. Parts are assembled by hand so the output is
// `dd/MM/yyyy HH:mm` in every locale (the design asks for that format in both languages).
const DATE_TIME_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

// Asia/Ho_Chi_Minh has been UTC+7 without daylight saving since 13 June 1975: from 1976 on, the wall
// clock is plain arithmetic (a queue page shows ~150 dates; formatToParts cost most of its rendering).
const FIXED_OFFSET_SINCE_MS = Date.UTC(1976, 0, 1);
const HO_CHI_MINH_OFFSET_MS = 7 * 60 * 60 * 1000;
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Returns a valid `date` as `dd/MM/yyyy HH:mm` in Asia/Ho_Chi_Minh. */
export function formatLocalDateTime(date: Date): string {
  const ms = date.getTime();
  if (ms >= FIXED_OFFSET_SINCE_MS) {
    const wall = new Date(ms + HO_CHI_MINH_OFFSET_MS);
    const year = wall.getUTCFullYear();
    if (year <= 9999) {
      return `${pad2(wall.getUTCDate())}/${pad2(wall.getUTCMonth() + 1)}/${year} ${pad2(wall.getUTCHours())}:${pad2(wall.getUTCMinutes())}`;
    }
  }
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of DATE_TIME_PARTS.formatToParts(date)) parts[part.type] = part.value;
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}
