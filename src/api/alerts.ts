// Alerts — the list with delivery state, the admin's alert settings, a test send; JSON and the page.
import { isIP } from 'node:net';
import { Hono } from 'hono';
import { z } from 'zod';
import { AlertsPage, deliveryFailureOf, deliveryHostsOf, type AlertSettingsForm, type AlertsPageProps } from '../../dashboard/views/alerts-page.tsx';
import { isBlockedAddress } from '../domain/is-blocked-address.ts';
import { listAlerts, countPendingAlerts } from '../db/queries/alerts.ts';
import { getSetting, putSetting } from '../db/queries/settings.ts';
import {
  ALERT_DELIVER_FROM_KEY,
  ALERT_SETTINGS_KEY,
  enabledChannels,
  withDefaultAlertSettings,
  type Alert,
  type AlertSettings,
  type DeliveryReport,
} from '../domain/alert.ts';
import { READ_ITEM_ROLES } from '../domain/user.ts';
import { type AppContext, type AppEnv, requireRole } from './context.ts';
import { ApiError } from './errors.ts';

const hostPattern = /^[A-Za-z0-9.\-:[\]]*$/;
const email = z.string().trim().max(254).pipe(z.email());

/** The alert settings a client may send; omitted fields keep their current value. */
export const AlertSettingsBody = z
  .object({
    emailEnabled: z.boolean(),
    smtpHost: z.string().trim().max(253).regex(hostPattern),
    smtpPort: z.number().int().min(1).max(65535),
    smtpSecure: z.boolean(),
    smtpUser: z.string().trim().max(200).refine((value) => !/[\r\n]/.test(value)),
    emailFrom: z.union([z.literal(''), email]),
    // The same mailbox listed twice (in any case) would get every alert twice: kept once, first spelling.
    recipients: z
      .array(email)
      .max(50)
      .transform((list) => list.filter((address, index) => list.findIndex((other) => other.toLowerCase() === address.toLowerCase()) === index)),
    webhookEnabled: z.boolean(),
    webhookUrl: z.union([z.literal(''), z.string().trim().max(2000).pipe(z.url({ protocol: /^https?$/ }))]),
    digestHour: z.number().int().min(0).max(23),
    surgeMinCount: z.number().int().min(1).max(10_000),
    surgeSigma: z.number().min(0).max(20),
    locale: z.enum(['vi', 'en']),
  })
  .partial()
  .strict();

type FieldError = { field: string; code: string };

type SettingsSave = { ok: true; settings: AlertSettings } | { ok: false; errors: FieldError[] };

function bareHost(hostname: string): string {
  const lower = hostname.toLowerCase().replace(/\.$/, '');
  return lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
}

/**
 * Returns why delivery (postWebhook in src/jobs/deliver.ts) would refuse this webhook URL for what
 * the URL itself says, or null: credentials in it, or a host that is a non-public IP literal (or
 * `localhost`, loopback by definition) and not in the allow list. A host name is not resolved
 * here; delivery checks the addresses it resolves to every time it sends.
 */
export function webhookUrlRefusal(url: string, allowHosts: readonly string[] | null): 'credentials' | 'blocked_address' | null {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    // Not a URL: the schema refuses it.
    return null;
  }
  if (target.username || target.password) return 'credentials';
  // Which private hosts delivery allows is not known: it alone can judge the address.
  if (allowHosts === null) return null;
  // The URL parser has already turned 2130706433, 0x7f.1 and [::ffff:127.0.0.1] into canonical literals.
  const host = bareHost(target.hostname);
  if (allowHosts.some((entry) => bareHost(entry) === host)) return null;
  if (host === 'localhost' || host.endsWith('.localhost')) return 'blocked_address';
  return isIP(host) !== 0 && isBlockedAddress(host) ? 'blocked_address' : null;
}

/**
 * Returns the hosts delivery may reach on loopback/private addresses (ALERT_WEBHOOK_ALLOW_HOSTS),
 * as the alert service has them; null when there is no service saying so (then only delivery judges).
 */
function webhookAllowHosts(c: AppContext): readonly string[] | null {
  return c.get('deps').alerts?.webhookAllowHosts ?? null;
}

