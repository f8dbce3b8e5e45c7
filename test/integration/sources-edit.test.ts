// Editing a source: PATCH /api/sources/:id and the edit page, checked exactly as adding one is.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { applySourceChanges, checkSourceChanges } from '../../src/api/source-changes.ts';
import { createSourceChecker } from '../../src/collectors/source-checker.ts';
import { openDatabase } from '../../src/db/client.ts';
import { createBullmqRunner, REFRESH_QUEUE, schedulerIdFor } from '../../src/jobs/bullmq-runner.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { getSource, insertSource, listDueSourceIds } from '../../src/db/queries/sources.ts';
import { sources } from '../../src/db/schema.ts';
import type { Source } from '../../src/domain/source.ts';
import { startHostileServer, type HostileServer } from '../helpers/hostile-feed-server.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { testRedisUrl } from '../helpers/test-redis.ts';

const FEED = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Tin phường</title><link>http://example.org/</link>
<item><title>Khai giảng năm học mới</title><link>http://example.org/1</link><guid>g-1</guid></item>
<item><title>Họp phụ huynh đầu năm</title><link>http://example.org/2</link><guid>g-2</guid></item>
</channel></rss>`;

let database: TestDatabase;
let t: TestApp;
let server: HostileServer;
let admin: string;
let staff: string;
let leader: string;
const seenConditional: Array<string | undefined> = [];

// Answers the feed with an ETag, and 304 to a request that sends it back.
function feedWithEtag(request: IncomingMessage, response: ServerResponse): void {
  seenConditional.push(request.headers['if-none-match'] as string | undefined);
  if (request.headers['if-none-match'] === '"v1"') {
    response.writeHead(304, { etag: '"v1"' });
    response.end();
    return;
  }
  response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: '"v1"', 'last-modified': 'Sat, 28 Nov 2026 08:00:00 GMT' });
  response.end(FEED);
}

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  server = await startHostileServer();
  server.setRoute('/feed-a.xml', feedWithEtag);
  server.setRoute('/feed-b.xml', feedWithEtag);
  admin = await t.signIn('admin');
  staff = await t.signIn('staff');
  leader = await t.signIn('leader');
});
afterAll(async () => {
  await t?.close();
  await server?.close();
  await database?.close();
});

// Each source its own address (an address already used is refused); the test server ignores the query.
let added = 0;
const feedA = () => `${server.url('/feed-a.xml')}?n=${++added}`;

async function addSource(name = 'Nguồn thử', url = feedA()): Promise<Source> {
  const created = await t.request('/api/sources', { cookie: admin, json: { kind: 'rss', name, url } });
  expect(created.status, await created.clone().text()).toBe(201);
  return (await created.json()) as Source;
}

function patch(id: number | string, json: unknown, cookie = admin): Promise<Response> {
  return t.request(`/api/sources/${id}`, { method: 'PATCH', cookie, json });
}

async function errorOf(response: Response): Promise<{ code: string; details: Array<{ field: string; code: string }> }> {
  return ((await response.json()) as { error: { code: string; details: Array<{ field: string; code: string }> } }).error;
}

function form(fields: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  };
}

describe('PATCH /api/sources/:id', () => {
  it('changes the name (stored as NFC), the address and the interval, and answers the source', async () => {
    const source = await addSource();
    const decomposed = 'Trường THCS Hòa An'.normalize('NFD');
    expect(decomposed).not.toBe(decomposed.normalize('NFC'));
    const response = await patch(source.id, { name: `  ${decomposed} `, url: server.url('/feed-b.xml'), pollIntervalSeconds: 1800 });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as Source;
    expect(body).toMatchObject({ id: source.id, name: 'Trường THCS Hòa An'.normalize('NFC'), url: server.url('/feed-b.xml'), pollIntervalSeconds: 1800 });
    const stored = await getSource(database.db, source.id);
    expect(stored!.name).toBe('Trường THCS Hòa An'.normalize('NFC'));
    expect(stored!.name.normalize('NFC')).toBe(stored!.name);
    expect(stored!.pollIntervalSeconds).toBe(1800);
    const read = await t.request(`/api/sources/${source.id}`, { cookie: leader });
    expect(((await read.json()) as Source).url).toBe(server.url('/feed-b.xml'));
  });

  it('refuses bad addresses with 422 naming the field, and changes nothing', async () => {
    const source = await addSource('Nguồn giữ nguyên');
    const bad = [
      'javascript:alert(1)',
      'file:///etc/passwd',
      `http://example.org/${'a'.repeat(10_000)}`,
      'http://10.0.0.5/feed.xml',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/feed.xml',
      'http://localhost:8080/feed.xml',
      'not a url',
    ];
    for (const url of bad) {
      const response = await patch(source.id, { url, name: 'Đổi tên' });
      expect(response.status, url.slice(0, 60)).toBe(422);
      const error = await errorOf(response);
      expect(error.code).toBe('validation_failed');
      expect(error.details.map((detail) => detail.field), url.slice(0, 60)).toContain('url');
    }
    const blocked = await errorOf(await patch(source.id, { url: 'http://192.168.1.1/rss' }));
    expect(blocked.details).toEqual([{ field: 'url', code: 'blocked_address' }]);
    const stored = await getSource(database.db, source.id);
    expect(stored).toMatchObject({ name: 'Nguồn giữ nguyên', url: source.url });
  });

  it('refuses the same private address when a source is added', async () => {
    const response = await t.request('/api/sources', { cookie: admin, json: { kind: 'rss', name: 'x', url: 'http://10.1.2.3/rss' } });
    expect(response.status).toBe(422);
    expect((await errorOf(response)).details).toEqual([{ field: 'url', code: 'blocked_address' }]);
  });

  it('refuses unknown fields, wrong types, an empty name, a bad interval and an empty change', async () => {
    const source = await addSource();
    for (const [body, field] of [
      [{ kind: 'html' }, ''],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ enabled: 'yes' }, 'enabled'],
      [{ pollIntervalSeconds: 10 }, 'pollIntervalSeconds'],
      [{ pollIntervalSeconds: 30 * 24 * 3600 }, 'pollIntervalSeconds'],
      [{}, ''],
    ] as const) {
      const response = await patch(source.id, body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      const fields = (await errorOf(response)).details.map((detail) => detail.field);
      expect(fields, JSON.stringify(body)).toContain(field);
    }
    const notJson = await patch(source.id, null);
    expect(notJson.status).toBe(422);
  });

  it('answers 404 for an unknown or malformed id', async () => {
    expect((await patch(999_999, { name: 'x' })).status).toBe(404);
    expect((await patch('abc', { name: 'x' })).status).toBe(404);
    expect((await t.request('/api/sources/999999', { cookie: admin })).status).toBe(404);
    expect((await t.request('/sources/999999', { cookie: admin })).status).toBe(404);
  });

  it('lets only an admin edit', async () => {
    const source = await addSource('Nguồn của quản trị');
    expect((await patch(source.id, { name: 'Cán bộ đổi' }, staff)).status).toBe(403);
    expect((await patch(source.id, { name: 'Lãnh đạo đổi' }, leader)).status).toBe(403);
    expect((await t.request(`/api/sources/${source.id}`, { method: 'PATCH', json: { name: 'Ẩn danh' } })).status).toBe(401);
    expect((await t.request(`/sources/${source.id}`, { cookie: staff })).status).toBe(403);
    expect((await t.request(`/sources/${source.id}`, { ...form({ name: 'Cán bộ đổi' }), cookie: staff })).status).toBe(403);
    expect((await getSource(database.db, source.id))!.name).toBe('Nguồn của quản trị');
  });

  it('stops scheduling a disabled source, and makes it due at once when enabled again', async () => {
    const source = await addSource();
    const now = new Date();
    expect(await listDueSourceIds(database.db, now)).toContain(source.id);
    const off = await patch(source.id, { enabled: false });
    expect(off.status).toBe(200);
    expect(((await off.json()) as Source).enabled).toBe(false);
    expect(await listDueSourceIds(database.db, now)).not.toContain(source.id);
    expect(await listDueSourceIds(database.db, new Date(now.getTime() + 30 * 24 * 3600_000))).not.toContain(source.id);

    await database.db.update(sources).set({ nextFetchAt: new Date(now.getTime() + 3600_000) }).where(eq(sources.id, source.id));
    const on = await patch(source.id, { enabled: true });
    expect(((await on.json()) as Source).nextFetchAt).toBeNull();
    expect(await listDueSourceIds(database.db, now)).toContain(source.id);
  });

  it('forgets the validators and the health when the address changes, so the next fetch is a full one', async () => {
    const source = await addSource('Nguồn đổi địa chỉ', feedA());
    const first = await t.request(`/api/sources/${source.id}/fetch`, { cookie: staff, json: {} });
    expect(await first.json()).toMatchObject({ status: 'ok', stored: 2 });
    const second = await t.request(`/api/sources/${source.id}/fetch`, { cookie: staff, json: {} });
    expect(await second.json()).toMatchObject({ status: 'not_modified' });
    await database.db
      .update(sources)
      .set({ contentHash: 'old', consecutiveFailures: 2, lastError: 'trước đây hỏng', lastErrorCode: 'http_error', lastErrorAt: new Date(), failingSince: new Date() })
      .where(eq(sources.id, source.id));

    // Only the name: the validators stay.
    await patch(source.id, { name: 'Nguồn đổi địa chỉ (mới)' });
    let [row] = await database.db.select().from(sources).where(eq(sources.id, source.id));
    expect(row!.etag).toBe('"v1"');

    const changed = await patch(source.id, { url: `${server.url('/feed-b.xml')}?m=2` });
    expect(changed.status).toBe(200);
    [row] = await database.db.select().from(sources).where(eq(sources.id, source.id));
    expect(row).toMatchObject({
      url: `${server.url('/feed-b.xml')}?m=2`,
      etag: null,
      lastModified: null,
      contentHash: null,
      consecutiveFailures: 0,
      failingSince: null,
      lastError: null,
      lastErrorCode: null,
      lastErrorAt: null,
      lastSuccessAt: null,
      nextFetchAt: null,
    });
    expect(await listDueSourceIds(database.db, new Date())).toContain(source.id);
    seenConditional.length = 0;
    const third = await t.request(`/api/sources/${source.id}/fetch`, { cookie: staff, json: {} });
    expect(await third.json()).toMatchObject({ status: 'ok' });
    expect(seenConditional).toEqual([undefined]);
  });

  it('moves the next try of a healthy source to its last success plus the new interval', async () => {
    const source = await addSource();
    const lastSuccessAt = new Date(Date.now() - 10 * 60_000);
    await database.db
      .update(sources)
      .set({ lastSuccessAt, nextFetchAt: new Date(Date.now() + 3600_000) })
      .where(eq(sources.id, source.id));
    const body = (await (await patch(source.id, { pollIntervalSeconds: 300 })).json()) as { nextFetchAt: string };
    expect(new Date(body.nextFetchAt).getTime()).toBe(lastSuccessAt.getTime() + 300_000);
    expect(await listDueSourceIds(database.db, new Date())).toContain(source.id);
  });

  it('checks web-page selectors as on creation and refuses a URL or selectors on form and import sources', async () => {
    const page = await t.request('/api/sources', {
      cookie: admin,
      json: { kind: 'html', name: 'Trang trường', url: feedA(), selectors: { item: 'ul li' } },
    });
    const html = (await page.json()) as Source;
    const xpath = await patch(html.id, { selectors: { item: '//li' } });
    expect(xpath.status).toBe(422);
    expect((await errorOf(xpath)).details).toEqual([{ field: 'selectors.item', code: 'xpath' }]);
    const ok = await patch(html.id, { selectors: { item: 'div.news article', title: 'h3' } });
    expect(((await ok.json()) as Source).selectors).toEqual({ item: 'div.news article', title: 'h3' });
    const cleared = await patch(html.id, { selectors: null });
    expect(((await cleared.json()) as Source).selectors).toBeNull();

    const rss = await addSource();
    expect((await errorOf(await patch(rss.id, { selectors: { item: 'li' } }))).details).toEqual([{ field: 'selectors', code: 'not_allowed' }]);

    for (const kind of ['form', 'import'] as const) {
      const source = await insertSource(database.db, { kind, name: `Góp ý ${kind}`, url: null });
      const response = await patch(source.id, { url: 'https://example.org/feed.xml' });
      expect(response.status, kind).toBe(422);
      expect((await errorOf(response)).details).toEqual([{ field: 'url', code: 'not_allowed' }]);
      expect((await getSource(database.db, source.id))!.url).toBeNull();
      const renamed = await patch(source.id, { name: 'Ý kiến người dân' });
      expect(renamed.status, kind).toBe(200);
    }
  });
});

