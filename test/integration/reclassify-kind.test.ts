// Reclassification reads each stored item as it was read when stored: citizens' opinions (the MTTQ
// form, imports) as comments, which the sentiment and offensive models label; news as articles.
// Reading every item as an article dropped the models' labels from every opinion at the first edit.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSetting } from '../../src/db/queries/settings.ts';
import { items } from '../../src/db/schema.ts';
import type { Classification } from '../../src/domain/classification.ts';
import { RECLASSIFICATION_SETTING, type ReclassificationProgress } from '../../src/domain/reclassification.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let database: TestDatabase;
let t: TestApp;
let staff: string;
let mttq: string;
const OPINION = 'Cô giáo giảng bài nhàm chán, lớp học không hiệu quả';

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  staff = await t.signIn('staff');
  mttq = await t.signIn('mttq');
});
afterAll(async () => {
  await t?.close();
  await database?.close();
});

async function stored(itemId: number) {
  const [row] = await database.db.select({ labels: items.labels, classification: items.classification }).from(items).where(eq(items.id, itemId));
  return { labels: row!.labels, classification: row!.classification as Classification };
}

describe('reclassifying a citizen\'s opinion', () => {
  it('keeps the labels the models give it as a comment', async () => {
    const submitted = await t.request('/api/feedback', { cookie: mttq, json: { content: OPINION, consent: { given: true, version: '1' } } });
    expect(submitted.status).toBe(201);
    const { id } = (await submitted.json()) as { id: number };
    const detail = (await (await t.request(`/api/feedback/${id}`, { cookie: staff })).json()) as { itemId?: number; item?: { id: number } };
    const itemId = detail.itemId ?? detail.item!.id;
    const before = await stored(itemId);
    // The sentiment model alone calls it negative: no rule does.
    expect(before.labels).toContain('negative');
    expect(before.classification.spans.filter((span) => span.category === 'negative').every((span) => span.ruleId === 'model:sentiment')).toBe(true);

    const since = new Date().toISOString();
    const saved = await t.request('/api/rules', { cookie: staff, json: { kind: 'phrase', category: 'misinformation', pattern: 'cá sấu xổng chuồng', weight: 3 } });
    expect(saved.status).toBe(201);
    let progress: ReclassificationProgress | null = null;
    for (let waited = 0; waited < 30_000; waited += 50) {
      progress = await getSetting<ReclassificationProgress | null>(database.db, RECLASSIFICATION_SETTING, null);
      if (progress?.state === 'done' && progress.startedAt >= since) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(progress).toMatchObject({ state: 'done', changed: 0 });
    const after = await stored(itemId);
    expect(after.classification.version).not.toBe(before.classification.version);
    expect(after.labels).toEqual(before.labels);
  });
});
