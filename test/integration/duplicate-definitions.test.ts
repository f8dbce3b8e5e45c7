// A rule, a known claim or a response template that repeats an existing one (after NFC, trimming,
// collapsing spaces, lowercasing and folding diacritics) is refused with 409 and a field error that
// names the existing one, in the API and on the pages; edits that keep it as it was still save.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertClaim, insertRule } from '../../src/db/queries/rules.ts';
import { insertResponseTemplate } from '../../src/db/queries/response-templates.ts';
import { accessDenials } from '../../src/db/schema.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let database: TestDatabase;
let t: TestApp;
let staff: string;

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  staff = await t.signIn('staff', 'lan-staff');
});
afterAll(async () => {
  await t?.close();
  await database?.close();
});

interface Detail {
  field: string;
  code: string;
  existingId: number;
  message: string;
}

async function send(path: string, json: unknown, method = 'POST') {
  const response = await t.request(path, { method, cookie: staff, json });
  const body = (await response.json()) as Record<string, unknown> & { id: number; error?: { code: string; message: string; details?: Detail[] } };
  return { status: response.status, body };
}

async function postForm(path: string, fields: Record<string, string>) {
  const response = await t.request(path, { method: 'POST', cookie: staff, headers: FORM, body: new URLSearchParams(fields).toString() });
  return { status: response.status, html: await response.text(), location: response.headers.get('location') };
}

async function count(path: string, key: string): Promise<number> {
  const body = (await (await t.request(path, { cookie: staff })).json()) as Record<string, unknown[]>;
  return body[key]!.length;
}

/** Expects a 409 naming `existingId` on `field`, with a Vietnamese message, and returns the detail. */
function expectDuplicate(result: Awaited<ReturnType<typeof send>>, field: string, existingId: number, code = 'duplicate'): Detail {
  expect(result.status).toBe(409);
  expect(result.body.error?.code).toBe('conflict');
  const details = result.body.error?.details ?? [];
  expect(details).toHaveLength(1);
  expect(details[0]).toMatchObject({ field, code, existingId });
  expect(details[0]!.message).toContain(`#${existingId}`);
  expect(details[0]!.message).toBe(details[0]!.message.normalize('NFC'));
  // The error's own message is the duplicate's, not the general "someone else changed it".
  expect(result.body.error?.message).toBe(details[0]!.message);
  return details[0]!;
}

