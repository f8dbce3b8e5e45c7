// The MTTQ officer's pages: their submissions with status and the ward's responses, a monthly
// count, and the opinion form with consent (errors beside their fields, typed values kept).
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_ATTACHMENTS_TOTAL_BYTES } from '../../src/domain/attachment.ts';
import {
  FEEDBACK_CHANNELS,
  type AttachmentInfo,
  type FeedbackDetail,
  type MonthlyCount,
  type OwnFeedback,
} from '../../src/domain/feedback.ts';
import type { SessionUser } from '../../src/domain/user.ts';
import { formatDate, t, type Locale } from '../i18n/messages.ts';
import { Layout } from './layout.tsx';
import { CitizenFields, ConsentField, OpinionFields, feedbackErrorText, fieldErrors, type FeedbackFieldError } from './opinion-fields.tsx';

export { feedbackErrorText, type FeedbackFieldError };

/** What the form shows: empty, or what was just submitted. */
export interface FeedbackFormValues {
  content: string;
  topic: string;
  residentialGroup: string;
  school: string;
  channel: string;
  receivedAt: string;
  citizenName: string;
  citizenContact: string;
  consent: boolean;
  /** Sent again with the form: a double submit stores one opinion. */
  idempotencyKey: string;
}

function monthLabel(month: string): string {
  const [year, mon] = month.split('-');
  return `${mon}/${year}`;
}

function ResponsesList({ locale, feedback }: { locale: Locale; feedback: OwnFeedback }) {
  if (feedback.responses.length === 0) return <p class="muted">{t(locale, 'feedback.noResponse')}</p>;
  return (
    <ol class="response-list">
      {feedback.responses.map((response) => (
        <li>
          <strong>{t(locale, `responseKind.${response.kind}`)}</strong> · {t(locale, `responseChannel.${response.channel}`)} ·{' '}
          <time datetime={response.respondedAt.toISOString()}>{formatDate(response.respondedAt, locale)}</time>
          <p class="preserve">{response.text}</p>
        </li>
      ))}
    </ol>
  );
}

/** Props of FeedbackListPage. */
export interface FeedbackListPageProps {
  user: SessionUser;
  locale: Locale;
  feedback: readonly OwnFeedback[];
  /** The id to ask for the next, older page with; null on the last page. */
  olderThan?: number | null;
  /** Whether this page starts after the newest submissions (then it links back to them). */
  paged?: boolean;
  monthly: readonly MonthlyCount[];
}

