// Staff rules: the list, the add/edit form with errors beside their fields, and the ward's places.
import { RULE_CATEGORIES } from '../../src/domain/classification.ts';
import {
  STAFF_RULE_KINDS,
  STAFF_RULE_MAX_WEIGHT,
  STAFF_RULE_MAX_TERMS,
  STAFF_RULE_MAX_WINDOW_WORDS,
  type Gazetteer,
  type StaffRule,
} from '../../src/domain/rule.ts';
import type { DryRunReport } from '../../src/domain/dry-run.ts';
import type { SessionUser } from '../../src/domain/user.ts';
import { hasMessage, t, type Locale } from '../i18n/messages.ts';
import { FormActions } from './form-actions.tsx';
import { DryRunResult } from './dry-run-result.tsx';
import { Layout } from './layout.tsx';
import { ReclassificationStatus, type ReclassificationView } from './reclassification-status.tsx';

/** A field-level validation problem: `code` names the message. */
export interface FieldError {
  field: string;
  code: string;
  /** For `duplicate` and `duplicate_disabled`: the id of the existing entry the submission repeats. */
  existingId?: number;
}

/** What the form shows: a stored rule being edited, or what was just submitted. */
export interface RuleFormValues {
  id?: number;
  kind: string;
  category: string;
  pattern: string;
  terms: string[];
  windowWords: number | null;
  weight: number;
  enabled: boolean;
  note: string | null;
}

/** Props of RulesPage. */
export interface RulesPageProps {
  user: SessionUser;
  locale: Locale;
  rules: readonly StaffRule[];
  gazetteer: Gazetteer;
  canEdit: boolean;
  reclassification: ReclassificationView | null;
  /** The rule in the form (editing, or a submission with errors). */
  form?: RuleFormValues;
  errors?: readonly FieldError[];
  /** Problems with the submitted gazetteer (shown in `gazetteer`, which then holds what was typed). */
  gazetteerErrors?: readonly FieldError[];
  flash?: 'saved' | 'gazetteer_saved';
  /** What the draft in the form would flag ("Thử trước"). */
  dryRun?: DryRunReport;
}

const EMPTY_FORM: RuleFormValues = {
  kind: 'phrase',
  category: 'negative',
  pattern: '',
  terms: [],
  windowWords: null,
  weight: 1,
  enabled: true,
  note: null,
};

/** Returns the message for a rule validation error code (a duplicate's names the existing rule). */
export function ruleErrorText(locale: Locale, code: string, error?: Pick<FieldError, 'existingId'>): string {
  const key = `ruleError.${code}`;
  // The limits the classifier validates with, so the text cannot drift from them.
  const params = { maxTerms: STAFF_RULE_MAX_TERMS, maxWindow: STAFF_RULE_MAX_WINDOW_WORDS, id: error?.existingId ?? '' };
  return hasMessage(key) ? t(locale, key, params) : t(locale, 'ruleError.invalid');
}

