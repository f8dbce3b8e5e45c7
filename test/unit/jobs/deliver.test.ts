// E-mail over SMTP and signed webhooks, against an in-test SMTP server and HTTP receiver.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../../../src/domain/alert.ts';
import { deliver, DeliveryError, postWebhook, sendEmail, signWebhookBody } from '../../../src/jobs/deliver.ts';
import { freePort } from '../../helpers/free-port.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp-server.ts';
import { startWebhookReceiver, type TestWebhookReceiver } from '../../helpers/webhook-receiver.ts';

let smtp: TestSmtpServer;
let receiver: TestWebhookReceiver;
let receiverUrl: string;
let received: TestWebhookReceiver['received'];

beforeAll(async () => {
  smtp = await startSmtpServer();
  receiver = await startWebhookReceiver({ status: 204 });
  receiverUrl = receiver.url;
  received = receiver.received;
});
afterAll(async () => {
  await smtp?.stop();
  await receiver?.stop();
});

const emailSettings = () => ({
  smtpHost: '127.0.0.1',
  smtpPort: smtp.port,
  smtpSecure: false,
  smtpUser: 'canhbao',
  emailFrom: 'canhbao@phuong.example',
  recipients: ['vanhoa@phuong.example', 'lanhdao@phuong.example'],
  smtpPassword: 'mật-khẩu-smtp',
  timeoutMs: 3000,
});

describe('sendEmail', () => {
  it('sends one message to every recipient, with the password from the environment and Vietnamese text intact', async () => {
    const before = smtp.messages.length;
    await sendEmail(emailSettings(), { subject: 'Tin trùng với thông tin sai: học phí', text: 'Trường thu thêm tiền học thêm.\n.\nHết.' });
    expect(smtp.messages.length).toBe(before + 1);
    const mail = smtp.messages.at(-1)!;
    expect(mail.from).toBe('canhbao@phuong.example');
    expect(mail.to).toEqual(['vanhoa@phuong.example', 'lanhdao@phuong.example']);
    expect(mail.auth).toEqual({ username: 'canhbao', password: 'mật-khẩu-smtp' });
    // Subject is MIME-encoded; the body is quoted-printable or base64: decode what nodemailer chose.
    expect(decodeMime(mail.data)).toContain('Trường thu thêm tiền học thêm.');
    expect(mail.data).toMatch(/^Subject: =\?UTF-8\?/m);
  });

  it('throws a DeliveryError when the server refuses the message, and when nobody listens', async () => {
    smtp.failNextData(451);
    await expect(sendEmail(emailSettings(), { subject: 's', text: 't' })).rejects.toBeInstanceOf(DeliveryError);
    const closed = await freePort();
    const error = await sendEmail({ ...emailSettings(), smtpPort: closed }, { subject: 's', text: 't' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(String((error as Error).message)).not.toContain('mật-khẩu-smtp');
  });

  it('keeps a stable Message-ID when one is given, so a resend is the same message', async () => {
    await sendEmail(emailSettings(), { subject: 's', text: 't', messageId: '<duluan-alert-7@phuong.example>' });
    expect(smtp.messages.at(-1)!.data).toMatch(/^Message-ID: <duluan-alert-7@phuong\.example>/im);
  });
});

describe('postWebhook', () => {
  it('posts JSON signed with HMAC-SHA256 of the exact body', async () => {
    const secret = 'bí-mật-webhook-0123456789';
    const payload = { kind: 'surge', subject: 'Tin tiêu cực tăng', body: 'x', link: 'http://localhost/items', itemId: null, createdAt: '2026-11-28T00:00:00.000Z' };
    const result = await postWebhook(receiverUrl, payload, { secret, allowHosts: ['127.0.0.1'] });
    expect(result.status).toBe(204);
    const last = received.at(-1)!;
    expect(JSON.parse(last.body)).toEqual(payload);
    expect(last.headers['content-type']).toMatch(/^application\/json/);
    const expected = `sha256=${createHmac('sha256', secret).update(last.body).digest('hex')}`;
    expect(last.headers['x-duluan-signature-256']).toBe(expected);
    expect(signWebhookBody(last.body, secret)).toBe(expected);
  });

  it('sends no signature header without a secret', async () => {
    await postWebhook(receiverUrl, { a: 1 }, { allowHosts: ['127.0.0.1'] });
    expect(received.at(-1)!.headers['x-duluan-signature-256']).toBeUndefined();
  });

  it('refuses loopback, private and metadata addresses unless the host is allowed', async () => {
    const count = received.length;
    for (const url of [receiverUrl, 'http://169.254.169.254/latest', 'http://[::1]:9/x', 'http://10.0.0.1/hook']) {
      await expect(postWebhook(url, {}, { timeoutMs: 1000 })).rejects.toThrow(/non-public address/);
    }
    expect(received.length).toBe(count);
  });

  it('refuses other schemes and URLs with credentials', async () => {
    await expect(postWebhook('javascript:alert(1)', {})).rejects.toThrow(/http/);
    await expect(postWebhook('file:///etc/passwd', {})).rejects.toThrow(/http/);
    await expect(postWebhook('http://user:pw@example.com/', {})).rejects.toThrow(/credentials/);
  });

  it('fails on a non-2xx answer and on a receiver slower than the deadline', async () => {
    receiver.status = 500;
    await expect(postWebhook(receiverUrl, {}, { allowHosts: ['127.0.0.1'] })).rejects.toThrow(/HTTP 500/);
    receiver.status = 204;
    receiver.delayMs = 1500;
    await expect(postWebhook(receiverUrl, {}, { allowHosts: ['127.0.0.1'], timeoutMs: 300 })).rejects.toThrow(/no answer within 300 ms/);
    receiver.delayMs = 0;
  });
});

describe('deliver', () => {
  const settings = (): AlertSettings => ({
    ...DEFAULT_ALERT_SETTINGS,
    emailEnabled: true,
    smtpHost: '127.0.0.1',
    smtpPort: smtp.port,
    recipients: ['vanhoa@phuong.example'],
    webhookEnabled: true,
    webhookUrl: receiverUrl,
  });

  it('reports each enabled channel separately: one failing does not hide the other', async () => {
    receiver.status = 503;
    const report = await deliver(
      { settings: settings(), webhookAllowHosts: ['127.0.0.1'], timeoutMs: 2000 },
      { email: { subject: 's', text: 't' }, webhook: { kind: 'digest' } },
    );
    receiver.status = 204;
    expect(report.email).toEqual({ ok: true });
    expect(report.webhook).toMatchObject({ ok: false, error: expect.stringContaining('HTTP 503') });
  });

  it('tries only the channels asked for, and none that are off', async () => {
    const mails = smtp.messages.length;
    const hooks = received.length;
    const report = await deliver(
      { settings: { ...settings(), emailEnabled: false }, webhookAllowHosts: ['127.0.0.1'] },
      { email: { subject: 's', text: 't' }, webhook: { kind: 'digest' } },
      ['email'],
    );
    expect(report).toEqual({});
    expect(smtp.messages.length).toBe(mails);
    expect(received.length).toBe(hooks);
  });
});

// Decodes quoted-printable or base64 bodies enough to search the text.
function decodeMime(raw: string): string {
  const [headers = '', ...rest] = raw.split('\r\n\r\n');
  const body = rest.join('\r\n\r\n');
  if (/content-transfer-encoding: base64/i.test(headers)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/content-transfer-encoding: quoted-printable/i.test(headers)) {
    const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}
