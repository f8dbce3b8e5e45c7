// One alerts pass (raise, then deliver what is pending), run every minute by the in-process
// runner or the BullMQ scheduler, and by `duluan alerts run`.
import type { Db } from '../db/client.ts';
import { claimAlertAttempt, countPendingAlerts, finishAlertAttempt, listPendingAlerts } from '../db/queries/alerts.ts';
import { getSetting } from '../db/queries/settings.ts';
import {
  ALERT_DELIVER_FROM_KEY,
  ALERT_SETTINGS_KEY,
  enabledChannels,
  nextAttemptAt,
  withDefaultAlertSettings,
  type Alert,
  type AlertRunResult,
  type AlertService,
  type AlertSettings,
  type AlertText,
  type DeliveryReport,
} from '../domain/alert.ts';
import { raiseAlerts } from '../pipeline/alerts.ts';
import { deliver, type DeliveryMessage, type DeliverySettings } from './deliver.ts';

/** How often alerts are raised and delivered. */
export const ALERTS_EVERY_MS = 60_000;
/** Alerts tried per pass; the rest wait for the next one. */
const DELIVERY_BATCH = 50;
/** After this many failed attempts an alert no longer holds back the newer ones. */
const STOP_BLOCKING_AFTER_ATTEMPTS = 5;

/** Secrets and limits of delivery, from the environment (never from the database). */
export interface DeliveryConfig {
  smtpPassword?: string;
  webhookSecret?: string;
  webhookAllowHosts?: readonly string[];
  timeoutMs?: number;
}

/** What an alerts pass needs. */
export interface RunAlertsDeps {
  db: Db;
  publicUrl: string;
  text: AlertText;
  delivery: DeliveryConfig;
  now?: () => Date;
}

/** Returns the alert settings as stored, completed with the defaults. */
export async function loadAlertSettings(db: Db): Promise<AlertSettings> {
  return withDefaultAlertSettings(await getSetting<unknown>(db, ALERT_SETTINGS_KEY, null));
}

/** Returns the e-mail and webhook forms of an alert. */
export function alertMessage(alert: Pick<Alert, 'id' | 'kind' | 'subject' | 'body' | 'link' | 'itemId' | 'createdAt'>, publicUrl: string): DeliveryMessage {
  let host = 'localhost';
  try {
    host = new URL(publicUrl).hostname || host;
  } catch {
    // keep localhost
  }
  return {
    email: { subject: alert.subject, text: alert.body, messageId: `<duluan-alert-${alert.id}@${host}>` },
    webhook: {
      id: alert.id,
      kind: alert.kind,
      subject: alert.subject,
      body: alert.body,
      link: alert.link,
      itemId: alert.itemId,
      createdAt: alert.createdAt.toISOString(),
    },
  };
}

// A failed attempt records one `channel: error` line per failed channel; a retry tries only those,
// so a webhook that was down does not make the e-mail arrive twice.
function channelsToTry(alert: Alert, enabled: ReadonlyArray<'email' | 'webhook'>): Array<'email' | 'webhook'> {
  if (alert.attempts === 0 || !alert.lastError) return [...enabled];
  const failed = enabled.filter((channel) => alert.lastError!.split('\n').some((line) => line.startsWith(`${channel}: `)));
  return failed.length > 0 ? failed : [...enabled];
}

/** Returns the failed channels of a report as `channel: error` lines, or null when all went through. */
function failuresOf(report: DeliveryReport): string | null {
  const lines: string[] = [];
  if (report.email && !report.email.ok) lines.push(`email: ${report.email.error}`);
  if (report.webhook && !report.webhook.ok) lines.push(`webhook: ${report.webhook.error}`);
  return lines.length > 0 ? lines.join('\n') : null;
}

/**
 * Returns how many pending alerts were delivered and how many failed in this pass. An alert counts
 * as delivered when every enabled channel took it; a failure keeps it pending with the error and
 * it is tried again after a growing wait (nextAttemptAt), forever, so none is lost. Alerts go out
 * oldest first, and a failure ends the pass (the channel is likely down for the rest too). Alerts
 * raised before any channel was turned on are only listed on the page.
 */
