// The administrator's personal-data page: carry out a citizen's request to see or delete their data
// (found by receipt code or contact), the log of requests (counts only), and the retention period.
import { DATA_REQUEST_KINDS, MAX_RETENTION_DAYS, MIN_RETENTION_DAYS, type DataRequestKind, type DataRequestLogEntry } from '../../src/domain/privacy.ts';
import type { FeedbackDetail } from '../../src/domain/feedback.ts';
import type { SessionUser } from '../../src/domain/user.ts';
import { formatDate, t, type Locale } from '../i18n/messages.ts';
import { formatBytes, type FeedbackFieldError } from './feedback-page.tsx';
import { fieldErrors } from './opinion-fields.tsx';
import { Layout } from './layout.tsx';

/** What the request form shows again after a refusal. */
export interface DataRequestFormValues {
  kind: string;
  receipt: string;
  contact: string;
}

/** The answer to a request carried out from the page. */
export interface DataRequestPageResult {
  kind: DataRequestKind;
  submissionsFound: number;
  contactsDeleted: number;
  attachmentsDeleted: number;
  submissions: readonly FeedbackDetail[];
}

/** Props of DataRequestsPage. */
export interface DataRequestsPageProps {
  user: SessionUser;
  locale: Locale;
  log: readonly DataRequestLogEntry[];
  retentionDays: number;
  /** The retention days as typed in a refused save, shown instead of the stored value. */
  retentionInput?: string;
  values?: DataRequestFormValues;
  errors?: readonly FeedbackFieldError[];
  result?: DataRequestPageResult;
  flash?: 'retention';
}

function AccessResult({ locale, submissions }: { locale: Locale; submissions: readonly FeedbackDetail[] }) {
  const none = t(locale, 'common.none');
  return (
    <>
      {submissions.map((entry) => (
        <article class="card dsr-submission">
          <h3>{t(locale, 'feedback.detailTitle', { receipt: entry.receipt })}</h3>
          <dl class="details">
            <dt>{t(locale, 'feedback.col.created')}</dt>
            <dd>{formatDate(entry.createdAt, locale)}</dd>
            <dt>{t(locale, 'feedback.col.status')}</dt>
            <dd>{t(locale, `status.${entry.status}`)}</dd>
            <dt>{t(locale, 'feedback.field.citizenName')}</dt>
            <dd>{entry.contact?.name ?? none}</dd>
            <dt>{t(locale, 'feedback.field.citizenContact')}</dt>
            <dd>{entry.contact?.contact ?? none}</dd>
            <dt>{t(locale, 'feedbackPrivacy.consentVersion')}</dt>
            <dd>{entry.consentVersion}</dd>
            <dt>{t(locale, 'feedbackPrivacy.attachments')}</dt>
            <dd>
              {entry.attachments.length === 0
                ? none
                : entry.attachments.map((attachment) => `${attachment.filename} (${formatBytes(attachment.size)})`).join(', ')}
            </dd>
          </dl>
          <p class="preserve">{entry.content}</p>
          {entry.responses.map((response) => (
            <p class="preserve">
              <strong>{t(locale, `responseKind.${response.kind}`)}</strong> · {formatDate(response.respondedAt, locale)}: {response.text}
            </p>
          ))}
        </article>
      ))}
    </>
  );
}

