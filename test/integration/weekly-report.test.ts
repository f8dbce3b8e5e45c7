// The weekly summary: every figure of a seeded week checked against independent SQL, the week's
// boundaries, empty/future/malformed weeks, snapshots that later edits do not change, exports and the CLI.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { sql } from 'drizzle-orm';
import readXlsxFile from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { clusters, feedback, feedbackContacts, items, responses, sources } from '../../src/db/schema.ts';
import { getWeeklySnapshot } from '../../src/db/queries/weekly-report.ts';
import { isoWeekOf, parseIsoWeek } from '../../src/domain/iso-week.ts';
import type { WeeklySummary } from '../../src/domain/weekly-summary.ts';
import { generateWeeklySnapshot, snapshotDueWeek, weekDueForSnapshot } from '../../src/jobs/weekly-snapshot.ts';
import { REFRESH_QUEUE, createBullmqRunner, startRefreshWorker } from '../../src/jobs/bullmq-runner.ts';
import { computeWeeklySummary, readWeeklySummary } from '../../src/reports/weekly-summary.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { testRedisUrl } from '../helpers/test-redis.ts';

const WEEK = '2026-W40'; // Monday 28/09/2026 – Sunday 04/10/2026
const W = parseIsoWeek(WEEK);
const PREVIOUS = parseIsoWeek('2026-W39');
const HOUR = 3600_000;
const SECRET_PHONE = '0912345678';
const SECRET_NAME = 'Nguyễn Văn Bí Mật';

let database: TestDatabase;
let t: TestApp;
let admin: string;
let leader: string;
let staff: string;
let mttq: string;

/** Vietnam local time → Date. */
const at = (local: string) => new Date(`${local}+07:00`);

let keyCounter = 0;
interface SeedItem {
  sourceId: number;
  title: string;
  at: Date;
  publishedAt?: Date | null;
  labels?: string[];
  priority?: number;
  status?: 'new' | 'in_review' | 'responded' | 'escalated' | 'dismissed';
  verdict?: 'fake' | 'false' | 'verified' | 'unverified' | null;
  dismissReason?: 'not_relevant' | 'false_positive' | 'duplicate' | null;
  clusterId?: number | null;
  dueHours?: number | null;
}

async function seedItem(db: Db, seed: SeedItem): Promise<number> {
  keyCounter += 1;
  const publishedAt = seed.publishedAt === undefined ? seed.at : seed.publishedAt;
  const collectedAt = publishedAt === null ? seed.at : new Date(Math.max(seed.at.getTime(), publishedAt.getTime()));
  const [row] = await db
    .insert(items)
    .values({
      sourceId: seed.sourceId,
      keyHash: `k${keyCounter}`,
      url: `https://bao.example/${keyCounter}`,
      title: seed.title,
      body: `Nội dung ${keyCounter}`,
      publishedAt,
      collectedAt,
      sortAt: publishedAt ?? collectedAt,
      searchText: `noi dung ${keyCounter}`,
      contentHash: `h${keyCounter}`,
      labels: (seed.labels ?? []) as never,
      priority: seed.priority ?? 0,
      status: seed.status ?? 'new',
      verdict: seed.verdict ?? null,
      dismissReason: seed.dismissReason ?? null,
      clusterId: seed.clusterId ?? null,
      dueAt: seed.dueHours ? new Date(collectedAt.getTime() + seed.dueHours * HOUR) : null,
    })
    .returning({ id: items.id });
  return row!.id;
}

async function respond(db: Db, itemId: number, channel: string, respondedAt: Date, kind = 'correction'): Promise<void> {
  await db.insert(responses).values({ itemId, kind: kind as never, channel: channel as never, text: 'Đã trả lời', link: null, respondedAt });
}

const ids: Record<string, number> = {};

