// The register of known claims — JSON and the claims page.
import { Hono } from 'hono';
import type { ClaimFormValues } from '../../dashboard/views/claims-page.tsx';
import { claimErrorText, ClaimsPage } from '../../dashboard/views/claims-page.tsx';
import type { FieldError } from '../../dashboard/views/rules-page.tsx';
import { getClaim, insertClaim, listClaimStatements, listClaims, updateClaim } from '../db/queries/rules.ts';
import type { DryRunReport } from '../domain/dry-run.ts';
import type { Claim } from '../domain/rule.ts';
import { type AppContext, type AppEnv, idParam, requireRole } from './context.ts';
import { dryRunClaim } from './dry-run.ts';
import { ApiError } from './errors.ts';
import { ClaimBody, linesOf, parseId, refinementCode } from './query-schemas.ts';
import {
  comparableText,
  duplicateConflict,
  duplicateError,
  EDIT_RULE_ROLES,
  findDuplicate,
  READ_RULE_ROLES,
  reclassificationProgress,
  recordConflict,
} from './rules.ts';

type ClaimSave = { ok: true; claim: Claim } | { ok: false; errors: FieldError[]; duplicate?: true };

/**
 * Returns each issue as an error on the form field it concerns (`references.2` is the references
 * field), with the code a refinement names in its params (`too_short`) in place of `custom`.
 */
function fieldErrorsOf(issues: readonly { path: PropertyKey[]; code: string; params?: Record<string, unknown> }[]): FieldError[] {
  return issues.map((issue) => ({
    field: String(issue.path[0] ?? ''),
    code: refinementCode(issue) ?? issue.code,
  }));
}

/** Returns the claim form's fields as the JSON body of a claim. */
function claimBodyOf(form: Record<string, unknown>) {
  return {
    statement: typeof form.statement === 'string' ? form.statement : '',
    verdict: form.verdict,
    correction: typeof form.correction === 'string' ? form.correction : null,
    references: linesOf(form.references),
    enabled: form.enabled === 'true',
  };
}

/**
 * Returns the error of a claim whose statement repeats another's (folded: case, spacing, NFD and
 * diacritics aside; see comparableText), disabled or not, or none. An edit that keeps the
 * statement is not checked, so a claim saved twice before this check can still be changed.
 * Check then write, without a lock: see the note on duplicates in rules.ts.
 */
async function duplicateClaimErrors(c: AppContext, statement: string, current: Claim | null): Promise<FieldError[]> {
  const key = comparableText(statement);
  if (current && comparableText(current.statement) === key) return [];
  const others = await listClaimStatements(c.get('deps').db);
  const existing = findDuplicate(others, (other) => comparableText(other.statement), key, current?.id);
  return existing ? [duplicateError('statement', existing)] : [];
}

async function saveClaim(c: AppContext, body: unknown, id?: number): Promise<ClaimSave> {
  const parsed = ClaimBody.safeParse(body);
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error.issues) };
  const deps = c.get('deps');
  const current = id === undefined ? null : await getClaim(deps.db, id);
  if (id !== undefined && !current) throw new ApiError(404, 'not_found');
  const duplicates = await duplicateClaimErrors(c, parsed.data.statement, current);
  if (duplicates.length > 0) return { ok: false, errors: duplicates, duplicate: true };
  const user = c.get('user')!;
  const claim = id === undefined ? await insertClaim(deps.db, parsed.data, user.id) : await updateClaim(deps.db, id, parsed.data);
  if (!claim) throw new ApiError(404, 'not_found');
  await deps.jobs.enqueueReclassify();
  return { ok: true, claim };
}

/** Returns the API's answer to a refused save: 409 for a duplicate; throws 422 otherwise. */
async function refusal(c: AppContext, saved: { errors: FieldError[]; duplicate?: true }): Promise<Response> {
  if (!saved.duplicate) throw new ApiError(422, 'validation_failed', saved.errors);
  return duplicateConflict(c, saved.errors, (error) => claimErrorText(c.get('locale'), error));
}

function editable(claim: Claim): Record<string, unknown> {
  const { statement, verdict, correction, references, enabled } = claim;
  return { statement, verdict, correction, references, enabled };
}

