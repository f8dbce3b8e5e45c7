// Staff rules, the ward's gazetteer and reclassification progress — JSON and the rules page.
import { Hono } from 'hono';
import type { FieldError, RuleFormValues } from '../../dashboard/views/rules-page.tsx';
import { ruleErrorText, RulesPage } from '../../dashboard/views/rules-page.tsx';
import { foldRegexSource, validateStaffRule } from '../classifiers/staff-rules.ts';
import { getRule, insertRule, listRuleIdentities, listRules, updateRule, type RuleInput } from '../db/queries/rules.ts';
import { getSetting, putSetting } from '../db/queries/settings.ts';
import { EMPTY_GAZETTEER, type Gazetteer, type StaffRule } from '../domain/rule.ts';
import { RECLASSIFICATION_SETTING, type ReclassificationProgress } from '../domain/reclassification.ts';
import type { DryRunReport } from '../domain/dry-run.ts';
import type { Role } from '../domain/user.ts';
import { type AppContext, type AppEnv, idParam, requireRole } from './context.ts';
import { dryRunRule } from './dry-run.ts';
import { ApiError } from './errors.ts';
import { cleanText, GazetteerBody, linesOf, parseId } from './query-schemas.ts';
import { recordDenial } from './record-denial.ts';

export const READ_RULE_ROLES: Role[] = ['admin', 'staff', 'leader'];
export const EDIT_RULE_ROLES: Role[] = ['admin', 'staff'];

type RuleValidation = { ok: true; input: RuleInput } | { ok: false; errors: FieldError[] };

// ---------------------------------------------------------------------------------------------
// Duplicates: a rule, a known claim or a response template that repeats an existing one (the
// same weight counted twice, the same entry twice in a list) is refused with 409 `conflict` and a
// field error naming the one already there, disabled or not. The check reads then writes without
// a lock or a unique index: two people saving the same rule in the same instant could both get
// through. Staff edit these lists a few times a week, so that race is accepted here.

/**
 * Returns text as it is compared for duplicates: NFC without invisible characters, trimmed, runs
 * of whitespace as one space, lowercase and without diacritics (`đ` → `d`), so `Học  phí`,
 * `hoc phi` and `học phí` in NFD are one text. The folding is the classifier's own (the folded
 * form its rules and claims match on): `foldRegexSource` folds every non-ASCII run with it.
 */
export function comparableText(text: string): string {
  return foldRegexSource(cleanText(text).replace(/\s+/gu, ' ').toLowerCase());
}

/**
 * Returns a regex source as compared for duplicates: rules run with the `i` flag, so letter case
 * does not matter, except right after a backslash (`\d` is not `\D`). Spaces and diacritics stay
 * as written: a regex is code, where a space or a letter with its marks is part of what it matches.
 */
function comparableRegex(source: string): string {
  let out = '';
  const text = source.normalize('NFC');
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\') {
      out += char + (text[i + 1] ?? '');
      i++;
    } else {
      out += char.toLowerCase();
    }
  }
  return out;
}

/** An existing entry a submission repeats. */
export interface DuplicateOf {
  id: number;
  enabled: boolean;
}

/** Returns the field error naming the entry `field` repeats: `duplicate_disabled` asks to enable that one instead. */
export function duplicateError(field: string, existing: DuplicateOf): FieldError {
  return { field, code: existing.enabled ? 'duplicate' : 'duplicate_disabled', existingId: existing.id };
}

/** Returns the first entry (lowest id) other than `exceptId` whose key is `key`, or null. */
export function findDuplicate<T extends DuplicateOf>(entries: readonly T[], keyOf: (entry: T) => string | null, key: string, exceptId?: number): T | null {
  return entries.find((entry) => entry.id !== exceptId && keyOf(entry) === key) ?? null;
}

/**
 * What makes two rules of one kind the same: the phrase, or the regex; for `any_of` and
 * `all_of_within`, the label (when there is one: it names the rule in the list) and, apart, the
 * terms in any order (with the window): the same terms under another label still count twice.
 */
function ruleKeys(kind: RuleInput['kind'], rule: Pick<RuleInput, 'pattern' | 'terms' | 'windowWords'>): { pattern: string | null; terms: string | null } {
  if (kind === 'regex') return { pattern: comparableRegex(rule.pattern), terms: null };
  if (kind === 'phrase') return { pattern: comparableText(rule.pattern), terms: null };
  const label = comparableText(rule.pattern);
  const terms = [...new Set(rule.terms.map(comparableText))].sort();
  return { pattern: label === '' ? null : label, terms: `${terms.join('\n')}\n${kind === 'all_of_within' ? String(rule.windowWords) : ''}` };
}

/**
 * Returns the errors of a rule that repeats another one of its kind, or none. An edit is checked
 * only on what it changes (kind and label, or kind and terms), so a rule saved before this check
 * existed can still be edited or switched off without renaming it.
 */
