// QA fixes on the queue, the item page, responses, saved views, retention and the weekly report:
// refused times, typed input kept after a refusal, no bare 400 pages, the report's language, search spacing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertNewItems } from '../../src/db/queries/items.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import type { Item } from '../../src/domain/item.ts';
import type { ItemResponse } from '../../src/domain/response.ts';
import { foldText } from '../../src/text/fold-text.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let database: TestDatabase;
let t: TestApp;
let staff: string;
let admin: string;
let itemIds: number[] = [];

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const DAY_MS = 24 * 60 * 60 * 1000;
/** When the test items were collected: two days ago. */
const collectedAt = new Date(Date.now() - 2 * DAY_MS);

/** Returns a time as a datetime-local value in Vietnam (yyyy-mm-ddThh:mm). */
function localInput(at: Date): string {
  return new Date(at.getTime() + 7 * 60 * 60 * 1000).toISOString().slice(0, 16);
}

function post(path: string, cookie: string, fields: Record<string, string>) {
  return t.request(path, { method: 'POST', cookie, headers: FORM, body: new URLSearchParams(fields).toString() });
}

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  staff = await t.signIn('staff', 'lan-staff');
  admin = await t.signIn('admin', 'an-admin');
  const source = await insertSource(database.db, { kind: 'rss', name: 'Báo phường', url: 'http://127.0.0.1/feed' });
  await insertNewItems(
    database.db,
    ['Tin đồn trường thu thêm học phí', 'Họp phụ huynh đầu năm', 'Lịch thi học kỳ'].map((title, index) => ({
      sourceId: source.id,
      keyHash: `qa-key-${index}`,
      url: null,
      title,
      body: `Nội dung ${index}`,
      author: null,
      publishedAt: collectedAt,
      collectedAt,
      searchText: foldText(title),
      contentHash: `qa-hash-${index}`,
      labels: [],
      classification: { labels: [], scores: {}, spans: [], version: 'test' },
      priority: 0,
    })),
  );
  // One item in the last complete week, so its report has figures and a narrative.
  await insertNewItems(database.db, [
    {
      sourceId: source.id,
      keyHash: 'qa-key-last-week',
      url: null,
      title: 'Phụ huynh phản ánh thu sai học phí',
      body: 'Nội dung tuần trước',
      author: null,
      publishedAt: new Date(Date.now() - 7 * DAY_MS),
      collectedAt: new Date(Date.now() - 7 * DAY_MS),
      searchText: foldText('Phụ huynh phản ánh thu sai học phí'),
      contentHash: 'qa-hash-last-week',
      labels: ['negative'],
      classification: { labels: ['negative'], scores: {}, spans: [], version: 'test' },
      priority: 0,
    },
  ]);
  const listed = (await (await t.request('/api/items?status=all&order=newest', { cookie: staff })).json()) as { items: Item[] };
  itemIds = listed.items.map((item) => item.id).sort((a, b) => a - b);
});
afterAll(async () => {
  await t?.close();
  await database?.close();
});

const detailsOf = async (response: Response) => ((await response.json()) as { error: { code: string; details: Array<{ path: string[]; code?: string }> } }).error;

async function responsesOf(id: number): Promise<ItemResponse[]> {
  return ((await (await t.request(`/api/items/${id}/responses`, { cookie: staff })).json()) as { responses: ItemResponse[] }).responses;
}

