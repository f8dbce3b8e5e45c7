// The MTTQ officer sees only the responses published to the citizen (never the ward's internal
// escalations and reports up), while the ward keeps seeing all; and an idempotency key sent again
// with a different opinion is refused instead of silently answering the first one.
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertFeedback, type NewFeedback } from '../../src/db/queries/feedback.ts';
import { feedback, items } from '../../src/db/schema.ts';
import { receiptFromBytes, type FeedbackDetail, type OwnFeedback } from '../../src/domain/feedback.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let database: TestDatabase;
let t: TestApp;
let mttq: string;
let staff: string;
let admin: string;

const CONSENT = { given: true, version: '1' };
const PUBLISHED = 'Phường đã làm việc với nhà trường; khoản thu được công khai.';
const REPORT_UP = 'NỘI BỘ: báo cáo Quận về việc thu tiền điều hòa, chưa công bố.';
const ESCALATION = 'NỘI BỘ: chuyển Phòng Giáo dục xác minh hồ sơ thu chi.';

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  mttq = await t.signIn('mttq', 'hoa-mttq');
  staff = await t.signIn('staff', 'lan-staff');
  admin = await t.signIn('admin', 'an-admin');
});
afterAll(async () => {
  await t?.close();
  await database?.close();
});

async function feedbackCount(): Promise<number> {
  const [row] = await database.db.select({ count: sql<number>`count(*)`.mapWith(Number) }).from(feedback);
  return row!.count;
}

