// The item page's "why flagged" list says what produced each span in words staff understand
// (a built-in keyword, staff rule #n linked to its row on /rules, a ward place, a model), and keeps
// the classifier's raw rule id only in a tooltip for technical support.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classifiers/classify.ts';
import { insertNewItems } from '../../src/db/queries/items.ts';
import { insertRule } from '../../src/db/queries/rules.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import type { Classification, ExplanationSpan } from '../../src/domain/classification.ts';
import type { Item } from '../../src/domain/item.ts';
import type { StaffRule } from '../../src/domain/rule.ts';
import { foldText } from '../../src/text/fold-text.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const SCHOOL = 'Trường THCS Lê Lợi';
const TITLE = `Tin đồn ${SCHOOL} thu thêm tiền học thêm`;
const BODY = 'Phụ huynh bức xúc, nhiều người lên mạng chửi bới nhà trường.';

let database: TestDatabase;
let t: TestApp;
let staff: string;
let rule: StaffRule;
let itemId: number;

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  staff = await t.signIn('staff');
  // Stored directly: saving through the API would start a reclassification that replaces the spans below.
  rule = await insertRule(
    database.db,
    { kind: 'phrase', category: 'negative', pattern: 'thu thêm tiền', terms: [], windowWords: null, weight: 1.5, enabled: true, note: null },
    null,
  );
  // Seed, staff and place spans as the classifier makes them, so their ids cannot drift from it.
  const ruled = createClassifier({ staffRules: [rule], gazetteer: { wardNames: [], schools: [SCHOOL], residentialGroups: [] } }).classify({ title: TITLE, body: BODY });
  const at = (phrase: string) => BODY.indexOf(phrase);
  const modelSpan = (phrase: string, category: ExplanationSpan['category'], ruleId: string): ExplanationSpan =>
    ({ field: 'body', start: at(phrase), end: at(phrase) + phrase.length, text: phrase, category, ruleId, weight: 0.8 });
  const classification: Classification = {
    ...ruled,
    labels: ['misinformation', 'negative', 'offensive', 'relevant'],
    spans: [
      ...ruled.spans,
      modelSpan('bức xúc', 'negative', 'model:sentiment'),
      modelSpan('chửi bới', 'offensive', 'model:offensive'),
      modelSpan('lên mạng', 'negative', 'legacy:v1-lexicon'),
    ],
  };
  const source = await insertSource(database.db, { kind: 'rss', name: 'Báo phường', url: 'http://127.0.0.1/feed' });
  await insertNewItems(database.db, [
    {
      sourceId: source.id,
      keyHash: 'reasons-1',
      url: null,
      title: TITLE,
      body: BODY,
      author: null,
      publishedAt: new Date(),
      collectedAt: new Date(),
      searchText: foldText(`${TITLE} ${BODY}`),
      contentHash: 'reasons-1',
      labels: classification.labels,
      classification,
      priority: 0,
    },
  ]);
  const listed = (await (await t.request('/api/items?status=all', { cookie: staff })).json()) as { items: Item[] };
  itemId = listed.items[0]!.id;
});
afterAll(async () => {
  await t?.close();
  await database?.close();
});

/** Returns the "why flagged" section of an item page. */
function whySection(html: string): string {
  const start = html.indexOf('id="why-heading"');
  expect(start, 'why section').toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
}

/** Returns what a reader sees: the text without tags (and so without attributes such as title). */
function visibleText(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

async function itemPage(lang: 'vi' | 'en'): Promise<string> {
  const response = await t.request(`/items/${itemId}?lang=${lang}`, { cookie: staff });
  expect(response.status).toBe(200);
  return response.text();
}

describe('why an item was flagged', () => {
  it('names what produced each span in Vietnamese, with its weight, and no raw rule id as visible text', async () => {
    const why = whySection(await itemPage('vi'));
    const seen = visibleText(why);
    expect(seen).toContain('Từ khóa có sẵn (2,25)'); // "tin đồn" 1.5 in the title, counted 1.5 times
    expect(seen).toContain(`Quy tắc #${rule.id} của cán bộ (2,25)`);
    expect(seen).toContain('Địa danh của phường');
    expect(seen).toContain('Mô hình cảm xúc (0,80)');
    expect(seen).toContain('Mô hình ngôn từ xúc phạm (0,80)');
    // A kind of id the page does not know is shown as stored rather than hidden.
    expect(seen).toContain('legacy:v1-lexicon');
    expect(seen).not.toMatch(/seed:|staff:|place:|model:/);

    // The raw ids stay in tooltips for technical support.
    expect(why).toContain('title="seed:misinformation.tin-don"');
    expect(why).toContain(`title="staff:${rule.id}"`);
    expect(why).toContain(`title="place:${SCHOOL}"`);
    expect(why).toContain('title="model:sentiment"');
    expect(why).toContain('title="model:offensive"');
  });

  it('links a staff rule to its row on the rules page', async () => {
    const why = whySection(await itemPage('vi'));
    expect(why).toContain(`<a href="/rules#rule-${rule.id}" title="staff:${rule.id}">Quy tắc #${rule.id} của cán bộ</a>`);
    const rules = await (await t.request('/rules', { cookie: staff })).text();
    expect(rules).toContain(`<tr id="rule-${rule.id}"`);
  });

  it('speaks English on the English page', async () => {
    const seen = visibleText(whySection(await itemPage('en')));
    for (const text of ['Built-in keyword', `Staff rule #${rule.id}`, 'Ward place name', 'Sentiment model', 'Offensive language model']) {
      expect(seen).toContain(text);
    }
  });
});
