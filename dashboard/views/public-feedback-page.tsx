// The citizens' pages (no account): the opinion form with consent, the receipt it answers, and the
// receipt lookup; plus the administrator's switch that opens or closes them. Phone first.
import type { PublicFeedbackStatus } from '../../src/domain/public-feedback.ts';
import type { SessionUser } from '../../src/domain/user.ts';
import { formatDate, t, type Locale } from '../i18n/messages.ts';
import { Layout } from './layout.tsx';
import { RateLimitedNotice } from './feedback-page.tsx';
import { CitizenFields, ConsentField, OpinionFields, feedbackErrorText, type FeedbackFieldError } from './opinion-fields.tsx';

/** The name of the honeypot field: people never see it, form-filling robots fill it in. */
export const HONEYPOT_FIELD = 'website';

/** What the public form shows: empty, or what was just submitted. */
export interface PublicFormValues {
  content: string;
  topic: string;
  residentialGroup: string;
  school: string;
  citizenName: string;
  citizenContact: string;
  consent: boolean;
  /** Sent again with the form: a double submit stores one opinion. */
  idempotencyKey: string;
}

/** Props of PublicFeedbackFormPage. */
export interface PublicFeedbackFormPageProps {
  locale: Locale;
  values: PublicFormValues;
  errors?: readonly FeedbackFieldError[];
  /** Set when the form was sent over the rate limit: nothing was stored, what was typed is shown again. */
  retryAfterSeconds?: number;
  /** The ward's residential groups (tổ dân phố); free text when empty. */
  residentialGroups: readonly string[];
  /** Known schools, offered as suggestions. */
  schools: readonly string[];
}

function PublicNav({ locale }: { locale: Locale }) {
  return (
    <p class="public-links">
      <a href="/public/feedback">{t(locale, 'public.nav.form')}</a>
      <a href="/public/feedback/status">{t(locale, 'public.nav.status')}</a>
    </p>
  );
}

/** Returns the public opinion form: labels on every field, errors beside their fields, consent with its version. */
export function PublicFeedbackFormPage({ locale, values, errors = [], retryAfterSeconds, residentialGroups, schools }: PublicFeedbackFormPageProps) {
  // Errors on fields this form does not show (a tampered post) are still named at the top.
  const shown = ['content', 'topic', 'residentialGroup', 'school', 'citizen', 'consent'];
  const other = errors.filter((error) => !shown.some((field) => error.field === field || error.field.startsWith(`${field}.`)));
  return (
    <Layout title={t(locale, 'public.form.title')} locale={locale}>
      <PublicNav locale={locale} />
      <h1>{t(locale, 'public.form.title')}</h1>
      <p class="muted">{t(locale, 'public.form.intro')}</p>
      <form class="stack-form card public-form" method="post" action="/public/feedback" novalidate>
        {retryAfterSeconds !== undefined && <RateLimitedNotice locale={locale} retryAfterSeconds={retryAfterSeconds} />}
        {errors.length > 0 && (
          <div class="alert alert-error" role="alert">
            <p>{t(locale, 'feedback.invalid')}</p>
            {other.length > 0 && <p>{[...new Set(other.map((error) => feedbackErrorText(locale, error.code)))].join(' ')}</p>}
          </div>
        )}
        <input type="hidden" name="idempotencyKey" value={values.idempotencyKey} />
        <OpinionFields
          prefix="public"
          locale={locale}
          values={values}
          errors={errors}
          residentialGroups={residentialGroups}
          schools={schools}
          contentLabel="public.field.content"
          groupLabel="public.field.residentialGroup"
        />
        <CitizenFields
          prefix="public"
          locale={locale}
          values={values}
          errors={errors}
          text={{ legend: 'public.citizen', hint: 'public.citizenHint', name: 'public.field.citizenName', contact: 'public.field.citizenContact' }}
          autocomplete={{ name: 'name', contact: 'tel' }}
        />
        {/* The honeypot: hidden from sight and from assistive technology, skipped by the keyboard. */}
        <div class="public-hp" aria-hidden="true">
          <label for="public-website">{t(locale, 'public.honeypot')}</label>
          <input id="public-website" name={HONEYPOT_FIELD} type="text" value="" autocomplete="off" tabindex={-1} />
        </div>
        <ConsentField prefix="public" locale={locale} checked={values.consent} errors={errors} text={{ legend: 'public.consentTitle', check: 'public.consentCheck' }} />
        <div class="form-actions">
          <button type="submit" class="button button-primary">
            {t(locale, 'feedback.submit')}
          </button>
        </div>
      </form>
    </Layout>
  );
}