describe('duplicate staff rules', () => {
  const PHRASE = 'thu tiền trái phép';
  let phraseId: number;

  beforeAll(async () => {
    const created = await send('/api/rules', { kind: 'phrase', category: 'negative', pattern: PHRASE, weight: 2 });
    expect(created.status).toBe(201);
    phraseId = created.body.id;
  });

  it.each([
    ['the same phrase', PHRASE],
    ['another case with extra spaces', '  Thu   TIỀN\ttrái phép '],
    ['the same phrase in NFD', PHRASE.normalize('NFD')],
    ['the phrase without diacritics', 'thu tien trai phep'],
    ['the phrase without diacritics in capitals', 'THU TIEN TRAI PHEP'],
  ])('refuses %s with 409 naming the existing rule, and stores nothing', async (_name, pattern) => {
    const before = await count('/api/rules', 'rules');
    const detail = expectDuplicate(await send('/api/rules', { kind: 'phrase', category: 'misinformation', pattern }), 'pattern', phraseId);
    expect(detail.message).toContain(`quy tắc #${phraseId}`);
    expect(await count('/api/rules', 'rules')).toBe(before);
  });

  it('allows the same text as a rule of another kind, and a different phrase', async () => {
    expect((await send('/api/rules', { kind: 'regex', category: 'negative', pattern: PHRASE })).status).toBe(201);
    expect((await send('/api/rules', { kind: 'phrase', category: 'negative', pattern: 'thu tiền trái phép nhiều lần' })).status).toBe(201);
  });

  it('counts a disabled rule too, and says to switch it back on', async () => {
    const created = await send('/api/rules', { kind: 'phrase', category: 'negative', pattern: 'quỹ lớp bất thường', enabled: false });
    expect(created.status).toBe(201);
    const detail = expectDuplicate(await send('/api/rules', { kind: 'phrase', category: 'negative', pattern: 'Quy Lop Bat Thuong' }), 'pattern', created.body.id, 'duplicate_disabled');
    expect(detail.message).toContain('bật lại');
  });

  it('refuses an edit that makes a rule repeat another, and keeps the rule as it was', async () => {
    const other = await send('/api/rules', { kind: 'phrase', category: 'negative', pattern: 'lạm thu đầu năm' });
    expectDuplicate(await send(`/api/rules/${other.body.id}`, { pattern: 'THU TIỀN TRÁI PHÉP' }, 'PATCH'), 'pattern', phraseId);
    const stored = (await (await t.request('/api/rules', { cookie: staff })).json()) as { rules: Array<{ id: number; pattern: string }> };
    expect(stored.rules.find((rule) => rule.id === other.body.id)?.pattern).toBe('lạm thu đầu năm');
  });

  it('saves an edit that keeps the pattern, or changes only its case or spacing', async () => {
    const weight = await send(`/api/rules/${phraseId}`, { weight: 3, note: 'ghi chú' }, 'PATCH');
    expect(weight.status).toBe(200);
    expect(weight.body).toMatchObject({ weight: 3, pattern: PHRASE });
    const recased = await send(`/api/rules/${phraseId}`, { pattern: 'Thu tiền  trái phép' }, 'PATCH');
    expect(recased.status).toBe(200);
    expect((await send(`/api/rules/${phraseId}`, { pattern: PHRASE }, 'PATCH')).status).toBe(200);
  });

  it('still lets staff edit and switch off duplicates stored before the check', async () => {
    const input = { kind: 'phrase' as const, category: 'negative' as const, pattern: 'bạo lực học đường', terms: [], windowWords: null, weight: 1, enabled: true, note: null };
    const first = await insertRule(database.db, input, null);
    const second = await insertRule(database.db, input, null);
    const patched = await send(`/api/rules/${second.id}`, { enabled: false, weight: 0.5 }, 'PATCH');
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ enabled: false, weight: 0.5 });
    const toggled = await t.request(`/rules/${first.id}/toggle`, { method: 'POST', cookie: staff, headers: FORM, body: '' });
    expect(toggled.status).toBe(303);
    const stored = (await (await t.request('/api/rules', { cookie: staff })).json()) as { rules: Array<{ id: number; enabled: boolean }> };
    expect(stored.rules.find((rule) => rule.id === first.id)?.enabled).toBe(false);
  });

  it('compares any-of rules by label and, apart, by their terms in any order', async () => {
    const created = await send('/api/rules', { kind: 'any_of', category: 'misinformation', pattern: 'Tin đồn thu phí', terms: ['thu phí', 'quỹ lớp'] });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expectDuplicate(await send('/api/rules', { kind: 'any_of', category: 'misinformation', pattern: 'Tên khác', terms: ['QUY LOP', ' thu  phi '] }), 'terms', id);
    expectDuplicate(await send('/api/rules', { kind: 'any_of', category: 'misinformation', pattern: 'tin don thu phi', terms: ['sổ liên lạc'] }), 'pattern', id);
    // Unlabelled rules with different terms are different rules.
    expect((await send('/api/rules', { kind: 'any_of', category: 'negative', pattern: '', terms: ['đánh học sinh'] })).status).toBe(201);
    expect((await send('/api/rules', { kind: 'any_of', category: 'negative', pattern: '', terms: ['phạt học sinh'] })).status).toBe(201);
    // The same terms with all-of and a window are another rule; with the same window, the same.
    const allOf = await send('/api/rules', { kind: 'all_of_within', category: 'negative', pattern: 'Phạt', terms: ['phạt', 'học sinh'], windowWords: 5 });
    expect(allOf.status).toBe(201);
    expect((await send('/api/rules', { kind: 'all_of_within', category: 'negative', pattern: 'Phạt 2', terms: ['học sinh', 'phạt'], windowWords: 8 })).status).toBe(201);
    expectDuplicate(await send('/api/rules', { kind: 'all_of_within', category: 'negative', pattern: 'Phạt 3', terms: ['HOC SINH', 'phat'], windowWords: 5 }), 'terms', allOf.body.id);
  });

  it('compares regexes without letter case but keeps escapes apart', async () => {
    const created = await send('/api/rules', { kind: 'regex', category: 'negative', pattern: '\\d+ triệu đồng' });
    expect(created.status).toBe(201);
    expectDuplicate(await send('/api/rules', { kind: 'regex', category: 'negative', pattern: '\\d+ TRIỆU Đồng' }), 'pattern', created.body.id);
    expect((await send('/api/rules', { kind: 'regex', category: 'negative', pattern: '\\D+ triệu đồng' })).status).toBe(201);
  });

  it('shows the duplicate beside the pattern on the page, with a link, keeping what was typed', async () => {
    const before = await count('/api/rules', 'rules');
    const page = await postForm('/rules', { kind: 'phrase', category: 'negative', pattern: 'Thu Tien Trai Phep', weight: '1.5', note: 'ghi chú mới', enabled: 'true' });
    expect(page.status).toBe(409);
    expect(page.html).toContain('id="rule-pattern-error"');
    expect(page.html).toContain(`Trùng với quy tắc #${phraseId}`);
    expect(page.html).toContain(`href="/rules/${phraseId}"`);
    expect(page.html).toContain('value="Thu Tien Trai Phep"');
    expect(page.html).toContain('value="ghi chú mới"');
    expect(page.html).toContain('value="1.5"');
    expect(await count('/api/rules', 'rules')).toBe(before);
    const english = await t.request('/rules?lang=en', {
      method: 'POST',
      cookie: staff,
      headers: FORM,
      body: new URLSearchParams({ kind: 'phrase', category: 'negative', pattern: PHRASE, weight: '1' }).toString(),
    });
    expect(english.status).toBe(409);
    expect(await english.text()).toContain(`This repeats rule #${phraseId}`);
    // Refused duplicates are logged like every 409, from the page and from the API.
    const denials = await database.db.select().from(accessDenials);
    for (const path of ['/rules', '/api/rules']) {
      expect(denials.some((denial) => denial.path === path && denial.status === 409 && denial.code === 'conflict')).toBe(true);
    }
  });

  it('refuses an edit to a duplicate on the page, and saves one that keeps the pattern', async () => {
    const other = await send('/api/rules', { kind: 'phrase', category: 'negative', pattern: 'ép học thêm' });
    const refused = await postForm(`/rules/${other.body.id}`, { kind: 'phrase', category: 'negative', pattern: PHRASE.normalize('NFD'), weight: '1', enabled: 'true' });
    expect(refused.status).toBe(409);
    expect(refused.html).toContain(`Trùng với quy tắc #${phraseId}`);
    expect(refused.html).toContain(`action="/rules/${other.body.id}"`);
    const kept = await postForm(`/rules/${other.body.id}`, { kind: 'phrase', category: 'negative', pattern: 'Ép học thêm', weight: '4', enabled: 'true' });
    expect(kept.status).toBe(303);
    expect(kept.location).toBe('/rules?flash=saved');
  });
});

