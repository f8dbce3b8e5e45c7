// The register of known claims: what is being said, the verdict, and the correction.
import { VERDICTS } from '../../src/domain/item.ts';
import type { Claim } from '../../src/domain/rule.ts';
import type { DryRunReport } from '../../src/domain/dry-run.ts';
import type { SessionUser } from '../../src/domain/user.ts';
import { formatDate, hasMessage, t, type Locale } from '../i18n/messages.ts';
import { VerdictBadge } from './label-badges.tsx';
import { FormActions } from './form-actions.tsx';
import { DryRunResult } from './dry-run-result.tsx';
import { Layout } from './layout.tsx';
import { ReclassificationStatus, type ReclassificationView } from './reclassification-status.tsx';
import type { FieldError } from './rules-page.tsx';
import { safeHttpUrl } from './safe-http-url.ts';

/** What the claim form shows. */
export interface ClaimFormValues {
  id?: number;
  statement: string;
  verdict: string;
  correction: string | null;
  references: string[];
  enabled: boolean;
}

/** Props of ClaimsPage. */
export interface ClaimsPageProps {
  user: SessionUser;
  locale: Locale;
  claims: readonly Claim[];
  canEdit: boolean;
  reclassification: ReclassificationView | null;
  form?: ClaimFormValues;
  errors?: readonly FieldError[];
  flash?: 'saved';
  /** What the draft in the form would flag ("Thử trước"). */
  dryRun?: DryRunReport;
}

const EMPTY_FORM: ClaimFormValues = { statement: '', verdict: 'false', correction: null, references: [], enabled: true };

/**
 * Returns the message of a claim field's error: its own for the code when the catalogue has one
 * (`claimError.statement.too_short`; a duplicate's names the existing claim), else the field's.
 */
