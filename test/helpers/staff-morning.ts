// A staff member's morning, ready for a real browser: the app over a test database, a flagged
// story told by three sources (one cluster), other items around it, Chromium and a page that
// records dialogs, page errors and Content-Security-Policy violations.
import { serve, type ServerType } from '@hono/node-server';
import { inArray } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { insertNewItems, type NewItem } from '../../src/db/queries/items.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import { items } from '../../src/db/schema.ts';
import type { Classification, Label } from '../../src/domain/classification.ts';
import { computePriority } from '../../src/domain/item.ts';
import { clusterItems } from '../../src/pipeline/cluster-items.ts';
import { foldText } from '../../src/text/fold-text.ts';
import { launchBrowser } from './browser.ts';
import { createTestApp, PASSWORD, type TestApp } from './test-app.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export { PASSWORD };
export const STAFF_USERNAME = 'nhanvien';
const HOUR_MS = 3600_000;

/** The story three sources repeat: the queue shows it once, its page lists the three copies. */
export const STORY_TITLE = 'Tin đồn trường Tiểu học Hòa An thu thêm 2 triệu đồng học phí mỗi học sinh';
const STORY_BODY =
  'Nhiều phụ huynh chia sẻ tin đồn rằng trường Tiểu học Hòa An sẽ thu thêm 2 triệu đồng học phí mỗi học sinh ' +
  'từ học kỳ này. Thông tin lan truyền trên mạng xã hội khiến phụ huynh lo lắng. Ủy ban nhân dân phường cho biết ' +
  'chưa có văn bản nào về khoản thu này và đang làm rõ với nhà trường.';

/** An item the queue must hide once filtered on misinformation. */
export const OTHER_TITLE = 'Phường tổ chức lễ khai giảng năm học mới tại trường Mầm non Hoa Sen';

/** Returns a classification as the classifier would store it, with `phrase` explained at the start of the title. */
export function classificationOf(labels: Label[], phrase?: { text: string; category: Label }): Classification {
  return {
    labels,
    scores: Object.fromEntries(labels.map((label) => [label, 0.9])),
    spans: phrase
      ? [{ field: 'title', start: 0, end: phrase.text.length, text: phrase.text, category: phrase.category, ruleId: 'seed:test', weight: 1 }]
      : [],
    version: 'test-1',
  };
}

/** Returns a new item for insertNewItems with sensible defaults. */
export function newItem(sourceId: number, key: string, fields: Partial<NewItem> & { title: string; body: string }): NewItem {
  const labels = fields.labels ?? ['relevant'];
  const now = new Date();
  return {
    sourceId,
    keyHash: key,
    url: `https://tin.example.vn/${key}`,
    author: null,
    publishedAt: now,
    collectedAt: now,
    searchText: foldText(`${fields.title}\n${fields.body}`),
    contentHash: key,
    classification: classificationOf(labels),
    priority: computePriority(labels),
    ...fields,
    labels,
  };
}

export interface MorningFixture {
  database: TestDatabase;
  app: TestApp;
  baseUrl: string;
  browser: Browser;
  page: Page;
  /** The cluster's items, oldest (the one the queue shows) first. */
  storyIds: number[];
  /** alert()/confirm() dialogs the page opened (each is dismissed). */
  dialogs: string[];
  pageErrors: string[];
  /** securitypolicyviolation events and CSP console errors seen on any page. */
  cspViolations: string[];
  close(): Promise<void>;
}

/** Returns the running fixture: seeded database, app on a loopback port, Chromium with one page. */
export async function startMorning(seed?: (fixture: { database: TestDatabase; app: TestApp }) => Promise<void>): Promise<MorningFixture> {
  const database = await createTestDatabase();
  const app = createTestApp(database);
  let server: ServerType | undefined;
  let browser: Browser | undefined;
  try {
    await app.signIn('staff', STAFF_USERNAME);
    const sources = [
      await insertSource(database.db, { kind: 'rss', name: 'Báo Giáo dục', url: 'https://giaoduc.example.vn/rss' }),
      await insertSource(database.db, { kind: 'rss', name: 'Cổng tin Phường', url: 'https://phuong.example.vn/rss' }),
      await insertSource(database.db, { kind: 'rss', name: 'Diễn đàn phụ huynh', url: 'https://phuhuynh.example.vn/rss' }),
    ];
    const start = Date.now() - 5 * HOUR_MS;
    const storyLabels: Label[] = ['misinformation', 'relevant'];
    await insertNewItems(
      database.db,
      sources.map((source, i) =>
        newItem(source.id, `story-${i}`, {
          title: i === 0 ? STORY_TITLE : `${STORY_TITLE}${i === 1 ? '?' : ' (chia sẻ lại)'}`,
          body: STORY_BODY,
          labels: storyLabels,
          classification: classificationOf(storyLabels, { text: 'Tin đồn', category: 'misinformation' }),
          priority: computePriority(storyLabels),
          publishedAt: new Date(start + i * HOUR_MS),
          collectedAt: new Date(start + i * HOUR_MS),
          dueAt: new Date(start + 24 * HOUR_MS),
        }),
      ),
    );
    await insertNewItems(database.db, [
      newItem(sources[1]!.id, 'other-1', { title: OTHER_TITLE, body: 'Lễ khai giảng diễn ra trang trọng, phụ huynh và học sinh tham dự đông đủ.' }),
      newItem(sources[0]!.id, 'other-2', {
        title: 'Phụ huynh bức xúc vì sân trường xuống cấp',
        body: 'Sân trường bị ngập mỗi khi mưa, phụ huynh bức xúc đề nghị sửa chữa.',
        labels: ['negative', 'relevant'],
        classification: classificationOf(['negative', 'relevant']),
      }),
    ]);
    const storyRows = await database.db
      .select({ id: items.id })
      .from(items)
      .where(inArray(items.contentHash, ['story-0', 'story-1', 'story-2']));
    const storyIds = storyRows.map((row) => Number(row.id)).sort((a, b) => a - b);
    // The real clustering step groups the three copies, as the pipeline does after storing them.
    await clusterItems(database.db, storyIds);
    await seed?.({ database, app });

    server = await new Promise<ServerType>((resolve) => {
      const started = serve({ fetch: app.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    const address = server.address();
    const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchBrowser();
    const context = await browser.newContext({ locale: 'vi-VN' });
    const page = await context.newPage();
    const dialogs: string[] = [];
    const pageErrors: string[] = [];
    const cspViolations: string[] = [];
    // Runs before any page script, outside the page's CSP; reports violations through a binding.
    await page.exposeBinding('reportCspViolation', (_source, text: string) => void cspViolations.push(text));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        const report = (window as unknown as { reportCspViolation(text: string): void }).reportCspViolation;
        report(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`);
      });
    });
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const running = server;
    const openBrowser = browser;
    return {
      database,
      app,
      baseUrl,
      browser,
      page,
      storyIds,
      dialogs,
      pageErrors,
      cspViolations,
      async close() {
        await openBrowser.close();
        await new Promise<void>((resolve) => running.close(() => resolve()));
        await app.close();
        await database.close();
      },
    };
  } catch (error) {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await app.close();
    await database.close();
    throw error;
  }
}

/** Runs an action that submits a form and resolves once the page it leads to has loaded (the URL may not change). */
export async function andWaitForPage(page: Page, action: () => Promise<void>): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() });
  await action();
  await navigated;
  await page.waitForLoadState('load');
}
