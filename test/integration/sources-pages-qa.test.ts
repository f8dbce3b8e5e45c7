// QA findings on the page shell and the sources page: the language switch keeps the page,
// adding a source is Post/Redirect/Get, read-only roles see no controls they cannot use,
// every field error sits next to its field, and a failed preview speaks the page's language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { langSwitchHref } from '../../dashboard/views/layout.tsx';
import { insertNewItems } from '../../src/db/queries/items.ts';
import { getSource, insertSource, listSources } from '../../src/db/queries/sources.ts';
import { respond, startHostileServer, type HostileServer } from '../helpers/hostile-feed-server.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const FEED = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Tin phường</title>
<item><title>Khai giảng năm học mới</title><link>http://example.org/1</link><guid>g-1</guid></item>
</channel></rss>`;
// An item that never closes: the collector calls the feed malformed.
const BROKEN_FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>Hỏng</title><item><title>Một</channel></rss>';

let database: TestDatabase;
let t: TestApp;
let server: HostileServer;
let admin: string;
let staff: string;
let leader: string;

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  server = await startHostileServer();
  server.setRoute('/feed.xml', respond(FEED));
  server.setRoute('/broken.xml', respond(BROKEN_FEED));
  admin = await t.signIn('admin');
  staff = await t.signIn('staff');
  leader = await t.signIn('leader');
});
afterAll(async () => {
  await t?.close();
  await server?.close();
  await database?.close();
});

// Posts the add-source form (or its preview button) as the browser does.
function postForm(path: string, fields: Record<string, string>, cookie = admin): Promise<Response> {
  return t.request(path, {
    method: 'POST',
    cookie,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

// The href of the language switch, entities decoded.
function langHref(html: string): string {
  const match = /<a class="lang-switch" href="([^"]*)"/.exec(html);
  expect(match, 'language switch').not.toBeNull();
  return match![1]!.replace(/&amp;/g, '&');
}

// The element with the id, and what follows it up to the next label: where a field's error sits.
function fieldBlock(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  expect(start, id).toBeGreaterThan(-1);
  const end = html.indexOf('<label', start);
  return html.slice(start, end === -1 ? undefined : end);
}

describe('the language switch', () => {
  it('builds the address from the request: query kept, lang replaced, a POST sent back to its form page', () => {
    const get = (url: string) => ({ url: `http://localhost${url}`, method: 'GET' });
    expect(langSwitchHref('en', get('/public/feedback/status?receipt=PA-7Q2K&lang=vi'))).toBe('/public/feedback/status?receipt=PA-7Q2K&lang=en');
    expect(langSwitchHref('vi', get('/items?status=new&status=triaged'))).toBe('/items?status=new&status=triaged&lang=vi');
    expect(langSwitchHref('en', { url: 'http://localhost/rules/dry-run', method: 'POST' }, '/rules')).toBe('/rules?lang=en');
    expect(langSwitchHref('en', { url: 'http://localhost/rules?x=1', method: 'POST' })).toBe('/rules?x=1&lang=en');
    // A GET ignores backPath: the page itself exists.
    expect(langSwitchHref('en', get('/sources?created=3'), '/sources')).toBe('/sources?created=3&lang=en');
    // `//host` in the address must not become a link to that host.
    expect(langSwitchHref('en', get('//evil.example/x'))).toBe('/evil.example/x?lang=en');
    expect(langSwitchHref('en', undefined)).toBe('?lang=en');
  });

  it('keeps every query parameter of the page and only sets lang', async () => {
    const weekly = await (await t.request('/reports/weekly?week=2026-W47', { cookie: leader })).text();
    expect(langHref(weekly)).toBe('/reports/weekly?week=2026-W47&lang=en');

    const queue = await (await t.request('/items?label=negative&q=h%E1%BB%8Dc%20ph%C3%AD&lang=en', { cookie: staff })).text();
    const href = new URL(langHref(queue), 'http://localhost');
    expect(href.pathname).toBe('/items');
    expect(href.searchParams.get('label')).toBe('negative');
    expect(href.searchParams.get('q')).toBe('học phí');
    expect(href.searchParams.getAll('lang')).toEqual(['vi']);
  });

  it('escapes what the address carries', async () => {
    const html = await (await t.request(`/items?q=${encodeURIComponent('"><script>alert(1)</script>')}`, { cookie: staff })).text();
    expect(html).not.toContain('<script>alert(1)');
    expect(new URL(langHref(html), 'http://localhost').searchParams.get('q')).toBe('"><script>alert(1)</script>');
  });

  it('points a page answering a POST at the GET page its form came from', async () => {
    const preview = await postForm('/sources/preview', { kind: 'rss', name: 'x', url: server.url('/feed.xml') });
    expect(preview.status).toBe(200);
    const href = langHref(await preview.text());
    expect(href).toBe('/sources?lang=en');
    expect((await t.request(href, { cookie: admin })).status).toBe(200);

    const refused = await postForm('/sources', { kind: 'rss', name: '', url: server.url('/feed.xml') });
    expect(refused.status).toBe(422);
    expect(langHref(await refused.text())).toBe('/sources?lang=en');

    const denied = await postForm('/sources', { kind: 'rss', name: 'x', url: server.url('/feed.xml') }, leader);
    expect(denied.status).toBe(403);
    expect(langHref(await denied.text())).toBe('/items?lang=en');
  });
});

