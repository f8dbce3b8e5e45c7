// The alerts page: what was raised and whether it went out, and (for the admin) where alerts go.
import type { Alert, AlertSettings, DeliveryReport } from '../../src/domain/alert.ts';
import type { SessionUser } from '../../src/domain/user.ts';
import { formatDate, hasMessage, t, type Locale } from '../i18n/messages.ts';
import { FormActions } from './form-actions.tsx';
import { Layout } from './layout.tsx';
import { safeHttpUrl } from './safe-http-url.ts';

/** What the settings form shows: numbers and recipients as typed, so a refused form keeps its input. */
export type AlertSettingsForm = Omit<AlertSettings, 'smtpPort' | 'digestHour' | 'surgeMinCount' | 'surgeSigma' | 'recipients'> & {
  smtpPort: string;
  digestHour: string;
  surgeMinCount: string;
  surgeSigma: string;
  recipients: string;
};

/** An alert as listed, with its delivery state. */
export type AlertRow = Alert & { state: 'delivered' | 'pending' | 'failing' };

/** Props of AlertsPage. */
export interface AlertsPageProps {
  user: SessionUser;
  locale: Locale;
  alerts: readonly AlertRow[];
  pending: number;
  channels: ReadonlyArray<'email' | 'webhook'>;
  canEdit: boolean;
  form?: AlertSettingsForm;
  /** Whether SMTP_PASSWORD / ALERT_WEBHOOK_SECRET are set (never their values). */
  secrets?: { smtpPassword: boolean; webhookSecret: boolean };
  errors?: ReadonlyArray<{ field: string; code: string }>;
  flash?: 'saved' | 'noChannel' | 'unavailable';
  testReport?: DeliveryReport;
  /** The mail server and webhook host the current settings name, for the failure messages. */
  hosts?: DeliveryHosts;
}

/** The common ways a delivery fails, each with a catalogue message of its own. */
export type DeliveryFailureKind = 'dns' | 'auth' | 'tls' | 'refused' | 'timeout' | 'http' | 'blocked' | 'other';

/**
 * Returns how a delivery failed, read from the technical text the sender recorded (nodemailer's
 * or Node's error code and message, or the webhook's own words): the name that was not found,
 * the HTTP status the webhook answered.
 */
export function deliveryFailureOf(raw: string): { kind: DeliveryFailureKind; host?: string; status?: number } {
  // The project's own wordings first: they name the host, whose name may look like another cause
  // ("ssl.example resolves to a non-public address").
  if (/non-public address/.test(raw)) return { kind: 'blocked' };
  const status = /\bHTTP (\d{3})\b/.exec(raw);
  if (status) return { kind: 'http', status: Number(status[1]) };
  const notFound = /\b(?:ENOTFOUND|EAI_AGAIN)\s+(\S+)|could not resolve (\S+)/.exec(raw);
  if (notFound || /\b(?:EDNS|ENOTFOUND|EAI_AGAIN|EAI_NONAME)\b/.test(raw)) return { kind: 'dns', host: notFound?.[1] ?? notFound?.[2] };
  if (/\bEAUTH\b|\bEENVELOPE\b.*\b53[05]\b|Invalid login|authentication (?:failed|unsuccessful)|\b535\b/i.test(raw)) return { kind: 'auth' };
  if (/\bETLS\b|\bEPROTO\b|\bSSL\b|\bTLS\b|certificate|\bCERT_|SELF_SIGNED|wrong version number/i.test(raw)) return { kind: 'tls' };
  if (/\bECONNREFUSED\b|\bECONNRESET\b|\bEHOSTUNREACH\b|\bENETUNREACH\b/.test(raw)) return { kind: 'refused' };
  if (/\bETIMEDOUT\b|\bETIMEOUT\b|timed? ?out|no answer within|Greeting never received/i.test(raw)) return { kind: 'timeout' };
  return { kind: 'other' };
}

/** The servers delivery talks to, named in its messages. */
export interface DeliveryHosts {
  email: string;
  webhook: string;
}

