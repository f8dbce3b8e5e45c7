// The response deadlines per severity: an admin's form, with errors beside their fields.
import type { Deadlines } from '../../src/domain/deadline.ts';
import type { SessionUser } from '../../src/domain/user.ts';
import { t, type Locale } from '../i18n/messages.ts';
import { FormActions } from './form-actions.tsx';
import { Layout } from './layout.tsx';

/** The severities in the order the form shows them. */
export const DEADLINE_FIELDS = ['misinformation', 'negative', 'offensive', 'feedback'] as const satisfies readonly (keyof Deadlines)[];

/** Props of DeadlinesPage: `values` are what the form shows (as typed when it had errors). */
export interface DeadlinesPageProps {
  user: SessionUser;
  locale: Locale;
  values: Record<keyof Deadlines, string>;
  /** Fields whose value was refused. */
  errors?: readonly (keyof Deadlines)[];
  flash?: 'saved';
}

/** Returns the deadlines settings page. */
export function DeadlinesPage({ user, locale, values, errors = [], flash }: DeadlinesPageProps) {
  return (
    <Layout title={t(locale, 'deadlines.title')} user={user} locale={locale} section="deadlines">
      <h1>{t(locale, 'deadlines.title')}</h1>
      <p class="muted">{t(locale, 'deadlines.intro')}</p>
      {flash && (
        <p class="alert alert-ok" role="status">
          {t(locale, 'deadlines.saved')}
        </p>
      )}
      <form class="stack-form card" method="post" action="/settings/deadlines">
        {errors.length > 0 && (
          <p class="alert alert-error" role="alert">
            {t(locale, 'deadlines.invalid')}
          </p>
        )}
        {DEADLINE_FIELDS.map((field) => {
          const invalid = errors.includes(field);
          return (
            <>
              <label for={`deadline-${field}`}>{t(locale, `deadlines.field.${field}`)}</label>
              <input
                id={`deadline-${field}`}
                name={field}
                type="number"
                min={1}
                max={2000}
                step={1}
                required
                value={values[field]}
                aria-invalid={invalid ? 'true' : undefined}
                aria-describedby={invalid ? `deadline-${field}-error` : undefined}
              />
              {invalid && (
                <p class="field-error" id={`deadline-${field}-error`}>
                  {t(locale, 'deadlines.error.hours')}
                </p>
              )}
            </>
          );
        })}
        <FormActions locale={locale} />
      </form>
    </Layout>
  );
}
