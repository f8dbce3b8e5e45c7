// The same morning by keyboard only: no mouse, no element clicked or filled by the test — just
// Tab, Shift+Tab, Enter, Space, arrow keys, the queue's j/k/x shortcuts and typing. Every control
// must be reachable in document order, with a visible focus outline.
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../dashboard/i18n/messages.ts';
import { items, responses } from '../../src/db/schema.ts';
import { browserAvailable } from '../helpers/browser.ts';
import { andWaitForPage, PASSWORD, STAFF_USERNAME, STORY_TITLE, startMorning, type MorningFixture } from '../helpers/staff-morning.ts';

const CORRECTION_LINK = 'https://phuong.example.vn/tin-tuc/cai-chinh-so-2';

/** What the test knows of the focused element. */
interface Focused {
  tag: string;
  name: string | null;
  id: string;
  type: string | null;
  text: string;
  href: string | null;
  value: string | null;
  formClass: string | null;
  /** Position in document order (all elements). */
  order: number;
  focusVisible: boolean;
  outlineStyle: string;
  outlineWidth: number;
  /** The element's box lies at least partly inside the viewport. */
  onScreen: boolean;
}

function focused(page: Page): Promise<Focused | null> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body || el === document.documentElement) return null;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const labelled = (el as HTMLInputElement).labels?.[0]?.textContent ?? '';
    return {
      tag: el.tagName.toLowerCase(),
      name: el.getAttribute('name'),
      id: el.id,
      type: el.getAttribute('type'),
      text: (el.getAttribute('aria-label') || labelled || el.textContent || '').replace(/\s+/g, ' ').trim(),
      href: el.getAttribute('href'),
      value: 'value' in el ? String((el as HTMLInputElement).value) : null,
      formClass: el.closest('form')?.className ?? null,
      order: Array.prototype.indexOf.call(document.getElementsByTagName('*'), el),
      // Date inputs focus their day/month/year parts and calendar button inside the control.
      focusVisible:
        el.matches(':focus-visible') ||
        (el instanceof HTMLInputElement && /^(date|datetime-local|time|month|week)$/.test(el.type) && el.matches(':focus-within')),
      outlineStyle: style.outlineStyle,
      outlineWidth: Number.parseFloat(style.outlineWidth) || 0,
      onScreen: box.bottom > 0 && box.right > 0 && box.top < window.innerHeight && box.left < window.innerWidth && box.width > 0,
    };
  });
}

function describeFocus(f: Focused | null): string {
  return f ? `<${f.tag}${f.name ? ` name=${f.name}` : ''}${f.id ? ` #${f.id}` : ''}> "${f.text.slice(0, 40)}"` : '(nothing)';
}

/** Fails unless the focused element shows a focus outline a sighted keyboard user can see. */
function expectVisibleFocus(f: Focused | null): void {
  expect(f, 'something has focus').not.toBeNull();
  const where = describeFocus(f);
  expect(f!.focusVisible, `${where} matches :focus-visible`).toBe(true);
  expect(f!.outlineStyle, `${where} has an outline`).not.toBe('none');
  expect(f!.outlineWidth, `${where} outline width`).toBeGreaterThanOrEqual(2);
  expect(f!.onScreen, `${where} is on screen`).toBe(true);
}

/**
 * Presses Tab (or Shift+Tab) until the focused element matches; checks that every stop on the
 * way shows its focus and that stops follow document order. Returns the matching element.
 */
