// What staff did about an item: a correction, a reply, an escalation … on one of the plan's channels.

export const RESPONSE_KINDS = ['correction', 'clarification', 'reply', 'escalation', 'report_up'] as const;
export type ResponseKind = (typeof RESPONSE_KINDS)[number];

/** The channels the ward's communication plan names. */
export const RESPONSE_CHANNELS = [
  'ward_portal',
  'loudspeaker',
  'notice_board',
  'social_page',
  'residential_meeting',
  'school',
  'press',
  'report_up',
] as const;
export type ResponseChannel = (typeof RESPONSE_CHANNELS)[number];

/** One recorded response to an item. */
export interface ItemResponse {
  id: number;
  itemId: number;
  kind: ResponseKind;
  channel: ResponseChannel;
  text: string;
  /** Where the response can be seen; http(s) only. */
  link: string | null;
  respondedAt: Date;
  /** The body an escalation went to (education office, a school, the city). */
  escalatedTo: string | null;
  dueAt: Date | null;
  /** For an escalation: what the body it went to answered, and when; null while awaited. */
  answer?: string | null;
  answeredAt?: Date | null;
  createdBy: number | null;
  createdByName?: string | null;
  createdAt: Date;
}

/** Where an escalation stands: not one, answered, awaiting its answer, or awaited past its due date. */
export type EscalationState = 'none' | 'answered' | 'awaiting' | 'overdue';

/** Returns where an escalation stands at `now`. */
export function escalationState(response: Pick<ItemResponse, 'kind' | 'dueAt' | 'answeredAt'>, now: Date): EscalationState {
  if (response.kind !== 'escalation') return 'none';
  if (response.answeredAt) return 'answered';
  return response.dueAt && response.dueAt.getTime() < now.getTime() ? 'overdue' : 'awaiting';
}

/** Clocks differ a little between a browser and the server. */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

const MINUTE_MS = 60 * 1000;

/** Why a response's or an answer's time cannot be true. */
export type ResponseTimeProblem = 'time_future' | 'time_before_collected';

/**
 * Returns why `at` cannot be when a response was made or an answer came, or null: later than `now`
 * (beyond the clocks' tolerance), or before the item was collected. Such times would make the weekly
 * report's response times negative and count them as on time.
 */
export function responseTimeProblem(at: Date, now: Date, collectedAt: Date): ResponseTimeProblem | null {
  if (at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) return 'time_future';
  // The form gives whole minutes: a response in the minute the item was collected is not before it.
  if (at.getTime() < Math.floor(collectedAt.getTime() / MINUTE_MS) * MINUTE_MS) return 'time_before_collected';
  return null;
}
