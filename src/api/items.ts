// Items: the triage list, one item, triage changes (status, verdict, assignee, notes), responses and the audit trail with its CSV export — JSON and pages.
import { Hono } from 'hono';
import { HtmlEscapedCallbackPhase, resolveCallback, type HtmlEscapedString } from 'hono/utils/html';
import { z } from 'zod';
import {
  ItemListPage,
  MAX_EARLIER_PAGES,
  pageOfCursors,
  PREV_SEPARATOR,
  type QueueFilterError,
  type QueuePosition,
} from '../../dashboard/views/item-list-page.tsx';
import { ItemPage, type ItemPageForms, type ResponseFormValues } from '../../dashboard/views/item-page.tsx';
import type { FeedbackFieldError } from '../../dashboard/views/opinion-fields.tsx';
import {
  changeItem,
  decodeCursor,
  getItem,
  getQueuePage,
  listClusterMembers,
  listEventsBetween,
  listItemEvents,
  listItems,
  type ItemChange,
  type ItemFilters,
} from '../db/queries/items.ts';
import { listAccessDenials } from '../db/queries/access-denials.ts';
import { findFeedbackIdByItem } from '../db/queries/feedback.ts';
import { getResponseTemplate, listResponseTemplates } from '../db/queries/response-templates.ts';
import { answerEscalation, insertResponse, listResponses } from '../db/queries/responses.ts';
import { listRevisions } from '../db/queries/revisions.ts';
import { listUsersByRole } from '../db/queries/users.ts';
import { ITEM_STATUSES, DISMISS_REASONS, VERDICTS, type TriageEvent, type Verdict } from '../domain/item.ts';
import { responseTimeProblem, type ItemResponse } from '../domain/response.ts';
import { READ_ITEM_ROLES, TRIAGE_ROLES } from '../domain/user.ts';
import { type AppContext, type AppEnv, idParam, requireRole } from './context.ts';
import { ApiError } from './errors.ts';
import { downloadLanguage, formatEventsCsv } from './events-csv.ts';
import { recordDenial } from './record-denial.ts';
import {
  BulkChangeBody,
  cleanText,
  endOfDay,
  EventExportQuery,
  formText,
  ItemListQuery,
  ItemPatchBody,
  MAX_NOTE_LENGTH,
  MAX_SEARCH_LENGTH,
  parseId,
  refinementCode,
  ResponseBody,
  startOfDay,
} from './query-schemas.ts';

/** An escalation's answer: what the body said, and when (default: now; never in the future). */
export const AnswerBody = z
  .object({
    // An answer of zero-width spaces is empty: it would close the escalation with nothing to read.
    answer: z.string().transform(cleanText).pipe(z.string().min(1).max(5000)),
    answeredAt: z.preprocess((value) => (value === '' ? undefined : value), z.iso.datetime({ offset: true }).optional()),
  })
  .strict();
type AnswerBody = z.infer<typeof AnswerBody>;

const VIEW_FLASHES = ['saved', 'deleted', 'name_taken', 'too_many', 'invalid'] as const;

/** The most rows one audit-trail export holds; narrow the days for more. */
const MAX_EXPORT_ROWS = 100_000;

/** Returns the queue's query parameters, validated (400 otherwise). */
function listQueryFrom(c: AppContext, params: Record<string, string> = c.req.query()): ItemListQuery {
  const parsed = ItemListQuery.safeParse(params);
  if (!parsed.success) throw new ApiError(400, 'validation_failed', parsed.error.issues);
  const query = parsed.data;
  if (query.cursor && !decodeCursor(query.cursor)) throw new ApiError(400, 'validation_failed', [{ path: ['cursor'] }]);
  return query;
}

/**
 * Returns where the queue page is among the pages, from the cursors the pager's links carry back
 * (`prev`) and the page number when they do not tell it (`page`); 400 when they are not ones it wrote.
 */
