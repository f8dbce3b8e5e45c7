// Dates as Vietnamese web pages print them, found inside whatever text surrounds them
// ("Thứ Hai, 02/12/2024 - 10:30 (GMT+7)", "10:30 02/12/2024", "Cập nhật: 2024-12-02T10:30").
// The date itself is read by parseFeedDate; this only finds it and puts it in a form that
// function reads. Only shapes known to be dates are passed on: `new Date` reads almost any
// text with a number in it as some date.
import { parseFeedDate } from './rss.ts';

const MAX_TEXT = 300;
const DMY = /(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?![\d/.-])/;
const LONG_VN = /ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s*(?:,\s*)?năm\s+(\d{4})/iu;
const TIME = /(?<![\d:])(\d{1,2})\s*[:hH]\s*(\d{2})(?:\s*:\s*(\d{2}))?(?![\d:])/;
const ISO = /\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?/;
const RFC_822 = /^(?:[A-Za-z]{3},?\s+)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}/;

/** Returns the date in a page's text (dd/MM/yyyy with an optional HH:mm before or after it, "ngày d tháng M năm yyyy", ISO 8601, RFC 822; Vietnam time unless a zone is given), or null. */
export function parsePageDate(raw: string | null | undefined): Date | null {
  const text = (raw ?? '').replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT);
  if (text === '') return null;

  const iso = ISO.exec(text);
  if (iso !== null) {
    const value = iso[0].replace(' ', 'T');
    // Without a zone, `new Date` would read the time in the server's zone.
    const zoned = iso[1] !== undefined ? value : value.length === 10 ? `${value}T00:00:00+07:00` : `${value}+07:00`;
    return checked(parseFeedDate(zoned), value);
  }

  const dmy = DMY.exec(text) ?? LONG_VN.exec(text);
  if (dmy !== null) {
    const [whole, d, m, y] = dmy as unknown as [string, string, string, string];
    // The time may come after the date ("02/12/2024 10:30") or before it ("10:30 02/12/2024").
    const after = TIME.exec(text.slice(dmy.index + whole.length, dmy.index + whole.length + 20));
    const before = TIME.exec(text.slice(Math.max(0, dmy.index - 20), dmy.index));
    const time = after ?? before;
    // Midnight is written out: parseFeedDate reads a bare dd/MM/yyyy as an invalid "T00:0:00".
    const hhmm = time === null ? ' 0:00' : ` ${time[1]}:${time[2]}${time[3] === undefined ? '' : `:${time[3]}`}`;
    return checked(parseFeedDate(`${d}/${m}/${y}${hhmm}`), `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`);
  }

  if (RFC_822.test(text)) return parseFeedDate(text);
  return null;
}

// `new Date` rolls 31/02 over to 2/3 and accepts hour 24; a date that rolled over is refused.
function checked(date: Date | null, ymd: string): Date | null {
  if (date === null) return null;
  const [y, m, d] = ymd.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  if (y < 1990 || y > 2100) return null;
  return date;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
