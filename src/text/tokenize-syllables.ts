// Vietnamese writes words as space-separated syllables (`giáo viên`), so the syllable is the unit
// phrases are matched on. A syllable is a maximal run of letters, digits and combining marks.

import { foldWithOffsets, isFormatCodeUnit } from './fold-text.ts';

/** One syllable: its original characters at [start, end) and their folded form. */
export interface Syllable {
  text: string;
  folded: string;
  start: number;
  end: number;
}

// Runs are found in the folded text, where combining marks and zero-width characters are already
// gone: `gi\u200Báo` (a zero-width space hidden inside a word) stays one syllable, and NFD text
// needs no special case. Digit groups such as `10.000` or `1,5` stay one token; everything else
// that is not a letter or digit (hyphens in `COVID-19`, `@` and `.` in e-mail addresses, emoji)
// separates syllables. Never `\w`: without Unicode classes it knows only ASCII.
const SYLLABLE = /\p{N}+(?:[.,]\p{N}+)+|[\p{L}\p{N}]+/gu;

// The same pattern as a scan over character classes (0 other, 1 letter, 2 digit), which finds the
// same matches without a regular expression: BMP classes in a table filled on first use, code
// points beyond it (surrogate pairs) remembered in a Map.
export const OTHER = 0;
const LETTER = 1;
export const NUMBER = 2;
const LETTER_CLASS = /^\p{L}$/u;
const NUMBER_CLASS = /^\p{N}$/u;
const UNKNOWN = 255;
const CLASS_BY_CODE = new Uint8Array(0x10000).fill(UNKNOWN);
const CLASS_BY_CODE_POINT = new Map<number, number>();

function classify(character: string): number {
  return NUMBER_CLASS.test(character) ? NUMBER : LETTER_CLASS.test(character) ? LETTER : OTHER;
}

/** Returns the class (OTHER, LETTER, NUMBER) of the code point at `i` of `s` (a lone surrogate is OTHER). */
export function classAt(s: string, i: number): number {
  const code = s.charCodeAt(i);
  if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length) {
    const low = s.charCodeAt(i + 1);
    if (low >= 0xdc00 && low <= 0xdfff) {
      const point = (code - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
      let found = CLASS_BY_CODE_POINT.get(point);
      if (found === undefined) CLASS_BY_CODE_POINT.set(point, (found = classify(String.fromCodePoint(point))));
      return found;
    }
  }
  let found = CLASS_BY_CODE[code] as number;
  if (found === UNKNOWN) {
    found = code >= 0xd800 && code <= 0xdfff ? OTHER : classify(String.fromCharCode(code));
    CLASS_BY_CODE[code] = found;
  }
  return found;
}

/** Returns the class of a single code unit (a surrogate, paired or not, is OTHER here: see classAt). */
export function classOfCodeUnit(code: number): number {
  let found = CLASS_BY_CODE[code] as number;
  if (found === UNKNOWN) {
    found = code >= 0xd800 && code <= 0xdfff ? OTHER : classify(String.fromCharCode(code));
    CLASS_BY_CODE[code] = found;
  }
  return found;
}

/** Returns how many code units the code point at `i` of `s` takes (2 for a surrogate pair). */
function widthAt(s: string, i: number): number {
  const code = s.charCodeAt(i);
  if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length) {
    const low = s.charCodeAt(i + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return 2;
  }
  return 1;
}

/** Returns the end of the run of code points of class `wanted` (or, with LETTER, letters and digits) from `i`. */
function runEnd(s: string, i: number, wanted: number): number {
  while (i < s.length) {
    const found = classAt(s, i);
    if (found === OTHER || (wanted === NUMBER && found !== NUMBER)) break;
    i += widthAt(s, i);
  }
  return i;
}

/** Calls `visit(start, end)` for each match of SYLLABLE in `folded`, in order. */
function scanSyllables(folded: string, visit: (start: number, end: number) => void): void {
  let i = 0;
  while (i < folded.length) {
    const found = classAt(folded, i);
    if (found === OTHER) {
      i += widthAt(folded, i);
      continue;
    }
    let end = -1;
    if (found === NUMBER) {
      // \p{N}+(?:[.,]\p{N}+)+ : digits, then as many separator-and-digits groups as follow (at least one).
      let k = runEnd(folded, i, NUMBER);
      for (;;) {
        const separator = folded.charCodeAt(k);
        if ((separator !== 46 && separator !== 44) || k + 1 >= folded.length || classAt(folded, k + 1) !== NUMBER) break;
        k = runEnd(folded, k + 1, NUMBER);
        end = k;
      }
    }
    if (end < 0) end = runEnd(folded, i, LETTER);
    visit(i, end);
    i = end;
  }
}

/** Returns the syllables of `s` in order, with offsets into `s` and folded forms. */
export function tokenizeSyllables(s: string): Syllable[] {
  const { folded, offsets } = foldWithOffsets(s);
  const syllables: Syllable[] = [];
  scanSyllables(folded, (foldedStart, foldedEnd) => {
    const start = offsets[foldedStart] ?? s.length;
    // The next folded character's origin; trailing combining marks belong to the syllable,
    // trailing zero-width characters do not.
    let end = offsets[foldedEnd] ?? s.length;
    while (end > start + 1 && isFormatCodeUnit(s.charCodeAt(end - 1))) end--;
    syllables.push({ text: s.slice(start, end), folded: folded.slice(foldedStart, foldedEnd), start, end });
  });
  return syllables;
}

/** Returns the syllables as the regular expression finds them (the reference the scan is checked against). */
export function tokenizeSyllablesByPattern(s: string): Syllable[] {
  const { folded, offsets } = foldWithOffsets(s);
  const syllables: Syllable[] = [];
  for (const match of folded.matchAll(SYLLABLE)) {
    const foldedStart = match.index;
    const foldedEnd = foldedStart + match[0].length;
    const start = offsets[foldedStart] ?? s.length;
    let end = offsets[foldedEnd] ?? s.length;
    while (end > start + 1 && isFormatCodeUnit(s.charCodeAt(end - 1))) end--;
    syllables.push({ text: s.slice(start, end), folded: match[0], start, end });
  }
  return syllables;
}
