// Rules across a response's fields (only an escalation names a body and a due day, never before the
// response's day), the decision form's note limit, and the feedback export's calendar days.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertNewItems } from '../../src/db/queries/items.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import type { ItemResponse } from '../../src/domain/response.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const DAY_MS = 24 * 60 * 60 * 1000;
/** When the test items were collected: ten days ago. */
const collectedAt = new Date(Date.now() - 10 * DAY_MS);

let database: TestDatabase;
let t: TestApp;
let staff: string;
let admin: string;
let itemIds: number[] = [];

/** Returns the day (yyyy-mm-dd) of an instant in Vietnam. */
const vietnamDay = (at: Date) => new Date(at.getTime() + 7 * 60 * 60 * 1000).toISOString().slice(0, 10);
/** Returns a time as a datetime-local value in Vietnam (yyyy-mm-ddThh:mm). */
const localInput = (at: Date) => new Date(at.getTime() + 7 * 60 * 60 * 1000).toISOString().slice(0, 16);

function post(path: string, cookie: string, fields: Record<string, string>) {
  return t.request(path, { method: 'POST', cookie, headers: FORM, body: new URLSearchParams(fields).toString() });
}

async function responsesOf(id: number): Promise<ItemResponse[]> {
  return ((await (await t.request(`/api/items/${id}/responses`, { cookie: staff })).json()) as { responses: ItemResponse[] }).responses;
}