describe('duplicate known claims', () => {
  const STATEMENT = 'Trường tiểu học Kim Liên thu 5 triệu đồng quỹ lớp mỗi học sinh';
  let claimId: number;

  beforeAll(async () => {
    const created = await send('/api/claims', { statement: STATEMENT, verdict: 'false', correction: 'Không có khoản thu này.' });
    expect(created.status).toBe(201);
    claimId = created.body.id;
  });

  it.each([
    ['the same statement', STATEMENT],
    ['another case with extra spaces', `  ${STATEMENT.toUpperCase().replace(/ /g, '   ')}\n`],
    ['the statement in NFD', STATEMENT.normalize('NFD')],
    ['the statement without diacritics', 'Truong tieu hoc Kim Lien thu 5 trieu dong quy lop moi hoc sinh'],
  ])('refuses %s with 409 naming the existing claim', async (_name, statement) => {
    const before = await count('/api/claims', 'claims');
    const detail = expectDuplicate(await send('/api/claims', { statement, verdict: 'fake' }), 'statement', claimId);
    expect(detail.message).toContain(`thông tin #${claimId}`);
    expect(await count('/api/claims', 'claims')).toBe(before);
  });

  it('counts a disabled claim too, and says to switch it back on', async () => {
    const created = await send('/api/claims', { statement: 'Phường sẽ đóng cửa trường mầm non Hoa Sen', verdict: 'fake', enabled: false });
    expect(created.status).toBe(201);
    const detail = expectDuplicate(await send('/api/claims', { statement: 'phuong se dong cua truong mam non hoa sen', verdict: 'fake' }), 'statement', created.body.id, 'duplicate_disabled');
    expect(detail.message).toContain('bật lại');
  });

  it('refuses an edit to a duplicate, and saves an edit that keeps the statement', async () => {
    const other = await send('/api/claims', { statement: 'Học sinh phải mua đồng phục tại trường với giá gấp đôi', verdict: 'unverified' });
    expect(other.status).toBe(201);
    expectDuplicate(await send(`/api/claims/${other.body.id}`, { statement: STATEMENT.toLowerCase() }, 'PATCH'), 'statement', claimId);
    const kept = await send(`/api/claims/${claimId}`, { verdict: 'fake', statement: ` ${STATEMENT.toUpperCase()} ` }, 'PATCH');
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ verdict: 'fake' });
    const legacy = await insertClaim(database.db, { statement: 'Nhà trường bắt phụ huynh đóng tiền sửa lớp học', verdict: 'false', correction: null, references: [], enabled: true }, null);
    const twin = await insertClaim(database.db, { statement: 'Nhà trường bắt phụ huynh đóng tiền sửa lớp học', verdict: 'false', correction: null, references: [], enabled: true }, null);
    expect((await send(`/api/claims/${twin.id}`, { enabled: false }, 'PATCH')).status).toBe(200);
    expect(legacy.id).toBeLessThan(twin.id);
  });

  it('shows the duplicate beside the statement on the page, keeping what was typed', async () => {
    const page = await postForm('/claims', { statement: 'TRUONG TIEU HOC KIM LIEN thu 5 trieu dong quy lop moi hoc sinh', verdict: 'unverified', correction: 'Đính chính đã soạn', enabled: 'true' });
    expect(page.status).toBe(409);
    expect(page.html).toContain('id="claim-statement-error"');
    expect(page.html).toContain(`Sổ đã có thông tin #${claimId}`);
    expect(page.html).toContain(`href="/claims/${claimId}"`);
    expect(page.html).toContain('TRUONG TIEU HOC KIM LIEN thu 5 trieu dong quy lop moi hoc sinh</textarea>');
    expect(page.html).toContain('Đính chính đã soạn</textarea>');
    const edit = await postForm(`/claims/${claimId}`, { statement: STATEMENT, verdict: 'false', enabled: 'true' });
    expect(edit.status).toBe(303);
  });
});

