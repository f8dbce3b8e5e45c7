// A leader reads the weekly summary on a phone: charts, no sideways scrolling, and a print view without the nav.
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertNewItems } from '../../src/db/queries/items.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import { lastCompleteIsoWeek } from '../../src/domain/iso-week.ts';
import { generateWeeklySnapshot } from '../../src/jobs/weekly-snapshot.ts';
import { t as text } from '../../dashboard/i18n/messages.ts';
import { foldText } from '../../src/text/fold-text.ts';
import { browserAvailable, launchBrowser } from '../helpers/browser.ts';
import { createTestApp, PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const HOSTILE_TITLE = '"><img src=x onerror=alert(1)> Phụ huynh phản ánh lạm thu học phí đầu năm học ở trường tiểu học phường';
const HOUR_MS = 3_600_000;

/** Elements that reach past the 375 px viewport, to say what overflows when the test fails. */
function widestElements(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .map((element) => ({ element, right: element.getBoundingClientRect().right }))
      .filter(({ right }) => right > 375.5)
      .slice(0, 10)
      .map(({ element, right }) => `${element.tagName.toLowerCase()}.${element.getAttribute('class') ?? ''} right=${Math.round(right)}`),
  );
}

describe.runIf(browserAvailable())('weekly summary in the browser', () => {
  let database: TestDatabase;
  let t: TestApp;
  let server: ServerType;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  const week = lastCompleteIsoWeek(new Date());
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    t = createTestApp(database);
    await t.signIn('leader', 'chutich');
    const classifier = await t.pipeline.classifiers.get();
    const sources = [
      await insertSource(database.db, { kind: 'rss', name: 'Báo Giáo dục và Thời đại – chuyên mục rất dài về giáo dục phổ thông', url: 'http://127.0.0.1:9/a.xml' }),
      await insertSource(database.db, { kind: 'rss', name: 'Tuổi Trẻ', url: 'http://127.0.0.1:9/b.xml' }),
    ];
    const titles = [
      HOSTILE_TITLE,
      'Tin đồn trường mầm non đóng cửa là sai sự thật',
      'Trường THCS của phường đạt giải nhất khoa học kỹ thuật',
      'Phụ huynh bức xúc vì lạm thu học phí',
      'Học sinh được miễn học phí học kỳ này',
    ];
    await insertNewItems(
      database.db,
      titles.flatMap((title, index) =>
        sources.map((source, at) => {
          const body = `${title}. Bài viết về giáo dục trên địa bàn phường.`;
          const classification = classifier.classify({ title, body });
          return {
            sourceId: source.id,
            keyHash: `weekly-${index}-${at}`,
            url: `https://example.vn/${index}-${at}`,
            title,
            body,
            author: null,
            publishedAt: null,
            collectedAt: new Date(week.from.getTime() + (index * 30 + at * 5 + 3) * HOUR_MS),
            searchText: foldText(`${title} ${body}`),
            contentHash: `weekly-${index}-${at}`,
            labels: classification.labels,
            classification,
            priority: 10,
          };
        }),
      ),
    );
    server = await new Promise<ServerType>((resolve) => {
      const started = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    const address = server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(`${baseUrl}/login`);
    await page.getByLabel(/Tên đăng nhập/).fill('chutich');
    await page.getByLabel(/Mật khẩu/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await t?.close();
    await database?.close();
  });

  it('shows the seeded week with its charts on a 375 px phone, without sideways scrolling', { timeout: 60_000 }, async () => {
    await page.getByRole('link', { name: 'Báo cáo tuần' }).first().click();
    await page.waitForURL(/\/reports\/weekly/);
    await page.goto(`${baseUrl}/reports/weekly?week=${week.label}`);
    await expect.poll(() => page.locator('h1').textContent()).toContain(week.label);
    const charts = page.locator('svg.weekly-chart');
    expect(await charts.count()).toBeGreaterThanOrEqual(4);
    // Charts scale with the page: none is wider than the viewport, and each is drawn (has bars).
    for (const chart of await charts.all()) {
      const box = await chart.boundingBox();
      expect(box!.width).toBeGreaterThan(200);
      expect(box!.width).toBeLessThanOrEqual(375);
      expect(await chart.locator('title').first().textContent()).not.toBe('');
    }
    expect(await page.locator('#weekly-by-day rect').count()).toBeGreaterThanOrEqual(14);
    const widths = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, inner: window.innerWidth }));
    // A phone browser widens its layout viewport to fit content that overflows: the page must keep 375.
    const wide = await widestElements(page);
    expect(widths.inner, wide.join('\n')).toBe(375);
    expect(widths.scroll, wide.join('\n')).toBeLessThanOrEqual(widths.inner);
    expect(await page.getByText('onerror=alert(1)').first().isVisible()).toBe(true);
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('offers the .docx download of the week', { timeout: 60_000 }, async () => {
    const link = page.getByRole('link', { name: /\.docx/ });
    expect(await link.getAttribute('href')).toBe(`/api/reports/weekly.docx?week=${week.label}`);
    const response = await page.request.get(`${baseUrl}/api/reports/weekly.docx?week=${week.label}`);
    expect(response.status()).toBe(200);
    expect((await response.body()).subarray(0, 2).toString()).toBe('PK');
  });

  it('prints without the nav, the week picker or the download buttons', { timeout: 60_000 }, async () => {
    await page.emulateMedia({ media: 'print' });
    try {
      expect(await page.locator('.site-header').isVisible()).toBe(false);
      expect(await page.locator('.weekly-week-nav').isVisible()).toBe(false);
      expect(await page.locator('.weekly-downloads').isVisible()).toBe(false);
      expect(await page.locator('svg.weekly-chart').first().isVisible()).toBe(true);
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
    expect(await page.locator('.site-header').isVisible()).toBe(true);
  });

  it('puts the reason for a malformed week next to the week field', { timeout: 60_000 }, async () => {
    const response = await page.goto(`${baseUrl}/reports/weekly?week=2026-W60`);
    expect(response?.status()).toBe(400);
    const error = page.locator('#weekly-week-error');
    expect(await error.isVisible()).toBe(true);
    expect(await page.locator('#weekly-week').getAttribute('aria-describedby')).toBe('weekly-week-error');
    expect(await page.locator('#weekly-week').inputValue()).toBe('2026-W60');
    const widths = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, inner: window.innerWidth }));
    expect(widths.inner, (await widestElements(page)).join('\n')).toBe(375);
    expect(widths.scroll).toBeLessThanOrEqual(widths.inner);
  });

  it('lets an administrator recompute a stored week after confirming, from the page', { timeout: 60_000 }, async () => {
    expect((await generateWeeklySnapshot(database.db, week)).stored).toBe(true);
    await t.signIn('admin', 'quantri');
    const admin = await browser.newPage({ viewport: { width: 375, height: 812 } });
    const asked: string[] = [];
    let accept = false;
    admin.on('dialog', (dialog) => {
      asked.push(dialog.message());
      void (accept ? dialog.accept() : dialog.dismiss());
    });
    try {
      await admin.goto(`${baseUrl}/login`);
      await admin.getByLabel(/Tên đăng nhập/).fill('quantri');
      await admin.getByLabel(/Mật khẩu/).fill(PASSWORD);
      await admin.getByRole('button', { name: 'Đăng nhập' }).click();
      await admin.waitForURL((url) => !url.pathname.startsWith('/login'));
      await admin.goto(`${baseUrl}/reports/weekly?week=${week.label}`);
      const button = admin.getByRole('button', { name: text('vi', 'weekly.regenerate') });
      // Dismissed: nothing is sent.
      await button.click();
      expect(asked).toEqual([text('vi', 'weekly.regenerate.confirm', { week: week.label })]);
      expect(new URL(admin.url()).searchParams.get('flash')).toBeNull();
      accept = true;
      await button.click();
      await admin.waitForURL(/flash=regenerated/);
      expect(await admin.getByRole('status').filter({ hasText: text('vi', 'weekly.regenerate.done', { week: week.label }) }).count()).toBe(1);
      // A leader's page has no such button.
      expect(await page.goto(`${baseUrl}/reports/weekly?week=${week.label}`).then(() => page.getByRole('button', { name: text('vi', 'weekly.regenerate') }).count())).toBe(0);
    } finally {
      await admin.close();
    }
  });
});
