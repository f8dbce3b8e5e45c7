// Sends messages out of the service: e-mail over SMTP (nodemailer) and signed webhook POSTs.
// Used for alerts and for anything else that must reach people (the weekly report).
import { createHmac } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import nodemailer from 'nodemailer';
import { isBlockedAddress } from '../domain/is-blocked-address.ts';
import { enabledChannels, type AlertSettings, type DeliveryReport } from '../domain/alert.ts';

/** How to reach the SMTP server: the admin's settings plus the password from SMTP_PASSWORD. */
export interface EmailSettings {
  smtpHost: string;
  smtpPort: number;
  smtpSecure: boolean;
  smtpUser: string;
  emailFrom: string;
  recipients: readonly string[];
  /** From the environment only; never stored in the database. */
  smtpPassword?: string;
  timeoutMs?: number;
}

/** One e-mail: plain text, optionally HTML and attachments. */
export interface EmailMessage {
  subject: string;
  text: string;
  html?: string;
  attachments?: Array<{ filename: string; content: Buffer | string; contentType?: string }>;
  /** A stable Message-ID (`<…@…>`), so a resend after a lost answer is recognisably the same message. */
  messageId?: string;
}

/** Thrown when a delivery fails; the message never contains the password or the recipients. */
export class DeliveryError extends Error {
  constructor(
    readonly channel: 'email' | 'webhook',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}

const DEFAULT_TIMEOUT_MS = 15_000;

/** Sends the message to every recipient through the SMTP server; resolves with the server's message id. */
export async function sendEmail(settings: EmailSettings, message: EmailMessage): Promise<{ messageId: string }> {
  if (!settings.smtpHost) throw new DeliveryError('email', 'no SMTP host is set');
  if (settings.recipients.length === 0) throw new DeliveryError('email', 'no recipients are set');
  const timeout = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const transport = nodemailer.createTransport({
    host: settings.smtpHost,
    port: settings.smtpPort,
    secure: settings.smtpSecure,
    auth: settings.smtpUser ? { user: settings.smtpUser, pass: settings.smtpPassword ?? '' } : undefined,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // Addresses and texts must never reach the logs.
    logger: false,
    debug: false,
  });
  try {
    const info = await transport.sendMail({
      from: settings.emailFrom || settings.smtpUser || `duluan@${settings.smtpHost}`,
      to: [...settings.recipients],
      subject: message.subject.replace(/[\r\n]+/g, ' '),
      text: message.text,
      html: message.html,
      attachments: message.attachments,
      messageId: message.messageId,
    });
    return { messageId: String(info.messageId ?? '') };
  } catch (cause) {
    throw new DeliveryError('email', describeError(cause), { cause });
  } finally {
    transport.close();
  }
}

/** How a webhook is posted. */
export interface WebhookOptions {
  /** Signs the body with HMAC-SHA256 in `X-Duluan-Signature-256: sha256=<hex>` when set. */
  secret?: string;
  /** Host names or IP literals that may be loopback/private (an in-house chat server, tests). */
  allowHosts?: readonly string[];
  timeoutMs?: number;
}

/** Returns the signature header value of a webhook body: `sha256=` and the hex HMAC-SHA256 with the secret. */
export function signWebhookBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * POSTs the payload as JSON to the URL; resolves with the status on 2xx, throws DeliveryError
 * otherwise. The address is checked as the collector checks feeds (no loopback, private or
 * metadata addresses unless the host is allowed), the socket connects only to the vetted address,
 * redirects are not followed, and the whole exchange has a deadline.
 */
export async function postWebhook(url: string, payload: unknown, options: WebhookOptions = {}): Promise<{ status: number }> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new DeliveryError('webhook', 'the webhook URL is not a valid URL');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new DeliveryError('webhook', 'the webhook URL must be http(s)');
  if (target.username || target.password) throw new DeliveryError('webhook', 'the webhook URL must not contain credentials');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeliveryError('webhook', `no answer within ${timeoutMs} ms`)), timeoutMs);
  timer.unref();
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': 'duluan/0.1 (+alerts)',
  };
  if (options.secret) headers['x-duluan-signature-256'] = signWebhookBody(body, options.secret);
  try {
    const host = bareHost(target.hostname);
    const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolveAll(host);
    const allowed = (options.allowHosts ?? []).some((entry) => bareHost(entry) === host);
    const blocked = allowed ? undefined : addresses.find((entry) => isBlockedAddress(entry.address));
    if (blocked) throw new DeliveryError('webhook', `${target.host} resolves to a non-public address (${blocked.address})`);
    const status = await send(target, addresses, headers, body, controller.signal);
    if (status < 200 || status > 299) throw new DeliveryError('webhook', `the webhook answered HTTP ${status}`);
    return { status };
  } catch (error) {
    if (controller.signal.aborted && controller.signal.reason instanceof DeliveryError) throw controller.signal.reason;
    if (error instanceof DeliveryError) throw error;
    throw new DeliveryError('webhook', describeError(error), { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

function bareHost(hostname: string): string {
  const lower = hostname.toLowerCase().replace(/\.$/, '');
  return lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
}

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => {
      if (error !== null || addresses.length === 0) reject(new DeliveryError('webhook', `could not resolve ${host}`));
      else resolve(addresses);
    });
  });
}

