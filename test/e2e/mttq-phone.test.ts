// On a phone-sized screen (375×812) in real Chromium: an MTTQ officer signs in, passes on a
// citizen's opinion with consent, sees it in their list, and later sees the ward's response; a
// citizen uses the public form and looks up their receipt. No page scrolls sideways.
import { serve, type ServerType } from '@hono/node-server';
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedback, feedbackContacts } from '../../src/db/schema.ts';
import { browserAvailable, launchBrowser } from '../helpers/browser.ts';
import { createTestApp, PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const PHONE = { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'vi-VN' };

describe.runIf(browserAvailable())('MTTQ and citizens on a phone', () => {
  let database: TestDatabase;
  let t: TestApp;
  let server: ServerType;
  let baseUrl: string;
  let browser: Browser;
  let contexts: BrowserContext[] = [];
  let staff: string;
  let admin: string;
  const pageErrors: string[] = [];

  async function phonePage(): Promise<Page> {
    const context = await browser.newContext(PHONE);
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  }

  /** Returns how many CSS pixels the page is wider than the screen (0 when nothing scrolls sideways). */
  async function sidewaysOverflow(page: Page): Promise<number> {
    return page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth);
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    t = createTestApp(database);
    await t.signIn('mttq', 'mttq-phuong');
    staff = await t.signIn('staff', 'can-bo-van-hoa');
    admin = await t.signIn('admin', 'quan-tri');
    server = await new Promise<ServerType>((resolve) => {
      const started = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    const address = server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    contexts = [];
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await t?.close();
    await database?.close();
  });

  it('an officer submits an opinion with consent, sees it listed, then sees the ward’s response', async () => {
    const page = await phonePage();
    await page.goto(`${baseUrl}/feedback`);
    await page.waitForURL(/\/login/);
    expect(await sidewaysOverflow(page)).toBe(0);
    await page.getByLabel(/Tên đăng nhập/).fill('mttq-phuong');
    await page.getByLabel(/Mật khẩu/).fill(PASSWORD);
    await page.getByRole('button', { name: /Đăng nhập/ }).click();
    await page.waitForURL(/\/feedback$/);
    expect(await sidewaysOverflow(page)).toBe(0);

    await page.getByRole('link', { name: 'Gửi ý kiến cử tri' }).first().click();
    await page.waitForURL(/\/feedback\/new$/);
    expect(await sidewaysOverflow(page)).toBe(0);
    // Sending without consent keeps what was typed and says what is missing, beside the checkbox.
    await page.getByLabel('Nội dung ý kiến').fill('Phụ huynh tổ 5 phản ánh trường thu tiền điều hòa lớp học chưa công khai.');
    await page.getByLabel(/Họ tên cử tri/).fill('Nguyễn Thị Mai');
    await page.getByRole('button', { name: 'Gửi ý kiến' }).click();
    await expect.poll(() => page.locator('.field-error').count()).toBeGreaterThan(0);
    expect(await page.getByLabel('Nội dung ý kiến').inputValue()).toContain('điều hòa');
    expect(await sidewaysOverflow(page)).toBe(0);

    await page.getByLabel(/đã đồng ý với mục đích trên/).check();
    // A file over the limits is refused in the browser, before a long upload the server would
    // refuse whole: nothing is sent and what was typed stays.
    const attachments = page.locator('#feedback-attachments');
    await attachments.setInputFiles([{ name: 'bien-ban.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(6 * 1024 * 1024, 0x20) }]);
    await page.getByRole('button', { name: 'Gửi ý kiến' }).click();
    await expect.poll(() => page.locator('[data-file-limit-note]').count()).toBe(1);
    expect(await page.locator('[data-file-limit-note]').innerText()).toContain('vượt giới hạn');
    expect(await page.getByLabel('Nội dung ý kiến').inputValue()).toContain('điều hòa');
    await attachments.setInputFiles([]);
    await page.getByRole('button', { name: 'Gửi ý kiến' }).click();
    await page.waitForURL(/\/feedback\/\d+\?flash=created$/);
    const receipt = /PA-[2-9A-HJKMNP-Z]{8}/.exec(await page.locator('h1').innerText())?.[0];
    expect(receipt).toBeDefined();
    expect(await sidewaysOverflow(page)).toBe(0);

    await page.goto(`${baseUrl}/feedback`);
    const row = page.locator('tr', { hasText: receipt! });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.innerText()).toContain('điều hòa');
    expect(await sidewaysOverflow(page)).toBe(0);

    const [stored] = await database.db.select({ id: feedback.id, itemId: feedback.itemId }).from(feedback).where(eq(feedback.receipt, receipt!));
    const [contact] = await database.db.select({ name: feedbackContacts.name }).from(feedbackContacts).where(eq(feedbackContacts.feedbackId, stored!.id));
    expect(contact?.name).toBe('Nguyễn Thị Mai');
    const response = await t.request(`/api/items/${stored!.itemId}/responses`, {
      cookie: staff,
      json: { kind: 'reply', channel: 'residential_meeting', text: 'Phường đã yêu cầu nhà trường niêm yết công khai khoản thu tại bảng tin.' },
    });
    expect(response.status, await response.clone().text()).toBe(201);

    await page.reload();
    await row.getByRole('link', { name: receipt! }).click();
    await page.waitForURL(new RegExp(`/feedback/${stored!.id}$`));
    expect(await page.locator('body').innerText()).toContain('niêm yết công khai khoản thu');
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('a citizen uses the public form on a phone, by keyboard past the honeypot, and looks up the receipt', async () => {
    const opened = await t.request('/api/settings/public-form', { method: 'PUT', cookie: admin, json: { enabled: true } });
    expect(opened.status).toBe(200);
    const page = await phonePage();
    await page.goto(`${baseUrl}/public/feedback`);
    expect(await sidewaysOverflow(page)).toBe(0);
    // The honeypot is off-screen (robots skip display:none fields), out of sight for people.
    const trap = await page.locator('#public-website').boundingBox();
    expect(trap === null || trap.x + trap.width <= 0).toBe(true);
    await expect.poll(() => page.locator('body').innerText()).toContain('phiên bản 1');

    // Keyboard only: tab through the whole form; the honeypot is never focused.
    await page.getByLabel('Nội dung ý kiến').focus();
    await page.keyboard.type('Đề nghị phường kiểm tra an toàn thực phẩm bữa ăn bán trú.');
    const focused: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      focused.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.getAttribute('name') || document.activeElement?.tagName || ''));
    }
    expect(focused).not.toContain('public-website');
    await page.getByLabel(/Tôi đồng ý với mục đích trên/).focus();
    await page.keyboard.press('Space');
    expect(await page.getByLabel(/Tôi đồng ý với mục đích trên/).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Gửi ý kiến' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/public\/feedback\/thanks\?receipt=PA-/);
    expect(await sidewaysOverflow(page)).toBe(0);
    const receipt = (await page.locator('.public-receipt').innerText()).trim();
    expect(receipt).toMatch(/^PA-[2-9A-HJKMNP-Z]{8}$/);

    // Looked up typed in lower case.
    await page.goto(`${baseUrl}/public/feedback/status`);
    await page.getByLabel('Mã tiếp nhận').fill(receipt.toLowerCase());
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await page.waitForURL(/\/public\/feedback\/status\?receipt=/);
    expect(await page.locator('.public-state').innerText()).toBe('Đã tiếp nhận');
    expect(await sidewaysOverflow(page)).toBe(0);

    await page.getByLabel('Mã tiếp nhận').fill('PA-ZZZZZZZZ');
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await expect.poll(() => page.locator('#public-receipt-error').innerText()).toContain('Không tìm thấy');
    expect(await page.getByLabel('Mã tiếp nhận').getAttribute('aria-invalid')).toBe('true');
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