async function tabTo(page: Page, match: (f: Focused) => boolean, options: { backwards?: boolean; max?: number } = {}): Promise<Focused> {
  const key = options.backwards ? 'Shift+Tab' : 'Tab';
  let previous = await focused(page);
  const visited: string[] = [];
  for (let i = 0; i < (options.max ?? 80); i++) {
    await page.keyboard.press(key);
    const now = await focused(page);
    visited.push(describeFocus(now));
    // Past either end of the page the focus leaves the document for a moment; order restarts there.
    if (now) expectVisibleFocus(now);
    // Date inputs take one Tab per part (day, month, year): the same element several times.
    if (previous && now && now.order !== previous.order) {
      // Logical order: forward Tab moves down the document, Shift+Tab up (no positive tabindex).
      if (options.backwards) expect(now.order, `Shift+Tab order at ${describeFocus(now)}`).toBeLessThan(previous.order);
      else expect(now.order, `Tab order at ${describeFocus(now)}`).toBeGreaterThan(previous.order);
    }
    if (now && match(now)) return now;
    previous = now;
  }
  throw new Error(`no matching element reached with ${key}; visited: ${visited.join(' → ')}`);
}

/** Presses an arrow key on the focused select until it shows `value`. */
async function chooseOption(page: Page, value: string): Promise<void> {
  for (const key of ['ArrowDown', 'ArrowUp']) {
    for (let i = 0; i < 12; i++) {
      if ((await focused(page))?.value === value) return;
      await page.keyboard.press(key);
    }
  }
  expect((await focused(page))?.value).toBe(value);
}

