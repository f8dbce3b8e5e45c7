// Response deadlines (set when items are stored, tuned in settings), the overdue view and bulk changes.
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClassifier } from '../../src/pipeline/classifier-cache.ts';
import { insertNewItems, type NewItem } from '../../src/db/queries/items.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import { items, triageEvents } from '../../src/db/schema.ts';
import type { Classifier, Label } from '../../src/domain/classification.ts';
import { importFeedback } from '../../src/pipeline/import-feedback.ts';
import { refreshSource } from '../../src/pipeline/refresh-source.ts';
import { respond, startHostileServer, type HostileServer } from '../helpers/hostile-feed-server.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const HOUR = 3_600_000;

// Labels come from the title's tag, so each severity is certain.
const taggedClassifier: Classifier = {
  version: 'tagged-test',
  classify({ title }) {
    const labels: Label[] = [];
    if (title.includes('[mis]')) labels.push('misinformation');
    if (title.includes('[neg]')) labels.push('negative');
    if (title.includes('[off]')) labels.push('offensive');
    return { labels, scores: {}, spans: [], version: 'tagged-test' };
  },
};

let database: TestDatabase;
let server: HostileServer;
let t: TestApp;
let admin: string;
let staff: string;
let leader: string;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startHostileServer();
  t = createTestApp(database);
  admin = await t.signIn('admin', 'deadline-admin');
  staff = await t.signIn('staff', 'deadline-staff');
  leader = await t.signIn('leader', 'deadline-leader');
});
afterAll(async () => {
  await t?.close();
  await server?.close();
  await database?.close();
});

function rss(titles: string[]): string {
  const entries = titles.map((title, index) => `<item><guid>g-${index}-${title}</guid><title>${title}</title><description>Nội dung</description></item>`);
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title><link>http://127.0.0.1/</link>${entries.join('')}</channel></rss>`;
}

async function dueHoursByTitle(sourceId: number): Promise<Record<string, number | null>> {
  const rows = await database.db
    .select({ title: items.title, collectedAt: items.collectedAt, dueAt: items.dueAt })
    .from(items)
    .where(eq(items.sourceId, sourceId));
  return Object.fromEntries(rows.map((row) => [row.title, row.dueAt ? (row.dueAt.getTime() - row.collectedAt.getTime()) / HOUR : null]));
}

const setDeadlines = (cookie: string, body: unknown) =>
  t.request('/api/settings/deadlines', { method: 'PUT', cookie, json: body });

