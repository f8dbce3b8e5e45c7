// Dry runs of draft rules and claims over the stored items: counts, agreement with staff decisions, sample, bounds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dryRunRule } from '../../src/api/dry-run.ts';
import { insertNewItems } from '../../src/db/queries/items.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import type { Label } from '../../src/domain/classification.ts';
import type { DryRunReport } from '../../src/domain/dry-run.ts';
import type { ItemStatus } from '../../src/domain/item.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let database: TestDatabase;
let t: TestApp;
let staff: string;
let leader: string;
const ids = new Map<string, number>();

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const CLAIM = 'Trường tiểu học bắt buộc học sinh đóng tiền học thêm buổi chiều';

interface Seed {
  key: string;
  title: string;
  body: string;
  labels: Label[];
  change?: { status: ItemStatus; dismissReason?: string; verdict?: string; note?: string };
}

const SEEDS: Seed[] = [
  { key: 'confirmed', title: 'Phụ huynh phản ánh lạm thu ở trường', body: 'Nhiều khoản thu đầu năm.', labels: ['negative', 'relevant'], change: { status: 'responded' } },
  { key: 'false-positive', title: 'Chong lam thu dau nam hoc', body: 'Phường kiểm tra, không có sai phạm.', labels: ['negative', 'relevant'], change: { status: 'dismissed', dismissReason: 'false_positive' } },
  { key: 'duplicate', title: 'Lạm thu: tin đăng lại', body: 'Bản sao.', labels: [], change: { status: 'dismissed', dismissReason: 'duplicate' } },
  {
    key: 'in-body',
    title: '"><img src=x onerror=alert(1)> Quỹ lớp',
    body: `${'Buổi họp phụ huynh bàn nhiều việc của lớp trong năm học mới. '.repeat(4)}Có ý kiến cho rằng đây là lạm thu trá hình.`,
    labels: [],
  },
  { key: 'unrelated', title: 'Họp phụ huynh đầu năm', body: 'Trao đổi kế hoạch học tập.', labels: [] },
  { key: 'claim', title: 'Tin đồn ở trường tiểu học', body: `Có người nói ${CLAIM.toLowerCase()}.`, labels: ['relevant'], change: { status: 'in_review', verdict: 'false' } },
];

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  staff = await t.signIn('staff', 'lan-staff');
  leader = await t.signIn('leader', 'minh-leader');
  const source = await insertSource(database.db, { kind: 'rss', name: 'Báo phường', url: 'http://127.0.0.1/feed' });
  const now = new Date();
  for (const seed of SEEDS) {
    await insertNewItems(database.db, [
      {
        sourceId: source.id,
        keyHash: seed.key,
        url: null,
        title: seed.title,
        body: seed.body,
        author: null,
        publishedAt: now,
        collectedAt: now,
        searchText: seed.title.toLowerCase(),
        contentHash: seed.key,
        labels: seed.labels,
        classification: { labels: seed.labels, scores: {}, spans: [], version: 'test' },
        priority: 0,
      },
    ]);
  }
  const listed = (await (await t.request('/api/items?status=all&order=newest&limit=50', { cookie: staff })).json()) as {
    items: Array<{ id: number; title: string; version: number }>;
  };
  for (const seed of SEEDS) {
    const item = listed.items.find((row) => row.title === seed.title)!;
    ids.set(seed.key, item.id);
    if (seed.change) {
      const response = await t.request(`/api/items/${item.id}`, { method: 'PATCH', cookie: staff, json: seed.change });
      expect(response.status, seed.key).toBe(200);
    }
  }
});
afterAll(async () => {
  await t?.close();
  await database?.close();
});

const rule = { kind: 'phrase', category: 'negative', pattern: 'lạm thu' };

