import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../src/text/analyze-text.ts';
import { collapseElongation, expandAbbreviation } from '../../../src/text/expand-abbreviations.ts';
import { foldText } from '../../../src/text/fold-text.ts';

const norms = (s: string) => analyzeText(s).map((t) => t.norm);
/** norm, with `!` for negated and `+` for intensified tokens */
const marked = (s: string) => analyzeText(s).map((t) => (t.negated ? '!' : '') + t.norm + (t.intensified ? '+' : ''));

describe('analyzeText', () => {
  it('expands teencode and abbreviations into the folded words they stand for', () => {
    expect(norms('ko dc')).toEqual(['khong', 'duoc']);
    expect(norms('k thik gv')).toEqual(['khong', 'thich', 'giao', 'vien']);
    expect(norms('hok bt j')).toEqual(['khong', 'biet', 'gi']);
    expect(norms('đc vs mik r')).toEqual(['duoc', 'voi', 'minh', 'roi']);
    expect(norms('hs hỏi ntn')).toEqual(['hoc', 'sinh', 'hoi', 'nhu', 'the', 'nao']);
    expect(norms('trc ns')).toEqual(['truoc', 'noi']);
  });

  it('gives every syllable of an expansion the span of the abbreviation', () => {
    const text = 'Các phhs ko đồng ý';
    const tokens = analyzeText(text);
    expect(tokens.slice(1, 5).map((t) => t.norm)).toEqual(['phu', 'huynh', 'hoc', 'sinh']);
    for (const t of tokens.slice(1, 5)) expect(text.slice(t.start, t.end)).toBe('phhs');
    expect(text.slice(tokens[5]!.start, tokens[5]!.end)).toBe('ko');
  });

  it('collapses elongated letters but keeps the doubled vowels Vietnamese writes', () => {
    expect(norms('quaaaa đẹppp hayyy')).toEqual(['qua', 'dep', 'hay']);
    expect(norms('hữu cứu rượu xoong')).toEqual(['huu', 'cuu', 'ruou', 'xoong']);
    expect(collapseElongation('100')).toBe('100');
    expect(expandAbbreviation('kkk')).toEqual(['k']); // laughter, not không
    expect(expandAbbreviation('koooo')).toEqual(['khong']);
  });

  it('marks up to three tokens after a negation, stopping at punctuation', () => {
    expect(marked('thầy dạy không hay, chán lắm')).toEqual(['thay', 'day', 'khong', '!hay', 'chan+', 'lam']);
    expect(marked('chưa có tài liệu học tập')).toEqual(['chua', '!co', '!tai', '!lieu', 'hoc', 'tap']);
    expect(marked('không hề dễ hiểu')).toEqual(['khong', 'he', '!de', '!hieu']);
    expect(marked('đâu có hay')).toEqual(['dau', 'co', '!hay']);
    expect(marked('chẳng hay nhưng vui')).toEqual(['chang', '!hay', 'nhung', 'vui']);
    expect(marked('ko thik gv này')).toEqual(['khong', '!thich', '!giao', '!vien', 'nay']);
  });

  it('does not read the noun cha (father) as the negation chả', () => {
    expect(marked('cha mẹ học sinh')).toEqual(['cha', 'me', 'hoc', 'sinh']);
    expect(marked('chả hiểu gì')).toEqual(['cha', '!hieu', '!gi']);
  });

  it('marks the words intensifiers strengthen', () => {
    expect(marked('giảng viên dạy rất hay')).toEqual(['giang', 'vien', 'day', 'rat', 'hay+']);
    expect(marked('hay quá!')).toEqual(['hay+', 'qua']);
    expect(marked('cực kỳ tận tâm')).toEqual(['cuc', 'ky', 'tan+', 'tam']);
    expect(marked('vô cùng nhiệt tình')).toEqual(['vo', 'cung', 'nhiet+', 'tinh']);
  });

  it('gives accented, unaccented and NFD input the same norm, negation and intensifier marks', () => {
    const sentences = [
      'Thầy dạy không hay, chán lắm!',
      'Phụ huynh chẳng hề đồng ý với khoản thu này.',
      'Cô giáo rất tận tâm nhưng chưa đúng giờ',
      'Đâu có được như vậy, quá tệ',
      'Hoà nhã, khoẻ mạnh, thuý',
    ];
    for (const s of sentences) {
      const reference = marked(s);
      expect(marked(s.normalize('NFD'))).toEqual(reference);
      expect(marked(foldText(s))).toEqual(reference);
      expect(marked(s.toUpperCase())).toEqual(reference);
    }
  });

  it('keeps spans on the original characters of NFD text and an NFC lowercase form', () => {
    const text = 'Thầy dạy KHÔNG hay'.normalize('NFD');
    const tokens = analyzeText(text);
    expect(tokens.map((t) => text.slice(t.start, t.end).normalize('NFC'))).toEqual(['Thầy', 'dạy', 'KHÔNG', 'hay']);
    expect(tokens.map((t) => t.lower)).toEqual(['thầy', 'dạy', 'không', 'hay']);
  });

  it('gives every syllable process-wide ids: one per norm and one per lowercase form, whatever the spelling or context', () => {
    const a = analyzeText('Cô giáo không đến, hs chờ');
    const b = analyzeText('hôm nay KHÔNG có học sinh');
    const c = analyzeText('ko'.normalize('NFD'));
    const byNorm = new Map<string, number>();
    const byLower = new Map<string, number>();
    for (const token of [...a, ...b, ...c, ...analyzeText('CÔ GIÁO'.normalize('NFD'))]) {
      expect(token.normId).toBeGreaterThan(0);
      expect(token.lowerId).toBeGreaterThan(0);
      expect(byNorm.get(token.norm) ?? token.normId).toBe(token.normId);
      expect(byLower.get(token.lower) ?? token.lowerId).toBe(token.lowerId);
      byNorm.set(token.norm, token.normId);
      byLower.set(token.lower, token.lowerId);
    }
    // Distinct strings, distinct ids: `hs` expands to two syllables.
    expect(new Set(byNorm.values()).size).toBe(byNorm.size);
    expect(a.slice(-3).map((t) => t.norm)).toEqual(['hoc', 'sinh', 'cho']);
    expect(a[a.length - 3]!.lowerId).toBe(a[a.length - 2]!.lowerId); // both come from the written `hs`
  });
});