async function duplicateRuleErrors(c: AppContext, input: RuleInput, current: StaffRule | null): Promise<FieldError[]> {
  const keys = ruleKeys(input.kind, input);
  const before = current && current.kind === input.kind ? ruleKeys(current.kind, current) : null;
  const checkPattern = keys.pattern !== null && keys.pattern !== before?.pattern;
  const checkTerms = keys.terms !== null && keys.terms !== before?.terms;
  if (!checkPattern && !checkTerms) return [];
  const others = (await listRuleIdentities(c.get('deps').db, input.kind)).map((other) => ({ ...other, keys: ruleKeys(input.kind, other) }));
  const errors: FieldError[] = [];
  const samePattern = checkPattern ? findDuplicate(others, (other) => other.keys.pattern, keys.pattern!, current?.id) : null;
  if (samePattern) errors.push(duplicateError('pattern', samePattern));
  const sameTerms = checkTerms ? findDuplicate(others, (other) => other.keys.terms, keys.terms!, current?.id) : null;
  if (sameTerms) errors.push(duplicateError('terms', sameTerms));
  return errors;
}

/**
 * Returns the API's answer to a duplicate: 409 `conflict` whose message is the duplicate's own
 * (naming the existing entry, in the request's language; the catalogue's general `conflict` text
 * speaks of someone else's edit), each field error with its message in `details`. Logged as every
 * 409 is.
 */
export async function duplicateConflict(c: AppContext, errors: readonly FieldError[], message: (error: FieldError) => string): Promise<Response> {
  await recordConflict(c);
  const details = errors.map((error) => ({ ...error, message: message(error) }));
  return c.json({ error: { code: 'conflict', message: details.map((detail) => detail.message).join(' '), details } }, 409);
}

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

/** Logs a refused duplicate in the audit log of refused requests, as every other 409 is. */
export async function recordConflict(c: AppContext): Promise<void> {
  await recordDenial(c.get('deps').db, { method: c.req.method, path: c.req.path, userId: c.get('user')?.id ?? null, status: 409, code: 'conflict' });
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
  status: 200 | 409 | 422 = 200,
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

type RuleSave = { ok: true; input: RuleInput; rule: StaffRule } | { ok: false; errors: FieldError[]; duplicate?: true };

async function saveRule(c: AppContext, body: Record<string, unknown>, id?: number): Promise<RuleSave> {
  const deps = c.get('deps');
  const checked = checkRule(body);
  if (!checked.ok) return checked;
  const current = id === undefined ? null : await getRule(deps.db, id);
  if (id !== undefined && !current) throw new ApiError(404, 'not_found');
  const duplicates = await duplicateRuleErrors(c, checked.input, current);
  if (duplicates.length > 0) return { ok: false, errors: duplicates, duplicate: true };
  const user = c.get('user')!;
  const rule = id === undefined ? await insertRule(deps.db, checked.input, user.id) : await updateRule(deps.db, id, checked.input);
  if (!rule) throw new ApiError(404, 'not_found');
  await deps.jobs.enqueueReclassify();
  return { ...checked, rule };
}

/** Returns the API's answer to a refused save: 409 for a duplicate; throws 422 otherwise. */
async function refusal(c: AppContext, saved: { errors: FieldError[]; duplicate?: true }): Promise<Response> {
  if (!saved.duplicate) throw new ApiError(422, 'validation_failed', saved.errors);
  return duplicateConflict(c, saved.errors, (error) => ruleErrorText(c.get('locale'), error.code, error));
}

/** Returns the rule, gazetteer and reclassification routes. */
export function ruleRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/api/rules', requireRole(...READ_RULE_ROLES), async (c) => c.json({ rules: await listRules(c.get('deps').db) }));

  routes.post('/api/rules', requireRole(...EDIT_RULE_ROLES), async (c) => {
    const body = await c.req.json().catch(() => null);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'validation_failed');
    const saved = await saveRule(c, body as Record<string, unknown>);
    if (!saved.ok) return refusal(c, saved);
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
    if (!saved.ok) return refusal(c, saved);
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
  // The dry run is a POST; its address reloaded or bookmarked goes back to the rules page.
  routes.get('/rules/dry-run', requireRole(...READ_RULE_ROLES), (c) => c.redirect('/rules', 303));

  routes.get('/rules/:id', requireRole(...EDIT_RULE_ROLES), async (c) => {
    const rule = await getRule(c.get('deps').db, idParam(c));
    if (!rule) throw new ApiError(404, 'not_found');
    return renderRules(c, { form: toFormValues(rule, rule.id) });
  });

  const submit = (withId: boolean) => async (c: AppContext) => {
    const id = withId ? idParam(c) : undefined;
    const body = formFromBody(await c.req.parseBody());
    const saved = await saveRule(c, body, id);
    if (!saved.ok) {
      // A duplicate is the API's 409, and is logged as that one is; what was typed stays in the form.
      if (saved.duplicate) await recordConflict(c);
      return renderRules(c, { form: toFormValues(body, id), errors: saved.errors }, saved.duplicate ? 409 : 422);
    }
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