// Validates the change against the current settings and stores the result; a channel that is
// turned on needs its address, so nothing half-configured is stored.
async function saveSettings(c: AppContext, body: unknown): Promise<SettingsSave> {
  const parsed = AlertSettingsBody.safeParse(body);
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((issue) => ({ field: String(issue.path[0] ?? ''), code: issue.code })) };
  }
  const db = c.get('deps').db;
  const current = withDefaultAlertSettings(await getSetting<unknown>(db, ALERT_SETTINGS_KEY, null));
  const next: AlertSettings = { ...current, ...parsed.data };
  const errors: FieldError[] = [];
  if (next.emailEnabled && !next.smtpHost) errors.push({ field: 'smtpHost', code: 'required' });
  if (next.emailEnabled && next.recipients.length === 0) errors.push({ field: 'recipients', code: 'required' });
  if (next.webhookEnabled && !next.webhookUrl) errors.push({ field: 'webhookUrl', code: 'required' });
  // An address delivery would always refuse is refused now, where the admin sees why, not at every alert.
  const refusal = parsed.data.webhookUrl ? webhookUrlRefusal(parsed.data.webhookUrl, webhookAllowHosts(c)) : null;
  if (refusal) errors.push({ field: 'webhookUrl', code: refusal });
  if (errors.length > 0) return { ok: false, errors };
  // Alerts raised while nothing was turned on are listed, not sent in a burst when a channel comes on.
  if (enabledChannels(current).length === 0 && enabledChannels(next).length > 0) {
    await putSetting(db, ALERT_DELIVER_FROM_KEY, (c.get('deps').now?.() ?? new Date()).toISOString());
  }
  await putSetting(db, ALERT_SETTINGS_KEY, next);
  return { ok: true, settings: next };
}

function settingsJson(c: AppContext, settings: AlertSettings) {
  const secrets = c.get('deps').alerts?.secrets ?? { smtpPassword: false, webhookSecret: false };
  return { ...settings, secrets };
}

/** Returns `delivered`, `pending` (not tried yet or waiting for a channel) or `failing` (last try failed). */
function stateOf(alert: Alert): 'delivered' | 'pending' | 'failing' {
  if (alert.deliveredAt) return 'delivered';
  return alert.lastError ? 'failing' : 'pending';
}

// A failed channel also says how it failed (dns, auth, tls, refused, timeout, http, blocked, other),
// as the page words it, so a client need not parse the sender's technical text.
function withReasons(report: DeliveryReport) {
  const reasonOf = (entry: { ok: boolean; error?: string } | undefined) =>
    entry && !entry.ok && entry.error !== undefined ? { ...entry, reason: deliveryFailureOf(entry.error).kind } : entry;
  return { email: reasonOf(report.email), webhook: reasonOf(report.webhook) };
}

type TestOutcome = { ok: true; report: DeliveryReport } | { ok: false; reason: 'unavailable' | 'no_channel' };

async function sendTest(c: AppContext): Promise<TestOutcome> {
  const deps = c.get('deps');
  if (!deps.alerts) return { ok: false, reason: 'unavailable' };
  const settings = withDefaultAlertSettings(await getSetting<unknown>(deps.db, ALERT_SETTINGS_KEY, null));
  if (enabledChannels(settings).length === 0) return { ok: false, reason: 'no_channel' };
  return { ok: true, report: await deps.alerts.sendTest(settings) };
}

const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

function formOf(settings: AlertSettings): AlertSettingsForm {
  return {
    ...settings,
    smtpPort: String(settings.smtpPort),
    digestHour: String(settings.digestHour),
    surgeMinCount: String(settings.surgeMinCount),
    surgeSigma: String(settings.surgeSigma),
    recipients: settings.recipients.join('\n'),
  };
}

async function renderPage(c: AppContext, extra: Partial<Pick<AlertsPageProps, 'form' | 'errors' | 'flash' | 'testReport'>> = {}, status: 200 | 422 = 200) {
  const deps = c.get('deps');
  const user = c.get('user')!;
  const isAdmin = user.role === 'admin';
  const [alerts, pending, stored] = await Promise.all([
    listAlerts(deps.db, 100),
    countPendingAlerts(deps.db),
    getSetting<unknown>(deps.db, ALERT_SETTINGS_KEY, null),
  ]);
  const settings = withDefaultAlertSettings(stored);
  return c.html(
    AlertsPage({
      user,
      locale: c.get('locale'),
      alerts: alerts.map((alert) => ({ ...alert, state: stateOf(alert) })),
      pending,
      channels: enabledChannels(settings),
      canEdit: isAdmin,
      form: isAdmin ? (extra.form ?? formOf(settings)) : undefined,
      secrets: isAdmin ? (deps.alerts?.secrets ?? { smtpPassword: false, webhookSecret: false }) : undefined,
      errors: extra.errors,
      flash: extra.flash,
      testReport: extra.testReport,
      hosts: deliveryHostsOf(settings),
    }),
    status,
  );
}