async function seedWeek(db: Db): Promise<void> {
  const [a, b, c, form] = await db
    .insert(sources)
    .values([
      { kind: 'rss', name: 'Báo A', url: 'https://a.example/rss' },
      { kind: 'rss', name: 'Báo B', url: 'https://b.example/rss' },
      { kind: 'rss', name: 'Báo C', url: 'https://c.example/rss' },
      { kind: 'form', name: 'Ý kiến qua MTTQ', url: null },
    ])
    .returning({ id: sources.id });
  const [c1, c2] = await db
    .insert(clusters)
    .values([
      { representativeItemId: 0, size: 3 },
      { representativeItemId: 0, size: 2 },
    ])
    .returning({ id: clusters.id });
  // The same story in three papers: one story, three items.
  ids.lamThuA = await seedItem(db, { sourceId: a!.id, title: 'Trường thu thêm tiền đầu năm', at: at('2026-09-28T08:00:00'), labels: ['negative', 'relevant'], priority: 300, status: 'responded', clusterId: c1!.id, dueHours: 72 });
  ids.lamThuB = await seedItem(db, { sourceId: b!.id, title: 'Phụ huynh phản ánh lạm thu', at: at('2026-09-28T09:00:00'), labels: ['negative', 'relevant'], priority: 300, status: 'in_review', clusterId: c1!.id, dueHours: 72 });
  ids.lamThuC = await seedItem(db, { sourceId: c!.id, title: 'Lạm thu ở trường tiểu học', at: at('2026-09-29T10:00:00'), labels: ['negative'], priority: 200, status: 'new', clusterId: c1!.id, dueHours: 72 });
  await respond(db, ids.lamThuA, 'ward_portal', at('2026-09-28T18:00:00'));
  await respond(db, ids.lamThuA, 'loudspeaker', at('2026-09-29T14:00:00'), 'clarification');
  // Misinformation, escalated, answered after its 24 h deadline.
  ids.fake = await seedItem(db, { sourceId: a!.id, title: 'Tin đồn nghỉ học cả tuần', at: at('2026-09-30T12:00:00'), labels: ['misinformation', 'negative'], priority: 500, status: 'escalated', verdict: 'false', dueHours: 24 });
  await respond(db, ids.fake, 'report_up', at('2026-10-01T18:00:00'), 'report_up');
  // Negative but dismissed as a false positive: counted in sentiment, not a concern, not overdue.
  ids.falsePositive = await seedItem(db, { sourceId: b!.id, title: 'Đội bóng thua trận', at: at('2026-10-01T08:00:00'), labels: ['negative'], priority: 200, status: 'dismissed', dismissReason: 'false_positive', dueHours: 72 });
  // A good story in two papers.
  ids.goodA = await seedItem(db, { sourceId: a!.id, title: 'Học sinh phường đạt giải quốc gia', at: at('2026-10-02T08:00:00'), labels: ['positive', 'relevant'], priority: 100, clusterId: c2!.id });
  ids.goodB = await seedItem(db, { sourceId: b!.id, title: 'Học sinh đạt giải quốc gia', at: at('2026-10-03T08:00:00'), labels: ['positive', 'relevant'], priority: 100, clusterId: c2!.id });
  // The last instant of Sunday belongs to the week; Monday 00:00 to the next one.
  ids.sundayLast = await seedItem(db, { sourceId: c!.id, title: '=HYPERLINK("http://evil.example","bấm vào")', at: at('2026-10-04T23:59:59.999'), labels: ['relevant'], priority: 100 });
  ids.mondayNext = await seedItem(db, { sourceId: c!.id, title: 'Tin tuần sau', at: at('2026-10-05T00:00:00'), labels: ['negative'], priority: 200 });
  // Published in the week, collected the Monday after: the week of its publication.
  ids.lateCollected = await seedItem(db, { sourceId: a!.id, title: 'Bài đăng thứ bảy', at: at('2026-10-05T09:00:00'), publishedAt: at('2026-10-03T20:00:00'), labels: [] });

  // MTTQ feedback: one answered in time, one new, one without a topic dismissed as not relevant.
  ids.f1 = await seedItem(db, { sourceId: form!.id, title: 'Học phí tăng', at: at('2026-09-29T09:00:00'), labels: ['negative'], priority: 200, status: 'responded', dueHours: 168 });
  await respond(db, ids.f1, 'residential_meeting', at('2026-10-01T09:00:00'), 'reply');
  ids.f2 = await seedItem(db, { sourceId: form!.id, title: 'Thiếu phòng học', at: at('2026-09-30T09:00:00'), labels: [], status: 'new', dueHours: 168 });
  ids.f3 = await seedItem(db, { sourceId: form!.id, title: 'Hỏi giờ học', at: at('2026-10-01T15:00:00'), labels: ['relevant'], priority: 100, status: 'dismissed', dismissReason: 'not_relevant', dueHours: 168 });
  const now = new Date();
  const [fb1] = await db
    .insert(feedback)
    .values([
      { itemId: ids.f1, receipt: 'PA-AAAA2222', topic: 'Học phí', consentVersion: '1', consentGivenAt: now },
      { itemId: ids.f2, receipt: 'PA-BBBB3333', topic: 'Trường lớp', consentVersion: '1', consentGivenAt: now },
      { itemId: ids.f3, receipt: 'PA-CCCC4444', topic: null, consentVersion: '1', consentGivenAt: now },
    ])
    .returning({ id: feedback.id });
  await db.insert(feedbackContacts).values({ feedbackId: fb1!.id, name: SECRET_NAME, contact: SECRET_PHONE });

  // The week before: 1 negative, 1 positive, 2 neutral stories; a response made in our week to one of them.
  ids.prevNeg = await seedItem(db, { sourceId: a!.id, title: 'Tuần trước tiêu cực', at: at('2026-09-22T08:00:00'), labels: ['negative'], priority: 200, status: 'responded', dueHours: 72 });
  await seedItem(db, { sourceId: b!.id, title: 'Tuần trước tích cực', at: at('2026-09-23T08:00:00'), labels: ['positive'] });
  await seedItem(db, { sourceId: b!.id, title: 'Tuần trước trung tính 1', at: at('2026-09-24T08:00:00'), labels: ['relevant'] });
  await seedItem(db, { sourceId: c!.id, title: 'Tuần trước trung tính 2', at: at('2026-09-27T23:59:59') });
  await respond(db, ids.prevNeg, 'press', at('2026-09-28T10:00:00'));
}

function rows<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];
}
async function query<T = Record<string, unknown>>(text: ReturnType<typeof sql>): Promise<T[]> {
  return rows<T>(await database.db.execute(text));
}
const n = (value: unknown) => Number(value);

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  admin = await t.signIn('admin');
  leader = await t.signIn('leader');
  staff = await t.signIn('staff');
  mttq = await t.signIn('mttq');
  await seedWeek(database.db);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await database?.close();
});

async function getSummary(week = WEEK, cookie = leader): Promise<WeeklySummary & { snapshot: boolean }> {
  const response = await t.request(`/api/reports/weekly?week=${encodeURIComponent(week)}`, { cookie });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as WeeklySummary & { snapshot: boolean };
}

