// Saved views, response templates, escalation answers and the deadlines page: JSON, forms and pages.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertNewItems } from '../../src/db/queries/items.ts';
import { DEFAULT_RESPONSE_TEMPLATES, seedResponseTemplatesIfEmpty } from '../../src/db/queries/response-templates.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import { responses } from '../../src/db/schema.ts';
import type { TriageEvent } from '../../src/domain/item.ts';
import type { ItemResponse } from '../../src/domain/response.ts';
import type { ResponseTemplate } from '../../src/domain/response-template.ts';
import type { SavedView } from '../../src/domain/saved-view.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let database: TestDatabase;
let t: TestApp;
let staff: string;
let otherStaff: string;
let leader: string;
let admin: string;
let itemIds: number[] = [];

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  staff = await t.signIn('staff', 'lan-staff');
  otherStaff = await t.signIn('staff', 'hung-staff');
  leader = await t.signIn('leader', 'minh-leader');
  admin = await t.signIn('admin', 'an-admin');
  const source = await insertSource(database.db, { kind: 'rss', name: 'Báo phường', url: 'http://127.0.0.1/feed' });
  const now = new Date();
  await insertNewItems(
    database.db,
    ['Tin đồn trường thu thêm học phí', 'Họp phụ huynh đầu năm'].map((title, index) => ({
      sourceId: source.id,
      keyHash: `key-${index}`,
      url: null,
      title,
      body: `Nội dung ${index}`,
      author: null,
      publishedAt: now,
      collectedAt: now,
      searchText: title.toLowerCase(),
      contentHash: `hash-${index}`,
      labels: [],
      classification: { labels: [], scores: {}, spans: [], version: 'test' },
      priority: 0,
    })),
  );
  const listed = (await (await t.request('/api/items?status=all&order=newest', { cookie: staff })).json()) as { items: Array<{ id: number }> };
  itemIds = listed.items.map((item) => item.id).sort((a, b) => a - b);
});
afterAll(async () => {
  await t?.close();
  await database?.close();
});

const errorCode = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

describe('saved views', () => {
  it('saves a queue filter under an NFC name, in a canonical order without paging, visible to its owner only', async () => {
    const decomposed = 'Tin tiêu cực về học phí'.normalize('NFD');
    const saved = await t.request('/api/views', {
      cookie: staff,
      json: { name: `  ${decomposed}  `, query: '?q=hoc%20phi&label=negative&status=open&cursor=abc&limit=20' },
    });
    expect(saved.status).toBe(201);
    const view = (await saved.json()) as SavedView;
    expect(view.name).toBe('Tin tiêu cực về học phí'.normalize('NFC'));
    expect(view.query).toBe('?status=open&label=negative&q=hoc+phi');
    const mine = (await (await t.request('/api/views', { cookie: staff })).json()) as { views: SavedView[] };
    expect(mine.views.map((v) => v.id)).toEqual([view.id]);
    const theirs = (await (await t.request('/api/views', { cookie: otherStaff })).json()) as { views: SavedView[] };
    expect(theirs.views).toEqual([]);
  });

  it('refuses a second view of the same name for the same person with a clear 409, but not for someone else', async () => {
    const again = await t.request('/api/views', { cookie: staff, json: { name: 'Tin tiêu cực về học phí', query: '?status=all' } });
    expect(again.status).toBe(409);
    expect(await errorCode(again)).toBe('view_name_taken');
    const other = await t.request('/api/views', { cookie: otherStaff, json: { name: 'Tin tiêu cực về học phí', query: '?status=all' } });
    expect(other.status).toBe(201);
  });

  it('checks the query with the queue schema and the name length before saving anything', async () => {
    const before = (await (await t.request('/api/views', { cookie: staff })).json()) as { views: SavedView[] };
    for (const body of [
      { name: 'Sai trạng thái', query: '?status=bogus' },
      { name: 'Sai ngày', query: '?from=2026-13-45' },
      { name: 'Bộ lọc lạ', query: '?evil=1' },
      { name: '', query: '?status=open' },
      { name: '\u200B\u2060', query: '?status=open' }, // invisible: an empty link on the queue
      { name: 'x'.repeat(81), query: '' },
      { name: 'Thừa trường', query: '', extra: true },
    ]) {
      const response = await t.request('/api/views', { cookie: staff, json: body });
      expect(response.status, JSON.stringify(body)).toBe(422);
    }
    const after = (await (await t.request('/api/views', { cookie: staff })).json()) as { views: SavedView[] };
    expect(after.views).toEqual(before.views);
  });

  it('deletes only your own view: another person\'s id answers 404 and the view stays', async () => {
    const mine = (await (await t.request('/api/views', { cookie: staff })).json()) as { views: SavedView[] };
    const id = mine.views[0]!.id;
    const stranger = await t.request(`/api/views/${id}`, { method: 'DELETE', cookie: otherStaff, headers: { 'content-type': 'application/json' } });
    expect(stranger.status).toBe(404);
    expect(((await (await t.request('/api/views', { cookie: staff })).json()) as { views: SavedView[] }).views).toHaveLength(1);
    const own = await t.request(`/api/views/${id}`, { method: 'DELETE', cookie: staff, headers: { 'content-type': 'application/json' } });
    expect(own.status).toBe(204);
    expect(((await (await t.request('/api/views', { cookie: staff })).json()) as { views: SavedView[] }).views).toEqual([]);
  });

  it('saves from the queue page form, lists the view as a link, and reports a duplicate name on the page', async () => {
    const body = new URLSearchParams({ name: 'Quá hạn', query: '?overdue=true&status=open' }).toString();
    const saved = await t.request('/views', { method: 'POST', cookie: staff, headers: FORM, body });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/items?status=open&overdue=true&viewFlash=saved');
    const page = await (await t.request(saved.headers.get('location')!, { cookie: staff })).text();
    expect(page).toContain('href="/items?status=open&amp;overdue=true"');
    expect(page).toContain('Quá hạn');
    expect(page).toContain('Đã lưu bộ lọc.');
    const duplicate = await t.request('/views', { method: 'POST', cookie: staff, headers: FORM, body });
    expect(duplicate.headers.get('location')).toBe(`/items?status=open&overdue=true&viewFlash=name_taken&viewName=${encodeURIComponent('Quá hạn')}`);
    const warned = await (await t.request(duplicate.headers.get('location')!, { cookie: staff })).text();
    expect(warned).toContain('Bạn đã có bộ lọc mang tên này');
  });
});

