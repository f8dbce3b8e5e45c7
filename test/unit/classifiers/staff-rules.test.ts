import { describe, expect, it } from 'vitest';
import {
  compileStaffRules,
  matchStaffRules,
  matchStaffRulesNaively,
  MAX_PATTERN_LENGTH,
  validateStaffRule,
  type StaffRuleDefinition,
} from '../../../src/classifiers/staff-rules.ts';
import { checkRegexSafety } from '../../../src/classifiers/safe-regex.ts';
import type { StaffRule } from '../../../src/domain/rule.ts';

const base = { category: 'negative' as const, weight: 1, enabled: true };
const phrase = (id: number, pattern: string, extra: Partial<StaffRuleDefinition> = {}): StaffRuleDefinition => ({ ...base, id, kind: 'phrase', pattern, ...extra });
const anyOf = (id: number, terms: string[]): StaffRuleDefinition => ({ ...base, id, kind: 'any_of', pattern: '', terms });
const allOf = (id: number, terms: string[], windowWords: number): StaffRuleDefinition => ({ ...base, id, kind: 'all_of_within', pattern: '', terms, windowWords });
const regex = (id: number, pattern: string): StaffRuleDefinition => ({ ...base, id, kind: 'regex', pattern });

const spans = (rules: StaffRuleDefinition[], text: string) =>
  matchStaffRules(compileStaffRules(rules), text).map((m) => ({ id: m.ruleId, text: text.slice(m.start, m.end) }));
const codes = (input: unknown) => {
  const result = validateStaffRule(input);
  return result.ok ? [] : result.errors.map((error) => `${error.field}:${error.code}`);
};

describe('validateStaffRule', () => {
  it('rejects an empty phrase, and one made only of punctuation', () => {
    expect(codes(phrase(1, ''))).toEqual(['pattern:empty']);
    expect(codes(phrase(1, '  ... !! '))).toEqual(['pattern:empty']);
  });

  it('rejects a 10,000-character phrase, term and regex with too_long', () => {
    const long = 'học phí '.repeat(1250);
    expect(codes(phrase(1, long))).toEqual(['pattern:too_long']);
    expect(codes(anyOf(1, ['ok', long]))).toEqual(['terms[1]:too_long']);
    expect(codes(regex(1, 'a'.repeat(10_000)))).toEqual(['pattern:too_long']);
    expect(codes(phrase(1, 'a'.repeat(MAX_PATTERN_LENGTH)))).toEqual([]);
  });

  it('rejects catastrophic regexes with unsafe_regex and broken ones with bad_regex', () => {
    for (const pattern of ['(a+)+$', '(a|a)*', '(a|ab)*c', '(.*a){20}', '(\\w+\\s?)*$', '(x+x+)+y', '.*a.*b', '\\d+\\d+\\d+x', '(a)\\1', '(?<x>a)\\k<x>']) {
      expect(codes(regex(1, pattern)), pattern).toEqual(['pattern:unsafe_regex']);
    }
    // Bounded quantifiers over the same characters multiply too: a second on 1,000 characters for
    // the first, minutes for the fourth.
    for (const pattern of ['A.{0,500}A.{0,500}B', '.{0,500}.{0,500}x', '\\w{0,500}\\w{0,500}x', 'a.{0,8}a.{0,8}a.{0,8}a.{0,8}b', '.*a.{0,16}b', '[a-z]{0,20}[a-z]{0,20}[a-z]{0,20}x', '(x.{0,40})?y.{0,40}z']) {
      expect(codes(regex(1, pattern)), pattern).toEqual(['pattern:unsafe_regex']);
    }
    expect(codes(regex(1, '(unclosed'))).toEqual(['pattern:bad_regex']);
    expect(codes(regex(1, '[z-a]'))).toEqual(['pattern:bad_regex']);
    expect(codes(regex(1, 'a*'))).toEqual(['pattern:matches_empty']);
    // Only empty matches in ordinary text: a position, not words.
    for (const pattern of ['\\b', '(?=a)', '^', '$']) expect(codes(regex(1, pattern)), pattern).toEqual(['pattern:matches_empty']);
  });

  it('refuses regexes that match a single ordinary character, which would flag nearly every item', () => {
    // `[[:alpha:]` is, in JavaScript, the class of `[ : a l p h`.
    for (const pattern of ['.', '\\s', '[[:alpha:]', 'a', '\\d+', '\\w', '[a-z]+']) {
      expect(codes(regex(1, pattern)), pattern).toEqual(['pattern:matches_too_much']);
    }
    for (const pattern of ['sốc|khẩn', '\\bsốc\\b', '[!?]{3,}', '\\d+k', 'x(?=a+b)']) expect(codes(regex(1, pattern)), pattern).toEqual([]);
  });

  it('accepts ordinary staff regexes', () => {
    for (const pattern of ['thu\\s*\\d+\\s*(k|nghìn|triệu)', '\\d{1,3}(?:[.,]\\d{3})+\\s*(?:đ|đồng)', 'tin\\s+đồn', '(ab|cd)+', 'chia sẻ gấp!*', 'học phí.{0,30}tăng', 'a.{0,30}b.{0,30}c', '[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}', 'thu\\s*(thêm|mới)?\\s*\\d+\\s*k']) {
      expect(codes(regex(1, pattern)), pattern).toEqual([]);
    }
  });

  it('checks the terms and the window of all_of_within rules', () => {
    expect(codes(allOf(1, ['học phí', 'tăng'], 0))).toEqual(['windowWords:bad_window']);
    expect(codes(allOf(1, ['học phí', 'tăng'], 51))).toEqual(['windowWords:bad_window']);
    expect(codes(allOf(1, ['học phí', ''], 5))).toEqual(['terms[1]:empty']);
    expect(codes(anyOf(1, []))).toEqual(['terms:empty']);
    expect(codes(anyOf(1, Array.from({ length: 51 }, (_, i) => `từ ${i}`)))).toEqual(['terms:too_many_terms']);
  });

  it('reports every problem at once, with an English message', () => {
    const result = validateStaffRule({ kind: 'nope', category: 'x', weight: 'heavy', pattern: '' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => e.field)).toEqual(['kind', 'category', 'weight']);
      expect(result.errors.every((e) => /^[A-Z]/.test(e.message))).toBe(true);
    }
  });

  it('stores a rule written in NFD as NFC', () => {
    const result = validateStaffRule(anyOf(3, ['lạm thu'.normalize('NFD')]));
    expect(result.ok && result.rule.terms).toEqual(['lạm thu']);
    const phraseResult = validateStaffRule(phrase(4, 'tin đồn'.normalize('NFD')));
    expect(phraseResult.ok && phraseResult.rule.pattern).toBe('tin đồn');
  });
});

