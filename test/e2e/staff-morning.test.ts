// A staff member's morning in a real browser, with the mouse: log in, filter the flagged items,
// open the story three sources repeat, set the verdict "false", record a correction on the ward
// portal with its link, and find all of it in the item's audit trail.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../dashboard/i18n/messages.ts';
import { items, responses, triageEvents } from '../../src/db/schema.ts';
import { browserAvailable } from '../helpers/browser.ts';
import { andWaitForPage, OTHER_TITLE, PASSWORD, STAFF_USERNAME, STORY_TITLE, startMorning, type MorningFixture } from '../helpers/staff-morning.ts';

const CORRECTION_LINK = 'https://phuong.example.vn/tin-tuc/cai-chinh-hoc-phi-hoa-an';
const CORRECTION_TEXT = 'Phường khẳng định: trường Tiểu học Hòa An không thu thêm khoản học phí nào.';

describe.runIf(browserAvailable())('a staff morning with the mouse', () => {
  let m: MorningFixture;

  beforeAll(async () => {
    m = await startMorning();
  }, 60_000);

  afterAll(async () => {
    await m?.close();
  });

  it('logs in, filters the flagged items, opens the cluster, decides, responds and sees the audit trail', async () => {
    const { page, baseUrl, storyIds, database } = m;
    const [representative, ...copies] = storyIds;
    await page.goto(`${baseUrl}/items`);
    await page.waitForURL(/\/login/);
    await page.getByLabel(t('vi', 'login.username')).fill(STAFF_USERNAME);
    await page.getByLabel(t('vi', 'login.password')).fill(PASSWORD);
    await page.getByRole('button', { name: t('vi', 'login.submit') }).click();
    await page.waitForURL(/\/items$/);
    expect(await page.locator('tr[data-row]', { hasText: OTHER_TITLE }).count()).toBe(1);

    // The queue's filter form: only items labelled as possible misinformation.
    const filters = page.getByRole('search');
    await filters.getByLabel(t('vi', 'items.filter.label')).selectOption('misinformation');
    await filters.getByRole('button', { name: t('vi', 'items.filter.apply') }).click();
    await page.waitForURL(/label=misinformation/);
    const rows = page.locator('tr[data-row]');
    expect(await rows.count()).toBe(1);
    expect(await page.locator('tr[data-row]', { hasText: OTHER_TITLE }).count()).toBe(0);
    // Three sources, one row: the first-collected copy, with the count of the others.
    const row = rows.first();
    expect(await row.locator('a.item-link').innerText()).toBe(STORY_TITLE);
    expect(await row.innerText()).toContain(t('vi', 'items.clusterSize', { count: 2 }));

    await row.locator('a.item-link').click();
    await page.waitForURL(new RegExp(`/items/${representative}$`));
    const members = page.locator('section', { has: page.getByRole('heading', { name: t('vi', 'item.members', { count: 3 }) }) });
    expect(await members.locator('li').count()).toBe(3);
    for (const id of copies) expect(await members.locator(`a[href="/items/${id}"]`).count()).toBe(1);

    // The decision: verdict "false" (tin sai sự thật), with a note.
    const decision = page.locator('form.decision-form');
    await decision.getByLabel(t('vi', 'item.verdict')).selectOption('false');
    await decision.getByLabel(t('vi', 'item.note')).fill('Đã hỏi nhà trường: không có khoản thu mới.');
    await andWaitForPage(page, () => decision.getByRole('button', { name: t('vi', 'item.saveDecision') }).click());
    expect(page.url()).toMatch(/flash=saved/);
    expect(await page.getByRole('status').first().innerText()).toContain(t('vi', 'item.flash.saved'));

    // The correction published on the ward portal, with its link.
    const response = page.locator('form.response-form');
    await response.getByLabel(t('vi', 'item.responseKind')).selectOption('correction');
    await response.getByLabel(t('vi', 'item.responseChannel')).selectOption('ward_portal');
    await response.getByLabel(t('vi', 'item.responseText')).fill(CORRECTION_TEXT);
    await response.getByLabel(t('vi', 'item.responseLink')).fill(CORRECTION_LINK);
    await andWaitForPage(page, () => response.getByRole('button', { name: t('vi', 'item.saveResponse') }).click());
    expect(page.url()).toMatch(/flash=saved/);
    expect(await page.locator(`.response-list a[href="${CORRECTION_LINK}"]`).count()).toBe(1);
    expect(await page.locator('.response-list').innerText()).toContain(CORRECTION_TEXT);

    // The audit trail on the item page: who set the verdict, and the response.
    const trail = page.locator('.event-list li');
    const lines = await trail.allInnerTexts();
    expect(lines.some((line) =>
      line.includes(t('vi', 'item.eventLine', {
        who: STAFF_USERNAME,
        field: t('vi', 'item.eventField.verdict'),
        from: t('vi', 'common.none'),
        to: t('vi', 'verdict.false'),
      })),
    )).toBe(true);
    expect(lines.some((line) => line.includes(t('vi', 'item.eventResponse', { who: STAFF_USERNAME, what: 'correction / ward_portal' })))).toBe(true);

    // And in the database, exactly once each.
    const [stored] = await database.db.select().from(items).where(eq(items.id, representative!));
    expect(stored!.verdict).toBe('false');
    const storedResponses = await database.db.select().from(responses).where(eq(responses.itemId, representative!));
    expect(storedResponses).toHaveLength(1);
    expect(storedResponses[0]).toMatchObject({ kind: 'correction', channel: 'ward_portal', link: CORRECTION_LINK, text: CORRECTION_TEXT });
    const verdictEvents = await database.db
      .select()
      .from(triageEvents)
      .where(and(eq(triageEvents.itemId, representative!), eq(triageEvents.field, 'verdict')));
    expect(verdictEvents).toHaveLength(1);
    expect(verdictEvents[0]).toMatchObject({ fromValue: null, toValue: 'false' });

    expect(m.dialogs).toEqual([]);
    expect(m.pageErrors).toEqual([]);
    expect(m.cspViolations).toEqual([]);
  }, 60_000);
});
