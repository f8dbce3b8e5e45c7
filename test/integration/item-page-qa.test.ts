// QA fixes on the item page and the queue: a conflicting save keeps every choice and says what
// changed, a refused form's address can be reloaded, a response moves an open item on, the story's
// real size, dismissals say why in bulk too, malformed filters keep what was typed, and each reason once.
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertNewItems } from '../../src/db/queries/items.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import { clusters, feedback, items } from '../../src/db/schema.ts';
import type { ExplanationSpan } from '../../src/domain/classification.ts';
import type { Item, TriageEvent } from '../../src/domain/item.ts';
import { foldText } from '../../src/text/fold-text.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let database: TestDatabase;
let t: TestApp;
let staff: string;
let admin: string;
let sourceId: number;

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const collectedAt = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);

function post(path: string, cookie: string, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const one of [value].flat()) body.append(name, one);
  return t.request(path, { method: 'POST', cookie, headers: FORM, body: body.toString() });
}

const itemOf = async (id: number) => (await (await t.request(`/api/items/${id}`, { cookie: staff })).json()) as Item & { assigneeId: number | null };
const eventsOf = async (id: number) => ((await (await t.request(`/api/items/${id}/events`, { cookie: staff })).json()) as { events: TriageEvent[] }).events;

/** Stores items with these titles (and spans), returning their ids in order. */
async function addItems(titles: string[], spans: ExplanationSpan[] = []): Promise<number[]> {
  const key = `${Date.now()}-${Math.random()}`;
  await insertNewItems(
    database.db,
    titles.map((title, index) => ({
      sourceId,
      keyHash: `${key}-${index}`,
      url: null,
      title,
      body: `Nội dung ${title}`,
      author: null,
      publishedAt: collectedAt,
      collectedAt,
      searchText: foldText(title),
      contentHash: `${key}-${index}`,
      labels: spans.length > 0 ? ['negative'] : [],
      classification: { labels: spans.length > 0 ? ['negative'] : [], scores: {}, spans, version: 'test' },
      priority: 0,
    })),
  );
  const rows = await database.db.select({ id: items.id, title: items.title }).from(items).where(inArray(items.keyHash, titles.map((_, index) => `${key}-${index}`)));
  return titles.map((title) => rows.find((row) => row.title === title)!.id);
}

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  staff = await t.signIn('staff', 'lan-staff');
  admin = await t.signIn('admin', 'an-admin');
  sourceId = (await insertSource(database.db, { kind: 'rss', name: 'Báo phường', url: 'http://127.0.0.1/feed' })).id;
});
afterAll(async () => {
  await t?.close();
  await database?.close();
});

