// The public feedback form (no account), its receipt lookup, the administrator's switch, and the
// rate limits on every way to submit an opinion. Off by default: while off, every public route
// answers 404 as if it did not exist.
//
// Honeypot: the form carries a field people never see (hidden by CSS, aria-hidden, out of the tab
// order, autocomplete off). A robot that fills it in is answered exactly as if its post had been
// accepted (a 303 to a thanks page with a receipt-shaped code) and nothing is stored, so it learns
// nothing to adapt to. The JSON API has no honeypot: its body is strict and rate-limited.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { t } from '../../dashboard/i18n/messages.ts';
import {
  HONEYPOT_FIELD,
  PublicFeedbackFormPage,
  PublicFeedbackStatusPage,
  PublicFeedbackThanksPage,
  PublicFormSettingsPage,
  type PublicFormValues,
} from '../../dashboard/views/public-feedback-page.tsx';
import type { FeedbackFieldError } from '../../dashboard/views/feedback-page.tsx';
import type { StoredFeedback } from '../db/queries/feedback.ts';
import type { ValidAttachment } from '../domain/attachment.ts';
import { findPublicFeedbackStatus } from '../db/queries/public-feedback.ts';
import { getSetting, putSetting } from '../db/queries/settings.ts';
import { receiptFromBytes, type FeedbackSubmission } from '../domain/feedback.ts';
import {
  DEFAULT_PUBLIC_FORM,
  PUBLIC_FEEDBACK_SOURCE,
  PUBLIC_FORM_SETTING,
  normalizeReceipt,
  withDefaultPublicForm,
  type PublicFeedbackStatus,
} from '../domain/public-feedback.ts';
import { EMPTY_GAZETTEER, type Gazetteer } from '../domain/rule.ts';
import { createAddressResolver, limitRequests, rateKeyOf, type LimitedAnswer } from './client-address.ts';
import { type AppContext, type AppEnv, requireRole } from './context.ts';
import { ApiError } from './errors.ts';
import { formText } from './query-schemas.ts';
import { FEEDBACK_ROLES, checkFeedback, feedbackFormValues, renderRateLimitedFeedbackForm, submitFeedback } from './feedback.ts';
import { createRateLimiter } from './rate-limit.ts';

/** Public form posts per client address (IPv6 per /64) in ten minutes. */
export const PUBLIC_SUBMIT_LIMIT = { limit: 20, windowMs: 10 * 60_000 };
/** Receipt lookups per client address in ten minutes: enough for people, far too few to guess codes. */
export const PUBLIC_LOOKUP_LIMIT = { limit: 60, windowMs: 10 * 60_000 };
/** MTTQ submissions per officer and address in a minute: a meeting's notes typed in, not a flood. */
export const MTTQ_SUBMIT_LIMIT = { limit: 60, windowMs: 60_000 };

const MTTQ_SUBMIT_PATHS = new Set(['/api/feedback', '/feedback/new']);
const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,200}$/;

/** Returns whether the public form is open now. */
export async function isPublicFormOpen(c: AppContext): Promise<boolean> {
  return withDefaultPublicForm(await getSetting(c.get('deps').db, PUBLIC_FORM_SETTING, DEFAULT_PUBLIC_FORM)).enabled;
}

const requireOpen: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!(await isPublicFormOpen(c))) throw new ApiError(404, 'not_found');
  await next();
};

// An officer's form sent over the limit is drawn again with everything typed, not stored; the
// JSON API (and anyone who may not use the form) keeps the 429 error.
const mttqFormLimited: LimitedAnswer = (c, retryAfterSeconds) => {
  const user = c.get('user');
  if (c.req.path !== '/feedback/new' || !user || !FEEDBACK_ROLES.includes(user.role)) return null;
  return renderRateLimitedFeedbackForm(c, retryAfterSeconds);
};