describe('response and answer times', () => {
  const body = { kind: 'reply', channel: 'ward_portal', text: 'Phường đã trả lời' };

  it('refuses a JSON response dated in the future or before the item was collected, with 422', async () => {
    const id = itemIds[0]!;
    const future = await t.request(`/api/items/${id}/responses`, { cookie: staff, json: { ...body, respondedAt: '2099-01-01T08:00:00+07:00' } });
    expect(future.status).toBe(422);
    expect((await detailsOf(future)).details[0]).toMatchObject({ path: ['respondedAt'], code: 'time_future' });
    const before = new Date(collectedAt.getTime() - DAY_MS).toISOString();
    const early = await t.request(`/api/items/${id}/responses`, { cookie: staff, json: { ...body, respondedAt: before } });
    expect(early.status).toBe(422);
    expect((await detailsOf(early)).details[0]).toMatchObject({ path: ['respondedAt'], code: 'time_before_collected' });
    expect((await t.request(`/api/items/${id}/responses`, { cookie: staff, json: { ...body, respondedAt: 'garbage' } })).status).toBe(422);
    expect(await responsesOf(id)).toHaveLength(0);
    const fine = await t.request(`/api/items/${id}/responses`, { cookie: staff, json: { ...body, respondedAt: new Date().toISOString() } });
    expect(fine.status).toBe(201);
  });

  it('re-shows the response form with a field error and everything typed when its time is garbage, in the future or too early', async () => {
    const id = itemIds[1]!;
    const typed = {
      kind: 'correction',
      channel: 'loudspeaker',
      text: 'Loa phường đính chính: không thu thêm học phí',
      link: 'https://phuong.example/dinh-chinh',
      escalatedTo: '',
      dueAt: '',
    };
    for (const [respondedAt, message] of [
      ['garbage', 'Thời gian không hợp lệ'],
      ['2099-01-01T08:00', 'không được ở tương lai'],
      [localInput(new Date(collectedAt.getTime() - DAY_MS)), 'trước lúc tin được thu thập'],
    ] as const) {
      const page = await post(`/items/${id}/responses`, staff, { ...typed, respondedAt });
      expect(page.status).toBe(422);
      const html = await page.text();
      expect(html).toContain(message);
      expect(html).toContain('Loa phường đính chính: không thu thêm học phí');
      expect(html).toContain('value="https://phuong.example/dinh-chinh"');
      expect(html).toContain(`value="${respondedAt}"`);
      expect(html).toMatch(/<option value="correction" selected/);
      expect(html).toMatch(/<option value="loudspeaker" selected/);
      expect(html).toMatch(/name="respondedAt"[^>]*aria-invalid="true"/);
    }
    expect(await responsesOf(id)).toHaveLength(0);
    const saved = await post(`/items/${id}/responses`, staff, { ...typed, respondedAt: localInput(new Date()) });
    expect(saved.status).toBe(303);
    expect(await responsesOf(id)).toHaveLength(1);
  });

  it('refuses an answer dated before the item was collected, keeping the answer typed', async () => {
    const id = itemIds[2]!;
    const created = await t.request(`/api/items/${id}/responses`, {
      cookie: staff,
      json: { kind: 'escalation', channel: 'report_up', text: 'Chuyển Phòng GD&ĐT', escalatedTo: 'Phòng GD&ĐT', dueAt: '2099-01-01' },
    });
    const escalation = (await created.json()) as ItemResponse;
    const early = localInput(new Date(collectedAt.getTime() - DAY_MS));
    const json = await t.request(`/api/items/${id}/responses/${escalation.id}/answer`, {
      cookie: staff,
      json: { answer: 'Đã xác minh', answeredAt: new Date(collectedAt.getTime() - DAY_MS).toISOString() },
    });
    expect(json.status).toBe(422);
    const page = await post(`/items/${id}/responses/${escalation.id}/answer`, staff, { answer: 'Phòng đã xác minh, tin sai', answeredAt: early });
    expect(page.status).toBe(422);
    const html = await page.text();
    expect(html).toContain('Phòng đã xác minh, tin sai');
    expect(html).toContain(`value="${early}"`);
    expect(html).toContain('trước lúc tin được thu thập');
    expect((await responsesOf(id))[0]!.answeredAt).toBeNull();
  });
});

describe('notes', () => {
  it('refuses a note of invisible characters only, and measures a note after composing it', async () => {
    const id = itemIds[0]!;
    const invisible = await t.request(`/api/items/${id}`, { method: 'PATCH', cookie: staff, json: { note: '\u200B\u200B' } });
    expect(invisible.status).toBeGreaterThanOrEqual(400);
    expect(invisible.status).toBeLessThan(500);
    const bulkInvisible = await t.request('/api/items/bulk', { cookie: staff, json: { ids: [id], note: '\u2060\uFEFF' } });
    expect(bulkInvisible.status).toBeGreaterThanOrEqual(400);
    expect(bulkInvisible.status).toBeLessThan(500);
    // 800 letters typed in NFD are 2,400 code points, but 800 letters: within the 2,000 allowed.
    const nfd = 'ệ'.repeat(800).normalize('NFD');
    expect(nfd.length).toBe(2400);
    const composed = await t.request(`/api/items/${id}`, { method: 'PATCH', cookie: staff, json: { note: nfd } });
    expect(composed.status).toBe(200);
    const events = ((await (await t.request(`/api/items/${id}/events`, { cookie: staff })).json()) as { events: Array<{ field: string; note: string | null }> }).events;
    expect(events.filter((event) => event.field === 'note').map((event) => event.note)).toEqual(['ệ'.repeat(800)]);
  });
});