describe('the weekly summary of a seeded week', () => {
  let summary: WeeklySummary & { snapshot: boolean };
  // Independent definitions, written differently from the report's queries.
  const from = W.from.toISOString();
  const to = W.to.toISOString();
  const inWeek = sql`sort_at >= ${from}::timestamptz and sort_at < ${to}::timestamptz`;
  const storyKey = sql`case when cluster_id is null then 'item:' || id::text else 'cluster:' || cluster_id::text end`;

  beforeAll(async () => {
    summary = await getSummary();
  });

  it('is computed live (no snapshot yet) for the asked week', () => {
    expect(summary.snapshot).toBe(false);
    expect(summary.week).toBe(WEEK);
    expect(summary.from).toBe('2026-09-27T17:00:00.000Z');
    expect(summary.to).toBe('2026-10-04T17:00:00.000Z');
    expect(summary.empty).toBe(false);
  });

  it('counts items and stories (a story in three papers is one story)', async () => {
    const [expected] = await query(sql`select count(*) as items, count(distinct ${storyKey}) as stories,
      count(distinct ${storyKey}) filter (where 'negative' = any(labels) or 'misinformation' = any(labels) or 'offensive' = any(labels)) as flagged
      from items where ${inWeek}`);
    expect(summary.totals.items).toBe(n(expected!.items));
    expect(summary.totals.stories).toBe(n(expected!.stories));
    expect(summary.totals.flaggedStories).toBe(n(expected!.flagged));
    // By hand: 12 items (9 news incl. the late-collected one, 3 feedback); 3 + 2 copies fold into 2 stories.
    expect(summary.totals).toMatchObject({ items: 12, stories: 9, flaggedStories: 4 });
  });

  it('counts by day in Vietnam time, Monday first, the last instant of Sunday included', async () => {
    const expected = await query(sql`select to_char((sort_at at time zone 'UTC') + interval '7 hours', 'YYYY-MM-DD') as day,
      count(*) as items, count(distinct ${storyKey}) as stories from items where ${inWeek} group by 1`);
    expect(summary.byDay.map((row) => row.date)).toEqual(['2026-09-28', '2026-09-29', '2026-09-30', '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04']);
    for (const row of summary.byDay) {
      const found = expected.find((entry) => entry.day === row.date);
      expect({ date: row.date, items: row.items, stories: row.stories }).toEqual({
        date: row.date,
        items: found ? n(found.items) : 0,
        stories: found ? n(found.stories) : 0,
      });
    }
    expect(summary.byDay[6]).toMatchObject({ items: 1 });
  });

  it('counts by source', async () => {
    const expected = await query(sql`select s.name, count(*) as items, count(distinct ${sql.raw("case when i.cluster_id is null then 'item:' || i.id::text else 'cluster:' || i.cluster_id::text end")}) as stories
      from items i join sources s on s.id = i.source_id where i.${inWeek} group by s.name`);
    expect(summary.bySource).toHaveLength(expected.length);
    for (const row of expected) {
      expect(summary.bySource.find((entry) => entry.sourceName === row.name)).toMatchObject({ items: n(row.items), stories: n(row.stories) });
    }
    expect(summary.bySource.find((entry) => entry.sourceName === 'Báo A')).toMatchObject({ items: 4, stories: 4 });
  });

  it('counts by topic: the feedback topic, else the strongest label, else other', async () => {
    const raw = await query<{ id: number; labels: string[] | string; topic: string | null; cluster_id: number | null }>(
      sql`select i.id, i.labels, f.topic, i.cluster_id from items i left join feedback f on f.item_id = i.id where i.${inWeek}`,
    );
    const order = ['misinformation', 'negative', 'offensive', 'positive', 'relevant'];
    const expected = new Map<string, { items: number; stories: Set<string> }>();
    for (const row of raw) {
      const labels = Array.isArray(row.labels) ? row.labels : String(row.labels).replace(/[{}]/g, '').split(',').filter(Boolean);
      const topic = row.topic?.trim() || order.find((label) => labels.includes(label)) || 'other';
      const entry = expected.get(topic) ?? { items: 0, stories: new Set<string>() };
      entry.items += 1;
      entry.stories.add(row.cluster_id === null ? `i${row.id}` : `c${row.cluster_id}`);
      expected.set(topic, entry);
    }
    expect(Object.fromEntries(summary.byTopic.map((row) => [row.topic, { items: row.items, stories: row.stories }]))).toEqual(
      Object.fromEntries([...expected].map(([topic, entry]) => [topic, { items: entry.items, stories: entry.stories.size }])),
    );
    expect(summary.byTopic.find((row) => row.topic === 'Học phí')).toMatchObject({ items: 1 });
  });

  it('gives sentiment shares among stories and their change from the week before', async () => {
    const shares = async (range: { from: Date; to: Date }) => {
      const [row] = await query(sql`with per_story as (
          select ${storyKey} as story, max(case when 'negative' = any(labels) then 1 else 0 end) as neg,
                 max(case when 'positive' = any(labels) then 1 else 0 end) as pos
          from items where sort_at >= ${range.from.toISOString()}::timestamptz and sort_at < ${range.to.toISOString()}::timestamptz group by 1)
        select count(*) as stories, sum(neg) as negative, sum(case when neg = 0 and pos = 1 then 1 else 0 end) as positive from per_story`);
      return { stories: n(row!.stories), negative: n(row!.negative), positive: n(row!.positive) };
    };
    const now = await shares(W);
    const before = await shares(PREVIOUS);
    expect(summary.sentiment).toMatchObject({ ...now, neutral: now.stories - now.negative - now.positive });
    expect(summary.sentiment.negativeShare).toBeCloseTo(now.negative / now.stories, 10);
    expect(summary.sentiment.positiveShare).toBeCloseTo(now.positive / now.stories, 10);
    expect(summary.previousSentiment).toMatchObject({ stories: 4, negative: 1, positive: 1, neutral: 2 });
    expect(before).toEqual({ stories: 4, negative: 1, positive: 1 });
    expect(summary.sentimentChange!.negative).toBeCloseTo(Math.round((now.negative / now.stories - 0.25) * 1000) / 10, 10);
    expect(summary.sentimentChange!.positive).toBeCloseTo(Math.round((now.positive / now.stories - 0.25) * 1000) / 10, 10);
  });

  it('lists the most serious stories with what was done, and the positive ones', async () => {
    // Concerns: negative or misleading, not dismissed as a false positive / not relevant; highest priority first.
    const expected = await query(sql`select ${storyKey} as story, max(priority) as top, count(*) as copies, min(id) as first_id
      from items where ${inWeek} and ('negative' = any(labels) or 'misinformation' = any(labels))
        and not (status = 'dismissed' and dismiss_reason in ('false_positive', 'not_relevant'))
      group by 1 order by top desc, copies desc, first_id`);
    expect(summary.totals.concernStories).toBe(expected.length);
    expect(summary.topConcerns.map((story) => story.copies)).toEqual(expected.map((row) => n(row.copies)));
    const [first, second] = summary.topConcerns;
    expect(first).toMatchObject({ itemId: ids.fake, title: 'Tin đồn nghỉ học cả tuần', sourceName: 'Báo A', copies: 1, status: 'escalated', verdict: 'false' });
    expect(first!.responses.map((response) => response.channel)).toEqual(['report_up']);
    expect(second).toMatchObject({ itemId: ids.lamThuA, copies: 3, labels: ['negative', 'relevant'], status: 'responded' });
    expect(second!.responses.map((response) => [response.channel, response.kind])).toEqual([
      ['ward_portal', 'correction'],
      ['loudspeaker', 'clarification'],
    ]);
    expect(summary.topConcerns.some((story) => story.itemId === ids.falsePositive)).toBe(false);
    expect(summary.positiveStories).toHaveLength(1);
    expect(summary.positiveStories[0]).toMatchObject({ itemId: ids.goodA, copies: 2, responses: [] });
    expect(summary.totals.positiveStories).toBe(1);
  });

  it('counts the responses made during the week by channel', async () => {
    const expected = await query(sql`select channel, count(*) as count from responses
      where responded_at >= ${from}::timestamptz and responded_at < ${to}::timestamptz group by channel`);
    expect(Object.fromEntries(summary.responsesByChannel.map((row) => [row.channel, row.count]))).toEqual(
      Object.fromEntries(expected.map((row) => [row.channel, n(row.count)])),
    );
    // The press response answered an item of the week before: it was still made this week.
    expect(summary.responsesByChannel.find((row) => row.channel === 'press')?.count).toBe(1);
  });

  it('measures response time against the deadlines, and counts what is overdue', async () => {
    const firsts = await query(sql`select i.id, extract(epoch from i.collected_at) as collected, extract(epoch from i.due_at) as due,
        (select extract(epoch from r.responded_at) from responses r where r.item_id = i.id order by r.responded_at limit 1) as first
      from items i where i.${inWeek} and i.due_at is not null`);
    const answered = firsts.filter((row) => row.first !== null);
    const hours = answered.map((row) => (n(row.first) - n(row.collected)) / 3600).sort((x, y) => x - y);
    const mid = hours.length / 2;
    const median = hours.length % 2 ? hours[Math.floor(mid)]! : (hours[mid - 1]! + hours[mid]!) / 2;
    expect(summary.responseTime.responded).toBe(answered.length);
    expect(summary.responseTime.medianHours).toBeCloseTo(median, 2);
    expect(summary.responseTime.withinDeadlineShare).toBeCloseTo(answered.filter((row) => n(row.first) <= n(row.due)).length / answered.length, 10);
    const [overdue] = await query(sql`select count(*) as count from items where ${inWeek} and status in ('new', 'in_review')
      and due_at < ${to}::timestamptz`);
    expect(summary.responseTime.overdue).toBe(n(overdue!.count));
    // By hand: three answered (10 h, 30 h, 48 h), two in time; the two open lạm thu copies are overdue.
    expect(summary.responseTime).toEqual({ responded: 3, medianHours: 30, withinDeadlineShare: 2 / 3, overdue: 2 });
  });

  it("counts the MTTQ feedback of the week by its status", async () => {
    const expected = await query(sql`select i.status, count(*) as count from feedback f join items i on i.id = f.item_id
      where i.${inWeek} group by i.status`);
    expect(summary.feedback.received).toBe(expected.reduce((sum, row) => sum + n(row.count), 0));
    expect(Object.fromEntries(summary.feedback.byStatus.map((row) => [row.status, row.count]))).toEqual(
      Object.fromEntries(expected.map((row) => [row.status, n(row.count)])),
    );
    expect(summary.feedback.received).toBe(3);
  });

  it('writes a Vietnamese narrative from the figures only', () => {
    const text = summary.narrative.join('\n');
    expect(text).toBe(text.normalize('NFC'));
    expect(text).toContain('12 tin bài về 9 vụ việc');
    expect(text).toContain('«Tin đồn nghỉ học cả tuần»');
    expect(text).toContain('Báo cáo lên thành phố');
    expect(text).toContain('trung vị từ khi ghi nhận đến phản hồi đầu tiên là 30 giờ; 66,7%');
    expect(text).toContain('2 tin bài đã quá hạn');
    expect(text).toContain('MTTQ chuyển đến 3 ý kiến của cử tri: 1 mới tiếp nhận, 1 đã phản hồi, 1 không cần xử lý.');
    expect(text).toContain('«Học sinh phường đạt giải quốc gia»');
    // Every number in the narrative is one of the summary's figures (or a date of the week).
    const figures = new Set(
      [
        summary.totals.items,
        summary.totals.stories,
        summary.totals.flaggedStories,
        summary.totals.concernStories,
        summary.totals.positiveStories,
        summary.sentiment.stories,
        summary.topConcerns[0]!.copies,
        summary.topConcerns[0]!.responses.length,
        summary.responseTime.responded,
        summary.responseTime.overdue,
        summary.feedback.received,
        ...summary.feedback.byStatus.map((row) => row.count),
        ...summary.responsesByChannel.map((row) => row.count),
        summary.responsesByChannel.reduce((sum, row) => sum + row.count, 0),
      ].map(String),
    );
    const percents = [summary.sentiment.negativeShare, summary.sentiment.positiveShare, summary.sentiment.neutralShare, summary.previousSentiment!.negativeShare, summary.responseTime.withinDeadlineShare!]
      .map((share) => String(Math.round(share * 1000) / 10).replace('.', ','));
    percents.push(String(Math.abs(summary.sentimentChange!.negative)).replace('.', ','), '30');
    const withoutDates = text.replace(/\d{2}\/\d{2}\/\d{4}/g, '').replace(/2026-W40/g, '');
    for (const number of withoutDates.match(/\d+(,\d+)?/g) ?? []) {
      expect(figures.has(number) || percents.includes(number), `narrative number ${number}`).toBe(true);
    }
  });
});

