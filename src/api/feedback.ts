// Citizens' opinions gathered by the Fatherland Front (MTTQ): the form, its JSON API and the
// officer's own list. The submission is committed before anything else; names and contacts are
// stored apart, never answered to the submitter again, never logged.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import {
  FeedbackDetailPage,
  FeedbackFormPage,
  FeedbackListPage,
  type FeedbackFieldError,
  type FeedbackFormPageProps,
  type FeedbackFormValues,
} from '../../dashboard/views/feedback-page.tsx';
import {
  countOwnFeedbackByMonth,
  findFeedbackByKey,
  getAttachment,
  getFeedbackDetail,
  findFeedbackIdByItem,
  insertFeedback,
  listOwnFeedback,
  sameSubmission,
  type NewFeedback,
  type ResponseVisibility,
  type StoredFeedback,
  type SubmittedFields,
} from '../db/queries/feedback.ts';
import { getPseudonymSecret, listFeedbackForExport } from '../db/queries/privacy.ts';
import { getSetting } from '../db/queries/settings.ts';
import {
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS,
  attachmentDisposition,
  checkAttachments,
  type RawAttachment,
  type ValidAttachment,
} from '../domain/attachment.ts';
import type { Classification } from '../domain/classification.ts';
import {
  CONSENT_VERSIONS,
  FEEDBACK_CHANNELS,
  MAX_FEEDBACK_CHARS,
  MTTQ_FEEDBACK_SOURCE,
  feedbackTitle,
  receiptFromBytes,
  type FeedbackDetail,
  type FeedbackSubmission,
} from '../domain/feedback.ts';
import { citizenPseudonym } from '../domain/privacy.ts';
import { isPublishedResponse } from '../domain/public-feedback.ts';
import { computePriority } from '../domain/item.ts';
import { EMPTY_GAZETTEER, type Gazetteer } from '../domain/rule.ts';
import type { Role } from '../domain/user.ts';
import { type AppContext, type AppEnv, idParam, requireRole } from './context.ts';
import { ApiError } from './errors.ts';
import { escapeCsvCell } from './events-csv.ts';
import { cleanText as clean, formText, isCalendarDay, parseId, startOfDay } from './query-schemas.ts';

/** Who may submit feedback and see their own submissions. */
export const FEEDBACK_ROLES: Role[] = ['mttq', 'admin'];
/** Who may see any submission with the citizen's contact and attachments, and export them pseudonymised. */
export const FEEDBACK_WARD_ROLES: Role[] = ['admin', 'staff'];
/** Who may open a submission: its officer (their own only) and the ward. */
const FEEDBACK_DETAIL_ROLES: Role[] = ['mttq', 'admin', 'staff'];

/**
 * Largest request body on the feedback form and API: the attachments' total (15 MB) in base64
 * (×4/3) with room for the fields. Everything else keeps the app's 1 MB limit.
 */
export const FEEDBACK_BODY_LIMIT_BYTES = 24 * 1024 * 1024;

// Base64 as JSON carries it: standard alphabet, optional padding (line breaks are not accepted).
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

// Control characters: none at all in one-line fields (CR/LF would forge lines in mail or logs).
const CONTROL_ANY = /[\u0000-\u001F\u007F-\u009F]/;
// In the opinion itself, tabs and line breaks are fine.
const CONTROL_MULTILINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** An optional one-line text: NFC, invisible characters removed, empty → null. */
function line(max: number) {
  return z
    .string()
    .max(max * 4, 'too_long')
    .refine((value) => !CONTROL_ANY.test(value), 'control_characters')
    .transform(clean)
    .pipe(z.string().max(max, 'too_long'))
    .transform((value) => (value === '' ? null : value))
    .nullish();
}

const EARLIEST_RECEIVED = Date.UTC(2000, 0, 1);
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Returns the instant of a date (yyyy-mm-dd, Vietnam) or an ISO date-time with offset, or why it is
 * refused: not a date, after tomorrow, or before 2000 (a mistyped year).
 */
function parseReceivedAt(value: string): Date | 'invalid_date' | 'date_in_future' | 'date_too_old' {
  let date: Date;
  if (!isCalendarDay(value)) return 'invalid_date';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) date = startOfDay(value);
  else if (z.iso.datetime({ offset: true }).safeParse(value).success) date = new Date(value);
  else return 'invalid_date';
  const time = date.getTime();
  if (Number.isNaN(time)) return 'invalid_date';
  if (time < EARLIEST_RECEIVED) return 'date_too_old';
  if (time > Date.now() + DAY_MS) return 'date_in_future';
  return date;
}