// A form sends strings; numbers and check boxes are turned into the JSON the API takes, and
// anything unreadable is left for the schema to refuse.
function bodyFromForm(form: Record<string, unknown>): Record<string, unknown> {
  const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string).normalize('NFC') : '');
  const number = (name: string) => (text(name).trim() === '' ? Number.NaN : Number(text(name).trim()));
  return {
    emailEnabled: form.emailEnabled === 'true',
    smtpHost: text('smtpHost'),
    smtpPort: number('smtpPort'),
    smtpSecure: form.smtpSecure === 'true',
    smtpUser: text('smtpUser'),
    emailFrom: text('emailFrom').trim(),
    recipients: text('recipients')
      .split(/[\n,;]+/)
      .map((entry) => entry.trim())
      .filter(Boolean),
    webhookEnabled: form.webhookEnabled === 'true',
    webhookUrl: text('webhookUrl').trim(),
    digestHour: number('digestHour'),
    surgeMinCount: number('surgeMinCount'),
    surgeSigma: number('surgeSigma'),
    locale: text('locale') || 'vi',
  };
}

/** Returns the alert routes: list (readers), settings and test send (admin), and the page. */
export function alertRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/api/alerts', requireRole(...READ_ITEM_ROLES), async (c) => {
    const query = ListQuery.safeParse({ limit: c.req.query('limit') || undefined });
    if (!query.success) throw new ApiError(422, 'validation_failed', query.error.issues);
    const db = c.get('deps').db;
    const [alerts, pending] = await Promise.all([listAlerts(db, query.data.limit), countPendingAlerts(db)]);
    return c.json({ alerts: alerts.map((alert) => ({ ...alert, state: stateOf(alert) })), pending });
  });

  routes.get('/api/settings/alerts', requireRole('admin'), async (c) =>
    c.json(settingsJson(c, withDefaultAlertSettings(await getSetting<unknown>(c.get('deps').db, ALERT_SETTINGS_KEY, null)))),
  );

  routes.put('/api/settings/alerts', requireRole('admin'), async (c) => {
    const body = await c.req.json().catch(() => null);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'validation_failed');
    const saved = await saveSettings(c, body);
    if (!saved.ok) throw new ApiError(422, 'validation_failed', saved.errors);
    return c.json(settingsJson(c, saved.settings));
  });

  routes.post('/api/alerts/test', requireRole('admin'), async (c) => {
    const outcome = await sendTest(c);
    if (!outcome.ok) {
      throw new ApiError(outcome.reason === 'unavailable' ? 409 : 422, outcome.reason === 'unavailable' ? 'conflict' : 'validation_failed', [
        { field: 'channels', code: outcome.reason },
      ]);
    }
    const ok = Object.values(outcome.report).every((entry) => entry?.ok);
    return c.json({ ok, ...withReasons(outcome.report) });
  });

  routes.get('/alerts', requireRole(...READ_ITEM_ROLES), (c) =>
    renderPage(c, { flash: c.req.query('flash') === 'saved' ? 'saved' : undefined }),
  );
  // The test send is a POST; its address reloaded or bookmarked goes back to the page, sending nothing.
  routes.get('/alerts/test', requireRole(...READ_ITEM_ROLES), (c) => c.redirect('/alerts', 303));

  routes.post('/alerts/settings', requireRole('admin'), async (c) => {
    const form = (await c.req.parseBody()) as Record<string, unknown>;
    const body = bodyFromForm(form);
    const saved = await saveSettings(c, body);
    if (!saved.ok) {
      const values: AlertSettingsForm = {
        ...withDefaultAlertSettings(body),
        smtpHost: String(body.smtpHost),
        smtpUser: String(body.smtpUser),
        emailFrom: String(body.emailFrom),
        webhookUrl: String(body.webhookUrl),
        smtpPort: typeof form.smtpPort === 'string' ? form.smtpPort : '',
        digestHour: typeof form.digestHour === 'string' ? form.digestHour : '',
        surgeMinCount: typeof form.surgeMinCount === 'string' ? form.surgeMinCount : '',
        surgeSigma: typeof form.surgeSigma === 'string' ? form.surgeSigma : '',
        recipients: typeof form.recipients === 'string' ? form.recipients : '',
      };
      return renderPage(c, { form: values, errors: saved.errors }, 422);
    }
    return c.redirect('/alerts?flash=saved', 303);
  });

  routes.post('/alerts/test', requireRole('admin'), async (c) => {
    const outcome = await sendTest(c);
    if (!outcome.ok) return renderPage(c, { flash: outcome.reason === 'no_channel' ? 'noChannel' : 'unavailable' }, 422);
    return renderPage(c, { testReport: outcome.report });
  });
  return routes;
}
