// Refused requests leave a trace for supervisors: a conflicting edit, a session used after logout,
// another unit's id typed into the URL, a role without the right, a cross-site form — each answered
// with a clear error, nothing changed, and the denial in the audit log (never editable by the API).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertNewItems } from '../../src/db/queries/items.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import type { Item } from '../../src/domain/item.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let database: TestDatabase;
let t: TestApp;
let staff: string;
let leader: string;
let itemId: number;

interface Denial {
  username: string | null;
  method: string;
  path: string;
  status: number;
  code: string;
  itemId: number | null;
}

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  staff = await t.signIn('staff', 'lan-staff');
  leader = await t.signIn('leader', 'minh-leader');
  const source = await insertSource(database.db, { kind: 'rss', name: 'Báo phường', url: 'http://127.0.0.1/feed' });
  const now = new Date();
  await insertNewItems(database.db, [
    {
      sourceId: source.id,
      keyHash: 'denial-1',
      url: null,
      title: 'Tin đồn thu thêm học phí',
      body: 'Nội dung',
      author: null,
      publishedAt: now,
      collectedAt: now,
      searchText: 'tin don thu them hoc phi',
      contentHash: 'denial-1',
      labels: [],
      classification: { labels: [], scores: {}, spans: [], version: 'test' },
      priority: 0,
    },
  ]);
  const listed = (await (await t.request('/api/items?status=all', { cookie: staff })).json()) as { items: Item[] };
  itemId = listed.items[0]!.id;
});
afterAll(async () => {
  await t?.close();
  await database?.close();
});

async function item(): Promise<Item & { version: number }> {
  return (await (await t.request(`/api/items/${itemId}`, { cookie: staff })).json()) as Item & { version: number };
}

async function denials(): Promise<Denial[]> {
  const response = await t.request('/api/audit/denials', { cookie: leader });
  expect(response.status).toBe(200);
  return ((await response.json()) as { denials: Denial[] }).denials;
}

describe('the audit log of refused requests', () => {
  it('records a conflicting edit against the item, changes nothing, and shows it on the item page', async () => {
    const seen = await item();
    // Someone else saves first; this edit was made on the version seen before theirs.
    const first = await t.request(`/api/items/${itemId}`, { method: 'PATCH', cookie: staff, json: { verdict: 'unverified', version: seen.version } });
    expect(first.status).toBe(200);
    const before = await item();
    const stale = await t.request(`/api/items/${itemId}`, { method: 'PATCH', cookie: staff, json: { verdict: 'fake', version: seen.version } });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBeTruthy();
    expect(await item()).toEqual(before);
    const [latest] = await denials();
    expect(latest).toMatchObject({ username: 'lan-staff', method: 'PATCH', path: `/api/items/${itemId}`, status: 409, itemId });
    const page = await (await t.request(`/items/${itemId}`, { cookie: staff })).text();
    expect(page).toContain('Xung đột: mục đã được người khác sửa');
  });

  it('records a session used after logout, without a user, and changes nothing', async () => {
    const cookie = await t.signIn('staff', 'tuan-staff');
    expect((await t.request('/api/auth/logout', { cookie, json: {} })).status).toBe(200);
    const before = await item();
    const replay = await t.request(`/api/items/${itemId}`, { method: 'PATCH', cookie, json: { status: 'dismissed', dismissReason: 'duplicate' } });
    expect(replay.status).toBe(401);
    expect(await item()).toEqual(before);
    const [latest] = await denials();
    expect(latest).toMatchObject({ username: null, status: 401, code: 'stale_session', itemId });
    // A request with no cookie at all is just a signed-out visit, not worth logging.
    const count = (await denials()).length;
    expect((await t.request('/api/items')).status).toBe(401);
    expect((await denials()).length).toBe(count);
  });

  it('records a role without the right and another officer’s submission typed into the URL', async () => {
    const before = await item();
    expect((await t.request(`/api/items/${itemId}`, { method: 'PATCH', cookie: leader, json: { verdict: 'fake' } })).status).toBe(403);
    expect(await item()).toEqual(before);
    expect((await denials())[0]).toMatchObject({ username: 'minh-leader', status: 403, code: 'forbidden', itemId });

    const owner = await t.signIn('mttq', 'hoa-mttq');
    const other = await t.signIn('mttq', 'binh-mttq');
    const submitted = await t.request('/api/feedback', { cookie: owner, json: { content: 'Đề nghị sửa cổng trường', consent: { given: true, version: '1' } } });
    expect(submitted.status).toBe(201);
    const mine = (await (await t.request('/api/feedback/mine', { cookie: owner })).json()) as { feedback: Array<{ id: number }> };
    const feedbackId = mine.feedback[0]!.id;
    expect((await t.request(`/api/feedback/${feedbackId}`, { cookie: other })).status).toBe(404);
    expect((await denials())[0]).toMatchObject({ username: 'binh-mttq', path: `/api/feedback/${feedbackId}`, status: 404 });
  });

  it('records a cross-site form post, and offers no way to edit or delete the log', async () => {
    const before = await item();
    const crossSite = await t.request(`/items/${itemId}/status`, {
      method: 'POST',
      cookie: staff,
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'status=dismissed',
    });
    expect(crossSite.status).toBe(403);
    expect(await item()).toEqual(before);
    expect((await denials())[0]).toMatchObject({ status: 403, code: 'csrf_failed', itemId });
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
      expect((await t.request('/api/audit/denials', { method, cookie: staff, json: {} })).status).toBe(404);
    }
    const page = await t.request('/audit/denials', { cookie: leader });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Yêu cầu từ trang web khác');
  });
});