/** The JSON body of POST /api/feedback. Strict: an unknown key (`__proto__` included) is refused. */
export const FeedbackBody = z.strictObject({
  content: z
    .string('required')
    .max(MAX_FEEDBACK_CHARS * 4, 'too_long')
    .refine((value) => !CONTROL_MULTILINE.test(value), 'control_characters')
    .transform((value) => clean(value.replace(/\r\n?/g, '\n')))
    .pipe(z.string().min(1, 'required').max(MAX_FEEDBACK_CHARS, 'too_long')),
  topic: line(200),
  residentialGroup: line(200),
  school: line(300),
  channel: z.enum(FEEDBACK_CHANNELS, 'invalid').nullish(),
  receivedAt: z
    .string()
    .max(40, 'invalid')
    .transform((value, context) => {
      if (value.trim() === '') return null;
      const date = parseReceivedAt(value.trim());
      if (date instanceof Date) return date;
      context.addIssue({ code: 'custom', message: date });
      return null;
    })
    .nullish(),
  citizen: z.strictObject({ name: line(200), contact: line(200) }).nullish(),
  attachments: z
    .array(
      z.strictObject({
        filename: z.string('required').max(1000, 'too_long'),
        data: z
          .string('required')
          .max(Math.ceil(MAX_ATTACHMENT_BYTES / 3) * 4 + 4, 'attachment_too_large')
          .refine((value) => value.length % 4 === 0 && BASE64.test(value), 'attachment_invalid'),
      }),
    )
    .max(MAX_ATTACHMENTS, 'too_many_attachments')
    .nullish(),
  consent: z.strictObject(
    {
      given: z.literal(true, 'consent_required'),
      version: z.enum(CONSENT_VERSIONS, 'consent_version'),
    },
    'consent_required',
  ),
});

const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,200}$/;

/**
 * The fields a retry under a known key is compared on, read with FeedbackBody's own normalisation
 * (NFC, invisible characters removed, CRLF → LF); the other fields of the body are ignored.
 */
const ComparableBody = z.object({
  content: FeedbackBody.shape.content,
  topic: FeedbackBody.shape.topic,
  residentialGroup: FeedbackBody.shape.residentialGroup,
  school: FeedbackBody.shape.school,
  channel: FeedbackBody.shape.channel,
  receivedAt: FeedbackBody.shape.receivedAt,
});

/** Returns the comparable fields of a body, or null when they cannot be read (then it is not the stored one). */
function submittedFields(body: unknown): SubmittedFields | null {
  const parsed = ComparableBody.safeParse(body);
  return parsed.success ? fieldsOf(parsed.data) : null;
}

/** Returns the submitted fields of a parsed body, absent ones as null (as they are stored). */
function fieldsOf(data: z.infer<typeof ComparableBody>): SubmittedFields {
  return {
    content: data.content,
    topic: data.topic ?? null,
    residentialGroup: data.residentialGroup ?? null,
    school: data.school ?? null,
    channel: data.channel ?? null,
    receivedAt: data.receivedAt ?? null,
  };
}

/** A key sent again with a different opinion: refused, so the new opinion is never silently dropped. */
function keyReusedError(): ApiError {
  return new ApiError(409, 'idempotency_key_reused', [{ field: 'Idempotency-Key', code: 'idempotency_key_reused' }]);
}

/** Returns the field errors of a failed parse, one code per field. */
function fieldErrors(issues: readonly z.core.$ZodIssue[]): FeedbackFieldError[] {
  const errors: FeedbackFieldError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ field: [...issue.path, key].join('.'), code: 'unknown_field' });
      continue;
    }
    const field = issue.path.map(String).join('.') || 'body';
    let code = 'invalid';
    if (/^[a-z_]+$/.test(issue.message)) code = issue.message;
    else if (issue.code === 'too_big') code = 'too_long';
    else if (issue.code === 'too_small') code = 'required';
    if (field.startsWith('consent') && code === 'invalid') code = 'consent_required';
    if (!errors.some((error) => error.field === field)) errors.push({ field, code });
  }
  return errors;
}

