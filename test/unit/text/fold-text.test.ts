import { describe, expect, it } from 'vitest';
import { foldText, foldWithOffsets } from '../../../src/text/fold-text.ts';

describe('foldText', () => {
  it('lowercases and removes every Vietnamese diacritic', () => {
    expect(foldText('Giáo dục Mầm non: Học phí, SÁCH GIÁO KHOA, người, ưu tiên, ăn, ấm, ổ, ơn'))
      .toBe('giao duc mam non: hoc phi, sach giao khoa, nguoi, uu tien, an, am, o, on');
  });

  it('folds đ and Đ to d, and the eth often typed for Đ too', () => {
    expect(foldText('Đường đi ĐÀ NẴNG Ðồng')).toBe('duong di da nang dong');
  });

  it('folds decomposed text exactly as composed text', () => {
    const text = 'Việt Nam – Trường Tiểu học Đống Đa, Quận Đống Đa';
    expect(foldText(text.normalize('NFD'))).toBe(foldText(text));
  });

  it('drops zero-width characters inside words', () => {
    expect(foldText('gi\u200Báo d\u200Dục')).toBe('giao duc');
  });

  it('keeps emoji, punctuation and other scripts', () => {
    expect(foldText('Học 👍🏽 phí! 100% – Ελλάδα 日本')).toBe('hoc 👍🏽 phi! 100% – ελλαδα 日本');
  });

  it('returns ASCII lowercase text unchanged', () => {
    expect(foldText('hoc phi 2024')).toBe('hoc phi 2024');
  });
});

describe('foldWithOffsets', () => {
  it('points each folded character at its original character in composed text', () => {
    const { folded, offsets } = foldWithOffsets('Học phí');
    expect(folded).toBe('hoc phi');
    expect(offsets).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('points past combining marks in decomposed text', () => {
    const nfd = 'Việt'.normalize('NFD'); // V i e ̣ ̂ t
    const { folded, offsets } = foldWithOffsets(nfd);
    expect(folded).toBe('viet');
    expect(offsets).toEqual([0, 1, 2, 5, nfd.length]);
    expect(nfd.slice(offsets[3], offsets[4])).toBe('t');
  });

  it('ends with the original length', () => {
    for (const s of ['', 'a', 'Đ', '\u200B', 'e\u0301', '👍']) {
      const { folded, offsets } = foldWithOffsets(s);
      expect(offsets).toHaveLength(folded.length + 1);
      expect(offsets[folded.length]).toBe(s.length);
    }
  });

  it('round-trips: every folded character folds back from its original slice', () => {
    const original = 'Trường\u200B THCS Đ\u0300ống Đa 👍 — Hoà'.normalize('NFD') + ' Học phí 10.000đ';
    const { folded, offsets } = foldWithOffsets(original);
    expect(folded).toBe(foldText(original));
    for (let i = 0; i < folded.length; i++) {
      const start = offsets[i]!;
      let end = offsets[i + 1]!;
      if (end === start) end = start + 1; // several folded chars from one original char
      expect(foldText(original.slice(start, end))).toContain(folded[i]);
    }
    const offsetsAreNonDecreasing = offsets.every((o, i) => i === 0 || o >= offsets[i - 1]!);
    expect(offsetsAreNonDecreasing).toBe(true);
  });
});