describe('a conflicting save', () => {
  it('keeps the verdict, assignee and note chosen, and lists what changed meanwhile', async () => {
    const [id] = await addItems(['Tin đồn thu tiền máy lạnh']);
    const page = await (await t.request(`/items/${id}`, { cookie: staff })).text();
    const seen = /name="seen" value="(\d+)"/.exec(page)![1]!;
    const before = await itemOf(id!);
    // Someone else decides first.
    const other = await t.request(`/api/items/${id}`, { method: 'PATCH', cookie: admin, json: { verdict: 'false', note: 'Đã xác minh với trường', version: before.version } });
    expect(other.status).toBe(200);
    const assignee = page.match(/<option value="(\d+)"[^>]*>an-admin<\/option>/)?.[1];
    expect(assignee).toBeDefined();
    const conflict = await post(`/items/${id}/decision`, staff, {
      verdict: 'verified',
      assigneeId: assignee!,
      note: 'Hiệu trưởng xác nhận không thu',
      version: String(before.version),
      seen,
    });
    expect(conflict.status).toBe(409);
    const html = await conflict.text();
    // The choices stay chosen, not reset to what is stored now (verdict "false", nobody assigned).
    expect(html).toMatch(/<option value="verified" selected/);
    expect(html).not.toMatch(/<option value="false" selected/);
    expect(html).toMatch(new RegExp(`<option value="${assignee}" selected`));
    expect(html).toMatch(/<textarea name="note"[^>]*>Hiệu trưởng xác nhận không thu<\/textarea>/);
    // What changed meanwhile, clearly: who changed the verdict from what to what, with their note.
    const details = html.slice(html.indexOf('conflict-details'), html.indexOf('</div>', html.indexOf('conflict-details')));
    expect(details).toContain('Trong lúc bạn đang sửa, mục này đã thay đổi');
    expect(details).toContain('an-admin');
    expect(details).toContain('Tin sai sự thật');
    expect(details).toContain('Đã xác minh với trường');
    expect(details).toContain('CHƯA được lưu');
    // Nothing of the stale form was saved; the form now carries the new version.
    expect(await itemOf(id!)).toMatchObject({ verdict: 'false', assigneeId: null });
    expect(html).toContain(`name="version" value="${before.version + 1}"`);
  });

  it('keeps the status and dismiss reason chosen on a stale status form, saying the item moved meanwhile', async () => {
    const [id] = await addItems(['Phản ánh học thêm bắt buộc']);
    const page = await (await t.request(`/items/${id}`, { cookie: staff })).text();
    const seen = /name="seen" value="(\d+)"/.exec(page)![1]!;
    const before = await itemOf(id!);
    await t.request(`/api/items/${id}`, { method: 'PATCH', cookie: admin, json: { status: 'in_review', version: before.version } });
    const conflict = await post(`/items/${id}/status`, staff, { status: 'dismissed', dismissReason: 'duplicate', version: String(before.version), seen });
    expect(conflict.status).toBe(409);
    const html = await conflict.text();
    expect(html).toContain('Bạn đã chọn chuyển sang “Đã bỏ qua” với lý do “Trùng lặp” — chưa được lưu.');
    const dismissForm = html.split('<form').find((form) => form.includes('name="status" value="dismissed"'))!;
    expect(dismissForm).toMatch(/<option value="duplicate" selected/);
    expect(dismissForm).toContain(`name="version" value="${before.version + 1}"`);
    const details = html.slice(html.indexOf('conflict-details'), html.indexOf('</div>', html.indexOf('conflict-details')));
    expect(details).toContain('Đang xem xét');
    expect((await itemOf(id!)).status).toBe('in_review');
    // Sent again as it stands, it is saved.
    const again = await post(`/items/${id}/status`, staff, { status: 'dismissed', dismissReason: 'duplicate', version: String(before.version + 1) });
    expect(again.headers.get('location')).toBe(`/items/${id}?flash=saved`);
    expect(await itemOf(id!)).toMatchObject({ status: 'dismissed', dismissReason: 'duplicate' });
  });
});

describe('the address of a refused form', () => {
  it('redirects a GET on the POST-only item paths to the item, for whoever may read it', async () => {
    const [id] = await addItems(['Trường tổ chức họp phụ huynh']);
    for (const path of [`/items/${id}/decision`, `/items/${id}/responses`, `/items/${id}/status`, `/items/${id}/responses/1/answer`]) {
      const response = await t.request(path, { cookie: staff });
      expect(response.status, path).toBe(303);
      expect(response.headers.get('location'), path).toBe(`/items/${id}`);
    }
    const refused = await post(`/items/${id}/decision`, staff, { note: 'x'.repeat(2500), version: '1' });
    expect(refused.status).toBe(422);
    expect((await t.request(`/items/${id}/decision`, { cookie: staff })).headers.get('location')).toBe(`/items/${id}`);
  });
});