export function claimErrorText(locale: Locale, error: FieldError): string {
  const field = error.field.replace(/[.[].*$/, '');
  const specific = `claimError.${field}.${error.code}`;
  const key = hasMessage(specific) ? specific : `claimError.${field}`;
  return hasMessage(key) ? t(locale, key, { id: error.existingId ?? '' }) : t(locale, 'ruleError.invalid');
}

function ErrorFor({ errors, field, locale }: { errors: readonly FieldError[]; field: string; locale: Locale }) {
  const error = errors.find((candidate) => candidate.field === field || candidate.field.startsWith(`${field}.`));
  if (!error) return null;
  return (
    <p class="field-error" id={`claim-${field}-error`}>
      {claimErrorText(locale, error)}
      {/* A duplicate links to the claim it repeats, to change (or switch on) that one instead. */}
      {error.existingId !== undefined && (
        <>
          {' '}
          <a href={`/claims/${error.existingId}`}>{t(locale, 'claims.openExisting', { id: error.existingId })}</a>
        </>
      )}
    </p>
  );
}

function ClaimForm({ locale, form, errors }: { locale: Locale; form: ClaimFormValues; errors: readonly FieldError[] }) {
  const described = (field: string) => (errors.some((error) => error.field.startsWith(field)) ? `claim-${field}-error` : undefined);
  return (
    <form class="stack-form card" method="post" action={form.id ? `/claims/${form.id}` : '/claims'}>
      <h2>{form.id ? t(locale, 'claims.edit', { id: form.id }) : t(locale, 'claims.add')}</h2>
      {errors.length > 0 && (
        <p class="alert alert-error" role="alert">
          {t(locale, 'claims.invalid')}
        </p>
      )}
      <label for="claim-statement">{t(locale, 'claims.field.statement')}</label>
      <textarea id="claim-statement" name="statement" rows={3} required aria-describedby={described('statement')}>
        {form.statement}
      </textarea>
      <ErrorFor errors={errors} field="statement" locale={locale} />
      <label for="claim-verdict">{t(locale, 'claims.field.verdict')}</label>
      <select id="claim-verdict" name="verdict" aria-describedby={described('verdict')}>
        {VERDICTS.map((verdict) => (
          <option value={verdict} selected={form.verdict === verdict}>
            {t(locale, `verdict.${verdict}`)}
          </option>
        ))}
      </select>
      <ErrorFor errors={errors} field="verdict" locale={locale} />
      <label for="claim-correction">{t(locale, 'claims.field.correction')}</label>
      <textarea id="claim-correction" name="correction" rows={3} aria-describedby={described('correction')}>
        {form.correction ?? ''}
      </textarea>
      <ErrorFor errors={errors} field="correction" locale={locale} />
      <label for="claim-references">{t(locale, 'claims.field.references')}</label>
      <textarea id="claim-references" name="references" rows={2} aria-describedby={described('references')}>
        {form.references.join('\n')}
      </textarea>
      <ErrorFor errors={errors} field="references" locale={locale} />
      <label class="checkbox">
        <input type="checkbox" name="enabled" value="true" checked={form.enabled} /> {t(locale, 'claims.field.enabled')}
      </label>
      <FormActions locale={locale} cancelHref={form.id ? '/claims' : undefined} />
      {form.id !== undefined && <input type="hidden" name="id" value={String(form.id)} />}
      <p class="dryrun-action">
        <button type="submit" class="button" formaction="/claims/dry-run" formnovalidate>
          {t(locale, 'dryrun.button')}
        </button>{' '}
        <span class="muted">{t(locale, 'dryrun.hint')}</span>
      </p>
    </form>
  );
}

/** Returns the claims page. */
export function ClaimsPage(props: ClaimsPageProps) {
  const { user, locale, claims, canEdit, errors = [] } = props;
  return (
    <Layout title={t(locale, 'claims.title')} user={user} locale={locale} section="claims" backPath="/claims">
      <h1>{t(locale, 'claims.title')}</h1>
      <p class="muted">{t(locale, 'claims.intro')}</p>
      {props.flash && (
        <p class="alert alert-ok" role="status">
          {t(locale, 'claims.saved')}
        </p>
      )}
      <ReclassificationStatus progress={props.reclassification} locale={locale} />
      {claims.length === 0 ? (
        <p class="muted">{t(locale, 'claims.empty')}</p>
      ) : (
        <ul class="claim-list">
          {claims.map((claim) => (
            <li class={`card claim ${claim.enabled ? '' : 'row-disabled'}`} id={`claim-${claim.id}`}>
              <p>
                <strong>#{String(claim.id)}</strong> <VerdictBadge verdict={claim.verdict} locale={locale} />{' '}
                <span class="muted">
                  {t(locale, claim.enabled ? 'common.enabled' : 'common.disabled')} · {formatDate(claim.updatedAt, locale)}
                </span>
              </p>
              <p class="preserve">{claim.statement}</p>
              {claim.correction && (
                <p class="preserve">
                  <strong>{t(locale, 'item.claimCorrection')}:</strong> {claim.correction}
                </p>
              )}
              {claim.references.length > 0 && (
                <ul>
                  {claim.references.map((reference) => {
                    const safe = safeHttpUrl(reference);
                    return <li class="break">{safe ? <a href={safe} rel="noopener noreferrer nofollow">{reference}</a> : reference}</li>;
                  })}
                </ul>
              )}
              {canEdit && (
                <p>
                  <a class="button" href={`/claims/${claim.id}`}>
                    {t(locale, 'common.edit')}
                  </a>{' '}
                  <form method="post" action={`/claims/${claim.id}/toggle`} class="inline-form">
                    <button type="submit" class="button">
                      {t(locale, claim.enabled ? 'common.disable' : 'common.enable')}
                    </button>
                  </form>
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      {props.dryRun && <DryRunResult report={props.dryRun} locale={locale} />}
      {canEdit && <ClaimForm locale={locale} form={props.form ?? EMPTY_FORM} errors={errors} />}
    </Layout>
  );
}