function queuePositionOf(params: Record<string, string>, query: ItemListQuery): QueuePosition {
  const refuse = (field: 'prev' | 'page') => new ApiError(400, 'validation_failed', [{ path: [field] }]);
  const earlier = params.prev ? params.prev.split(PREV_SEPARATOR) : [];
  if (!query.cursor) {
    // Page 1 has no way back to carry.
    if (earlier.length > 0) throw refuse('prev');
    if (params.page && params.page !== '1') throw refuse('page');
    return { page: 1, earlier: [], size: query.limit };
  }
  if (earlier.length > MAX_EARLIER_PAGES || !earlier.every((cursor) => decodeCursor(cursor))) throw refuse('prev');
  const page = params.page ? Number(params.page) : pageOfCursors(earlier);
  if (!/^\d{0,6}$/.test(params.page ?? '') || page < pageOfCursors(earlier)) throw refuse('page');
  return { page, cursor: query.cursor, earlier, size: query.limit };
}

function filtersFrom(c: AppContext, query: ItemListQuery = listQueryFrom(c)): ItemFilters {
  // Runs of spaces (typed, or pasted with the text) match the single space between words.
  const q = query.q ? c.get('deps').foldQuery(query.q).replace(/\s+/g, ' ').trim() : '';
  return {
    status: query.status,
    label: query.label,
    sourceId: query.source,
    from: query.from ? startOfDay(query.from) : undefined,
    to: query.to ? endOfDay(query.to) : undefined,
    foldedQuery: q || undefined,
    order: query.order,
    overdue: query.overdue || undefined,
    now: c.get('deps').now?.(),
    cursor: query.cursor,
    limit: query.limit,
  };
}

async function applyChange(c: AppContext, id: number, change: Omit<ItemChange, 'id' | 'userId'>) {
  const user = c.get('user')!;
  const outcome = await changeItem(c.get('deps').db, { ...change, id, userId: user.id });
  if (outcome.kind === 'not_found') throw new ApiError(404, 'not_found');
  if (outcome.kind === 'conflict') throw new ApiError(409, 'conflict', { currentVersion: outcome.currentVersion });
  if (outcome.kind === 'invalid_transition') throw new ApiError(409, 'conflict', { from: outcome.from, to: change.status });
  if (outcome.kind === 'unknown_assignee') throw new ApiError(422, 'validation_failed', [{ path: ['assigneeId'], message: 'unknown assignee' }]);
  return outcome.item;
}

/** A time staff gave that cannot be true, as the detail of a 422. */
interface TimeIssue {
  path: ['respondedAt' | 'answeredAt'];
  code: 'time_future' | 'time_before_collected' | 'time_before_escalation';
  message: string;
}

/** Returns why the time given for a response or an answer cannot be true, or null; 404 when the item does not exist. */
async function timeIssueOf(c: AppContext, itemId: number, field: TimeIssue['path'][0], at: Date): Promise<TimeIssue | null> {
  const item = await getItem(c.get('deps').db, itemId);
  if (!item) throw new ApiError(404, 'not_found');
  const problem = responseTimeProblem(at, c.get('deps').now?.() ?? new Date(), item.collectedAt);
  if (!problem) return null;
  return { path: [field], code: problem, message: problem === 'time_future' ? 'in the future' : 'before the item was collected' };
}

async function recordResponse(c: AppContext, id: number, body: ResponseBody): Promise<ResponseResult> {
  const respondedAt = body.respondedAt ? new Date(body.respondedAt) : null;
  const issue = respondedAt ? await timeIssueOf(c, id, 'respondedAt', respondedAt) : null;
  if (issue) return { ok: false, issue };
  const response = await insertResponse(c.get('deps').db, {
    itemId: id,
    kind: body.kind,
    channel: body.channel,
    text: body.text,
    link: body.link,
    respondedAt,
    escalatedTo: body.escalatedTo,
    dueAt: body.dueAt ? endOfDay(body.dueAt) : null,
    userId: c.get('user')!.id,
  });
  if (!response) throw new ApiError(404, 'not_found');
  return { ok: true, response };
}

type ResponseResult = { ok: true; response: ItemResponse } | { ok: false; issue: TimeIssue };

type AnswerResult = { ok: true; response: ItemResponse } | { ok: false; error: ApiError; issue?: TimeIssue };