describe('matchStaffRules', () => {
  it('matches a phrase with or without diacritics, pointing at the original characters', () => {
    expect(spans([phrase(1, 'lạm thu')], 'Phụ huynh phản ánh LẠM THU, lam thu quá nhiều')).toEqual([
      { id: 1, text: 'LẠM THU' },
      { id: 1, text: 'lam thu' },
    ]);
  });

  it('matches NFD text and points into the decomposed original', () => {
    const nfd = 'Trường thu tiền máy lạnh của học sinh'.normalize('NFD');
    const found = matchStaffRules(compileStaffRules([phrase(1, 'tiền máy lạnh'), regex(2, 'học\\s+sinh')]), nfd);
    expect(found.map((m) => [m.ruleId, nfd.slice(m.start, m.end).normalize('NFC')])).toEqual([
      [1, 'tiền máy lạnh'],
      [2, 'học sinh'],
    ]);
  });

  it('matches a rule written in NFD', () => {
    expect(spans([phrase(1, 'ngộ độc'.normalize('NFD'))], 'Nghi ngộ độc ở bếp ăn')).toEqual([{ id: 1, text: 'ngộ độc' }]);
  });

  it('finds overlapping phrases and any_of terms in one pass', () => {
    expect(spans([phrase(1, 'học phí'), phrase(2, 'tăng học phí'), anyOf(3, ['phí', 'sốc'])], 'Sốc: tăng học phí')).toEqual([
      { id: 3, text: 'Sốc' },
      { id: 2, text: 'tăng học phí' },
      { id: 1, text: 'học phí' },
      { id: 3, text: 'phí' },
    ]);
  });

  it('matches all_of_within only when every term starts within the window', () => {
    const rule = allOf(5, ['giáo viên', 'đánh'], 4);
    expect(spans([rule], 'Giáo viên lớp 2B đánh học sinh')).toEqual([{ id: 5, text: 'Giáo viên lớp 2B đánh' }]);
    expect(spans([rule], 'Giáo viên lớp 2B hôm qua có nói đánh')).toEqual([]);
    expect(spans([rule], 'đánh nhau, giáo viên can')).toEqual([{ id: 5, text: 'đánh nhau, giáo viên' }]);
  });

  it('runs regexes on the original and on the folded text', () => {
    expect(spans([regex(1, 'thu\\s*\\d+\\s*(k|nghìn|triệu)')], 'Trường thu 500 nghìn, lop khac thu 300 nghin')).toEqual([
      { id: 1, text: 'thu 500 nghìn' },
      { id: 1, text: 'thu 300 nghin' },
    ]);
  });

  it('compiles the rules as the database stores them', () => {
    const stored: StaffRule = { id: 9, kind: 'phrase', category: 'relevant', pattern: 'Kim Đồng', terms: [], windowWords: null, weight: 2, enabled: true, note: null, updatedAt: new Date() };
    expect(matchStaffRules(compileStaffRules([stored]), 'truong kim dong')).toEqual([{ ruleId: 9, category: 'relevant', weight: 2, start: 7, end: 15 }]);
  });

  it('skips disabled and invalid rules', () => {
    const matcher = compileStaffRules([phrase(1, 'học phí', { enabled: false }), regex(2, '(a+)+$'), phrase(3, 'học phí')]);
    expect(matcher.skipped).toEqual([2]);
    expect(matchStaffRules(matcher, 'học phí').map((m) => m.ruleId)).toEqual([3]);
  });

  it('agrees with the rule-by-rule baseline', () => {
    const rules = [phrase(1, 'học phí'), anyOf(2, ['lạm thu', 'thu thêm']), allOf(3, ['phụ huynh', 'bức xúc'], 6), regex(4, 'sốc|khẩn')];
    const matcher = compileStaffRules(rules);
    const text = 'SỐC: phụ huynh rất bức xúc vì trường thu thêm học phí, lam thu qua!';
    expect(matchStaffRules(matcher, text)).toEqual(matchStaffRulesNaively(matcher, text));
    expect(matchStaffRules(matcher, text).length).toBe(5);
  });

  it('never hangs: accepted rules on 100,000-character adversarial inputs finish', () => {
    const candidates = [
      '(a+)+$', '(a|a)*b', '(.*a){20}', '.*a.*b', '\\d+\\d+\\d+x', '(\\w+\\s?)*$', '[^x]*y', 'a.*b', '\\s*a\\s*b',
      '\\d{1,3}(?:[.,]\\d{3})+\\s*đồng', '(ab|cd)+e', 'thu\\s*\\d+\\s*(k|nghìn)', 'a+b', '(?:a|b)+c', '\\S+@', 'x(?=a+b)',
      'a.{0,500}a.{0,500}b', 'a.{0,8}a.{0,8}a.{0,8}a.{0,8}a.{0,8}a.{0,8}b', '.*a.{0,16}b', 'a.{0,30}a.{0,30}b', 'a.{0,500}b',
    ];
    const accepted = candidates.filter((pattern) => validateStaffRule(regex(1, pattern)).ok);
    expect(accepted.length).toBeGreaterThan(5);
    expect(accepted).not.toContain('(a+)+$');
    const matcher = compileStaffRules([...accepted.map((pattern, i) => regex(i + 1, pattern)), phrase(100, 'a a a')]);
    const inputs = ['a'.repeat(100_000), 'a '.repeat(50_000), '1'.repeat(100_000), 'ab'.repeat(50_000), 'á'.normalize('NFD').repeat(50_000)];
    for (const input of inputs) {
      const started = performance.now();
      const matches = matchStaffRules(matcher, input);
      expect(Array.isArray(matches)).toBe(true);
      // Every accepted rule together, on the worst of inputs: well under a second (a hang is minutes).
      expect(performance.now() - started, `input of ${input.length} characters`).toBeLessThan(3000);
    }
    expect(checkRegexSafety('(a+)+$').safe).toBe(false);
  });
});

