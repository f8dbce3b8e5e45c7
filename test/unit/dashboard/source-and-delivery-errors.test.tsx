// The words staff read when a source or an alert delivery fails: Vietnamese first, the status or
// server named, the technical text folded away; and form/import sources shown by what they received.
import { describe, expect, it } from 'vitest';
import { AlertsPage, deliveryFailureOf, deliveryFailureText } from '../../../dashboard/views/alerts-page.tsx';
import { SourceEditPage, SourcesPage, sourceErrorText } from '../../../dashboard/views/sources-page.tsx';
import { CollectorError } from '../../../src/collectors/collector-error.ts';
import { DEFAULT_ALERT_SETTINGS } from '../../../src/domain/alert.ts';
import { httpStatusOf } from '../../../src/domain/source.ts';
import { renderHtml } from './render-html.ts';
import { sampleSource, sampleUser } from './sample-data.ts';

const admin = sampleUser({ role: 'admin' });

describe('a fetch error answered with an HTTP status', () => {
  it('reads the status back from the stored message, for http_status errors only', () => {
    expect(httpStatusOf('http_status', 'https://truong.example/rss answered HTTP 404')).toBe(404);
    expect(httpStatusOf('http_status', 'upstream said no (HTTP 503)')).toBe(503);
    expect(httpStatusOf('timeout', 'answered HTTP 404')).toBeNull();
    expect(httpStatusOf('http_status', 'no status here')).toBeNull();
  });

  it('keeps the status in the collector’s message, so it can be read back from what is stored', () => {
    const error = new CollectorError('http_status', 'the feed refused us', { status: 410 });
    expect(httpStatusOf(error.code, error.message)).toBe(410);
    expect(new CollectorError('http_status', 'https://x.example/ answered HTTP 404', { status: 404 }).message).toBe('https://x.example/ answered HTTP 404');
    expect(new CollectorError('timeout', 'no answer', { status: 500 }).message).toBe('no answer');
  });

  it('names the status and what it means, in both languages', () => {
    const text = (code: string, message: string) => sourceErrorText('vi', code, message);
    expect(text('http_status', 'x answered HTTP 404')).toBe('Máy chủ trả về mã lỗi HTTP 404 (không tìm thấy trang)');
    expect(text('http_status', 'x answered HTTP 403')).toBe('Máy chủ trả về mã lỗi HTTP 403 (máy chủ từ chối cho truy cập)');
    expect(text('http_status', 'x answered HTTP 410')).toBe('Máy chủ trả về mã lỗi HTTP 410 (trang đã bị gỡ bỏ)');
    expect(text('http_status', 'x answered HTTP 429')).toContain('HTTP 429 (');
    expect(text('http_status', 'x answered HTTP 502')).toBe('Máy chủ trả về mã lỗi HTTP 502 (máy chủ của trang đang gặp sự cố)');
    expect(text('http_status', 'x answered HTTP 418')).toBe('Máy chủ trả về mã lỗi HTTP 418');
    expect(text('http_status', 'garbled')).toBe('Máy chủ trả về mã lỗi HTTP');
    expect(text('dns_failed', 'getaddrinfo ENOTFOUND x')).toBe('Không phân giải được tên miền');
    expect(sourceErrorText('en', 'http_status', 'x answered HTTP 404')).toBe('The server returned HTTP error 404 (page not found)');
  });
});