describe('weeks that cannot be reported', () => {
  it('answers an empty week with zeros and says nothing happened', async () => {
    const summary = await getSummary('2025-W10');
    expect(summary.empty).toBe(true);
    expect(summary.totals).toEqual({ items: 0, stories: 0, flaggedStories: 0, concernStories: 0, positiveStories: 0 });
    expect(summary.byDay.every((row) => row.items === 0 && row.stories === 0)).toBe(true);
    expect(summary.previousSentiment).toBeNull();
    expect(summary.sentimentChange).toBeNull();
    expect(summary.responseTime).toEqual({ responded: 0, medianHours: null, withinDeadlineShare: null, overdue: 0 });
    expect(summary.narrative).toEqual(['Tuần 2025-W10 (từ 03/03/2025 đến 09/03/2025): hệ thống không ghi nhận tin bài hay ý kiến nào.']);
  });

  it('refuses malformed and future weeks with clear errors', async () => {
    for (const [week, status, code] of [
      ['2026-W60', 400, 'invalid_week'],
      ['abc', 400, 'invalid_week'],
      ['2025-W53', 400, 'invalid_week'],
      ['2099-W01', 422, 'week_in_future'],
    ] as const) {
      for (const path of ['/api/reports/weekly', '/api/reports/weekly.csv', '/api/reports/weekly.xlsx', '/api/reports/weekly.docx']) {
        const response = await t.request(`${path}?week=${week}`, { cookie: leader });
        expect(response.status, `${path} ${week}`).toBe(status);
        const body = (await response.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe(code);
        expect(body.error.message.length).toBeGreaterThan(10);
      }
    }
    const page = await t.request('/reports/weekly?week=abc', { cookie: leader });
    expect(page.status).toBe(400);
  });

  it('reads a lowercase w (and spaces around the week) as the week itself', async () => {
    const { generatedAt: _generated, ...asked } = await getSummary(WEEK);
    for (const typed of [WEEK.toLowerCase(), ` ${WEEK.toLowerCase()} `]) {
      const { generatedAt: _again, ...read } = await getSummary(typed);
      expect(read, typed).toEqual(asked);
    }
    const page = await t.request(`/reports/weekly?week=${WEEK.toLowerCase()}`, { cookie: leader });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`value="${WEEK}"`);
    // Lowercase garbage is still garbage.
    const refused = await t.request('/api/reports/weekly?week=2026-w60', { cookie: leader });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invalid_week');
  });

  it('is not for MTTQ officers', async () => {
    expect((await t.request(`/api/reports/weekly?week=${WEEK}`, { cookie: mttq })).status).toBe(403);
  });

  it('defaults to the last complete week', async () => {
    const response = await t.request('/api/reports/weekly', { cookie: leader });
    expect(response.status).toBe(200);
    const body = (await response.json()) as WeeklySummary;
    expect(new Date(body.to).getTime()).toBeLessThanOrEqual(Date.now());
    expect(Date.now() - new Date(body.to).getTime()).toBeLessThan(7 * 24 * HOUR);
  });
});

