// The official report's details (issuing body, place, recipients, signer): an admin's form,
// with errors beside their fields.
import type { ReportSettings } from '../../src/domain/report-settings.ts';
import type { SessionUser } from '../../src/domain/user.ts';
import { t, type Locale } from '../i18n/messages.ts';
import { FormActions } from './form-actions.tsx';
import { Layout } from './layout.tsx';

/** The fields in the order the form shows them. */
export const REPORT_SETTING_FIELDS = ['wardName', 'place', 'recipients', 'signerTitle', 'signerName'] as const satisfies readonly (keyof ReportSettings)[];
export type ReportSettingField = (typeof REPORT_SETTING_FIELDS)[number];

export interface ReportSettingsPageProps {
  user: SessionUser;
  locale: Locale;
  /** What the form shows (as typed when it had errors); recipients one a line. */
  values: Record<ReportSettingField, string>;
  errors?: readonly ReportSettingField[];
  flash?: 'saved';
}

/** Returns the page where an administrator sets who issues and signs the weekly report. */
export function ReportSettingsPage({ user, locale, values, errors = [], flash }: ReportSettingsPageProps) {
  return (
    <Layout title={t(locale, 'reportSettings.title')} user={user} locale={locale} section="reports">
      <h1>{t(locale, 'reportSettings.title')}</h1>
      <p class="muted">{t(locale, 'reportSettings.intro')}</p>
      {flash && (
        <p class="alert alert-ok" role="status">
          {t(locale, 'reportSettings.saved')}
        </p>
      )}
      <form class="stack-form card" method="post" action="/settings/report">
        {errors.length > 0 && (
          <p class="alert alert-error" role="alert">
            {t(locale, 'reportSettings.invalid')}
          </p>
        )}
        {REPORT_SETTING_FIELDS.map((field) => {
          const invalid = errors.includes(field);
          const common = {
            id: `report-${field}`,
            name: field,
            'aria-invalid': invalid ? 'true' : undefined,
            'aria-describedby': invalid ? `report-${field}-error` : `report-${field}-hint`,
          } as const;
          return (
            <>
              <label for={`report-${field}`}>{t(locale, `reportSettings.field.${field}`)}</label>
              {field === 'recipients' ? (
                <textarea {...common} rows={5}>
                  {values[field]}
                </textarea>
              ) : (
                <input {...common} type="text" maxlength={100} required={field !== 'signerName'} value={values[field]} />
              )}
              <p class="muted" id={`report-${field}-hint`}>
                {t(locale, `reportSettings.hint.${field}`)}
              </p>
              {invalid && (
                <p class="field-error" id={`report-${field}-error`}>
                  {t(locale, 'reportSettings.error')}
                </p>
              )}
            </>
          );
        })}
        <FormActions locale={locale} cancelHref="/reports/weekly" />
      </form>
    </Layout>
  );
}