describe('rule dry run', () => {
  it('counts matches with and without diacritics, the newly flagged, and agreement with staff decisions; stores nothing', async () => {
    const response = await t.request('/api/rules/dry-run', { cookie: staff, json: rule });
    expect(response.status).toBe(200);
    const report = (await response.json()) as DryRunReport;
    expect(report).toMatchObject({ label: 'negative', scanned: SEEDS.length, totalItems: SEEDS.length, stoppedBy: null, matched: 4, newlyFlagged: 2 });
    expect(report.agreement).toEqual({ decided: 3, confirmed: 1, falsePositive: 1, dismissedOther: 1, precision: 0.5 });
    expect(report.sample.map((sample) => sample.id).sort()).toEqual(['confirmed', 'false-positive', 'duplicate', 'in-body'].map((key) => ids.get(key)!).sort());
    const inBody = report.sample.find((sample) => sample.id === ids.get('in-body'))!;
    expect(inBody.excerpt.field).toBe('body');
    const [highlight] = inBody.excerpt.highlights;
    expect(inBody.excerpt.text.slice(highlight!.start, highlight!.end)).toBe('lạm thu');
    const unaccented = report.sample.find((sample) => sample.id === ids.get('false-positive'))!;
    expect(unaccented.excerpt).toMatchObject({ field: 'title', highlights: [{ start: 6, end: 13 }] });
    expect((await (await t.request('/api/rules', { cookie: staff })).json()) as { rules: unknown[] }).toEqual({ rules: [] });
  });

  it('refuses an invalid draft with the validator\'s errors, and readers cannot run one', async () => {
    const bad = await t.request('/api/rules/dry-run', { cookie: staff, json: { kind: 'regex', category: 'negative', pattern: '(a+)+$' } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toContain('unsafe_regex');
    expect((await t.request('/api/rules/dry-run', { cookie: leader, json: rule })).status).toBe(403);
  });

  it('stops at the item cap or the time budget and says how many items it scanned', async () => {
    const draft = { kind: 'phrase' as const, category: 'negative' as const, pattern: 'lạm thu', terms: [], windowWords: null, weight: 1, enabled: true };
    const capped = await dryRunRule(database.db, draft, { maxItems: 2, timeBudgetMs: 60_000, batchSize: 1, sampleSize: 20 });
    expect(capped).toMatchObject({ scanned: 2, totalItems: SEEDS.length, stoppedBy: 'item_limit' });
    const timed = await dryRunRule(database.db, draft, { maxItems: 100, timeBudgetMs: -1, batchSize: 10, sampleSize: 20 });
    expect(timed).toMatchObject({ scanned: 0, stoppedBy: 'time_limit', matched: 0 });
    const sampled = await dryRunRule(database.db, draft, { maxItems: 100, timeBudgetMs: 60_000, batchSize: 2, sampleSize: 1 });
    expect(sampled).toMatchObject({ scanned: SEEDS.length, matched: 4, stoppedBy: null });
    expect(sampled.sample).toHaveLength(1);
  });

  it('shows the result on the rules page with the draft kept in the form and hostile titles escaped', async () => {
    const response = await t.request('/rules/dry-run', {
      method: 'POST',
      cookie: staff,
      headers: FORM,
      body: new URLSearchParams({ kind: 'phrase', category: 'negative', pattern: 'lạm thu', weight: '1', enabled: 'true' }).toString(),
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Kết quả chạy thử');
    expect(html).toContain('Sẽ khớp 4 tin đã lưu, trong đó 2 tin chưa có nhãn');
    expect(html).toContain('Đã quét 6 tin gần nhất trên tổng số 6 tin');
    expect(html).toContain('Tỉ lệ đúng so với quyết định trước đây: 50,0%');
    expect(html).toMatch(/<mark class="flag flag-negative"[^>]*>lạm thu<\/mark>/);
    expect(html).toContain('value="lạm thu"');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('formaction="/rules/dry-run"');
    const invalid = await t.request('/rules/dry-run', { method: 'POST', cookie: staff, headers: FORM, body: 'kind=phrase&category=negative&pattern=' });
    expect(invalid.status).toBe(422);
  });
});

describe('claim dry run', () => {
  it('matches the draft claim and labels by its verdict', async () => {
    const response = await t.request('/api/claims/dry-run', { cookie: staff, json: { statement: CLAIM, verdict: 'false' } });
    expect(response.status).toBe(200);
    const report = (await response.json()) as DryRunReport;
    expect(report).toMatchObject({ label: 'misinformation', scanned: SEEDS.length, matched: 1, newlyFlagged: 1 });
    expect(report.agreement).toEqual({ decided: 1, confirmed: 1, falsePositive: 0, dismissedOther: 0, precision: 1 });
    expect(report.sample[0]).toMatchObject({ id: ids.get('claim'), verdict: 'false' });
    expect(report.sample[0]!.score).toBeGreaterThan(0.6);
    expect((await (await t.request('/api/claims', { cookie: staff })).json()) as { claims: unknown[] }).toEqual({ claims: [] });
    expect((await t.request('/api/claims/dry-run', { cookie: staff, json: { statement: '', verdict: 'false' } })).status).toBe(422);
  });

  it('shows the result on the claims page', async () => {
    const response = await t.request('/claims/dry-run', {
      method: 'POST',
      cookie: staff,
      headers: FORM,
      body: new URLSearchParams({ statement: CLAIM, verdict: 'false', correction: '', references: '', enabled: 'true' }).toString(),
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Sẽ khớp 1 tin đã lưu');
    expect(html).toContain(`href="/items/${ids.get('claim')}"`);
  });
});
