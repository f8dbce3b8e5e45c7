// An MTTQ officer's own submissions come a page at a time: every submission on exactly one page,
// in order, also when several were stored in the same instant; a malformed cursor is refused.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOwnFeedback, OWN_FEEDBACK_PAGE_SIZE } from '../../src/db/queries/feedback.ts';
import { feedback, users } from '../../src/db/schema.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let database: TestDatabase;
let t: TestApp;
let mttq: string;
let otherMttq: string;
const CONSENT = { given: true, version: '1' };
const SUBMISSIONS = OWN_FEEDBACK_PAGE_SIZE + 7;
let ids: number[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  mttq = await t.signIn('mttq', 'hoa-mttq');
  otherMttq = await t.signIn('mttq', 'tuan-mttq');
  for (let n = 1; n <= SUBMISSIONS; n++) {
    const response = await t.request('/api/feedback', { cookie: mttq, json: { content: `Ý kiến số ${n} về học phí của trường Tiểu học Hoa Sen`, consent: CONSENT } });
    expect(response.status).toBe(201);
    ids.push(((await response.json()) as { id: number }).id);
  }
  const other = await t.request('/api/feedback', { cookie: otherMttq, json: { content: 'Ý kiến của một cán bộ khác về bữa ăn bán trú', consent: CONSENT } });
  expect(other.status).toBe(201);
  // Newest first; ids are in the order of submission.
  ids = ids.reverse();
}, 120_000);
afterAll(async () => {
  await t?.close();
  await database?.close();
});

describe('GET /api/feedback/mine, a page at a time', () => {
  it('gives every submission once, newest first, over two pages', async () => {
    const first = (await (await t.request('/api/feedback/mine', { cookie: mttq })).json()) as { feedback: Array<{ id: number }>; olderThan: number | null };
    expect(first.feedback.map((row) => row.id)).toEqual(ids.slice(0, OWN_FEEDBACK_PAGE_SIZE));
    expect(first.olderThan).toBe(ids[OWN_FEEDBACK_PAGE_SIZE - 1]);
    const second = (await (await t.request(`/api/feedback/mine?before=${first.olderThan}`, { cookie: mttq })).json()) as {
      feedback: Array<{ id: number }>;
      olderThan: number | null;
    };
    expect(second.feedback.map((row) => row.id)).toEqual(ids.slice(OWN_FEEDBACK_PAGE_SIZE));
    expect(second.olderThan).toBeNull();
  });

  it('refuses a malformed cursor with 400, and another officer\'s id gives nothing of theirs', async () => {
    for (const bad of ['abc', '-1', '0', '1.5', '99999999999', '1 or 1=1']) {
      const response = await t.request(`/api/feedback/mine?before=${encodeURIComponent(bad)}`, { cookie: mttq });
      expect(response.status, bad).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    }
    const page = await t.request(`/feedback?before=abc`, { cookie: mttq });
    expect(page.status).toBe(400);
    const foreign = (await (await t.request(`/api/feedback/mine?before=${ids[0]}`, { cookie: otherMttq })).json()) as { feedback: unknown[] };
    expect(foreign.feedback).toEqual([]);
  });

  it('keeps the order for submissions stored in the same instant', async () => {
    const [officer] = await database.db.select({ id: users.id }).from(users).where(eq(users.username, 'hoa-mttq'));
    await database.db.update(feedback).set({ createdAt: sql`'2026-11-20T03:00:00Z'::timestamptz` }).where(eq(feedback.submittedBy, officer!.id));
    const seen: number[] = [];
    let before: number | null = null;
    for (let pages = 0; pages < SUBMISSIONS; pages++) {
      const page = await listOwnFeedback(database.db, officer!.id, { publishedOnly: true }, { before, limit: 4 });
      seen.push(...page.feedback.map((row) => row.id));
      if (page.olderThan === null) break;
      before = page.olderThan;
    }
    expect(seen).toEqual(ids);
  });
});

describe('the /feedback page', () => {
  it('links to the older page and back to the newest', async () => {
    const first = await (await t.request('/feedback', { cookie: mttq })).text();
    expect(first).toContain(`href="/feedback?before=${ids[OWN_FEEDBACK_PAGE_SIZE - 1]}"`);
    expect(first).toContain('Ý kiến cũ hơn');
    expect(first).not.toContain('Ý kiến mới nhất');
    const second = await (await t.request(`/feedback?before=${ids[OWN_FEEDBACK_PAGE_SIZE - 1]}`, { cookie: mttq })).text();
    expect(second).toContain('href="/feedback"');
    expect(second).toContain('Ý kiến mới nhất');
    expect(second).not.toContain('Ý kiến cũ hơn');
    for (const id of ids.slice(OWN_FEEDBACK_PAGE_SIZE)) expect(second).toContain(`href="/feedback/${id}"`);
  });
});
