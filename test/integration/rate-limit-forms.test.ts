// A browser form sent over a rate limit (the public form, the MTTQ officer's form) answers 429 with
// the same form drawn again: everything typed still in its field, a message saying how long to
// wait, and nothing stored. The JSON API keeps its 429 error with Retry-After; the honeypot and the
// cross-site check still apply.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES, t as translate } from '../../dashboard/i18n/messages.ts';
import { MTTQ_SUBMIT_LIMIT, PUBLIC_SUBMIT_LIMIT } from '../../src/api/public-feedback.ts';
import { PNG_1PX } from '../helpers/attachment-fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let database: TestDatabase;
let t: TestApp;
let admin: string;
let mttq: string;

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  admin = await t.signIn('admin', 'rl-admin');
  mttq = await t.signIn('mttq', 'rl-mttq');
  const open = await t.request('/api/settings/public-form', { method: 'PUT', cookie: admin, json: { enabled: true } });
  expect(open.status).toBe(200);
});
afterAll(async () => {
  await t?.close();
  await database?.close();
});

async function storedFeedback(): Promise<number> {
  const [row] = await database.db.select({ count: sql<number>`count(*)`.mapWith(Number) }).from(sql`feedback`);
  return row!.count;
}

/** What the page shows for text typed into a field: HTML-escaped as the renderer escapes it. */
function escaped(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Uses up an address's public budget with refused (422) API posts, which count but store nothing. */
async function exhaustPublic(address: string) {
  for (let i = 0; i < PUBLIC_SUBMIT_LIMIT.limit; i++) {
    const answer = await t.request('/api/public/feedback', { method: 'POST', remoteAddress: address, json: { content: '' } });
    expect(answer.status).toBe(422);
  }
}

function postPublicForm(fields: Record<string, string>, address: string, headers: Record<string, string> = {}) {
  return t.request('/public/feedback', {
    method: 'POST',
    remoteAddress: address,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

const TYPED = {
  content: 'Con tôi học lớp 3A, trường thu thêm 200.000đ "tiền nước" <mỗi tháng> & không có biên lai.\nĐề nghị phường làm rõ.',
  topic: 'Khoản thu đầu năm',
  residentialGroup: 'Tổ dân phố số 7',
  school: 'Trường Tiểu học Nguyễn Trãi',
  citizenName: 'Nguyễn Thị Hường',
  citizenContact: '0912 345 678',
};

describe('the public form over its limit', () => {
  it('draws the same form again (429) with everything typed, a wait message in minutes, and stores nothing', async () => {
    const address = '203.0.113.140';
    await exhaustPublic(address);
    const before = await storedFeedback();
    const answer = await postPublicForm({ ...TYPED, consent: '1', idempotencyKey: 'rl-public-key-1' }, address);
    expect(answer.status).toBe(429);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    const retryAfter = Number(answer.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(PUBLIC_SUBMIT_LIMIT.windowMs / 1000);
    const html = await answer.text();
    // The form itself, posting to the same place.
    expect(html).toContain('action="/public/feedback"');
    expect(html).toMatch(/<textarea id="public-content" name="content"[^>]*>\s*/);
    expect(html).toContain(`>${escaped(TYPED.content)}</textarea>`);
    expect(html).toContain(`value="${escaped(TYPED.topic)}"`);
    expect(html).toContain(`value="${escaped(TYPED.residentialGroup)}"`);
    expect(html).toContain(`value="${escaped(TYPED.school)}"`);
    expect(html).toContain(`value="${escaped(TYPED.citizenName)}"`);
    expect(html).toContain(`value="${escaped(TYPED.citizenContact)}"`);
    expect(html).toContain('value="rl-public-key-1"');
    expect(html).toMatch(/<input[^>]*name="consent"[^>]*checked/);
    // Nothing typed leaks out unescaped.
    expect(html).not.toContain('<mỗi tháng>');
    const minutes = Math.ceil(retryAfter / 60);
    expect(html).toContain(escaped(translate('vi', 'feedback.rateLimited', { minutes, submit: MESSAGES.vi['feedback.submit'] })));
    expect(html).toContain(`khoảng ${minutes} phút`);
    expect(await storedFeedback()).toBe(before);
  });

  it('keeps the JSON API’s 429 error with Retry-After on the same budget', async () => {
    const address = '203.0.113.141';
    await exhaustPublic(address);
    const answer = await t.request('/api/public/feedback', { method: 'POST', remoteAddress: address, json: { content: 'Ý kiến', consent: { given: true, version: '1' } } });
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    const body = (await answer.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.message).toBe(MESSAGES.vi['apiError.rate_limited']);
    // Posting the form counts against the same budget as the API.
    expect((await postPublicForm({ content: 'Ý kiến qua biểu mẫu', consent: '1' }, address)).status).toBe(429);
  });

  it('still stores nothing for a filled honeypot, and never draws the honeypot back filled', async () => {
    const address = '203.0.113.142';
    await exhaustPublic(address);
    const before = await storedFeedback();
    const answer = await postPublicForm({ content: 'Mua thuốc giá rẻ', consent: '1', website: 'http://spam.example', idempotencyKey: 'rl-bot' }, address);
    expect(answer.status).toBe(429);
    const html = await answer.text();
    expect(html).toMatch(/<input id="public-website" name="website" type="text" value="" autocomplete="off" tabindex="-1"/);
    expect(html).not.toContain('spam.example');
    expect(await storedFeedback()).toBe(before);
  });

  it('refuses a post from another site before any form is drawn', async () => {
    const address = '203.0.113.143';
    await exhaustPublic(address);
    const answer = await postPublicForm({ ...TYPED, consent: '1' }, address, { origin: 'https://evil.example' });
    expect(answer.status).toBe(403);
    expect(await answer.text()).not.toContain(escaped(TYPED.citizenName));
  });
});

describe('the MTTQ officer’s form over its limit', () => {
  function multipart(fields: Record<string, string>, files: Array<[string, Buffer]> = []) {
    const data = new FormData();
    for (const [name, value] of Object.entries(fields)) data.append(name, value);
    for (const [filename, bytes] of files) data.append('attachments', new File([new Uint8Array(bytes)], filename, { type: 'image/png' }));
    return data;
  }

  it('draws the same form again (429) with everything typed, asks for the files again, and stores nothing', async () => {
    const address = '198.51.100.150';
    for (let i = 0; i < MTTQ_SUBMIT_LIMIT.limit; i++) {
      const refused = await t.request('/api/feedback', { cookie: mttq, remoteAddress: address, json: { content: '' } });
      expect(refused.status).toBe(422);
    }
    const before = await storedFeedback();
    const answer = await t.request('/feedback/new', {
      method: 'POST',
      cookie: mttq,
      remoteAddress: address,
      body: multipart({ ...TYPED, channel: 'meeting', receivedAt: '2026-11-20', consent: '1', idempotencyKey: 'rl-mttq-key-1' }, [['bien-lai.png', PNG_1PX]]),
    });
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    // A multipart body carries the textarea's line breaks as CRLF, as browsers send them.
    const html = (await answer.text()).replace(/\r\n/g, '\n');
    expect(html).toContain('action="/feedback/new"');
    expect(html).toContain(`>${escaped(TYPED.content)}</textarea>`);
    for (const field of ['topic', 'residentialGroup', 'school', 'citizenName', 'citizenContact'] as const) {
      expect(html, field).toContain(`value="${escaped(TYPED[field])}"`);
    }
    expect(html).toContain('value="2026-11-20"');
    expect(html).toMatch(/<option value="meeting" selected/);
    expect(html).toContain('value="rl-mttq-key-1"');
    expect(html).toMatch(/<input[^>]*name="consent"[^>]*checked/);
    const minutes = Math.ceil(Number(answer.headers.get('retry-after')) / 60);
    expect(html).toContain(escaped(translate('vi', 'feedback.rateLimited', { minutes, submit: MESSAGES.vi['feedback.submit'] })));
    expect(html).toContain(MESSAGES.vi['feedback.rateLimitedFiles']);
    // Still the officer's page: their menu and a way back.
    expect(html).toContain('class="site-nav"');
    expect(await storedFeedback()).toBe(before);

    // The JSON API keeps its error shape.
    const api = await t.request('/api/feedback', { cookie: mttq, remoteAddress: address, json: { content: 'Ý kiến', consent: { given: true, version: '1' } } });
    expect(api.status).toBe(429);
    expect(api.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect(await storedFeedback()).toBe(before);
  });
});