describe('recording a response', () => {
  it('moves an open item to responded for a public answer and to escalated for an escalation, in the trail, and shows it', async () => {
    const [replied, escalated, reported, dismissed] = await addItems(['Tin 1 trả lời', 'Tin 2 chuyển', 'Tin 3 báo cáo', 'Tin 4 đã bỏ qua']);
    const reply = await post(`/items/${replied}/responses`, staff, { kind: 'reply', channel: 'social_page', text: 'Phường đã trả lời trên trang Zalo.' });
    expect(reply.status).toBe(303);
    expect(await itemOf(replied!)).toMatchObject({ status: 'responded' });
    expect((await eventsOf(replied!)).map((event) => [event.field, event.fromValue, event.toValue])).toEqual([
      ['response', null, 'reply / social_page'],
      ['status', 'new', 'responded'],
    ]);
    const page = await (await t.request(`/items/${replied}`, { cookie: staff })).text();
    expect(page).toContain('<dt>Trạng thái</dt><dd>Đã phản hồi</dd>');
    expect(page).not.toContain('<dt>Trạng thái</dt><dd>Mới</dd>');
    // Out of the open queue.
    const open = (await (await t.request('/api/items', { cookie: staff })).json()) as { items: Item[] };
    expect(open.items.map((item) => item.id)).not.toContain(replied);

    const escalation = await t.request(`/api/items/${escalated}/responses`, {
      cookie: staff,
      json: { kind: 'escalation', channel: 'report_up', text: 'Chuyển Phòng GD&ĐT', escalatedTo: 'Phòng Giáo dục và Đào tạo', dueAt: '2099-12-01' },
    });
    expect(escalation.status).toBe(201);
    expect((await itemOf(escalated!)).status).toBe('escalated');

    // A report up answers no one: the item stays open.
    const report = await t.request(`/api/items/${reported}/responses`, { cookie: staff, json: { kind: 'report_up', channel: 'report_up', text: 'Báo cáo UBND quận' } });
    expect(report.status).toBe(201);
    expect((await itemOf(reported!)).status).toBe('new');

    // An item already decided keeps its status.
    await t.request(`/api/items/${dismissed}`, { method: 'PATCH', cookie: staff, json: { status: 'dismissed', dismissReason: 'not_relevant' } });
    const late = await t.request(`/api/items/${dismissed}/responses`, { cookie: staff, json: { kind: 'reply', channel: 'press', text: 'Trả lời muộn' } });
    expect(late.status).toBe(201);
    expect(await itemOf(dismissed!)).toMatchObject({ status: 'dismissed', dismissReason: 'not_relevant' });
  });

  it('tells the MTTQ officer the opinion was responded to, above the ward’s reply', async () => {
    const mttq = await t.signIn('mttq', 'hoa-mttq');
    const sent = await t.request('/api/feedback', { cookie: mttq, json: { content: 'Phụ huynh phản ánh trường thu tiền điều hòa không rõ ràng', consent: { given: true, version: '1' } } });
    expect(sent.status).toBe(201);
    const { id } = (await sent.json()) as { id: number };
    const mine = async () => ((await (await t.request('/api/feedback/mine', { cookie: mttq })).json()) as { feedback: Array<{ id: number; status: string; itemId?: number }> }).feedback.find((row) => row.id === id)!;
    expect((await mine()).status).toBe('new');
    const [row] = await database.db.select({ itemId: feedback.itemId }).from(feedback).where(eq(feedback.id, id));
    const reply = await t.request(`/api/items/${row!.itemId}/responses`, { cookie: staff, json: { kind: 'reply', channel: 'residential_meeting', text: 'Phường đã làm việc với nhà trường.' } });
    expect(reply.status).toBe(201);
    expect((await mine()).status).toBe('responded');
    const page = await (await t.request(`/feedback/${id}`, { cookie: mttq })).text();
    expect(page).toContain('Đã phản hồi');
    expect(page).not.toMatch(/Tình trạng xử lý<\/dt>\s*<dd>Mới/);
  });

  it('makes a form opened before the response a conflict, since the item changed', async () => {
    const [id] = await addItems(['Tin 5 có phản hồi']);
    const before = await itemOf(id!);
    await t.request(`/api/items/${id}/responses`, { cookie: staff, json: { kind: 'correction', channel: 'ward_portal', text: 'Đính chính' } });
    expect((await itemOf(id!)).version).toBe(before.version + 1);
    const stale = await post(`/items/${id}/status`, staff, { status: 'dismissed', dismissReason: 'duplicate', version: String(before.version) });
    expect(stale.status).toBe(409);
  });
});

describe('the story a cluster tells', () => {
  it('heads the list with the story’s real size, as the queue counts it, and says when the list is cut', async () => {
    const ids = await addItems(Array.from({ length: 201 }, (_, index) => `Cùng câu chuyện số ${index}`));
    const [cluster] = await database.db.insert(clusters).values({ representativeItemId: ids[0]!, size: 10_000 }).returning({ id: clusters.id });
    await database.db.update(items).set({ clusterId: cluster!.id }).where(inArray(items.id, ids));
    const page = await (await t.request(`/items/${ids[0]}`, { cookie: staff })).text();
    expect(page).toContain('Cùng một câu chuyện (10.000 bài từ các nguồn)');
    expect(page).toContain('200 bài đầu tiên trong số 10.000');
    expect(page.match(/<ul class="member-list">[\s\S]*?<\/ul>/)![0].match(/<li>/g)).toHaveLength(200);
    const queue = await (await t.request('/items?order=newest&limit=200', { cookie: staff })).text();
    expect(queue).toContain('+9999 bài cùng nội dung');
    // A story the list holds whole says no more than its size.
    await database.db.update(clusters).set({ size: 3 }).where(eq(clusters.id, cluster!.id));
    await database.db.update(items).set({ clusterId: null }).where(inArray(items.id, ids.slice(3)));
    const small = await (await t.request(`/items/${ids[0]}`, { cookie: staff })).text();
    expect(small).toContain('Cùng một câu chuyện (3 bài từ các nguồn)');
    expect(small).not.toContain('bài đầu tiên trong số');
  });
});

