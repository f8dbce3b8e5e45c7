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
  type FeedbackFormValues,
} from '../../dashboard/views/feedback-page.tsx';
import { countOwnFeedbackByMonth, findFeedbackByKey, getOwnFeedback, insertFeedback, listOwnFeedback, type NewFeedback, type StoredFeedback } from '../db/queries/feedback.ts';
import { getSetting } from '../db/queries/settings.ts';
import type { Classification } from '../domain/classification.ts';
import {
  CONSENT_VERSIONS,
  FEEDBACK_CHANNELS,
  MAX_FEEDBACK_CHARS,
  MTTQ_FEEDBACK_SOURCE,
  feedbackTitle,
  receiptFromBytes,
  type FeedbackSubmission,
} from '../domain/feedback.ts';
import { computePriority } from '../domain/item.ts';
import { EMPTY_GAZETTEER, type Gazetteer } from '../domain/rule.ts';
import type { Role } from '../domain/user.ts';
import { type AppContext, type AppEnv, requireRole } from './context.ts';
import { ApiError } from './errors.ts';
import { parseId } from './query-schemas.ts';

/** Who may submit feedback and see their own submissions. */
export const FEEDBACK_ROLES: Role[] = ['mttq', 'admin'];

// Invisible characters that hide or reorder text: zero-width space, word joiner, BOM, direction
// marks, embeddings and overrides. Joiners (U+200C/D) stay: emoji sequences need them.
const INVISIBLE = /[\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
// Control characters: none at all in one-line fields (CR/LF would forge lines in mail or logs).
const CONTROL_ANY = /[\u0000-\u001F\u007F-\u009F]/;
// In the opinion itself, tabs and line breaks are fine.
const CONTROL_MULTILINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

function clean(value: string): string {
  return value.normalize('NFC').replace(INVISIBLE, '').trim();
}

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

const VIETNAM_OFFSET = '+07:00';
const EARLIEST_RECEIVED = Date.UTC(2000, 0, 1);
const DAY_MS = 24 * 60 * 60 * 1000;

/** Returns the instant of a date (yyyy-mm-dd, Vietnam) or an ISO date-time with offset, or null. */
function parseReceivedAt(value: string): Date | null {
  let date: Date;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) date = new Date(`${value}T00:00:00${VIETNAM_OFFSET}`);
  else if (z.iso.datetime({ offset: true }).safeParse(value).success) date = new Date(value);
  else return null;
  const time = date.getTime();
  if (Number.isNaN(time) || time < EARLIEST_RECEIVED || time > Date.now() + DAY_MS) return null;
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
      if (!date) context.addIssue({ code: 'custom', message: 'invalid_date' });
      return date;
    })
    .nullish(),
  citizen: z.strictObject({ name: line(200), contact: line(200) }).nullish(),
  consent: z.strictObject(
    {
      given: z.literal(true, 'consent_required'),
      version: z.enum(CONSENT_VERSIONS, 'consent_version'),
    },
    'consent_required',
  ),
});

const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,200}$/;

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

type Checked = { ok: true; submission: FeedbackSubmission } | { ok: false; errors: FeedbackFieldError[] };

