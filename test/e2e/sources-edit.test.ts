// An admin edits a source in a real browser (CSP on): open it from the list, preview a new
// address, fix a refused one, save, switch it off; a hostile name stays text.
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSource, insertSource } from '../../src/db/queries/sources.ts';
import { browserAvailable, launchBrowser } from '../helpers/browser.ts';
import { respond, startHostileServer, type HostileServer } from '../helpers/hostile-feed-server.ts';
import { createTestApp, PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const HOSTILE_NAME = '"><img src=x onerror=alert(1)> Báo phường';
const FEED = (title: string) => `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Tin phường</title>
<item><title>${title}</title><link>http://example.org/1</link><guid>g-1</guid></item>
</channel></rss>`;

describe.runIf(browserAvailable())('editing a source in the browser', () => {
  let database: TestDatabase;
  let feeds: HostileServer;
  let t: TestApp;
  let server: ServerType;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  let sourceId: number;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    feeds = await startHostileServer();
    feeds.setRoute('/old.xml', respond(FEED('Tin cũ')));
    feeds.setRoute('/new.xml', respond(FEED('Tin ở địa chỉ mới')));
    t = createTestApp(database);
    await t.signIn('admin', 'quantri');
    sourceId = (await insertSource(database.db, { kind: 'rss', name: HOSTILE_NAME, url: feeds.url('/old.xml') })).id;
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

  it('opens a source from the list, previews a new address, shows a refused one by its field, saves and switches it off', async () => {
    await page.goto(`${baseUrl}/sources`);
    await page.waitForURL(/\/login/);
    await page.getByLabel(/Tên đăng nhập/).fill('quantri');
    await page.getByLabel(/Mật khẩu/).fill(PASSWORD);
    await page.getByRole('button', { name: /Đăng nhập/ }).click();
    await page.waitForURL(/\/sources$/);

    const row = page.locator('tr.source-row', { hasText: 'Báo phường' });
    expect(await row.innerText()).toContain('"><img src=x onerror=alert(1)>');
    await row.getByRole('link', { name: 'Sửa' }).click();
    await page.waitForURL(new RegExp(`/sources/${sourceId}$`));
    expect(await page.locator('h1').innerText()).toContain('<img src=x onerror=alert(1)>');

    await page.locator('#source-edit-url').fill(feeds.url('/new.xml'));
    await page.getByRole('button', { name: 'Xem thử trước khi lưu' }).click();
    await page.waitForURL(new RegExp(`/sources/${sourceId}/preview$`));
    expect(await page.locator('.source-preview').innerText()).toContain('Tin ở địa chỉ mới');
    expect((await getSource(database.db, sourceId))!.url).toBe(feeds.url('/old.xml'));

    await page.locator('#source-edit-url').fill('http://169.254.169.254/latest/meta-data/');
    await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    expect(await page.locator('#source-edit-url').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#source-edit-url-error').innerText()).toContain('mạng nội bộ');

    await page.locator('#source-edit-name').fill('Báo phường Hòa An');
    await page.locator('#source-edit-url').fill(feeds.url('/new.xml'));
    await page.locator('#source-edit-interval').fill('30');
    await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await page.waitForURL(/saved=1/);
    expect(await page.locator('[role="status"]').first().innerText()).toContain('Đã lưu');
    expect(await getSource(database.db, sourceId)).toMatchObject({ name: 'Báo phường Hòa An', url: feeds.url('/new.xml'), pollIntervalSeconds: 1800 });

    await page.getByRole('button', { name: 'Tắt nguồn' }).click();
    await page.waitForURL(/saved=1/);
    expect((await getSource(database.db, sourceId))!.enabled).toBe(false);
    expect(await page.locator('.badge.health-disabled').count()).toBe(1);
    await page.getByRole('button', { name: 'Bật nguồn' }).click();
    await page.waitForURL(/saved=1/);
    expect((await getSource(database.db, sourceId))!.enabled).toBe(true);

    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
