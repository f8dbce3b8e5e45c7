import { describe, expect, it } from 'vitest';
import type { RuleCategory } from '../../../src/domain/classification.ts';
import { compileKeywordRules, matchKeywordRules, type KeywordRule } from '../../../src/classifiers/keyword-rules.ts';
import { foldText } from '../../../src/text/fold-text.ts';

const rule = (id: string, phrase: string, category: RuleCategory = 'relevant', weight = 1): KeywordRule => ({ id, category, phrase, weight });
const found = (rules: KeywordRule[], text: string) =>
  matchKeywordRules(compileKeywordRules(rules), text).map((m) => ({ id: m.rule.id, text: text.slice(m.start, m.end) }));

describe('matchKeywordRules', () => {
  it('matches an accented rule in unaccented text', () => {
    expect(found([rule('fee', 'học phí')], 'Phu huynh phan anh hoc phi tang cao')).toEqual([{ id: 'fee', text: 'hoc phi' }]);
  });

  it('matches an unaccented rule in accented text', () => {
    expect(found([rule('fee', 'hoc phi')], 'Học phí tăng cao')).toEqual([{ id: 'fee', text: 'Học phí' }]);
  });

  it('matches whatever the case', () => {
    expect(found([rule('fee', 'Học Phí')], 'HỌC PHÍ, học phí, hỌc PhÍ')).toEqual([
      { id: 'fee', text: 'HỌC PHÍ' },
      { id: 'fee', text: 'học phí' },
      { id: 'fee', text: 'hỌc PhÍ' },
    ]);
  });

  it('matches decomposed text and points into the decomposed original', () => {
    const nfd = 'Trường tiểu học Việt Đức'.normalize('NFD');
    const matches = matchKeywordRules(compileKeywordRules([rule('viet-duc', 'Việt Đức'), rule('primary', 'tiểu học')]), nfd);
    expect(matches.map((m) => nfd.slice(m.start, m.end).normalize('NFC'))).toEqual(['tiểu học', 'Việt Đức']);
    expect(matches[1]!.end).toBe(nfd.length);
  });

  it('matches a rule written with the other tone placement', () => {
    expect(found([rule('peace', 'hoà bình'), rule('name', 'Thúy')], 'Trường Hòa Bình, cô Thuý')).toEqual([
      { id: 'peace', text: 'Hòa Bình' },
      { id: 'name', text: 'Thuý' },
    ]);
  });

  it('matches across zero-width characters hidden inside words', () => {
    expect(found([rule('fee', 'học phí')], 'lạm thu h\u200Bọc p\u200Dhí')).toEqual([{ id: 'fee', text: 'h\u200Bọc p\u200Dhí' }]);
  });

  it('matches whole syllables only', () => {
    expect(found([rule('soc', 'sốc'), rule('hs', 'học sinh')], 'Xốc lại, sốcola, học sinhh, họcsinh')).toEqual([]);
  });

  it('matches across punctuation, line breaks and several spaces between syllables', () => {
    expect(found([rule('fee', 'học phí')], 'học,\n  phí')).toEqual([{ id: 'fee', text: 'học,\n  phí' }]);
  });

  it('matches next to emoji and quotes', () => {
    expect(found([rule('rumour', 'tin đồn')], '😱“Tin đồn”😱')).toEqual([{ id: 'rumour', text: 'Tin đồn' }]);
  });

  it('does not match a differently accented word when the text has diacritics', () => {
    expect(found([rule('shock', 'sốc', 'misinformation')], 'Con sóc, áo sọc, SỐC, soc')).toEqual([
      { id: 'shock', text: 'SỐC' },
      { id: 'shock', text: 'soc' },
    ]);
  });

  it('matches a differently accented word when asked to ignore diacritics', () => {
    const matches = matchKeywordRules(compileKeywordRules([rule('shock', 'sốc')], { ignoreDiacritics: true }), 'Con sóc');
    expect(matches).toHaveLength(1);
  });

  it('reads the Icelandic eth as Đ', () => {
    expect(found([rule('rumour', 'tin đồn')], 'TIN ÐỒN')).toEqual([{ id: 'rumour', text: 'TIN ÐỒN' }]);
  });

  it('reports nested and overlapping rules, longest first at each start', () => {
    const rules = [rule('hs', 'học sinh'), rule('hit', 'đánh học sinh', 'negative'), rule('hs-gioi', 'sinh giỏi')];
    expect(found(rules, 'Thầy đánh học sinh giỏi')).toEqual([
      { id: 'hit', text: 'đánh học sinh' },
      { id: 'hs', text: 'học sinh' },
      { id: 'hs-gioi', text: 'sinh giỏi' },
    ]);
  });

  it('reports every rule that shares a phrase', () => {
    const rules = [rule('a', 'bạo lực học đường', 'relevant'), rule('b', 'bạo lực học đường', 'negative')];
    expect(found(rules, 'Bạo lực học đường').map((m) => m.id)).toEqual(['a', 'b']);
  });

  it('matches numbers, abbreviations and acronyms as syllables', () => {
    const rules = [rule('exam', 'thi vào lớp 10'), rule('dept', 'GD&ĐT'), rule('covid', 'covid 19')];
    expect(found(rules, 'Sở GD-ĐT: lịch thi vào lớp 10 sau COVID-19')).toEqual([
      { id: 'dept', text: 'GD-ĐT' },
      { id: 'exam', text: 'thi vào lớp 10' },
      { id: 'covid', text: 'COVID-19' },
    ]);
  });

  it('ignores rules whose phrase has no letter or digit', () => {
    const matcher = compileKeywordRules([rule('empty', ''), rule('blank', '  \n'), rule('dots', '…!?'), rule('ok', 'học phí')]);
    expect(matcher.ruleCount).toBe(1);
    expect(matchKeywordRules(matcher, '… học phí !?').map((m) => m.rule.id)).toEqual(['ok']);
  });

  it('returns nothing for empty text or an empty rule list', () => {
    expect(matchKeywordRules(compileKeywordRules([rule('fee', 'học phí')]), '')).toEqual([]);
    expect(matchKeywordRules(compileKeywordRules([]), 'học phí')).toEqual([]);
  });

  it('compiles 5,000 generated rules and finds exactly the ones present', () => {
    const syllables = ['học', 'phí', 'trường', 'lớp', 'thầy', 'cô', 'điểm', 'thi', 'sách', 'bàn', 'ghế', 'sân', 'đường', 'nhà', 'xe', 'mưa'];
    const rules: KeywordRule[] = [];
    for (let i = 0; rules.length < 5000; i++) {
      const length = 1 + (i % 4);
      const words: string[] = [];
      let n = i;
      for (let k = 0; k < length; k++) {
        words.push(syllables[n % syllables.length]!);
        n = Math.floor(n / syllables.length) + k + 1;
      }
      rules.push(rule(`g${i}`, `${words.join(' ')} ${i}`, (['relevant', 'negative', 'misinformation'] as const)[i % 3]));
    }
    const matcher = compileKeywordRules(rules);
    expect(matcher.ruleCount).toBe(5000);

    const picked = [7, 1234, 2500, 4999];
    const text = picked.map((i) => `Mở đầu… ${foldText(rules[i]!.phrase).toUpperCase()}, rồi`).join('\n');
    const matches = matchKeywordRules(matcher, text);
    expect(matches.map((m) => m.rule.id)).toEqual(picked.map((i) => `g${i}`));
    for (const m of matches) expect(foldText(text.slice(m.start, m.end))).toBe(foldText(m.rule.phrase));
  });

  it('gives offsets whose original slice folds to the phrase, for every match in a messy text', () => {
    const rules = ['học phí', 'phụ huynh', 'tin đồn', 'Đống Đa', 'hòa bình', 'thi tốt nghiệp'].map((p, i) => rule(`r${i}`, p));
    const text = ('PHỤ\u200B HUYNH “bức xúc” vì Học-Phí 😡; tin\u00A0đồn: Trường Hoà Bình (Đống Đa) — thi tốt nghiệp!').normalize('NFD');
    const matches = matchKeywordRules(compileKeywordRules(rules), text);
    expect(matches.map((m) => m.rule.id).sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    const syllableKey = (s: string) => foldText(s).split(/[^\p{L}\p{N}]+/u).filter(Boolean).join(' ');
    for (const m of matches) expect(syllableKey(text.slice(m.start, m.end))).toBe(syllableKey(m.rule.phrase));
  });
});
