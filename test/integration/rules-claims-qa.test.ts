// QA findings on rules, claims and dry runs: every error shown beside its field, the form's limits
// those of the server, percentages written the page's way, http(s)-only claim references.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DryRunResult } from '../../dashboard/views/dry-run-result.tsx';
import type { DryRunReport } from '../../src/domain/dry-run.ts';
import { STAFF_RULE_MAX_WEIGHT, STAFF_RULE_MAX_WINDOW_WORDS } from '../../src/domain/rule.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let database: TestDatabase;
let t: TestApp;
let staff: string;

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  staff = await t.signIn('staff');
});
afterAll(async () => {
  await t?.close();
  await database?.close();
});

async function postForm(path: string, fields: Record<string, string>) {
  const response = await t.request(path, { method: 'POST', cookie: staff, headers: FORM, body: new URLSearchParams(fields).toString() });
  return { status: response.status, html: await response.text() };
}

/** Returns the text of the field error paragraph with this id, or null. */
function fieldError(html: string, id: string): string | null {
  const match = new RegExp(`<p class="field-error" id="${id}">([^<]*)</p>`).exec(html);
  return match ? match[1]! : null;
}

describe('rule form errors', () => {
  it('shows an error beside the terms when one line is only a zero-width space', async () => {
    const { status, html } = await postForm('/rules', { kind: 'any_of', category: 'negative', pattern: 'thu phí', terms: 'học phí\n\u200B\nquỹ lớp', weight: '1' });
    expect(status).toBe(422);
    expect(fieldError(html, 'rule-terms-error')).toBe('Dòng 2: Không được để trống.');
    expect(html).toMatch(/<textarea id="rule-terms"[^>]*aria-describedby="rule-terms-error"/);
  });

  it.each([
    ['kind', { kind: 'fuzzy', category: 'negative', pattern: 'x', weight: '1' }],
    ['category', { kind: 'phrase', category: 'gossip', pattern: 'học phí', weight: '1' }],
    ['pattern', { kind: 'phrase', category: 'negative', pattern: '   ', weight: '1' }],
    ['pattern', { kind: 'regex', category: 'negative', pattern: '(abc', weight: '1' }],
    ['pattern', { kind: 'any_of', category: 'negative', pattern: 'nhãn '.repeat(200), terms: 'học phí', weight: '1' }],
    ['terms', { kind: 'any_of', category: 'negative', pattern: 'x', terms: '', weight: '1' }],
    ['terms', { kind: 'all_of_within', category: 'negative', pattern: 'x', terms: `học phí\n${'quá dài '.repeat(80)}`, windowWords: '5', weight: '1' }],
    ['terms', { kind: 'any_of', category: 'negative', pattern: 'x', terms: Array.from({ length: 60 }, (_, i) => `từ ${i}`).join('\n'), weight: '1' }],
    ['windowWords', { kind: 'all_of_within', category: 'negative', pattern: 'x', terms: 'a\nb', windowWords: '0', weight: '1' }],
    ['windowWords', { kind: 'all_of_within', category: 'negative', pattern: 'x', terms: 'a\nb', windowWords: 'năm', weight: '1' }],
    ['weight', { kind: 'phrase', category: 'negative', pattern: 'học phí', weight: 'nhiều' }],
    ['weight', { kind: 'phrase', category: 'negative', pattern: 'học phí', weight: String(STAFF_RULE_MAX_WEIGHT + 1) }],
  ])('shows a %s error beside its field (case %#)', async (field, fields) => {
    for (const path of ['/rules', '/rules/dry-run']) {
      const { status, html } = await postForm(path, fields);
      expect(status, path).toBe(422);
      expect(fieldError(html, `rule-${field}-error`), path).toBeTruthy();
      expect(html).toContain(`aria-describedby="rule-${field}-error"`);
    }
  });

  it('shows gazetteer errors beside the gazetteer field, keeping what was typed, not as a rule error', async () => {
    const { status, html } = await postForm('/settings/gazetteer', { wardNames: 'Phường Hòa An', schools: `Trường ${'A'.repeat(300)}`, residentialGroups: '' });
    expect(status).toBe(422);
    expect(fieldError(html, 'gazetteer-schools-error')).toBeTruthy();
    expect(html).toContain('Phường Hòa An');
    expect(html).not.toContain('Quy tắc chưa hợp lệ');
  });
});

