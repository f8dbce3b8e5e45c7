// Alerts: what they are, their settings, and the small pure rules that decide when one is raised
// (surges) and when a failed delivery is tried again.
import type { Classification } from './classification.ts';

export const ALERT_KINDS = ['digest', 'claim_match', 'surge'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** An alert as stored: raised once (dedupeKey), delivered once (deliveredAt). */
export interface Alert {
  id: number;
  kind: AlertKind;
  dedupeKey: string;
  itemId: number | null;
  subject: string;
  body: string;
  link: string;
  createdAt: Date;
  deliveredAt: Date | null;
  attempts: number;
  lastError: string | null;
}

/** What the admin sets on the alerts page. The SMTP password is never here: it comes from SMTP_PASSWORD. */
export interface AlertSettings {
  emailEnabled: boolean;
  smtpHost: string;
  smtpPort: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  smtpSecure: boolean;
  smtpUser: string;
  emailFrom: string;
  recipients: string[];
  webhookEnabled: boolean;
  webhookUrl: string;
  /** Local hour (Asia/Ho_Chi_Minh) after which the morning digest is sent. */
  digestHour: number;
  /** A surge needs at least this many negative items about one topic in 24 h. */
  surgeMinCount: number;
  /** … and more than the baseline mean plus this many standard deviations. */
  surgeSigma: number;
  /** Language of the alert texts. */
  locale: 'vi' | 'en';
}

/** The setting key alert settings are stored under. */
export const ALERT_SETTINGS_KEY = 'alerts';
/** The setting key of the claim-match scan's position (the last item id looked at). */
export const ALERT_CURSOR_KEY = 'alerts.cursor';
/** The setting key of the time from which raised alerts are delivered (set when a channel is first turned on). */
export const ALERT_DELIVER_FROM_KEY = 'alerts.deliverFrom';

/** Settings until the admin changes them: nothing is sent, the digest at 07:00, surges of ≥ 5 above mean + 3 sd. */
export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  emailEnabled: false,
  smtpHost: '',
  smtpPort: 587,
  smtpSecure: false,
  smtpUser: '',
  emailFrom: '',
  recipients: [],
  webhookEnabled: false,
  webhookUrl: '',
  digestHour: 7,
  surgeMinCount: 5,
  surgeSigma: 3,
  locale: 'vi',
};

/** Returns the stored settings completed with the defaults (an old or partial value never breaks a run). */
export function withDefaultAlertSettings(value: unknown): AlertSettings {
  const stored = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const result: Record<string, unknown> = { ...DEFAULT_ALERT_SETTINGS };
  for (const [key, fallback] of Object.entries(DEFAULT_ALERT_SETTINGS)) {
    const candidate = stored[key];
    if (Array.isArray(fallback)) {
      if (Array.isArray(candidate) && candidate.every((entry) => typeof entry === 'string')) result[key] = candidate;
    } else if (typeof candidate === typeof fallback && (typeof candidate !== 'number' || Number.isFinite(candidate))) {
      result[key] = candidate;
    }
  }
  if (result.locale !== 'vi' && result.locale !== 'en') result.locale = 'vi';
  return result as unknown as AlertSettings;
}

/** Returns the channels the settings turn on. */
export function enabledChannels(settings: AlertSettings): Array<'email' | 'webhook'> {
  const channels: Array<'email' | 'webhook'> = [];
  if (settings.emailEnabled && settings.smtpHost && settings.recipients.length > 0) channels.push('email');
  if (settings.webhookEnabled && settings.webhookUrl) channels.push('webhook');
  return channels;
}

/** What leaves the service: the webhook's JSON body, and the e-mail's content. */
export interface AlertMessage {
  id: number;
  kind: AlertKind | 'test';
  subject: string;
  body: string;
  link: string;
  itemId: number | null;
  createdAt: Date;
}

/** How one delivery went, per channel (absent: the channel is off). */
export interface DeliveryReport {
  email?: { ok: true } | { ok: false; error: string };
  webhook?: { ok: true; status: number } | { ok: false; error: string };
}

/** What one alerts run did. */
export interface AlertRunResult {
  raised: { claimMatch: number; surge: number; digest: number };
  delivered: number;
  failed: number;
  pending: number;
}

/** What the API may ask of the alert machinery (built in main.ts, where the config is). */
export interface AlertService {
  /** Whether SMTP_PASSWORD and ALERT_WEBHOOK_SECRET are set (shown, never their values). */
  readonly secrets: { smtpPassword: boolean; webhookSecret: boolean };
  /** Hosts a webhook may reach on loopback/private addresses (ALERT_WEBHOOK_ALLOW_HOSTS): saving checks as delivery does. */
  readonly webhookAllowHosts?: readonly string[];
  /** Sends a test message through every enabled channel now; nothing is stored. */
  sendTest(settings: AlertSettings): Promise<DeliveryReport>;
}