export async function deliverPendingAlerts(deps: RunAlertsDeps, settings?: AlertSettings): Promise<{ delivered: number; failed: number }> {
  const now = deps.now?.() ?? new Date();
  const current = settings ?? (await loadAlertSettings(deps.db));
  const enabled = enabledChannels(current);
  if (enabled.length === 0) return { delivered: 0, failed: 0 };
  const fromValue = await getSetting<string | null>(deps.db, ALERT_DELIVER_FROM_KEY, null);
  const from = fromValue ? new Date(fromValue) : null;
  const delivery: DeliverySettings = { settings: current, ...deps.delivery };
  let delivered = 0;
  let failed = 0;
  for (const alert of await listPendingAlerts(deps.db, { from: from && !Number.isNaN(from.getTime()) ? from : null, limit: DELIVERY_BATCH })) {
    if (nextAttemptAt(alert.createdAt, alert.attempts) > now) {
      // Alerts go out in the order they were raised: a newer one waits while the oldest waits
      // for its retry, unless the oldest has failed so often that the message itself may be the problem.
      if (alert.attempts < STOP_BLOCKING_AFTER_ATTEMPTS) break;
      continue;
    }
    // Another process (a second worker, `duluan alerts run`) may be sending the same alert.
    if (!(await claimAlertAttempt(deps.db, alert.id, alert.attempts))) continue;
    const report = await deliver(delivery, alertMessage(alert, deps.publicUrl), channelsToTry(alert, enabled));
    const failure = failuresOf(report);
    await finishAlertAttempt(deps.db, alert.id, { deliveredAt: failure ? null : (deps.now?.() ?? new Date()), lastError: failure });
    if (failure) {
      failed += 1;
      break;
    }
    delivered += 1;
  }
  return { delivered, failed };
}

/** Returns what one pass did: alerts raised by kind, delivered, failed, and still pending. */
export async function runAlerts(deps: RunAlertsDeps): Promise<AlertRunResult> {
  try {
    const settings = await loadAlertSettings(deps.db);
    const raised = await raiseAlerts(deps, settings);
    const { delivered, failed } = await deliverPendingAlerts(deps, settings);
    return { raised, delivered, failed, pending: await countPendingAlerts(deps.db) };
  } catch (error) {
    // A failed query's message carries its parameters (alert texts quote item titles, which may be
    // a citizen's words): only the driver's own first line goes on, since callers log it.
    const cause = (error as { cause?: unknown }).cause;
    const base = cause instanceof Error ? cause : error;
    const reason = base instanceof Error ? (base.message.split('\n')[0] ?? '').slice(0, 200) : 'unknown error';
    throw new Error(`alerts: the pass failed: ${reason}`);
  }
}

/** Returns the alert service the API uses: which secrets are set, and a test send. */
export function createAlertService(deps: Omit<RunAlertsDeps, 'db' | 'now'>): AlertService {
  return {
    secrets: { smtpPassword: Boolean(deps.delivery.smtpPassword), webhookSecret: Boolean(deps.delivery.webhookSecret) },
    webhookAllowHosts: deps.delivery.webhookAllowHosts ?? [],
    async sendTest(settings) {
      const locale = settings.locale;
      const link = `${deps.publicUrl}/alerts`;
      const message = alertMessage(
        {
          id: 0,
          kind: 'test' as Alert['kind'],
          subject: deps.text(locale, 'alerts.test.subject'),
          body: [deps.text(locale, 'alerts.test.body'), deps.text(locale, 'alerts.openQueue', { link })].join('\n'),
          link,
          itemId: null,
          createdAt: new Date(),
        },
        deps.publicUrl,
      );
      // A test is not an alert: it must not look like one to a mail client that threads by id.
      message.email.messageId = undefined;
      return deliver({ settings, ...deps.delivery }, message);
    },
  };
}