describe('exports of the week', () => {
  it('writes the items as CSV with formulas neutralized and no citizen contact', async () => {
    const response = await t.request(`/api/reports/weekly.csv?week=${WEEK}`, { cookie: leader });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain(`bao-cao-tuan-${WEEK}.csv`);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
    // A document for people: Vietnamese headers, labels and statuses from the catalogue, local times.
    expect(text.startsWith('\uFEFFMã tin,Thời gian,Thời điểm thu thập,Nguồn,Loại nguồn,Tiêu đề,')).toBe(true);
    expect(text.trim().split('\r\n')).toHaveLength(1 + 12);
    const lamThu = text.split('\r\n').find((row) => row.startsWith(`${ids.lamThuA},`))!;
    expect(lamThu).toContain(',28/09/2026 08:00,');
    expect(lamThu).toContain(',Tiêu cực; Liên quan giáo dục/phường,');
    expect(lamThu).toContain(',Đã phản hồi,');
    expect(lamThu).not.toMatch(/negative|responded|T\d\d:\d\d:\d\d/);
    expect(text).toContain(',Biểu mẫu,');
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""bấm vào"")"`);
    expect(text).not.toContain(SECRET_PHONE);
    expect(text).not.toContain(SECRET_NAME);
    expect(text).not.toContain('PA-AAAA2222');
    expect(text).not.toContain('Tin tuần sau');
  });

  it('keeps the machine-readable CSV behind ?format=raw, follows ?lang=en, and refuses another format', async () => {
    const raw = await t.request(`/api/reports/weekly.csv?week=${WEEK}&format=raw`, { cookie: leader });
    expect(raw.status).toBe(200);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await raw.arrayBuffer());
    expect(text.startsWith('\uFEFFid,time,collected_at,source,source_kind,title,')).toBe(true);
    expect(text).toContain(`${ids.lamThuA},2026-09-28T01:00:00.000Z,`);
    expect(text).toContain(',negative;relevant,');
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""bấm vào"")"`);
    const english = new TextDecoder().decode(await (await t.request(`/api/reports/weekly.csv?week=${WEEK}&lang=en`, { cookie: leader })).arrayBuffer());
    expect(english.startsWith('Item ID,Time,')).toBe(true);
    expect(english).toContain(',Negative; Education/ward related,');
    expect((await t.request(`/api/reports/weekly.csv?week=${WEEK}&format=json`, { cookie: leader })).status).toBe(400);
    expect((await t.request(`/api/reports/weekly.xlsx?week=${WEEK}&format=xml`, { cookie: leader })).status).toBe(400);
  });

  it('shows times in Vietnam time: an item at 17:30 UTC on 01/11 is 02/11/2026 00:30 (week 2026-W45)', async () => {
    const [source] = await database.db.insert(sources).values({ kind: 'import', name: 'Tệp nhập', url: null }).returning({ id: sources.id });
    const id = await seedItem(database.db, { sourceId: source!.id, title: 'Tin nửa đêm', at: new Date('2026-11-01T17:30:00Z'), labels: ['misinformation'], status: 'dismissed' });
    const csv = new TextDecoder().decode(await (await t.request('/api/reports/weekly.csv?week=2026-W45', { cookie: leader })).arrayBuffer());
    expect(csv).toContain(`${id},02/11/2026 00:30,02/11/2026 00:30,Tệp nhập,Nhập tệp,Tin nửa đêm,`);
    expect(csv).toContain(',Dấu hiệu tin sai,');
    expect(csv).toContain(',Đã bỏ qua,');
    const [sheet] = await readXlsxFile(Buffer.from(await (await t.request('/api/reports/weekly.xlsx?week=2026-W45', { cookie: leader })).arrayBuffer()));
    const [header, row] = sheet!.data;
    // A date cell carries the wall-clock time (spreadsheets have no zones), shown dd/mm/yyyy hh:mm;
    // the reader gives it back as a UTC Date, to within the float's rounding of a day fraction.
    const cell = row![header!.indexOf('Thời gian')] as unknown as Date;
    expect(cell).toBeInstanceOf(Date);
    expect(Math.abs(cell.getTime() - Date.parse('2026-11-02T00:30:00Z'))).toBeLessThan(1000);
    expect(row![header!.indexOf('Loại nguồn')]).toBe('Nhập tệp');
    expect(row![header!.indexOf('Trạng thái')]).toBe('Đã bỏ qua');
  });

  it('writes the items as XLSX readable by a spreadsheet reader', async () => {
    const response = await t.request(`/api/reports/weekly.xlsx?week=${WEEK}`, { cookie: leader });
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    const [sheet] = await readXlsxFile(bytes);
    expect(sheet!.data).toHaveLength(13);
    const header = sheet!.data[0]!;
    expect(header.slice(0, 6)).toEqual(['Mã tin', 'Thời gian', 'Thời điểm thu thập', 'Nguồn', 'Loại nguồn', 'Tiêu đề']);
    const titleColumn = header.indexOf('Tiêu đề');
    const titles = sheet!.data.slice(1).map((row) => row[titleColumn]);
    expect(titles).toContain(`'=HYPERLINK("http://evil.example","bấm vào")`);
    expect(titles).toContain('Trường thu thêm tiền đầu năm');
    const lamThu = sheet!.data.find((row) => row[0] === ids.lamThuA)!;
    expect(lamThu[header.indexOf('Nhãn')]).toBe('Tiêu cực; Liên quan giáo dục/phường');
    expect(lamThu[header.indexOf('Trạng thái')]).toBe('Đã phản hồi');
    expect(lamThu[header.indexOf('Loại nguồn')]).toBe('RSS');
    expect(JSON.stringify(sheet!.data)).not.toContain(SECRET_PHONE);
    const [raw] = await readXlsxFile(Buffer.from(await (await t.request(`/api/reports/weekly.xlsx?week=${WEEK}&format=raw`, { cookie: leader })).arrayBuffer()));
    expect(raw!.data[0]!.slice(0, 3)).toEqual(['id', 'time', 'collected_at']);
  });

  it('writes a non-empty .docx', async () => {
    const response = await t.request(`/api/reports/weekly.docx?week=${WEEK}`, { cookie: leader });
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    expect(bytes.length).toBeGreaterThan(1000);
  });

  it('renders the page for a leader', async () => {
    const response = await t.request(`/reports/weekly?week=${WEEK}`, { cookie: leader });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(WEEK);
  });

  it('keeps the report details an administrator sets, and refuses bad ones', async () => {
    const details = { wardName: 'Bến Thành', place: 'Bến Thành', recipients: ['UBND Thành phố', 'Lưu: VT'], signerTitle: 'CHỦ TỊCH', signerName: 'Nguyễn Văn A' };
    expect((await t.request('/api/settings/report', { method: 'PUT', json: details, cookie: leader })).status).toBe(403);
    const saved = await t.request('/api/settings/report', { method: 'PUT', json: details, cookie: admin });
    expect(saved.status).toBe(200);
    expect(await (await t.request('/api/settings/report', { cookie: leader })).json()).toEqual(details);
    for (const bad of [{ ...details, wardName: '' }, { ...details, extra: 1 }, { ...details, recipients: 'x' }, { ...details, place: 'a\u0000b' }]) {
      const response = await t.request('/api/settings/report', { method: 'PUT', json: bad, cookie: admin });
      expect(response.status).toBe(422);
    }
    expect(await (await t.request('/api/settings/report', { cookie: leader })).json()).toEqual(details);
  });
});