function post(body: unknown, cookie: string, key?: string) {
  return t.request('/api/feedback', {
    method: 'POST',
    cookie,
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
}

/** Submits an opinion as `cookie` and has staff add a published reply, a report up and an escalation. */
async function submittedWithResponses(cookie: string, content: string): Promise<{ id: number; itemId: number }> {
  const response = await post({ content, consent: CONSENT }, cookie);
  expect(response.status).toBe(201);
  const { id } = (await response.json()) as { id: number };
  const [row] = await database.db.select({ itemId: feedback.itemId }).from(feedback).where(eq(feedback.id, id));
  const itemId = Number(row!.itemId);
  const bodies = [
    { kind: 'reply', channel: 'residential_meeting', text: PUBLISHED },
    { kind: 'report_up', channel: 'report_up', text: REPORT_UP },
    { kind: 'escalation', channel: 'report_up', text: ESCALATION, escalatedTo: 'Phòng Giáo dục và Đào tạo', dueAt: '2099-01-01' },
  ];
  for (const json of bodies) {
    const added = await t.request(`/api/items/${itemId}/responses`, { cookie: staff, json });
    expect(added.status, json.kind).toBe(201);
  }
  return { id, itemId };
}

describe("the ward's responses an MTTQ officer sees", () => {
  let own: { id: number; itemId: number };
  let admins: { id: number; itemId: number };

  beforeAll(async () => {
    own = await submittedWithResponses(mttq, 'Phụ huynh phản ánh trường Mầm non Hoa Sen thu tiền điều hòa không rõ ràng');
    admins = await submittedWithResponses(admin, 'Ý kiến do quản trị viên chuyển: sân trường bị ngập sau mưa');
  });

  it('lists their own submissions with the published reply only', async () => {
    const mine = (await (await t.request('/api/feedback/mine', { cookie: mttq })).json()) as { feedback: OwnFeedback[] };
    const entry = mine.feedback.find((row) => row.id === own.id);
    expect(entry!.responses).toEqual([expect.objectContaining({ kind: 'reply', channel: 'residential_meeting', text: PUBLISHED })]);
    const text = JSON.stringify(mine);
    expect(text).not.toContain('NỘI BỘ');
    expect(text).not.toContain('report_up');
  });

  it('shows the submission (JSON and page) with the published reply only', async () => {
    const detail = (await (await t.request(`/api/feedback/${own.id}`, { cookie: mttq })).json()) as FeedbackDetail;
    expect(detail.responses.map((response) => response.text)).toEqual([PUBLISHED]);
    expect(JSON.stringify(detail)).not.toContain('NỘI BỘ');
    const page = await t.request(`/feedback/${own.id}`, { cookie: mttq });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(PUBLISHED);
    expect(html).not.toContain('NỘI BỘ');
    const list = await (await t.request('/feedback', { cookie: mttq })).text();
    expect(list).not.toContain('NỘI BỘ');
  });

  it('keeps showing every response to the ward: admin and staff on the submission, admin on their own list', async () => {
    for (const cookie of [admin, staff]) {
      const detail = (await (await t.request(`/api/feedback/${own.id}`, { cookie })).json()) as FeedbackDetail;
      expect(detail.responses.map((response) => response.text)).toEqual([PUBLISHED, REPORT_UP, ESCALATION]);
      const html = await (await t.request(`/feedback/${own.id}`, { cookie })).text();
      expect(html).toContain(REPORT_UP);
      expect(html).toContain(ESCALATION);
    }
    const mine = (await (await t.request('/api/feedback/mine', { cookie: admin })).json()) as { feedback: OwnFeedback[] };
    const entry = mine.feedback.find((row) => row.id === admins.id);
    expect(entry!.responses.map((response) => response.kind)).toEqual(['reply', 'report_up', 'escalation']);
    const list = await (await t.request('/feedback', { cookie: admin })).text();
    expect(list).toContain(`href="/feedback/${admins.id}"`);
  });
});

describe('POST /api/feedback: a key sent again', () => {
  const body = { content: 'Đề nghị trường bố trí thêm bảo vệ giờ tan học', topic: 'An ninh trường học', channel: 'phone', receivedAt: '2026-11-01', consent: CONSENT };

  it('answers the first submission for the same opinion, also when only its normalisation differs', async () => {
    const first = await post(body, mttq, 'retry-same');
    expect(first.status).toBe(201);
    const stored = (await first.json()) as { receipt: string; id: number };
    const before = await feedbackCount();
    const same = await post(body, mttq, 'retry-same');
    expect(same.status).toBe(200);
    expect(await same.json()).toEqual(stored);
    // NFD and an invisible character are stored as NFC without it: the same opinion.
    const normalised = await post({ ...body, content: `\u200B${body.content.normalize('NFD')}` }, mttq, 'retry-same');
    expect(normalised.status).toBe(200);
    expect(await normalised.json()).toEqual(stored);
    expect(await feedbackCount()).toBe(before);
  });

  it('refuses a different opinion with 409 idempotency_key_reused, storing nothing and answering no receipt', async () => {
    const first = await post(body, mttq, 'retry-different');
    expect(first.status).toBe(201);
    const { receipt } = (await first.json()) as { receipt: string };
    const before = await feedbackCount();
    const variants = [
      { ...body, content: 'Ý kiến khác hẳn: đề nghị sửa mái che nhà xe' },
      { ...body, topic: 'Chủ đề khác' },
      { ...body, channel: 'in_person' },
      { ...body, receivedAt: '2026-11-02' },
      { ...body, content: '' },
    ];
    for (const variant of variants) {
      const response = await post(variant, mttq, 'retry-different');
      expect(response.status, JSON.stringify(variant)).toBe(409);
      const answer = (await response.json()) as { error: { code: string; message: string; details: Array<{ field: string; code: string }> } };
      expect(answer.error.code).toBe('idempotency_key_reused');
      expect(answer.error.details).toEqual([{ field: 'Idempotency-Key', code: 'idempotency_key_reused' }]);
      expect(answer.error.message).not.toBe('');
      expect(JSON.stringify(answer)).not.toContain(receipt);
    }
    expect(await feedbackCount()).toBe(before);
    const stored = await database.db.select({ body: items.body }).from(items).where(sql`${items.body} like 'Ý kiến khác hẳn%'`);
    expect(stored).toEqual([]);
    // A new key stores it.
    expect((await post(variants[0], mttq, 'retry-different-2')).status).toBe(201);
  });

  it('tells a different opinion apart even when the key is found only inside the storing transaction', async () => {
    const input = (content: string): NewFeedback => {
      const receipt = receiptFromBytes(randomBytes(8));
      return {
        submission: { content, topic: null, residentialGroup: null, school: null, channel: null, receivedAt: null, citizenName: null, citizenContact: null, consentVersion: '1' },
        item: { sourceName: 'Ý kiến qua MTTQ', keyHash: `race-${receipt}`, title: content, searchText: content, contentHash: `race-${receipt}`, labels: [], classification: null, priority: 0 },
        receipt,
        idempotencyKey: 'race-key',
        userId: null,
        isPublic: true,
        now: new Date(),
      };
    };
    const first = await insertFeedback(database.db, input('Ý kiến thứ nhất'));
    expect(first).toMatchObject({ created: true, keyReused: false });
    expect(await insertFeedback(database.db, input('Ý kiến thứ nhất'))).toEqual({ ...first, created: false });
    expect(await insertFeedback(database.db, input('Ý kiến thứ hai'))).toMatchObject({ id: first.id, created: false, keyReused: true });
  });
});

describe('the form page: a key sent again', () => {
  function postForm(fields: Record<string, string>) {
    return t.request('/feedback/new', { method: 'POST', cookie: mttq, body: new URLSearchParams(fields) });
  }

  it('is never cached, so Back after sending fetches a fresh key', async () => {
    const response = await t.request('/feedback/new', { cookie: mttq });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('shows a different opinion again with a message and a fresh key, storing nothing; the same one still redirects', async () => {
    const fields = { content: 'Đường vào trường tối, đề nghị lắp đèn', channel: 'in_person', receivedAt: '2026-11-01', consent: '1', idempotencyKey: 'form-reuse' };
    const first = await postForm(fields);
    expect(first.status).toBe(303);
    const before = await feedbackCount();

    const different = await postForm({ ...fields, content: 'Ý kiến mới: cổng trường hỏng khóa <b>gấp</b>' });
    expect(different.status).toBe(409);
    expect(different.headers.get('location')).toBeNull();
    expect(different.headers.get('cache-control')).toBe('no-store');
    const html = await different.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('Chưa lưu ý kiến này: biểu mẫu này đã được dùng để gửi một ý kiến khác');
    expect(html).toContain('Ý kiến mới: cổng trường hỏng khóa &lt;b&gt;gấp&lt;/b&gt;</textarea>');
    expect(html).not.toContain('Đã tiếp nhận ý kiến');
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(html)?.[1];
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    expect(key).not.toBe('form-reuse');
    expect(await feedbackCount()).toBe(before);

    const same = await postForm(fields);
    expect(same.status).toBe(303);
    expect(same.headers.get('location')).toBe(first.headers.get('location'));

    // Sent again with the fresh key, the new opinion is stored.
    const resent = await postForm({ ...fields, content: 'Ý kiến mới: cổng trường hỏng khóa <b>gấp</b>', idempotencyKey: key! });
    expect(resent.status).toBe(303);
    expect(resent.headers.get('location')).not.toBe(first.headers.get('location'));
    expect(await feedbackCount()).toBe(before + 1);
  });
});
