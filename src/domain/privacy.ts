// Citizens' personal data: how a contact is compared, how it is pseudonymised in exports, how long
// it is kept, and what a data-subject request (to see or delete one's data) records.
import { createHmac } from 'node:crypto';

/** What a citizen may ask for under the Law on Personal Data Protection. */
export const DATA_REQUEST_KINDS = ['access', 'deletion'] as const;
export type DataRequestKind = (typeof DATA_REQUEST_KINDS)[number];

/** How a citizen's submissions were found; the value searched is never kept. */
export type DataRequestFoundBy = 'receipt' | 'contact';

/** One logged request: what was done, by whom and when, never the receipt or contact searched. */
export interface DataRequestLogEntry {
  id: number;
  kind: DataRequestKind;
  foundBy: DataRequestFoundBy;
  submissionsFound: number;
  contactsDeleted: number;
  performedBy: number | null;
  performedByName: string | null;
  note: string | null;
  at: Date;
}

/** The settings key of the retention period. */
export const RETENTION_SETTING = 'privacy.retention';
/** Days a citizen's contact and attachments are kept after the submission, unless changed. */
export const DEFAULT_RETENTION_DAYS = 365;
export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 3650;

/** The retention period as stored in settings. */
export interface RetentionSetting {
  days: number;
}

/** Returns the stored retention setting, or the default when missing or malformed. */
export function withDefaultRetention(value: unknown): RetentionSetting {
  const days = (value as { days?: unknown } | null)?.days;
  if (typeof days === 'number' && Number.isInteger(days) && days >= MIN_RETENTION_DAYS && days <= MAX_RETENTION_DAYS) return { days };
  return { days: DEFAULT_RETENTION_DAYS };
}

/** The settings key of the server secret behind export pseudonyms (created on first use). */
export const PSEUDONYM_SECRET_SETTING = 'privacy.pseudonym_secret';

// Characters a phone number is written with: digits, spaces, dots, dashes, brackets and a plus.
const PHONE_CHARS = /^[\d\s.+()-]+$/;

// A label written before a phone number, compared without diacritics and case (`ĐT:`, `SĐT`,
// `Điện thoại:`, `Tel.`, `DĐ`, `Zalo:`, `ĐT/Zalo:` …), with what separates it from the number.
const PHONE_LABEL_WORD = '(?:so\\s*dien\\s*thoai|dien\\s*thoai|so\\s*dt|sdt|dtdd|dt|di\\s*dong|dd|telephone|tel|phone|mobile|mob|zalo|hotline)';
const PHONE_LABEL = new RegExp(`^${PHONE_LABEL_WORD}(?:\\s*[/,&]\\s*${PHONE_LABEL_WORD})*(?![a-z])[\\s.:\\-–—]*`);

// A note in brackets that holds a letter, such as `(Zalo)` or `(gọi sau 17h)`; `(0)` and `(024)` are not notes.
const BRACKETED_NOTE = /\([^()\p{L}]*\p{L}[^()]*\)/gu;

/** Lowercase without diacritics (`Đ` → `d`): how labels are recognised. */
function fold(value: string): string {
  return value.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase();
}

/**
 * Returns the digits of a phone number written with phone characters only, a Vietnamese country
 * code (`+84`, `0084`, `(+84)`, or `84` before 9–10 more digits) read as the leading `0`, and the
 * `(0)` or `0` often written after the country code dropped.
 */
function phoneDigits(written: string): string {
  const compact = written.replace(/[\s.()-]/g, '');
  const international = /^(?:\+|00)840?(.*)$/.exec(compact);
  if (international) return `0${international[1]!.replace(/\D/g, '')}`;
  const digits = compact.replace(/\D/g, '');
  // No number in Vietnam starts with 84 and has 11–13 digits: a country code without its plus.
  const bare = /^840?(\d{9,10})$/.exec(digits);
  return bare ? `0${bare[1]}` : digits;
}

/**
 * Returns the phone number in a contact that carries a label before it (`ĐT: …`) or a note after it
 * (`… (Zalo)`, `…, gọi buổi tối`): its digits as {@link phoneDigits} reads them, or null when what
 * is left is not exactly one phone number of 9–11 digits (anything else before it, a second number,
 * letters run into the digits).
 */
function labelledPhone(trimmed: string): string | null {
  let rest = fold(trimmed).replace(PHONE_LABEL, '').replace(BRACKETED_NOTE, ' ');
  const lastDigit = rest.search(/\d\D*$/);
  if (lastDigit < 0) return null;
  const tail = rest.slice(lastDigit + 1);
  // The note after the number is set apart from it (a space, comma, dash …), and holds no digit.
  if (tail !== '' && !/^[\s,;/()\-–—.]/.test(tail)) return null;
  rest = rest.slice(0, lastDigit + 1).trim();
  // A plus only where a country code starts: `+84 …`, `(+84) …`.
  if (!PHONE_CHARS.test(rest) || rest.replace(/^\(?\+/, '').includes('+')) return null;
  const digits = phoneDigits(rest);
  return digits.length >= 9 && digits.length <= 11 ? digits : null;
}

/**
 * Returns a contact in the form it is compared in: trimmed and NFC; e-mail addresses lowercased
 * without spaces; phone numbers as digits only, the country code (`+84`, `0084`, `84` before 9
 * digits, with or without a `(0)` after it) read as the leading `0`, and a label before the number
 * (`ĐT:`, `SĐT`, `Điện thoại:`, `Tel:` …) or a note after it (`(Zalo)`) left out. Anything else is
 * compared as text, lowercased with spaces collapsed; a part of a contact never equals the whole.
 */
export function normaliseContact(value: string): string {
  const trimmed = value.normalize('NFC').trim();
  if (trimmed.includes('@')) return trimmed.replace(/\s+/g, '').toLowerCase();
  // Only digits, spaces, dots, dashes, brackets and a plus: a phone number.
  if (trimmed.replace(/\D/g, '').length >= 6 && PHONE_CHARS.test(trimmed)) return phoneDigits(trimmed);
  const phone = labelledPhone(trimmed);
  if (phone !== null) return phone;
  return trimmed.replace(/\s+/g, ' ').toLowerCase();
}

/** Returns a stable pseudonym for a citizen (`CIT-` and 8 hex digits): the HMAC of their normalised contact, else name. */
export function citizenPseudonym(secret: string, contact: { name: string | null; contact: string | null } | null): string {
  const key = contact?.contact ? `c:${normaliseContact(contact.contact)}` : contact?.name ? `n:${normaliseContact(contact.name)}` : null;
  if (key === null) return '';
  return `CIT-${createHmac('sha256', secret).update(key).digest('hex').slice(0, 8).toUpperCase()}`;
}