/** Returns the request form with its answer, the request log and the retention setting. */
export function DataRequestsPage({ user, locale, log, retentionDays, retentionInput, values, errors = [], result, flash }: DataRequestsPageProps) {
  const form = values ?? { kind: 'access', receipt: '', contact: '' };
  const { described, invalid, ErrorFor } = fieldErrors('dsr', locale, errors);
  return (
    <Layout title={t(locale, 'feedbackPrivacy.title')} user={user} locale={locale} section="privacy" backPath="/data-requests">
      <h1>{t(locale, 'feedbackPrivacy.title')}</h1>
      <p class="muted">{t(locale, 'feedbackPrivacy.intro')}</p>
      {flash === 'retention' && (
        <p class="alert alert-ok" role="status">
          {t(locale, 'feedbackPrivacy.retentionSaved', { days: String(retentionDays) })}
        </p>
      )}
      <section aria-labelledby="dsr-form-title">
        <h2 id="dsr-form-title">{t(locale, 'feedbackPrivacy.requestTitle')}</h2>
        <form class="stack-form card" method="post" action="/data-requests" novalidate>
          {errors.some((error) => error.field !== 'days') && (
            <p class="alert alert-error" role="alert">
              {t(locale, 'feedback.invalid')}
            </p>
          )}
          <fieldset>
            <legend>{t(locale, 'feedbackPrivacy.field.kind')}</legend>
            {DATA_REQUEST_KINDS.map((kind) => (
              <label class="checkbox">
                <input type="radio" name="kind" value={kind} checked={form.kind === kind} /> {t(locale, `feedbackPrivacy.kind.${kind}`)}
              </label>
            ))}
          </fieldset>
          <label for="dsr-receipt">{t(locale, 'feedbackPrivacy.field.receipt')}</label>
          <input id="dsr-receipt" name="receipt" type="text" maxlength={40} autocomplete="off" value={form.receipt} aria-invalid={invalid('receipt')} aria-describedby={described('receipt')} />
          <ErrorFor field="receipt" />
          <label for="dsr-contact">{t(locale, 'feedbackPrivacy.field.contact')}</label>
          <input id="dsr-contact" name="contact" type="text" maxlength={200} autocomplete="off" value={form.contact} aria-invalid={invalid('contact')} aria-describedby={described('contact')} />
          <ErrorFor field="contact" />
          <label class="checkbox">
            <input type="checkbox" name="confirm" value="yes" aria-describedby={described('confirm')} /> {t(locale, 'feedbackPrivacy.confirmDeletion')}
          </label>
          <ErrorFor field="confirm" />
          <div class="form-actions">
            <button type="submit" class="button button-primary">
              {t(locale, 'feedbackPrivacy.carryOut')}
            </button>
          </div>
        </form>
      </section>
      {result && (
        <section aria-labelledby="dsr-result-title">
          <h2 id="dsr-result-title">{t(locale, 'feedbackPrivacy.resultTitle')}</h2>
          <p role="status">
            {result.kind === 'access'
              ? t(locale, 'feedbackPrivacy.accessResult', { count: String(result.submissionsFound) })
              : t(locale, 'feedbackPrivacy.deletionResult', {
                  count: String(result.submissionsFound),
                  contacts: String(result.contactsDeleted),
                  attachments: String(result.attachmentsDeleted),
                })}
          </p>
          {result.kind === 'access' && <AccessResult locale={locale} submissions={result.submissions} />}
        </section>
      )}
      <section aria-labelledby="dsr-log-title">
        <h2 id="dsr-log-title">{t(locale, 'feedbackPrivacy.logTitle')}</h2>
        {log.length === 0 ? (
          <p class="muted">{t(locale, 'feedbackPrivacy.logEmpty')}</p>
        ) : (
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">{t(locale, 'feedbackPrivacy.col.at')}</th>
                <th scope="col">{t(locale, 'feedbackPrivacy.field.kind')}</th>
                <th scope="col">{t(locale, 'feedbackPrivacy.col.foundBy')}</th>
                <th scope="col">{t(locale, 'feedbackPrivacy.col.found')}</th>
                <th scope="col">{t(locale, 'feedbackPrivacy.col.deleted')}</th>
                <th scope="col">{t(locale, 'feedbackPrivacy.col.by')}</th>
              </tr>
            </thead>
            <tbody>
              {log.map((entry) => (
                <tr>
                  <td data-label={t(locale, 'feedbackPrivacy.col.at')}>{formatDate(entry.at, locale)}</td>
                  <td data-label={t(locale, 'feedbackPrivacy.field.kind')}>{t(locale, `feedbackPrivacy.kind.${entry.kind}`)}</td>
                  <td data-label={t(locale, 'feedbackPrivacy.col.foundBy')}>{t(locale, `feedbackPrivacy.foundBy.${entry.foundBy}`)}</td>
                  <td data-label={t(locale, 'feedbackPrivacy.col.found')}>{String(entry.submissionsFound)}</td>
                  <td data-label={t(locale, 'feedbackPrivacy.col.deleted')}>{String(entry.contactsDeleted)}</td>
                  <td data-label={t(locale, 'feedbackPrivacy.col.by')}>{entry.performedByName ?? t(locale, 'feedbackPrivacy.byCommandLine')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="dsr-retention-title">
        <h2 id="dsr-retention-title">{t(locale, 'feedbackPrivacy.retentionTitle')}</h2>
        <form class="stack-form card" method="post" action="/settings/retention" novalidate>
          <p class="muted" id="dsr-retention-hint">
            {t(locale, 'feedbackPrivacy.retentionHint')}
          </p>
          <label for="dsr-retention-days">{t(locale, 'feedbackPrivacy.field.retentionDays')}</label>
          <input
            id="dsr-retention-days"
            name="days"
            type="number"
            min={MIN_RETENTION_DAYS}
            max={MAX_RETENTION_DAYS}
            required
            value={retentionInput ?? String(retentionDays)}
            aria-invalid={invalid('days')}
            aria-describedby={described('days', 'dsr-retention-hint')}
          />
          <ErrorFor field="days" />
          <div class="form-actions">
            <button type="submit" class="button">
              {t(locale, 'feedbackPrivacy.saveRetention')}
            </button>
          </div>
        </form>
      </section>
    </Layout>
  );
}