/** Returns the form field an error belongs to: `terms[1]` and `terms.1` belong to `terms`. */
function formFieldOf(errorField: string): string {
  return errorField.replace(/[.[].*$/, '');
}

/** Returns the line (1-based) of a list field an error names, e.g. 2 for `terms[1]`, or null. */
function lineOf(errorField: string): number | null {
  const index = /^[^.[]+(?:\[(\d+)\]|\.(\d+))/.exec(errorField);
  return index ? Number(index[1] ?? index[2]) + 1 : null;
}

function errorsOf(errors: readonly FieldError[], field: string): FieldError[] {
  return errors.filter((error) => formFieldOf(error.field) === field);
}

// The textarea shows the list as submitted, one item a line, so "line 2" points at what is wrong.
function errorText(locale: Locale, error: FieldError): string {
  const message = ruleErrorText(locale, error.code, error);
  const line = lineOf(error.field);
  return line === null ? message : t(locale, 'rules.errorOnLine', { line, message });
}

function ErrorsFor({ errors, field, locale, prefix = 'rule' }: { errors: readonly FieldError[]; field: string; locale: Locale; prefix?: string }) {
  const mine = errorsOf(errors, field);
  if (mine.length === 0) return null;
  // A duplicate links to the rule it repeats, to change (or switch on) that one instead.
  const existing = mine.find((error) => error.existingId !== undefined)?.existingId;
  return (
    <p class="field-error" id={`${prefix}-${field}-error`}>
      {mine.map((error) => errorText(locale, error)).join(' ')}
      {existing !== undefined && (
        <>
          {' '}
          <a href={`/rules/${existing}`}>{t(locale, 'rules.openExisting', { id: existing })}</a>
        </>
      )}
    </p>
  );
}

function RuleForm({ locale, form, errors }: { locale: Locale; form: RuleFormValues; errors: readonly FieldError[] }) {
  const action = form.id ? `/rules/${form.id}` : '/rules';
  const described = (field: string) => (errorsOf(errors, field).length > 0 ? `rule-${field}-error` : undefined);
  return (
    <form class="stack-form card" method="post" action={action}>
      <h2>{form.id ? t(locale, 'rules.edit', { id: form.id }) : t(locale, 'rules.add')}</h2>
      {errors.length > 0 && (
        <p class="alert alert-error" role="alert">
          {t(locale, 'rules.invalid')}
        </p>
      )}
      <label for="rule-kind">{t(locale, 'rules.field.kind')}</label>
      <select id="rule-kind" name="kind" aria-describedby={described('kind')}>
        {STAFF_RULE_KINDS.map((kind) => (
          <option value={kind} selected={form.kind === kind}>
            {t(locale, `rules.kind.${kind}`)}
          </option>
        ))}
      </select>
      <ErrorsFor errors={errors} field="kind" locale={locale} />
      <label for="rule-category">{t(locale, 'rules.field.category')}</label>
      <select id="rule-category" name="category" aria-describedby={described('category')}>
        {RULE_CATEGORIES.map((category) => (
          <option value={category} selected={form.category === category}>
            {t(locale, `category.${category}`)}
          </option>
        ))}
      </select>
      <ErrorsFor errors={errors} field="category" locale={locale} />
      <label for="rule-pattern">{t(locale, 'rules.field.pattern')}</label>
      <input id="rule-pattern" name="pattern" type="text" maxlength={10000} value={form.pattern} aria-describedby={described('pattern') ?? 'rule-pattern-hint'} />
      <p class="muted" id="rule-pattern-hint">
        {t(locale, 'rules.field.patternHint')}
      </p>
      <ErrorsFor errors={errors} field="pattern" locale={locale} />
      <label for="rule-terms">{t(locale, 'rules.field.terms')}</label>
      <textarea id="rule-terms" name="terms" rows={4} aria-describedby={described('terms')}>
        {form.terms.join('\n')}
      </textarea>
      <ErrorsFor errors={errors} field="terms" locale={locale} />
      <label for="rule-window">{t(locale, 'rules.field.window')}</label>
      <input id="rule-window" name="windowWords" type="number" min={1} max={STAFF_RULE_MAX_WINDOW_WORDS} value={form.windowWords ?? ''} aria-describedby={described('windowWords')} />
      <ErrorsFor errors={errors} field="windowWords" locale={locale} />
      <label for="rule-weight">{t(locale, 'rules.field.weight')}</label>
      {/* The server takes any finite weight within the bounds, so the browser must not snap it to a step. */}
      <input id="rule-weight" name="weight" type="number" step="any" min={-STAFF_RULE_MAX_WEIGHT} max={STAFF_RULE_MAX_WEIGHT} value={String(form.weight)} aria-describedby={described('weight')} />
      <ErrorsFor errors={errors} field="weight" locale={locale} />
      <label for="rule-note">{t(locale, 'rules.field.note')}</label>
      <input id="rule-note" name="note" type="text" maxlength={500} value={form.note ?? ''} />
      <label class="checkbox">
        <input type="checkbox" name="enabled" value="true" checked={form.enabled} /> {t(locale, 'rules.field.enabled')}
      </label>
      <FormActions locale={locale} cancelHref={form.id ? '/rules' : undefined} />
      {form.id !== undefined && <input type="hidden" name="id" value={String(form.id)} />}
      <p class="dryrun-action">
        <button type="submit" class="button" formaction="/rules/dry-run" formnovalidate>
          {t(locale, 'dryrun.button')}
        </button>{' '}
        <span class="muted">{t(locale, 'dryrun.hint')}</span>
      </p>
    </form>
  );
}

function GazetteerForm({ locale, gazetteer, canEdit, errors }: { locale: Locale; gazetteer: Gazetteer; canEdit: boolean; errors: readonly FieldError[] }) {
  const field = (name: keyof Gazetteer, label: string) => (
    <>
      <label for={`gazetteer-${name}`}>{t(locale, label as 'gazetteer.schools')}</label>
      <textarea
        id={`gazetteer-${name}`}
        name={name}
        rows={4}
        readonly={!canEdit}
        aria-describedby={errorsOf(errors, name).length > 0 ? `gazetteer-${name}-error` : undefined}
      >
        {gazetteer[name].join('\n')}
      </textarea>
      <ErrorsFor errors={errors} field={name} locale={locale} prefix="gazetteer" />
    </>
  );
  return (
    <form class="stack-form card" method="post" action="/settings/gazetteer">
      <h2>{t(locale, 'gazetteer.title')}</h2>
      <p class="muted">{t(locale, 'gazetteer.intro')}</p>
      {field('wardNames', 'gazetteer.wardNames')}
      {field('schools', 'gazetteer.schools')}
      {field('residentialGroups', 'gazetteer.residentialGroups')}
      {canEdit && (
        <button type="submit" class="button button-primary">
          {t(locale, 'common.save')}
        </button>
      )}
    </form>
  );
}

/** Returns the rules page. */
export function RulesPage(props: RulesPageProps) {
  const { user, locale, rules, canEdit, errors = [] } = props;
  return (
    <Layout title={t(locale, 'rules.title')} user={user} locale={locale} section="rules" backPath="/rules">
      <h1>{t(locale, 'rules.title')}</h1>
      <p class="muted">{t(locale, 'rules.intro')}</p>
      {props.flash && (
        <p class="alert alert-ok" role="status">
          {t(locale, props.flash === 'saved' ? 'rules.saved' : 'gazetteer.saved')}
        </p>
      )}
      <ReclassificationStatus progress={props.reclassification} locale={locale} />
      {rules.length === 0 ? (
        <p class="muted">{t(locale, 'rules.empty')}</p>
      ) : (
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t(locale, 'rules.col.kind')}</th>
              <th scope="col">{t(locale, 'rules.col.category')}</th>
              <th scope="col">{t(locale, 'rules.col.pattern')}</th>
              <th scope="col">{t(locale, 'rules.col.weight')}</th>
              <th scope="col">{t(locale, 'rules.col.state')}</th>
              {canEdit && <th scope="col">{t(locale, 'common.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {rules.map((rule) => (
              // The anchor the item page's "why flagged" links a staff rule to (/rules#rule-<id>).
              <tr id={`rule-${rule.id}`} class={rule.enabled ? '' : 'row-disabled'}>
                <td data-label="#">{String(rule.id)}</td>
                <td data-label={t(locale, 'rules.col.kind')}>{t(locale, `rules.kind.${rule.kind}`)}</td>
                <td data-label={t(locale, 'rules.col.category')}>
                  <span class={`badge flag-${rule.category}`}>{t(locale, `category.${rule.category}`)}</span>
                </td>
                <td data-label={t(locale, 'rules.col.pattern')} class="break">
                  <code>{rule.pattern}</code>
                  {rule.terms.length > 0 && <span class="muted"> — {rule.terms.join(' · ')}</span>}
                  {rule.windowWords !== null && <span class="muted"> (≤ {rule.windowWords})</span>}
                  {rule.note && <div class="muted">{rule.note}</div>}
                </td>
                <td data-label={t(locale, 'rules.col.weight')}>{String(rule.weight)}</td>
                <td data-label={t(locale, 'rules.col.state')}>{t(locale, rule.enabled ? 'common.enabled' : 'common.disabled')}</td>
                {canEdit && (
                  <td data-label={t(locale, 'common.actions')}>
                    <a class="button" href={`/rules/${rule.id}`}>
                      {t(locale, 'common.edit')}
                    </a>
                    <form method="post" action={`/rules/${rule.id}/toggle`} class="inline-form">
                      <button type="submit" class="button">
                        {t(locale, rule.enabled ? 'common.disable' : 'common.enable')}
                      </button>
                    </form>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.dryRun && <DryRunResult report={props.dryRun} locale={locale} />}
      {canEdit && <RuleForm locale={locale} form={props.form ?? EMPTY_FORM} errors={errors} />}
      <GazetteerForm locale={locale} gazetteer={props.gazetteer} canEdit={canEdit} errors={props.gazetteerErrors ?? []} />
    </Layout>
  );
}