/** Checks a submission body. Names and contacts never appear in the errors. */
export function checkFeedback(body: unknown): Checked {
  const parsed = FeedbackBody.safeParse(body);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error.issues) };
  const data = parsed.data;
  return {
    ok: true,
    submission: {
      content: data.content,
      topic: data.topic ?? null,
      residentialGroup: data.residentialGroup ?? null,
      school: data.school ?? null,
      channel: data.channel ?? null,
      receivedAt: data.receivedAt ?? null,
      citizenName: data.citizen?.name ?? null,
      citizenContact: data.citizen?.contact ?? null,
      consentVersion: data.consent.version,
    },
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Classifies and stores a checked submission in one transaction; answers the earlier one for a known key. */
async function submit(c: AppContext, submission: FeedbackSubmission, idempotencyKey: string | null): Promise<StoredFeedback> {
  const deps = c.get('deps');
  const user = c.get('user')!;
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
      sourceName: MTTQ_FEEDBACK_SOURCE,
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
    userId: user.id,
    now,
  };
  try {
    return await insertFeedback(deps.db, input);
  } catch (error) {
    throw scrubbed(error);
  }
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

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/** Returns the form's values as they were typed, to show them again. */
function formValues(form: Record<string, unknown>): FeedbackFormValues {
  return {
    content: str(form.content),
    topic: str(form.topic),
    residentialGroup: str(form.residentialGroup),
    school: str(form.school),
    channel: str(form.channel),
    receivedAt: str(form.receivedAt),
    citizenName: str(form.citizenName),
    citizenContact: str(form.citizenContact),
    consent: str(form.consent) !== '',
    idempotencyKey: IDEMPOTENCY_KEY.test(str(form.idempotencyKey)) ? str(form.idempotencyKey) : randomUUID(),
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

async function renderForm(c: AppContext, values: FeedbackFormValues, errors: FeedbackFieldError[] = [], status: 200 | 422 = 200) {
  const gazetteer = await getSetting<Gazetteer>(c.get('deps').db, 'gazetteer', EMPTY_GAZETTEER);
  return c.html(
    FeedbackFormPage({
      user: c.get('user')!,
      locale: c.get('locale'),
      values,
      errors,
      residentialGroups: Array.isArray(gazetteer.residentialGroups) ? gazetteer.residentialGroups : [],
      schools: Array.isArray(gazetteer.schools) ? gazetteer.schools : [],
    }),
    status,
  );
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
      if (earlier) return c.json({ receipt: earlier.receipt, id: earlier.id }, 200);
    }
    const checked = checkFeedback(body);
    if (!checked.ok) throw new ApiError(422, 'validation_failed', checked.errors);
    const stored = await submit(c, checked.submission, key);
    return c.json({ receipt: stored.receipt, id: stored.id }, stored.created ? 201 : 200);
  });

  routes.get('/api/feedback/mine', requireRole(...FEEDBACK_ROLES), async (c) => {
    const db = c.get('deps').db;
    const user = c.get('user')!;
    const [feedback, monthly] = await Promise.all([listOwnFeedback(db, user.id), countOwnFeedbackByMonth(db, user.id)]);
    return c.json({ feedback, monthly });
  });

  routes.get('/feedback', requireRole(...FEEDBACK_ROLES), async (c) => {
    const db = c.get('deps').db;
    const user = c.get('user')!;
    const [feedback, monthly] = await Promise.all([listOwnFeedback(db, user.id), countOwnFeedbackByMonth(db, user.id)]);
    return c.html(FeedbackListPage({ user, locale: c.get('locale'), feedback, monthly }));
  });

  routes.get('/feedback/new', requireRole(...FEEDBACK_ROLES), (c) => renderForm(c, EMPTY_FORM()));

  routes.post('/feedback/new', requireRole(...FEEDBACK_ROLES), async (c) => {
    const form = await c.req.parseBody();
    const values = formValues(form);
    const user = c.get('user')!;
    const earlier = await findFeedbackByKey(c.get('deps').db, user.id, values.idempotencyKey);
    if (earlier) return c.redirect(`/feedback/${earlier.id}?flash=created`, 303);
    const checked = checkFeedback(bodyFromForm(values, form.consent));
    if (!checked.ok) return renderForm(c, values, checked.errors, 422);
    const stored = await submit(c, checked.submission, values.idempotencyKey);
    return c.redirect(`/feedback/${stored.id}?flash=created`, 303);
  });

  routes.get('/feedback/:id', requireRole(...FEEDBACK_ROLES), async (c) => {
    const id = parseId(c.req.param('id'));
    if (id === null) throw new ApiError(404, 'not_found');
    const user = c.get('user')!;
    const own = await getOwnFeedback(c.get('deps').db, user.id, id);
    if (!own) throw new ApiError(404, 'not_found');
    return c.html(FeedbackDetailPage({ user, locale: c.get('locale'), feedback: own, created: c.req.query('flash') === 'created' }));
  });

  return routes;
}