describe('form and import sources, which are never polled', () => {
  it('refuses a polling interval through the API, alone or with other problems, and changes nothing', async () => {
    for (const kind of ['form', 'import'] as const) {
      const source = await insertSource(database.db, { kind, name: `Hộp thư góp ý ${kind}`, url: null });
      const alone = await patch(source.id, { pollIntervalSeconds: 600 });
      expect(alone.status, kind).toBe(422);
      expect((await errorOf(alone)).details, kind).toEqual([{ field: 'pollIntervalSeconds', code: 'not_allowed' }]);
      const withName = await patch(source.id, { name: 'Tên mới', pollIntervalSeconds: 600 });
      expect((await errorOf(withName)).details, kind).toEqual([{ field: 'pollIntervalSeconds', code: 'not_allowed' }]);
      // A bad interval is refused as not allowed, not as out of range: there is no interval to set.
      const bad = await patch(source.id, { pollIntervalSeconds: -1 });
      expect((await errorOf(bad)).details, kind).toEqual([{ field: 'pollIntervalSeconds', code: 'not_allowed' }]);
      const withUrl = await patch(source.id, { pollIntervalSeconds: 600, url: 'https://example.org/feed.xml' });
      expect((await errorOf(withUrl)).details, kind).toEqual([
        { field: 'url', code: 'not_allowed' },
        { field: 'pollIntervalSeconds', code: 'not_allowed' },
      ]);
      expect(await getSource(database.db, source.id), kind).toMatchObject({ name: `Hộp thư góp ý ${kind}`, pollIntervalSeconds: source.pollIntervalSeconds });
      // Switching it off and on stays possible.
      expect((await patch(source.id, { enabled: false })).status, kind).toBe(200);
      expect((await patch(source.id, { enabled: true })).status, kind).toBe(200);
    }
  });

  it('shows no interval or automatic fetching on the edit page, and saving the name ignores a posted interval', async () => {
    const source = await insertSource(database.db, { kind: 'form', name: 'Ý kiến qua biểu mẫu', url: null });
    const html = await (await t.request(`/sources/${source.id}`, { cookie: admin })).text();
    expect(html).not.toContain('name="poll_interval_minutes"');
    expect(html).not.toContain('Bật lấy tin tự động');
    expect(html).not.toContain('Chưa lấy tin lần nào');
    expect(html).toContain('Chưa nhận ý kiến nào');

    const saved = await t.request(`/sources/${source.id}`, { ...form({ name: 'Ý kiến cử tri', poll_interval_minutes: '5' }), cookie: admin });
    expect(saved.status).toBe(303);
    // The form sends no check box: the source stays on, its interval untouched.
    expect(await getSource(database.db, source.id)).toMatchObject({ name: 'Ý kiến cử tri', enabled: true, pollIntervalSeconds: source.pollIntervalSeconds });
  });
});