/** Returns the fields and codes of a refused JSON body. */
async function refusedFields(response: Response): Promise<Array<{ path: string; code: string | undefined }>> {
  const body = (await response.json()) as { error: { details: Array<{ path: string[]; params?: { code?: string } }> } };
  return body.error.details.map((issue) => ({ path: issue.path.join('.'), code: issue.params?.code }));
}

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  staff = await t.signIn('staff', 'lan-staff');
  admin = await t.signIn('admin', 'an-admin');
  const source = await insertSource(database.db, { kind: 'rss', name: 'Báo phường', url: 'http://127.0.0.1/feed' });
  await insertNewItems(
    database.db,
    ['Tin đồn trường thu thêm học phí', 'Họp phụ huynh đầu năm', 'Lịch thi tuyển sinh'].map((title, index) => ({
      sourceId: source.id,
      keyHash: `key-${index}`,
      url: null,
      title,
      body: `Nội dung ${index}`,
      author: null,
      publishedAt: collectedAt,
      collectedAt,
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

describe('escalation fields (JSON)', () => {
  const escalation = { kind: 'escalation', channel: 'report_up', text: 'Chuyển Phòng GD&ĐT xác minh' };

  it('refuses an escalation to nobody, or to a body of invisible characters only', async () => {
    const id = itemIds[0]!;
    for (const escalatedTo of [undefined, '', '  ', '\u200B\u2060']) {
      const response = await t.request(`/api/items/${id}/responses`, { cookie: staff, json: { ...escalation, escalatedTo, dueAt: '2099-01-01' } });
      expect(response.status).toBe(422);
      expect(await refusedFields(response)).toEqual([{ path: 'escalatedTo', code: 'escalated_to_required' }]);
    }
    expect(await responsesOf(id)).toHaveLength(0);
  });

  it('refuses a body or a due day on a response that is not an escalation', async () => {
    const id = itemIds[0]!;
    const reply = { kind: 'reply', channel: 'school', text: 'Phường đã trả lời phụ huynh' };
    const both = await t.request(`/api/items/${id}/responses`, { cookie: staff, json: { ...reply, escalatedTo: 'X', dueAt: '2099-12-01' } });
    expect(both.status).toBe(422);
    expect(await refusedFields(both)).toEqual([
      { path: 'escalatedTo', code: 'escalation_only' },
      { path: 'dueAt', code: 'escalation_only' },
    ]);
    const dueOnly = await t.request(`/api/items/${id}/responses`, { cookie: staff, json: { ...reply, dueAt: '2099-12-01' } });
    expect(await refusedFields(dueOnly)).toEqual([{ path: 'dueAt', code: 'escalation_only' }]);
    expect(await responsesOf(id)).toHaveLength(0);
    // Left empty (as the form sends them), they are no obstacle.
    const plain = await t.request(`/api/items/${id}/responses`, { cookie: staff, json: { ...reply, escalatedTo: '', dueAt: '' } });
    expect(plain.status).toBe(201);
    expect(await plain.json()).toMatchObject({ escalatedTo: null, dueAt: null });
  });

  it('refuses a due day before the day of the response, and takes that day itself', async () => {
    const id = itemIds[1]!;
    const send = (json: Record<string, unknown>) => t.request(`/api/items/${id}/responses`, { cookie: staff, json: { ...escalation, escalatedTo: 'Phòng GD&ĐT', ...json } });
    const long = await send({ dueAt: '2001-01-01' });
    expect(long.status).toBe(422);
    expect(await refusedFields(long)).toEqual([{ path: 'dueAt', code: 'due_before_response' }]);
    const today = vietnamDay(new Date());
    const yesterday = vietnamDay(new Date(Date.now() - DAY_MS));
    expect((await send({ dueAt: yesterday })).status).toBe(422);
    // Dated five days ago (in Vietnam), the response may be due from that day on: not the day before.
    const respondedAt = new Date(Date.now() - 5 * DAY_MS);
    const earlier = vietnamDay(new Date(respondedAt.getTime() - DAY_MS));
    expect((await send({ respondedAt: respondedAt.toISOString(), dueAt: earlier })).status).toBe(422);
    // The day of a response is its day in Vietnam: 20:00 UTC is already the next day there.
    const evening = new Date(`${vietnamDay(new Date(Date.now() - 3 * DAY_MS))}T20:00:00Z`);
    expect((await send({ respondedAt: evening.toISOString(), dueAt: vietnamDay(new Date(evening.getTime() - 12 * 3600_000)) })).status).toBe(422);
    expect(await responsesOf(id)).toHaveLength(0);
    expect((await send({ respondedAt: respondedAt.toISOString(), dueAt: vietnamDay(respondedAt) })).status).toBe(201);
    expect((await send({ respondedAt: evening.toISOString(), dueAt: vietnamDay(evening) })).status).toBe(201);
    const sameDay = await send({ dueAt: today });
    expect(sameDay.status).toBe(201);
    expect(new Date(((await sameDay.json()) as ItemResponse).dueAt!).toISOString()).toBe(`${today}T16:59:59.999Z`);
  });
});

describe('escalation fields (the item page form)', () => {
  const typed = { channel: 'report_up', text: 'Chuyển Phòng GD&ĐT xác minh tin đồn', link: '', respondedAt: '' };

  it('shows the error beside the field in Vietnamese and keeps what was typed', async () => {
    const id = itemIds[2]!;
    const cases = [
      { fields: { kind: 'escalation', escalatedTo: '', dueAt: '2099-01-01' }, field: 'escalatedTo', message: 'Khi chuyển xử lý, hãy ghi nơi nhận' },
      { fields: { kind: 'escalation', escalatedTo: 'Phòng GD&amp;ĐT', dueAt: '2001-01-01' }, field: 'dueAt', message: 'Hạn trả lời không được trước ngày phản hồi.' },
      { fields: { kind: 'reply', escalatedTo: 'Trường THCS Lê Lợi', dueAt: '' }, field: 'escalatedTo', message: 'Chỉ ghi nơi nhận và hạn trả lời khi loại phản hồi là chuyển xử lý.' },
      { fields: { kind: 'reply', escalatedTo: '', dueAt: '2099-12-01' }, field: 'dueAt', message: 'Chỉ ghi nơi nhận và hạn trả lời khi loại phản hồi là chuyển xử lý.' },
    ];
    for (const { fields, field, message } of cases) {
      const sent = { ...typed, ...fields, escalatedTo: fields.escalatedTo.replace('&amp;', '&') };
      const page = await post(`/items/${id}/responses`, staff, sent);
      expect(page.status).toBe(422);
      const html = await page.text();
      expect(html).toContain(`<p class="field-error" id="respond-${field}-error">${message}`);
      expect(html).toMatch(new RegExp(`name="${field}"[^>]*aria-invalid="true"`));
      expect(html).toContain('Chuyển Phòng GD&amp;ĐT xác minh tin đồn');
      expect(html).toMatch(new RegExp(`<option value="${fields.kind}" selected`));
      if (fields.escalatedTo) expect(html).toContain(`value="${fields.escalatedTo}"`);
      if (fields.dueAt) expect(html).toContain(`value="${fields.dueAt}"`);
    }
    expect(await responsesOf(id)).toHaveLength(0);
    // A reply shows no escalation line; a proper escalation is saved.
    const reply = await post(`/items/${id}/responses`, staff, { ...typed, kind: 'reply', escalatedTo: '', dueAt: '' });
    expect(reply.status).toBe(303);
    const saved = await post(`/items/${id}/responses`, staff, {
      ...typed,
      kind: 'escalation',
      respondedAt: localInput(new Date(Date.now() - 2 * DAY_MS)),
      escalatedTo: 'Phòng GD&ĐT',
      dueAt: vietnamDay(new Date(Date.now() - 2 * DAY_MS)),
    });
    expect(saved.status).toBe(303);
    const stored = await responsesOf(id);
    expect(stored.map((response) => [response.kind, response.escalatedTo])).toEqual(
      expect.arrayContaining([
        ['reply', null],
        ['escalation', 'Phòng GD&ĐT'],
      ]),
    );
    expect(stored).toHaveLength(2);
  });
});

describe('the decision form note', () => {
  it('refuses a note longer than 2,000 characters with the note kept and an error beside it, instead of cutting it', async () => {
    const id = itemIds[0]!;
    const item = (await (await t.request(`/api/items/${id}`, { cookie: staff })).json()) as { version: number };
    const note = `${'Ghi chú dài. '.repeat(160)}KẾT THÚC`; // 2,088 characters
    expect(note.length).toBeGreaterThan(2000);
    const page = await post(`/items/${id}/decision`, staff, { verdict: '', assigneeId: '', note, version: String(item.version) });
    expect(page.status).toBe(422);
    const html = await page.text();
    expect(html).toContain('KẾT THÚC');
    expect(html).toContain('<p class="field-error" id="decision-note-error">Ghi chú dài quá 2.000 ký tự; hãy rút gọn.');
    expect(html).toMatch(/name="note"[^>]*aria-invalid="true"/);
    const events = ((await (await t.request(`/api/items/${id}/events`, { cookie: staff })).json()) as { events: Array<{ field: string }> }).events;
    expect(events.filter((event) => event.field === 'note')).toEqual([]);
    // 2,000 letters typed in NFD compose to 2,000: within the limit, stored whole.
    const nfd = 'ệ'.repeat(2000).normalize('NFD');
    const saved = await post(`/items/${id}/decision`, staff, { verdict: '', assigneeId: '', note: nfd, version: String(item.version) });
    expect(saved.status).toBe(303);
    const after = ((await (await t.request(`/api/items/${id}/events`, { cookie: staff })).json()) as { events: Array<{ field: string; note: string | null }> }).events;
    expect(after.filter((event) => event.field === 'note').map((event) => event.note)).toEqual(['ệ'.repeat(2000)]);
  });
});

describe('feedback export days', () => {
  it('refuses a day that is not in the calendar instead of rolling it over', async () => {
    for (const query of ['from=2026-02-30', 'to=2026-02-30', 'from=2025-02-29', 'to=2026-13-01']) {
      const response = await t.request(`/api/feedback/export.csv?${query}`, { cookie: admin });
      expect(response.status, query).toBe(422);
    }
    expect((await t.request('/api/feedback/export.csv?from=2024-02-29&to=2026-02-28', { cookie: admin })).status).toBe(200);
  });
});
