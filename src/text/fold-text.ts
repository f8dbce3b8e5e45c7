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

// Per code unit: the one code unit it folds to, NOT_SINGLE when it folds to none or several (a
// combining mark, an invisible character, `ß`), UNKNOWN until first asked. Surrogates fold to
// themselves. Text made only of single-folding code units folds code unit by code unit: the folded
// text is as long as the original and each folded character's origin is its own index.
const UNKNOWN_FOLD = -2;
/** singleFoldOf's answer for a code unit that does not fold to exactly one code unit. */
export const NOT_SINGLE = -1;
const SINGLE_FOLD = new Int32Array(0x10000).fill(UNKNOWN_FOLD);

/** Returns the one code unit `code` folds to, or NOT_SINGLE when it folds to none or several. */
export function singleFoldOf(code: number): number {
  let found = SINGLE_FOLD[code] as number;
  if (found === UNKNOWN_FOLD) {
    const folded = FOLD_BY_CODE[code] ?? foldCodeUnit(code);
    const first = folded.charCodeAt(0);
    const surrogate = code >= 0xd800 && code <= 0xdfff;
    // A BMP character folding into half of a surrogate pair would change how the text pairs up.
    found = folded.length === 1 && (surrogate ? first === code : !(first >= 0xd800 && first <= 0xdfff)) ? first : NOT_SINGLE;
    SINGLE_FOLD[code] = found;
  }
  return found;
}

/** Returns true when the code unit is an invisible format character (zero-width space, joiner, BOM, soft hyphen …). */
export function isFormatCodeUnit(code: number): boolean {
  return code >= 0x80 && !(code >= 0xd800 && code <= 0xdfff) && SINGLE_FORMAT_CHAR.test(String.fromCharCode(code));
}

/**
 * Returns a reader with a scratch array of its own: `read(s)` returns the code units of `s` (valid
 * until the reader's next call), copied in one native call (Buffer#write as UTF-16LE copies them
 * as they are, lone surrogates included). Cheaper than a charCodeAt per character wherever the
 * engine cannot inline charCodeAt (as once String.prototype has been made a dictionary, which
 * subclassing String does).
 */
function codeUnitReader(): (s: string) => Uint16Array {
  let buffer = Buffer.alloc(4096);
  let units = new Uint16Array(buffer.buffer, buffer.byteOffset, buffer.length >> 1);
  // The text last read: reading it again (normalising, then analysing, then matching one text) copies nothing.
  let last: string | null = null;
  return (s) => {
    if (s === last) return units;
    if (s.length * 2 > buffer.length) {
      buffer = Buffer.alloc(s.length * 4);
      units = new Uint16Array(buffer.buffer, buffer.byteOffset, buffer.length >> 1);
    }
    buffer.write(s, 0, 'utf16le');
    last = s;
    return units;
  };
}

/**
 * The reader the text functions share (normalizeText, analyzeText, foldText, the models' symbol
 * scan): the units it returns are valid until its next call, so use them at once, calling nothing
 * that reads text meanwhile, or copy them.
 */
export const readCodeUnits = codeUnitReader();
// The folded units, as UTF-16 code units and (when all are below 256, as folded Vietnamese almost
// always is) as Latin-1 bytes: Buffer#toString makes the string in one native call, several times
// faster than String.fromCharCode.apply over a typed array, and of the same representation (a
// one-byte string when every unit fits a byte, a two-byte one otherwise).
let foldedBuffer = Buffer.alloc(4096);
let foldedUnits = new Uint16Array(foldedBuffer.buffer, foldedBuffer.byteOffset, foldedBuffer.length >> 1);
let foldedBytes = Buffer.alloc(2048);
/** Up to this length a text folding code unit by code unit is folded through the buffers above (which it bounds). */
const ARRAY_FOLD_LIMIT = 8192;

/** Returns the folded text: lowercase, combining marks and invisible format characters removed, `đ`/`Đ` → `d`. */
export function foldText(s: string): string {
  const length = s.length;
  if (length === 0 || length > ARRAY_FOLD_LIMIT) return foldTextByConcatenation(s);
  // Most text folds code unit by code unit: fold the units, then make one string of them.
  const units = readCodeUnits(s);
  if (foldedBytes.length < length) {
    foldedBuffer = Buffer.alloc(length * 4);
    foldedUnits = new Uint16Array(foldedBuffer.buffer, foldedBuffer.byteOffset, foldedBuffer.length >> 1);
    foldedBytes = Buffer.alloc(length * 2);
  }
  let changed = false;
  let wide = false;
  for (let i = 0; i < length; i++) {
    const code = units[i] as number;
    const folded = singleFoldOf(code);
    if (folded === NOT_SINGLE) return foldTextByConcatenation(s);
    if (folded !== code) changed = true;
    if (folded > 0xff) wide = true;
    foldedUnits[i] = folded;
    foldedBytes[i] = folded;
  }
  if (!changed) return s;
  return wide ? foldedBuffer.toString('utf16le', 0, length * 2) : foldedBytes.toString('latin1', 0, length);
}

/** foldText by copying runs that fold to themselves and concatenating the folds of the others (also the reference the array path is checked against). */
export function foldTextByConcatenation(s: string): string {
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
