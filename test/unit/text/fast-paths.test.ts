import { describe, expect, it } from 'vitest';
import { analyzeText, analyzeTextByReference } from '../../../src/text/analyze-text.ts';
import { foldText, foldTextByConcatenation, readCodeUnits } from '../../../src/text/fold-text.ts';
import { normalizeText, unifyTonePlacement } from '../../../src/text/normalize-text.ts';

// Random strings over characters that stress folding and tokenising: NFD marks, invisible
// characters, surrogate pairs and halves, letters whose fold is longer or shorter, digit groups.
const ALPHABET = [
  '1', '2', '0', '.', ',', ' ', 'a', 'B', 'đ', 'Đ', '\u0301', '\u200b', '\u00ad', 'é', 'ẹ', 'İ', 'ß', '😀', '𝟏', '𝐀',
  '\ud835', '\udc00', '-', '\n', '٣', '²', 'Ⅻ', '_', 'ǅ', 'ﬁ', '\ufeff', '\u0323', 'x', 'ko', 'Không', 'hoà', 'Σ', 'K',
];

function randomTexts(count: number, seed: number): string[] {
  let state = seed;
  const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  return Array.from({ length: count }, () => {
    let text = '';
    const length = Math.floor(random() * 14);
    for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
    return text;
  });
}

describe('fast paths give the reference answers', () => {
  const texts = [
    'Thầy dạy không hay, chán lắm!',
    'Phụ huynh chẳng hề đồng ý với khoản thu 1.500.000 đồng 😡😡',
    'Các phhs ko đồng ý'.normalize('NFD'),
    'gi\u200Báo dục\uFEFF',
    ...randomTexts(20_000, 12345),
  ];

  it('analyzeText (scan through the fold table, syllables remembered by their code units)', () => {
    for (const text of [...texts, ...texts.map((t) => t.toUpperCase())]) expect(analyzeText(text)).toEqual(analyzeTextByReference(text));
  });

  it('foldText (folded code unit by code unit through arrays)', () => {
    for (const text of [...texts, ...texts.map((t) => t.normalize('NFD')), 'Ê'.repeat(8193)]) expect(foldText(text)).toBe(foldTextByConcatenation(text));
  });

  it('normalizeText (one scan over a table, short and long texts alike)', () => {
    const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]|[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
    const full = (input: string) => unifyTonePlacement(input.replace(/\r\n?/g, '\n').replace(INVISIBLE, '').normalize('NFC'));
    const long = (from: number) => texts.slice(from, from + 60).join(' ');
    for (const text of [...texts, ...Array.from({ length: 300 }, (_, i) => long(i * 60)), 'Sức khoẻ '.repeat(60), 'Sức khỏe '.repeat(60)]) {
      expect(normalizeText(text)).toBe(full(text));
    }
  });

  it('reads code units as charCodeAt does, lone surrogates included, and again after another text', () => {
    for (const text of ['\ud800x\udc00', '😀 Tiếng Việt', 'a'.repeat(5000), 'Tiếng Việt']) {
      const units = readCodeUnits(text);
      expect(Array.from(units.subarray(0, text.length))).toEqual(Array.from({ length: text.length }, (_, i) => text.charCodeAt(i)));
    }
  });
});