/** Returns the officer's own submissions, newest first, a page at a time, with a count per month. */
export function FeedbackListPage({ user, locale, feedback, olderThan = null, paged = false, monthly }: FeedbackListPageProps) {
  return (
    <Layout title={t(locale, 'feedback.title')} user={user} locale={locale} section="feedback">
      <h1>{t(locale, 'feedback.title')}</h1>
      <p>
        <a class="button button-primary" href="/feedback/new">
          {t(locale, 'feedback.new')}
        </a>
      </p>
      <section aria-labelledby="feedback-monthly">
        <h2 id="feedback-monthly">{t(locale, 'feedback.monthly')}</h2>
        {monthly.length === 0 ? (
          <p class="muted">{t(locale, 'feedback.empty')}</p>
        ) : (
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">{t(locale, 'feedback.col.month')}</th>
                <th scope="col">{t(locale, 'feedback.col.count')}</th>
              </tr>
            </thead>
            <tbody>
              {monthly.map((row) => (
                <tr>
                  <td data-label={t(locale, 'feedback.col.month')}>{monthLabel(row.month)}</td>
                  <td data-label={t(locale, 'feedback.col.count')}>{String(row.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="feedback-list">
        <h2 id="feedback-list">{t(locale, 'feedback.list')}</h2>
        {feedback.length === 0 ? (
          <p class="muted">{t(locale, 'feedback.empty')}</p>
        ) : (
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">{t(locale, 'feedback.col.receipt')}</th>
                <th scope="col">{t(locale, 'feedback.col.content')}</th>
                <th scope="col">{t(locale, 'feedback.col.created')}</th>
                <th scope="col">{t(locale, 'feedback.col.status')}</th>
                <th scope="col">{t(locale, 'feedback.col.responses')}</th>
              </tr>
            </thead>
            <tbody>
              {feedback.map((entry) => (
                <tr>
                  <td data-label={t(locale, 'feedback.col.receipt')}>
                    <a href={`/feedback/${entry.id}`}>{entry.receipt}</a>
                  </td>
                  <td data-label={t(locale, 'feedback.col.content')} class="break">
                    {entry.content.length > 160 ? `${entry.content.slice(0, 159)}…` : entry.content}
                  </td>
                  <td data-label={t(locale, 'feedback.col.created')}>{formatDate(entry.createdAt, locale)}</td>
                  <td data-label={t(locale, 'feedback.col.status')}>{t(locale, `status.${entry.status}`)}</td>
                  <td data-label={t(locale, 'feedback.col.responses')}>{String(entry.responses.length)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {paged || olderThan !== null ? (
          <nav class="pager" aria-label={t(locale, 'feedback.pager')}>
            {paged ? <a href="/feedback">{t(locale, 'feedback.newest')}</a> : null}
            {olderThan !== null ? (
              <a href={`/feedback?before=${olderThan}`} rel="next">
                {t(locale, 'feedback.older')}
              </a>
            ) : null}
          </nav>
        ) : null}
      </section>
    </Layout>
  );
}

/** Props of FeedbackDetailPage. */
export interface FeedbackDetailPageProps {
  user: SessionUser;
  locale: Locale;
  feedback: OwnFeedback;
  /** The submission's files, downloadable by its officer and the ward. */
  attachments?: readonly AttachmentInfo[];
  /** For admin and staff only: the citizen's contact and whether it was deleted. */
  ward?: FeedbackDetail;
  created?: boolean;
}

/** Returns a size in bytes as people read it (KB/MB). */
export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${Math.round(size / 1024)} KB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MB`;
}

function AttachmentList({ locale, feedbackId, attachments }: { locale: Locale; feedbackId: number; attachments: readonly AttachmentInfo[] }) {
  if (attachments.length === 0) return <p class="muted">{t(locale, 'feedbackPrivacy.noAttachments')}</p>;
  return (
    <ul class="feedback-attachments">
      {attachments.map((attachment) => (
        <li>
          <a href={`/api/feedback/${feedbackId}/attachments/${attachment.id}`} download={attachment.filename}>
            {attachment.filename}
          </a>{' '}
          <span class="muted">
            ({attachment.contentType}, {formatBytes(attachment.size)})
          </span>
        </li>
      ))}
    </ul>
  );
}

function WardContact({ locale, ward }: { locale: Locale; ward: FeedbackDetail }) {
  const none = t(locale, 'common.none');
  if (ward.contactDeletedAt) {
    return (
      <p class="muted">
        {t(locale, `feedbackPrivacy.contactDeleted.${ward.contactDeletedReason ?? 'request'}`, { date: formatDate(ward.contactDeletedAt, locale) })}
      </p>
    );
  }
  return (
    <dl class="details">
      <dt>{t(locale, 'feedback.field.citizenName')}</dt>
      <dd>{ward.contact?.name ?? none}</dd>
      <dt>{t(locale, 'feedback.field.citizenContact')}</dt>
      <dd>{ward.contact?.contact ?? none}</dd>
      <dt>{t(locale, 'feedbackPrivacy.consentVersion')}</dt>
      <dd>{ward.consentVersion}</dd>
    </dl>
  );
}

/** Returns one of the officer's submissions with its status and the ward's responses. */
export function FeedbackDetailPage({ user, locale, feedback, attachments, ward, created }: FeedbackDetailPageProps) {
  const none = t(locale, 'common.none');
  return (
    <Layout title={feedback.receipt} user={user} locale={locale} section="feedback">
      <p>
        {ward ? <a href={`/items/${feedback.itemId}`}>{t(locale, 'feedbackPrivacy.backToItem')}</a> : <a href="/feedback">{t(locale, 'feedback.back')}</a>}
      </p>
      <h1>{t(locale, 'feedback.detailTitle', { receipt: feedback.receipt })}</h1>
      {created && (
        <p class="alert alert-ok" role="status">
          {t(locale, 'feedback.created', { receipt: feedback.receipt })}
        </p>
      )}
      <dl class="details">
        <dt>{t(locale, 'feedback.col.status')}</dt>
        <dd>{t(locale, `status.${feedback.status}`)}</dd>
        <dt>{t(locale, 'feedback.field.topic')}</dt>
        <dd>{feedback.topic ?? none}</dd>
        <dt>{t(locale, 'feedback.field.residentialGroup')}</dt>
        <dd>{feedback.residentialGroup ?? none}</dd>
        <dt>{t(locale, 'feedback.field.school')}</dt>
        <dd>{feedback.school ?? none}</dd>
        <dt>{t(locale, 'feedback.field.channel')}</dt>
        <dd>{feedback.channel ? t(locale, `feedbackChannel.${feedback.channel}`) : none}</dd>
        <dt>{t(locale, 'feedback.field.receivedAt')}</dt>
        <dd>{formatDate(feedback.receivedAt, locale)}</dd>
        <dt>{t(locale, 'feedback.col.created')}</dt>
        <dd>{formatDate(feedback.createdAt, locale)}</dd>
      </dl>
      <h2>{t(locale, 'feedback.field.content')}</h2>
      <p class="preserve">{feedback.content}</p>
      {ward && (
        <section aria-labelledby="feedback-contact">
          <h2 id="feedback-contact">{t(locale, 'feedback.citizen')}</h2>
          <p class="muted">{t(locale, 'feedbackPrivacy.contactWarning')}</p>
          <WardContact locale={locale} ward={ward} />
        </section>
      )}
      {attachments && (
        <section aria-labelledby="feedback-attachments">
          <h2 id="feedback-attachments">{t(locale, 'feedbackPrivacy.attachments')}</h2>
          <AttachmentList locale={locale} feedbackId={feedback.id} attachments={attachments} />
        </section>
      )}
      <h2>{t(locale, 'feedback.responses')}</h2>
      <ResponsesList locale={locale} feedback={feedback} />
    </Layout>
  );
}

/**
 * Returns the notice on a form sent over the rate limit: nothing was sent, what was typed is
 * below, and how many minutes to wait (Retry-After, rounded up) before sending again.
 */
export function RateLimitedNotice({ locale, retryAfterSeconds, hadFiles = false }: { locale: Locale; retryAfterSeconds: number; hadFiles?: boolean }) {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return (
    <div class="alert alert-error" role="alert" id="form-rate-limited">
      <p>{t(locale, 'feedback.rateLimited', { minutes, submit: t(locale, 'feedback.submit') })}</p>
      {hadFiles && <p>{t(locale, 'feedback.rateLimitedFiles')}</p>}
    </div>
  );
}

/** Props of FeedbackFormPage. */
export interface FeedbackFormPageProps {
  user: SessionUser;
  locale: Locale;
  values: FeedbackFormValues;
  errors?: readonly FeedbackFieldError[];
  /** The form was sent with a key already used for a different opinion: nothing was stored. */
  keyReused?: boolean;
  /** The form was sent over the rate limit: nothing was stored, what was typed is shown again. */
  rateLimited?: { retryAfterSeconds: number; hadFiles: boolean };
  /** The ward's residential groups (tổ dân phố); free text when empty. */
  residentialGroups: readonly string[];
  /** Known schools, offered as suggestions. */
  schools: readonly string[];
}

/** Returns the opinion form: labels on every field, errors beside their fields, consent with its purpose. */
export function FeedbackFormPage({ user, locale, values, errors = [], keyReused = false, rateLimited, residentialGroups, schools }: FeedbackFormPageProps) {
  const { described, invalid, ErrorFor } = fieldErrors('feedback', locale, errors);
  const attachmentLimits = { count: String(MAX_ATTACHMENTS), size: formatBytes(MAX_ATTACHMENT_BYTES), total: formatBytes(MAX_ATTACHMENTS_TOTAL_BYTES) };
  return (
    <Layout title={t(locale, 'feedback.new')} user={user} locale={locale} section="feedback" backPath="/feedback/new">
      <p>
        <a href="/feedback">{t(locale, 'feedback.back')}</a>
      </p>
      <h1>{t(locale, 'feedback.new')}</h1>
      <form class="stack-form card" method="post" action="/feedback/new" enctype="multipart/form-data" novalidate>
        {keyReused && (
          <p class="alert alert-error" role="alert">
            {t(locale, 'feedback.keyReused')}
          </p>
        )}
        {rateLimited && <RateLimitedNotice locale={locale} retryAfterSeconds={rateLimited.retryAfterSeconds} hadFiles={rateLimited.hadFiles} />}
        {errors.length > 0 && (
          <p class="alert alert-error" role="alert">
            {t(locale, 'feedback.invalid')}
          </p>
        )}
        <input type="hidden" name="idempotencyKey" value={values.idempotencyKey} />
        <OpinionFields
          prefix="feedback"
          locale={locale}
          values={values}
          errors={errors}
          residentialGroups={residentialGroups}
          schools={schools}
          contentLabel="feedback.field.content"
          groupLabel="feedback.field.residentialGroup"
        />
        <label for="feedback-channel">{t(locale, 'feedback.field.channel')}</label>
        <select id="feedback-channel" name="channel" aria-invalid={invalid('channel')} aria-describedby={described('channel')}>
          <option value="">{t(locale, 'feedback.choose')}</option>
          {FEEDBACK_CHANNELS.map((channel) => (
            <option value={channel} selected={values.channel === channel}>
              {t(locale, `feedbackChannel.${channel}`)}
            </option>
          ))}
        </select>
        <ErrorFor field="channel" />
        <label for="feedback-receivedAt">{t(locale, 'feedback.field.receivedAt')}</label>
        <input
          id="feedback-receivedAt"
          name="receivedAt"
          type="date"
          value={values.receivedAt}
          aria-invalid={invalid('receivedAt')}
          aria-describedby={described('receivedAt')}
        />
        <ErrorFor field="receivedAt" />
        <CitizenFields
          prefix="feedback"
          locale={locale}
          values={values}
          errors={errors}
          text={{ legend: 'feedback.citizen', hint: 'feedback.citizenHint', name: 'feedback.field.citizenName', contact: 'feedback.field.citizenContact' }}
          autocomplete={{ name: 'off', contact: 'off' }}
        />
        <label for="feedback-attachments">{t(locale, 'feedbackPrivacy.field.attachments')}</label>
        <p class="muted" id="feedback-attachments-hint">
          {t(locale, 'feedbackPrivacy.attachmentsHint', attachmentLimits)}
        </p>
        <input
          id="feedback-attachments"
          name="attachments"
          type="file"
          multiple
          accept={ATTACHMENT_TYPES.join(',')}
          // Checked in the browser before sending (static/app.js): a selection over the limits would
          // be refused whole, after the upload, with the typed text gone.
          data-max-files={MAX_ATTACHMENTS}
          data-max-bytes={MAX_ATTACHMENT_BYTES}
          data-max-total={MAX_ATTACHMENTS_TOTAL_BYTES}
          data-over-limit={t(locale, 'feedbackPrivacy.attachmentsOverLimit', attachmentLimits)}
          aria-invalid={invalid('attachments')}
          aria-describedby={described('attachments', 'feedback-attachments-hint')}
        />
        <ErrorFor field="attachments" />
        <ConsentField prefix="feedback" locale={locale} checked={values.consent} errors={errors} text={{ legend: 'feedback.consentTitle', check: 'feedback.consentCheck' }} />
        <div class="form-actions">
          <button type="submit" class="button button-primary">
            {t(locale, 'feedback.submit')}
          </button>
          <a class="button" href="/feedback">
            {t(locale, 'common.cancel')}
          </a>
        </div>
      </form>
    </Layout>
  );
}