describe('claim form errors', () => {
  it.each([
    ['statement', { statement: '   ', verdict: 'false' }],
    ['verdict', { statement: 'Trường thu thêm tiền', verdict: 'maybe' }],
    ['correction', { statement: 'Trường thu thêm tiền', verdict: 'false', correction: 'x'.repeat(5001) }],
    ['references', { statement: 'Trường thu thêm tiền', verdict: 'false', references: 'không phải đường dẫn' }],
  ])('shows a %s error beside its field', async (field, fields) => {
    for (const path of ['/claims', '/claims/dry-run']) {
      const { status, html } = await postForm(path, fields);
      expect(status, path).toBe(422);
      expect(fieldError(html, `claim-${field}-error`), path).toBeTruthy();
      expect(html).toContain(`aria-describedby="claim-${field}-error"`);
    }
  });
});

describe('near-empty claim statements', () => {
  // A claim of one or two words (`a`, `học`) matched nearly every item with a full score.
  it.each(['a', '🎉', '...!!!', 'học', 'học sinh', '5 học sinh', '\u200Bhọc\u200B phí'])('refuses %j through the API with too_short on statement', async (statement) => {
    for (const path of ['/api/claims', '/api/claims/dry-run']) {
      const response = await t.request(path, { cookie: staff, json: { statement, verdict: 'false' } });
      expect(response.status, path).toBe(422);
      expect(await response.json(), path).toMatchObject({ error: { code: 'validation_failed', details: [{ field: 'statement', code: 'too_short' }] } });
    }
  });

  it('refuses a PATCH that shortens a claim to one word', async () => {
    const created = await t.request('/api/claims', { cookie: staff, json: { statement: 'Trường thu thêm tiền máy lạnh', verdict: 'false' } });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    const patched = await t.request(`/api/claims/${id}`, { method: 'PATCH', cookie: staff, json: { statement: 'học' } });
    expect(patched.status).toBe(422);
    expect(await patched.json()).toMatchObject({ error: { details: [{ field: 'statement', code: 'too_short' }] } });
  });

  it('accepts three syllables with letters, abbreviations counted as written', async () => {
    for (const statement of ['Trường thu tiền', 'hs đóng tiền']) {
      expect((await t.request('/api/claims/dry-run', { cookie: staff, json: { statement, verdict: 'false' } })).status, statement).toBe(200);
    }
  });

  it('shows the reason in Vietnamese beside the statement, keeping what was typed', async () => {
    for (const path of ['/claims', '/claims/dry-run']) {
      const { status, html } = await postForm(path, { statement: 'học', verdict: 'false', correction: 'Đính chính giữ lại' });
      expect(status, path).toBe(422);
      expect(fieldError(html, 'claim-statement-error'), path).toContain('Nội dung quá ngắn: cần ít nhất 3 tiếng');
      expect(html, path).toMatch(/<textarea id="claim-statement"[^>]*>học<\/textarea>/);
      expect(html, path).toContain('Đính chính giữ lại');
    }
    // An empty statement keeps its own message.
    const { html } = await postForm('/claims', { statement: '   ', verdict: 'false' });
    expect(fieldError(html, 'claim-statement-error')).toBe('Cần nhập nội dung (tối đa 2.000 ký tự).');
  });
});