/** Returns middleware limiting MTTQ submissions (POST /api/feedback, POST /feedback/new) per officer and address. */
export function feedbackRateLimit(trustedProxies: readonly string[] = []): MiddlewareHandler<AppEnv> {
  const keyOf = (c: AppContext, address: string) => {
    const user = c.get('user');
    // Signed out: the route answers 401 without storing anything.
    return user ? `${user.id}|${rateKeyOf(address)}` : null;
  };
  const limit = limitRequests(createRateLimiter(MTTQ_SUBMIT_LIMIT), createAddressResolver(trustedProxies), keyOf, mttqFormLimited);
  return (c, next) => (c.req.method === 'POST' && MTTQ_SUBMIT_PATHS.has(c.req.path) ? limit(c, next) : next());
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Returns the key stored for a public submission. Public submitters share one key space (they
 * have no account), so a key alone would let one client's "1" answer another client's receipt:
 * the key counts only together with the same checked submission.
 */
function scopedKey(key: string | null, submission: FeedbackSubmission): string | null {
  if (key === null) return null;
  return `public:${sha256(`${key}\u0000${JSON.stringify(submission)}`)}`;
}

/** Classifies and stores a checked public submission (and its attachments) in one transaction. */
function submitPublic(c: AppContext, checked: { submission: FeedbackSubmission; attachments: ValidAttachment[] }, idempotencyKey: string | null): Promise<StoredFeedback> {
  return submitFeedback(c, checked.submission, checked.attachments, scopedKey(idempotencyKey, checked.submission), {
    userId: null,
    isPublic: true,
    sourceName: PUBLIC_FEEDBACK_SOURCE,
  });
}


/** Fields of the MTTQ form a public submission may not carry. */
const PUBLIC_REFUSED_FIELDS = ['channel', 'receivedAt'] as const;

// The public form shows the MTTQ form's fields but channel and date received: the same reading serves.
const formValues = (form: Record<string, unknown>): PublicFormValues => feedbackFormValues(form);

function emptyForm(): PublicFormValues {
  return { content: '', topic: '', residentialGroup: '', school: '', citizenName: '', citizenContact: '', consent: false, idempotencyKey: randomUUID() };
}

async function renderForm(
  c: AppContext,
  values: PublicFormValues,
  errors: FeedbackFieldError[] = [],
  status: 200 | 422 | 429 = 200,
  retryAfterSeconds?: number,
) {
  const gazetteer = await getSetting<Gazetteer>(c.get('deps').db, 'gazetteer', EMPTY_GAZETTEER);
  return c.html(
    PublicFeedbackFormPage({
      locale: c.get('locale'),
      values,
      errors,
      retryAfterSeconds,
      residentialGroups: Array.isArray(gazetteer.residentialGroups) ? gazetteer.residentialGroups : [],
      schools: Array.isArray(gazetteer.schools) ? gazetteer.schools : [],
    }),
    status,
  );
}

function statusJson(found: PublicFeedbackStatus) {
  return {
    receipt: found.receipt,
    submittedAt: found.submittedAt.toISOString(),
    status: found.status,
    responses: found.responses.map((response) => ({ channel: response.channel, text: response.text, respondedAt: response.respondedAt.toISOString() })),
  };
}

/**
 * Draws the public form sent over the limit again (429), everything typed kept, nothing stored.
 * A filled honeypot changes nothing here: a person over the limit gets this page too, and the
 * hidden field is always drawn empty.
 */
const publicFormLimited: LimitedAnswer = async (c, retryAfterSeconds) => {
  let form: Record<string, unknown>;
  try {
    form = await c.req.parseBody();
  } catch {
    // An unreadable body has nothing to keep: the plain 429 page.
    return null;
  }
  return renderForm(c, formValues(form), [], 429, retryAfterSeconds);
};

const PublicFormBody = z.strictObject({ enabled: z.boolean() });

/** Returns the public form's routes (pages and JSON) and the administrator's switch. */
export function publicFeedbackRoutes(trustedProxies: readonly string[] = []): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const resolver = createAddressResolver(trustedProxies);
  // The form and the JSON API share one budget per address.
  const submitLimiter = createRateLimiter(PUBLIC_SUBMIT_LIMIT);
  const submitLimit = limitRequests(submitLimiter, resolver);
  const formSubmitLimit = limitRequests(submitLimiter, resolver, undefined, publicFormLimited);
  const lookupLimit = limitRequests(createRateLimiter(PUBLIC_LOOKUP_LIMIT), resolver);
  const noStore: MiddlewareHandler<AppEnv> = async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  };

  routes.get('/api/settings/public-form', requireRole('admin'), async (c) =>
    c.json(withDefaultPublicForm(await getSetting(c.get('deps').db, PUBLIC_FORM_SETTING, DEFAULT_PUBLIC_FORM))),
  );

  routes.put('/api/settings/public-form', requireRole('admin'), async (c) => {
    const parsed = PublicFormBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new ApiError(422, 'validation_failed', parsed.error.issues);
    await putSetting(c.get('deps').db, PUBLIC_FORM_SETTING, parsed.data);
    return c.json(parsed.data);
  });

  routes.get('/settings/public-form', requireRole('admin'), async (c) =>
    c.html(
      PublicFormSettingsPage({
        user: c.get('user')!,
        locale: c.get('locale'),
        enabled: await isPublicFormOpen(c),
        saved: c.req.query('flash') === 'saved',
      }),
    ),
  );

  routes.post('/settings/public-form', requireRole('admin'), async (c) => {
    const enabled = formText((await c.req.parseBody()).enabled);
    if (enabled !== 'true' && enabled !== 'false') throw new ApiError(422, 'validation_failed');
    await putSetting(c.get('deps').db, PUBLIC_FORM_SETTING, { enabled: enabled === 'true' });
    return c.redirect('/settings/public-form?flash=saved', 303);
  });

  routes.post('/api/public/feedback', requireOpen, submitLimit, async (c) => {
    const header = c.req.header('idempotency-key');
    if (header !== undefined && !IDEMPOTENCY_KEY.test(header)) {
      throw new ApiError(422, 'validation_failed', [{ field: 'Idempotency-Key', code: 'invalid' }]);
    }
    const body: unknown = await c.req.json().catch(() => undefined);
    if (body === undefined) throw new ApiError(400, 'validation_failed');
    // The public form has no channel and no date received: those are an MTTQ officer's to record
    // (a citizen could otherwise pose as meeting minutes or date an opinion years back).
    const officersOnly = PUBLIC_REFUSED_FIELDS.filter((field) => typeof body === 'object' && body !== null && field in body);
    if (officersOnly.length > 0) throw new ApiError(422, 'validation_failed', officersOnly.map((field) => ({ field, code: 'not_allowed' })));
    const checked = checkFeedback(body);
    if (!checked.ok) throw new ApiError(422, 'validation_failed', checked.errors);
    const stored = await submitPublic(c, checked, header ?? null);
    return c.json({ receipt: stored.receipt }, stored.created ? 201 : 200);
  });

  routes.get('/api/public/feedback/:receipt', requireOpen, lookupLimit, noStore, async (c) => {
    const receipt = normalizeReceipt(c.req.param('receipt'));
    const found = receipt === null ? null : await findPublicFeedbackStatus(c.get('deps').db, receipt);
    if (!found) {
      return c.json({ error: { code: 'not_found', message: t(c.get('locale'), 'public.status.notFound') } }, 404);
    }
    return c.json(statusJson(found));
  });

  routes.get('/public/feedback', requireOpen, (c) => renderForm(c, emptyForm()));

  routes.post('/public/feedback', requireOpen, formSubmitLimit, async (c) => {
    const form = await c.req.parseBody();
    if (formText(form[HONEYPOT_FIELD]).trim() !== '') {
      return c.redirect(`/public/feedback/thanks?receipt=${receiptFromBytes(randomBytes(8))}`, 303);
    }
    const values = formValues(form);
    const checked = checkFeedback({
      content: values.content,
      topic: values.topic,
      residentialGroup: values.residentialGroup,
      school: values.school,
      citizen: { name: values.citizenName, contact: values.citizenContact },
      consent: typeof form.consent === 'string' ? { given: true, version: form.consent } : undefined,
    });
    if (!checked.ok) return renderForm(c, values, checked.errors, 422);
    const stored = await submitPublic(c, checked, values.idempotencyKey);
    return c.redirect(`/public/feedback/thanks?receipt=${stored.receipt}`, 303);
  });

  routes.get('/public/feedback/thanks', requireOpen, noStore, (c) => {
    const receipt = normalizeReceipt(c.req.query('receipt'));
    if (receipt === null) throw new ApiError(404, 'not_found');
    return c.html(PublicFeedbackThanksPage({ locale: c.get('locale'), receipt }));
  });

  routes.get(
    '/public/feedback/status',
    requireOpen,
    noStore,
    // Only an actual lookup counts against the limit, not opening the empty page.
    (c, next) => (c.req.query('receipt') ? lookupLimit(c, next) : next()),
    async (c) => {
      const locale = c.get('locale');
      const typed = (c.req.query('receipt') ?? '').slice(0, 64);
      if (typed.trim() === '') return c.html(PublicFeedbackStatusPage({ locale, receipt: '' }));
      const receipt = normalizeReceipt(typed);
      if (receipt === null) return c.html(PublicFeedbackStatusPage({ locale, receipt: typed, error: 'invalid' }), 422);
      const found = await findPublicFeedbackStatus(c.get('deps').db, receipt);
      if (!found) return c.html(PublicFeedbackStatusPage({ locale, receipt: typed, error: 'not_found' }), 404);
      return c.html(PublicFeedbackStatusPage({ locale, receipt: found.receipt, found }));
    },
  );

  return routes;
}