async function recordAnswer(c: AppContext, itemId: number, responseId: number, body: AnswerBody): Promise<AnswerResult> {
  const answeredAt = body.answeredAt ? new Date(body.answeredAt) : (c.get('deps').now?.() ?? new Date());
  const issue = await timeIssueOf(c, itemId, 'answeredAt', answeredAt);
  if (issue) return { ok: false, error: new ApiError(422, 'validation_failed', [issue]), issue };
  const outcome = await answerEscalation(c.get('deps').db, { itemId, responseId, answer: body.answer, answeredAt, userId: c.get('user')!.id });
  if (outcome.kind === 'not_found') return { ok: false, error: new ApiError(404, 'not_found') };
  if (outcome.kind === 'not_escalation') return { ok: false, error: new ApiError(409, 'not_escalation') };
  if (outcome.kind === 'already_answered') return { ok: false, error: new ApiError(409, 'answer_exists', { answeredAt: outcome.answeredAt }) };
  if (outcome.kind === 'before_escalation') {
    const issue: TimeIssue = { path: ['answeredAt'], code: 'time_before_escalation', message: 'before the escalation was sent' };
    return { ok: false, error: new ApiError(422, 'validation_failed', [issue]), issue };
  }
  return { ok: true, response: outcome.response };
}

/** What became of one item of a bulk change. */
export interface BulkOutcome {
  id: number;
  ok: boolean;
  error?: 'not_found' | 'invalid_transition' | 'unknown_assignee';
}

// One item at a time, each in its own transaction: one item that cannot move does not hold back the rest.
async function applyBulkChange(c: AppContext, body: BulkChangeBody): Promise<BulkOutcome[]> {
  const { ids, ...change } = body;
  const db = c.get('deps').db;
  const userId = c.get('user')!.id;
  const outcomes: BulkOutcome[] = [];
  for (const id of new Set(ids)) {
    const outcome = await changeItem(db, { ...change, id, userId });
    if (outcome.kind === 'changed') outcomes.push({ id, ok: true });
    else if (outcome.kind === 'conflict') outcomes.push({ id, ok: false, error: 'invalid_transition' });
    else outcomes.push({ id, ok: false, error: outcome.kind });
  }
  return outcomes;
}

/** Returns the queue's query string sent back by the bulk form, or empty when it is not one. */
function queueQueryOf(value: unknown): string {
  return typeof value === 'string' && /^\?[A-Za-z0-9_.~%=&+-]{0,1000}$/.test(value) ? value : '';
}

/**
 * Returns the version a triage form was made from: undefined when it sent none (no check); 0 when it
 * sent one that is not a positive integer — no item has version 0 (they start at 1), so the change is
 * refused as a conflict and never saved unchecked.
 */
function versionOf(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' && /^\d{1,9}$/.test(value) && Number(value) > 0 ? Number(value) : 0;
}

/**
 * Applies a triage form's change and returns 'saved', or 'conflict' when the form was made from
 * another version (or the move is not allowed); the conflict is logged as the API's own 409 is.
 */
async function applyFormChange(c: AppContext, id: number, change: Omit<ItemChange, 'id' | 'userId'>): Promise<'saved' | 'conflict'> {
  try {
    await applyChange(c, id, change);
    return 'saved';
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'conflict')) throw error;
    await recordDenial(c.get('deps').db, { method: c.req.method, path: c.req.path, userId: c.get('user')!.id, status: 409, code: 'conflict' });
    return 'conflict';
  }
}

/** Returns the newest audit-trail entry a triage form was made after (its `seen` field), or null when it sent none that is one. */
function seenOf(value: unknown): number | null {
  return typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : null;
}

/** A dismissal without its reason: the weekly report and retraining read why an item was dismissed. */
const DISMISS_REASON_REQUIRED = { path: ['dismissReason'], code: 'dismiss_reason_required', message: 'a dismissal needs its reason' } as const;

/** Returns the decision form's verdict: undefined when missing (unchanged), null when empty (cleared), false when unknown. */
function formVerdict(value: unknown): Verdict | null | undefined | false {
  if (value === undefined) return undefined;
  return value === '' ? null : (VERDICTS.find((verdict) => verdict === value) ?? false);
}