describe('the sources page for a source that never worked', () => {
  const failedOnce = sampleSource({
    lastSuccessAt: null,
    consecutiveFailures: 1,
    // Failing since now: a failure days old would be shown as paused instead.
    failingSince: new Date(),
    lastError: 'https://truong.example/rss answered HTTP 404',
  });

  it('shows it failing from its first failure, with the status, a Vietnamese hint, and the English folded', async () => {
    const html = await renderHtml(<SourcesPage user={admin} locale="vi" sources={[failedOnce]} canManage />);
    expect(html).not.toContain('Hoạt động tốt');
    expect(html).toContain('<span class="badge health-failing">Đang trục trặc</span>');
    const details = /<details class="error-detail">[\s\S]*?<\/details>/.exec(html)?.[0] ?? '';
    expect(details).toContain('<summary>Chi tiết kỹ thuật</summary>');
    expect(details).toContain('answered HTTP 404');
    const visible = html.replace(details, '');
    expect(visible).toContain('Máy chủ trả về mã lỗi HTTP 404 (không tìm thấy trang)');
    expect(visible).toContain('Hãy kiểm tra lại địa chỉ');
    expect(visible).not.toContain('answered');
  });
});

describe('form and import sources', () => {
  const form = sampleSource({
    id: 9,
    kind: 'form',
    url: null,
    lastSuccessAt: null,
    lastErrorAt: null,
    lastError: null,
    lastErrorCode: null,
    consecutiveFailures: 0,
    failingSince: null,
    nextFetchAt: null,
  });

  it('shows when they last received an item, never "never fetched"', async () => {
    const received = await renderHtml(
      <SourcesPage user={admin} locale="vi" sources={[form]} canManage lastItemAt={new Map([[9, new Date('2024-09-05T03:00:00Z')]])} />,
    );
    expect(received).not.toContain('Chưa lấy tin lần nào');
    expect(received).toContain('Nhận ý kiến gần nhất: 05/09/2024 10:00');
    const none = await renderHtml(<SourcesPage user={admin} locale="vi" sources={[{ ...form, kind: 'import' }]} canManage />);
    expect(none).toContain('Chưa nhận ý kiến nào');
    expect(none).not.toContain('Chưa lấy tin lần nào');
  });

  it('offers no polling interval or automatic fetching on their edit page', async () => {
    const values = { name: form.name, url: '', enabled: true, pollIntervalMinutes: '15' };
    const html = await renderHtml(<SourceEditPage user={admin} locale="vi" source={form} values={values} errors={[]} saved={false} lastItemAt={null} />);
    expect(html).not.toContain('poll_interval_minutes');
    expect(html).not.toContain('Bật lấy tin tự động');
    expect(html).not.toContain('Chưa lấy tin lần nào');
    expect(html).toContain('Chưa nhận ý kiến nào');
    expect(html).toContain('không lấy tin theo chu kỳ');
    const rss = await renderHtml(<SourceEditPage user={admin} locale="vi" source={sampleSource()} values={values} errors={[]} saved={false} />);
    expect(rss).toContain('poll_interval_minutes');
    expect(rss).toContain('Bật lấy tin tự động');
  });
});