describe('duplicate response templates', () => {
  const TITLE = 'Đính chính qua loa phường';
  let templateId: number;

  beforeAll(async () => {
    const created = await send('/api/response-templates', { verdict: 'false', kind: 'correction', channel: 'loudspeaker', title: TITLE, text: 'Thông báo…' });
    expect(created.status).toBe(201);
    templateId = created.body.id;
  });

  it.each([
    ['the same name', TITLE],
    ['another case with extra spaces', '  ĐÍNH CHÍNH   qua loa phường '],
    ['the name in NFD', TITLE.normalize('NFD')],
    ['the name without diacritics', 'Dinh chinh qua loa phuong'],
  ])('refuses %s with 409 naming the existing template, whatever the verdict', async (_name, title) => {
    const before = await count('/api/response-templates', 'templates');
    const detail = expectDuplicate(
      await send('/api/response-templates', { verdict: 'fake', kind: 'correction', channel: 'ward_portal', title, text: 'Nội dung khác' }),
      'title',
      templateId,
    );
    expect(detail.message).toContain(`mẫu phản hồi #${templateId}`);
    expect(await count('/api/response-templates', 'templates')).toBe(before);
  });

  it('counts a disabled template too, and refuses an edit to a duplicate name', async () => {
    const disabled = await send('/api/response-templates', { verdict: 'fake', kind: 'reply', channel: 'school', title: 'Trả lời qua nhà trường', text: 'x', enabled: false });
    expect(disabled.status).toBe(201);
    expectDuplicate(
      await send('/api/response-templates', { verdict: 'fake', kind: 'reply', channel: 'school', title: 'tra loi qua nha truong', text: 'y' }),
      'title',
      disabled.body.id,
      'duplicate_disabled',
    );
    const other = await send('/api/response-templates', { verdict: 'verified', kind: 'reply', channel: 'school', title: 'Trả lời tại họp tổ', text: 'z' });
    expect(other.status).toBe(201);
    expectDuplicate(await send(`/api/response-templates/${other.body.id}`, { title: 'Đính Chính Qua Loa Phường' }, 'PATCH'), 'title', templateId);
  });

  it('saves an edit that keeps the name, also for names saved twice before the check', async () => {
    const kept = await send(`/api/response-templates/${templateId}`, { text: 'Thông báo mới', title: 'Đính chính qua loa phường' }, 'PATCH');
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ text: 'Thông báo mới' });
    const input = { verdict: 'unverified' as const, kind: 'clarification' as const, channel: 'ward_portal' as const, title: 'Đang xác minh', text: 'a', enabled: true };
    await insertResponseTemplate(database.db, input, null);
    const twin = await insertResponseTemplate(database.db, input, null);
    expect((await send(`/api/response-templates/${twin.id}`, { enabled: false }, 'PATCH')).status).toBe(200);
  });

  it('shows the duplicate beside the name on the page, keeping what was typed', async () => {
    const page = await postForm('/templates', { verdict: 'fake', kind: 'correction', channel: 'social_page', title: 'DINH CHINH qua loa phuong', text: 'Nội dung đã gõ', enabled: 'true' });
    expect(page.status).toBe(409);
    expect(page.html).toContain('id="template-title-error"');
    expect(page.html).toContain(`Đã có mẫu phản hồi #${templateId}`);
    expect(page.html).toContain(`href="/templates/${templateId}"`);
    expect(page.html).toContain('value="DINH CHINH qua loa phuong"');
    expect(page.html).toContain('Nội dung đã gõ</textarea>');
    const edit = await postForm(`/templates/${templateId}`, { verdict: 'false', kind: 'correction', channel: 'loudspeaker', title: TITLE, text: 'Thông báo', enabled: 'true' });
    expect(edit.status).toBe(303);
  });
});