describe('response deadlines', () => {
  it('sets due_at per severity when a feed is refreshed, and none on unflagged articles', async () => {
    server.setRoute('/sev.xml', respond(rss(['Tin [mis]', 'Tin [neg]', 'Tin [off]', 'Tin [neg] [mis]', 'Tin thường'])));
    const source = await insertSource(database.db, { kind: 'rss', name: 'Báo thử hạn', url: server.url('/sev.xml') });
    const result = await refreshSource(
      { db: database.db, classifiers: fixedClassifier(taggedClassifier), fetch: { allowHosts: ['127.0.0.1'], timeoutMs: 2000, maxBytes: 1 << 20 } },
      source.id,
      { force: true },
    );
    expect(result.stored).toBe(5);
    expect(await dueHoursByTitle(source.id)).toEqual({
      'Tin [mis]': 24,
      'Tin [neg]': 72,
      'Tin [off]': 72,
      'Tin [neg] [mis]': 24,
      'Tin thường': null,
    });
  });

  it('gives imported citizen feedback the feedback deadline, using the deadlines staff set', async () => {
    const put = await setDeadlines(admin, { misinformation: 12, negative: 48, offensive: 72, feedback: 120 });
    expect(put.status).toBe(200);
    const summary = await importFeedback(
      { db: database.db, classifiers: fixedClassifier(taggedClassifier) },
      {
        sourceName: 'Góp ý thử hạn',
        filename: 'gop-y.csv',
        bytes: new TextEncoder().encode('tieu_de,noi_dung\nGóp ý,Đường trước trường ngập\nTin [mis],Nghe nói trường thu thêm tiền\n'),
        mapping: { title: 0, content: 1 },
        userId: null,
      },
    );
    expect(summary.status).toBe('done');
    expect(await dueHoursByTitle(summary.sourceId)).toEqual({ 'Góp ý': 120, 'Tin [mis]': 12 });
    expect(await (await t.request('/api/settings/deadlines', { cookie: leader })).json()).toEqual({
      misinformation: 12,
      negative: 48,
      offensive: 72,
      feedback: 120,
    });
  });

  it('refuses deadlines outside 1..2000 hours, missing or unknown fields, and lets only admins change them', async () => {
    const valid = { misinformation: 24, negative: 72, offensive: 72, feedback: 168 };
    for (const body of [
      { ...valid, misinformation: 0 },
      { ...valid, feedback: 2001 },
      { ...valid, negative: 1.5 },
      { misinformation: 24 },
      { ...valid, rumour: 5 },
      [],
    ]) {
      const response = await setDeadlines(admin, body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    }
    expect((await setDeadlines(staff, valid)).status).toBe(403);
    expect((await setDeadlines(leader, valid)).status).toBe(403);
    expect((await setDeadlines(admin, valid)).status).toBe(200);
    expect(await (await t.request('/api/settings/deadlines', { cookie: staff })).json()).toEqual(valid);
  });
});

describe('the overdue view and bulk changes', () => {
  let ids: Record<string, number> = {};

  beforeAll(async () => {
    const source = await insertSource(database.db, { kind: 'rss', name: 'Nguồn quá hạn', url: 'http://127.0.0.1/overdue' });
    const now = Date.now();
    const base = (key: string, dueInHours: number | null): NewItem => ({
      sourceId: source.id,
      keyHash: key,
      url: null,
      title: key,
      body: 'Nội dung',
      author: null,
      publishedAt: new Date(now - 5 * 24 * HOUR),
      collectedAt: new Date(now - 5 * 24 * HOUR),
      searchText: key,
      contentHash: key,
      labels: ['negative'],
      classification: { labels: ['negative'], scores: {}, spans: [], version: 'test' },
      priority: 200,
      dueAt: dueInHours === null ? null : new Date(now + dueInHours * HOUR),
    });
    await insertNewItems(database.db, [
      base('overdue-late', -2),
      base('overdue-early', -30),
      base('overdue-dismissed', -50),
      base('not-yet-due', 10),
      base('no-deadline', null),
      base('overdue-in-review', -10),
    ]);
    const rows = await database.db.select({ id: items.id, title: items.title }).from(items).where(eq(items.sourceId, source.id));
    ids = Object.fromEntries(rows.map((row) => [row.title, Number(row.id)]));
    await database.db.update(items).set({ status: 'dismissed' }).where(eq(items.id, ids['overdue-dismissed']!));
    await database.db.update(items).set({ status: 'in_review' }).where(eq(items.id, ids['overdue-in-review']!));
  });

  it('lists only open items past their deadline, earliest deadline first, across pages', async () => {
    const first = (await (await t.request('/api/items?overdue=true&limit=2', { cookie: leader })).json()) as {
      items: Array<{ title: string; dueAt: string }>;
      nextCursor: string | null;
    };
    expect(first.items.map((item) => item.title)).toEqual(['overdue-early', 'overdue-in-review']);
    expect(first.nextCursor).not.toBeNull();
    const second = (await (
      await t.request(`/api/items?overdue=true&limit=2&cursor=${first.nextCursor}`, { cookie: leader })
    ).json()) as { items: Array<{ title: string }>; nextCursor: string | null };
    expect(second.items.map((item) => item.title)).toEqual(['overdue-late']);
    expect(second.nextCursor).toBeNull();
  });

  it('shows the overdue count on the queue and each row its deadline, marked when overdue', async () => {
    const queue = await (await t.request('/items', { cookie: staff })).text();
    expect(queue).toContain('Quá hạn (3)');
    expect(queue).toContain('quá hạn');
    expect(queue).toContain('Hạn xử lý:');
    expect(queue).toContain('name="ids"');
    const view = await (await t.request('/items?overdue=true', { cookie: leader })).text();
    expect(view).toContain('overdue-early');
    expect(view).not.toContain('not-yet-due');
    // Leaders read the queue but get no bulk form.
    expect(view).not.toContain('name="ids"');
  });

  it('changes three items in one request, logging an event for each', async () => {
    const chosen = [ids['overdue-late']!, ids['overdue-early']!, ids['not-yet-due']!];
    const response = await t.request('/api/items/bulk', {
      cookie: staff,
      json: { ids: chosen, status: 'dismissed', dismissReason: 'duplicate', note: 'Trùng tin đã xử lý' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ results: chosen.map((id) => ({ id, ok: true })) });
    const rows = await database.db.select({ status: items.status, reason: items.dismissReason }).from(items).where(inArray(items.id, chosen));
    expect(rows).toEqual(chosen.map(() => ({ status: 'dismissed', reason: 'duplicate' })));
    const events = await database.db.select().from(triageEvents).where(inArray(triageEvents.itemId, chosen));
    expect(events).toHaveLength(3);
    for (const event of events) {
      expect(event).toMatchObject({ field: 'status', fromValue: 'new', toValue: 'dismissed', note: 'duplicate · Trùng tin đã xử lý' });
    }
    // Dismissed items leave the overdue view.
    const overdue = (await (await t.request('/api/items?overdue=true', { cookie: staff })).json()) as { items: Array<{ title: string }> };
    expect(overdue.items.map((item) => item.title)).toEqual(['overdue-in-review']);
  });

  it('reports per item what could not change, and changes the rest', async () => {
    const response = await t.request('/api/items/bulk', {
      cookie: staff,
      json: { ids: [ids['overdue-dismissed']!, ids['overdue-in-review']!, 999_999], status: 'responded' },
    });
    expect(await response.json()).toEqual({
      results: [
        { id: ids['overdue-dismissed'], ok: false, error: 'invalid_transition' },
        { id: ids['overdue-in-review'], ok: true },
        { id: 999_999, ok: false, error: 'not_found' },
      ],
    });
  });

  it('refuses leaders and bad ids, and changes nothing', async () => {
    const target = ids['no-deadline']!;
    expect((await t.request('/api/items/bulk', { cookie: leader, json: { ids: [target], status: 'in_review' } })).status).toBe(403);
    for (const body of [
      { ids: [], status: 'in_review' },
      { ids: ['1'], status: 'in_review' },
      { ids: [0], status: 'in_review' },
      { ids: Array.from({ length: 201 }, (_, index) => index + 1), status: 'in_review' },
      { ids: [target] },
      { ids: [target], status: 'archived' },
    ]) {
      const response = await t.request('/api/items/bulk', { cookie: staff, json: body });
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(422);
    }
    const [row] = await database.db.select({ status: items.status, version: items.version }).from(items).where(eq(items.id, target));
    expect(row).toEqual({ status: 'new', version: 1 });
  });

  it('applies the bulk form and goes back to the queue with its filters', async () => {
    const target = ids['no-deadline']!;
    const form = new URLSearchParams([
      ['ids', String(target)],
      ['status', 'in_review'],
      ['dismissReason', ''],
      ['back', '?status=open&label=negative'],
    ]);
    const response = await t.request('/items/bulk', {
      method: 'POST',
      cookie: staff,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/items?status=open&label=negative&bulk=1-1');
    const [row] = await database.db.select({ status: items.status }).from(items).where(eq(items.id, target));
    expect(row!.status).toBe('in_review');
    const page = await (await t.request('/items?status=open&label=negative&bulk=1-1', { cookie: staff })).text();
    expect(page).toContain('Đã cập nhật 1/1 tin.');
  });

  it('explains the priority on the item page', async () => {
    const page = await (await t.request(`/items/${ids['no-deadline']}`, { cookie: leader })).text();
    expect(page).toContain('Tiêu cực +200');
    expect(page).toContain('cùng điểm thì tin mới hơn xếp trước');
  });
});
