import { describe, expect, it } from 'vitest';
import { normalizeText, unifyTonePlacement } from '../../../src/text/normalize-text.ts';

describe('normalizeText', () => {
  it('composes NFD input into NFC', () => {
    const nfd = 'Việt Nam, Đường Lê Lợi'.normalize('NFD');
    expect(nfd).not.toBe(nfd.normalize('NFC'));
    expect(normalizeText(nfd)).toBe('Việt Nam, Đường Lê Lợi');
  });

  it('removes zero-width, bidi and control characters and makes CRLF and CR into LF', () => {
    expect(normalizeText('gi\u200Báo\u200D d\u00ADục\u202E\uFEFF\r\nhọc\rsinh\u0007\tA')).toBe('giáo dục\nhọc\nsinh\tA');
  });

  it('composes a letter and its combining mark when a zero-width space sat between them', () => {
    expect(normalizeText('Vie\u200B\u0323\u0302t')).toBe('Việt');
  });

  it.each([
    ['hoà', 'hòa'],
    ['thuý', 'thúy'],
    ['khoẻ', 'khỏe'],
    ['oà khóc', 'òa khóc'],
    ['hoá học', 'hóa học'],
    ['hoả hoạn', 'hỏa hoạn'],
    ['thoả mãn', 'thỏa mãn'],
    ['goá phụ', 'góa phụ'],
    ['loạ', 'lọa'],
    ['xoè', 'xòe'],
    ['Tuỳ', 'Tùy'],
    ['uỷ ban', 'ủy ban'],
    ['luỹ tre', 'lũy tre'],
    ['Thuỵ Điển', 'Thụy Điển'],
    ['nguỵ biện', 'ngụy biện'],
    ['toà án', 'tòa án'],
  ])('moves the tone of %s onto the first vowel', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it('keeps capitalisation when it moves a tone', () => {
    expect(normalizeText('Hoà Bình')).toBe('Hòa Bình');
    expect(normalizeText('HOÀ BÌNH, KHOẺ, THUÝ')).toBe('HÒA BÌNH, KHỎE, THÚY');
    expect(normalizeText('ỦY BAN, UỶ BAN')).toBe('ỦY BAN, ỦY BAN');
  });

  it.each([
    'quý', 'quỳ', 'Quý', 'QUỲNH', 'thuở', 'giữa', 'của', 'mùa', 'người', 'hoàn', 'hoàng', 'huỳnh',
    'khuỷu', 'ngoài', 'xoáy', 'khuya', 'Nguyễn', 'quà', 'quả', 'hòa', 'thúy', 'khỏe', 'Zoé', 'Chloé',
  ])('leaves %s as it is', (word) => {
    expect(normalizeText(word)).toBe(word);
  });

  it('keeps the length when only tones move', () => {
    const text = 'Trường Hoà Bình: thầy Thuý khoẻ, uỷ ban tuỳ ý. Quý phụ huynh của người Việt.';
    expect(normalizeText(text)).toHaveLength(text.length);
  });

  it('moves tones in text that arrives decomposed', () => {
    expect(normalizeText('hoà thuý'.normalize('NFD'))).toBe('hòa thúy');
  });

  it('moves tones next to punctuation and digits', () => {
    expect(normalizeText('"hoà",(thuý)!khoẻ?')).toBe('"hòa",(thúy)!khỏe?');
  });

  it('leaves an already unified text unchanged', () => {
    const text = 'Hòa thúy khỏe của người quý';
    expect(unifyTonePlacement(text)).toBe(text);
    expect(normalizeText(normalizeText('hoà thuý'))).toBe(normalizeText('hoà thuý'));
  });
});