describe('the report details page', () => {
  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    cookie: admin,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

  it('lets an administrator set the details with a form, one recipient a line, and shows errors beside the fields', async () => {
    const fields = { wardName: 'Tân Định', place: 'Tân Định', recipients: 'UBND Thành phố\r\n\r\nPhòng GD&ĐT\r\nLưu: VT', signerTitle: 'PHÓ CHỦ TỊCH', signerName: '' };
    const saved = await t.request('/settings/report', form(fields));
    expect(saved.status).toBe(303);
    expect(await (await t.request('/api/settings/report', { cookie: leader })).json()).toEqual({
      wardName: 'Tân Định',
      place: 'Tân Định',
      recipients: ['UBND Thành phố', 'Phòng GD&ĐT', 'Lưu: VT'],
      signerTitle: 'PHÓ CHỦ TỊCH',
      signerName: '',
    });
    const page = await (await t.request('/settings/report', { cookie: admin })).text();
    expect(page).toContain('Tân Định');
    const refused = await t.request('/settings/report', form({ ...fields, wardName: '', signerTitle: '"><script>x</script>' + 'x'.repeat(200) }));
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(html).toContain('id="report-wardName-error"');
    expect(html).toContain('id="report-signerTitle-error"');
    expect(html).not.toContain('<script>x</script>');
    expect(((await (await t.request('/api/settings/report', { cookie: leader })).json()) as { wardName: string }).wardName).toBe('Tân Định');
    expect((await t.request('/settings/report', { ...form(fields), cookie: leader })).status).toBe(403);
  });
});

