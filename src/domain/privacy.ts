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

/**
 * Returns a contact in the form it is compared in: trimmed and NFC; e-mail addresses lowercased
 * without spaces; phone numbers as digits only, `+84`/`84` read as the leading `0`.
 */
export function normaliseContact(value: string): string {
  const trimmed = value.normalize('NFC').trim();
  if (trimmed.includes('@')) return trimmed.replace(/\s+/g, '').toLowerCase();
  const digits = trimmed.replace(/\D/g, '');
  // Mostly digits, spaces, dots, dashes, brackets and a plus: a phone number.
  if (digits.length >= 6 && /^[\d\s.+()-]+$/.test(trimmed)) {
    if (trimmed.startsWith('+84') || (digits.startsWith('84') && digits.length === 11)) return `0${digits.slice(2)}`;
    return digits;
  }
  return trimmed.replace(/\s+/g, ' ').toLowerCase();
}

/** Returns a stable pseudonym for a citizen (`CIT-` and 8 hex digits): the HMAC of their normalised contact, else name. */
export function citizenPseudonym(secret: string, contact: { name: string | null; contact: string | null } | null): string {
  const key = contact?.contact ? `c:${normaliseContact(contact.contact)}` : contact?.name ? `n:${normaliseContact(contact.name)}` : null;
  if (key === null) return '';
  return `CIT-${createHmac('sha256', secret).update(key).digest('hex').slice(0, 8).toUpperCase()}`;
}