describe('bulk dismissal', () => {
  it('requires the reason on the queue page and the API, with the item page’s message, changing nothing', async () => {
    const ids = await addItems(['Tin 6 hàng loạt', 'Tin 7 hàng loạt']);
    const page = await post('/items/bulk', staff, { ids: ids.map(String), status: 'dismissed', dismissReason: '', back: '?status=all' });
    expect(page.status).toBe(303);
    const location = page.headers.get('location')!;
    expect(location).toBe('/items?status=all&bulk=reason');
    const queue = await (await t.request(location, { cookie: staff })).text();
    expect(queue).toContain('Hãy chọn lý do bỏ qua');
    expect(queue).toMatch(/<select name="dismissReason" aria-invalid="true"/);
    const api = await t.request('/api/items/bulk', { cookie: staff, json: { ids, status: 'dismissed' } });
    expect(api.status).toBe(422);
    expect(JSON.stringify(await api.json())).toContain('dismiss_reason_required');
    for (const id of ids) expect((await itemOf(id)).status).toBe('new');
    // The single item page says the same words when its form comes without a reason.
    const single = await post(`/items/${ids[0]}/status`, staff, { status: 'dismissed', dismissReason: '' });
    expect(single.status).toBe(422);
    const singleHtml = await single.text();
    expect(singleHtml).toContain('Hãy chọn lý do bỏ qua');
    expect(singleHtml).toMatch(/<select name="dismissReason" required[^>]*aria-invalid="true"/);
    // With a reason, both dismiss.
    const done = await post('/items/bulk', staff, { ids: ids.map(String), status: 'dismissed', dismissReason: 'duplicate', back: '' });
    expect(done.headers.get('location')).toBe('/items?bulk=2-2');
    for (const id of ids) expect(await itemOf(id)).toMatchObject({ status: 'dismissed', dismissReason: 'duplicate' });
  });
});

describe('a malformed queue filter', () => {
  it('shows the queue with the filters kept and the error by the bad field; the JSON API keeps its 400', async () => {
    await addItems(['Tin 8 bộ lọc']);
    const response = await t.request('/items?from=abc&status=all&q=b%E1%BB%99%20l%E1%BB%8Dc&to=2026-13-45', { cookie: staff });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('<form class="filters"');
    expect(html).toMatch(/id="filter-from" name="from" type="text" value="abc"[^>]*aria-invalid="true"/);
    expect(html).toContain('Ngày “abc” không hợp lệ');
    expect(html).toContain('Ngày “2026-13-45” không hợp lệ');
    expect(html).toMatch(/<option value="all" selected/);
    expect(html).toContain('value="bộ lọc"');
    expect(html).toContain('Có bộ lọc không hợp lệ');
    expect(html).toContain('Tin 8 bộ lọc');
    const bogusStatus = await (await t.request('/items?status=bogus', { cookie: staff })).text();
    expect(bogusStatus).toContain('Giá trị “bogus” không hợp lệ');
    expect(bogusStatus).toMatch(/id="filter-status" name="status" aria-invalid="true"/);
    expect((await t.request('/api/items?from=abc', { cookie: staff })).status).toBe(400);
    // A pager link it did not write: the first page, with the filters, saying so.
    const cut = await t.request('/items?status=all&prev=abc', { cookie: staff });
    expect(cut.status).toBe(400);
    const cutHtml = await cut.text();
    expect(cutHtml).toContain('Liên kết trang không hợp lệ');
    expect(cutHtml).toMatch(/<option value="all" selected/);
    expect(cutHtml).toContain('Tin 8 bộ lọc');
  });
});

describe('why an item was flagged', () => {
  it('lists a span matched by two rules once per category, with the heavier rule', async () => {
    const title = 'Trường THCS thu tiền';
    const span = (ruleId: string, weight: number, category: ExplanationSpan['category'] = 'negative'): ExplanationSpan => ({
      field: 'title',
      start: 7,
      end: 11,
      text: 'THCS',
      category,
      ruleId,
      weight,
    });
    const [id] = await addItems([title], [span('seed:a', 0.4), span('seed:b', 0.9), span('seed:c', 0.5, 'relevant')]);
    const page = await (await t.request(`/items/${id}`, { cookie: staff })).text();
    const why = page.match(/<ul class="why-list">[\s\S]*?<\/ul>/)![0];
    expect(why.match(/>THCS</g)).toHaveLength(2);
    expect(why).toContain('title="seed:b"');
    expect(why).not.toContain('title="seed:a"');
    expect(why).toContain('title="seed:c"');
  });
});
