// Validation of what clients send: zod schemas shared by the JSON routes and the pages.
import { z } from 'zod';
import { safeHttpUrl } from '../../dashboard/views/safe-http-url.ts';
import { LABELS } from '../domain/classification.ts';
import { DISMISS_REASONS, ITEM_STATUSES, VERDICTS } from '../domain/item.ts';
import { RESPONSE_CHANNELS, RESPONSE_KINDS } from '../domain/response.ts';
import { CLAIM_MIN_SYLLABLES, letterSyllableCount } from '../classifiers/claim-matcher.ts';

const VIETNAM_OFFSET = '+07:00';

/** The largest id a table holds (PostgreSQL `integer`): a larger one names nothing, and must not reach the database. */
export const MAX_ID = 2_147_483_647;
/** A row id in a JSON body. */
export const idNumber = z.number().int().positive().max(MAX_ID);

/** Returns true when `value` starts with a real calendar day `yyyy-mm-dd` (2026-02-30 is not one: Date would roll it over to March). */
export function isCalendarDay(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected yyyy-mm-dd')
  .refine(isCalendarDay, 'not a date');

// Invisible characters that hide or reorder text: zero-width space, word joiner, BOM, direction
// marks, embeddings and overrides. Joiners (U+200C/D) stay: emoji sequences need them.
const INVISIBLE = /[\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/** Returns the text in NFC without invisible characters, trimmed: what every text field stores. */
export function cleanText(value: string): string {
  return value.normalize('NFC').replace(INVISIBLE, '').trim();
}

/** The longest triage note, in characters after cleaning (the JSON routes and the decision form). */
export const MAX_NOTE_LENGTH = 2000;

/**
 * Returns the form error code a refinement across fields names in its params (`too_short`,
 * `escalated_to_required`), or null for any other issue.
 */
export function refinementCode(issue: { code: string; params?: Record<string, unknown> }): string | null {
  return issue.code === 'custom' && typeof issue.params?.code === 'string' ? issue.params.code : null;
}

/** A required text field: cleanText (a name of zero-width spaces is empty), 1 to `max` characters. */
export const nfcText = (max: number) =>
  z
    .string()
    .transform(cleanText)
    .pipe(z.string().min(1).max(max));

/** Returns a form field's value when it is text (parseBody gives files and arrays too), else ''. */
export const formText = (value: unknown): string => (typeof value === 'string' ? value : '');

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);

/** The longest search text of the item list (the search box's maxlength). */
export const MAX_SEARCH_LENGTH = 200;

/** Filters of the item list, from a query string. Days are whole days in Asia/Ho_Chi_Minh. */
export const ItemListQuery = z.object({
  status: z.preprocess(emptyAsUndefined, z.enum([...ITEM_STATUSES, 'open', 'all']).default('open')),
  label: z.preprocess(emptyAsUndefined, z.enum(LABELS).optional()),
  source: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().max(MAX_ID).optional()),
  from: z.preprocess(emptyAsUndefined, day.optional()),
  to: z.preprocess(emptyAsUndefined, day.optional()),
  q: z.preprocess(emptyAsUndefined, z.string().max(MAX_SEARCH_LENGTH).optional()),
  order: z.preprocess(emptyAsUndefined, z.enum(['priority', 'newest']).default('priority')),
  /** Only open items past their response deadline, earliest first. */
  overdue: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).optional()).transform((value) => value === 'true'),
  cursor: z.preprocess(emptyAsUndefined, z.string().max(300).optional()),
  limit: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(200).default(50)),
});
export type ItemListQuery = z.infer<typeof ItemListQuery>;

/** Returns the first instant of a day in Vietnam. */
export function startOfDay(value: string): Date {
  return new Date(`${value}T00:00:00${VIETNAM_OFFSET}`);
}

/** Returns the last instant of a day in Vietnam. */
export function endOfDay(value: string): Date {
  return new Date(`${value}T23:59:59.999${VIETNAM_OFFSET}`);
}

