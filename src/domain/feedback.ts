// Citizens' opinions the Fatherland Front (MTTQ) passes to the ward, with the consent they gave.
import type { ItemStatus } from './item.ts';
import type { ResponseChannel, ResponseKind } from './response.ts';

/** How the MTTQ officer received the opinion. */
export const FEEDBACK_CHANNELS = ['meeting', 'phone', 'in_person', 'letter'] as const;
export type FeedbackChannel = (typeof FEEDBACK_CHANNELS)[number];

/** Consent text versions the ward has published; the text itself lives in the message catalogue. */
export const CONSENT_VERSIONS = ['1'] as const;
export type ConsentVersion = (typeof CONSENT_VERSIONS)[number];
/** The version the form shows now. */
export const CURRENT_CONSENT_VERSION: ConsentVersion = '1';

/** The source items from the MTTQ form go to (kind `form`), created on first use. */
export const MTTQ_FEEDBACK_SOURCE = 'Ý kiến qua MTTQ';

/** Longest opinion accepted, in characters. */
export const MAX_FEEDBACK_CHARS = 10_000;

/** A checked submission, ready to store. Name and contact are personal data. */
export interface FeedbackSubmission {
  content: string;
  topic: string | null;
  residentialGroup: string | null;
  school: string | null;
  channel: FeedbackChannel | null;
  receivedAt: Date | null;
  citizenName: string | null;
  citizenContact: string | null;
  consentVersion: ConsentVersion;
}

/** What the ward did about a submission, as its submitter may see it. */
export interface FeedbackResponseView {
  kind: ResponseKind;
  channel: ResponseChannel;
  text: string;
  respondedAt: Date;
}

/** One submission as its submitter sees it: never the citizen's name or contact. */
export interface OwnFeedback {
  id: number;
  receipt: string;
  itemId: number;
  content: string;
  topic: string | null;
  residentialGroup: string | null;
  school: string | null;
  channel: FeedbackChannel | null;
  receivedAt: Date | null;
  createdAt: Date;
  status: ItemStatus;
  responses: FeedbackResponseView[];
}

/** Submissions in one month (yyyy-MM, Asia/Ho_Chi_Minh). */
export interface MonthlyCount {
  month: string;
  count: number;
}

// No 0/O, 1/I/L: a receipt is read out over the phone and copied by hand.
const RECEIPT_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** Returns a receipt code `PA-XXXXXXXX` from random bytes (at least 8). */
export function receiptFromBytes(bytes: Uint8Array): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += RECEIPT_ALPHABET[bytes[i]! % RECEIPT_ALPHABET.length];
  return `PA-${code}`;
}

/** Returns the item title for an opinion: its first line, at most 80 characters. */
export function feedbackTitle(content: string): string {
  const firstLine = content.trim().split('\n', 1)[0]!.trim();
  const chars = [...firstLine];
  return chars.length <= 80 ? firstLine : `${chars.slice(0, 79).join('').trimEnd()}…`;
}

/** What is shown of an attachment before it is downloaded. */
export interface AttachmentInfo {
  id: number;
  filename: string;
  contentType: string;
  size: number;
  createdAt: Date;
}

/** The citizen's name and contact, for admin and staff only; null once deleted. */
export interface FeedbackContact {
  name: string | null;
  contact: string | null;
}

/** One submission as the ward (admin, staff) sees it: with the contact, attachments and deletion state. */
export interface FeedbackDetail extends OwnFeedback {
  submittedBy: number | null;
  isPublic: boolean;
  consentVersion: string;
  contact: FeedbackContact | null;
  contactDeletedAt: Date | null;
  contactDeletedReason: 'retention' | 'request' | null;
  attachments: AttachmentInfo[];
}
