// Staff rules, the ward's gazetteer and reclassification progress — JSON and the rules page.
import { Hono } from 'hono';
import type { FieldError, RuleFormValues } from '../../dashboard/views/rules-page.tsx';
import { RulesPage } from '../../dashboard/views/rules-page.tsx';
import { validateStaffRule } from '../classifiers/staff-rules.ts';
import { getRule, insertRule, listRules, updateRule, type RuleInput } from '../db/queries/rules.ts';
import { getSetting, putSetting } from '../db/queries/settings.ts';
import { EMPTY_GAZETTEER, type Gazetteer, type StaffRule } from '../domain/rule.ts';
import { RECLASSIFICATION_SETTING, type ReclassificationProgress } from '../domain/reclassification.ts';
import type { DryRunReport } from '../domain/dry-run.ts';
import type { Role } from '../domain/user.ts';
import { type AppContext, type AppEnv, idParam, requireRole } from './context.ts';
import { dryRunRule } from './dry-run.ts';
import { ApiError } from './errors.ts';
import { GazetteerBody, linesOf, parseId } from './query-schemas.ts';

export const READ_RULE_ROLES: Role[] = ['admin', 'staff', 'leader'];
export const EDIT_RULE_ROLES: Role[] = ['admin', 'staff'];

type RuleValidation = { ok: true; input: RuleInput } | { ok: false; errors: FieldError[] };

// The classifier's validator is the one truth about what a rule may be; the note is ours.
function checkRule(body: Record<string, unknown>): RuleValidation {
  const note = typeof body.note === 'string' ? body.note.normalize('NFC').trim().slice(0, 500) || null : null;
  const result = validateStaffRule({ ...body, id: 0 });
  if (!result.ok) return { ok: false, errors: result.errors.map((error) => ({ field: error.field, code: error.code })) };
  const { rule } = result;
  return {
    ok: true,
    input: {
      kind: rule.kind,
      category: rule.category,
      pattern: rule.pattern,
      terms: rule.terms,
      windowWords: rule.windowWords,
      weight: rule.weight,
      enabled: rule.enabled,
      note,
    },
  };
}

// Zod's size codes say which way a gazetteer list or line is wrong, in the rule form's words.
const GAZETTEER_ERROR_CODES: Readonly<Record<string, string>> = { too_big: 'too_long', too_small: 'empty' };

/** Returns the gazetteer form's field errors: `schools.3` names the fourth line of the schools. */
function gazetteerErrorsOf(issues: readonly { path: PropertyKey[]; code: string }[]): FieldError[] {
  return issues.map((issue) => ({ field: issue.path.map(String).join('.'), code: GAZETTEER_ERROR_CODES[issue.code] ?? 'invalid' }));
}

function formFromBody(form: Record<string, unknown>): Record<string, unknown> {
  const weight = typeof form.weight === 'string' && form.weight.trim() !== '' ? Number(form.weight) : 1;
  const window = typeof form.windowWords === 'string' && form.windowWords.trim() !== '' ? Number(form.windowWords) : null;
  return {
    kind: form.kind,
    category: form.category,
    pattern: typeof form.pattern === 'string' ? form.pattern : '',
    terms: linesOf(form.terms),
    windowWords: window,
    weight,
    enabled: form.enabled === 'true',
    note: typeof form.note === 'string' ? form.note : null,
  };
}

function toFormValues(source: Record<string, unknown> | StaffRule, id?: number): RuleFormValues {
  return {
    id,
    kind: String(source.kind ?? 'phrase'),
    category: String(source.category ?? 'negative'),
    pattern: typeof source.pattern === 'string' ? source.pattern : '',
    terms: Array.isArray(source.terms) ? source.terms.map(String) : [],
    windowWords: typeof source.windowWords === 'number' && Number.isFinite(source.windowWords) ? source.windowWords : null,
    weight: typeof source.weight === 'number' && Number.isFinite(source.weight) ? source.weight : 1,
    enabled: source.enabled !== false,
    note: typeof source.note === 'string' ? source.note : null,
  };
}

/** Returns the stored reclassification progress for the pages. */
export async function reclassificationProgress(c: AppContext) {
  return getSetting<ReclassificationProgress | null>(c.get('deps').db, RECLASSIFICATION_SETTING, null);
}

async function renderRules(
  c: AppContext,
  extra: {
    form?: RuleFormValues;
    errors?: FieldError[];
    gazetteer?: Gazetteer;
    gazetteerErrors?: FieldError[];
    flash?: 'saved' | 'gazetteer_saved';
    dryRun?: DryRunReport;
  } = {},
  status: 200 | 422 = 200,
) {
  const db = c.get('deps').db;
  const user = c.get('user')!;
  const [rules, gazetteer, reclassification] = await Promise.all([
    listRules(db),
    getSetting<Gazetteer>(db, 'gazetteer', EMPTY_GAZETTEER),
    reclassificationProgress(c),
  ]);
  return c.html(
    RulesPage({ user, locale: c.get('locale'), rules, gazetteer, canEdit: EDIT_RULE_ROLES.includes(user.role), reclassification, ...extra }),
    status,
  );
}

async function saveRule(c: AppContext, body: Record<string, unknown>, id?: number): Promise<RuleValidation & { rule?: StaffRule }> {
  const deps = c.get('deps');
  const checked = checkRule(body);
  if (!checked.ok) return checked;
  const user = c.get('user')!;
  const rule = id === undefined ? await insertRule(deps.db, checked.input, user.id) : await updateRule(deps.db, id, checked.input);
  if (!rule) throw new ApiError(404, 'not_found');
  await deps.jobs.enqueueReclassify();
  return { ...checked, rule };
}