describe('rule weight and window limits', () => {
  it('lets the form edit every weight and window the server accepts, and no more', async () => {
    const created = await t.request('/api/rules', { cookie: staff, json: { kind: 'phrase', category: 'negative', pattern: 'lạm thu', weight: 20 } });
    expect(created.status).toBe(201);
    const atMost = await t.request('/api/rules', { cookie: staff, json: { kind: 'phrase', category: 'negative', pattern: 'lạm thu tiền', weight: -STAFF_RULE_MAX_WEIGHT } });
    expect(atMost.status).toBe(201);
    const over = await t.request('/api/rules', { cookie: staff, json: { kind: 'phrase', category: 'negative', pattern: 'lạm thu', weight: STAFF_RULE_MAX_WEIGHT + 0.5 } });
    expect(over.status).toBe(422);
    const widest = { kind: 'all_of_within', category: 'negative', pattern: 'x', terms: ['a', 'b'] };
    expect((await t.request('/api/rules', { cookie: staff, json: { ...widest, windowWords: STAFF_RULE_MAX_WINDOW_WORDS } })).status).toBe(201);
    expect((await t.request('/api/rules', { cookie: staff, json: { ...widest, windowWords: STAFF_RULE_MAX_WINDOW_WORDS + 1 } })).status).toBe(422);

    const { id } = (await created.json()) as { id: number };
    const html = await (await t.request(`/rules/${id}`, { cookie: staff })).text();
    const weight = /<input id="rule-weight"[^>]*>/.exec(html)![0];
    expect(weight).toContain('value="20"');
    expect(weight).toContain(`min="${-STAFF_RULE_MAX_WEIGHT}"`);
    expect(weight).toContain(`max="${STAFF_RULE_MAX_WEIGHT}"`);
    // The server takes any finite weight, so the browser must not round it to a step.
    expect(weight).toContain('step="any"');
    const window = /<input id="rule-window"[^>]*>/.exec(html)![0];
    expect(window).toContain('min="1"');
    expect(window).toContain(`max="${STAFF_RULE_MAX_WINDOW_WORDS}"`);
  });
});

describe('dry-run percentages', () => {
  const report = (precision: number): DryRunReport => ({
    label: 'negative',
    scanned: 3,
    totalItems: 3,
    stoppedBy: null,
    matched: 2,
    newlyFlagged: 0,
    agreement: { decided: 2, confirmed: 2, falsePositive: 0, dismissedOther: 0, precision },
    sample: [],
    elapsedMs: 1,
  });

  it('writes a decimal comma and no space in Vietnamese, a point in English', () => {
    expect(String(DryRunResult({ report: report(1), locale: 'vi' }))).toContain('Tỉ lệ đúng so với quyết định trước đây: 100,0%.');
    expect(String(DryRunResult({ report: report(2 / 3), locale: 'vi' }))).toContain(': 66,7%.');
    expect(String(DryRunResult({ report: report(1), locale: 'en' }))).toContain('Agreement with past decisions: 100.0%.');
  });
});

describe('claim references', () => {
  const claim = { statement: 'Trường thu thêm 500.000 đồng mỗi học sinh', verdict: 'false' };

  it.each(['ftp://example.com/file', 'javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'http:example.com', 'https://exa mple.com'])(
    'refuses the reference %s through the API and the page, beside the references field',
    async (reference) => {
      const api = await t.request('/api/claims', { cookie: staff, json: { ...claim, references: ['https://example.com/ok', reference] } });
      expect(api.status).toBe(422);
      const body = (await api.json()) as { error: { details: Array<{ field?: string; path?: unknown[] }> } };
      expect(JSON.stringify(body.error.details)).toContain('references');
      const { status, html } = await postForm('/claims', { ...claim, references: `https://example.com/ok\n${reference}` });
      expect(status).toBe(422);
      expect(fieldError(html, 'claim-references-error')).toBe('Mỗi dòng phải là một đường dẫn http hoặc https.');
      const dryRun = await postForm('/claims/dry-run', { ...claim, references: reference });
      expect(dryRun.status).toBe(422);
    },
  );

  it('keeps http and https references', async () => {
    const response = await t.request('/api/claims', { cookie: staff, json: { ...claim, references: ['http://example.com/a', 'HTTPS://example.com/b'] } });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ references: ['http://example.com/a', 'HTTPS://example.com/b'] });
  });
});
