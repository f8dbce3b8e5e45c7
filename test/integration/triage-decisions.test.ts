import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeCsvCell } from '../../src/api/events-csv.ts';
import { formatEventsCsv } from '../../src/api/events-csv.ts';
import { formatLocalDateTime } from '../../src/domain/local-time.ts';
import { insertNewItems } from '../../src/db/queries/items.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import { listUsersByRole } from '../../src/db/queries/users.ts';
import type { Item, TriageEvent } from '../../src/domain/item.ts';
import type { ItemResponse } from '../../src/domain/response.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

type TriageItem = Item & { assigneeId: number | null };

let database: TestDatabase;
let t: TestApp;
let staff: string;
let leader: string;
let mttq: string;
let itemIds: number[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  staff = await t.signIn('staff', 'lan-staff');
  await t.signIn('admin', 'an-admin');
  leader = await t.signIn('leader', 'minh-leader');
  mttq = await t.signIn('mttq', 'hoa-mttq');
  const source = await insertSource(database.db, { kind: 'rss', name: 'Báo phường', url: 'http://127.0.0.1/feed' });
  const now = new Date();
  await insertNewItems(
    database.db,
    ['=HYPERLINK("http://evil.example","bấm vào")', 'Tin đồn thu thêm học phí', 'Họp phụ huynh đầu năm'].map((title, index) => ({
      sourceId: source.id,
      keyHash: `key-${index}`,
      url: `http://127.0.0.1/tin/${index}`,
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
  const response = await t.request('/api/items?status=all&order=newest', { cookie: staff });
  itemIds = ((await response.json()) as { items: Item[] }).items.map((item) => item.id).sort((a, b) => a - b);
  expect(itemIds).toHaveLength(3);
});
afterAll(async () => {
  await t?.close();
  await database?.close();
});

async function getItem(id: number): Promise<TriageItem> {
  return (await (await t.request(`/api/items/${id}`, { cookie: staff })).json()) as TriageItem;
}

async function getEvents(id: number): Promise<TriageEvent[]> {
  return ((await (await t.request(`/api/items/${id}/events`, { cookie: leader })).json()) as { events: TriageEvent[] }).events;
}

async function userId(username: string): Promise<number> {
  const users = await listUsersByRole(database.db, ['admin', 'staff', 'leader', 'mttq']);
  return users.find((user) => user.username === username)!.id;
}

describe('decisions', () => {
  it('sets verdict, assignee and a note in one change, logging one event per field', async () => {
    const id = itemIds[1]!;
    const before = await getItem(id);
    const assigneeId = await userId('an-admin');
    const response = await t.request(`/api/items/${id}`, {
      method: 'PATCH',
      cookie: staff,
      json: { verdict: 'false', assigneeId, note: 'Đã hỏi nhà trường: không thu thêm.', version: before.version },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ verdict: 'false', assigneeId, version: before.version + 1, status: 'new' });
    const events = await getEvents(id);
    expect(events).toEqual([
      expect.objectContaining({ field: 'verdict', fromValue: null, toValue: 'false', note: 'Đã hỏi nhà trường: không thu thêm.', username: 'lan-staff' }),
      expect.objectContaining({ field: 'assignee', fromValue: null, toValue: 'an-admin', note: 'Đã hỏi nhà trường: không thu thêm.' }),
    ]);
  });

  it('logs a note on its own and a status change beside a verdict change', async () => {
    const id = itemIds[2]!;
    const noted = await t.request(`/api/items/${id}`, { method: 'PATCH', cookie: staff, json: { note: 'Theo dõi thêm' } });
    expect(noted.status).toBe(200);
    const changed = await t.request(`/api/items/${id}`, {
      method: 'PATCH',
      cookie: staff,
      json: { status: 'in_review', verdict: 'unverified' },
    });
    expect(changed.status).toBe(200);
    const events = await getEvents(id);
    expect(events.map((event) => [event.field, event.fromValue, event.toValue])).toEqual([
      ['note', null, null],
      ['status', 'new', 'in_review'],
      ['verdict', null, 'unverified'],
    ]);
  });

  it('refuses a dismissal without its reason with 422 and changes nothing', async () => {
    const id = itemIds[1]!;
    const before = await getItem(id);
    const response = await t.request(`/api/items/${id}`, { method: 'PATCH', cookie: staff, json: { status: 'dismissed', version: before.version } });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; details: Array<{ code: string }> } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details).toContainEqual(expect.objectContaining({ code: 'dismiss_reason_required' }));
    expect(await getItem(id)).toEqual(before);
  });

  it('refuses a stale version with 409 and changes nothing', async () => {
    const id = itemIds[1]!;
    const before = await getItem(id);
    const eventsBefore = await getEvents(id);
    const stale = await t.request(`/api/items/${id}`, {
      method: 'PATCH',
      cookie: staff,
      json: { verdict: 'verified', assigneeId: null, status: 'dismissed', dismissReason: 'duplicate', note: 'muộn', version: before.version - 1 },
    });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe('conflict');
    expect(await getItem(id)).toEqual(before);
    expect(await getEvents(id)).toEqual(eventsBefore);
  });

  it('refuses an unknown assignee or one who cannot triage with 422, and an empty change with 400', async () => {
    const id = itemIds[1]!;
    const before = await getItem(id);
    for (const assigneeId of [999_999, await userId('minh-leader'), await userId('hoa-mttq')]) {
      const response = await t.request(`/api/items/${id}`, { method: 'PATCH', cookie: staff, json: { assigneeId } });
      expect(response.status, String(assigneeId)).toBe(422);
    }
    expect((await t.request(`/api/items/${id}`, { method: 'PATCH', cookie: staff, json: {} })).status).toBe(400);
    expect((await t.request(`/api/items/${id}`, { method: 'PATCH', cookie: staff, json: { verdict: 'maybe' } })).status).toBe(400);
    expect(await getItem(id)).toEqual(before);
  });

  it('changes verdict, assignee and note through the page form, and answers a stale form with a conflict', async () => {
    const id = itemIds[0]!;
    const before = await getItem(id);
    const form = (fields: Record<string, string>) =>
      t.request(`/items/${id}/decision`, {
        method: 'POST',
        cookie: staff,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    const saved = await form({ verdict: 'fake', assigneeId: String(await userId('lan-staff')), note: 'Tin giả', version: String(before.version) });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/items/${id}?flash=saved`);
    const stale = await form({ verdict: 'verified', assigneeId: '', note: 'Ghi chú của người đến sau', version: String(before.version) });
    // The latest version, with the conflict said and the note the person typed still in its box.
    expect(stale.status).toBe(409);
    const stalePage = await stale.text();
    expect(stalePage).toContain('Mục này vừa được người khác thay đổi');
    expect(stalePage).toContain('Ghi chú của người đến sau');
    expect(await getItem(id)).toMatchObject({ verdict: 'fake', assigneeId: await userId('lan-staff') });
    const page = await (await t.request(`/items/${id}`, { cookie: staff })).text();
    expect(page).toContain('lan-staff');
    expect(page).toContain('action="/items/' + id + '/decision"');
  });
});

describe('responses', () => {
  it('records a response with its link, lists it, and logs a response event', async () => {
    const id = itemIds[1]!;
    // Now (to the second): a response cannot predate the item's collection, which was at setup.
    const respondedAt = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    const created = await t.request(`/api/items/${id}/responses`, {
      cookie: staff,
      json: {
        kind: 'correction',
        channel: 'ward_portal',
        text: 'Phường đính chính: không có khoản thu thêm.',
        link: 'https://phuong.example.vn/dinh-chinh',
        respondedAt,
      },
    });
    expect(created.status).toBe(201);
    const response = (await created.json()) as ItemResponse;
    expect(response).toMatchObject({ kind: 'correction', channel: 'ward_portal', link: 'https://phuong.example.vn/dinh-chinh', createdByName: 'lan-staff' });
    expect(new Date(response.respondedAt).toISOString()).toBe(respondedAt);
    const listed = (await (await t.request(`/api/items/${id}/responses`, { cookie: leader })).json()) as { responses: ItemResponse[] };
    expect(listed.responses.map((entry) => entry.id)).toEqual([response.id]);
    // A correction answers the public: the open item is responded to, in the trail right after the response.
    expect((await getEvents(id)).slice(-2)).toMatchObject([
      { field: 'response', toValue: 'correction / ward_portal' },
      { field: 'status', fromValue: 'new', toValue: 'responded', userId: expect.any(Number) },
    ]);
  });

  it('refuses a javascript: link, an unknown kind or channel with 422, and stores nothing', async () => {
    const id = itemIds[2]!;
    const bodies = [
      { kind: 'correction', channel: 'ward_portal', text: 'x', link: 'javascript:alert(1)' },
      { kind: 'correction', channel: 'ward_portal', text: 'x', link: 'JavaScript:alert(1)' },
      { kind: 'rumour', channel: 'ward_portal', text: 'x' },
      { kind: 'reply', channel: 'tiktok', text: 'x' },
      { kind: 'reply', channel: 'press', text: '   ' },
    ];
    for (const json of bodies) {
      const response = await t.request(`/api/items/${id}/responses`, { cookie: staff, json });
      expect(response.status, JSON.stringify(json)).toBe(422);
    }
    const listed = (await (await t.request(`/api/items/${id}/responses`, { cookie: staff })).json()) as { responses: unknown[] };
    expect(listed.responses).toEqual([]);
  });

  it('records an escalation with the body it went to and its due day', async () => {
    const id = itemIds[0]!;
    const created = await t.request(`/api/items/${id}/responses`, {
      cookie: staff,
      json: { kind: 'escalation', channel: 'report_up', text: 'Chuyển Phòng Giáo dục xác minh', escalatedTo: 'Phòng Giáo dục và Đào tạo', dueAt: '2099-12-01' },
    });
    expect(created.status).toBe(201);
    const response = (await created.json()) as ItemResponse;
    expect(response).toMatchObject({ escalatedTo: 'Phòng Giáo dục và Đào tạo' });
    expect(new Date(response.dueAt!).toISOString()).toBe('2099-12-01T16:59:59.999Z');
    const page = await (await t.request(`/items/${id}`, { cookie: leader })).text();
    expect(page).toContain('Phòng Giáo dục và Đào tạo');
  });

  it('answers 404 for a response to an unknown item', async () => {
    const response = await t.request('/api/items/999999/responses', { cookie: staff, json: { kind: 'reply', channel: 'press', text: 'x' } });
    expect(response.status).toBe(404);
  });

  it('records a response through the page form and shows it with a safe link only', async () => {
    const id = itemIds[2]!;
    const post = (fields: Record<string, string>) =>
      t.request(`/items/${id}/responses`, {
        method: 'POST',
        cookie: staff,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    const bad = await post({ kind: 'reply', channel: 'press', text: 'x', link: 'javascript:alert(1)' });
    // Refused with the form shown again: the error, and what was typed kept.
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('value="javascript:alert(1)"');
    // The form's wall-clock minute in Asia/Ho_Chi_Minh, now: not before the item was collected.
    const wallClockNow = new Date(Date.now() + 7 * 60 * 60 * 1000).toISOString().slice(0, 16);
    const good = await post({ kind: 'clarification', channel: 'loudspeaker', text: '"><img src=x onerror=alert(1)>', link: '', respondedAt: wallClockNow });
    expect(good.headers.get('location')).toBe(`/items/${id}?flash=saved`);
    const page = await (await t.request(`/items/${id}`, { cookie: staff })).text();
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toContain('href="javascript:');
  });
});

describe('audit trail export', () => {
  it('exports an item’s trail as CSV with a BOM, escaping formula-like cells', async () => {
    const id = itemIds[0]!;
    await t.request(`/api/items/${id}`, { method: 'PATCH', cookie: staff, json: { note: '@SUM(A1:A2)' } });
    await t.request(`/api/items/${id}/responses`, { cookie: staff, json: { kind: 'reply', channel: 'press', text: '-1+2' } });
    const response = await t.request(`/api/items/${id}/events.csv`, { cookie: leader });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get('content-disposition')).toMatch(/attachment/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    // For people: Vietnamese headers, the changed field and values from the catalogue, local times.
    expect(csv.startsWith('\uFEFFThời điểm,Mã tin,Tiêu đề tin,Người thực hiện,Nội dung thay đổi,Giá trị cũ,Giá trị mới,Ghi chú\r\n')).toBe(true);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""bấm vào"")"`);
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
    expect(csv).toContain(`"'@SUM(A1:A2)"`);
    expect(csv).toContain(`"'-1+2"`);
    const events = ((await (await t.request(`/api/items/${id}/events`, { cookie: leader })).json()) as { events: Array<{ at: string; field: string; toValue: string | null }> }).events;
    const response_ = events.find((event) => event.toValue === 'reply / press')!;
    const responseRow = csv.split('\r\n').find((row) => row.includes(',Trả lời / Báo chí,'))!;
    expect(responseRow.startsWith(`${formatLocalDateTime(new Date(response_.at))},${id},`)).toBe(true);
    expect(responseRow).toContain(',Phản hồi,,Trả lời / Báo chí,');
    expect(csv).not.toMatch(/reply \/ press|\d{4}-\d\d-\d\dT/);

    // The machine-readable form stays available for programs.
    const raw = await (await t.request(`/api/items/${id}/events.csv?format=raw`, { cookie: leader })).text();
    expect(raw.startsWith('at,item_id,item_title,user,field,from,to,note\r\n')).toBe(true);
    expect(raw).toContain(`${new Date(response_.at).toISOString()},${id},`);
    expect(raw).toContain(',response,,reply / press,');
    expect(raw).toContain(',response,,escalation / report_up,');
    expect((await t.request(`/api/items/${id}/events.csv?format=pdf`, { cookie: leader })).status).toBe(400);
  });

  it('makes every cell a spreadsheet could run inert, and leaves the rest as they are', () => {
    expect(['=1+1', '+1', '-1', '@A1', '\tx', '\rx'].map(escapeCsvCell)).toEqual([`"'=1+1"`, `"'+1"`, `"'-1"`, `"'@A1"`, `"'\tx"`, `"'\rx"`]);
    expect(['Tin đồn', 'a,b', 'nói "không"', '1-2', ''].map(escapeCsvCell)).toEqual(['Tin đồn', '"a,b"', '"nói ""không"""', '1-2', '']);
  });

  it('translates statuses, verdicts, dismissal reasons and response kinds and channels for people', () => {
    const at = new Date('2026-11-01T17:30:00Z');
    const rows = [
      { at, itemId: 7, itemTitle: 'Tin', username: 'cb', field: 'status', fromValue: 'new', toValue: 'dismissed', note: 'duplicate · đã có tin #3' },
      { at, itemId: 7, itemTitle: 'Tin', username: 'cb', field: 'verdict', fromValue: null, toValue: 'false', note: null },
      { at, itemId: 7, itemTitle: 'Tin', username: 'cb', field: 'response', fromValue: null, toValue: 'reply / residential_meeting', note: null },
    ];
    expect(formatEventsCsv(rows).split('\r\n').slice(1, 4)).toEqual([
      '02/11/2026 00:30,7,Tin,cb,Trạng thái,Mới,Đã bỏ qua,Trùng lặp · đã có tin #3',
      '02/11/2026 00:30,7,Tin,cb,Kết luận,,Tin sai sự thật,',
      '02/11/2026 00:30,7,Tin,cb,Phản hồi,,Trả lời / Họp tổ dân phố,',
    ]);
    expect(formatEventsCsv(rows, 'en').split('\r\n')[1]).toBe('02/11/2026 00:30,7,Tin,cb,Status,New,Dismissed,Duplicate · đã có tin #3');
    expect(formatEventsCsv(rows, 'raw').split('\r\n')[1]).toBe('2026-11-01T17:30:00.000Z,7,Tin,cb,status,new,dismissed,duplicate · đã có tin #3');
  });

  it('exports every item’s trail between two days, and refuses a bad day', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    const all = await t.request(`/api/events.csv?from=${today}&to=${today}`, { cookie: staff });
    expect(all.status).toBe(200);
    const rows = (await all.text()).trim().split('\r\n');
    const itemColumn = new Set(rows.slice(1).map((row) => row.split(',')[1]));
    expect(itemColumn).toEqual(new Set(itemIds.map(String)));
    const none = await t.request('/api/events.csv?to=2000-01-01', { cookie: staff });
    expect((await none.text()).trim().split('\r\n')).toHaveLength(1);
    expect((await t.request('/api/events.csv?from=yesterday', { cookie: staff })).status).toBe(400);
  });

  it('offers no route that edits or deletes an event', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const response = await t.request(`/api/items/${itemIds[0]}/events`, { method, cookie: staff, json: {} });
      expect(response.status, method).toBe(404);
    }
  });
});

describe('roles', () => {
  it('lets leaders read decisions, responses and exports but change nothing', async () => {
    const id = itemIds[1]!;
    const before = await getItem(id);
    const writes = [
      t.request(`/api/items/${id}`, { method: 'PATCH', cookie: leader, json: { verdict: 'fake' } }),
      t.request(`/api/items/${id}/responses`, { cookie: leader, json: { kind: 'reply', channel: 'press', text: 'x' } }),
      t.request(`/items/${id}/decision`, { method: 'POST', cookie: leader, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'verdict=fake' }),
      t.request(`/items/${id}/responses`, { method: 'POST', cookie: leader, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'kind=reply&channel=press&text=x' }),
    ];
    for (const response of await Promise.all(writes)) expect(response.status).toBe(403);
    expect(await getItem(id)).toEqual(before);
    expect((await t.request(`/api/items/${id}/responses`, { cookie: leader })).status).toBe(200);
    expect((await t.request('/api/events.csv', { cookie: leader })).status).toBe(200);
    const page = await (await t.request(`/items/${id}`, { cookie: leader })).text();
    expect(page).not.toContain('/decision"');
    expect((await t.request('/api/events.csv', { cookie: mttq })).status).toBe(403);
  });
});