/** Returns the decision form's assignee: undefined when missing (unchanged), null when empty (unassigned), false when not an id. */
function formAssignee(value: unknown): number | null | undefined | false {
  if (value === undefined) return undefined;
  return value === '' ? null : (parseId(typeof value === 'string' ? value : '') ?? false);
}

/** True when the change was refused because no such user may be assigned (a 422 from applyChange). */
const isUnknownAssignee = (error: unknown): boolean => error instanceof ApiError && error.status === 422 && error.code === 'validation_failed';

const DATETIME_LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** Returns a form's datetime-local value as an instant in Vietnam: empty gives undefined (now); anything else is left for the schema to refuse. */
function instantOfForm(value: string): string | undefined {
  const text = value.trim();
  if (text === '') return undefined;
  const match = DATETIME_LOCAL.exec(text);
  return match ? `${text}${match[1] ? '' : ':00'}+07:00` : text;
}

/** Returns the field errors of a refused response or answer form, one per field. */
function formErrorsOf(issues: readonly z.core.$ZodIssue[]): FeedbackFieldError[] {
  const errors: FeedbackFieldError[] = [];
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'form');
    if (errors.some((error) => error.field === field)) continue;
    // A rule across fields (ResponseBody's escalation checks) names its own code.
    const own = refinementCode(issue);
    const code =
      own ??
      (field === 'link' ? 'link' : field === 'respondedAt' || field === 'answeredAt' ? 'time_invalid' : issue.code === 'too_small' ? 'required' : 'invalid');
    errors.push({ field, code });
  }
  return errors;
}

function responseFormValues(form: Record<string, unknown>): ResponseFormValues {
  return {
    kind: formText(form.kind),
    channel: formText(form.channel),
    text: formText(form.text),
    link: formText(form.link),
    respondedAt: formText(form.respondedAt),
    escalatedTo: formText(form.escalatedTo),
    dueAt: formText(form.dueAt),
  };
}

function csvResponse(c: AppContext, csv: string, filename: string) {
  c.header('content-type', 'text/csv; charset=utf-8');
  c.header('content-disposition', `attachment; filename="${filename}"`);
  c.header('cache-control', 'no-store');
  return c.body(csv);
}

/**
 * Returns the page as c.html does, but with its body encoded to UTF-8 once, here: given a string,
 * the server would measure its byte length and then encode it again to write it (the queue page is
 * some 65 kB of Vietnamese text, rendered on every view of the busiest page).
 */
async function htmlBytes(c: AppContext, page: HtmlEscapedString | Promise<HtmlEscapedString>, status: 200 | 400 = 200): Promise<Response> {
  const html = await resolveCallback(await page, HtmlEscapedCallbackPhase.Stringify, false, {});
  return c.body(Buffer.from(html, 'utf8'), status, { 'Content-Type': 'text/html; charset=UTF-8' });
}

/** The queue's filters a person can type or pick (the pager's own fields are told apart). */
const QUEUE_FILTER_FIELDS: readonly string[] = ['status', 'label', 'source', 'from', 'to', 'q', 'order', 'overdue', 'limit'];
const QUEUE_PAGER_FIELDS = ['cursor', 'prev', 'page'] as const;

/**
 * Returns the queue page's request, keeping what can be kept: a filter that is not valid is left
 * out (and named, with what was typed), a pager link that is not one the pager wrote gives page 1.
 * Changes `params` accordingly.
 */
function queueRequestOf(
  c: AppContext,
  params: Record<string, string>,
): { filterErrors: QueueFilterError[]; pageInvalid: boolean; query: ItemListQuery; position: QueuePosition } {
  const filterErrors: QueueFilterError[] = [];
  let pageInvalid = false;
  const dropPager = () => {
    for (const field of QUEUE_PAGER_FIELDS) delete params[field];
  };
  const parsed = ItemListQuery.safeParse(params);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      if (QUEUE_FILTER_FIELDS.includes(field) && params[field] !== undefined && !filterErrors.some((error) => error.field === field)) {
        filterErrors.push({ field, value: params[field] });
        delete params[field];
      } else if (field === 'cursor') pageInvalid = true;
    }
  }
  // Another filter, another list: its pages start again from the first.
  if (filterErrors.length > 0 || pageInvalid) dropPager();
  try {
    const query = listQueryFrom(c, params);
    return { filterErrors, pageInvalid, query, position: queuePositionOf(params, query) };
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 400)) throw error;
    dropPager();
    const query = listQueryFrom(c, params);
    return { filterErrors, pageInvalid: true, query, position: queuePositionOf(params, query) };
  }
}