describe('typed input kept after a refusal', () => {
  it('keeps kind, channel, text and agency when the link is not http(s)', async () => {
    const id = itemIds[0]!;
    const page = await post(`/items/${id}/responses`, staff, {
      kind: 'escalation',
      channel: 'school',
      text: 'Đề nghị nhà trường trả lời',
      link: 'javascript:alert(1)',
      escalatedTo: 'Trường THCS Lê Lợi',
      dueAt: '2099-02-01',
      respondedAt: '',
    });
    expect(page.status).toBe(422);
    const html = await page.text();
    expect(html).toMatch(/<option value="escalation" selected/);
    expect(html).toMatch(/<option value="school" selected/);
    expect(html).toContain('Đề nghị nhà trường trả lời');
    expect(html).toContain('value="Trường THCS Lê Lợi"');
    expect(html).toContain('value="2099-02-01"');
    expect(html).toContain('Liên kết phải là địa chỉ http:// hoặc https://.');
    expect(html).toMatch(/name="link"[^>]*aria-invalid="true"/);
  });

  it('keeps the decision note after an edit conflict, showing the latest version', async () => {
    const id = itemIds[1]!;
    const item = (await (await t.request(`/api/items/${id}`, { cookie: staff })).json()) as Item;
    await t.request(`/api/items/${id}`, { method: 'PATCH', cookie: admin, json: { verdict: 'false', version: item.version } });
    const page = await post(`/items/${id}/decision`, staff, { verdict: 'verified', assigneeId: '', note: 'Đã gọi hiệu trưởng xác minh', version: String(item.version) });
    expect(page.status).toBe(409);
    const html = await page.text();
    expect(html).toContain('vừa được người khác thay đổi');
    expect(html).toMatch(/<textarea name="note"[^>]*>Đã gọi hiệu trưởng xác minh<\/textarea>/);
    expect(html).toContain(`name="version" value="${item.version + 1}"`);
  });

  it('keeps the retention days typed when they are refused', async () => {
    const page = await post('/settings/retention', admin, { days: '99999' });
    expect(page.status).toBe(422);
    const html = await page.text();
    expect(html).toMatch(/name="days"[^>]*value="99999"/);
    expect(html).toMatch(/name="days"[^>]*aria-invalid="true"/);
    expect(html).not.toMatch(/name="days"[^>]*value="365"/);
  });

  it('keeps a saved view name that is already taken, with the error', async () => {
    const first = await post('/views', staff, { name: 'Tin học phí', query: '?q=hoc+phi' });
    expect(first.status).toBe(303);
    const again = await post('/views', staff, { name: 'Tin học phí', query: '?q=hoc+phi' });
    const location = again.headers.get('location')!;
    expect(location).toContain('viewFlash=name_taken');
    const html = await (await t.request(location, { cookie: staff })).text();
    expect(html).toContain('Bạn đã có bộ lọc mang tên này');
    expect(html).toMatch(/id="view-name"[^>]*value="Tin học phí"/);
    expect(html).toMatch(/id="view-name"[^>]*aria-invalid="true"/);
  });
});

describe('no bare error pages on the queue', () => {
  it('returns to the same queue with a message when a bulk action has nothing selected', async () => {
    const response = await post('/items/bulk', staff, { status: 'in_review', dismissReason: '', back: '?status=all&label=negative' });
    expect(response.status).toBe(303);
    const location = response.headers.get('location')!;
    expect(location).toBe('/items?status=all&label=negative&bulk=none');
    const html = await (await t.request(location, { cookie: staff })).text();
    expect(html).toContain('Chưa chọn tin nào');
    expect(html).toMatch(/<option value="negative" selected/);
  });

  it('limits the search box to the server limit and shows a too-long search as a field error on the queue', async () => {
    const queue = await (await t.request('/items', { cookie: staff })).text();
    expect(queue).toMatch(/id="filter-q"[^>]*maxlength="200"/);
    const long = 'học phí '.repeat(30);
    const page = await t.request(`/items?status=all&q=${encodeURIComponent(long)}`, { cookie: staff });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Từ khóa dài quá 200 ký tự');
    expect(html).toMatch(/id="filter-q"[^>]*aria-invalid="true"/);
    expect(html).toContain(long.trim());
    expect(html).toContain('Lịch thi học kỳ');
  });
});

