// The public feedback form: closed by default (404 everywhere), opened by an administrator; a
// citizen's opinion gets a receipt, the lookup shows the status and only the ward's published
// responses; honeypot, idempotent retries, rate limits per client address behind trusted proxies.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../dashboard/i18n/messages.ts';
import { createAddressResolver, normalizeAddress, rateKeyOf } from '../../src/api/client-address.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { feedback, feedbackAttachments, feedbackContacts, items, sources } from '../../src/db/schema.ts';
import { EXE_HEAD, PNG_1PX } from '../helpers/attachment-fixtures.ts';
import { PUBLIC_FEEDBACK_SOURCE, normalizeReceipt } from '../../src/domain/public-feedback.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let database: TestDatabase;
let t: TestApp;
let admin: string;
let staff: string;
let mttq: string;

const CONSENT = { given: true, version: '1' };
let addressCounter = 0;
/** Returns a fresh documentation address, so each test has its own rate-limit budget. */
const nextAddress = () => `198.51.100.${++addressCounter}`;

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  admin = await t.signIn('admin', 'an-admin');
  staff = await t.signIn('staff', 'lan-staff');
  mttq = await t.signIn('mttq', 'hoa-mttq');
});
afterAll(async () => {
  await t?.close();
  await database?.close();
});

async function counts() {
  const [row] = await database.db
    .select({
      feedback: sql<number>`(select count(*) from feedback)`.mapWith(Number),
      contacts: sql<number>`(select count(*) from feedback_contacts)`.mapWith(Number),
      items: sql<number>`(select count(*) from items)`.mapWith(Number),
    })
    .from(sql`(select 1) as one`);
  return row!;
}