/** A triage change (status, verdict, assignee, note — at least one): the version the client saw makes a stale edit a conflict. */
export const ItemPatchBody = z
  .object({
    status: z.enum(ITEM_STATUSES).optional(),
    verdict: z.enum(VERDICTS).nullable().optional(),
    assigneeId: idNumber.nullable().optional(),
    // Cleaned first (NFC, invisible characters out), then measured: 800 letters in NFD are 800 letters.
    note: z.string().transform(cleanText).pipe(z.string().max(MAX_NOTE_LENGTH)).optional(),
    dismissReason: z.enum(DISMISS_REASONS).optional(),
    version: idNumber.optional(),
  })
  .strict()
  .refine(
    (body) => body.status !== undefined || body.verdict !== undefined || body.assigneeId !== undefined || !!body.note,
    'change at least one of status, verdict, assigneeId, note',
  );
export type ItemPatchBody = z.infer<typeof ItemPatchBody>;

/** An http or https address, as pages may link to it (safeHttpUrl: `http:example.com` is not one). */
const httpUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => safeHttpUrl(value) !== null, 'must be an http(s) URL');

/** CSS selectors of a web-page source, as typed (checked further by the collector's validator). */
const SelectorsBody = z
  .object({
    item: z.string().max(300).optional(),
    link: z.string().max(300).optional(),
    title: z.string().max(300).optional(),
    date: z.string().max(300).optional(),
    body: z.string().max(300).optional(),
  })
  .strict();

/** A new feed or web-page source. */
export const SourceBody = z
  .object({
    kind: z.enum(['rss', 'html']),
    name: nfcText(200),
    url: httpUrl,
    selectors: SelectorsBody.optional(),
    pollIntervalSeconds: z.number().int().min(60).max(7 * 24 * 3600).optional(),
  })
  .strict();

/** A source to preview before saving it. */
export const SourcePreviewBody = SourceBody.pick({ kind: true, url: true, selectors: true }).strict();

/** Returns the selector fields of a form, without empty ones. */
export function selectorsOf(form: Record<string, unknown>): Record<string, string> | undefined {
  const selectors: Record<string, string> = {};
  for (const field of ['item', 'link', 'title', 'date', 'body']) {
    const value = form[`selector_${field}`];
    if (typeof value === 'string' && value.trim()) selectors[field] = value.trim();
  }
  return Object.keys(selectors).length ? selectors : undefined;
}

/** Returns a positive integer id (at most MAX_ID) from a path parameter or form field, or null. */
export function parseId(value: string): number | null {
  return /^[1-9]\d{0,9}$/.test(value) && Number(value) <= MAX_ID ? Number(value) : null;
}

/** A known claim as staff submit it. */
export const ClaimBody = z
  .object({
    statement: nfcText(2000).refine((value) => letterSyllableCount(value) >= CLAIM_MIN_SYLLABLES, {
      message: `the statement needs at least ${CLAIM_MIN_SYLLABLES} words`,
      params: { code: 'too_short' },
      // An empty statement is already refused as too small.
      when: (payload) => payload.issues.length === 0,
    }),
    verdict: z.enum(VERDICTS),
    correction: z.preprocess((value) => (value === '' ? null : value), nfcText(5000).nullable()).default(null),
    references: z.array(httpUrl).max(20).default([]),
    enabled: z.boolean().default(true),
  })
  .strict();

/** The ward's gazetteer: names matched (with or without diacritics) to decide relevance. */
export const GazetteerBody = z
  .object({
    wardNames: z.array(nfcText(200)).max(50),
    schools: z.array(nfcText(200)).max(500),
    residentialGroups: z.array(nfcText(200)).max(500),
  })
  .strict();

/** Returns the non-empty lines of a textarea, trimmed. */
export function linesOf(value: unknown): string[] {
  return typeof value === 'string'
    ? value
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean)
    : [];
}