type Checked = { ok: true; submission: FeedbackSubmission; attachments: ValidAttachment[] } | { ok: false; errors: FeedbackFieldError[] };

/** Returns the `before` cursor of a list of one's own submissions (a submission id), null when absent; 400 when malformed. */
function beforeOf(c: AppContext): number | null {
  const value = c.req.query('before');
  if (value === undefined || value === '') return null;
  const id = parseId(value);
  if (id === null) throw new ApiError(400, 'validation_failed', [{ path: ['before'] }]);
  return id;
}

/**
 * Checks a submission body and its attachments (base64 in `attachments`, or files from a form).
 * Names and contacts never appear in the errors; every problem is reported at once.
 */
export function checkFeedback(body: unknown, files: readonly RawAttachment[] = []): Checked {
  const parsed = FeedbackBody.safeParse(body);
  const raw: RawAttachment[] = [...files];
  if (parsed.success) {
    for (const attachment of parsed.data.attachments ?? []) raw.push({ filename: attachment.filename, data: Buffer.from(attachment.data, 'base64') });
  }
  const attachments = checkAttachments(raw);
  const errors = [...(parsed.success ? [] : fieldErrors(parsed.error.issues)), ...(attachments.ok ? [] : attachments.errors)];
  if (!parsed.success || !attachments.ok) return { ok: false, errors };
  const data = parsed.data;
  return {
    ok: true,
    attachments: attachments.attachments,
    submission: {
      ...fieldsOf(data),
      citizenName: data.citizen?.name ?? null,
      citizenContact: data.citizen?.contact ?? null,
      consentVersion: data.consent.version,
    },
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Who a submission comes from: an MTTQ officer (or admin), or the public form (no account). */
export interface SubmissionOrigin {
  userId: number | null;
  isPublic: boolean;
  /** The form source its item is stored under. */
  sourceName: string;
}

/**
 * Classifies and stores a checked submission with its attachments in one transaction; answers the
 * earlier one for a known key. Shared by the MTTQ form and the public form.
 */
export async function submitFeedback(
  c: AppContext,
  submission: FeedbackSubmission,
  attachments: ValidAttachment[],
  idempotencyKey: string | null,
  origin: SubmissionOrigin,
): Promise<StoredFeedback> {
  const deps = c.get('deps');
  const now = deps.now?.() ?? new Date();
  const title = feedbackTitle(submission.content);
  let classification: Classification | null = null;
  try {
    const classifier = await deps.classifiers.get();
    classification = classifier.classify({ title, body: submission.content, kind: 'comment' });
  } catch {
    // Accepted all the same: an item without a classification is picked up by reclassification.
    classification = null;
  }
  const labels = classification?.labels ?? [];
  const receipt = receiptFromBytes(randomBytes(8));
  // The citizen's name and contact stay out of the searchable text.
  const searchable = [title, submission.content, submission.topic, submission.residentialGroup, submission.school];
  const input: NewFeedback = {
    submission,
    item: {
      sourceName: origin.sourceName,
      keyHash: sha256(`feedback\u0000${receipt}`),
      title,
      searchText: deps.foldQuery(searchable.filter((part) => part).join('\n')),
      contentHash: sha256(`${title}\u0000${submission.content}`),
      labels,
      classification,
      priority: computePriority(labels),
    },
    receipt,
    idempotencyKey,
    userId: origin.userId,
    isPublic: origin.isPublic,
    attachments,
    now,
  };
  try {
    return await insertFeedback(deps.db, input);
  } catch (error) {
    throw scrubbed(error);
  }
}

async function submit(c: AppContext, submission: FeedbackSubmission, attachments: ValidAttachment[], idempotencyKey: string | null): Promise<StoredFeedback> {
  return submitFeedback(c, submission, attachments, idempotencyKey, { userId: c.get('user')!.id, isPublic: false, sourceName: MTTQ_FEEDBACK_SOURCE });
}

/**
 * Returns an error that keeps the database's error code but not the failed query's parameters:
 * those hold the citizen's name and contact, and unhandled errors are logged.
 */
function scrubbed(error: unknown): Error {
  const cause = (error as { cause?: unknown } | null)?.cause ?? error;
  const code = (cause as { code?: unknown } | null)?.code;
  return new Error(`db: storing feedback failed (${typeof code === 'string' ? code : 'no code'})`);
}

function idempotencyKeyFrom(c: AppContext): string | null {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return null;
  if (!IDEMPOTENCY_KEY.test(key)) throw new ApiError(422, 'validation_failed', [{ field: 'Idempotency-Key', code: 'invalid' }]);
  return key;
}

const EXPORT_HEADER = [
  'feedback_id',
  'item_id',
  'created_at',
  'received_at',
  'channel',
  'topic',
  'residential_group',
  'school',
  'status',
  'origin',
  'citizen',
  'contact_deleted_at',
  'content',
];

function exportDate(value: string | undefined, field: string): Date | null {
  if (value === undefined || value === '') return null;
  // A day that is not in the calendar (2026-02-30) is refused: Date would roll it over into March.
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) && isCalendarDay(value) ? startOfDay(value) : null;
  if (!date || Number.isNaN(date.getTime())) throw new ApiError(422, 'validation_failed', [{ field, code: 'invalid_date' }]);
  return date;
}

/** What the caller may see of a submission: the ward sees everything; an officer their own, without the contact. */
type VisibleDetail = FeedbackDetail | (Omit<FeedbackDetail, 'contact' | 'submittedBy'>);

async function visibleDetail(c: AppContext, rawId: string): Promise<VisibleDetail> {
  const id = parseId(rawId);
  if (id === null) throw new ApiError(404, 'not_found');
  const user = c.get('user')!;
  const detail = await getFeedbackDetail(c.get('deps').db, id);
  if (!detail) throw new ApiError(404, 'not_found');
  if (FEEDBACK_WARD_ROLES.includes(user.role)) return detail;
  // Another officer's submission does not exist for this one.
  if (detail.submittedBy !== user.id) throw new ApiError(404, 'not_found');
  // The officer typed the contact in; it is not answered back to them.
  const { contact: _contact, submittedBy: _submittedBy, ...own } = detail;
  // Like the citizen, the officer sees the published responses, not the ward's internal ones.
  return { ...own, responses: own.responses.filter((response) => isPublishedResponse(response.kind, response.channel)) };
}

/** Which responses the reader sees with their own submissions: the ward all, an officer the published ones. */
function responseVisibility(role: Role): ResponseVisibility {
  return { publishedOnly: !FEEDBACK_WARD_ROLES.includes(role) };
}

/** Returns the files of a multipart form field; an empty file input (no name, no bytes) is none. */
async function filesFromForm(value: unknown): Promise<RawAttachment[]> {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const files: RawAttachment[] = [];
  for (const entry of list) {
    if (typeof entry === 'string' || !(entry instanceof Blob)) continue;
    const name = (entry as File).name ?? '';
    if (entry.size === 0 && name === '') continue;
    files.push({ filename: name, data: Buffer.from(await entry.arrayBuffer()) });
  }
  return files;
}


/** Returns the form's values as they were typed, to show them again (the public form's too). */
export function feedbackFormValues(form: Record<string, unknown>): FeedbackFormValues {
  return {
    content: formText(form.content),
    topic: formText(form.topic),
    residentialGroup: formText(form.residentialGroup),
    school: formText(form.school),
    channel: formText(form.channel),
    receivedAt: formText(form.receivedAt),
    citizenName: formText(form.citizenName),
    citizenContact: formText(form.citizenContact),
    consent: formText(form.consent) !== '',
    idempotencyKey: IDEMPOTENCY_KEY.test(formText(form.idempotencyKey)) ? formText(form.idempotencyKey) : randomUUID(),
  };
}

function bodyFromForm(values: FeedbackFormValues, consent: unknown) {
  return {
    content: values.content,
    topic: values.topic,
    residentialGroup: values.residentialGroup,
    school: values.school,
    channel: values.channel === '' ? null : values.channel,
    receivedAt: values.receivedAt,
    citizen: { name: values.citizenName, contact: values.citizenContact },
    consent: typeof consent === 'string' ? { given: true, version: consent } : undefined,
  };
}

const EMPTY_FORM = (): FeedbackFormValues => ({
  content: '',
  topic: '',
  residentialGroup: '',
  school: '',
  channel: '',
  receivedAt: '',
  citizenName: '',
  citizenContact: '',
  consent: false,
  idempotencyKey: randomUUID(),
});

async function renderForm(
  c: AppContext,
  values: FeedbackFormValues,
  errors: FeedbackFieldError[] = [],
  status: 200 | 409 | 422 | 429 = 200,
  keyReused = false,
  rateLimited?: FeedbackFormPageProps['rateLimited'],
) {
  const gazetteer = await getSetting<Gazetteer>(c.get('deps').db, 'gazetteer', EMPTY_GAZETTEER);
  // The form carries its idempotency key: Back after sending must fetch a fresh form, not the cached one.
  c.header('Cache-Control', 'no-store');
  return c.html(
    FeedbackFormPage({
      user: c.get('user')!,
      locale: c.get('locale'),
      values,
      errors,
      keyReused,
      rateLimited,
      residentialGroups: Array.isArray(gazetteer.residentialGroups) ? gazetteer.residentialGroups : [],
      schools: Array.isArray(gazetteer.schools) ? gazetteer.schools : [],
    }),
    status,
  );
}

/** Shows the typed opinion again, not stored, with a fresh key: its key was used for a different one. */
function renderKeyReused(c: AppContext, values: FeedbackFormValues) {
  return renderForm(c, { ...values, idempotencyKey: randomUUID() }, [], 409, true);
}

/**
 * Draws the officer's form sent over the rate limit again (429) with everything typed, its key
 * unchanged (nothing was stored under it); chosen files cannot be put back, so the page asks for
 * them again. Null when the body cannot be read (the plain 429 page then).
 */
export async function renderRateLimitedFeedbackForm(c: AppContext, retryAfterSeconds: number): Promise<Response | null> {
  let form: Record<string, unknown>;
  try {
    form = await c.req.parseBody({ all: true });
  } catch {
    return null;
  }
  const hadFiles = (await filesFromForm(form.attachments)).length > 0;
  return renderForm(c, feedbackFormValues(form), [], 429, false, { retryAfterSeconds, hadFiles });
}

/** Returns the MTTQ feedback routes: JSON and pages. */
export function feedbackRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.post('/api/feedback', requireRole(...FEEDBACK_ROLES), async (c) => {
    const key = idempotencyKeyFrom(c);
    const body: unknown = await c.req.json().catch(() => undefined);
    if (body === undefined) throw new ApiError(400, 'validation_failed');
    const user = c.get('user')!;
    if (key !== null) {
      const earlier = await findFeedbackByKey(c.get('deps').db, user.id, key);
      if (earlier) {
        if (!sameSubmission(earlier.submitted, submittedFields(body))) throw keyReusedError();
        return c.json({ receipt: earlier.receipt, id: earlier.id }, 200);
      }
    }
    const checked = checkFeedback(body);
    if (!checked.ok) throw new ApiError(422, 'validation_failed', checked.errors);
    const stored = await submit(c, checked.submission, checked.attachments, key);
    if (stored.keyReused) throw keyReusedError();
    return c.json({ receipt: stored.receipt, id: stored.id }, stored.created ? 201 : 200);
  });

  routes.get('/api/feedback/mine', requireRole(...FEEDBACK_ROLES), async (c) => {
    const db = c.get('deps').db;
    const user = c.get('user')!;
    const [page, monthly] = await Promise.all([listOwnFeedback(db, user.id, responseVisibility(user.role), { before: beforeOf(c) }), countOwnFeedbackByMonth(db, user.id)]);
    return c.json({ feedback: page.feedback, olderThan: page.olderThan, monthly });
  });

  routes.get('/feedback', requireRole(...FEEDBACK_ROLES), async (c) => {
    const db = c.get('deps').db;
    const user = c.get('user')!;
    const before = beforeOf(c);
    const [page, monthly] = await Promise.all([listOwnFeedback(db, user.id, responseVisibility(user.role), { before }), countOwnFeedbackByMonth(db, user.id)]);
    return c.html(FeedbackListPage({ user, locale: c.get('locale'), feedback: page.feedback, olderThan: page.olderThan, paged: before !== null, monthly }));
  });

  routes.get('/feedback/new', requireRole(...FEEDBACK_ROLES), (c) => renderForm(c, EMPTY_FORM()));

  routes.post('/feedback/new', requireRole(...FEEDBACK_ROLES), async (c) => {
    const form = await c.req.parseBody({ all: true });
    const values = feedbackFormValues(form);
    const user = c.get('user')!;
    const body = bodyFromForm(values, form.consent);
    const earlier = await findFeedbackByKey(c.get('deps').db, user.id, values.idempotencyKey);
    if (earlier) {
      if (!sameSubmission(earlier.submitted, submittedFields(body))) return renderKeyReused(c, values);
      return c.redirect(`/feedback/${earlier.id}?flash=created`, 303);
    }
    const files = await filesFromForm(form.attachments);
    const checked = checkFeedback(body, files);
    if (!checked.ok) return renderForm(c, values, checked.errors, 422);
    const stored = await submit(c, checked.submission, checked.attachments, values.idempotencyKey);
    if (stored.keyReused) return renderKeyReused(c, values);
    return c.redirect(`/feedback/${stored.id}?flash=created`, 303);
  });

  // The ward's export: the citizen appears as a stable pseudonym, never by name or contact.
  routes.get('/api/feedback/export.csv', requireRole(...FEEDBACK_WARD_ROLES), async (c) => {
    const db = c.get('deps').db;
    const from = exportDate(c.req.query('from'), 'from');
    const to = exportDate(c.req.query('to'), 'to');
    const [secret, rows] = await Promise.all([getPseudonymSecret(db), listFeedbackForExport(db, { from: from ?? undefined, to: to ? new Date(to.getTime() + DAY_MS) : undefined })]);
    const lines = [EXPORT_HEADER.join(',')];
    for (const row of rows) {
      const cells = [
        String(row.id),
        String(row.itemId),
        row.createdAt.toISOString(),
        row.receivedAt?.toISOString() ?? '',
        row.channel ?? '',
        row.topic ?? '',
        row.residentialGroup ?? '',
        row.school ?? '',
        row.status,
        row.isPublic ? 'public' : 'mttq',
        citizenPseudonym(secret, row.name === null && row.contact === null ? null : row),
        row.contactDeletedAt ? row.contactDeletedAt.toISOString() : '',
        row.content,
      ];
      lines.push(cells.map(escapeCsvCell).join(','));
    }
    c.header('content-type', 'text/csv; charset=utf-8');
    c.header('content-disposition', 'attachment; filename="y-kien-cu-tri.csv"');
    c.header('cache-control', 'no-store');
    return c.body(`\uFEFF${lines.join('\r\n')}\r\n`);
  });

  routes.get('/api/feedback/:id', requireRole(...FEEDBACK_DETAIL_ROLES), async (c) => {
    const detail = await visibleDetail(c, c.req.param('id'));
    return c.json(detail);
  });

  // Served as a download only: the sniffed type, never rendered in the app's origin.
  routes.get('/api/feedback/:id/attachments/:attachmentId', requireRole(...FEEDBACK_DETAIL_ROLES), async (c) => {
    const id = idParam(c);
    const attachmentId = idParam(c, 'attachmentId');
    const user = c.get('user')!;
    const attachment = await getAttachment(c.get('deps').db, id, attachmentId);
    if (!attachment) throw new ApiError(404, 'not_found');
    if (!FEEDBACK_WARD_ROLES.includes(user.role) && attachment.submittedBy !== user.id) throw new ApiError(404, 'not_found');
    c.header('content-type', attachment.contentType);
    c.header('content-disposition', attachmentDisposition(attachment.filename));
    c.header('x-content-type-options', 'nosniff');
    c.header('content-security-policy', "sandbox; default-src 'none'");
    c.header('cache-control', 'private, no-store');
    c.header('content-length', String(attachment.data.length));
    return c.body(new Uint8Array(attachment.data));
  });

  // The item page links here for items that came from the form: staff reach the contact from the queue.
  routes.get('/feedback/by-item/:itemId', requireRole(...FEEDBACK_WARD_ROLES), async (c) => {
    const id = await findFeedbackIdByItem(c.get('deps').db, idParam(c, 'itemId'));
    if (id === null) throw new ApiError(404, 'not_found');
    return c.redirect(`/feedback/${id}`, 303);
  });

  routes.get('/feedback/:id', requireRole(...FEEDBACK_DETAIL_ROLES), async (c) => {
    const detail = await visibleDetail(c, c.req.param('id'));
    const user = c.get('user')!;
    return c.html(
      FeedbackDetailPage({
        user,
        locale: c.get('locale'),
        feedback: detail,
        attachments: detail.attachments,
        ward: 'contact' in detail ? detail : undefined,
        created: c.req.query('flash') === 'created',
      }),
    );
  });

  return routes;
}
