// Editing a saved source, shared by PATCH /api/sources/:id, the edit page and `duluan source edit`:
// checked exactly as adding one is (shape, address, selectors), then stored and rescheduled.
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { updateSource } from '../db/queries/sources.ts';
import { isReceivedSource, type HtmlSelectors, type Source, type SourceChanges, type SourceChecker, type SourceFieldError } from '../domain/source.ts';
import type { JobRunner } from '../jobs/job-runner.ts';
import { SourceBody } from './query-schemas.ts';

/** Returns the error of an address the collector would refuse to fetch, or null. */
export function sourceUrlError(checker: SourceChecker, url: string): SourceFieldError | null {
  const checked = checker.checkUrl?.(url);
  return checked && !checked.ok ? { field: 'url', code: checked.code } : null;
}

/** What PATCH /api/sources/:id takes: each field as when the source was added, all optional. */
const SourcePatchBody = z
  .object({
    name: SourceBody.shape.name.optional(),
    url: SourceBody.shape.url.optional(),
    selectors: SourceBody.shape.selectors.unwrap().nullable().optional(),
    enabled: z.boolean().optional(),
    pollIntervalSeconds: SourceBody.shape.pollIntervalSeconds,
  })
  .strict();

/** A checked edit, with what it means for fetching. */
export interface CheckedSourceChanges {
  changes: SourceChanges;
  options: { resetFetchState: boolean; refetchFully: boolean; dueNow: boolean };
}

function sameSelectors(a: HtmlSelectors | null, b: HtmlSelectors | null): boolean {
  const keys = ['item', 'link', 'title', 'date', 'body'] as const;
  return keys.every((key) => (a?.[key] ?? null) === (b?.[key] ?? null));
}

/**
 * Checks an edit of `source` and works out what it means for fetching: a new address starts
 * over (no validators, no health), new selectors refetch in full, switching on makes it due now.
 * Every field's problem is reported at once, as `{field, code}`.
 */
export function checkSourceChanges(
  checker: SourceChecker,
  source: Source,
  body: unknown,
): { ok: true; value: CheckedSourceChanges } | { ok: false; errors: SourceFieldError[] } {
  const parsed = SourcePatchBody.safeParse(body);
  if (!parsed.success) {
    const errors: SourceFieldError[] = parsed.error.issues.map((issue) => ({ field: issue.path.map(String).join('.'), code: issue.code }));
    // An address of the right shape is still checked, so the form shows all its problems at once.
    const url = (body as { url?: unknown } | null)?.url;
    if (typeof url === 'string' && !errors.some((error) => error.field === 'url')) {
      const blocked = sourceUrlError(checker, url.trim());
      if (blocked) errors.push(blocked);
    }
    // A form or import source is never polled: an interval for it is refused whatever its value.
    const interval = (body as { pollIntervalSeconds?: unknown } | null)?.pollIntervalSeconds;
    if (interval !== undefined && isReceivedSource(source)) {
      return { ok: false, errors: [...errors.filter((error) => error.field !== 'pollIntervalSeconds'), { field: 'pollIntervalSeconds', code: 'not_allowed' }] };
    }
    return { ok: false, errors };
  }
  const input = parsed.data;
  const errors: SourceFieldError[] = [];
  if (Object.values(input).every((value) => value === undefined)) errors.push({ field: '', code: 'empty' });
  const fetchable = !isReceivedSource(source);
  if (input.url !== undefined) {
    if (!fetchable) errors.push({ field: 'url', code: 'not_allowed' });
    else {
      const blocked = sourceUrlError(checker, input.url);
      if (blocked) errors.push(blocked);
    }
  }
  // A form or import source is never polled: an interval for it is refused, as an address is.
  if (input.pollIntervalSeconds !== undefined && !fetchable) errors.push({ field: 'pollIntervalSeconds', code: 'not_allowed' });
  let selectors: HtmlSelectors | null | undefined;
  if (input.selectors !== undefined) {
    const given = input.selectors && Object.values(input.selectors).some((value) => value !== undefined && value.trim() !== '');
    if (source.kind !== 'html') {
      if (given) errors.push({ field: 'selectors', code: 'not_allowed' });
    } else if (!given) {
      selectors = null;
    } else {
      const checked = checker.validateSelectors(input.selectors);
      if (checked.ok) selectors = checked.selectors;
      else errors.push(...checked.errors.map((error) => ({ field: error.field === 'selectors' ? 'selectors' : `selectors.${error.field}`, code: error.code })));
    }
  }
  if (errors.length) return { ok: false, errors };
  const changes: SourceChanges = {
    name: input.name?.normalize('NFC'),
    url: input.url,
    selectors,
    enabled: input.enabled,
    pollIntervalSeconds: input.pollIntervalSeconds,
  };
  return {
    ok: true,
    value: {
      changes,
      options: {
        resetFetchState: changes.url !== undefined && changes.url !== source.url,
        refetchFully: selectors !== undefined && !sameSelectors(selectors, source.selectors),
        dueNow: changes.enabled === true && !source.enabled,
      },
    },
  };
}

/**
 * Stores a checked edit and hands the source to the job runner, which drops the schedule of a
 * disabled source and (re)schedules an enabled one with its new interval. Null: the source is gone.
 */
export async function applySourceChanges(
  deps: { db: Db; jobs: Pick<JobRunner, 'scheduleSource'> },
  source: Source,
  checked: CheckedSourceChanges,
): Promise<Source | null> {
  const updated = await updateSource(deps.db, source.id, checked.changes, checked.options);
  if (updated) await deps.jobs.scheduleSource(updated);
  return updated;
}