/** Returns the text every alert text is written through: catalogue key and parameters in, text out. */
export type AlertText = (locale: 'vi' | 'en', key: string, params?: Readonly<Record<string, string | number>>) => string;

// Retries: 30 s, 1, 2, 4, 8 minutes after each failure, then every 10 minutes, never given up.
const RETRY_BASE_MS = 30_000;
const RETRY_CAP_MS = 10 * 60 * 1000;

/** Returns when a pending alert that failed `attempts` times may be tried again. */
export function nextAttemptAt(createdAt: Date, attempts: number): Date {
  let offset = 0;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const wait = Math.min(RETRY_BASE_MS * 2 ** attempt, RETRY_CAP_MS);
    offset += wait;
    if (wait === RETRY_CAP_MS) {
      offset += (attempts - attempt - 1) * RETRY_CAP_MS;
      break;
    }
  }
  return new Date(createdAt.getTime() + offset);
}

/** A topic negative items can be about: a place of the ward's gazetteer or a subject of the rules. */
export interface AlertTopic {
  /** Stable key, e.g. `place:Trường Tiểu học Kim Liên` or `seed:relevant.hoc-phi`. */
  key: string;
  /** What people read: the place name, or the words the rule found. */
  name: string;
}

/**
 * Returns the topics an item is about: every place of the gazetteer it names (schools, the ward,
 * residential groups) and every education subject a `relevant` rule found in it (học phí, bán trú …).
 */
export function topicsOf(classification: Pick<Classification, 'spans'> | null | undefined): AlertTopic[] {
  const topics = new Map<string, AlertTopic>();
  for (const span of classification?.spans ?? []) {
    if (typeof span?.ruleId !== 'string') continue;
    if (span.ruleId.startsWith('place:')) {
      const name = span.ruleId.slice('place:'.length).normalize('NFC');
      if (name) topics.set(span.ruleId, { key: span.ruleId, name });
    } else if (span.category === 'relevant' && (span.ruleId.startsWith('seed:') || span.ruleId.startsWith('staff:'))) {
      if (!topics.has(span.ruleId)) topics.set(span.ruleId, { key: span.ruleId, name: String(span.text).normalize('NFC').toLowerCase() });
    }
  }
  return [...topics.values()];
}

/** How many weeks back the surge baseline looks (the same weekday and hours each week). */
export const SURGE_BASELINE_WEEKS = 4;

/** The surge verdict for one topic, with the numbers behind it (they go into the alert). */
export interface SurgeCheck {
  surge: boolean;
  count: number;
  mean: number;
  sd: number;
  /** The smallest count that is a surge against this baseline. */
  threshold: number;
}

/**
 * Returns whether `count` negative items in the last 24 h is a surge against the same 24 hours of
 * each of the previous weeks (`baseline`). The rule: count ≥ minCount AND count > mean + sigma · spread,
 * where spread is the larger of the baseline's standard deviation and √mean. The √mean floor is the
 * spread of a Poisson count: four weeks of nearly equal counts would otherwise make a normal busy
 * day (mean 10, today 14) look like an outlier; minCount keeps two or three items about a quiet topic
 * from being an alarm.
 */
export function checkSurge(count: number, baseline: readonly number[], settings: Pick<AlertSettings, 'surgeMinCount' | 'surgeSigma'>): SurgeCheck {
  const weeks = baseline.length || 1;
  const mean = baseline.reduce((sum, value) => sum + value, 0) / weeks;
  const variance = baseline.reduce((sum, value) => sum + (value - mean) ** 2, 0) / weeks;
  const sd = Math.sqrt(variance);
  const limit = mean + settings.surgeSigma * Math.max(sd, Math.sqrt(mean));
  // The smallest count that alarms, for people to read.
  const threshold = Math.max(settings.surgeMinCount, Math.floor(limit) + 1);
  return { surge: count >= threshold, count, mean, sd, threshold };
}

const TIME_ZONE = 'Asia/Ho_Chi_Minh';
const LOCAL_PARTS = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  hourCycle: 'h23',
});

/** Returns the day (yyyy-mm-dd) and hour of `date` in Asia/Ho_Chi_Minh. */
export function localDayAndHour(date: Date): { day: string; hour: number } {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of LOCAL_PARTS.formatToParts(date)) parts[part.type] = part.value;
  return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}
