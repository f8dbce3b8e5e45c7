// Values outside what the database can hold or what the calendar has: a clear 4xx, never a 500 or
// a silently different value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanText, isCalendarDay, MAX_ID, parseId } from '../../src/api/query-schemas.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let database: TestDatabase;
let t: TestApp;
let admin: string;
let mttq: string;

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  admin = await t.signIn('admin');
  mttq = await t.signIn('mttq');
});
afterAll(async () => {
  await t?.close();
  await database?.close();
});

const TOO_BIG = String(MAX_ID + 1);

describe('ids beyond a 32-bit integer', () => {
  it('parseId takes 1 … 2147483647 only', () => {
    expect(parseId(String(MAX_ID))).toBe(MAX_ID);
    expect(parseId(TOO_BIG)).toBeNull();
    expect(parseId('99999999999')).toBeNull();
    expect(parseId('0')).toBeNull();
    expect(parseId('01')).toBeNull();
  });

  it.each([
    `/sources/${TOO_BIG}`,
    `/rules/${TOO_BIG}`,
    `/claims/${TOO_BIG}`,
    `/templates/${TOO_BIG}`,
    `/imports/${TOO_BIG}`,
    `/items/${TOO_BIG}`,
    `/api/items/${TOO_BIG}`,
    `/feedback/${TOO_BIG}`,
  ])('GET %s answers 404', async (path) => {
    expect((await t.request(path, { cookie: admin })).status).toBe(404);
  });

  it('refuses them in queries and bodies with 400/422', async () => {
    expect((await t.request(`/api/items?source=${TOO_BIG}`, { cookie: admin })).status).toBe(400);
    expect((await t.request(`/api/views/${TOO_BIG}`, { method: 'DELETE', cookie: admin, headers: { 'content-type': 'application/json' } })).status).toBe(404);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await t.request(`/sources/${TOO_BIG}/fetch`, { method: 'POST', cookie: admin, headers: form, body: '' })).status).toBe(404);
    const patch = await t.request('/api/items/1', { method: 'PATCH', cookie: admin, json: { assigneeId: MAX_ID + 1 } });
    expect([400, 422]).toContain(patch.status);
    const bulk = await t.request('/api/items/bulk', { method: 'POST', cookie: admin, json: { ids: [MAX_ID + 1], status: 'dismissed', dismissReason: 'irrelevant' } });
    expect([400, 422]).toContain(bulk.status);
  });
});

describe('days that are not on the calendar', () => {
  it('isCalendarDay refuses 30 February and month 13, takes 29 February of a leap year', () => {
    expect(isCalendarDay('2026-02-30')).toBe(false);
    expect(isCalendarDay('2026-13-01')).toBe(false);
    expect(isCalendarDay('2026-04-31')).toBe(false);
    expect(isCalendarDay('2028-02-29')).toBe(true);
    expect(isCalendarDay('2026-02-28T10:00:00+07:00')).toBe(true);
  });

  it('the item list refuses ?from=2026-02-30 instead of reading 2 March', async () => {
    expect((await t.request('/api/items?from=2026-02-30', { cookie: admin })).status).toBe(400);
    expect((await t.request('/api/items?from=2026-02-28', { cookie: admin })).status).toBe(200);
  });

  it('the feedback form refuses receivedAt 2026-02-30, as a day or a time', async () => {
    for (const receivedAt of ['2026-02-30', '2026-02-30T10:00:00+07:00']) {
      const response = await t.request('/api/feedback', {
        method: 'POST',
        cookie: mttq,
        headers: { 'idempotency-key': `calendar-${receivedAt}` },
        json: { content: 'Ý kiến về học phí', receivedAt, consent: { given: true, version: '1' } },
      });
      expect(response.status, receivedAt).toBe(422);
    }
  });
});

describe('text fields of nothing but invisible characters', () => {
  it('cleanText removes zero-width and direction characters, keeps joiners, composes NFC', () => {
    expect(cleanText('\u200b\u2060\ufeff ')).toBe('');
    expect(cleanText(' Tra\u0300ng \u200bAn ')).toBe('Tràng An');
    expect(cleanText('👩\u200d👩')).toBe('👩\u200d👩');
  });

  it('a source named only by zero-width spaces is refused', async () => {
    const response = await t.request('/api/sources', { method: 'POST', cookie: admin, json: { kind: 'rss', name: '\u200b\u200b', url: 'http://127.0.0.1:9/feed.xml' } });
    expect(response.status).toBe(422);
  });

  it('a response template titled only by zero-width spaces is refused', async () => {
    const response = await t.request('/api/response-templates', {
      method: 'POST',
      cookie: admin,
      json: { verdict: 'accurate', kind: 'public_statement', channel: 'website', title: '\u200b', text: 'Nội dung' },
    });
    expect(response.status).toBe(422);
  });

  it('a claim reference must be an http(s) address', async () => {
    for (const reference of ['javascript:alert(1)', 'ftp://example.org/x', 'data:text/html,x']) {
      const response = await t.request('/api/claims', {
        method: 'POST',
        cookie: admin,
        json: { statement: 'Trường thu thêm phí máy lạnh', verdict: 'false', references: [reference] },
      });
      expect(response.status, reference).toBe(422);
    }
    const ok = await t.request('/api/claims', {
      method: 'POST',
      cookie: admin,
      json: { statement: 'Trường thu thêm phí máy lạnh', verdict: 'false', references: ['https://example.org/dinh-chinh'] },
    });
    expect(ok.status).toBe(201);
  });
});