function postPublic(body: unknown, options: { address?: string; key?: string; app?: TestApp; headers?: Record<string, string> } = {}) {
  return (options.app ?? t).request('/api/public/feedback', {
    method: 'POST',
    remoteAddress: options.address ?? nextAddress(),
    headers: { 'content-type': 'application/json', ...(options.key ? { 'idempotency-key': options.key } : {}), ...options.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function postForm(fields: Record<string, string>, address = nextAddress()) {
  return t.request('/public/feedback', {
    method: 'POST',
    remoteAddress: address,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

async function setOpen(enabled: boolean) {
  const response = await t.request('/api/settings/public-form', { method: 'PUT', cookie: admin, json: { enabled } });
  expect(response.status).toBe(200);
}

describe('while the public form is closed (the default)', () => {
  it('answers 404 on every public route and stores nothing', async () => {
    const settings = await t.request('/api/settings/public-form', { cookie: admin });
    expect(await settings.json()).toEqual({ enabled: false });
    const before = await counts();
    const answers = await Promise.all([
      postPublic({ content: 'Ý kiến', consent: CONSENT }),
      t.request('/api/public/feedback/PA-23456789', { remoteAddress: nextAddress() }),
      t.request('/public/feedback', { remoteAddress: nextAddress() }),
      postForm({ content: 'Ý kiến', consent: '1' }),
      t.request('/public/feedback/thanks?receipt=PA-23456789'),
      t.request('/public/feedback/status'),
      t.request('/public/feedback/status?receipt=PA-23456789'),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 404, 404, 404, 404]);
    expect(((await answers[0]!.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect(await counts()).toEqual(before);
  });
});

describe('the administrator switch', () => {
  it('lets only admins read and change it, refuses a malformed body, and shows a page', async () => {
    expect((await t.request('/api/settings/public-form', { cookie: staff })).status).toBe(403);
    expect((await t.request('/api/settings/public-form', { method: 'PUT', cookie: staff, json: { enabled: true } })).status).toBe(403);
    expect((await t.request('/api/settings/public-form')).status).toBe(401);
    for (const body of [{ enabled: 'yes' }, {}, { enabled: true, extra: 1 }, JSON.parse('{"enabled":true,"__proto__":{"x":1}}')]) {
      const bad = await t.request('/api/settings/public-form', { method: 'PUT', cookie: admin, json: body });
      expect(bad.status).toBe(422);
    }
    expect(await (await t.request('/api/settings/public-form', { cookie: admin })).json()).toEqual({ enabled: false });

    const page = await t.request('/settings/public-form', { cookie: admin });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Đang tắt');
    const toggled = await t.request('/settings/public-form', {
      method: 'POST',
      cookie: admin,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'enabled=true',
    });
    expect(toggled.status).toBe(303);
    expect(await (await t.request('/api/settings/public-form', { cookie: admin })).json()).toEqual({ enabled: true });
    expect(await (await t.request('/settings/public-form?flash=saved', { cookie: admin })).text()).toContain('Đang bật');
    expect((await t.request('/public/feedback', { remoteAddress: nextAddress() })).status).toBe(200);
    await setOpen(false);
    expect((await t.request('/public/feedback', { remoteAddress: nextAddress() })).status).toBe(404);
  });
});

describe('while the public form is open', () => {
  beforeAll(() => setOpen(true));

  it('accepts an opinion with a receipt, shows its status, then the ward’s published response only', async () => {
    const answer = await postPublic({
      content: 'Trường thu thêm tiền học thêm buổi chiều, phụ huynh chưa rõ lý do.',
      topic: 'Học phí',
      citizen: { name: 'Trần Văn Bình', contact: '0987 654 321' },
      consent: CONSENT,
    });
    expect(answer.status).toBe(201);
    const { receipt, ...rest } = (await answer.json()) as { receipt: string };
    expect(receipt).toMatch(/^PA-[2-9A-HJKMNP-Z]{8}$/);
    expect(rest).toEqual({});

    const [row] = await database.db
      .select({ id: feedback.id, itemId: feedback.itemId, isPublic: feedback.isPublic, submittedBy: feedback.submittedBy, source: sources.name })
      .from(feedback)
      .innerJoin(items, eq(items.id, feedback.itemId))
      .innerJoin(sources, eq(sources.id, items.sourceId))
      .where(eq(feedback.receipt, receipt));
    expect(row).toMatchObject({ isPublic: true, submittedBy: null, source: PUBLIC_FEEDBACK_SOURCE });
    const [contact] = await database.db.select().from(feedbackContacts).where(eq(feedbackContacts.feedbackId, row!.id));
    expect(contact).toMatchObject({ name: 'Trần Văn Bình', contact: '0987 654 321' });

    // Any case, with or without the prefix.
    for (const typed of [receipt, receipt.toLowerCase(), receipt.slice(3).toLowerCase()]) {
      const lookup = await t.request(`/api/public/feedback/${encodeURIComponent(typed)}`, { remoteAddress: nextAddress() });
      expect(lookup.status, typed).toBe(200);
      expect(await lookup.json()).toMatchObject({ receipt, status: 'received', responses: [] });
    }

    const reply = await t.request(`/api/items/${row!.itemId}/responses`, {
      cookie: staff,
      json: { kind: 'reply', channel: 'ward_portal', text: 'Phường đã làm việc với nhà trường: khoản thu này là tự nguyện.' },
    });
    expect(reply.status, await reply.clone().text()).toBe(201);
    const escalation = await t.request(`/api/items/${row!.itemId}/responses`, {
      cookie: staff,
      json: { kind: 'escalation', channel: 'report_up', text: 'Ghi chú nội bộ: chuyển Phòng GD&ĐT', escalatedTo: 'Phòng GD&ĐT' },
    });
    expect(escalation.status, await escalation.clone().text()).toBe(201);

    const lookup = await t.request(`/api/public/feedback/${receipt.toLowerCase()}`, { remoteAddress: nextAddress() });
    expect(lookup.headers.get('cache-control')).toBe('no-store');
    const found = (await lookup.json()) as { status: string; responses: Array<Record<string, unknown>> };
    expect(found.responses).toEqual([
      { channel: 'ward_portal', text: 'Phường đã làm việc với nhà trường: khoản thu này là tự nguyện.', respondedAt: expect.any(String) },
    ]);
    const text = JSON.stringify(found);
    for (const secret of ['Trần Văn Bình', '0987', 'nội bộ', 'lan-staff', 'Trường thu thêm']) expect(text).not.toContain(secret);

    const page = await t.request(`/public/feedback/status?receipt=${receipt.toLowerCase()}`, { remoteAddress: nextAddress() });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('khoản thu này là tự nguyện');
    expect(html).not.toContain('nội bộ');
    expect(html).not.toContain('0987');
  });

  it('answers an unknown or malformed receipt with 404 and a clear message', async () => {
    for (const typed of ['PA-ZZZZZZZZ', 'PA-0000', 'x'.repeat(300), '%F0%9F%98%80']) {
      const answer = await t.request(`/api/public/feedback/${typed}`, { remoteAddress: nextAddress() });
      expect(answer.status, typed).toBe(404);
      expect(await answer.json()).toEqual({ error: { code: 'not_found', message: MESSAGES.vi['public.status.notFound'] } });
    }
    const page = await t.request('/public/feedback/status?receipt=PA-ZZZZZZZZ', { remoteAddress: nextAddress() });
    expect(page.status).toBe(404);
    const html = await page.text();
    expect(html).toContain(MESSAGES.vi['public.status.notFound']);
    expect(html).toContain('value="PA-ZZZZZZZZ"');
    const malformed = await t.request('/public/feedback/status?receipt=abc', { remoteAddress: nextAddress() });
    expect(malformed.status).toBe(422);
    expect(await malformed.text()).toContain(MESSAGES.vi['public.status.invalid']);
  });

  it('shows a phone-ready form with consent v1, labels, and a honeypot hidden from people', async () => {
    const page = await t.request('/public/feedback', { remoteAddress: nextAddress() });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('name="viewport"');
    expect(html).toContain(MESSAGES.vi['feedback.consentText.1']);
    expect(html).toContain('phiên bản 1');
    expect(html).toMatch(/<div class="public-hp" aria-hidden="true">/);
    expect(html).toMatch(/<input id="public-website" name="website" type="text" value="" autocomplete="off" tabindex="-1"/);
    for (const id of ['public-content', 'public-topic', 'public-citizenName', 'public-citizenContact']) expect(html).toContain(`for="${id}"`);
    expect(html).not.toContain('<script>');
  });

  it('shows errors next to their fields and keeps what was typed', async () => {
    const before = await counts();
    const answer = await postForm({ content: 'Ý kiến về bữa ăn bán trú', citizenName: 'Lê Thị Hoa', idempotencyKey: 'k-form-error' });
    expect(answer.status).toBe(422);
    const html = await answer.text();
    expect(html).toContain('id="public-consent-error"');
    expect(html).toContain(MESSAGES.vi['feedbackError.consent_required']);
    expect(html).toContain('Ý kiến về bữa ăn bán trú');
    expect(html).toContain('value="Lê Thị Hoa"');
    expect(await counts()).toEqual(before);
  });

  it('answers a filled honeypot as if accepted, and stores nothing', async () => {
    const before = await counts();
    const answer = await postForm({ content: 'Mua thuốc giá rẻ tại đây', consent: '1', website: 'http://spam.example', idempotencyKey: 'k-bot' });
    expect(answer.status).toBe(303);
    const location = answer.headers.get('location')!;
    expect(location).toMatch(/^\/public\/feedback\/thanks\?receipt=PA-[2-9A-HJKMNP-Z]{8}$/);
    const thanks = await t.request(location);
    expect(thanks.status).toBe(200);
    expect(await counts()).toEqual(before);
    const receipt = new URL(location, 'http://x').searchParams.get('receipt')!;
    expect((await t.request(`/api/public/feedback/${receipt}`, { remoteAddress: nextAddress() })).status).toBe(404);
  });

  it('stores one opinion for a double-submitted form and shows the same receipt', async () => {
    const before = await counts();
    const fields = { content: 'Đề nghị lắp thêm đèn ở cổng trường', consent: '1', idempotencyKey: 'form-key-7c1e' };
    const address = nextAddress();
    const [first, second] = await Promise.all([postForm(fields, address), postForm(fields, address)]);
    expect([first!.status, second!.status]).toEqual([303, 303]);
    expect(first!.headers.get('location')).toBe(second!.headers.get('location'));
    const after = await counts();
    expect(after.feedback - before.feedback).toBe(1);
    const thanks = await t.request(first!.headers.get('location')!);
    expect(await thanks.text()).toContain(new URL(first!.headers.get('location')!, 'http://x').searchParams.get('receipt')!);
  });

  it('answers a JSON retry with the same Idempotency-Key and body with the first receipt, one row', async () => {
    const before = await counts();
    const body = { content: 'Ý kiến gửi lại khi mạng chập chờn', consent: CONSENT };
    const answers = await Promise.all(Array.from({ length: 5 }, () => postPublic(body, { key: 'retry-9f2a' })));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 201]);
    const receipts = new Set(await Promise.all(answers.map(async (answer) => ((await answer.json()) as { receipt: string }).receipt)));
    expect(receipts.size).toBe(1);
    expect((await counts()).feedback - before.feedback).toBe(1);
    // Another citizen who happens to use the same key is not answered someone else's receipt.
    const other = await postPublic({ content: 'Một ý kiến khác hẳn', consent: CONSENT }, { key: 'retry-9f2a' });
    expect(other.status).toBe(201);
    expect(receipts.has(((await other.json()) as { receipt: string }).receipt)).toBe(false);
    expect((await postPublic(body, { key: 'x'.repeat(201) })).status).toBe(422);
  });

  it('refuses a channel or a date received, which only an MTTQ officer records, storing nothing', async () => {
    const before = await counts();
    for (const extra of [{ channel: 'meeting' }, { receivedAt: '2020-01-01' }, { channel: 'meeting', receivedAt: '2020-01-01' }]) {
      const refused = await postPublic({ content: 'Ý kiến giả làm biên bản họp', consent: CONSENT, ...extra });
      expect(refused.status, JSON.stringify(extra)).toBe(422);
      const details = ((await refused.json()) as { error: { details: Array<{ field: string; code: string }> } }).error.details;
      expect(details).toEqual(Object.keys(extra).map((field) => ({ field, code: 'not_allowed' })));
    }
    expect(await counts()).toEqual(before);
  });

  it('keeps a citizen’s photo sent with the opinion, and refuses the whole opinion for a disguised program', async () => {
    const photo = { filename: 'cong-truong.png', data: PNG_1PX.toString('base64') };
    const stored = await postPublic({ content: 'Ảnh cổng trường bị hỏng', consent: CONSENT, attachments: [photo] });
    expect(stored.status, await stored.clone().text()).toBe(201);
    const { receipt } = (await stored.json()) as { receipt: string };
    const [row] = await database.db
      .select({ contentType: feedbackAttachments.contentType, size: feedbackAttachments.size })
      .from(feedbackAttachments)
      .innerJoin(feedback, eq(feedback.id, feedbackAttachments.feedbackId))
      .where(eq(feedback.receipt, receipt));
    expect(row).toEqual({ contentType: 'image/png', size: PNG_1PX.length });
    const before = await counts();
    const disguised = await postPublic({ content: 'Ảnh khác', consent: CONSENT, attachments: [{ filename: 'anh.jpg', data: EXE_HEAD.toString('base64') }] });
    expect(disguised.status).toBe(422);
    expect(await counts()).toEqual(before);
  });

  describe('hostile input gets a clear error and nothing stored', () => {
    const cases: Array<[string, unknown, string, string]> = [
      ['a 100,000-character opinion', { content: 'a'.repeat(100_000), consent: CONSENT }, 'content', 'too_long'],
      ['a 100,000-character contact', { content: 'Ý kiến', citizen: { contact: '9'.repeat(100_000) }, consent: CONSENT }, 'citizen.contact', 'too_long'],
      ['a __proto__ key', '{"content":"Ý kiến","consent":{"given":true,"version":"1"},"__proto__":{"isAdmin":true}}', '__proto__', 'unknown_field'],
      ['consent missing', { content: 'Ý kiến về học phí' }, 'consent', 'consent_required'],
      ['consent unchecked', { content: 'Ý kiến', consent: { given: false, version: '1' } }, 'consent.given', 'consent_required'],
      ['consent of an unknown version', { content: 'Ý kiến', consent: { given: true, version: '9' } }, 'consent.version', 'consent_version'],
      ['CRLF in the contact', { content: 'Ý kiến', citizen: { contact: '0912\r\nBcc: x@example.com' }, consent: CONSENT }, 'citizen.contact', 'control_characters'],
    ];
    for (const [name, body, field, code] of cases) {
      it(`refuses ${name} (422, ${field})`, async () => {
        const before = await counts();
        const answer = await postPublic(body);
        expect(answer.status).toBe(422);
        const error = ((await answer.json()) as { error: { code: string; message: string; details: Array<{ field: string; code: string }> } }).error;
        expect(error.code).toBe('validation_failed');
        expect(error.message.length).toBeGreaterThan(0);
        expect(error.details).toContainEqual({ field, code });
        expect(await counts()).toEqual(before);
      });
    }

    it('refuses a body over a megabyte with 413 and broken JSON with 400', async () => {
      const before = await counts();
      expect((await postPublic({ content: 'a'.repeat(2 * 1024 * 1024), consent: CONSENT })).status).toBe(413);
      expect((await postPublic('{"content": "Ý kiến",')).status).toBe(400);
      expect(await counts()).toEqual(before);
    });

    it('stores NFD text as NFC, without zero-width or direction-override characters, emoji kept', async () => {
      const nfd = 'Ho\u0323c phi\u0301 ta\u0306ng \u200Bqua\u0301 \u202Enhanh 👩‍👧';
      const answer = await postPublic({ content: nfd, topic: 'ho\u0323c phi\u0301', consent: CONSENT });
      expect(answer.status).toBe(201);
      const { receipt } = (await answer.json()) as { receipt: string };
      const [row] = await database.db
        .select({ body: items.body, topic: feedback.topic })
        .from(feedback)
        .innerJoin(items, eq(items.id, feedback.itemId))
        .where(eq(feedback.receipt, receipt));
      expect(row).toEqual({ body: 'Học phí tăng quá nhanh 👩‍👧', topic: 'học phí' });
    });
  });
});

describe('rate limits by client address', () => {
  beforeAll(() => setOpen(true));

  it('answers 1,000 public submissions a minute from one address with 429 after 20, while another address gets 201', async () => {
    const flood = '203.0.113.66';
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let batch = 0; batch < 10; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) => postPublic({ content: `Ý kiến số ${batch * 100 + i}`, consent: CONSENT }, { address: flood })),
      );
      for (const answer of answers) {
        statuses.push(answer.status);
        if (answer.status === 429) retryAfter ??= answer.headers.get('retry-after');
      }
    }
    expect(statuses.filter((status) => status === 201)).toHaveLength(20);
    expect(statuses.filter((status) => status === 429)).toHaveLength(980);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(600);
    expect((await postPublic({ content: 'Tôi ở địa chỉ khác', consent: CONSENT }, { address: '203.0.113.67' })).status).toBe(201);
    // The form shares the budget: the flooding address gets a 429 page too.
    expect((await postForm({ content: 'x', consent: '1' }, flood)).status).toBe(429);
  });

  it('answers 1,000 MTTQ submissions a minute from one address with 429 after 60, while another address gets 201', async () => {
    const flood = '2001:db8:1:2::66';
    const before = await counts();
    const statuses: number[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          t.request('/api/feedback', { cookie: mttq, remoteAddress: flood, json: { content: `Ý kiến hội nghị số ${batch * 100 + i}`, consent: CONSENT } }),
        ),
      );
      statuses.push(...answers.map((answer) => answer.status));
    }
    expect(statuses.filter((status) => status === 201)).toHaveLength(60);
    expect(statuses.filter((status) => status === 429)).toHaveLength(940);
    expect((await counts()).feedback - before.feedback).toBe(60);
    // The same /64 is the same household or phone; another network gets through.
    const sameNetwork = await t.request('/api/feedback', { cookie: mttq, remoteAddress: '2001:db8:1:2::99', json: { content: 'Ý kiến', consent: CONSENT } });
    expect(sameNetwork.status).toBe(429);
    expect(sameNetwork.headers.get('retry-after')).toMatch(/^\d+$/);
    const elsewhere = await t.request('/api/feedback', { cookie: mttq, remoteAddress: '2001:db8:9::1', json: { content: 'Ý kiến từ nơi khác', consent: CONSENT } });
    expect(elsewhere.status).toBe(201);
  });

  it('limits receipt lookups (guessing codes) per address', async () => {
    const guesser = '203.0.113.80';
    const statuses: number[] = [];
    for (let i = 0; i < 70; i++) statuses.push((await t.request(`/api/public/feedback/PA-2345678${(i % 8) + 2}`, { remoteAddress: guesser })).status);
    expect(statuses.slice(0, 60).every((status) => status === 404)).toBe(true);
    expect(statuses.slice(60).every((status) => status === 429)).toBe(true);
    expect((await t.request('/public/feedback/status?receipt=PA-23456789', { remoteAddress: guesser })).status).toBe(429);
    // Opening the empty lookup page is not a lookup.
    expect((await t.request('/public/feedback/status', { remoteAddress: guesser })).status).toBe(200);
    expect((await t.request('/api/public/feedback/PA-23456789', { remoteAddress: '203.0.113.81' })).status).toBe(404);
  });

  it('ignores X-Forwarded-For from an untrusted socket and honours it from a trusted proxy', async () => {
    const proxied = createTestApp(database, { trustedProxies: ['10.0.0.0/8', 'fd00::1'] });
    try {
      const invalid = { content: '', consent: CONSENT };
      // A client spoofing a new address on every request is still one client.
      const spoofed: number[] = [];
      for (let i = 0; i < 21; i++) {
        spoofed.push((await postPublic(invalid, { app: proxied, address: '192.0.2.10', headers: { 'x-forwarded-for': `192.0.2.${100 + i}` } })).status);
      }
      expect(spoofed.slice(0, 20).every((status) => status === 422)).toBe(true);
      expect(spoofed[20]).toBe(429);

      // Behind the proxy: the right-most untrusted address is the client, whatever it wrote on the left.
      const viaProxy: number[] = [];
      for (let i = 0; i < 21; i++) {
        viaProxy.push((await postPublic(invalid, { app: proxied, address: '10.1.2.3', headers: { 'x-forwarded-for': `1.1.1.${i}, 198.18.0.7, 10.9.9.9` } })).status);
      }
      expect(viaProxy.slice(0, 20).every((status) => status === 422)).toBe(true);
      expect(viaProxy[20]).toBe(429);
      // Another client through the same proxy still gets through.
      const other = await postPublic({ content: 'Ý kiến qua proxy', consent: CONSENT }, { app: proxied, address: '::ffff:10.1.2.3', headers: { 'x-forwarded-for': '198.18.0.8' } });
      expect(other.status).toBe(201);
    } finally {
      await proxied.close();
    }
  });
});

describe('the OpenAPI document', () => {
  it('describes the public routes (no session) and the switch', async () => {
    const document = (await (await t.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>> };
    expect(document.paths['/api/public/feedback']?.post?.security).toEqual([]);
    expect(document.paths['/api/public/feedback/{receipt}']?.get?.security).toEqual([]);
    expect(Object.keys(document.paths['/api/public/feedback']!.post!.responses)).toEqual(expect.arrayContaining(['201', '404', '422', '429']));
    expect(document.paths['/api/settings/public-form']?.put).toBeDefined();
    expect(document.paths['/api/feedback']?.post?.responses['429']).toBeDefined();
  });
});

describe('client address resolution', () => {
  const resolver = createAddressResolver(['10.0.0.0/8', '2001:db8:ffff::/48', '192.0.2.1']);

  it('uses the socket address unless the socket is a trusted proxy', () => {
    expect(resolver.resolve('203.0.113.9', '1.2.3.4')).toBe('203.0.113.9');
    expect(resolver.resolve('::ffff:203.0.113.9', undefined)).toBe('203.0.113.9');
    expect(resolver.resolve(undefined, '1.2.3.4')).toBe('unknown');
    expect(resolver.resolve('10.0.0.5', undefined)).toBe('10.0.0.5');
  });

  it('takes the right-most untrusted X-Forwarded-For entry', () => {
    expect(resolver.resolve('10.0.0.5', '1.2.3.4')).toBe('1.2.3.4');
    expect(resolver.resolve('10.0.0.5', 'evil, 1.2.3.4, 10.3.3.3, 192.0.2.1')).toBe('1.2.3.4');
    expect(resolver.resolve('2001:db8:ffff::1', '[2001:db8:1::5]:443')).toBe('2001:db8:1::5');
    expect(resolver.resolve('10.0.0.5', '10.0.0.6, 10.0.0.7')).toBe('10.0.0.6');
    // Garbage after the last proxy: stop at the last address that could be read.
    expect(resolver.resolve('10.0.0.5', '1.2.3.4, not-an-ip')).toBe('10.0.0.5');
    expect(resolver.resolve('10.0.0.5', '1.2.3.4:5678')).toBe('1.2.3.4');
  });

  it('normalizes addresses and groups IPv6 by /64', () => {
    expect(normalizeAddress('::FFFF:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeAddress('fe80::1%eth0')).toBe('fe80::1');
    expect(normalizeAddress('<script>')).toBeNull();
    expect(rateKeyOf('2001:db8:1:2::66')).toBe(rateKeyOf('2001:db8:1:2:ffff::1'));
    expect(rateKeyOf('2001:db8:1:2::66')).not.toBe(rateKeyOf('2001:db8:1:3::66'));
    expect(rateKeyOf('198.51.100.1')).toBe('198.51.100.1');
  });

  it('refuses a trusted-proxy list that is not IPs or CIDR blocks, at start-up', () => {
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, ::1' }).TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '::1']);
    expect(loadConfig({}).TRUSTED_PROXIES).toEqual([]);
    for (const bad of ['proxy.local', '10.0.0.0/33', '10.0.0.0/8/1', '*']) expect(() => loadConfig({ TRUSTED_PROXIES: bad })).toThrow(ConfigError);
    expect(() => createAddressResolver(['nonsense'])).toThrow(/TRUSTED_PROXIES/);
  });

  it('reads receipt codes however they were typed', () => {
    expect(normalizeReceipt(' pa-7kq2m9xd ')).toBe('PA-7KQ2M9XD');
    expect(normalizeReceipt('7KQ2 M9XD')).toBe('PA-7KQ2M9XD');
    expect(normalizeReceipt('PA-7KQ2M9X0')).toBeNull();
    expect(normalizeReceipt('PA-7KQ2M9XD; drop table')).toBeNull();
  });
});
