// A double click on a form's submit button sends the form once: the response is recorded once.
import { serve, type ServerType } from '@hono/node-server';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertNewItems } from '../../src/db/queries/items.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import { responses } from '../../src/db/schema.ts';
import { browserAvailable, launchBrowser } from '../helpers/browser.ts';
import { createTestApp, PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

describe.runIf(browserAvailable())('one submission per form in the browser', () => {
  let database: TestDatabase;
  let t: TestApp;
  let server: ServerType;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  let itemId: number;
  const pageErrors: string[] = [];
  let responsePosts = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    t = createTestApp(database);
    await t.signIn('staff', 'nhanvien');
    const source = await insertSource(database.db, { kind: 'rss', name: 'Báo phường', url: 'http://127.0.0.1/feed' });
    const now = new Date();
    await insertNewItems(database.db, [
      {
        sourceId: source.id,
        keyHash: 'double-click',
        url: null,
        title: 'Tin đồn trường thu thêm học phí',
        body: 'Nội dung',
        author: null,
        publishedAt: now,
        collectedAt: now,
        searchText: 'tin đồn trường thu thêm học phí',
        contentHash: 'double-click',
        labels: [],
        classification: { labels: [], scores: {}, spans: [], version: 'test' },
        priority: 0,
      },
    ]);
    const staff = await t.signIn('staff');
    const listed = (await (await t.request('/api/items?status=all', { cookie: staff })).json()) as { items: Array<{ id: number }> };
    itemId = listed.items[0]!.id;
    // A slow answer to the response form, as over a ward's connection: without the guard, the second
    // click of a double click always lands before the page moves on.
    const fetch = async (request: Request) => {
      if (request.method === 'POST' && /^\/items\/\d+\/responses$/.test(new URL(request.url).pathname)) {
        responsePosts += 1;
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      return t.app.fetch(request);
    };
    server = await new Promise<ServerType>((resolve) => {
      const started = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    const address = server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await t?.close();
    await database?.close();
  });

  it('records a response once when its submit button is double-clicked', async () => {
    await page.goto(`${baseUrl}/login`);
    await page.getByLabel(/Tên đăng nhập/).fill('nhanvien');
    await page.getByLabel(/Mật khẩu/).fill(PASSWORD);
    await page.getByRole('button', { name: /Đăng nhập/ }).click();
    await page.waitForURL(/\/items$/);
    await page.goto(`${baseUrl}/items/${itemId}`);

    const form = page.locator('form.response-form');
    await form.locator('select[name=kind]').selectOption('reply');
    await form.locator('textarea[name=text]').fill('Phường đã trả lời phụ huynh qua nhà trường');
    // A person's double click: the second click comes some 100 ms after the first, once the first
    // has already sent the form (clicks in the same instant are merged by the browser itself).
    const button = form.locator('button[type=submit]');
    await button.scrollIntoViewIfNeeded();
    const box = (await button.boundingBox())!;
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.click(x, y);
    await page.waitForTimeout(100);
    await page.mouse.click(x, y, { clickCount: 2 });
    await page.waitForURL(/flash=saved/, { timeout: 10_000 });

    const stored = await database.db.select().from(responses).where(eq(responses.itemId, itemId));
    expect(stored.map((row) => row.text)).toEqual(['Phường đã trả lời phụ huynh qua nhà trường']);
    expect(responsePosts).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
