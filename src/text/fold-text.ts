// The folded form people type when they leave out diacritics: lowercase, no marks, `đ` → `d`.
// Search and rules compare folded text; offsets lead back to the original so that explanations
// can point at what the author actually wrote.

/** A folded text and, for each folded character, the index of the original character it came from. */
export interface FoldedText {
  folded: string;
  /** `offsets[i]` is the index in the original of folded char i; `offsets[folded.length]` is the original length. */
  offsets: number[];
}

const COMBINING_OR_FORMAT = /[\p{M}\p{Cf}]/gu;
const SINGLE_FORMAT_CHAR = /^\p{Cf}$/u;

// One entry per UTF-16 code unit, filled on first use: folding a character costs one array read
// after that, which keeps folding a 2 KB article in the microseconds.
const FOLD_BY_CODE: (string | undefined)[] = new Array<string | undefined>(0x10000);
for (let code = 0; code < 0x80; code++) {
  FOLD_BY_CODE[code] = String.fromCharCode(code).toLowerCase();
}
// `đ` has no decomposition; U+00D0/U+00F0 (Icelandic eth) is often typed for `Đ` on Vietnamese sites.
for (const d of ['đ', 'Đ', 'ð', 'Ð']) FOLD_BY_CODE[d.charCodeAt(0)] = 'd';

function foldCodeUnit(code: number): string {
  const cached = FOLD_BY_CODE[code];
  if (cached !== undefined) return cached;
  let folded: string;
  if (code >= 0xd800 && code <= 0xdfff) {
    folded = String.fromCharCode(code); // half of a surrogate pair (emoji, rare scripts): kept as is
  } else {
    // Lowercase before decomposing: `İ` lowercases to `i` + combining dot, which then drops.
    folded = String.fromCharCode(code).toLowerCase().normalize('NFD').replace(COMBINING_OR_FORMAT, '');
  }
  FOLD_BY_CODE[code] = folded;
  return folded;
}

/** Returns true when the code unit is an invisible format character (zero-width space, joiner, BOM, soft hyphen …). */
export function isFormatCodeUnit(code: number): boolean {
  return code >= 0x80 && !(code >= 0xd800 && code <= 0xdfff) && SINGLE_FORMAT_CHAR.test(String.fromCharCode(code));
}

/** Returns the folded text: lowercase, combining marks and invisible format characters removed, `đ`/`Đ` → `d`. */
export function foldText(s: string): string {
  let out = '';
  let runStart = 0; // start of a run of characters that fold to themselves, copied in one slice
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    const folded = FOLD_BY_CODE[code] ?? foldCodeUnit(code);
    if (folded.length === 1 && folded.charCodeAt(0) === code) continue;
    out += s.slice(runStart, i) + folded;
    runStart = i + 1;
  }
  return runStart === 0 ? s : out + s.slice(runStart);
}

/** Returns the folded text with, for each folded character, its index in `s` (plus a final `s.length`). */
export function foldWithOffsets(s: string): FoldedText {
  const offsets: number[] = [];
  let out = '';
  let runStart = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    const folded = FOLD_BY_CODE[code] ?? foldCodeUnit(code);
    if (folded.length === 1) {
      offsets.push(i);
      if (folded.charCodeAt(0) === code) continue;
    } else {
      for (let k = 0; k < folded.length; k++) offsets.push(i);
    }
    out += s.slice(runStart, i) + folded;
    runStart = i + 1;
  }
  offsets.push(s.length);
  return { folded: runStart === 0 ? s : out + s.slice(runStart), offsets };
}
