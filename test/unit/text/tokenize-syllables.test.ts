import { describe, expect, it } from 'vitest';
import { tokenizeSyllables } from '../../../src/text/tokenize-syllables.ts';

const texts = (s: string) => tokenizeSyllables(s).map((t) => t.text);
const foldeds = (s: string) => tokenizeSyllables(s).map((t) => t.folded);

describe('tokenizeSyllables', () => {
  it('splits Vietnamese text into syllables with offsets into the original', () => {
    const s = 'Giáo viên, học phí!';
    const tokens = tokenizeSyllables(s);
    expect(tokens).toEqual([
      { text: 'Giáo', folded: 'giao', start: 0, end: 4 },
      { text: 'viên', folded: 'vien', start: 5, end: 9 },
      { text: 'học', folded: 'hoc', start: 11, end: 14 },
      { text: 'phí', folded: 'phi', start: 15, end: 18 },
    ]);
    for (const t of tokens) expect(s.slice(t.start, t.end)).toBe(t.text);
  });

  it('keeps combining marks inside the syllable in decomposed text', () => {
    const nfd = 'Người Việt'.normalize('NFD');
    const tokens = tokenizeSyllables(nfd);
    expect(tokens.map((t) => t.folded)).toEqual(['nguoi', 'viet']);
    expect(tokens.map((t) => t.text.normalize('NFC'))).toEqual(['Người', 'Việt']);
    expect(tokens[1]!.end).toBe(nfd.length);
  });

  it('treats a zero-width character inside a word as part of the word, but not at its edge', () => {
    const s = 'gi\u200Báo\u200B dục\uFEFF';
    const tokens = tokenizeSyllables(s);
    expect(tokens.map((t) => t.folded)).toEqual(['giao', 'duc']);
    expect(tokens[0]).toMatchObject({ start: 0, end: 5, text: 'gi\u200Báo' });
    expect(tokens[1]).toMatchObject({ start: 7, end: 10, text: 'dục' });
  });

  it('separates syllables at punctuation, quotes, dashes, slashes and emoji', () => {
    expect(texts('“Học phí”–(tăng)/giảm…😡😡Phụ huynh!!!')).toEqual(['Học', 'phí', 'tăng', 'giảm', 'Phụ', 'huynh']);
  });

  it('splits COVID-19 at the hyphen and keeps 10.000 and 1,5 whole', () => {
    expect(foldeds('COVID-19: thu 10.000 đồng, tăng 1,5 lần.')).toEqual(['covid', '19', 'thu', '10.000', 'dong', 'tang', '1,5', 'lan']);
  });

  it('splits e-mail addresses and links into their parts', () => {
    expect(foldeds('Gửi về phuong.ht@hanoi.gov.vn')).toEqual(['gui', 've', 'phuong', 'ht', 'hanoi', 'gov', 'vn']);
  });

  it('keeps letters and digits of other scripts', () => {
    expect(foldeds('Ελλάδα ١٢٣ 日本語')).toEqual(['ελλαδα', '١٢٣', '日本語']);
  });

  it('returns no syllables for whitespace, punctuation or emoji only', () => {
    expect(tokenizeSyllables('')).toEqual([]);
    expect(tokenizeSyllables(' \n\t…!?👍🏽\u200B')).toEqual([]);
  });

  it('folds uppercase and Đ', () => {
    expect(foldeds('ĐỀ THI THPT Đà Nẵng')).toEqual(['de', 'thi', 'thpt', 'da', 'nang']);
  });
});