describe('adding a source through the page', () => {
  it('redirects after adding, so a reload does not add it twice, and says what was added', async () => {
    const before = (await listSources(database.db)).length;
    const response = await postForm('/sources', { kind: 'rss', name: 'Trường Tiểu học Hòa An', url: server.url('/feed.xml') });
    expect(response.status).toBe(303);
    const location = response.headers.get('location')!;
    expect(location).toMatch(/^\/sources\?created=\d+$/);
    expect(await listSources(database.db)).toHaveLength(before + 1);

    const page = await t.request(location, { cookie: admin });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Đã thêm nguồn “Trường Tiểu học Hòa An”.');
    // The page after the redirect is a GET: reloading it adds nothing.
    await t.request(location, { cookie: admin });
    expect(await listSources(database.db)).toHaveLength(before + 1);
  });

  it('marks each bad field next to it, in Vietnamese, keeping what was typed', async () => {
    const response = await postForm('/sources', {
      kind: 'html',
      name: '',
      url: server.url('/trang'),
      selector_item: '//div[@class="tin"]',
      selector_title: 'h3 a[',
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('Chưa lưu được: hãy sửa các ô được đánh dấu.');
    expect(fieldBlock(html, 'source-name')).toContain('aria-invalid="true"');
    expect(fieldBlock(html, 'source-name')).toContain('Không được để trống.');

    // Selectors are checked once the rest of the form is right.
    const selectors = await postForm('/sources', {
      kind: 'html',
      name: 'Trang trường',
      url: server.url('/trang'),
      selector_item: '//div[@class="tin"]',
      selector_title: 'h3 a[',
    });
    expect(selectors.status).toBe(422);
    const page = await selectors.text();
    expect(fieldBlock(page, 'selector-item')).toContain('aria-describedby="selector-item-error"');
    expect(fieldBlock(page, 'selector-item')).toContain('Đây là XPath; hãy viết bộ chọn CSS');
    expect(fieldBlock(page, 'selector-title')).toContain('aria-invalid="true"');
    expect(fieldBlock(page, 'selector-title')).toContain('Giá trị không hợp lệ.');
    expect(page).toContain('value="Trang trường"');
    expect(page).toContain('value="h3 a["');
    expect(page).not.toMatch(/Unbalanced|looks like XPath/);
  });

  it('answers the JSON API with each problem as {field, code}', async () => {
    const response = await t.request('/api/sources', { cookie: admin, json: { kind: 'html', name: 'x', url: server.url('/trang'), selectors: { item: '//li' } } });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { details: unknown } };
    expect(body.error.details).toEqual([{ field: 'selectors.item', code: 'xpath' }]);
  });
});

describe('who sees which controls', () => {
  it('shows no fetch or edit controls to a leader, and the fetch button to staff', async () => {
    await postForm('/sources', { kind: 'rss', name: 'Nguồn để lấy tin', url: server.url('/feed.xml') });
    const forLeader = await (await t.request('/sources', { cookie: leader })).text();
    expect(forLeader).not.toContain('Lấy tin ngay');
    expect(forLeader).not.toMatch(/action="\/sources\/\d+\/(fetch|enabled)"/);
    expect(forLeader).not.toContain('action="/sources"');

    const forStaff = await (await t.request('/sources', { cookie: staff })).text();
    expect(forStaff).toContain('Lấy tin ngay');
    expect(forStaff).toMatch(/action="\/sources\/\d+\/fetch"/);
  });
});

describe('a failed preview', () => {
  it('shows the catalogue text, the collector’s English detail only folded under “Chi tiết kỹ thuật”', async () => {
    const response = await postForm('/sources/preview', { kind: 'rss', name: 'x', url: server.url('/broken.xml') });
    expect(response.status).toBe(200);
    const html = await response.text();
    const details = /<details class="error-detail"><summary>Chi tiết kỹ thuật<\/summary>[\s\S]*?<\/details>/.exec(html)?.[0] ?? '';
    expect(details).not.toBe('');
    const visible = html.replace(details, '');
    expect(visible).toContain('Nguồn RSS/Atom bị lỗi định dạng');
    expect(visible).not.toContain('well-formed');
    expect(visible).not.toContain(' — ');
  });
});

describe('a source whose last fetch failed', () => {
  it('shows the Vietnamese error and folds the collector’s English detail into <details>', async () => {
    server.setRoute('/down.xml', respond('Service Unavailable', 'text/plain', 503));
    const created = await t.request('/api/sources', { cookie: admin, json: { kind: 'rss', name: 'Nguồn đang hỏng', url: server.url('/down.xml') } });
    const { id } = (await created.json()) as { id: number };
    expect((await postForm(`/sources/${id}/fetch`, {}, staff)).status).toBe(303);

    const html = await (await t.request('/sources', { cookie: staff })).text();
    const start = html.lastIndexOf('<tr', html.indexOf('Nguồn đang hỏng'));
    const row = html.slice(start, html.indexOf('</tr>', start));
    const details = /<details\b[^>]*>[\s\S]*?<\/details>/.exec(row)?.[0];
    expect(details, 'technical detail').toBeDefined();
    expect(details).not.toMatch(/^<details[^>]*\bopen\b/);
    expect(details).toContain('<summary>Chi tiết kỹ thuật</summary>');
    expect(details).toContain('answered HTTP 503');
    // Outside the folded detail: the Vietnamese message only.
    const visible = row.replace(details!, '');
    // The status is named with what it means; the collector's English stays folded.
    expect(visible).toContain('Máy chủ trả về mã lỗi HTTP 503 (máy chủ của trang đang gặp sự cố)');
    expect(visible).toContain('hệ thống sẽ tự thử lại sau');
    expect(visible).not.toContain('answered');

    const english = await (await t.request('/sources?lang=en', { cookie: staff })).text();
    expect(english).toContain('<summary>Technical detail</summary>');
  });
});

describe('a new source whose first fetch fails', () => {
  it('shows as failing at once, with the status and its meaning, never as healthy', async () => {
    server.setRoute('/missing.xml', respond('Not Found', 'text/plain', 404));
    const created = await t.request('/api/sources', { cookie: admin, json: { kind: 'rss', name: 'Nguồn gõ sai địa chỉ', url: server.url('/missing.xml') } });
    const { id } = (await created.json()) as { id: number };
    expect((await postForm(`/sources/${id}/fetch`, {}, staff)).status).toBe(303);

    const html = await (await t.request('/sources', { cookie: staff })).text();
    const start = html.lastIndexOf('<tr', html.indexOf('Nguồn gõ sai địa chỉ'));
    const row = html.slice(start, html.indexOf('</tr>', start));
    expect(row).not.toContain('Hoạt động tốt');
    expect(row).toContain('<span class="badge health-failing">Đang trục trặc</span>');
    const visible = row.replace(/<details\b[\s\S]*?<\/details>/, '');
    expect(visible).toContain('Máy chủ trả về mã lỗi HTTP 404 (không tìm thấy trang)');
    expect(visible).toContain('Hãy kiểm tra lại địa chỉ');
    expect(visible).not.toContain('answered');
    expect(row).toMatch(/<summary>Chi tiết kỹ thuật<\/summary><code class="error-message">[^<]*answered HTTP 404/);

    const english = await (await t.request('/sources?lang=en', { cookie: staff })).text();
    expect(english).toContain('The server returned HTTP error 404 (page not found)');
  });
});

describe('form and import sources on the list', () => {
  it('say when they last received an item instead of "never fetched"', async () => {
    const source = await insertSource(database.db, { kind: 'import', name: 'Sổ đường dây nóng', url: null });
    const rowOf = (html: string) => {
      const start = html.lastIndexOf('<tr', html.indexOf('Sổ đường dây nóng'));
      return html.slice(start, html.indexOf('</tr>', start));
    };
    const before = rowOf(await (await t.request('/sources', { cookie: staff })).text());
    expect(before).toContain('Chưa nhận ý kiến nào');
    expect(before).not.toContain('Chưa lấy tin lần nào');

    const at = new Date('2026-11-20T02:30:00Z');
    await insertNewItems(database.db, [
      {
        sourceId: source.id,
        keyHash: 'received-1',
        url: null,
        title: 'Góp ý về học phí',
        body: 'Học phí tăng',
        author: null,
        publishedAt: null,
        collectedAt: at,
        searchText: 'gop y ve hoc phi',
        contentHash: 'received-1',
        labels: [],
        classification: { labels: [], scores: {}, spans: [], version: 'test' },
        priority: 0,
      },
    ]);
    const after = rowOf(await (await t.request('/sources', { cookie: staff })).text());
    expect(after).toContain('Nhận ý kiến gần nhất: 20/11/2026 09:30');
    expect(after).not.toContain('Chưa lấy tin lần nào');
  });
});

describe('GET on the address of a POST-only form', () => {
  it('sends a reload or bookmark back to the page the form is on, changing nothing', async () => {
    const count = (await listSources(database.db)).length;
    for (const [path, page] of [
      ['/sources/preview', '/sources'],
      ['/rules/dry-run', '/rules'],
      ['/claims/dry-run', '/claims'],
      ['/imports/preview', '/imports'],
      ['/alerts/test', '/alerts'],
    ] as const) {
      const response = await t.request(path, { cookie: admin });
      expect(response.status, path).toBe(303);
      expect(response.headers.get('location'), path).toBe(page);
    }
    expect((await listSources(database.db)).length).toBe(count);
    // Signed out, it still asks to sign in first.
    const signedOut = await t.request('/sources/preview');
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toMatch(/^\/login\?next=/);
  });
});

describe('fetch now through the page', () => {
  it('redirects to the page with the outcome, so a reload does not fetch again', async () => {
    let fetches = 0;
    const feed = respond(FEED);
    server.setRoute('/fetch-now.xml', (request, response) => {
      fetches++;
      feed(request, response);
    });
    const created = await t.request('/api/sources', { cookie: admin, json: { kind: 'rss', name: 'Nguồn lấy ngay', url: server.url('/fetch-now.xml') } });
    const { id } = (await created.json()) as { id: number };
    const response = await postForm(`/sources/${id}/fetch`, {}, staff);
    expect(response.status).toBe(303);
    const location = response.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/sources\\?refreshed=${id}&status=ok&fetched=\\d+&stored=\\d+&skipped=\\d+&failed=0$`));
    expect(fetches).toBe(1);

    const page = await (await t.request(location, { cookie: staff })).text();
    expect(page).toMatch(/Đã lấy tin: \d+ mục, lưu \d+ mục mới/);
    // The page after the redirect is a GET: showing it again fetches nothing.
    await t.request(location, { cookie: staff });
    expect(fetches).toBe(1);
  });

  it('shows a failed fetch with the source’s recorded error, the detail folded', async () => {
    server.setRoute('/broken-now.xml', respond('Service Unavailable', 'text/plain', 503));
    const created = await t.request('/api/sources', { cookie: admin, json: { kind: 'rss', name: 'Nguồn hỏng lấy ngay', url: server.url('/broken-now.xml') } });
    const { id } = (await created.json()) as { id: number };
    const location = (await postForm(`/sources/${id}/fetch`, {}, staff)).headers.get('location')!;
    expect(location).toContain('status=error');
    const html = await (await t.request(location, { cookie: staff })).text();
    const flash = /<div class="alert alert-error" role="status">[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
    expect(flash).toContain('Máy chủ trả về mã lỗi HTTP');
    expect(flash).toMatch(/<details class="error-detail"><summary>Chi tiết kỹ thuật<\/summary><code class="error-message">[^<]*503/);
  });

  it('refuses a form or import source, which has nothing to fetch, recording nothing and offering no button', async () => {
    for (const kind of ['form', 'import'] as const) {
      const source = await insertSource(database.db, { kind, name: `Ý kiến qua MTTQ (${kind})`, url: null });
      const api = await t.request(`/api/sources/${source.id}/fetch`, { method: 'POST', cookie: staff, json: {} });
      expect(api.status, kind).toBe(422);
      expect(await api.json(), kind).toMatchObject({ error: { code: 'validation_failed', details: [{ field: 'kind', code: 'not_fetchable' }] } });

      const page = await postForm(`/sources/${source.id}/fetch`, {}, staff);
      expect(page.status, kind).toBe(422);
      const flash = /<div class="alert alert-error" role="status">[\s\S]*?<\/div>/.exec(await page.text())?.[0] ?? '';
      expect(flash, kind).toContain(`Nguồn «Ý kiến qua MTTQ (${kind})» không lấy tin qua đường dẫn`);

      // Nothing was recorded: the source's health shows no failure.
      const after = (await getSource(database.db, source.id))!;
      expect(after, kind).toMatchObject({ consecutiveFailures: 0, lastErrorCode: null, lastError: null, lastErrorAt: null });
      // And the sources page offers no fetch-now button for it.
      const list = await (await t.request('/sources', { cookie: staff })).text();
      expect(list, kind).not.toContain(`action="/sources/${source.id}/fetch"`);
    }
  });

  it('shows no message for an address it did not write', async () => {
    for (const query of ['refreshed=1&status=exploded', 'refreshed=abc&status=ok', 'refreshed=1&status=ok&fetched=-3', 'refreshed=1&status=ok&stored=99999999999', 'refreshed=99999999999&status=ok']) {
      const response = await t.request(`/sources?${query}`, { cookie: staff });
      expect(response.status, query).toBe(200);
      expect(await response.text(), query).not.toContain('role="status"');
    }
  });
});

describe('the import page answering a failed POST', () => {
  // Each failure shows the upload form again; its language link must lead to a page that exists.
  it('links the language switch to /imports for an empty, missing or unsupported file and an expired preview', async () => {
    const posts: [string, FormData][] = [];
    const empty = new FormData();
    empty.set('file', new File([], 'trong.csv', { type: 'text/csv' }));
    posts.push(['/imports/preview', empty]);
    posts.push(['/imports/preview', new FormData()]);
    const exe = new FormData();
    exe.set('file', new File([Buffer.from('MZ\x90\x00\x03\x00\x00\x00')], 'setup.exe', { type: 'application/octet-stream' }));
    posts.push(['/imports/preview', exe]);
    const expired = new FormData();
    expired.set('token', 'khong-con');
    posts.push(['/imports', expired]);
    for (const [path, body] of posts) {
      const response = await t.request(path, { method: 'POST', cookie: staff, body });
      expect(response.status, path).toBe(422);
      const href = langHref(await response.text());
      expect(href).toBe('/imports?lang=en');
      expect((await t.request(href, { cookie: staff })).status).toBe(200);
    }
  });
});

describe('one source per feed address', () => {
  const add = (name: string, url: string) => t.request('/api/sources', { cookie: admin, json: { kind: 'rss', name, url } });

  it('refuses through the API a feed already added, even spelled with a final slash', async () => {
    const url = server.url('/trung-lap.xml');
    expect((await add('Bản gốc', url)).status).toBe(201);
    const before = (await listSources(database.db)).length;
    for (const again of [url, `${url}/`]) {
      const response = await add('Bản sao', again);
      expect(response.status, again).toBe(422);
      const body = (await response.json()) as { error: { details: unknown } };
      expect(body.error.details).toEqual([{ field: 'url', code: 'duplicate' }]);
    }
    expect(await listSources(database.db)).toHaveLength(before);
  });

  it('shows the add form again with the error next to the address and what was typed kept', async () => {
    const url = server.url('/trung-lap.xml');
    const response = await postForm('/sources', { kind: 'rss', name: 'Nguồn trùng', url });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(fieldBlock(html, 'source-url')).toContain('aria-invalid="true"');
    expect(fieldBlock(html, 'source-url')).toContain('Đã có một nguồn với địa chỉ này.');
    expect(html).toContain('value="Nguồn trùng"');
    expect(html).toContain(`value="${url}"`);
  });

  it('refuses to change a source’s address to another source’s, but keeps its own', async () => {
    const taken = server.url('/trung-lap.xml');
    const other = (await (await add('Nguồn khác', server.url('/khac.xml'))).json()) as { id: number };
    const patch = await t.request(`/api/sources/${other.id}`, { method: 'PATCH', cookie: admin, json: { url: taken } });
    expect(patch.status).toBe(422);
    expect(((await patch.json()) as { error: { details: unknown } }).error.details).toEqual([{ field: 'url', code: 'duplicate' }]);

    const form = await postForm(`/sources/${other.id}`, { name: 'Nguồn khác', url: taken, enabled: 'on', poll_interval_minutes: '15' });
    expect(form.status).toBe(422);
    const html = await form.text();
    expect(fieldBlock(html, 'source-edit-url')).toContain('Đã có một nguồn với địa chỉ này.');
    expect(html).toContain(`value="${taken}"`);

    const same = await t.request(`/api/sources/${other.id}`, { method: 'PATCH', cookie: admin, json: { url: server.url('/khac.xml'), name: 'Đổi tên' } });
    expect(same.status).toBe(200);
  });
});