/** A response staff record: what was done, on which channel, with an http(s) link where it can be seen. */
/** Returns the day (yyyy-mm-dd) an instant falls on in Asia/Ho_Chi_Minh. */
function vietnamDayOf(at: Date): string {
  return new Date(at.getTime() + 7 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/**
 * A response. Only an escalation names the body it went to (required) and a due day, which cannot be
 * before the day of the response (its respondedAt, else today), whole days in Asia/Ho_Chi_Minh. A refused
 * field carries its form error code in `params.code`.
 */
export const ResponseBody = z
  .object({
    kind: z.enum(RESPONSE_KINDS),
    channel: z.enum(RESPONSE_CHANNELS),
    text: nfcText(5000),
    link: z.preprocess((value) => (value === '' ? null : value), httpUrl.nullable()).default(null),
    respondedAt: z.preprocess(emptyAsUndefined, z.iso.datetime({ offset: true }).optional()),
    /** For an escalation: the body it went to (the education office, a school, the city); blank (after cleaning) is none. */
    escalatedTo: z
      .preprocess((value) => (typeof value === 'string' && cleanText(value) === '' ? null : value), nfcText(300).nullable())
      .default(null),
    /** For an escalation: by when an answer is due, a day in Asia/Ho_Chi_Minh. */
    dueAt: z.preprocess((value) => (value === '' ? null : value), day.nullable()).default(null),
  })
  .strict()
  .superRefine((body, ctx) => {
    const refuse = (field: 'escalatedTo' | 'dueAt', code: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [field], message, params: { code } });
    if (body.kind === 'escalation') {
      if (body.escalatedTo === null) refuse('escalatedTo', 'escalated_to_required', 'an escalation names the body it went to');
    } else {
      if (body.escalatedTo !== null) refuse('escalatedTo', 'escalation_only', 'only an escalation goes to a body');
      if (body.dueAt !== null) refuse('dueAt', 'escalation_only', 'only an escalation has a due day');
      return;
    }
    if (body.dueAt === null) return;
    const respondedDay = vietnamDayOf(body.respondedAt ? new Date(body.respondedAt) : new Date());
    if (body.dueAt < respondedDay) refuse('dueAt', 'due_before_response', 'before the day of the response');
  });
export type ResponseBody = z.infer<typeof ResponseBody>;

/** The days an audit-trail export covers (either may be left open), Asia/Ho_Chi_Minh. */
export const EventExportQuery = z.object({
  from: z.preprocess(emptyAsUndefined, day.optional()),
  to: z.preprocess(emptyAsUndefined, day.optional()),
});

/** A change applied to many items at once (no version check: the list the client saw may be older). */
export const BulkChangeBody = z
  .object({
    ids: z.array(idNumber).min(1).max(200),
    status: z.enum(ITEM_STATUSES).optional(),
    verdict: z.enum(VERDICTS).nullable().optional(),
    assigneeId: idNumber.nullable().optional(),
    dismissReason: z.enum(DISMISS_REASONS).optional(),
    // Cleaned first (NFC, invisible characters out), then measured: 800 letters in NFD are 800 letters.
    note: z.string().transform(cleanText).pipe(z.string().max(MAX_NOTE_LENGTH)).optional(),
  })
  .strict()
  .refine(
    (body) => body.status !== undefined || body.verdict !== undefined || body.assigneeId !== undefined || !!body.note,
    'change at least one of status, verdict, assigneeId, note',
  );
export type BulkChangeBody = z.infer<typeof BulkChangeBody>;

const deadlineHours = z.number().int().min(1).max(2000);

/** Response deadlines in hours per severity. */
export const DeadlinesBody = z
  .object({ misinformation: deadlineHours, negative: deadlineHours, offensive: deadlineHours, feedback: deadlineHours })
  .strict();