/** Returns the page shown after sending: the receipt code to keep, and where to look it up. */
export function PublicFeedbackThanksPage({ locale, receipt }: { locale: Locale; receipt: string }) {
  return (
    <Layout title={t(locale, 'public.thanks.title')} locale={locale}>
      <PublicNav locale={locale} />
      <section class="card">
        <h1>{t(locale, 'public.thanks.title')}</h1>
        <p class="alert alert-ok" role="status">
          {t(locale, 'public.thanks.text')}
        </p>
        <p>
          {t(locale, 'public.thanks.receipt')} <strong class="public-receipt">{receipt}</strong>
        </p>
        <p class="muted">{t(locale, 'public.thanks.keep')}</p>
        <p>
          <a class="button" href={`/public/feedback/status?receipt=${encodeURIComponent(receipt)}`}>
            {t(locale, 'public.nav.status')}
          </a>
        </p>
      </section>
    </Layout>
  );
}

/** Props of PublicFeedbackStatusPage. */
export interface PublicFeedbackStatusPageProps {
  locale: Locale;
  /** What was typed, shown again in the box. */
  receipt: string;
  found?: PublicFeedbackStatus | null;
  /** `not_found` (no such receipt) or `invalid` (not a receipt code). */
  error?: 'not_found' | 'invalid';
}

/** Returns the receipt lookup: a box for the code, then the status and the ward's published responses. */
export function PublicFeedbackStatusPage({ locale, receipt, found, error }: PublicFeedbackStatusPageProps) {
  return (
    <Layout title={t(locale, 'public.status.title')} locale={locale}>
      <PublicNav locale={locale} />
      <h1>{t(locale, 'public.status.title')}</h1>
      <form class="stack-form card" method="get" action="/public/feedback/status">
        <label for="public-receipt">{t(locale, 'public.status.receipt')}</label>
        <input
          id="public-receipt"
          name="receipt"
          type="text"
          maxlength={64}
          autocapitalize="characters"
          autocomplete="off"
          spellcheck={false}
          value={receipt}
          required
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'public-receipt-error' : 'public-receipt-hint'}
        />
        <p class="muted" id="public-receipt-hint">
          {t(locale, 'public.status.hint')}
        </p>
        {error && (
          <p class="field-error" id="public-receipt-error" role="alert">
            {t(locale, error === 'invalid' ? 'public.status.invalid' : 'public.status.notFound')}
          </p>
        )}
        <div class="form-actions">
          <button type="submit" class="button button-primary">
            {t(locale, 'public.status.submit')}
          </button>
        </div>
      </form>
      {found && (
        <section class="card" aria-labelledby="public-status-result">
          <h2 id="public-status-result">{t(locale, 'public.status.resultTitle', { receipt: found.receipt })}</h2>
          <dl class="details">
            <dt>{t(locale, 'public.status.submittedAt')}</dt>
            <dd>{formatDate(found.submittedAt, locale)}</dd>
            <dt>{t(locale, 'public.status.state')}</dt>
            <dd class="public-state">{t(locale, `public.state.${found.status}`)}</dd>
          </dl>
          <h3>{t(locale, 'feedback.responses')}</h3>
          {found.responses.length === 0 ? (
            <p class="muted">{t(locale, 'feedback.noResponse')}</p>
          ) : (
            <ol class="response-list">
              {found.responses.map((response) => (
                <li>
                  <strong>{t(locale, `responseChannel.${response.channel}`)}</strong> ·{' '}
                  <time datetime={response.respondedAt.toISOString()}>{formatDate(response.respondedAt, locale)}</time>
                  <p class="preserve">{response.text}</p>
                </li>
              ))}
            </ol>
          )}
        </section>
      )}
    </Layout>
  );
}

/** Props of PublicFormSettingsPage. */
export interface PublicFormSettingsPageProps {
  user: SessionUser;
  locale: Locale;
  enabled: boolean;
  saved?: boolean;
}

/** Returns the administrator's switch for the public form, with where citizens find it. */
export function PublicFormSettingsPage({ user, locale, enabled, saved }: PublicFormSettingsPageProps) {
  return (
    <Layout title={t(locale, 'public.settings.title')} user={user} locale={locale} section="publicForm">
      <h1>{t(locale, 'public.settings.title')}</h1>
      {saved && (
        <p class="alert alert-ok" role="status">
          {t(locale, 'public.settings.saved')}
        </p>
      )}
      <section class="card">
        <p>{t(locale, 'public.settings.intro')}</p>
        <p>
          {t(locale, 'public.settings.state')}{' '}
          <strong class="public-state">{t(locale, enabled ? 'public.settings.on' : 'public.settings.off')}</strong>
        </p>
        {enabled && (
          <p>
            <a href="/public/feedback">/public/feedback</a> · <a href="/public/feedback/status">/public/feedback/status</a>
          </p>
        )}
        <form class="stack-form" method="post" action="/settings/public-form">
          <input type="hidden" name="enabled" value={enabled ? 'false' : 'true'} />
          <button type="submit" class={enabled ? 'button' : 'button button-primary'}>
            {t(locale, enabled ? 'public.settings.turnOff' : 'public.settings.turnOn')}
          </button>
        </form>
      </section>
    </Layout>
  );
}
