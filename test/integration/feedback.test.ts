// The MTTQ form: bad input refused with nothing stored, NFC, idempotent retries, the officer's own
// view with the ward's responses, and contacts kept apart from everyone who does not need them.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { putSetting } from '../../src/db/queries/settings.ts';
import { feedback, feedbackContacts, items } from '../../src/db/schema.ts';
import type { OwnFeedback } from '../../src/domain/feedback.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let database: TestDatabase;
let t: TestApp;
let mttq: string;
let otherMttq: string;
let staff: string;
let leader: string;
let admin: string;

const CONSENT = { given: true, version: '1' };
const CITIZEN = { name: 'Nguyễn Thị Bích', contact: '0912 345 678' };

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  mttq = await t.signIn('mttq', 'hoa-mttq');
  otherMttq = await t.signIn('mttq', 'tuan-mttq');
  staff = await t.signIn('staff', 'lan-staff');
  leader = await t.signIn('leader', 'minh-leader');
  admin = await t.signIn('admin', 'an-admin');
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

function post(body: unknown, cookie = mttq, key?: string) {
  return t.request('/api/feedback', {
    method: 'POST',
    cookie,
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('POST /api/feedback: bad input', () => {
  let before: Awaited<ReturnType<typeof counts>>;
  beforeEach(async () => {
    before = await counts();
  });

  const cases: Array<[string, unknown, string]> = [
    ['a 100,000-character opinion', { content: 'a'.repeat(100_000), consent: CONSENT }, 'content'],
    ['a 10,001-character opinion', { content: 'ă'.repeat(10_001), consent: CONSENT }, 'content'],
    ['an empty opinion', { content: '   ', consent: CONSENT }, 'content'],
    ['only invisible characters', { content: '\u200B\u202E\uFEFF', consent: CONSENT }, 'content'],
    ['no opinion', { consent: CONSENT }, 'content'],
    ['a 100,000-character name', { content: 'Ý kiến', citizen: { name: 'x'.repeat(100_000) }, consent: CONSENT }, 'citizen.name'],
    ['a 100,000-character topic', { content: 'Ý kiến', topic: 'x'.repeat(100_000), consent: CONSENT }, 'topic'],
    ['consent missing', { content: 'Ý kiến về học phí' }, 'consent'],
    ['consent unchecked', { content: 'Ý kiến về học phí', consent: { given: false, version: '1' } }, 'consent.given'],
    ['consent of an unknown version', { content: 'Ý kiến về học phí', consent: { given: true, version: '2' } }, 'consent.version'],
    ['consent as a string', { content: 'Ý kiến về học phí', consent: 'yes' }, 'consent'],
    ['CRLF in the contact', { content: 'Ý kiến', citizen: { contact: '0912\r\nBcc: x@example.com' }, consent: CONSENT }, 'citizen.contact'],
    ['CRLF in the name', { content: 'Ý kiến', citizen: { name: 'Lan\r\nAdmin' }, consent: CONSENT }, 'citizen.name'],
    ['a NUL in the opinion', { content: 'Ý kiến\u0000', consent: CONSENT }, 'content'],
    ['an unknown channel', { content: 'Ý kiến', channel: 'email', consent: CONSENT }, 'channel'],
    ['a date that is not one', { content: 'Ý kiến', receivedAt: '31/02/2026', consent: CONSENT }, 'receivedAt'],
    ['an unknown field', { content: 'Ý kiến', consent: CONSENT, isAdmin: true }, 'isAdmin'],
  ];
  for (const [name, body, field] of cases) {
    it(`refuses ${name} with 422 naming ${field}, storing nothing`, async () => {
      const response = await post(body);
      expect(response.status).toBe(422);
      const answer = (await response.json()) as { error: { code: string; details: Array<{ field: string; code: string }> } };
      expect(answer.error.code).toBe('validation_failed');
      expect(answer.error.details.map((detail) => detail.field)).toContain(field);
      // The answer never echoes personal data back.
      expect(JSON.stringify(answer)).not.toContain('Bcc');
      expect(await counts()).toEqual(before);
    });
  }

  it('says why a date received is refused: not a date, after today, or before 2000', async () => {
    const tomorrowButOne = new Date(Date.now() + 3 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    for (const [receivedAt, code] of [
      ['31/02/2026', 'invalid_date'],
      [tomorrowButOne, 'date_in_future'],
      ['1926-11-20', 'date_too_old'],
    ] as const) {
      const response = await post({ content: 'Ý kiến về học phí', receivedAt, consent: CONSENT });
      expect(response.status).toBe(422);
      const answer = (await response.json()) as { error: { details: Array<{ field: string; code: string }> } };
      expect(answer.error.details).toContainEqual(expect.objectContaining({ field: 'receivedAt', code }));
    }
    const page = await t.request('/feedback/new', {
      method: 'POST',
      cookie: mttq,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ content: 'Ý kiến về học phí', receivedAt: '1926-11-20', consent: 'on' }).toString(),
    });
    expect(page.status).toBe(422);
    expect(await page.text()).toContain('Ngày tiếp nhận trước năm 2000');
    expect(await counts()).toEqual(before);
  });

  it('treats a `__proto__` key as an unknown field, polluting nothing', async () => {
    const response = await post('{"content":"Ý kiến","consent":{"given":true,"version":"1"},"__proto__":{"isAdmin":true}}');
    expect(response.status).toBe(422);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    const nested = await post('{"content":"Ý kiến","consent":{"given":true,"version":"1","__proto__":{"given":true}}}');
    expect(nested.status).toBe(422);
    expect(await counts()).toEqual(before);
  });

  it('answers 400 to a body that is not JSON', async () => {
    expect((await post('{"content": ')).status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('refuses a malformed Idempotency-Key', async () => {
    for (const key of ['has spaces', 'k'.repeat(201)]) {
      const response = await post({ content: 'Ý kiến', consent: CONSENT }, mttq, key);
      expect(response.status).toBe(422);
    }
    expect(await counts()).toEqual(before);
  });
});

describe('POST /api/feedback: storing', () => {
  it('stores the opinion NFC, without invisible characters, emoji kept, with the contact apart', async () => {
    const nfd = 'Học phí trường Tiểu học Kim Liên tăng quá cao 😟'.normalize('NFD');
    const response = await post({
      content: `\u200B${nfd}\u202E`,
      topic: 'Học phí'.normalize('NFD'),
      residentialGroup: 'Tổ 5',
      school: 'Tiểu học Kim Liên',
      channel: 'meeting',
      receivedAt: '2026-11-20',
      citizen: CITIZEN,
      consent: CONSENT,
    });
    expect(response.status).toBe(201);
    const { receipt, id } = (await response.json()) as { receipt: string; id: number };
    expect(receipt).toMatch(/^PA-[2-9A-HJKMNP-Z]{8}$/);
    const [row] = await database.db.select().from(feedback).where(eq(feedback.id, id));
    expect(row).toMatchObject({ receipt, topic: 'Học phí'.normalize('NFC'), channel: 'meeting', consentVersion: '1' });
    expect(row!.receivedAt?.toISOString()).toBe('2026-11-19T17:00:00.000Z');
    const [item] = await database.db.select().from(items).where(eq(items.id, row!.itemId));
    expect(item!.body).toBe('Học phí trường Tiểu học Kim Liên tăng quá cao 😟'.normalize('NFC'));
    expect(item!.body.normalize('NFC')).toBe(item!.body);
    expect(item!.classification).not.toBeNull();
    // The contact is in its own table and nowhere in the item.
    const [contact] = await database.db.select().from(feedbackContacts).where(eq(feedbackContacts.feedbackId, id));
    expect(contact).toMatchObject(CITIZEN);
    expect(JSON.stringify(item)).not.toContain('Bích');
    expect(JSON.stringify(item)).not.toContain('0912');
  });

  it('makes one row and the same receipt for a double submit with one key', async () => {
    const before = await counts();
    const body = { content: 'Sân trường Trung học cơ sở Lê Lợi bị ngập sau mưa', consent: CONSENT };
    const first = await post(body, mttq, 'double-submit-1');
    const second = await post(body, mttq, 'double-submit-1');
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    const a = (await first.json()) as { receipt: string; id: number };
    const b = (await second.json()) as { receipt: string; id: number };
    expect(b).toEqual(a);
    const after = await counts();
    expect(after.feedback - before.feedback).toBe(1);
    expect(after.items - before.items).toBe(1);
  });

  it('makes one row for concurrent submits with one key', async () => {
    const before = await counts();
    const body = { content: 'Đề nghị trường bố trí thêm bảo vệ giờ tan học', consent: CONSENT };
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(body, mttq, 'concurrent-1')));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 201]);
    const receipts = new Set(await Promise.all(answers.map(async (answer) => ((await answer.json()) as { receipt: string }).receipt)));
    expect(receipts.size).toBe(1);
    expect((await counts()).feedback - before.feedback).toBe(1);
  });

  it('keeps one key per submitter: another officer with the same key gets a new receipt', async () => {
    const body = { content: 'Ý kiến về bữa ăn bán trú', consent: CONSENT };
    const mine = (await (await post(body, mttq, 'shared-key')).json()) as { receipt: string };
    const response = await post(body, otherMttq, 'shared-key');
    expect(response.status).toBe(201);
    expect(((await response.json()) as { receipt: string }).receipt).not.toBe(mine.receipt);
  });

  it('refuses leaders and staff, and signed-out clients', async () => {
    expect((await post({ content: 'x', consent: CONSENT }, leader)).status).toBe(403);
    expect((await post({ content: 'x', consent: CONSENT }, staff)).status).toBe(403);
    expect((await t.request('/api/feedback', { json: { content: 'x', consent: CONSENT } })).status).toBe(401);
  });
});

describe('the ward and the officer', () => {
  let id: number;
  let itemId: number;
  let receipt: string;

  beforeAll(async () => {
    const response = await post({
      content: 'Phụ huynh phản ánh trường Mầm non Hoa Sen thu tiền điều hòa không rõ ràng',
      school: 'Mầm non Hoa Sen',
      channel: 'phone',
      citizen: { name: 'Trần Văn Dũng', contact: 'dung@example.vn' },
      consent: CONSENT,
    });
    expect(response.status).toBe(201);
    ({ id, receipt } = (await response.json()) as { id: number; receipt: string });
    const [row] = await database.db.select({ itemId: feedback.itemId }).from(feedback).where(eq(feedback.id, id));
    itemId = row!.itemId;
  });

  it('puts the opinion in the staff queue as a classified comment from the MTTQ source', async () => {
    const listed = (await (await t.request('/api/items?status=all&limit=200', { cookie: staff })).json()) as {
      items: Array<{ id: number; sourceName: string; classification: unknown; labels: string[]; status: string }>;
    };
    const item = listed.items.find((entry) => entry.id === itemId);
    expect(item).toMatchObject({ sourceName: 'Ý kiến qua MTTQ', status: 'new' });
    expect(item!.classification).not.toBeNull();
    expect(Array.isArray(item!.labels)).toBe(true);
  });

  it('never shows the contact to a leader, nor to staff through the item', async () => {
    for (const cookie of [leader, staff]) {
      const one = await (await t.request(`/api/items/${itemId}`, { cookie })).text();
      const list = await (await t.request('/api/items?status=all&limit=200', { cookie })).text();
      for (const text of [one, list]) {
        expect(text).not.toContain('Trần Văn Dũng');
        expect(text).not.toContain('dung@example.vn');
      }
    }
    expect((await t.request('/api/feedback/mine', { cookie: leader })).status).toBe(403);
    expect((await t.request(`/feedback/${id}`, { cookie: leader })).status).toBe(403);
  });

  it("shows the officer their own submissions only, with status and the ward's response", async () => {
    const responded = await t.request(`/api/items/${itemId}/responses`, {
      cookie: staff,
      json: { kind: 'reply', channel: 'residential_meeting', text: 'Phường đã làm việc với nhà trường; khoản thu được công khai.' },
    });
    expect(responded.status).toBe(201);
    const mine = (await (await t.request('/api/feedback/mine', { cookie: mttq })).json()) as {
      feedback: OwnFeedback[];
      monthly: Array<{ month: string; count: number }>;
    };
    const entry = mine.feedback.find((row) => row.id === id);
    expect(entry).toMatchObject({ receipt, itemId, school: 'Mầm non Hoa Sen', channel: 'phone', status: 'responded' });
    expect(entry!.responses).toEqual([
      expect.objectContaining({ kind: 'reply', channel: 'residential_meeting', text: 'Phường đã làm việc với nhà trường; khoản thu được công khai.' }),
    ]);
    const text = JSON.stringify(mine);
    expect(text).not.toContain('Trần Văn Dũng');
    expect(text).not.toContain('dung@example.vn');
    expect(text).not.toContain('Bích');
    const total = mine.monthly.reduce((sum, row) => sum + row.count, 0);
    expect(total).toBe(mine.feedback.length);
    expect(mine.monthly[0]!.month).toMatch(/^\d{4}-\d{2}$/);

    const others = (await (await t.request('/api/feedback/mine', { cookie: otherMttq })).json()) as { feedback: OwnFeedback[] };
    expect(others.feedback.map((row) => row.id)).not.toContain(id);
    expect(others.feedback.length).toBe(1);
  });

  it('shows the pages: list with the monthly count, the submission with the response, 404 for another officer', async () => {
    const list = await t.request('/feedback', { cookie: mttq });
    expect(list.status).toBe(200);
    const listHtml = await list.text();
    expect(listHtml).toContain(receipt);
    expect(listHtml).toContain('Số ý kiến theo tháng');
    expect(listHtml).toContain('href="/feedback"');
    expect(listHtml).not.toContain('href="/items"');
    const detail = await t.request(`/feedback/${id}`, { cookie: mttq });
    expect(detail.status).toBe(200);
    const detailHtml = await detail.text();
    expect(detailHtml).toContain('Phường đã làm việc với nhà trường');
    expect(detailHtml).toContain('Trả lời');
    expect(detailHtml).not.toContain('Trần Văn Dũng');
    expect((await t.request(`/feedback/${id}`, { cookie: otherMttq })).status).toBe(404);
    expect((await t.request('/api/feedback/mine', { cookie: admin })).status).toBe(200);
  });
});

describe('the form page', () => {
  function postForm(fields: Record<string, string>, cookie = mttq) {
    return t.request('/feedback/new', { method: 'POST', cookie, body: new URLSearchParams(fields) });
  }

  it('offers the residential groups from the gazetteer as a select, and the consent text with its version', async () => {
    await putSetting(database.db, 'gazetteer', { wardNames: ['Phường Kim Liên'], schools: ['Tiểu học Kim Liên'], residentialGroups: ['Tổ 1', 'Tổ 2'] });
    const html = await (await t.request('/feedback/new', { cookie: mttq })).text();
    expect(html).toContain('<select id="feedback-residentialGroup" name="residentialGroup"');
    expect(html).toContain('<option value="Tổ 2">Tổ 2</option>');
    expect(html).toContain('<label for="feedback-content">Nội dung ý kiến</label>');
    expect(html).toContain('Luật Bảo vệ dữ liệu cá nhân');
    expect(html).toContain('name="consent" value="1"');
    expect(html).toMatch(/name="idempotencyKey" value="[0-9a-f-]{36}"/);
    await putSetting(database.db, 'gazetteer', { wardNames: [], schools: [], residentialGroups: [] });
    const free = await (await t.request('/feedback/new', { cookie: mttq })).text();
    expect(free).toContain('<input id="feedback-residentialGroup" name="residentialGroup" type="text"');
  });

  it('shows errors beside their fields and keeps what was typed, storing nothing', async () => {
    const before = await counts();
    const response = await postForm({ content: 'Ý kiến <b>đậm</b>', citizenName: 'Lan', citizenContact: '', idempotencyKey: 'form-1' });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('id="feedback-consent-error"');
    expect(html).toContain('Cần có sự đồng ý của người nêu ý kiến.');
    expect(html).toContain('Ý kiến &lt;b&gt;đậm&lt;/b&gt;</textarea>');
    expect(html).toContain('value="Lan"');
    expect(html).toContain('role="alert"');
    expect(await counts()).toEqual(before);
  });

  it('stores a submission once even when the form is sent twice, and redirects to it', async () => {
    const before = await counts();
    const fields = { content: 'Đường vào trường tối, đề nghị lắp đèn', channel: 'in_person', receivedAt: '2026-11-01', consent: '1', idempotencyKey: 'form-2' };
    const first = await postForm(fields);
    const second = await postForm(fields);
    expect(first.status).toBe(303);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect((await counts()).feedback - before.feedback).toBe(1);
    const page = await t.request(first.headers.get('location')!, { cookie: mttq });
    const html = await page.text();
    expect(html).toContain('Đã tiếp nhận ý kiến. Mã tiếp nhận: PA-');
    expect(html).toContain('Trực tiếp');
  });
});

describe('a failure while storing', () => {
  it('stores nothing half-way and logs no personal data', async () => {
    // The contact table refuses one value: the item and feedback rows written before it must go too.
    await database.db.execute(sql`alter table feedback_contacts add constraint refuse_one check (contact <> '0999 000 111') not valid`);
    const logged: unknown[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    try {
      const before = await counts();
      const response = await post({ content: 'Ý kiến sẽ không được lưu', citizen: { name: 'Lê Thị Riêng', contact: '0999 000 111' }, consent: CONSENT });
      expect(response.status).toBe(500);
      expect(await response.text()).not.toContain('0999');
      expect(await counts()).toEqual(before);
      const text = logged.map((entry) => String(entry) + JSON.stringify(entry, (_key, value) => (value instanceof Error ? `${value.message} ${String(value.cause)}` : value))).join('\n');
      expect(text).not.toContain('0999 000 111');
      expect(text).not.toContain('Lê Thị Riêng');
    } finally {
      spy.mockRestore();
      await database.db.execute(sql`alter table feedback_contacts drop constraint refuse_one`);
    }
  });
});
