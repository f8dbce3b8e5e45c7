// Response templates per verdict — JSON and the templates page.
import { Hono } from 'hono';
import { z } from 'zod';
import type { FieldError } from '../../dashboard/views/rules-page.tsx';
import { templateErrorText, TemplatesPage, type TemplateFormValues } from '../../dashboard/views/templates-page.tsx';
import {
  getResponseTemplate,
  insertResponseTemplate,
  listResponseTemplateTitles,
  listResponseTemplates,
  updateResponseTemplate,
} from '../db/queries/response-templates.ts';
import { VERDICTS } from '../domain/item.ts';
import type { ResponseTemplate } from '../domain/response-template.ts';
import { RESPONSE_CHANNELS, RESPONSE_KINDS } from '../domain/response.ts';
import { READ_ITEM_ROLES, TRIAGE_ROLES } from '../domain/user.ts';
import { type AppContext, type AppEnv, idParam, requireRole } from './context.ts';
import { ApiError } from './errors.ts';
import { nfcText } from './query-schemas.ts';
import { comparableText, duplicateConflict, duplicateError, findDuplicate, recordConflict } from './rules.ts';

/** A response template as staff submit it. */
export const ResponseTemplateBody = z
  .object({
    verdict: z.enum(VERDICTS),
    kind: z.enum(RESPONSE_KINDS),
    channel: z.enum(RESPONSE_CHANNELS),
    title: nfcText(200),
    text: nfcText(5000),
    enabled: z.boolean().default(true),
  })
  .strict();

type TemplateSave = { ok: true; template: ResponseTemplate } | { ok: false; errors: FieldError[]; issues: unknown; duplicate?: true };

/**
 * Returns the error of a template whose name repeats another's (folded: case, spacing, NFD and
 * diacritics aside; see comparableText), whatever its verdict, disabled or not, or none. An edit
 * that keeps the name is not checked, so two templates named alike before this check can still be
 * changed. Check then write, without a lock: see the note on duplicates in rules.ts.
 */
async function duplicateTemplateErrors(c: AppContext, title: string, current: ResponseTemplate | null): Promise<FieldError[]> {
  const key = comparableText(title);
  if (current && comparableText(current.title) === key) return [];
  const others = await listResponseTemplateTitles(c.get('deps').db);
  const existing = findDuplicate(others, (other) => comparableText(other.title), key, current?.id);
  return existing ? [duplicateError('title', existing)] : [];
}

async function saveTemplate(c: AppContext, body: unknown, id?: number): Promise<TemplateSave> {
  const parsed = ResponseTemplateBody.safeParse(body);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues,
      errors: parsed.error.issues.map((issue) => ({ field: String(issue.path[0] ?? ''), code: issue.code })),
    };
  }
  const db = c.get('deps').db;
  const current = id === undefined ? null : await getResponseTemplate(db, id);
  if (id !== undefined && !current) throw new ApiError(404, 'not_found');
  const duplicates = await duplicateTemplateErrors(c, parsed.data.title, current);
  if (duplicates.length > 0) return { ok: false, errors: duplicates, issues: duplicates, duplicate: true };
  const template =
    id === undefined ? await insertResponseTemplate(db, parsed.data, c.get('user')!.id) : await updateResponseTemplate(db, id, parsed.data);
  if (!template) throw new ApiError(404, 'not_found');
  return { ok: true, template };
}

/** Returns the API's answer to a refused save: 409 for a duplicate; throws 422 otherwise. */
async function refusal(c: AppContext, saved: { errors: FieldError[]; issues: unknown; duplicate?: true }): Promise<Response> {
  if (!saved.duplicate) throw new ApiError(422, 'validation_failed', saved.issues);
  return duplicateConflict(c, saved.errors, (error) => templateErrorText(c.get('locale'), error));
}

function editable(template: ResponseTemplate): Omit<ResponseTemplate, 'id' | 'updatedAt'> {
  const { verdict, kind, channel, title, text, enabled } = template;
  return { verdict, kind, channel, title, text, enabled };
}

async function renderTemplates(
  c: AppContext,
  extra: { form?: TemplateFormValues; errors?: FieldError[]; flash?: 'saved' } = {},
  status: 200 | 409 | 422 = 200,
) {
  const user = c.get('user')!;
  const templates = await listResponseTemplates(c.get('deps').db);
  return c.html(TemplatesPage({ user, locale: c.get('locale'), templates, canEdit: TRIAGE_ROLES.includes(user.role), ...extra }), status);
}

/** Returns the response-template routes. */
export function responseTemplateRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/api/response-templates', requireRole(...READ_ITEM_ROLES), async (c) => {
    const verdict = VERDICTS.find((value) => value === c.req.query('verdict'));
    if (c.req.query('verdict') !== undefined && !verdict) throw new ApiError(400, 'validation_failed', [{ path: ['verdict'] }]);
    return c.json({ templates: await listResponseTemplates(c.get('deps').db, { verdict }) });
  });

  routes.post('/api/response-templates', requireRole(...TRIAGE_ROLES), async (c) => {
    const saved = await saveTemplate(c, await c.req.json().catch(() => null));
    if (!saved.ok) return refusal(c, saved);
    return c.json(saved.template, 201);
  });

  routes.patch('/api/response-templates/:id', requireRole(...TRIAGE_ROLES), async (c) => {
    const id = idParam(c);
    const body = await c.req.json().catch(() => null);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'validation_failed');
    const current = await getResponseTemplate(c.get('deps').db, id);
    if (!current) throw new ApiError(404, 'not_found');
    const saved = await saveTemplate(c, { ...editable(current), ...(body as Record<string, unknown>) }, id);
    if (!saved.ok) return refusal(c, saved);
    return c.json(saved.template);
  });

  routes.get('/templates', requireRole(...READ_ITEM_ROLES), (c) => renderTemplates(c, { flash: c.req.query('flash') === 'saved' ? 'saved' : undefined }));

  routes.get('/templates/:id', requireRole(...TRIAGE_ROLES), async (c) => {
    const template = await getResponseTemplate(c.get('deps').db, idParam(c));
    if (!template) throw new ApiError(404, 'not_found');
    return renderTemplates(c, { form: { id: template.id, ...editable(template) } });
  });

  const submit = (withId: boolean) => async (c: AppContext) => {
    const id = withId ? idParam(c) : undefined;
    const form = await c.req.parseBody();
    const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
    const body = {
      verdict: text('verdict'),
      kind: text('kind'),
      channel: text('channel'),
      title: text('title'),
      text: text('text'),
      enabled: form.enabled === 'true',
    };
    const saved = await saveTemplate(c, body, id);
    if (!saved.ok) {
      // A duplicate is the API's 409, and is logged as that one is; what was typed stays in the form.
      if (saved.duplicate) await recordConflict(c);
      return renderTemplates(c, { form: { id, ...body }, errors: saved.errors }, saved.duplicate ? 409 : 422);
    }
    return c.redirect('/templates?flash=saved', 303);
  };
  routes.post('/templates', requireRole(...TRIAGE_ROLES), submit(false));
  routes.post('/templates/:id', requireRole(...TRIAGE_ROLES), submit(true));
  return routes;
}
