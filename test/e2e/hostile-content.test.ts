// Hostile content stays inert in a real browser with the CSP on: titles, bodies, staff notes and
// response texts carrying markup and script, `javascript:` links from a feed and typed into the
// response form, and audit-trail CSV cells a spreadsheet would run as formulas.
import { and, eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../dashboard/i18n/messages.ts';
import { insertNewItems } from '../../src/db/queries/items.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import { items, responses, triageEvents } from '../../src/db/schema.ts';
import { refreshSource } from '../../src/pipeline/refresh-source.ts';
import { browserAvailable } from '../helpers/browser.ts';
import { respond, startHostileServer, type HostileServer } from '../helpers/hostile-feed-server.ts';
import { andWaitForPage, classificationOf, newItem, PASSWORD, STAFF_USERNAME, startMorning, type MorningFixture } from '../helpers/staff-morning.ts';

const IMG = '"><img src=x onerror=alert(1)>';
const SVG = '<svg><script>alert(1)</script>';
const JS_LINK = 'javascript:alert(1)';
const FEED_TITLE = `${IMG} Tin đồn học phí trường Hòa An`;
const FORMULAS = ['=HYPERLINK("http://evil.example","bấm vào")', '+SUM(1,2)', '-2+3', '@SUM(A1:A9)'];

// A feed as a hostile site would write it: markup in the title, script in the body, a javascript: link.
const FEED = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Tin phường</title><link>http://127.0.0.1/</link><description>x</description>
<item>
  <title><![CDATA[${FEED_TITLE}]]></title>
  <link>${JS_LINK}</link>
  <guid isPermaLink="false">hostile-feed-1</guid>
  <description><![CDATA[${SVG} Phụ huynh lan truyền tin đồn <img src=x onerror=alert(2)> về học phí. <a href="javascript:alert(3)">xem</a>]]></description>
  <pubDate>${new Date().toUTCString()}</pubDate>
</item>
</channel></rss>`;

/** Returns what on the page could run or load something it should not. */
function activeContent(page: Page) {
  return page.evaluate(() => {
    const all = Array.from(document.querySelectorAll('*'));
    return {
      imgX: document.querySelectorAll('img[src="x"]').length,
      foreignScripts: Array.from(document.scripts).filter((s) => s.getAttribute('src') !== '/static/app.js').length,
      svg: document.querySelectorAll('svg').length,
      handlers: all.filter((el) => Array.from(el.attributes).some((a) => a.name.toLowerCase().startsWith('on'))).length,
      javascriptLinks: Array.from(document.querySelectorAll('[href], [src], [action], [formaction]')).filter((el) =>
        ['href', 'src', 'action', 'formaction'].some((name) => /^\s*javascript:/i.test(el.getAttribute(name) ?? '')),
      ).length,
      inlineStyles: document.querySelectorAll('[style]').length,
    };
  });
}

const INERT = { imgX: 0, foreignScripts: 0, svg: 0, handlers: 0, javascriptLinks: 0, inlineStyles: 0 };

/** Returns the rows of a CSV document (quoted cells, doubled quotes, CRLF), BOM removed. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (quoted) {
      if (char === '"' && body[i + 1] === '"') (cell += '"'), i++;
      else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') row.push(cell), (cell = '');
    else if (char === '\r' && body[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += char;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  return rows;
}

describe.runIf(browserAvailable())('hostile content with the CSP on', () => {
  let m: MorningFixture;
  let feeds: HostileServer;
  let feedItemId: number;
  let feedItem: { title: string; body: string; url: string | null };
  let rawItemId: number;
  let formulaItemId: number;
  let longItemId: number;
  const LONG_WORD = 'A'.repeat(1000);

  beforeAll(async () => {
    feeds = await startHostileServer();
    feeds.setRoute('/feed.xml', respond(FEED));
    m = await startMorning(async ({ database, app }) => {
      const source = await insertSource(database.db, { kind: 'rss', name: `Nguồn ${IMG}`, url: feeds.url('/feed.xml') });
      const result = await refreshSource(app.pipeline, source.id);
      expect(result.stored).toBe(1);
      const [stored] = await database.db.select().from(items).where(eq(items.sourceId, source.id));
      feedItemId = Number(stored!.id);
      feedItem = { title: stored!.title, body: stored!.body, url: stored!.url };
      // What another kind of source could store as is: markup, a javascript: URL, a formula as the title.
      await insertNewItems(database.db, [
        newItem(source.id, 'raw', {
          title: FEED_TITLE,
          body: `${SVG} Nội dung có mã độc ${IMG}`,
          url: JS_LINK,
          labels: ['misinformation'],
          classification: classificationOf(['misinformation'], { text: '">', category: 'misinformation' }),
        }),
        newItem(source.id, 'formula', {
          title: FORMULAS[0]!,
          body: `${SVG} ${IMG}`,
          url: JS_LINK,
          labels: ['negative'],
          classification: classificationOf(['negative'], { text: '=HYPERLINK', category: 'negative' }),
        }),
      ]);
      const [formula] = await database.db.select().from(items).where(eq(items.keyHash, 'formula'));
      formulaItemId = Number(formula!.id);
      const [raw] = await database.db.select().from(items).where(eq(items.keyHash, 'raw'));
      rawItemId = Number(raw!.id);
      // A title of one 1,000-character word, as a hostile feed once sent.
      await insertNewItems(database.db, [newItem(source.id, 'long-word', { title: LONG_WORD, body: `${LONG_WORD} học phí`, labels: ['negative'] })]);
      const [long] = await database.db.select().from(items).where(eq(items.keyHash, 'long-word'));
      longItemId = Number(long!.id);
    });
  }, 60_000);

  afterAll(async () => {
    await m?.close();
    await feeds?.close();
  });

  it('shows hostile titles, bodies, notes and responses as text, refuses javascript: links, and escapes CSV formulas', async () => {
    const { page, baseUrl, database } = m;
    await page.goto(`${baseUrl}/login`);
    await page.getByLabel(t('vi', 'login.username')).fill(STAFF_USERNAME);
    await page.getByLabel(t('vi', 'login.password')).fill(PASSWORD);
    await page.getByRole('button', { name: t('vi', 'login.submit') }).click();
    await page.waitForURL(/\/items$/);

    // The queue: hostile titles are text, nothing runs or loads.
    expect(await page.locator(`a.item-link[href="/items/${rawItemId}"]`).innerText()).toBe(FEED_TITLE);
    expect(await page.locator(`a.item-link[href="/items/${feedItemId}"]`).innerText()).toBe(feedItem.title.trim());
    expect(await activeContent(page)).toEqual(INERT);

    // The item from the feed (the collector keeps only the text of markup in titles and bodies):
    // shown as stored, and its javascript: link, if kept at all, is not clickable.
    expect(feedItem.url ?? '').not.toMatch(/javascript:/i);
    await page.goto(`${baseUrl}/items/${feedItemId}`);
    expect(await page.locator('h1').innerText()).toContain(feedItem.title.trim());
    expect(await activeContent(page)).toEqual(INERT);
    // Stored as is by another kind of source: markup and the javascript: URL show as text.
    await page.goto(`${baseUrl}/items/${rawItemId}`);
    expect(await page.locator('h1').innerText()).toContain(IMG);
    expect(await page.locator('.item-body').innerText()).toContain(SVG);
    expect(await page.locator('body').innerText()).toContain(JS_LINK);
    expect(await activeContent(page)).toEqual(INERT);
    await page.goto(`${baseUrl}/items/${formulaItemId}`);
    expect(await activeContent(page)).toEqual(INERT);

    // A staff note and a response text carrying markup, through the forms.
    await page.goto(`${baseUrl}/items/${feedItemId}`);
    const decision = page.locator('form.decision-form');
    await decision.getByLabel(t('vi', 'item.note')).fill(`${IMG} ${SVG}`);
    await andWaitForPage(page, () => decision.getByRole('button', { name: t('vi', 'item.saveDecision') }).click());
    expect(page.url()).toMatch(/flash=saved/);
    const response = page.locator('form.response-form');
    await response.getByLabel(t('vi', 'item.responseText')).fill(`Cải chính ${IMG} ${SVG}`);
    await response.getByLabel(t('vi', 'item.responseLink')).fill('https://phuong.example.vn/cai-chinh');
    await andWaitForPage(page, () => response.getByRole('button', { name: t('vi', 'item.saveResponse') }).click());
    expect(page.url()).toMatch(/flash=saved/);
    expect(await page.locator('.event-list').innerText()).toContain(`${IMG} ${SVG}`);
    expect(await page.locator('.response-list').innerText()).toContain(`Cải chính ${IMG} ${SVG}`);
    expect(await activeContent(page)).toEqual(INERT);

    // A javascript: link typed into the response form is refused, and nothing is stored.
    await response.getByLabel(t('vi', 'item.responseText')).fill('Phản hồi có liên kết độc');
    await response.getByLabel(t('vi', 'item.responseLink')).fill(JS_LINK);
    await andWaitForPage(page, () => response.getByRole('button', { name: t('vi', 'item.saveResponse') }).click());
    // The form comes back (422, no redirect) with the error and what was typed, the link as inert text.
    expect(page.url()).toMatch(/\/responses$/);
    expect(await page.getByRole('alert').first().innerText()).toContain(t('vi', 'item.flash.invalid'));
    expect(await response.getByLabel(t('vi', 'item.responseText')).inputValue()).toBe('Phản hồi có liên kết độc');
    expect(await activeContent(page)).toEqual(INERT);
    // The same through the API: a validation error, nothing stored.
    const refused = await page.request.post(`${baseUrl}/api/items/${feedItemId}/responses`, {
      headers: { 'content-type': 'application/json', origin: baseUrl },
      data: JSON.stringify({ kind: 'correction', channel: 'ward_portal', text: 'x', link: JS_LINK }),
    });
    expect(refused.status()).toBe(422);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    const stored = await database.db.select().from(responses).where(eq(responses.itemId, feedItemId));
    expect(stored.map((r) => r.link)).toEqual(['https://phuong.example.vn/cai-chinh']);

    // Notes a spreadsheet would read as formulas, then the audit-trail exports.
    for (const note of FORMULAS) {
      const patched = await page.request.patch(`${baseUrl}/api/items/${formulaItemId}`, {
        headers: { 'content-type': 'application/json', origin: baseUrl },
        data: JSON.stringify({ note }),
      });
      expect(patched.status()).toBe(200);
    }
    const noteEvents = await database.db
      .select()
      .from(triageEvents)
      .where(and(eq(triageEvents.itemId, formulaItemId), eq(triageEvents.field, 'note')));
    expect(noteEvents.map((event) => event.note)).toEqual(FORMULAS);
    for (const path of [`/api/items/${formulaItemId}/events.csv`, '/api/events.csv']) {
      const csv = await page.request.get(`${baseUrl}${path}`);
      expect(csv.status()).toBe(200);
      expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
      const cells = parseCsv(await csv.text()).flat();
      expect(cells.filter((cell) => /^[=+\-@]/.test(cell)), `${path}: cells a spreadsheet would run`).toEqual([]);
      for (const formula of FORMULAS) expect(cells).toContain(`'${formula}`);
    }

    expect(m.dialogs).toEqual([]);
    expect(m.pageErrors).toEqual([]);
    expect(m.cspViolations).toEqual([]);
  }, 60_000);

  it('wraps a title of one very long word instead of widening the queue, on a phone and a desktop', async () => {
    const { page, baseUrl } = m;
    await page.goto(`${baseUrl}/items`);
    if (new URL(page.url()).pathname === '/login') {
      await page.getByLabel(t('vi', 'login.username')).fill(STAFF_USERNAME);
      await page.getByLabel(t('vi', 'login.password')).fill(PASSWORD);
      await page.getByRole('button', { name: t('vi', 'login.submit') }).click();
      await page.waitForURL(/\/items$/);
    }
    for (const width of [375, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      for (const path of ['/items?status=all', `/items/${longItemId}`]) {
        await page.goto(`${baseUrl}${path}`);
        expect(await page.locator('body').innerText()).toContain(LONG_WORD.slice(0, 40));
        const overflow = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth);
        expect(overflow, `${path} at ${width} px`).toBeLessThanOrEqual(0);
      }
    }
  });
});
