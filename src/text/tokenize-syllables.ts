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

/** Returns the syllables of `s` in order, with offsets into `s` and folded forms. */
export function tokenizeSyllables(s: string): Syllable[] {
  const { folded, offsets } = foldWithOffsets(s);
  const syllables: Syllable[] = [];
  for (const match of folded.matchAll(SYLLABLE)) {
    const foldedStart = match.index;
    const foldedEnd = foldedStart + match[0].length;
    const start = offsets[foldedStart] ?? s.length;
    // The next folded character's origin; trailing combining marks belong to the syllable,
    // trailing zero-width characters do not.
    let end = offsets[foldedEnd] ?? s.length;
    while (end > start + 1 && isFormatCodeUnit(s.charCodeAt(end - 1))) end--;
    syllables.push({ text: s.slice(start, end), folded: match[0], start, end });
  }
  return syllables;
}