describe('the edit page', () => {
  it('shows the form with the source, saves a change and says so', async () => {
    const source = await addSource('Trang của phường');
    const page = await t.request(`/sources/${source.id}`, { cookie: admin });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('value="Trang của phường"');
    expect(html).toContain(`formaction="/sources/${source.id}/preview"`);
    expect(html).toContain(`action="/sources/${source.id}/enabled"`);

    const saved = await t.request(`/sources/${source.id}`, {
      ...form({ name: 'Trang tin phường Hòa An'.normalize('NFD'), url: `${server.url('/feed-b.xml')}?m=3`, poll_interval_minutes: '30', enabled: 'on' }),
      cookie: admin,
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/sources/${source.id}?saved=1`);
    expect(await getSource(database.db, source.id)).toMatchObject({
      name: 'Trang tin phường Hòa An'.normalize('NFC'),
      url: `${server.url('/feed-b.xml')}?m=3`,
      pollIntervalSeconds: 1800,
      enabled: true,
    });
    const after = await (await t.request(`/sources/${source.id}?saved=1`, { cookie: admin })).text();
    expect(after).toContain('Đã lưu thay đổi của nguồn tin.');
  });

  it('shows errors next to their fields and keeps what was typed, storing nothing', async () => {
    const source = await addSource('Nguồn không đổi');
    const response = await t.request(`/sources/${source.id}`, {
      ...form({ name: 'Tên mới', url: 'http://127.0.0.2/feed.xml', poll_interval_minutes: '0', enabled: 'on' }),
      cookie: admin,
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toMatch(/id="source-edit-url"[^>]*aria-invalid="true"/);
    expect(html).toContain('id="source-edit-url-error"');
    expect(html).toContain('id="source-edit-interval-error"');
    expect(html).toContain('Địa chỉ này trỏ vào mạng nội bộ');
    expect(html).toContain('value="Tên mới"');
    expect((await getSource(database.db, source.id))!.name).toBe('Nguồn không đổi');
  });

  it('turns a source off and on from the list and the edit page', async () => {
    const source = await addSource();
    const off = await t.request(`/sources/${source.id}/enabled`, { ...form({ enabled: 'false', next: 'list' }), cookie: admin });
    expect(off.status).toBe(303);
    expect(off.headers.get('location')).toBe('/sources');
    expect((await getSource(database.db, source.id))!.enabled).toBe(false);
    expect(await listDueSourceIds(database.db, new Date())).not.toContain(source.id);
    const list = await (await t.request('/sources', { cookie: admin })).text();
    expect(list).toContain(`href="/sources/${source.id}"`);
    const on = await t.request(`/sources/${source.id}/enabled`, { ...form({ enabled: 'true', next: 'edit' }), cookie: admin });
    expect(on.headers.get('location')).toBe(`/sources/${source.id}?saved=1`);
    expect((await getSource(database.db, source.id))!.enabled).toBe(true);
    const staffList = await (await t.request('/sources', { cookie: staff })).text();
    expect(staffList).not.toContain(`/sources/${source.id}/enabled`);
  });

  it('previews the typed address without saving it', async () => {
    const previewUrl = feedA();
    const source = await addSource('Nguồn xem thử', previewUrl);
    server.setRoute('/other.xml', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
      response.end(FEED.replace('Khai giảng năm học mới', 'Tin xem thử riêng'));
    });
    const response = await t.request(`/sources/${source.id}/preview`, {
      ...form({ name: 'Nguồn xem thử', url: server.url('/other.xml'), poll_interval_minutes: '15', enabled: 'on' }),
      cookie: admin,
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Tin xem thử riêng');
    expect(html).toContain(`value="${server.url('/other.xml')}"`);
    expect((await getSource(database.db, source.id))!.url).toBe(previewUrl);
  });

  it('keeps a hostile name inert on the list and the edit page', async () => {
    const hostile = '"><img src=x onerror=alert(1)><svg><script>alert(2)</script>';
    const source = await addSource('Tạm');
    expect((await patch(source.id, { name: hostile })).status).toBe(200);
    for (const path of [`/sources/${source.id}`, '/sources']) {
      const html = await (await t.request(path, { cookie: admin })).text();
      expect(html, path).not.toContain('<img src=x');
      expect(html, path).not.toContain('<script>alert(2)');
      expect(html, path).toContain('&lt;img src=x onerror=alert(1)&gt;');
    }
  });
});

describe('duluan source edit', () => {
  let dir: string;
  let rssId: number;
  let formId: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duluan-source-edit-'));
    const db = await openDatabase({ dataDir: dir });
    await runMigrations(db);
    rssId = (await insertSource(db.db, { kind: 'rss', name: 'Báo CLI', url: 'https://cli.example/rss' })).id;
    formId = (await insertSource(db.db, { kind: 'form', name: 'Góp ý CLI', url: null })).id;
    await db.close();
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent', COLLECTOR_ALLOW_HOSTS: '' };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('changes a source and prints it, and refuses what the API refuses', async () => {
    const edited = await cli(['source', 'edit', String(rssId), '--name', 'Báo CLI (sửa)'.normalize('NFD'), '--interval-minutes', '45', '--disable']);
    expect(edited.code, edited.stderr).toBe(0);
    expect(JSON.parse(edited.stdout)).toMatchObject({ id: rssId, name: 'Báo CLI (sửa)'.normalize('NFC'), pollIntervalSeconds: 2700, enabled: false });

    const blocked = await cli(['source', 'edit', String(rssId), '--url', 'http://10.0.0.1/feed.xml']);
    expect(blocked.code).toBe(1);
    expect(JSON.parse(blocked.stderr)).toEqual({ error: 'validation_failed', details: [{ field: 'url', code: 'blocked_address' }] });
    const formUrl = await cli(['source', 'edit', String(formId), '--url', 'https://example.org/x']);
    expect(formUrl.code).toBe(1);
    expect(formUrl.stderr).toContain('not_allowed');
    // A form source is never polled: the CLI refuses an interval as the API does.
    const formInterval = await cli(['source', 'edit', String(formId), '--interval-minutes', '30']);
    expect(formInterval.code).toBe(1);
    expect(JSON.parse(formInterval.stderr)).toEqual({ error: 'validation_failed', details: [{ field: 'pollIntervalSeconds', code: 'not_allowed' }] });
    const unknown = await cli(['source', 'edit', '99999', '--name', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no source with id 99999');

    const db = await openDatabase({ dataDir: dir });
    try {
      expect(await getSource(db.db, rssId)).toMatchObject({ url: 'https://cli.example/rss', enabled: false });
    } finally {
      await db.close();
    }
  }, 120_000);
});

const redisUrl = testRedisUrl();

describe.runIf(redisUrl)('an edit through the BullMQ runner', () => {
  it('drops the schedule of a disabled source and reschedules it with its new interval', async () => {
    const prefix = `duluan-test-${randomBytes(4).toString('hex')}`;
    const runner = createBullmqRunner({ redisUrl: redisUrl!, deps: t.pipeline, prefix });
    const queue = new Queue(REFRESH_QUEUE, { connection: { url: redisUrl! }, prefix });
    const checker = createSourceChecker(t.pipeline.fetch);
    try {
      const source = await addSource('Nguồn có lịch');
      await runner.scheduleSource(source);
      expect(await queue.getJobScheduler(schedulerIdFor(source.id))).toBeTruthy();

      const off = checkSourceChanges(checker, source, { enabled: false });
      if (!off.ok) throw new Error(JSON.stringify(off.errors));
      const disabled = (await applySourceChanges({ db: database.db, jobs: runner }, source, off.value))!;
      expect(await queue.getJobScheduler(schedulerIdFor(source.id))).toBeFalsy();

      const on = checkSourceChanges(checker, disabled, { enabled: true, pollIntervalSeconds: 600 });
      if (!on.ok) throw new Error(JSON.stringify(on.errors));
      await applySourceChanges({ db: database.db, jobs: runner }, disabled, on.value);
      expect((await queue.getJobScheduler(schedulerIdFor(source.id)))?.every).toBe(600_000);
    } finally {
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      await runner.close();
    }
  });
});
