import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeedServer, type FeedServer } from '../../demo/feed-server.ts';
import type { Item } from '../../src/domain/item.ts';
import { createTestApp, PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let database: TestDatabase;
let feeds: FeedServer;
let t: TestApp;
let admin: string;
let staff: string;
let leader: string;
let mttq: string;

beforeAll(async () => {
  database = await createTestDatabase();
  feeds = await startFeedServer();
  t = createTestApp(database);
  admin = await t.signIn('admin');
  staff = await t.signIn('staff');
  leader = await t.signIn('leader');
  mttq = await t.signIn('mttq');
  const created = await t.request('/api/sources', {
    cookie: admin,
    json: { kind: 'rss', name: 'Phường (demo)', url: feeds.urlOf('tin-phuong.xml') },
  });
  expect(created.status).toBe(201);
  const source = (await created.json()) as { id: number };
  const fetched = await t.request(`/api/sources/${source.id}/fetch`, { cookie: staff, json: {} });
  expect(await fetched.json()).toMatchObject({ status: 'ok', stored: 5 });
});
afterAll(async () => {
  await t?.close();
  await feeds?.close();
  await database?.close();
});

async function listItems(query = '', cookie = staff): Promise<{ items: Item[]; nextCursor: string | null }> {
  const response = await t.request(`/api/items${query}`, { cookie });
  expect(response.status).toBe(200);
  return (await response.json()) as { items: Item[]; nextCursor: string | null };
}

describe('health and documents', () => {
  it('answers /health with database and queue status', async () => {
    const response = await t.request('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', database: { ok: true }, queue: { ok: true } });
  });

  it('serves an OpenAPI document naming the item routes', async () => {
    const document = (await (await t.request('/api/openapi.json')).json()) as { openapi: string; paths: object };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/items', '/api/items/{id}', '/api/sources/{id}/fetch']));
  });

  it('sends a strict content security policy', async () => {
    const response = await t.request('/login');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('sign-in', () => {
  it('refuses a wrong password with the one error shape, in Vietnamese', async () => {
    const response = await t.request('/api/auth/login', { json: { username: 'admin-1', password: 'sai' } });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_credentials');
    expect(body.error.message.length).toBeGreaterThan(0);
  });

  it('rate-limits repeated failures for one name', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 12; attempt += 1) {
      statuses.push((await t.request('/api/auth/login', { json: { username: 'ai-do', password: 'x' } })).status);
    }
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it('ends the session at logout, so the old cookie no longer works', async () => {
    const cookie = await t.signIn('staff');
    expect((await t.request('/api/items', { cookie })).status).toBe(200);
    expect((await t.request('/api/auth/logout', { cookie, json: {} })).status).toBe(200);
    expect((await t.request('/api/items', { cookie })).status).toBe(401);
  });

  it('sends people without a session to the login page', async () => {
    const response = await t.request('/items');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=%2Fitems');
  });

  it('logs in through the form and lands on the queue', async () => {
    await t.signIn('staff', 'nhan-vien-form');
    const response = await t.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'nhan-vien-form', password: PASSWORD, next: '/items' }).toString(),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/items');
    expect(response.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    expect(response.headers.get('set-cookie')).toMatch(/SameSite=Strict/i);
  });
});

describe('items', () => {
  it('lists flagged items first with labels and explanation spans', async () => {
    const { items } = await listItems();
    expect(items).toHaveLength(5);
    expect(items[0]!.labels.some((label) => label === 'misinformation' || label === 'negative')).toBe(true);
    const priorities = items.map((item) => item.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
    const spans = items.flatMap((item) => item.classification?.spans ?? []);
    expect(spans.length).toBeGreaterThan(0);
  });

  it('finds text with or without diacritics', async () => {
    const accented = await listItems(`?q=${encodeURIComponent('tin đồn')}`);
    const plain = await listItems('?q=tin%20don');
    expect(accented.items.length).toBeGreaterThan(0);
    expect(plain.items.map((item) => item.id)).toEqual(accented.items.map((item) => item.id));
  });

  it('filters by label and pages with a cursor without repeating items', async () => {
    const flagged = await listItems('?label=relevant');
    expect(flagged.items.every((item) => item.labels.includes('relevant'))).toBe(true);
    const first = await listItems('?limit=2&order=newest');
    const second = await listItems(`?limit=2&order=newest&cursor=${first.nextCursor}`);
    const third = await listItems(`?limit=2&order=newest&cursor=${second.nextCursor}`);
    const ids = [...first.items, ...second.items, ...third.items].map((item) => item.id);
    expect(new Set(ids).size).toBe(5);
    expect(third.nextCursor).toBeNull();
  });

  it('rejects bad filters with a clear error', async () => {
    for (const query of ['?status=nope', '?limit=100000', '?from=2026-13-45', '?cursor=garbage', '?source=-1']) {
      const response = await t.request(`/api/items${query}`, { cookie: staff });
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    }
  });

  it('changes status, bumps the version, logs the event, and refuses a stale version', async () => {
    const [item] = (await listItems()).items;
    const changed = await t.request(`/api/items/${item!.id}`, {
      method: 'PATCH',
      cookie: staff,
      json: { status: 'in_review', version: item!.version },
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ status: 'in_review', version: item!.version + 1 });
    const stale = await t.request(`/api/items/${item!.id}`, {
      method: 'PATCH',
      cookie: staff,
      json: { status: 'dismissed', dismissReason: 'false_positive', version: item!.version },
    });
    expect(stale.status).toBe(409);
    const events = (await (await t.request(`/api/items/${item!.id}/events`, { cookie: leader })).json()) as {
      events: Array<{ field: string; fromValue: string; toValue: string }>;
    };
    expect(events.events).toEqual([expect.objectContaining({ field: 'status', fromValue: 'new', toValue: 'in_review' })]);
    const current = (await (await t.request(`/api/items/${item!.id}`, { cookie: staff })).json()) as Item;
    expect(current.status).toBe('in_review');
  });

  it('answers 404 for an unknown or malformed id', async () => {
    expect((await t.request('/api/items/999999', { cookie: staff })).status).toBe(404);
    expect((await t.request('/api/items/abc', { cookie: staff })).status).toBe(404);
  });
});

describe('roles', () => {
  it('lets leaders read but not change, and keeps MTTQ out of the queue', async () => {
    const [item] = (await listItems('', leader)).items;
    const patch = await t.request(`/api/items/${item!.id}`, { method: 'PATCH', cookie: leader, json: { status: 'dismissed' } });
    expect(patch.status).toBe(403);
    expect((await t.request('/api/items', { cookie: mttq })).status).toBe(403);
    expect((await t.request('/api/sources', { cookie: staff, json: { kind: 'rss', name: 'x', url: 'http://a.b/' } })).status).toBe(403);
  });
});

describe('hostile requests', () => {
  it('refuses a JSON route without the JSON content type, and nothing changes', async () => {
    const [item] = (await listItems()).items;
    const response = await t.request(`/api/items/${item!.id}`, {
      method: 'PATCH',
      cookie: staff,
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ status: 'dismissed' }),
    });
    expect(response.status).toBe(403);
    const current = (await (await t.request(`/api/items/${item!.id}`, { cookie: staff })).json()) as Item;
    expect(current.status).toBe(item!.status);
  });

  it('refuses a form POST from another origin, and nothing changes', async () => {
    const [item] = (await listItems()).items;
    const response = await t.request(`/items/${item!.id}/status`, {
      method: 'POST',
      cookie: staff,
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'status=dismissed',
    });
    expect(response.status).toBe(403);
    const current = (await (await t.request(`/api/items/${item!.id}`, { cookie: staff })).json()) as Item;
    expect(current.status).toBe(item!.status);
  });

  it('refuses a source that is not an http(s) URL', async () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'not a url']) {
      const response = await t.request('/api/sources', { cookie: admin, json: { kind: 'rss', name: 'x', url } });
      expect(response.status, url).toBe(422);
    }
  });

  it('refuses a body over the size limit', async () => {
    const response = await t.request('/api/auth/login', { json: { username: 'x'.repeat(2 * 1024 * 1024), password: 'y' } });
    expect(response.status).toBe(413);
  });
});