/** Returns the rule, gazetteer and reclassification routes. */
export function ruleRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/api/rules', requireRole(...READ_RULE_ROLES), async (c) => c.json({ rules: await listRules(c.get('deps').db) }));

  routes.post('/api/rules', requireRole(...EDIT_RULE_ROLES), async (c) => {
    const body = await c.req.json().catch(() => null);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'validation_failed');
    const saved = await saveRule(c, body as Record<string, unknown>);
    if (!saved.ok) throw new ApiError(422, 'validation_failed', saved.errors);
    return c.json(saved.rule, 201);
  });

  // A draft rule (the body of a new one) run over the stored items; nothing is saved.
  routes.post('/api/rules/dry-run', requireRole(...EDIT_RULE_ROLES), async (c) => {
    const body = await c.req.json().catch(() => null);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'validation_failed');
    const checked = checkRule(body as Record<string, unknown>);
    if (!checked.ok) throw new ApiError(422, 'validation_failed', checked.errors);
    return c.json(await dryRunRule(c.get('deps').db, checked.input));
  });

  routes.patch('/api/rules/:id', requireRole(...EDIT_RULE_ROLES), async (c) => {
    const id = idParam(c);
    const body = await c.req.json().catch(() => null);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'validation_failed');
    const current = await getRule(c.get('deps').db, id);
    if (!current) throw new ApiError(404, 'not_found');
    const saved = await saveRule(c, { ...current, ...(body as Record<string, unknown>) }, id);
    if (!saved.ok) throw new ApiError(422, 'validation_failed', saved.errors);
    return c.json(saved.rule);
  });

  routes.get('/api/settings/gazetteer', requireRole(...READ_RULE_ROLES), async (c) =>
    c.json(await getSetting<Gazetteer>(c.get('deps').db, 'gazetteer', EMPTY_GAZETTEER)),
  );

  routes.put('/api/settings/gazetteer', requireRole(...EDIT_RULE_ROLES), async (c) => {
    const parsed = GazetteerBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new ApiError(422, 'validation_failed', parsed.error.issues);
    const deps = c.get('deps');
    await putSetting(deps.db, 'gazetteer', parsed.data);
    await deps.jobs.enqueueReclassify();
    return c.json(parsed.data);
  });

  routes.get('/api/reclassification', requireRole(...READ_RULE_ROLES), async (c) => c.json({ progress: await reclassificationProgress(c) }));

  routes.get('/rules', requireRole(...READ_RULE_ROLES), (c) => renderRules(c, { flash: c.req.query('flash') === 'saved' ? 'saved' : undefined }));

  routes.get('/rules/:id', requireRole(...EDIT_RULE_ROLES), async (c) => {
    const rule = await getRule(c.get('deps').db, idParam(c));
    if (!rule) throw new ApiError(404, 'not_found');
    return renderRules(c, { form: toFormValues(rule, rule.id) });
  });

  const submit = (withId: boolean) => async (c: AppContext) => {
    const id = withId ? idParam(c) : undefined;
    const body = formFromBody(await c.req.parseBody());
    const saved = await saveRule(c, body, id);
    if (!saved.ok) return renderRules(c, { form: toFormValues(body, id), errors: saved.errors }, 422);
    return c.redirect('/rules?flash=saved', 303);
  };
  routes.post('/rules/dry-run', requireRole(...EDIT_RULE_ROLES), async (c) => {
    const form = await c.req.parseBody();
    const id = parseId(typeof form.id === 'string' ? form.id : '') ?? undefined;
    const body = formFromBody(form);
    const checked = checkRule(body);
    if (!checked.ok) return renderRules(c, { form: toFormValues(body, id), errors: checked.errors }, 422);
    return renderRules(c, { form: toFormValues(body, id), dryRun: await dryRunRule(c.get('deps').db, checked.input) });
  });
  routes.post('/rules', requireRole(...EDIT_RULE_ROLES), submit(false));
  routes.post('/rules/:id', requireRole(...EDIT_RULE_ROLES), submit(true));

  routes.post('/rules/:id/toggle', requireRole(...EDIT_RULE_ROLES), async (c) => {
    const id = idParam(c);
    const current = await getRule(c.get('deps').db, id);
    if (!current) throw new ApiError(404, 'not_found');
    await saveRule(c, { ...current, enabled: !current.enabled }, id);
    return c.redirect('/rules?flash=saved', 303);
  });

  routes.post('/settings/gazetteer', requireRole(...EDIT_RULE_ROLES), async (c) => {
    const form = await c.req.parseBody();
    // The form always sends the three fields (empty when cleared); a post without them is not it.
    if (!['wardNames', 'schools', 'residentialGroups'].every((field) => typeof form[field] === 'string')) {
      throw new ApiError(400, 'validation_failed');
    }
    const typed: Gazetteer = {
      wardNames: linesOf(form.wardNames),
      schools: linesOf(form.schools),
      residentialGroups: linesOf(form.residentialGroups),
    };
    const parsed = GazetteerBody.safeParse(typed);
    if (!parsed.success) return renderRules(c, { gazetteer: typed, gazetteerErrors: gazetteerErrorsOf(parsed.error.issues) }, 422);
    const deps = c.get('deps');
    await putSetting(deps.db, 'gazetteer', parsed.data);
    await deps.jobs.enqueueReclassify();
    return renderRules(c, { flash: 'gazetteer_saved' });
  });
  return routes;
}