// The host of the webhook address as the admin typed it, or the address itself when unreadable.
function webhookHost(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/** Returns the hosts the settings name, for the failure messages. */
export function deliveryHostsOf(settings: { smtpHost: string; webhookUrl: string }): DeliveryHosts {
  return { email: settings.smtpHost, webhook: webhookHost(settings.webhookUrl) };
}

/** Returns the message for a failed delivery on a channel, in the page's language. */
export function deliveryFailureText(locale: Locale, channel: 'email' | 'webhook', raw: string, hosts: DeliveryHosts): string {
  const failure = deliveryFailureOf(raw);
  const host = failure.host ?? hosts[channel] ?? '';
  const specific = `alerts.failure.${channel}.${failure.kind}`;
  return t(locale, hasMessage(specific) ? specific : `alerts.failure.${channel}.other`, { host, status: failure.status ?? '' });
}

/** The sender's own words, technical and English: folded away, still there to copy for the operator. */
function TechnicalDetail({ detail, locale }: { detail: string; locale: Locale }) {
  return (
    <details class="error-detail">
      <summary>{t(locale, 'alerts.technicalDetail')}</summary>
      <code class="error-message">{detail}</code>
    </details>
  );
}

// A stored alert's last error: one `channel: text` line per channel that failed.
function LastErrorLines({ lastError, locale, hosts }: { lastError: string; locale: Locale; hosts: DeliveryHosts }) {
  // A line without a channel has no message of its own: the technical detail below still shows it.
  const lines = lastError
    .split('\n')
    .map((line) => /^(email|webhook): ([\s\S]*)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ channel: match[1] as 'email' | 'webhook', raw: match[2]! }));
  if (lines.length === 0) return <></>;
  return (
    <ul class="alerts-error-lines">
      {lines.map(({ channel, raw }) => (
        <li>
          {t(locale, `alerts.channel.${channel}`)}: {deliveryFailureText(locale, channel, raw, hosts)}
        </li>
      ))}
    </ul>
  );
}

function ErrorFor({ errors, field, locale }: { errors: ReadonlyArray<{ field: string; code: string }>; field: string; locale: Locale }) {
  const error = errors.find((entry) => entry.field === field);
  if (!error) return null;
  // A reason of its own (webhookUrl/blocked_address) is said as such; otherwise what the field needs.
  const specific = `alerts.error.${field}.${error.code}`;
  const general = `alerts.error.${field}`;
  return (
    <p class="field-error" id={`alerts-${field}-error`}>
      {hasMessage(specific) ? t(locale, specific) : hasMessage(general) ? t(locale, general) : t(locale, 'alerts.error.invalid')}
    </p>
  );
}

function StateBadge({ alert, locale }: { alert: AlertRow; locale: Locale }) {
  return <span class={`badge alerts-state alerts-state-${alert.state}`}>{t(locale, `alerts.state.${alert.state}`)}</span>;
}