describe('response templates', () => {
  it('seeds the default Vietnamese templates once, in NFC', async () => {
    expect(await seedResponseTemplatesIfEmpty(database.db)).toBe(DEFAULT_RESPONSE_TEMPLATES.length);
    expect(await seedResponseTemplatesIfEmpty(database.db)).toBe(0);
    const listed = (await (await t.request('/api/response-templates', { cookie: leader })).json()) as { templates: ResponseTemplate[] };
    expect(listed.templates).toHaveLength(DEFAULT_RESPONSE_TEMPLATES.length);
    for (const template of listed.templates) expect(template.text).toBe(template.text.normalize('NFC'));
    const forFalse = (await (await t.request('/api/response-templates?verdict=false', { cookie: staff })).json()) as { templates: ResponseTemplate[] };
    expect(forFalse.templates.length).toBeGreaterThan(0);
    expect(forFalse.templates.every((template) => template.verdict === 'false')).toBe(true);
    expect(forFalse.templates.some((template) => template.kind === 'correction' && template.channel === 'ward_portal')).toBe(true);
  });

  it('lets staff add and change templates, leaders only read, and refuses bad ones whole', async () => {
    const created = await t.request('/api/response-templates', {
      cookie: staff,
      json: { verdict: 'fake', kind: 'reply', channel: 'school', title: 'Trả lời qua nhà trường', text: 'Nhà trường thông báo: …' },
    });
    expect(created.status).toBe(201);
    const template = (await created.json()) as ResponseTemplate;
    const patched = await t.request(`/api/response-templates/${template.id}`, { method: 'PATCH', cookie: staff, json: { enabled: false } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ enabled: false, title: 'Trả lời qua nhà trường', verdict: 'fake' });
    expect((await t.request('/api/response-templates', { cookie: leader, json: { verdict: 'fake', kind: 'reply', channel: 'school', title: 'x', text: 'y' } })).status).toBe(403);
    const bad = await t.request(`/api/response-templates/${template.id}`, { method: 'PATCH', cookie: staff, json: { channel: 'carrier_pigeon', title: 'Đổi tên' } });
    expect(bad.status).toBe(422);
    const unchanged = (await (await t.request('/api/response-templates?verdict=fake', { cookie: staff })).json()) as { templates: ResponseTemplate[] };
    expect(unchanged.templates.find((row) => row.id === template.id)).toMatchObject({ title: 'Trả lời qua nhà trường', channel: 'school' });
    expect((await t.request('/api/response-templates/999999', { method: 'PATCH', cookie: staff, json: { enabled: true } })).status).toBe(404);
  });

  it('offers the templates of the item\'s verdict and fills the response form from a link, without script', async () => {
    const id = itemIds[0]!;
    const item = (await (await t.request(`/api/items/${id}`, { cookie: staff })).json()) as { version: number };
    expect((await t.request(`/api/items/${id}`, { method: 'PATCH', cookie: staff, json: { verdict: 'false', version: item.version } })).status).toBe(200);
    const templates = (await (await t.request('/api/response-templates?verdict=false', { cookie: staff })).json()) as { templates: ResponseTemplate[] };
    const portal = templates.templates.find((template) => template.channel === 'ward_portal')!;
    const page = await (await t.request(`/items/${id}`, { cookie: staff })).text();
    expect(page).toContain(`href="/items/${id}?template=${portal.id}#respond"`);
    expect(page).not.toContain('Cảnh báo tin giả'); // a `fake` template is not offered for a `false` item
    const filled = await (await t.request(`/items/${id}?template=${portal.id}`, { cookie: staff })).text();
    expect(filled).toMatch(/<option value="correction" selected="">/);
    expect(filled).toMatch(/<option value="ward_portal" selected="">/);
    expect(filled).toContain('Ủy ban nhân dân phường thông tin: nội dung đang lan truyền');
  });

  it('shows the templates page with errors beside the fields when a form is wrong', async () => {
    const page = await t.request('/templates', { method: 'POST', cookie: staff, headers: FORM, body: new URLSearchParams({ verdict: 'false', kind: 'correction', channel: 'ward_portal', title: '', text: 'Nội dung' }).toString() });
    expect(page.status).toBe(422);
    const html = await page.text();
    expect(html).toContain('id="template-title-error"');
    expect(html).toContain('Nội dung');
    expect((await t.request('/templates', { cookie: leader })).status).toBe(200);
  });
});