describe('snapshots', () => {
  it('stores the week once; later edits and later runs do not change it', async () => {
    const delivered: string[] = [];
    const first = await generateWeeklySnapshot(database.db, W, { deliver: async (summary) => void delivered.push(summary.week) });
    expect(first).toEqual({ week: WEEK, stored: true, delivered: true });
    const stored = await getWeeklySnapshot(database.db, WEEK);
    expect(stored?.deliveredAt).toBeInstanceOf(Date);
    const before = await getSummary();
    expect(before.snapshot).toBe(true);

    // Later edits: an overdue copy is answered, a new item appears in the week.
    await database.db.execute(sql`update items set status = 'responded' where id = ${ids.lamThuC}`);
    await seedItem(database.db, { sourceId: (await database.db.select({ id: sources.id }).from(sources).limit(1))[0]!.id, title: 'Thêm sau', at: at('2026-10-02T10:00:00'), labels: ['negative'] });
    const again = await generateWeeklySnapshot(database.db, W, { deliver: async (summary) => void delivered.push(summary.week) });
    expect(again).toEqual({ week: WEEK, stored: false });
    expect(delivered).toEqual([WEEK]);

    const after = await getSummary();
    expect(after).toEqual(before);
    const live = await computeWeeklySummary(database.db, W, new Date());
    expect(live.totals.items).toBe(before.totals.items + 1);
    expect(live.responseTime.overdue).toBe(before.responseTime.overdue - 1);
  });

  it('lets an administrator regenerate a past week, not a running one', async () => {
    expect((await t.request(`/api/reports/weekly/${WEEK}/regenerate`, { method: 'POST', json: {}, cookie: leader })).status).toBe(403);
    const response = await t.request(`/api/reports/weekly/${WEEK}/regenerate`, { method: 'POST', json: {}, cookie: admin });
    expect(response.status).toBe(200);
    expect(((await response.json()) as WeeklySummary).totals.items).toBe(13);
    expect((await getSummary()).totals.items).toBe(13);
    const running = await t.request(`/api/reports/weekly/${isoWeekOf(new Date()).label}/regenerate`, { method: 'POST', json: {}, cookie: admin });
    expect(running.status).toBe(422);
    expect(((await running.json()) as { error: { code: string } }).error.code).toBe('week_not_over');
    const future = await t.request('/api/reports/weekly/2099-W01/regenerate', { method: 'POST', json: {}, cookie: admin });
    expect(((await future.json()) as { error: { code: string } }).error.code).toBe('week_in_future');
    const malformed = await t.request('/api/reports/weekly/abc/regenerate', { method: 'POST', json: {}, cookie: admin });
    expect(malformed.status).toBe(400);
  });

  it('says when items dated in a snapshotted week arrived later, and lets only an administrator recompute it from the page', async () => {
    const page = async (cookie: string, query = '') => (await t.request(`/reports/weekly?week=${WEEK}${query}`, { cookie })).text();
    const action = `action="/reports/weekly/${WEEK}/regenerate"`;
    const notice = 'Có tin mới được nhập sau khi chốt số liệu';
    expect(await page(admin)).toContain(action);
    expect(await page(admin)).not.toContain(notice);
    expect(await page(leader)).not.toContain(action);
    // An import now of an item dated in the week (collected now, published on Friday of that week).
    await new Promise((resolve) => setTimeout(resolve, 5));
    const sourceId = (await database.db.select({ id: sources.id }).from(sources).limit(1))[0]!.id;
    await seedItem(database.db, { sourceId, title: 'Nhập sau khi chốt', at: new Date(), publishedAt: at('2026-10-02T11:00:00'), labels: ['negative'] });
    expect((await getSummary()).totals.items).toBe(13);
    for (const cookie of [leader, admin]) expect(await page(cookie)).toContain(notice);

    const form = (cookie: string) => ({ method: 'POST', cookie, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    for (const cookie of [leader, staff]) expect((await t.request(`/reports/weekly/${WEEK}/regenerate`, form(cookie))).status).toBe(403);
    expect((await getSummary()).totals.items).toBe(13);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const done = await t.request(`/reports/weekly/${WEEK}/regenerate`, form(admin));
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`/reports/weekly?week=${WEEK}&flash=regenerated`);
    const after = await page(admin, '&flash=regenerated');
    expect(after).toContain(`Đã tính lại số liệu tuần ${WEEK}.`);
    expect(after).not.toContain(notice);
    expect((await getSummary()).totals.items).toBe(14);
    const running = await t.request(`/reports/weekly/${isoWeekOf(new Date()).label}/regenerate`, form(admin));
    expect(running.status).toBe(422);
  });

  it('records a failed delivery on the snapshot', async () => {
    const week = parseIsoWeek('2026-W39');
    const result = await generateWeeklySnapshot(database.db, week, { deliver: async () => Promise.reject(new Error('smtp down')) });
    expect(result).toEqual({ week: '2026-W39', stored: true, delivered: false });
    expect(await getWeeklySnapshot(database.db, '2026-W39')).toMatchObject({ deliveredAt: null, deliveryError: 'smtp down' });
  });

  it('snapshots the week before once Monday 07:00 Vietnam time has passed', async () => {
    expect(weekDueForSnapshot(at('2026-10-12T06:59:00')).label).toBe('2026-W40');
    expect(weekDueForSnapshot(at('2026-10-12T07:00:00')).label).toBe('2026-W41');
    const result = await snapshotDueWeek(database.db, { now: at('2026-10-12T07:05:00') });
    expect(result).toEqual({ week: '2026-W41', stored: true });
    const summary = (await getWeeklySnapshot(database.db, '2026-W41'))!.summary as WeeklySummary;
    // Only the item of Monday 00:00: the one collected that Monday was published on Saturday (W40).
    expect(summary.totals.items).toBe(1);
    expect(await snapshotDueWeek(database.db, { now: at('2026-10-12T09:00:00') })).toEqual({ week: '2026-W41', stored: false });
  });
});

describe('duluan report weekly', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duluan-report-'));
    const db = await openDatabase({ dataDir: dir });
    await runMigrations(db);
    const [source] = await db.db.insert(sources).values({ kind: 'rss', name: 'Báo CLI', url: 'https://cli.example/rss' }).returning({ id: sources.id });
    await seedItem(db.db, { sourceId: source!.id, title: 'Tin CLI tiêu cực', at: at('2026-09-29T08:00:00'), labels: ['negative'], priority: 200, dueHours: 72 });
    await seedItem(db.db, { sourceId: source!.id, title: 'Tin CLI tích cực', at: at('2026-09-30T08:00:00'), labels: ['positive'] });
    await db.close();
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent' };
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

  it('writes each format and prints the path', async () => {
    for (const format of ['json', 'csv', 'xlsx', 'docx']) {
      const out = join(dir, `report.${format}`);
      const result = await cli(['report', 'weekly', '--week', WEEK, '--format', format, '--out', out]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.trim()).toBe(out);
      expect(statSync(out).size).toBeGreaterThan(0);
    }
    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as WeeklySummary;
    expect(json).toMatchObject({ week: WEEK, totals: { items: 2, stories: 2 } });
    expect(readFileSync(join(dir, 'report.csv'), 'utf8')).toContain('Tin CLI tiêu cực');
    const [sheet] = await readXlsxFile(readFileSync(join(dir, 'report.xlsx')));
    expect(sheet!.data).toHaveLength(3);
    expect(readFileSync(join(dir, 'report.docx')).subarray(0, 2).toString()).toBe('PK');
    // The CSV is for people by default; --raw gives the stored codes and ISO times for programs.
    expect(readFileSync(join(dir, 'report.csv'), 'utf8')).not.toMatch(/^\uFEFFid,/);
    const raw = join(dir, 'report-raw.csv');
    const rawResult = await cli(['report', 'weekly', '--week', WEEK, '--format', 'csv', '--raw', '--out', raw]);
    expect(rawResult.code, rawResult.stderr).toBe(0);
    expect(readFileSync(raw, 'utf8')).toMatch(/^\uFEFFid,/);
    expect(readFileSync(raw, 'utf8')).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
  }, 120_000);

  it('refuses a bad week or format clearly', async () => {
    const out = join(dir, 'never.json');
    for (const [args, message] of [
      [['--week', '2026-W60', '--format', 'json'], '--week'],
      [['--week', 'abc', '--format', 'json'], '--week'],
      [['--week', '2099-W01', '--format', 'json'], 'not begun'],
      [['--week', WEEK, '--format', 'pdf'], '--format must be one of docx, csv, xlsx, json'],
    ] as const) {
      const result = await cli(['report', 'weekly', ...args, '--out', out]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
    }
    expect(() => statSync(out)).toThrow();
  }, 120_000);
});

describe('the catch-up snapshot of a fresh install', () => {
  let fresh: TestDatabase;
  beforeAll(async () => {
    fresh = await createTestDatabase();
  }, 60_000);
  afterAll(async () => {
    await fresh?.close();
  });

  it('stores nothing while nothing had been collected before the week ended; the week stays live and shows later imports', async () => {
    const W45 = parseIsoWeek('2026-W45');
    const firstStart = at('2026-11-11T09:00:00'); // a Wednesday: W45 fell due on Monday 09/11 07:00
    const delivered: string[] = [];
    const deliver = async (summary: WeeklySummary) => void delivered.push(summary.week);
    // The empty database.
    expect(await snapshotDueWeek(fresh.db, { now: firstStart, deliver })).toEqual({ week: '2026-W45', stored: false, skipped: 'not_collecting' });
    // The first feed fetch, 0.1 s later, finds an article of last week: still not a record of the week.
    const [source] = await fresh.db.insert(sources).values({ kind: 'rss', name: 'Báo mới', url: 'https://new.example/rss' }).returning({ id: sources.id });
    await seedItem(fresh.db, { sourceId: source!.id, title: 'Bài tuần trước', at: new Date(firstStart.getTime() + 100), publishedAt: at('2026-11-06T08:00:00'), labels: ['negative'] });
    expect(await snapshotDueWeek(fresh.db, { now: new Date(firstStart.getTime() + 200), deliver })).toMatchObject({ stored: false, skipped: 'not_collecting' });
    expect(await getWeeklySnapshot(fresh.db, '2026-W45')).toBeNull();
    // Items of that week imported later are counted: the week is computed live.
    const [file] = await fresh.db.insert(sources).values({ kind: 'import', name: 'Sổ tiếp dân', url: null }).returning({ id: sources.id });
    await seedItem(fresh.db, { sourceId: file!.id, title: 'Ý kiến đã nhập', at: at('2026-11-12T10:00:00'), publishedAt: at('2026-11-04T09:00:00') });
    const read = await readWeeklySummary(fresh.db, W45, at('2026-11-12T11:00:00'));
    expect(read.snapshot).toBe(false);
    expect(read.summary.totals.items).toBe(2);
    expect(delivered).toEqual([]);
    // From then on duluan is collecting: the next week is stored on time, even a quiet one.
    expect(await snapshotDueWeek(fresh.db, { now: at('2026-11-16T07:05:00'), deliver })).toEqual({ week: '2026-W46', stored: true, delivered: true });
    expect(((await getWeeklySnapshot(fresh.db, '2026-W46'))!.summary as WeeklySummary).totals.items).toBe(0);
    expect(await getWeeklySnapshot(fresh.db, '2026-W45')).toBeNull();
  });
});

const redisUrl = testRedisUrl();

describe.runIf(redisUrl)('the weekly snapshot on BullMQ', () => {
  const prefix = `duluan-weekly-${randomBytes(4).toString('hex')}`;
  let queue: Queue;
  beforeAll(() => {
    queue = new Queue(REFRESH_QUEUE, { connection: { url: redisUrl! }, prefix });
  });
  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => {});
    await queue?.close();
  });

  it('is scheduled Mondays 07:00 Asia/Ho_Chi_Minh, and a worker stores the week that fell due', async () => {
    const runner = createBullmqRunner({ redisUrl: redisUrl!, deps: t.pipeline, prefix });
    try {
      await runner.start();
      await runner.start(); // upserting twice keeps one scheduler
      const schedulers = (await queue.getJobSchedulers()).filter((scheduler) => scheduler.key === 'weekly-report');
      expect(schedulers).toHaveLength(1);
      expect(schedulers[0]).toMatchObject({ pattern: '0 7 * * 1', tz: 'Asia/Ho_Chi_Minh' });
      // The next run is a Monday 07:00 in Vietnam: 00:00 UTC on a Monday.
      const next = new Date(Number(schedulers[0]!.next));
      expect(next.toISOString()).toMatch(/T00:00:00\.000Z$/);
      expect(next.getUTCDay()).toBe(1);
    } finally {
      await runner.close();
    }
    const due = weekDueForSnapshot(new Date()).label;
    expect(await getWeeklySnapshot(database.db, due)).toBeNull();
    await queue.obliterate({ force: true });
    const worker = startRefreshWorker({ redisUrl: redisUrl!, deps: t.pipeline, prefix, concurrency: 1 });
    try {
      await queue.add('weekly-report', {});
      await expect.poll(async () => (await getWeeklySnapshot(database.db, due))?.week ?? null, { timeout: 15_000, interval: 200 }).toBe(due);
    } finally {
      await worker.close();
    }
  }, 60_000);
});