async function renderClaims(
  c: AppContext,
  extra: { form?: ClaimFormValues; errors?: FieldError[]; flash?: 'saved'; dryRun?: DryRunReport } = {},
  status: 200 | 409 | 422 = 200,
) {
  const db = c.get('deps').db;
  const user = c.get('user')!;
  const [claims, reclassification] = await Promise.all([listClaims(db), reclassificationProgress(c)]);
  return c.html(
    ClaimsPage({ user, locale: c.get('locale'), claims, canEdit: EDIT_RULE_ROLES.includes(user.role), reclassification, ...extra }),
    status,
  );
}

/** Returns the claim routes. */
export function claimRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/api/claims', requireRole(...READ_RULE_ROLES), async (c) => c.json({ claims: await listClaims(c.get('deps').db) }));

  routes.post('/api/claims', requireRole(...EDIT_RULE_ROLES), async (c) => {
    const saved = await saveClaim(c, await c.req.json().catch(() => null));
    if (!saved.ok) return refusal(c, saved);
    return c.json(saved.claim, 201);
  });

  // A draft claim (the body of a new one) run over the stored items; nothing is saved.
  routes.post('/api/claims/dry-run', requireRole(...EDIT_RULE_ROLES), async (c) => {
    const parsed = ClaimBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new ApiError(422, 'validation_failed', fieldErrorsOf(parsed.error.issues));
    return c.json(await dryRunClaim(c.get('deps').db, parsed.data));
  });

  routes.patch('/api/claims/:id', requireRole(...EDIT_RULE_ROLES), async (c) => {
    const id = idParam(c);
    const body = await c.req.json().catch(() => null);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'validation_failed');
    const current = await getClaim(c.get('deps').db, id);
    if (!current) throw new ApiError(404, 'not_found');
    const saved = await saveClaim(c, { ...editable(current), ...(body as Record<string, unknown>) }, id);
    if (!saved.ok) return refusal(c, saved);
    return c.json(saved.claim);
  });

  routes.get('/claims', requireRole(...READ_RULE_ROLES), (c) => renderClaims(c, { flash: c.req.query('flash') === 'saved' ? 'saved' : undefined }));
  // The dry run is a POST; its address reloaded or bookmarked goes back to the claims page.
  routes.get('/claims/dry-run', requireRole(...READ_RULE_ROLES), (c) => c.redirect('/claims', 303));

  routes.get('/claims/:id', requireRole(...EDIT_RULE_ROLES), async (c) => {
    const claim = await getClaim(c.get('deps').db, idParam(c));
    if (!claim) throw new ApiError(404, 'not_found');
    return renderClaims(c, { form: { id: claim.id, ...editable(claim) } as ClaimFormValues });
  });

  const submit = (withId: boolean) => async (c: AppContext) => {
    const id = withId ? idParam(c) : undefined;
    const body = claimBodyOf(await c.req.parseBody());
    const saved = await saveClaim(c, body, id);
    if (!saved.ok) {
      // A duplicate is the API's 409, and is logged as that one is; what was typed stays in the form.
      if (saved.duplicate) await recordConflict(c);
      return renderClaims(c, { form: { id, ...body, verdict: String(body.verdict ?? '') }, errors: saved.errors }, saved.duplicate ? 409 : 422);
    }
    return c.redirect('/claims?flash=saved', 303);
  };
  routes.post('/claims/dry-run', requireRole(...EDIT_RULE_ROLES), async (c) => {
    const form = await c.req.parseBody();
    const id = parseId(typeof form.id === 'string' ? form.id : '') ?? undefined;
    const body = claimBodyOf(form);
    const values = { id, ...body, verdict: String(body.verdict ?? '') };
    const parsed = ClaimBody.safeParse(body);
    if (!parsed.success) return renderClaims(c, { form: values, errors: fieldErrorsOf(parsed.error.issues) }, 422);
    return renderClaims(c, { form: values, dryRun: await dryRunClaim(c.get('deps').db, parsed.data) });
  });
  routes.post('/claims', requireRole(...EDIT_RULE_ROLES), submit(false));
  routes.post('/claims/:id', requireRole(...EDIT_RULE_ROLES), submit(true));

  routes.post('/claims/:id/toggle', requireRole(...EDIT_RULE_ROLES), async (c) => {
    const id = idParam(c);
    const current = await getClaim(c.get('deps').db, id);
    if (!current) throw new ApiError(404, 'not_found');
    await saveClaim(c, { ...editable(current), enabled: !current.enabled }, id);
    return c.redirect('/claims?flash=saved', 303);
  });
  return routes;
}
