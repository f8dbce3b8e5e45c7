import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let database: TestDatabase;
let t: TestApp;
let staff: string;
let leader: string;

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  staff = await t.signIn('staff');
  leader = await t.signIn('leader');
});
afterAll(async () => {
  await t?.close();
  await database?.close();
});

async function postRule(body: unknown, cookie = staff) {
  const response = await t.request('/api/rules', { cookie, json: body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function errorCodes(body: Record<string, unknown>): string[] {
  const details = (body.error as { details?: Array<{ code: string }> }).details ?? [];
  return details.map((detail) => detail.code);
}

describe('staff rules', () => {
  it('stores a valid phrase rule in NFC and lists it', async () => {
    const created = await postRule({ kind: 'phrase', category: 'negative', pattern: 'thu tiền trái phép'.normalize('NFD'), weight: 1.5 });
    expect(created.status).toBe(201);
    expect(created.body.pattern).toBe('thu tiền trái phép'.normalize('NFC'));
    const listed = (await (await t.request('/api/rules', { cookie: leader })).json()) as { rules: Array<{ id: number }> };
    expect(listed.rules.map((rule) => rule.id)).toContain(created.body.id);
  });

  it.each([
    ['an empty phrase', { kind: 'phrase', category: 'negative', pattern: '   ' }, 'empty'],
    ['a catastrophic regex', { kind: 'regex', category: 'negative', pattern: '(a+)+$' }, 'unsafe_regex'],
    ['a regex that does not compile', { kind: 'regex', category: 'negative', pattern: '(abc' }, 'bad_regex'],
    ['a 10,000-character phrase', { kind: 'phrase', category: 'negative', pattern: 'học '.repeat(2500) }, 'too_long'],
    ['an all-of rule without a window', { kind: 'all_of_within', category: 'misinformation', pattern: 'x', terms: ['a', 'b'] }, 'bad_window'],
  ])('refuses %s with a clear error and stores nothing', async (_name, body, code) => {
    const before = ((await (await t.request('/api/rules', { cookie: staff })).json()) as { rules: unknown[] }).rules.length;
    const response = await postRule(body);
    expect(response.status).toBe(422);
    expect(errorCodes(response.body)).toContain(code);
    const after = ((await (await t.request('/api/rules', { cookie: staff })).json()) as { rules: unknown[] }).rules.length;
    expect(after).toBe(before);
  });

  it('disables a rule with PATCH and keeps the rest of it', async () => {
    const created = await postRule({ kind: 'any_of', category: 'misinformation', pattern: 'tin đồn thu phí', terms: ['thu phí', 'quỹ lớp'] });
    const response = await t.request(`/api/rules/${created.body.id}`, { method: 'PATCH', cookie: staff, json: { enabled: false } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ enabled: false, terms: ['thu phí', 'quỹ lớp'] });
  });

  it('lets leaders read but not write rules', async () => {
    expect((await postRule({ kind: 'phrase', category: 'negative', pattern: 'x' }, leader)).status).toBe(403);
  });

  it('shows a form error beside the field on the page, keeping what was typed', async () => {
    const response = await t.request('/rules', {
      method: 'POST',
      cookie: staff,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ kind: 'regex', category: 'negative', pattern: '(a+)+$', weight: '1' }).toString(),
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('rule-pattern-error');
    expect(html).toContain('(a+)+$');
  });
});

describe('known claims', () => {
  it('records a claim, edits it, and refuses a bad verdict', async () => {
    const created = await t.request('/api/claims', {
      cookie: staff,
      json: { statement: 'Trường Tiểu học Hòa An sẽ thu thêm 500.000 đồng mỗi học sinh', verdict: 'false', correction: 'Nhà trường không thu khoản này.' },
    });
    expect(created.status).toBe(201);
    const claim = (await created.json()) as { id: number };
    const patched = await t.request(`/api/claims/${claim.id}`, { method: 'PATCH', cookie: staff, json: { verdict: 'fake' } });
    expect(await patched.json()).toMatchObject({ verdict: 'fake', correction: 'Nhà trường không thu khoản này.' });
    const bad = await t.request('/api/claims', { cookie: staff, json: { statement: 'x', verdict: 'maybe' } });
    expect(bad.status).toBe(422);
    const empty = await t.request('/api/claims', { cookie: staff, json: { statement: '  ', verdict: 'false' } });
    expect(empty.status).toBe(422);
  });
});

describe('gazetteer', () => {
  it('stores the ward places in NFC and rejects a malformed body', async () => {
    const put = await t.request('/api/settings/gazetteer', {
      method: 'PUT',
      cookie: staff,
      json: { wardNames: ['Phường Hòa An'.normalize('NFD')], schools: ['Trường Tiểu học Hòa An'], residentialGroups: ['Tổ dân phố 5'] },
    });
    expect(put.status).toBe(200);
    const stored = (await (await t.request('/api/settings/gazetteer', { cookie: leader })).json()) as { wardNames: string[] };
    expect(stored.wardNames).toEqual(['Phường Hòa An'.normalize('NFC')]);
    const bad = await t.request('/api/settings/gazetteer', { method: 'PUT', cookie: staff, json: { wardNames: 'x' } });
    expect(bad.status).toBe(422);
  });
});

describe('reclassification after staff edits', () => {
  it('relabels stored items in the background when a rule or a claim is added', async () => {
    const { startFeedServer } = await import('../../demo/feed-server.ts');
    const feeds = await startFeedServer();
    try {
      const admin = await t.signIn('admin');
      const source = (await (
        await t.request('/api/sources', { cookie: admin, json: { kind: 'rss', name: 'demo', url: feeds.urlOf('tin-phuong.xml') } })
      ).json()) as { id: number };
      await t.request(`/api/sources/${source.id}/fetch`, { cookie: staff, json: {} });
      const findSwimming = async () => {
        const page = (await (await t.request('/api/items?status=all&q=hoc%20boi', { cookie: staff })).json()) as {
          items: Array<{ id: number; labels: string[]; classification: { spans: Array<{ ruleId: string; text: string }>; claimMatches?: Array<{ claimId: number }> } }>;
        };
        return page.items[0]!;
      };
      const before = await findSwimming();
      expect(before.classification.spans.some((span) => span.ruleId.startsWith('staff:'))).toBe(false);

      const rule = (await postRule({ kind: 'phrase', category: 'misinformation', pattern: 'hoc boi mien phi', weight: 2 })).body;
      const claim = (await (
        await t.request('/api/claims', {
          cookie: staff,
          json: { statement: 'Phường mở lớp học bơi miễn phí cho học sinh Trường THCS Hòa An', verdict: 'verified', correction: null },
        })
      ).json()) as { id: number };

      await expect
        .poll(async () => {
          const item = await findSwimming();
          return {
            staffRule: item.classification.spans.some((span) => span.ruleId === `staff:${rule.id}`),
            claim: item.classification.claimMatches?.some((match) => match.claimId === claim.id) ?? false,
          };
        }, { timeout: 20_000, interval: 200 })
        .toEqual({ staffRule: true, claim: true });
      const item = await findSwimming();
      expect(item.labels).toContain('misinformation');
      const span = item.classification.spans.find((candidate) => candidate.ruleId === `staff:${rule.id}`)!;
      expect(span.text.toLowerCase()).toBe('học bơi miễn phí');
      const progress = (await (await t.request('/api/reclassification', { cookie: leader })).json()) as { progress: { state: string } };
      expect(progress.progress.state).toBe('done');
    } finally {
      await feeds.close();
    }
  });
});