describe('web-page sources', () => {
  it('previews a page before saving it, stores it with its selectors, and refuses XPath', async () => {
    const { startHostileServer, respond } = await import('../helpers/hostile-feed-server.ts');
    const server = await startHostileServer();
    try {
      server.setRoute(
        '/tin-tuc',
        respond(
          `<!doctype html><html><head><meta charset="utf-8"><title>Trường THCS Hòa An</title></head><body>
          <ul class="news"><li><a href="/tin/1">Khai giảng năm học mới</a> <span class="d">05/09/2026</span></li>
          <li><a href="/tin/2">Họp phụ huynh đầu năm</a> <span class="d">12/09/2026</span></li></ul></body></html>`,
          'text/html; charset=utf-8',
        ),
      );
      const selectors = { item: 'ul.news li', link: 'a', title: 'a', date: '.d' };
      const preview = await t.request('/api/sources/preview', { cookie: admin, json: { kind: 'html', url: server.url('/tin-tuc'), selectors } });
      const body = (await preview.json()) as { items: Array<{ title: string; link: string; published: string }> };
      expect(body.items.map((item) => item.title)).toEqual(['Khai giảng năm học mới', 'Họp phụ huynh đầu năm']);
      expect(body.items[0]!.link).toBe(server.url('/tin/1'));
      expect(body.items[0]!.published).toBe('2026-09-04T17:00:00.000Z');

      const xpath = await t.request('/api/sources', { cookie: admin, json: { kind: 'html', name: 'x', url: server.url('/tin-tuc'), selectors: { item: '//li' } } });
      expect(xpath.status).toBe(422);

      const created = await t.request('/api/sources', { cookie: admin, json: { kind: 'html', name: 'Trường THCS Hòa An', url: server.url('/tin-tuc'), selectors } });
      expect(created.status).toBe(201);
      const source = (await created.json()) as { id: number; selectors: object };
      expect(source.selectors).toEqual(selectors);
      const fetched = await t.request(`/api/sources/${source.id}/fetch`, { cookie: staff, json: {} });
      expect(await fetched.json()).toMatchObject({ status: 'ok', stored: 2 });
    } finally {
      await server.close();
    }
  });
});

describe('landing', () => {
  it('sends MTTQ officers to their submissions and staff to the queue after login', async () => {
    for (const [role, home] of [['mttq', '/feedback'], ['staff', '/items']] as const) {
      const username = `landing-${role}`;
      await t.signIn(role, username);
      const response = await t.request('/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username, password: PASSWORD }).toString(),
      });
      expect(response.headers.get('location'), role).toBe(home);
    }
  });
});
