// The optional public feedback form: citizens write to the ward without an account, get a receipt
// code, and later look up what became of their opinion. Off until an administrator switches it on.
import type { ItemStatus } from './item.ts';
import type { ResponseChannel, ResponseKind } from './response.ts';

/** The settings key holding whether the public form is open. */
export const PUBLIC_FORM_SETTING = 'public-form';

/** Whether the public form (and its receipt lookup) is open. */
export interface PublicFormSettings {
  enabled: boolean;
}

/** Closed until an administrator opens it. */
export const DEFAULT_PUBLIC_FORM: PublicFormSettings = { enabled: false };

/** Returns the stored settings with anything missing or malformed read as closed. */
export function withDefaultPublicForm(value: unknown): PublicFormSettings {
  const enabled = typeof value === 'object' && value !== null && (value as { enabled?: unknown }).enabled === true;
  return { enabled };
}

/** The source items from the public form go to (kind `form`), created on first use. */
export const PUBLIC_FEEDBACK_SOURCE = 'Ý kiến qua biểu mẫu công khai';

/** What a citizen is told about their opinion: internal steps and dismissal reasons stay inside. */
export const PUBLIC_STATUSES = ['received', 'in_review', 'responded', 'forwarded', 'closed'] as const;
export type PublicStatus = (typeof PUBLIC_STATUSES)[number];

/** Returns the status a citizen sees for an item's status. */
export function publicStatusOf(status: ItemStatus): PublicStatus {
  switch (status) {
    case 'new':
      return 'received';
    case 'in_review':
      return 'in_review';
    case 'responded':
      return 'responded';
    case 'escalated':
      return 'forwarded';
    case 'dismissed':
      return 'closed';
  }
}

/**
 * Response kinds the ward publishes to the citizen. Escalations and reports to the city are
 * internal correspondence with other bodies: they show as the `forwarded` status, not as text.
 */
export const PUBLISHED_RESPONSE_KINDS: readonly ResponseKind[] = ['correction', 'clarification', 'reply'];

/** Returns true when a response of this kind on this channel is published to the citizen. */
export function isPublishedResponse(kind: ResponseKind, channel: ResponseChannel): boolean {
  return PUBLISHED_RESPONSE_KINDS.includes(kind) && channel !== 'report_up';
}

/** A published response as the citizen sees it: text, channel and date, never who wrote it. */
export interface PublishedResponse {
  channel: ResponseChannel;
  text: string;
  respondedAt: Date;
}

/** What a receipt lookup answers: no content, no contact, no staff notes, no assignee. */
export interface PublicFeedbackStatus {
  receipt: string;
  submittedAt: Date;
  status: PublicStatus;
  responses: PublishedResponse[];
}

const RECEIPT = /^PA-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/;

/** Returns whether the code is a receipt exactly as stored (`PA-` and 8 capitals of the receipt alphabet). */
export function isReceipt(code: string): boolean {
  return RECEIPT.test(code);
}

/**
 * Returns the receipt code as stored (`PA-` and 8 capitals) from what a person typed: any case,
 * spaces, with or without the `PA-` prefix; null when it cannot be a receipt.
 */
export function normalizeReceipt(value: string | undefined | null): string | null {
  if (typeof value !== 'string' || value.length > 64) return null;
  let code = value.normalize('NFC').replace(/\s+/g, '').toUpperCase();
  if (/^[A-Z0-9]{8}$/.test(code)) code = `PA-${code}`;
  if (/^PA[A-Z0-9]{8}$/.test(code)) code = `PA-${code.slice(2)}`;
  return RECEIPT.test(code) ? code : null;
}
