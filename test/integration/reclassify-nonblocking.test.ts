// Reclassification after a staff edit runs in the background without holding the server: other
// requests are answered while it works through a few thousand stored items, and the count it
// reports as changed is the number of items whose labels actually changed.
import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertNewItems } from '../../src/db/queries/items.ts';
import { getSetting } from '../../src/db/queries/settings.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import { items } from '../../src/db/schema.ts';
import { RECLASSIFICATION_SETTING, type ReclassificationProgress } from '../../src/domain/reclassification.ts';
import { newItem } from '../helpers/staff-morning.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

/** Enough items that a blocking pass holds the server for seconds. */
const ITEMS = 3_000;
/** Items whose text holds the phrase of the rule added in the second test. */
const PHRASE_ITEMS = 6;
const PHRASE = 'cá sấu xổng chuồng';
/**
 * Answers while a pass runs, measured from when the request was due. A blocking pass held the one
 * request made during it for 7 to 13 s; yielding, the median is tens of ms and the slowest a few
 * hundred on a loaded machine (load average 14 on 2 cores), hence the headroom.
 */
const MAX_MEDIAN_MS = 200;
const MAX_LATENCY_MS = 1_000;
/** The save itself answers at once: the pass is started, not awaited. */
const MAX_SAVE_MS = 500;

const TITLES = [
  'Phụ huynh phản ánh trường Tiểu học Hòa An thu thêm học phí',
  'Phường tổ chức lễ khai giảng năm học mới tại trường Mầm non Hoa Sen',
  'Người dân bức xúc vì rác thải ùn ứ trên đường Nguyễn Trãi',
  'Giá rau tăng nhẹ tại chợ phường sau mưa lớn',
  'Tin đồn cắt nước toàn phường ba ngày được chính quyền bác bỏ',
  'Tổ dân phố 5 ra quân dọn vệ sinh kênh rạch',
];
const SENTENCES = [
  'Theo ghi nhận của phóng viên, thông tin được chia sẻ trong nhiều nhóm Zalo của các tổ dân phố trên địa bàn phường.',
  'Đại diện Phòng Giáo dục và Đào tạo cho biết đơn vị đã nắm được thông tin và đang phối hợp với nhà trường.',
  'Ủy ban nhân dân phường đề nghị người dân theo dõi thông tin chính thức trên cổng thông tin điện tử của phường.',
  'Nhiều hộ dân cho biết tình trạng này kéo dài nhiều tuần mà chưa được xử lý dứt điểm.',
  'Lực lượng chức năng đã có mặt kiểm tra, lập biên bản và yêu cầu khắc phục ngay.',
  'Một số ý kiến cho rằng cần tăng cường tuyên truyền để người dân hiểu đúng chủ trương.',
];

let database: TestDatabase;
let t: TestApp;
let staff: string;
let mttq: string;

function textOf(n: number): { title: string; body: string } {
  const body = [0, 1, 2, 3].map((k) => SENTENCES[(n + k * 5) % SENTENCES.length]!).join(' ');
  return { title: `${TITLES[n % TITLES.length]!} (${n})`, body };
}

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  staff = await t.signIn('staff');
  mttq = await t.signIn('mttq');
  const source = await insertSource(database.db, { kind: 'rss', name: 'Báo phường', url: 'https://phuong.example.vn/rss' });
  // Stored by an older classifier ('test-1'), as after a model update: every item needs a pass.
  const rows = Array.from({ length: ITEMS }, (_, n) => {
    const { title, body } = textOf(n);
    return newItem(source.id, `reclass-${n}`, { title, body: n % 500 === 7 ? `${body} Người dân kể chuyện ${PHRASE} gần chợ.` : body });
  });
  for (let start = 0; start < rows.length; start += 500) await insertNewItems(database.db, rows.slice(start, start + 500));
}, 120_000);
afterAll(async () => {
  await t?.close();
  await database?.close();
});

async function progressNow(): Promise<ReclassificationProgress | null> {
  return getSetting<ReclassificationProgress | null>(database.db, RECLASSIFICATION_SETTING, null);
}

/** Waits until a pass started after `since` has finished against the classifier now current. */
async function waitForPass(since: string): Promise<ReclassificationProgress> {
  let last: ReclassificationProgress | null = null;
  await expect
    .poll(async () => {
      last = await progressNow();
      return last !== null && last.state === 'done' && last.startedAt >= since;
    }, { timeout: 90_000, interval: 100 })
    .toBe(true);
  return last!;
}

async function labelsById(): Promise<Map<number, string>> {
  const rows = await database.db.select({ id: items.id, labels: items.labels }).from(items).orderBy(asc(items.id));
  return new Map(rows.map((row) => [Number(row.id), [...row.labels].sort().join(',')]));
}

describe('reclassification in the background', () => {
  it('answers other requests promptly while a pass runs over thousands of items', async () => {
    const since = new Date().toISOString();
    const saveStarted = performance.now();
    const saved = await t.request('/api/rules', { cookie: staff, json: { kind: 'phrase', category: 'negative', pattern: 'rác thải ùn ứ', weight: 1 } });
    const saveMs = performance.now() - saveStarted;
    expect(saved.status).toBe(201);

    const latencies: number[] = [];
    let sawRunning = false;
    for (;;) {
      // Measured from when the timer was due: a blocked event loop delays the request itself too.
      const due = performance.now() + 20;
      await new Promise((resolve) => setTimeout(resolve, 20));
      const [health, feedback, progress] = await Promise.all([t.request('/health'), t.request('/feedback', { cookie: mttq }), progressNow()]);
      latencies.push(performance.now() - due);
      expect(health.status).toBe(200);
      expect(feedback.status).toBe(200);
      if (progress?.state === 'running') sawRunning = true;
      if (progress?.state === 'done' && progress.startedAt >= since) break;
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const worst = sorted[sorted.length - 1]!;
    console.info(`save ${saveMs.toFixed(0)} ms; ${latencies.length} requests during the pass, median ${median.toFixed(0)} ms, slowest ${worst.toFixed(0)} ms`);
    expect(saveMs).toBeLessThan(MAX_SAVE_MS);
    expect(median).toBeLessThan(MAX_MEDIAN_MS);
    expect(worst).toBeLessThan(MAX_LATENCY_MS);
    // The requests above were answered during the pass, not after it.
    expect(sawRunning).toBe(true);
    expect(latencies.length).toBeGreaterThan(3);
  }, 120_000);

  it('counts as changed only the items whose labels changed, and says so on the rules page', async () => {
    const before = await labelsById();
    const since = new Date().toISOString();
    const saved = await t.request('/api/rules', { cookie: staff, json: { kind: 'phrase', category: 'misinformation', pattern: PHRASE, weight: 3 } });
    expect(saved.status).toBe(201);
    const progress = await waitForPass(since);
    const after = await labelsById();
    const changed = [...after].filter(([id, labels]) => before.get(id) !== labels).length;
    expect(changed).toBe(PHRASE_ITEMS);
    expect(progress.changed).toBe(changed);
    expect(progress.checked).toBe(ITEMS);
    expect(progress.total).toBe(ITEMS);

    const page = await (await t.request('/rules', { cookie: staff })).text();
    expect(page).toContain(`Đã kiểm tra 3.000 tin, ${PHRASE_ITEMS} tin đổi nhãn`);
  }, 120_000);
});
