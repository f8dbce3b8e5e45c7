// Citizens' personal data, for administrators: requests to see or delete one's data (found by
// receipt code or contact, logged without the value searched) and the retention period.
import { Hono } from 'hono';
import { z } from 'zod';
import { DataRequestsPage, type DataRequestFormValues } from '../../dashboard/views/data-requests-page.tsx';
import type { FeedbackFieldError } from '../../dashboard/views/feedback-page.tsx';
import { carryOutDataRequest, getRetentionDays, listDataRequests } from '../db/queries/privacy.ts';
import { putSetting } from '../db/queries/settings.ts';
import {
  DATA_REQUEST_KINDS,
  MAX_RETENTION_DAYS,
  MIN_RETENTION_DAYS,
  RETENTION_SETTING,
  type RetentionSetting,
} from '../domain/privacy.ts';
import { normalizeReceipt } from '../domain/public-feedback.ts';
import { type AppContext, type AppEnv, requireRole } from './context.ts';
import { ApiError } from './errors.ts';
import { formText } from './query-schemas.ts';

// Control characters and invisible or reordering ones: a contact is one visible line.
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;

const optionalText = (max: number) =>
  z
    .string()
    .max(max, 'too_long')
    .refine((value) => !CONTROL.test(value), 'control_characters')
    .transform((value) => value.normalize('NFC').trim())
    .nullish();

/**
 * The body of POST /api/data-requests: a kind and exactly one of receipt or contact. The receipt is
 * read as the public status page reads it (any case, spaces, with or without `PA-` or its dash).
 */
export const DataRequestBody = z
  .strictObject({
    kind: z.enum(DATA_REQUEST_KINDS, 'invalid'),
    receipt: optionalText(40).refine((value) => !value || normalizeReceipt(value) !== null, 'invalid_receipt'),
    contact: optionalText(200),
  })
  .superRefine((body, context) => {
    const given = [body.receipt, body.contact].filter((value) => value).length;
    if (given !== 1) context.addIssue({ code: 'custom', path: ['receipt'], message: 'receipt_or_contact' });
  });

/** The body of PUT /api/settings/retention. */
export const RetentionBody = z.strictObject({
  days: z.number('invalid').int('invalid').min(MIN_RETENTION_DAYS, 'invalid').max(MAX_RETENTION_DAYS, 'invalid'),
});

function fieldErrors(issues: readonly z.core.$ZodIssue[]): FeedbackFieldError[] {
  const errors: FeedbackFieldError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ field: key, code: 'unknown_field' });
      continue;
    }
    const field = issue.path.map(String).join('.') || 'body';
    const code = /^[a-z_]+$/.test(issue.message) ? issue.message : 'invalid';
    if (!errors.some((error) => error.field === field)) errors.push({ field, code });
  }
  return errors;
}

const retentionDays = (c: AppContext): Promise<number> => getRetentionDays(c.get('deps').db);

/** Carries out a validated request for the signed-in administrator (the receipt as stored: `PA-` and capitals). */
function carryOut(c: AppContext, body: z.infer<typeof DataRequestBody>) {
  const deps = c.get('deps');
  return carryOutDataRequest(deps.db, {
    kind: body.kind,
    receipt: body.receipt ? normalizeReceipt(body.receipt) : null,
    contact: body.contact || null,
    performedBy: c.get('user')!.id,
    now: deps.now?.() ?? new Date(),
  });
}


/** Returns the routes of data-subject requests and the retention period (admin only). */
export function privacyRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const admin = requireRole('admin');

  routes.get('/api/data-requests', admin, async (c) => c.json({ requests: await listDataRequests(c.get('deps').db) }));

  // The answer may hold the citizen's data (access); nothing of the search is logged or kept.
  routes.post('/api/data-requests', admin, async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined);
    if (body === undefined) throw new ApiError(400, 'validation_failed');
    const parsed = DataRequestBody.safeParse(body);
    if (!parsed.success) throw new ApiError(422, 'validation_failed', fieldErrors(parsed.error.issues));
    const outcome = await carryOut(c, parsed.data);
    c.header('cache-control', 'no-store');
    return c.json(outcome, 200);
  });

  routes.get('/data-requests', admin, async (c) =>
    c.html(
      DataRequestsPage({
        user: c.get('user')!,
        locale: c.get('locale'),
        log: await listDataRequests(c.get('deps').db),
        retentionDays: await retentionDays(c),
        flash: c.req.query('flash') === 'retention' ? 'retention' : undefined,
      }),
    ),
  );

  routes.post('/data-requests', admin, async (c) => {
    const form = await c.req.parseBody();
    const values: DataRequestFormValues = { kind: formText(form.kind), receipt: formText(form.receipt), contact: formText(form.contact) };
    const deps = c.get('deps');
    const render = async (status: 200 | 422, extra: Partial<Parameters<typeof DataRequestsPage>[0]>) => {
      c.header('cache-control', 'no-store');
      return c.html(
        DataRequestsPage({
          user: c.get('user')!,
          locale: c.get('locale'),
          log: await listDataRequests(deps.db),
          retentionDays: await retentionDays(c),
          values,
          ...extra,
        }),
        status,
      );
    };
    const parsed = DataRequestBody.safeParse({ kind: values.kind, receipt: values.receipt || null, contact: values.contact || null });
    const errors = parsed.success ? [] : fieldErrors(parsed.error.issues);
    // Deleting cannot be undone: the page asks for an explicit confirmation.
    if (values.kind === 'deletion' && formText(form.confirm) !== 'yes') errors.push({ field: 'confirm', code: 'confirm_required' });
    if (!parsed.success || errors.length > 0) return render(422, { errors });
    const outcome = await carryOut(c, parsed.data);
    // The searched value is not shown again once the request is done.
    values.receipt = '';
    values.contact = '';
    return render(200, { result: outcome });
  });

  routes.get('/api/settings/retention', admin, async (c) => c.json({ days: await retentionDays(c) } satisfies RetentionSetting));

  routes.put('/api/settings/retention', admin, async (c) => {
    const parsed = RetentionBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new ApiError(422, 'validation_failed', fieldErrors(parsed.error.issues));
    await putSetting(c.get('deps').db, RETENTION_SETTING, parsed.data);
    return c.json(parsed.data);
  });

  routes.post('/settings/retention', admin, async (c) => {
    const form = await c.req.parseBody();
    // Whole days as digits only: Number() would also read `0x1E` as 30 and `1e2` as 100.
    const typed = formText(form.days).trim();
    const parsed = RetentionBody.safeParse({ days: /^\d{1,6}$/.test(typed) ? Number(typed) : Number.NaN });
    if (!parsed.success) {
      return c.html(
        DataRequestsPage({
          user: c.get('user')!,
          locale: c.get('locale'),
          log: await listDataRequests(c.get('deps').db),
          retentionDays: await retentionDays(c),
          retentionInput: formText(form.days),
          errors: [{ field: 'days', code: 'invalid_retention' }],
        }),
        422,
      );
    }
    await putSetting(c.get('deps').db, RETENTION_SETTING, parsed.data);
    return c.redirect('/data-requests?flash=retention', 303);
  });

  return routes;
}