describe('a failed alert delivery', () => {
  const hosts = { email: 'smtp.phuong.example', webhook: 'hooks.phuong.example' };

  it('recognises the common failures from the sender’s technical text', () => {
    expect(deliveryFailureOf('EDNS: getaddrinfo ENOTFOUND smtp.khong-ton-tai.invalid')).toEqual({ kind: 'dns', host: 'smtp.khong-ton-tai.invalid' });
    expect(deliveryFailureOf('could not resolve hook.khong-ton-tai.invalid')).toEqual({ kind: 'dns', host: 'hook.khong-ton-tai.invalid' });
    expect(deliveryFailureOf('ESOCKET: connect ECONNREFUSED 127.0.0.1:25').kind).toBe('refused');
    expect(deliveryFailureOf('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9').kind).toBe('refused');
    expect(deliveryFailureOf('ETIMEDOUT: Connection timeout').kind).toBe('timeout');
    expect(deliveryFailureOf('no answer within 15000 ms').kind).toBe('timeout');
    expect(deliveryFailureOf('ESOCKET: 40E7A8F5:error:0A00010B:SSL routines:ssl3_get_record:wrong version number').kind).toBe('tls');
    expect(deliveryFailureOf('DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate').kind).toBe('tls');
    expect(deliveryFailureOf('EAUTH: Invalid login: 535 5.7.8 Authentication credentials invalid').kind).toBe('auth');
    expect(deliveryFailureOf('the webhook answered HTTP 502')).toEqual({ kind: 'http', status: 502 });
    expect(deliveryFailureOf('hooks.example resolves to a non-public address (10.0.0.5)').kind).toBe('blocked');
    // A host named like another cause is still read by the project's own wording.
    expect(deliveryFailureOf('ssl.internal.example resolves to a non-public address (10.0.0.5)').kind).toBe('blocked');
    expect(deliveryFailureOf('timeout-tls.example answered HTTP 503')).toEqual({ kind: 'http', status: 503 });
    expect(deliveryFailureOf('something else entirely').kind).toBe('other');
  });

  it('says it in Vietnamese, naming the server', () => {
    expect(deliveryFailureText('vi', 'email', 'EDNS: getaddrinfo ENOTFOUND smtp.khong-ton-tai.invalid', hosts)).toMatch(/^Không tìm thấy máy chủ thư smtp\.khong-ton-tai\.invalid/);
    expect(deliveryFailureText('vi', 'email', 'EAUTH: Invalid login: 535', hosts)).toMatch(/^Máy chủ thư smtp\.phuong\.example từ chối đăng nhập/);
    expect(deliveryFailureText('vi', 'email', 'ETIMEDOUT: Connection timeout', hosts)).toMatch(/^Máy chủ thư smtp\.phuong\.example không trả lời kịp/);
    expect(deliveryFailureText('vi', 'webhook', 'the webhook answered HTTP 404', hosts)).toBe('Máy chủ webhook hooks.phuong.example trả về mã lỗi HTTP 404.');
    expect(deliveryFailureText('vi', 'webhook', 'weird', hosts)).toBe('Không gửi được tới webhook hooks.phuong.example.');
  });

  it('shows a stored alert’s last error in Vietnamese, the raw lines folded', async () => {
    const alert = {
      id: 1,
      kind: 'digest',
      subject: 'Bản tin sáng',
      body: 'Nội dung',
      link: null,
      createdAt: new Date('2024-09-05T00:00:00Z'),
      deliveredAt: null,
      attempts: 2,
      lastError: 'email: EDNS: getaddrinfo ENOTFOUND smtp.khong-ton-tai.invalid\nwebhook: the webhook answered HTTP 500',
      state: 'failing',
    } as unknown as Parameters<typeof AlertsPage>[0]['alerts'][number];
    const html = await renderHtml(
      <AlertsPage
        user={admin}
        locale="vi"
        alerts={[alert]}
        pending={1}
        channels={['email', 'webhook']}
        canEdit
        form={{ ...DEFAULT_ALERT_SETTINGS, smtpPort: '25', digestHour: '6', surgeMinCount: '5', surgeSigma: '2', recipients: '' }}
        secrets={{ smtpPassword: false, webhookSecret: false }}
        hosts={hosts}
      />,
    );
    const details = /<details class="error-detail">[\s\S]*?<\/details>/.exec(html)?.[0] ?? '';
    expect(details).toContain('Chi tiết kỹ thuật');
    expect(details).toContain('ENOTFOUND');
    const visible = html.replace(details, '');
    expect(visible).toContain('Không tìm thấy máy chủ thư smtp.khong-ton-tai.invalid');
    expect(visible).toContain('Máy chủ webhook hooks.phuong.example trả về mã lỗi HTTP 500');
    expect(visible).not.toContain('ENOTFOUND');
    // The secrets are the operator's: an admin reads whom to ask.
    expect(visible).toContain('người vận hành máy chủ cần đặt SMTP_PASSWORD');
    expect(visible).toContain('người vận hành máy chủ cần đặt ALERT_WEBHOOK_SECRET');
    expect(visible).toContain('ALERT_WEBHOOK_ALLOW_HOSTS');
  });
});