describe('weekly report language', () => {
  const vietnamese = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i;

  it('writes the narrative in English on ?lang=en, on the page and in the JSON, live and from a snapshot', async () => {
    const vi = (await (await t.request('/api/reports/weekly', { cookie: staff })).json()) as { narrative: string[]; week: string };
    expect(vi.narrative.join(' ')).toMatch(vietnamese);
    const en = (await (await t.request('/api/reports/weekly?lang=en', { cookie: staff })).json()) as { narrative: string[] };
    expect(en.narrative.length).toBeGreaterThan(0);
    // Titles quoted in the narrative stay as published; the sentences around them are English.
    expect(en.narrative[0]).toMatch(/^In week/);
    expect(en.narrative[0]).not.toMatch(vietnamese);
    expect((await t.request(`/api/reports/weekly/${vi.week}/regenerate`, { method: 'POST', cookie: admin, json: {} })).status).toBe(200);
    const snapshot = (await (await t.request('/api/reports/weekly?lang=en', { cookie: staff })).json()) as { narrative: string[]; snapshot: boolean };
    expect(snapshot.snapshot).toBe(true);
    expect(snapshot.narrative).toEqual(en.narrative);
    const page = await (await t.request('/reports/weekly?lang=en', { cookie: staff })).text();
    expect(page).toContain(en.narrative[0]!.replaceAll('&', '&amp;'));
    const storedVi = (await (await t.request('/api/reports/weekly?lang=vi', { cookie: staff })).json()) as { narrative: string[] };
    expect(storedVi.narrative).toEqual(vi.narrative);
  });
});

describe('search spacing', () => {
  it('finds the same items whatever the spaces between the words, on the JSON route and the page', async () => {
    const single = (await (await t.request('/api/items?status=all&q=h%E1%BB%8Dc%20ph%C3%AD', { cookie: staff })).json()) as { items: Item[] };
    expect(single.items.map((item) => item.title).sort()).toEqual(['Phụ huynh phản ánh thu sai học phí', 'Tin đồn trường thu thêm học phí']);
    const spaced = (await (await t.request(`/api/items?status=all&q=${encodeURIComponent('  học   phí ')}`, { cookie: staff })).json()) as { items: Item[] };
    expect(spaced.items.map((item) => item.id)).toEqual(single.items.map((item) => item.id));
    const page = await (await t.request(`/items?status=all&q=${encodeURIComponent('học  phí')}`, { cookie: staff })).text();
    expect(page).toContain('Tin đồn trường thu thêm học phí');
    expect(page).toContain('value="học  phí"');
  });
});