function AlertList({ alerts, locale, hosts }: { alerts: readonly AlertRow[]; locale: Locale; hosts: DeliveryHosts }) {
  if (alerts.length === 0) return <p class="empty-state">{t(locale, 'alerts.empty')}</p>;
  return (
    <ul class="alerts-list">
      {alerts.map((alert) => {
        const link = safeHttpUrl(alert.link);
        return (
          <li class={`card alerts-item alerts-kind-${alert.kind}`} id={`alert-${alert.id}`}>
            <p class="alerts-head">
              <span class="badge">{t(locale, `alerts.kind.${alert.kind}`)}</span> <StateBadge alert={alert} locale={locale} />{' '}
              <span class="muted">
                {formatDate(alert.createdAt, locale)}
                {alert.deliveredAt && ` · ${t(locale, 'alerts.deliveredAt', { date: formatDate(alert.deliveredAt, locale) })}`}
                {alert.attempts > 0 && !alert.deliveredAt && ` · ${t(locale, 'alerts.attempts', { count: alert.attempts })}`}
              </span>
            </p>
            <p class="break">
              <strong>{alert.subject}</strong>
            </p>
            <details>
              <summary>{t(locale, 'alerts.showBody')}</summary>
              <p class="preserve">{alert.body}</p>
            </details>
            {link ? (
              <p>
                <a href={link}>{t(locale, 'alerts.open')}</a>
              </p>
            ) : null}
            {alert.lastError && !alert.deliveredAt && (
              <div class="alerts-error">
                <span class="muted">{t(locale, 'alerts.lastError')}:</span>
                <LastErrorLines lastError={alert.lastError} locale={locale} hosts={hosts} />
                <TechnicalDetail detail={alert.lastError} locale={locale} />
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function TestReport({ report, locale, hosts }: { report: DeliveryReport; locale: Locale; hosts: DeliveryHosts }) {
  const rows: Array<{ channel: 'email' | 'webhook'; ok: boolean; error?: string }> = [];
  if (report.email) rows.push({ channel: 'email', ok: report.email.ok, error: report.email.ok ? undefined : report.email.error });
  if (report.webhook) rows.push({ channel: 'webhook', ok: report.webhook.ok, error: report.webhook.ok ? undefined : report.webhook.error });
  const allOk = rows.every((row) => row.ok);
  return (
    <div class={allOk ? 'alert alert-ok' : 'alert alert-error'} role="status">
      <p>{t(locale, allOk ? 'alerts.test.ok' : 'alerts.test.failed')}</p>
      <ul>
        {rows.map((row) => (
          <li>
            {t(locale, `alerts.channel.${row.channel}`)}:{' '}
            {row.ok ? t(locale, 'alerts.test.channelOk') : deliveryFailureText(locale, row.channel, row.error ?? '', hosts)}
            {!row.ok && row.error && <TechnicalDetail detail={row.error} locale={locale} />}
          </li>
        ))}
      </ul>
    </div>
  );
}

function SettingsForm({ form, locale, errors, secrets }: { form: AlertSettingsForm; locale: Locale; errors: ReadonlyArray<{ field: string; code: string }>; secrets?: { smtpPassword: boolean; webhookSecret: boolean } }) {
  const described = (field: string) => (errors.some((error) => error.field === field) ? `alerts-${field}-error` : undefined);
  return (
    <section class="card alerts-settings" aria-labelledby="alerts-settings-heading">
      <h2 id="alerts-settings-heading">{t(locale, 'alerts.settings')}</h2>
      <form class="stack-form" method="post" action="/alerts/settings">
        {errors.length > 0 && (
          <p class="alert alert-error" role="alert">
            {t(locale, 'alerts.invalid')}
          </p>
        )}
        <fieldset>
          <legend>{t(locale, 'alerts.channel.email')}</legend>
          <label class="checkbox">
            <input type="checkbox" name="emailEnabled" value="true" checked={form.emailEnabled} /> {t(locale, 'alerts.field.emailEnabled')}
          </label>
          <label for="alerts-smtpHost">{t(locale, 'alerts.field.smtpHost')}</label>
          <input id="alerts-smtpHost" name="smtpHost" type="text" maxlength={253} value={form.smtpHost} aria-describedby={described('smtpHost')} />
          <ErrorFor errors={errors} field="smtpHost" locale={locale} />
          <label for="alerts-smtpPort">{t(locale, 'alerts.field.smtpPort')}</label>
          <input id="alerts-smtpPort" name="smtpPort" type="number" min={1} max={65535} value={form.smtpPort} aria-describedby={described('smtpPort')} />
          <ErrorFor errors={errors} field="smtpPort" locale={locale} />
          <label class="checkbox">
            <input type="checkbox" name="smtpSecure" value="true" checked={form.smtpSecure} /> {t(locale, 'alerts.field.smtpSecure')}
          </label>
          <label for="alerts-smtpUser">{t(locale, 'alerts.field.smtpUser')}</label>
          <input id="alerts-smtpUser" name="smtpUser" type="text" maxlength={200} autocomplete="off" value={form.smtpUser} aria-describedby={described('smtpUser')} />
          <ErrorFor errors={errors} field="smtpUser" locale={locale} />
          <p class="muted">{t(locale, secrets?.smtpPassword ? 'alerts.operator.smtpSet' : 'alerts.operator.smtpUnset')}</p>
          <label for="alerts-emailFrom">{t(locale, 'alerts.field.emailFrom')}</label>
          <input id="alerts-emailFrom" name="emailFrom" type="text" inputmode="email" maxlength={254} value={form.emailFrom} aria-describedby={described('emailFrom')} />
          <ErrorFor errors={errors} field="emailFrom" locale={locale} />
          <label for="alerts-recipients">{t(locale, 'alerts.field.recipients')}</label>
          <textarea id="alerts-recipients" name="recipients" rows={3} aria-describedby={described('recipients')}>
            {form.recipients}
          </textarea>
          <ErrorFor errors={errors} field="recipients" locale={locale} />
        </fieldset>
        <fieldset>
          <legend>{t(locale, 'alerts.channel.webhook')}</legend>
          <label class="checkbox">
            <input type="checkbox" name="webhookEnabled" value="true" checked={form.webhookEnabled} /> {t(locale, 'alerts.field.webhookEnabled')}
          </label>
          <label for="alerts-webhookUrl">{t(locale, 'alerts.field.webhookUrl')}</label>
          <input
            id="alerts-webhookUrl"
            name="webhookUrl"
            type="url"
            maxlength={2000}
            placeholder="https://"
            value={form.webhookUrl}
            aria-invalid={described('webhookUrl') ? 'true' : undefined}
            aria-describedby={described('webhookUrl')}
          />
          <ErrorFor errors={errors} field="webhookUrl" locale={locale} />
          <p class="muted">{t(locale, secrets?.webhookSecret ? 'alerts.operator.webhookSet' : 'alerts.operator.webhookUnset')}</p>
          <p class="muted">{t(locale, 'alerts.operator.allowHosts')}</p>
        </fieldset>
        <fieldset>
          <legend>{t(locale, 'alerts.rules')}</legend>
          <label for="alerts-digestHour">{t(locale, 'alerts.field.digestHour')}</label>
          <input id="alerts-digestHour" name="digestHour" type="number" min={0} max={23} value={form.digestHour} aria-describedby={described('digestHour')} />
          <ErrorFor errors={errors} field="digestHour" locale={locale} />
          <label for="alerts-surgeMinCount">{t(locale, 'alerts.field.surgeMinCount')}</label>
          <input id="alerts-surgeMinCount" name="surgeMinCount" type="number" min={1} max={10000} value={form.surgeMinCount} aria-describedby={described('surgeMinCount')} />
          <ErrorFor errors={errors} field="surgeMinCount" locale={locale} />
          <label for="alerts-surgeSigma">{t(locale, 'alerts.field.surgeSigma')}</label>
          <input id="alerts-surgeSigma" name="surgeSigma" type="number" min={0} max={20} step="0.1" value={form.surgeSigma} aria-describedby={described('surgeSigma')} />
          <ErrorFor errors={errors} field="surgeSigma" locale={locale} />
          <p class="muted">{t(locale, 'alerts.surgeRule')}</p>
          <label for="alerts-locale">{t(locale, 'alerts.field.locale')}</label>
          <select id="alerts-locale" name="locale">
            <option value="vi" selected={form.locale === 'vi'}>
              {t(locale, 'alerts.locale.vi')}
            </option>
            <option value="en" selected={form.locale === 'en'}>
              {t(locale, 'alerts.locale.en')}
            </option>
          </select>
        </fieldset>
        <FormActions locale={locale} />
      </form>
      <form class="stack-form" method="post" action="/alerts/test">
        <button type="submit" class="button">
          {t(locale, 'alerts.test.send')}
        </button>
      </form>
    </section>
  );
}

/** Returns the alerts page. */
export function AlertsPage(props: AlertsPageProps) {
  const { user, locale, alerts, canEdit, errors = [] } = props;
  const hosts = props.hosts ?? { email: '', webhook: '' };
  return (
    <Layout title={t(locale, 'alerts.title')} user={user} locale={locale} section="alerts">
      <h1>{t(locale, 'alerts.title')}</h1>
      <p class="muted">{t(locale, 'alerts.intro')}</p>
      {props.flash && (
        <p class={props.flash === 'saved' ? 'alert alert-ok' : 'alert alert-error'} role="status">
          {t(locale, `alerts.flash.${props.flash}`)}
        </p>
      )}
      {props.testReport && <TestReport report={props.testReport} locale={locale} hosts={hosts} />}
      <p>
        {props.channels.length === 0
          ? t(locale, 'alerts.channels.none')
          : t(locale, 'alerts.channels.some', { channels: props.channels.map((channel) => t(locale, `alerts.channel.${channel}`)).join(', ') })}{' '}
        {t(locale, 'alerts.pending', { count: props.pending })}
      </p>
      <AlertList alerts={alerts} locale={locale} hosts={hosts} />
      {canEdit && props.form && <SettingsForm form={props.form} locale={locale} errors={errors} secrets={props.secrets} />}
    </Layout>
  );
}