describe('matchStaffRules on long texts', () => {
  it('finds regex matches anywhere in the first 20,000 characters, once each, with the right offsets', () => {
    const filler = 'Nội dung bình thường về hoạt động của nhà trường trong tuần. ';
    const parts = [filler.repeat(10), 'Tin đồn thứ nhất. ', filler.repeat(25), 'tin don thu hai. ', filler.repeat(300), 'Tin đồn quá xa. '];
    const text = parts.join('');
    const matches = matchStaffRules(compileStaffRules([regex(1, 'tin\\s+đồn'), phrase(2, 'tin đồn')]), text);
    const regexSpans = matches.filter((m) => m.ruleId === 1).map((m) => [m.start, text.slice(m.start, m.end)]);
    expect(regexSpans).toEqual([
      [text.indexOf('Tin đồn thứ'), 'Tin đồn'],
      [text.indexOf('tin don thu'), 'tin don'],
    ]);
    // Phrases are not capped: the tokens cover the whole text.
    expect(matches.filter((m) => m.ruleId === 2).length).toBe(3);
  });

  it('matches case-insensitively also where lowercasing changes the length (İ) and with property escapes', () => {
    expect(spans([regex(1, 'KHẨN')], 'İ khẩn cấp')).toEqual([{ id: 1, text: 'khẩn' }]);
    expect(spans([regex(2, '\\p{Lu}{3,}\\s+cấp')], 'tin KHẨN cấp')).toEqual([{ id: 2, text: 'KHẨN cấp' }]);
  });

  it('reports every rule that matches at the same place', () => {
    expect(spans([regex(1, 'bắt\\s+cóc'), regex(2, 'bắt'), regex(3, 'cóc\\s+trẻ')], 'nghi bắt cóc trẻ em')).toEqual([
      { id: 1, text: 'bắt cóc' },
      { id: 2, text: 'bắt' },
      { id: 3, text: 'cóc trẻ' },
    ]);
  });
});