describe('triage forms: conflicts, versions and assignees', () => {
  interface Denial { method: string; path: string; status: number; code: string; itemId: number | null }
  const denials = async () => ((await (await t.request('/api/audit/denials', { cookie: admin })).json()) as { denials: Denial[] }).denials;
  const itemOf = async (id: number) => (await (await t.request(`/api/items/${id}`, { cookie: staff })).json()) as Item;

  it('records a stale decision or status form on the log of refused requests, as the API does', async () => {
    const id = itemIds[2]!;
    const seen = await itemOf(id);
    await t.request(`/api/items/${id}`, { method: 'PATCH', cookie: admin, json: { note: 'Người khác lưu trước', version: seen.version } });
    const decision = await post(`/items/${id}/decision`, staff, { verdict: 'fake', note: 'Ghi chú muộn', version: String(seen.version) });
    expect(decision.status).toBe(409);
    const status = await post(`/items/${id}/status`, staff, { status: 'in_review', version: String(seen.version) });
    expect(status.status).toBe(409);
    expect(await status.text()).toContain('vừa được người khác thay đổi');
    const logged = (await denials()).filter((denial) => denial.itemId === id && denial.code === 'conflict');
    expect(logged.map((denial) => denial.path).sort()).toEqual([`/items/${id}/decision`, `/items/${id}/status`]);
    expect(logged.every((denial) => denial.status === 409 && denial.method === 'POST')).toBe(true);
  });

  it('never saves a form whose version is present but not a positive integer; a form without one still saves', async () => {
    const id = itemIds[0]!;
    for (const version of ['0', 'abc', '', '-1']) {
      const before = await itemOf(id);
      const decision = await post(`/items/${id}/decision`, staff, { verdict: 'fake', note: `Phiên bản ${version}`, version });
      expect(decision.status, version).toBe(409);
      expect(await decision.text()).toContain(`Phiên bản ${version}`);
      const status = await post(`/items/${id}/status`, staff, { status: 'dismissed', dismissReason: 'duplicate', version });
      expect(status.status, version).toBe(409);
      expect(await itemOf(id)).toEqual(before);
    }
    const unchecked = await post(`/items/${id}/decision`, staff, { verdict: 'fake', note: 'Không có phiên bản' });
    expect(unchecked.status).toBe(303);
    expect((await itemOf(id)).verdict).toBe('fake');
  });

  it('shows an unknown or malformed assignee as a field error on the item page, keeping the note', async () => {
    const id = itemIds[1]!;
    for (const assigneeId of ['999', 'abc']) {
      const before = await itemOf(id);
      const page = await post(`/items/${id}/decision`, staff, { verdict: 'verified', assigneeId, note: 'Giao cho người mới', version: String(before.version) });
      expect(page.status, assigneeId).toBe(422);
      const html = await page.text();
      expect(html).toContain('Không có người dùng này để giao việc');
      expect(html).toContain('Quyết định chưa được lưu');
      expect(html).toMatch(/<select name="assigneeId"[^>]*aria-invalid="true"/);
      expect(html).toMatch(/<textarea name="note"[^>]*>Giao cho người mới<\/textarea>/);
      expect(html).toMatch(/<option value="verified" selected/);
      expect(await itemOf(id)).toEqual(before);
    }
  });

  it('gives the answer form and the escalation details their own refusal banner', async () => {
    const id = itemIds[2]!;
    const created = await t.request(`/api/items/${id}/responses`, {
      cookie: staff,
      json: { kind: 'escalation', channel: 'report_up', text: 'Chuyển Phòng GD&ĐT', escalatedTo: 'Phòng GD&ĐT', dueAt: '2099-01-01' },
    });
    const escalation = (await created.json()) as ItemResponse;
    const responseBanner = 'cần chọn hình thức, kênh';
    for (const fields of [{ answer: '   ', answeredAt: '' }, { answer: 'Đã xác minh', answeredAt: 'garbage' }]) {
      const page = await post(`/items/${id}/responses/${escalation.id}/answer`, staff, fields);
      expect(page.status).toBe(422);
      const html = await page.text();
      expect(html).toContain('Câu trả lời chưa được lưu');
      expect(html).not.toContain(responseBanner);
    }
    const dueOnly = await post(`/items/${id}/responses`, staff, {
      kind: 'escalation',
      channel: 'report_up',
      text: 'Chuyển lên Sở',
      link: '',
      respondedAt: '',
      escalatedTo: 'Sở GD&ĐT',
      dueAt: 'not-a-day',
    });
    expect(dueOnly.status).toBe(422);
    const html = await dueOnly.text();
    expect(html).toContain('hạn trả lời chưa hợp lệ');
    expect(html).not.toContain(responseBanner);
    expect(html).toMatch(/name="dueAt"[^>]*aria-invalid="true"/);
  });

  it('asks why an item is dismissed on its page, and stores the reason the weekly report and retraining read', async () => {
    const id = itemIds[0]!;
    // Responded to earlier in this file: back to review first, from where it may be dismissed.
    if ((await itemOf(id)).status !== 'in_review') {
      const reopened = await post(`/items/${id}/status`, staff, { status: 'in_review', version: String((await itemOf(id)).version) });
      expect(reopened.headers.get('location')).toBe(`/items/${id}?flash=saved`);
    }
    const page = await (await t.request(`/items/${id}`, { cookie: staff })).text();
    const dismissForm = page.split('<form').find((form) => form.includes('name="status" value="dismissed"'));
    expect(dismissForm).toBeDefined();
    expect(dismissForm).toMatch(/<select name="dismissReason" required/);
    expect(dismissForm).toContain('Gắn cờ nhầm');
    const seen = await itemOf(id);
    const dismissed = await post(`/items/${id}/status`, staff, { status: 'dismissed', dismissReason: 'false_positive', version: String(seen.version) });
    expect(dismissed.headers.get('location')).toBe(`/items/${id}?flash=saved`);
    expect(await itemOf(id)).toMatchObject({ status: 'dismissed', dismissReason: 'false_positive' });
  });
});