/**
 * Returns the item page: on a GET, or again after a refused form (`forms` holds what was typed and
 * why it was refused, `status` says so: 409, 422).
 */
async function renderItemPage(
  c: AppContext,
  id: number,
  flash: string | undefined,
  forms: ItemPageForms = {},
  status: 200 | 409 | 422 = 200,
  seenEvent?: number | null,
) {
  const db = c.get('deps').db;
  const item = await getItem(db, id);
  if (!item) throw new ApiError(404, 'not_found');
  const user = c.get('user')!;
  const canTriage = TRIAGE_ROLES.includes(user.role);
  // Templates for the item's verdict (every template while it has none); `?template=ID` fills the form without script.
  const templates = canTriage ? await listResponseTemplates(db, { verdict: item.verdict ?? undefined, enabledOnly: true }) : [];
  const templateId = parseId(c.req.query('template') ?? '');
  const chosen = templateId !== null && canTriage ? await getResponseTemplate(db, templateId) : null;
  const events = await listItemEvents(db, id);
  // After a conflict: what was recorded since the form was shown (null when the form did not say).
  const meanwhile: TriageEvent[] | null | undefined =
    seenEvent === undefined ? undefined : seenEvent === null ? null : events.filter((event) => Number(event.id) > seenEvent);
  return c.html(
    ItemPage({
      user,
      locale: c.get('locale'),
      item,
      assigneeId: item.assigneeId,
      assignees: await listUsersByRole(db, TRIAGE_ROLES),
      responses: await listResponses(db, id),
      events,
      meanwhile,
      revisions: await listRevisions(db, id),
      members: item.clusterId !== null && item.clusterSize > 1 ? await listClusterMembers(db, item.clusterId) : [],
      canTriage,
      flash,
      templates,
      prefill: chosen?.enabled ? { templateId: chosen.id, kind: chosen.kind, channel: chosen.channel, text: chosen.text } : undefined,
      forms,
      // Staff reach a citizen's submission (contact, attachments) from the item it became.
      feedbackId: canTriage ? await findFeedbackIdByItem(db, id) : null,
      denials: await listAccessDenials(db, { itemId: id, limit: 50 }),
      now: c.get('deps').now?.() ?? new Date(),
    }),
    status,
  );
}