/** Reloads the page and tabs through it from the top; fails if a visible control is never reached. */
async function expectEveryControlReachable(page: Page): Promise<void> {
  await page.reload();
  const controls = await page.evaluate(() => {
    const all = Array.prototype.slice.call(document.getElementsByTagName('*')) as Element[];
    const selector =
      'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]';
    const positive = all.filter((el) => Number(el.getAttribute('tabindex')) > 0).length;
    const wanted = Array.from(document.querySelectorAll(selector))
      .filter((el) => el.getAttribute('tabindex') !== '-1')
      .filter((el) => (el as HTMLElement).getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
      // Radio buttons are one stop per group.
      .filter((el) => !(el instanceof HTMLInputElement && el.type === 'radio' && !el.checked))
      .map((el) => ({ order: all.indexOf(el), text: `<${el.tagName.toLowerCase()}> ${(el.textContent ?? '').trim().slice(0, 40)}` }));
    return { positive, wanted };
  });
  expect(controls.positive, 'elements with a positive tabindex (they break the reading order)').toBe(0);
  // The skip link is hidden until focused, so it is reached though it has no box yet.
  const reached = new Set<number>();
  let last = -1;
  for (let i = 0; i < controls.wanted.length * 3 + 10; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (!now) break;
    expectVisibleFocus(now);
    if (now.order === last) continue; // the next part of a date input
    if (reached.has(now.order)) break; // wrapped around to the top
    reached.add(now.order);
    last = now.order;
  }
  const missed = controls.wanted.filter((control) => !reached.has(control.order));
  expect(missed, 'controls Tab never reaches').toEqual([]);
}

describe.runIf(browserAvailable())('a staff morning by keyboard only', () => {
  let m: MorningFixture;

  beforeAll(async () => {
    m = await startMorning();
  }, 60_000);

  afterAll(async () => {
    await m?.close();
  });

  it('logs in, moves through the queue with j/k/x, filters, opens the cluster, decides and responds', async () => {
    const { page, baseUrl, storyIds, database } = m;
    const representative = storyIds[0]!;
    await page.goto(`${baseUrl}/items`);
    await page.waitForURL(/\/login/);

    // Sign in: Tab to the username, type, Tab to the password, type, Enter.
    await tabTo(page, (f) => f.name === 'username');
    await page.keyboard.type(STAFF_USERNAME);
    await page.keyboard.press('Tab');
    expect((await focused(page))?.name).toBe('password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/items$/);

    // The skip link comes first, is visible when focused, and jumps to the content.
    await page.keyboard.press('Tab');
    const skip = await focused(page);
    expectVisibleFocus(skip);
    expect(skip?.href).toBe('#main');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.getElementById('main')?.contains(document.activeElement) ?? false)).toBe(true);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

    // The queue's shortcuts: j / k move the current row (its link takes the focus), x selects it.
    const rows = page.locator('tr[data-row]');
    expect(await rows.count()).toBe(3);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    expect(await rows.nth(1).getAttribute('aria-current')).toBe('true');
    await page.keyboard.press('k');
    expect(await rows.nth(0).getAttribute('aria-current')).toBe('true');
    expect(await rows.nth(1).getAttribute('aria-current')).toBeNull();
    const current = await focused(page);
    expect(current?.text).toBe(STORY_TITLE);
    expectVisibleFocus(current);
    await page.keyboard.press('x');
    expect(await rows.nth(0).locator('input[data-row-select]').isChecked()).toBe(true);
    await page.keyboard.press('x');
    expect(await rows.nth(0).locator('input[data-row-select]').isChecked()).toBe(false);

    await expectEveryControlReachable(page);

    // Back up from the end of the page to the filter form with Shift+Tab, choose the label, apply.
    await tabTo(page, (f) => f.id === 'filter-label', { backwards: true, max: 120 });
    await chooseOption(page, 'misinformation');
    await tabTo(page, (f) => f.tag === 'button' && f.text === t('vi', 'items.filter.apply'));
    await page.keyboard.press('Enter');
    await page.waitForURL(/label=misinformation/);
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain(t('vi', 'items.clusterSize', { count: 2 }));

    // Open the cluster's row from the keyboard.
    await page.keyboard.press('j');
    expect((await focused(page))?.href).toBe(`/items/${representative}`);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/items/${representative}$`));
    expect(await page.locator('.member-list li').count()).toBe(3);

    await expectEveryControlReachable(page);

    // The decision: the verdict select with the arrow keys, a note, Space on the button.
    await tabTo(page, (f) => f.name === 'verdict' && f.formClass === 'decision-form', { max: 150 });
    await chooseOption(page, 'false');
    await tabTo(page, (f) => f.name === 'note' && f.formClass === 'decision-form');
    await page.keyboard.type('Đã xác minh với nhà trường.');
    await tabTo(page, (f) => f.tag === 'button' && f.text === t('vi', 'item.saveDecision'));
    await andWaitForPage(page, () => page.keyboard.press('Space'));
    expect(page.url()).toMatch(/flash=saved/);

    // The correction on the ward portal, with its link; Enter on the button records it.
    await tabTo(page, (f) => f.name === 'kind' && f.formClass === 'response-form', { max: 150 });
    await chooseOption(page, 'correction');
    await tabTo(page, (f) => f.name === 'channel' && f.formClass === 'response-form');
    await chooseOption(page, 'ward_portal');
    await tabTo(page, (f) => f.name === 'text' && f.formClass === 'response-form');
    await page.keyboard.type('Cải chính: không có khoản thu mới.');
    await tabTo(page, (f) => f.name === 'link' && f.formClass === 'response-form');
    await page.keyboard.type(CORRECTION_LINK);
    await tabTo(page, (f) => f.tag === 'button' && f.text === t('vi', 'item.saveResponse'));
    await andWaitForPage(page, () => page.keyboard.press('Enter'));
    expect(page.url()).toMatch(/flash=saved/);

    const trail = (await page.locator('.event-list li').allInnerTexts()).join('\n');
    expect(trail).toContain(t('vi', 'verdict.false'));
    expect(trail).toContain(t('vi', 'item.eventResponse', { who: STAFF_USERNAME, what: 'correction / ward_portal' }));
    const [stored] = await database.db.select().from(items).where(eq(items.id, representative));
    expect(stored!.verdict).toBe('false');
    const [response] = await database.db.select().from(responses).where(eq(responses.itemId, representative));
    expect(response).toMatchObject({ kind: 'correction', channel: 'ward_portal', link: CORRECTION_LINK });

    expect(m.dialogs).toEqual([]);
    expect(m.pageErrors).toEqual([]);
    expect(m.cspViolations).toEqual([]);
  }, 60_000);
});
