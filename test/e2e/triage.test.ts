// A staff member's first pass in a real browser: log in, see a flagged item, open it, mark it in review.
import { serve, type ServerType } from '@hono/node-server';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeedServer, type FeedServer } from '../../demo/feed-server.ts';
import { insertNewItems } from '../../src/db/queries/items.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import { items } from '../../src/db/schema.ts';
import { refreshSource } from '../../src/pipeline/refresh-source.ts';
import { browserAvailable, launchBrowser } from '../helpers/browser.ts';
import { createTestApp, PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const HOSTILE_TITLE = '"><img src=x onerror=alert(1)> tin đồn học phí';

describe.runIf(browserAvailable())('triage in the browser', () => {
  let database: TestDatabase;
  let feeds: FeedServer;
  let t: TestApp;
  let server: ServerType;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    feeds = await startFeedServer();
    t = createTestApp(database);
    await t.signIn('staff', 'nhanvien');
    const source = await insertSource(database.db, { kind: 'rss', name: 'Phường (demo)', url: feeds.urlOf('tin-phuong.xml') });
    await refreshSource(t.pipeline, source.id);
    // Another kind of source could store what a feed cannot carry: a raw script title and a javascript: link.
    const classification = (await t.pipeline.classifiers.get()).classify({ title: HOSTILE_TITLE, body: '<svg><script>alert(2)</script>' });
    await insertNewItems(database.db, [
      {
        sourceId: source.id,
        keyHash: 'hostile',
        url: 'javascript:alert(1)',
        title: HOSTILE_TITLE,
        body: '<svg><script>alert(2)</script>',
        author: null,
        publishedAt: new Date(),
        collectedAt: new Date(),
        searchText: 'hostile',
        contentHash: 'hostile',
        labels: classification.labels,
        classification,
        priority: 1000,
      },
    ]);
    server = await new Promise<ServerType>((resolve) => {
      const started = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    const address = server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await t?.close();
    await feeds?.close();
    await database?.close();
  });

  it('logs in, sees a flagged demo item with its reason, opens it and marks it in review', async () => {
    await page.goto(`${baseUrl}/items`);
    await page.waitForURL(/\/login/);
    await page.getByLabel(/Tên đăng nhập/).fill('nhanvien');
    await page.getByLabel(/Mật khẩu/).fill(PASSWORD);
    await page.getByRole('button', { name: /Đăng nhập/ }).click();
    await page.waitForURL(/\/items$/);

    const row = page.locator('tr', { hasText: 'Nghe nói trường Tiểu học Hòa An' });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('.reason, mark, .badge').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/nghe nói|tin đồn/i)]),
    );
    await row.getByRole('link').first().click();
    await page.waitForURL(/\/items\/\d+$/);
    expect(await page.locator('mark').count()).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Đang xem xét' }).click();
    await page.waitForURL(/flash=saved/);
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    const [stored] = await database.db.select().from(items).where(eq(items.id, id));
    expect(stored!.status).toBe('in_review');
    expect(await page.locator('.event-list li').count()).toBe(1);
  });

  it('shows hostile titles, bodies and links as harmless text', async () => {
    await page.goto(`${baseUrl}/items`);
    const row = page.locator('tr', { hasText: 'tin đồn học phí' });
    expect(await row.innerText()).toContain('"><img src=x onerror=alert(1)>');
    await row.getByRole('link').first().click();
    await page.waitForURL(/\/items\/\d+$/);
    expect(await page.locator('h1').innerText()).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('body').innerText()).toContain('<svg><script>alert(2)</script>');
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(await page.locator('body').innerText()).toContain('javascript:alert(1)');
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