function send(url: URL, addresses: LookupAddress[], headers: Record<string, string>, body: string, signal: AbortSignal): Promise<number> {
  // The socket may connect only to the addresses just checked (no second DNS answer).
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all === true) {
      (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    } else {
      callback(null, addresses[0]!.address, addresses[0]!.family);
    }
  };
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      {
        protocol: url.protocol,
        hostname: bareHost(url.hostname),
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers,
        lookup,
        agent: false,
        signal,
      },
      (response) => {
        // The answer's body is not needed; read and drop at most 64 KB of it, then close.
        let seen = 0;
        response.on('data', (chunk: Buffer) => {
          seen += chunk.length;
          if (seen > 64 * 1024) response.destroy();
        });
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('close', () => resolve(response.statusCode ?? 0));
        response.on('error', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', (error) => {
      request.destroy();
      reject(error);
    });
    request.end(body);
  });
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return (typeof code === 'string' ? `${code}: ` : '') + error.message.slice(0, 300);
  }
  return String(error).slice(0, 300);
}

/** Where messages go: the admin's alert settings, plus secrets and limits from the environment. */
export interface DeliverySettings {
  settings: AlertSettings;
  smtpPassword?: string;
  webhookSecret?: string;
  webhookAllowHosts?: readonly string[];
  timeoutMs?: number;
}

/** One message to every enabled channel: the e-mail's text and the webhook's JSON. */
export interface DeliveryMessage {
  email: EmailMessage;
  webhook: unknown;
}

/**
 * Returns how sending the message through each enabled channel went (a channel that is off is
 * absent). Only the `channels` named are tried, so a retry does not repeat a channel that worked.
 */
export async function deliver(
  delivery: DeliverySettings,
  message: DeliveryMessage,
  channels: ReadonlyArray<'email' | 'webhook'> = enabledChannels(delivery.settings),
): Promise<DeliveryReport> {
  const report: DeliveryReport = {};
  const enabled = enabledChannels(delivery.settings);
  const tasks: Array<Promise<void>> = [];
  if (enabled.includes('email') && channels.includes('email')) {
    tasks.push(
      sendEmail({ ...delivery.settings, smtpPassword: delivery.smtpPassword, timeoutMs: delivery.timeoutMs }, message.email).then(
        () => void (report.email = { ok: true }),
        (error: unknown) => void (report.email = { ok: false, error: describeError(error) }),
      ),
    );
  }
  if (enabled.includes('webhook') && channels.includes('webhook')) {
    tasks.push(
      postWebhook(delivery.settings.webhookUrl, message.webhook, {
        secret: delivery.webhookSecret,
        allowHosts: delivery.webhookAllowHosts,
        timeoutMs: delivery.timeoutMs,
      }).then(
        ({ status }) => void (report.webhook = { ok: true, status }),
        (error: unknown) => void (report.webhook = { ok: false, error: describeError(error) }),
      ),
    );
  }
  await Promise.all(tasks);
  return report;
}