/** Returns the item routes. */
export function itemRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/api/items', requireRole(...READ_ITEM_ROLES), async (c) => {
    const page = await listItems(c.get('deps').db, filtersFrom(c));
    return c.json(page);
  });

  routes.get('/api/items/:id', requireRole(...READ_ITEM_ROLES), async (c) => {
    const item = await getItem(c.get('deps').db, idParam(c));
    if (!item) throw new ApiError(404, 'not_found');
    return c.json(item);
  });

  routes.post('/api/items/bulk', requireRole(...TRIAGE_ROLES), async (c) => {
    const parsed = BulkChangeBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new ApiError(422, 'validation_failed', parsed.error.issues);
    // As on the item page: a dismissal says why, or nothing is changed.
    if (parsed.data.status === 'dismissed' && !parsed.data.dismissReason) throw new ApiError(422, 'validation_failed', [DISMISS_REASON_REQUIRED]);
    return c.json({ results: await applyBulkChange(c, parsed.data) });
  });

  routes.patch('/api/items/:id', requireRole(...TRIAGE_ROLES), async (c) => {
    const id = idParam(c);
    const parsed = ItemPatchBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new ApiError(400, 'validation_failed', parsed.error.issues);
    const { version, ...change } = parsed.data;
    // As on the pages and in bulk: a dismissal needs its reason (the weekly report and retraining read it).
    if (change.status === 'dismissed' && !change.dismissReason) throw new ApiError(422, 'validation_failed', [DISMISS_REASON_REQUIRED]);
    return c.json(await applyChange(c, id, { ...change, expectedVersion: version }));
  });

  routes.post('/api/items/:id/responses', requireRole(...TRIAGE_ROLES), async (c) => {
    const id = idParam(c);
    const parsed = ResponseBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new ApiError(422, 'validation_failed', parsed.error.issues);
    const result = await recordResponse(c, id, parsed.data);
    if (!result.ok) throw new ApiError(422, 'validation_failed', [result.issue]);
    return c.json(result.response, 201);
  });

  routes.post('/api/items/:id/responses/:responseId/answer', requireRole(...TRIAGE_ROLES), async (c) => {
    const id = idParam(c);
    const responseId = idParam(c, 'responseId');
    const parsed = AnswerBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new ApiError(422, 'validation_failed', parsed.error.issues);
    const result = await recordAnswer(c, id, responseId, parsed.data);
    if (!result.ok) throw result.error;
    return c.json(result.response);
  });

  routes.get('/api/items/:id/responses', requireRole(...READ_ITEM_ROLES), async (c) => {
    const id = idParam(c);
    const db = c.get('deps').db;
    if (!(await getItem(db, id))) throw new ApiError(404, 'not_found');
    return c.json({ responses: await listResponses(db, id) });
  });

  routes.get('/api/items/:id/events.csv', requireRole(...READ_ITEM_ROLES), async (c) => {
    const id = idParam(c);
    const db = c.get('deps').db;
    if (!(await getItem(db, id))) throw new ApiError(404, 'not_found');
    const events = await listEventsBetween(db, { itemId: id, limit: MAX_EXPORT_ROWS });
    return csvResponse(c, formatEventsCsv(events, downloadLanguage(c)), `item-${id}-events.csv`);
  });

  routes.get('/api/events.csv', requireRole(...READ_ITEM_ROLES), async (c) => {
    const parsed = EventExportQuery.safeParse(c.req.query());
    if (!parsed.success) throw new ApiError(400, 'validation_failed', parsed.error.issues);
    const { from, to } = parsed.data;
    const events = await listEventsBetween(c.get('deps').db, {
      from: from ? startOfDay(from) : undefined,
      to: to ? endOfDay(to) : undefined,
      limit: MAX_EXPORT_ROWS,
    });
    return csvResponse(c, formatEventsCsv(events, downloadLanguage(c)), `events-${from ?? 'start'}-${to ?? 'now'}.csv`);
  });

  routes.get('/api/items/:id/events', requireRole(...READ_ITEM_ROLES), async (c) => {
    const id = idParam(c);
    const db = c.get('deps').db;
    if (!(await getItem(db, id))) throw new ApiError(404, 'not_found');
    return c.json({ events: await listItemEvents(db, id) });
  });

  routes.get('/api/items/:id/revisions', requireRole(...READ_ITEM_ROLES), async (c) => {
    const id = idParam(c);
    const db = c.get('deps').db;
    if (!(await getItem(db, id))) throw new ApiError(404, 'not_found');
    return c.json({ revisions: await listRevisions(db, id) });
  });

  routes.get('/items', requireRole(...READ_ITEM_ROLES), async (c) => {
    const db = c.get('deps').db;
    const params: Record<string, string> = { ...c.req.query() };
    // A search too long to run shows the queue without it, the text kept in the box with the error.
    const typedSearch = params.q ?? '';
    const searchTooLong = typedSearch.length > MAX_SEARCH_LENGTH;
    if (searchTooLong) params.q = '';
    // A malformed filter (a typed address, a cut link) shows the queue without it, as a 400: the form
    // keeps what was typed with the error by its field. A pager link it did not write shows page 1.
    const { filterErrors, pageInvalid, query, position } = queueRequestOf(c, params);
    const filters = filtersFrom(c, query);
    const refused = filterErrors.length > 0 || pageInvalid;
    const user = c.get('user')!;
    // One query: the rows (only the columns a row shows), the overdue count, the sources and the saved views.
    const page = await getQueuePage(db, filters, user.id);
    const bulk = /^(\d{1,3})-(\d{1,3})$/.exec(params.bulk ?? '');
    return htmlBytes(
      c,
      ItemListPage({
        user,
        locale: c.get('locale'),
        items: page.items,
        nextCursor: page.nextCursor,
        position,
        // A page size asked for stays from page to page (and the range shown stays true).
        filters: { ...query, sourceId: query.source, limit: params.limit ? query.limit : undefined },
        sources: page.sources,
        overdueCount: page.overdueCount,
        now: filters.now ?? new Date(),
        canTriage: TRIAGE_ROLES.includes(user.role),
        bulkResult: bulk ? { ok: Number(bulk[1]), total: Number(bulk[2]) } : params.bulk === 'none' || params.bulk === 'reason' ? params.bulk : undefined,
        maxSearchLength: MAX_SEARCH_LENGTH,
        searchTooLong: searchTooLong ? typedSearch : undefined,
        savedViews: page.savedViews,
        viewFlash: VIEW_FLASHES.find((flash) => flash === params.viewFlash),
        viewName: params.viewName,
        filterErrors,
        pageInvalid,
      }),
      refused ? 400 : 200,
    );
  });

  routes.get('/items/:id', requireRole(...READ_ITEM_ROLES), async (c) => renderItemPage(c, idParam(c), c.req.query('flash')));

  // A refused form's page is shown at the address it was posted to: reloading or bookmarking it
  // (a GET there) goes to the item itself rather than to a 404.
  for (const path of ['/items/:id/status', '/items/:id/decision', '/items/:id/responses', '/items/:id/responses/:responseId/answer']) {
    routes.get(path, requireRole(...READ_ITEM_ROLES), (c) => c.redirect(`/items/${idParam(c)}`, 303));
  }

  routes.post('/items/bulk', requireRole(...TRIAGE_ROLES), async (c) => {
    const form = await c.req.parseBody({ all: true });
    const rawIds = form.ids === undefined ? [] : Array.isArray(form.ids) ? form.ids : [form.ids];
    const ids = rawIds.map((value) => parseId(typeof value === 'string' ? value : ''));
    const status = ITEM_STATUSES.find((value) => value === form.status);
    const reason = DISMISS_REASONS.find((value) => value === form.dismissReason);
    const back = queueQueryOf(form.back);
    // Nothing ticked: back to the same queue, saying so.
    if (ids.length === 0) return c.redirect(`/items${back ? `${back}&` : '?'}bulk=none`, 303);
    // Dismissed without a reason: back to the same queue with the item page's message, nothing changed.
    if (status === 'dismissed' && !reason) return c.redirect(`/items${back ? `${back}&` : '?'}bulk=reason`, 303);
    const parsed = BulkChangeBody.safeParse({
      ids,
      status,
      dismissReason: status === 'dismissed' ? reason : undefined,
    });
    if (!parsed.success) throw new ApiError(400, 'validation_failed', parsed.error.issues);
    const outcomes = await applyBulkChange(c, parsed.data);
    const done = `bulk=${outcomes.filter((outcome) => outcome.ok).length}-${outcomes.length}`;
    return c.redirect(`/items${back ? `${back}&${done}` : `?${done}`}`, 303);
  });

  routes.post('/items/:id/status', requireRole(...TRIAGE_ROLES), async (c) => {
    const id = idParam(c);
    const form = await c.req.parseBody();
    const status = ITEM_STATUSES.find((value) => value === form.status);
    if (!status) throw new ApiError(400, 'validation_failed');
    const reason = DISMISS_REASONS.find((value) => value === form.dismissReason);
    const chosen = { status, dismissReason: reason };
    // The form asks why (required); a post without a reason is refused with the same words.
    if (status === 'dismissed' && !reason) {
      return renderItemPage(c, id, 'invalid', { status: { ...chosen, errors: [{ field: 'dismissReason', code: 'dismiss_reason_required' }] } }, 422);
    }
    const outcome = await applyFormChange(c, id, { status, dismissReason: reason, expectedVersion: versionOf(form.version) });
    // On a conflict the latest version is shown, with what was chosen and what changed meanwhile.
    if (outcome === 'conflict') return renderItemPage(c, id, 'conflict', { status: { ...chosen, errors: [] } }, 409, seenOf(form.seen));
    return c.redirect(`/items/${id}?flash=saved`, 303);
  });

  routes.post('/items/:id/decision', requireRole(...TRIAGE_ROLES), async (c) => {
    const id = idParam(c);
    const form = await c.req.parseBody();
    const verdict = formVerdict(form.verdict);
    const assigneeId = formAssignee(form.assigneeId);
    const typedNote = formText(form.note);
    // Measured as the JSON route measures it (ItemPatchBody): cleaned, then at most 2,000 characters.
    const note = cleanText(typedNote);
    const noteTooLong = note.length > MAX_NOTE_LENGTH;
    // The form comes back with the note (as typed when it was too long) and the verdict, and why it was refused.
    const refuse = (errors: FeedbackFieldError[]) =>
      renderItemPage(
        c,
        id,
        'invalid',
        { decision: { note: noteTooLong ? typedNote : note, verdict: verdict === false ? undefined : verdict, assigneeId: assigneeId === false ? undefined : assigneeId, errors } },
        422,
      );
    const errors: FeedbackFieldError[] = [
      ...(verdict === false ? [{ field: 'verdict', code: 'invalid' }] : []),
      ...(assigneeId === false ? [{ field: 'assigneeId', code: 'assignee' }] : []),
      ...(noteTooLong ? [{ field: 'note', code: 'note_too_long' }] : []),
    ];
    if (verdict === false || assigneeId === false || noteTooLong) return refuse(errors);
    try {
      const outcome = await applyFormChange(c, id, { verdict, assigneeId, note: note || undefined, expectedVersion: versionOf(form.version) });
      // On a conflict the latest version is shown, with everything chosen still there to send again
      // (a missing field stays the stored value) and what changed meanwhile.
      if (outcome === 'conflict') return renderItemPage(c, id, 'conflict', { decision: { note, verdict, assigneeId, errors: [] } }, 409, seenOf(form.seen));
      return c.redirect(`/items/${id}?flash=saved`, 303);
    } catch (error) {
      if (isUnknownAssignee(error)) return refuse([{ field: 'assigneeId', code: 'assignee' }]);
      throw error;
    }
  });

  routes.post('/items/:id/responses', requireRole(...TRIAGE_ROLES), async (c) => {
    const id = idParam(c);
    const values = responseFormValues(await c.req.parseBody());
    const parsed = ResponseBody.safeParse({
      ...values,
      link: values.link.trim(),
      respondedAt: instantOfForm(values.respondedAt),
    });
    const refuse = (errors: FeedbackFieldError[]) => renderItemPage(c, id, 'invalid', { response: { values, errors } }, 422);
    if (!parsed.success) return refuse(formErrorsOf(parsed.error.issues));
    const result = await recordResponse(c, id, parsed.data);
    if (!result.ok) return refuse([{ field: result.issue.path[0], code: result.issue.code }]);
    return c.redirect(`/items/${id}?flash=saved`, 303);
  });

  routes.post('/items/:id/responses/:responseId/answer', requireRole(...TRIAGE_ROLES), async (c) => {
    const id = idParam(c);
    const responseId = idParam(c, 'responseId');
    const form = await c.req.parseBody();
    const values = { answer: formText(form.answer), answeredAt: formText(form.answeredAt) };
    const parsed = AnswerBody.safeParse({ answer: values.answer, answeredAt: instantOfForm(values.answeredAt) });
    const refuse = (errors: FeedbackFieldError[]) => renderItemPage(c, id, 'invalid', { answer: { responseId, values, errors } }, 422);
    if (!parsed.success) return refuse(formErrorsOf(parsed.error.issues));
    const result = await recordAnswer(c, id, responseId, parsed.data);
    if (!result.ok) {
      if (result.issue) return refuse([{ field: result.issue.path[0], code: result.issue.code }]);
      if (result.error.status === 404) throw result.error;
      return c.redirect(`/items/${id}?flash=${result.error.code === 'answer_exists' ? 'answer_exists' : 'invalid'}#response-${responseId}`, 303);
    }
    return c.redirect(`/items/${id}?flash=saved#response-${responseId}`, 303);
  });
  return routes;
}