describe('escalation answers', () => {
  async function escalate(id: number, dueAt: string): Promise<ItemResponse> {
    const response = await t.request(`/api/items/${id}/responses`, {
      cookie: staff,
      json: { kind: 'escalation', channel: 'report_up', text: 'Chuyển Phòng GD&ĐT xác minh', escalatedTo: 'Phòng Giáo dục và Đào tạo', dueAt },
    });
    expect(response.status).toBe(201);
    return (await response.json()) as ItemResponse;
  }

  it('shows an escalation as overdue or awaiting on the item page', async () => {
    const id = itemIds[1]!;
    // A due day already past cannot be sent (it would be before the escalation): it passes while waiting.
    const late = await escalate(id, '2099-12-30');
    await database.db.update(responses).set({ dueAt: new Date('2020-01-10T16:59:59.999Z') }).where(eq(responses.id, late.id));
    await escalate(id, '2099-12-31');
    const page = await (await t.request(`/items/${id}`, { cookie: leader })).text();
    expect(page).toContain('Quá hạn trả lời (hạn 10/01/2020 23:59)');
    expect(page).toContain('Đang chờ trả lời, hạn 31/12/2099 23:59');
    expect(page).not.toContain('class="answer-form"'); // leaders read only
  });

  it('records the answer once, in the audit trail, and refuses a second answer with 409', async () => {
    const id = itemIds[1]!;
    const escalation = await escalate(id, '2099-01-01');
    // Now (to the second): an answer cannot predate the item's collection, which was at setup.
    const answeredAt = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    const answered = await t.request(`/api/items/${id}/responses/${escalation.id}/answer`, {
      cookie: staff,
      json: { answer: 'Phòng GD&ĐT xác nhận: không có khoản thu thêm.'.normalize('NFD'), answeredAt },
    });
    expect(answered.status).toBe(200);
    const body = (await answered.json()) as ItemResponse;
    expect(body.answer).toBe('Phòng GD&ĐT xác nhận: không có khoản thu thêm.'.normalize('NFC'));
    expect(new Date(body.answeredAt!).toISOString()).toBe(answeredAt);
    const second = await t.request(`/api/items/${id}/responses/${escalation.id}/answer`, { cookie: staff, json: { answer: 'Đổi ý' } });
    expect(second.status).toBe(409);
    expect(await errorCode(second)).toBe('answer_exists');
    const events = ((await (await t.request(`/api/items/${id}/events`, { cookie: leader })).json()) as { events: TriageEvent[] }).events;
    const answers = events.filter((event) => event.field === 'answer');
    expect(answers).toEqual([expect.objectContaining({ toValue: 'Phòng Giáo dục và Đào tạo', note: body.answer })]);
    const page = await (await t.request(`/items/${id}`, { cookie: staff })).text();
    expect(page).toContain('Đã trả lời');
    expect(page).toContain('ghi nhận trả lời của Phòng Giáo dục và Đào tạo');
  });

  it('refuses answers to other kinds, to another item\'s response, in the future, or empty, changing nothing', async () => {
    const [first, second] = itemIds as [number, number];
    const correction = await t.request(`/api/items/${first}/responses`, { cookie: staff, json: { kind: 'correction', channel: 'ward_portal', text: 'Đính chính' } });
    const correctionId = ((await correction.json()) as ItemResponse).id;
    const notEscalation = await t.request(`/api/items/${first}/responses/${correctionId}/answer`, { cookie: staff, json: { answer: 'x' } });
    expect(notEscalation.status).toBe(409);
    expect(await errorCode(notEscalation)).toBe('not_escalation');
    const escalation = await escalate(second, '2099-02-01');
    expect((await t.request(`/api/items/${first}/responses/${escalation.id}/answer`, { cookie: staff, json: { answer: 'x' } })).status).toBe(404);
    expect((await t.request(`/api/items/${second}/responses/${escalation.id}/answer`, { cookie: staff, json: { answer: 'x', answeredAt: '2099-01-01T00:00:00Z' } })).status).toBe(422);
    expect((await t.request(`/api/items/${second}/responses/${escalation.id}/answer`, { cookie: staff, json: { answer: '   ' } })).status).toBe(422);
    // Invisible characters only: it would close the escalation with nothing to read, for good.
    expect((await t.request(`/api/items/${second}/responses/${escalation.id}/answer`, { cookie: staff, json: { answer: '\u200B\u200B\uFEFF' } })).status).toBe(422);
    expect((await t.request(`/api/items/${second}/responses/${escalation.id}/answer`, { cookie: leader, json: { answer: 'x' } })).status).toBe(403);
    const responses = ((await (await t.request(`/api/items/${second}/responses`, { cookie: staff })).json()) as { responses: ItemResponse[] }).responses;
    expect(responses.find((response) => response.id === escalation.id)).toMatchObject({ answer: null, answeredAt: null });
  });

  it('refuses an answer dated before the escalation it answers, to the minute', async () => {
    const source = await insertSource(database.db, { kind: 'rss', name: 'Báo cũ', url: 'http://127.0.0.1/old-feed' });
    const collectedAt = new Date(Date.now() - 3 * 3600_000);
    await insertNewItems(database.db, [
      {
        sourceId: source.id, keyHash: 'old-item', url: null, title: 'Tin cũ về học phí', body: 'Nội dung', author: null,
        publishedAt: collectedAt, collectedAt, searchText: 'tin cu ve hoc phi', contentHash: 'old-hash', labels: [],
        classification: { labels: [], scores: {}, spans: [], version: 'test' }, priority: 0,
      },
    ]);
    const listed = (await (await t.request('/api/items?status=all&q=tin%20cu', { cookie: staff })).json()) as { items: Array<{ id: number }> };
    const id = listed.items[0]!.id;
    const escalation = await escalate(id, '2099-03-01');
    const early = await t.request(`/api/items/${id}/responses/${escalation.id}/answer`, {
      cookie: staff,
      json: { answer: 'Đã trả lời', answeredAt: new Date(Date.now() - 3600_000).toISOString() },
    });
    expect(early.status).toBe(422);
    expect(JSON.stringify(await early.json())).toContain('time_before_escalation');
    const sameMinute = new Date(Math.floor(new Date(escalation.respondedAt).getTime() / 60_000) * 60_000).toISOString();
    const fine = await t.request(`/api/items/${id}/responses/${escalation.id}/answer`, { cookie: staff, json: { answer: 'Đã trả lời', answeredAt: sameMinute } });
    expect(fine.status).toBe(200);
  });

  it('records an answer through the item page form', async () => {
    const id = itemIds[1]!;
    const escalation = await escalate(id, '2099-03-01');
    // The form's wall-clock minute in Asia/Ho_Chi_Minh, now: not before the item was collected.
    const wallClock = new Date(Date.now() + 7 * 60 * 60 * 1000).toISOString().slice(0, 16);
    const posted = await t.request(`/items/${id}/responses/${escalation.id}/answer`, {
      method: 'POST',
      cookie: staff,
      headers: FORM,
      body: new URLSearchParams({ answer: 'Đã trả lời bằng công văn số 12', answeredAt: wallClock }).toString(),
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe(`/items/${id}?flash=saved#response-${escalation.id}`);
    const again = await t.request(`/items/${id}/responses/${escalation.id}/answer`, { method: 'POST', cookie: staff, headers: FORM, body: 'answer=khac' });
    expect(again.headers.get('location')).toBe(`/items/${id}?flash=answer_exists#response-${escalation.id}`);
    const responses = ((await (await t.request(`/api/items/${id}/responses`, { cookie: staff })).json()) as { responses: ItemResponse[] }).responses;
    expect(responses.find((response) => response.id === escalation.id)).toMatchObject({ answer: 'Đã trả lời bằng công văn số 12', answeredAt: new Date(`${wallClock}:00+07:00`).toISOString() });
  });
});

describe('deadlines page', () => {
  it('shows the current hours to an admin and saves valid ones', async () => {
    const page = await (await t.request('/settings/deadlines', { cookie: admin })).text();
    expect(page).toContain('name="misinformation"');
    expect(page).toContain('value="24"');
    const saved = await t.request('/settings/deadlines', {
      method: 'POST',
      cookie: admin,
      headers: FORM,
      body: new URLSearchParams({ misinformation: '12', negative: '48', offensive: '48', feedback: '120' }).toString(),
    });
    expect(saved.status).toBe(303);
    expect(await (await t.request('/api/settings/deadlines', { cookie: leader })).json()).toEqual({ misinformation: 12, negative: 48, offensive: 48, feedback: 120 });
  });

  it('puts errors next to the wrong fields and stores nothing', async () => {
    const response = await t.request('/settings/deadlines', {
      method: 'POST',
      cookie: admin,
      headers: FORM,
      body: new URLSearchParams({ misinformation: '0', negative: 'abc', offensive: '1.5', feedback: '100' }).toString(),
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    for (const field of ['misinformation', 'negative', 'offensive']) expect(html).toContain(`id="deadline-${field}-error"`);
    expect(html).not.toContain('id="deadline-feedback-error"');
    expect(html).toContain('value="abc"');
    expect(await (await t.request('/api/settings/deadlines', { cookie: leader })).json()).toEqual({ misinformation: 12, negative: 48, offensive: 48, feedback: 120 });
  });

  it('is for admins only, and the nav links it for them', async () => {
    expect((await t.request('/settings/deadlines', { cookie: staff })).status).toBe(403);
    expect(await (await t.request('/items', { cookie: admin })).text()).toContain('href="/settings/deadlines"');
    expect(await (await t.request('/items', { cookie: staff })).text()).not.toContain('href="/settings/deadlines"');
  });
});

describe('OpenAPI', () => {
  it('documents the saved-view, template, answer and dry-run routes', async () => {
    const document = (await (await t.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const expected: Array<[string, string]> = [
      ['/api/views', 'get'],
      ['/api/views', 'post'],
      ['/api/views/{id}', 'delete'],
      ['/api/response-templates', 'get'],
      ['/api/response-templates', 'post'],
      ['/api/response-templates/{id}', 'patch'],
      ['/api/items/{id}/responses/{responseId}/answer', 'post'],
      ['/api/rules/dry-run', 'post'],
      ['/api/claims/dry-run', 'post'],
    ];
    expect(expected.filter(([path, method]) => document.paths[path]?.[method] === undefined)).toEqual([]);
  });
});
