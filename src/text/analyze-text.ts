// One pass over a text that every classifier shares: syllables with offsets, normalised forms,
// and negation/intensifier marks. Tokenising once keeps whole classification fast.
import { expandWithIds, syllableId, type Expansion } from './expand-abbreviations.ts';
import { foldText, NOT_SINGLE, readCodeUnits, singleFoldOf } from './fold-text.ts';
import { markNegation } from './mark-negation.ts';
import { normalizeText, unifyTonePlacement } from './normalize-text.ts';
import { classAt, classOfCodeUnit, NUMBER, OTHER, tokenizeSyllables } from './tokenize-syllables.ts';

/** One token of analysed text. Expansions of one abbreviation share the original span. */
export interface Token {
  /** Offsets of the original characters [start, end) in the analysed text. */
  start: number;
  end: number;
  /** The folded syllable as written (lowercase, no diacritics). */
  folded: string;
  /** The folded syllable after abbreviation/teencode expansion (`ko` → `khong`) and elongation collapse (`quaaa` → `qua`). */
  norm: string;
  /** The process-wide id of `norm` (syllableId in expand-abbreviations), 0 when it has none: lets consumers index arrays instead of looking strings up. */
  normId: number;
  /** The syllable as written, lowercased, with its diacritics, in NFC with the project's tone placement (for accent-aware comparisons). */
  lower: string;
  /** The process-wide id of `lower` (0 when it has none). */
  lowerId: number;
  /** Inside the scope of a negation (`không`, `chưa`, `chẳng`, `không hề`, `đâu có` …). */
  negated: boolean;
  /** Preceded or followed by an intensifier (`rất`, `quá`, `lắm`, `cực kỳ` …). */
  intensified: boolean;
}

// Combining marks (NFD input) and invisible characters inside a syllable need the full normaliser;
// NFC syllables only need the tone placement unified.
const NEEDS_NORMALIZING = /[\u0300-\u036f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

const MAX_REMEMBERED = 100_000;

// Per code unit: 1 when it is its own lowercase and needs no normalising, 0 when not, 2 unknown yet.
const LOWER_STABLE = new Uint8Array(0x10000).fill(2);

/** Returns true when every code unit of the text is its own lowercase and none needs normalising. */
function isLowerStable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let stable = LOWER_STABLE[code] as number;
    if (stable === 2) {
      const character = String.fromCharCode(code);
      stable = code >= 0xd800 && code <= 0xdfff ? 0 : character.toLowerCase() === character && !NEEDS_NORMALIZING.test(character) ? 1 : 0;
      LOWER_STABLE[code] = stable;
    }
    if (stable === 0) return false;
  }
  return true;
}

/** What analysis makes of one written syllable that is not plain lowercase ASCII. */
interface Written {
  expansion: Expansion;
  lower: string;
  lowerId: number;
}
// Per written syllable (bounded): its expansion, lowercase form and id, in one Map lookup instead
// of two regular expressions for every accented syllable.
const WRITTEN = new Map<string, Written>();

/** Returns what analysis makes of the written syllable `text` whose fold is `folded`. */
function writtenFormOf(text: string, folded: string): Written {
  if (text === folded) {
    // Plain lowercase ASCII syllables (most unaccented text) are their own lowercase form.
    const expansion = expandWithIds(folded);
    return { expansion, lower: folded, lowerId: expansion.foldedId };
  }
  // The folded form is a function of the written one, so the answer can be remembered by it.
  return writtenOf(text, folded);
}

function writtenOf(text: string, folded: string): Written {
  let found = WRITTEN.get(text);
  if (found === undefined) {
    const lower = lowerOf(text);
    found = { expansion: expandWithIds(folded), lower, lowerId: syllableId(lower) };
    if (WRITTEN.size >= MAX_REMEMBERED) WRITTEN.clear();
    WRITTEN.set(text, found);
  }
  return found;
}

function lowerOf(text: string): string {
  // Lowercase NFC syllables (most accented text) only need the tone placement unified.
  if (isLowerStable(text)) return unifyTonePlacement(text);
  const lowercase = text.toLowerCase();
  return NEEDS_NORMALIZING.test(lowercase) ? normalizeText(lowercase) : unifyTonePlacement(lowercase);
}

/** Returns the tokens of the text, in order, abbreviations expanded and negation/intensifier scopes marked. */
export function analyzeText(text: string): Token[] {
  return markNegation(syllableTokensOf(text) ?? syllableTokensByReference(text), text);
}

/** Returns analyzeText's answer the way it was first computed (the reference the fast path is checked against). */
export function analyzeTextByReference(text: string): Token[] {
  return markNegation(syllableTokensByReference(text), text);
}

/** The tokens of the text before negation marks, through tokenizeSyllables and the per-syllable caches. */
function syllableTokensByReference(text: string): Token[] {
  const tokens: Token[] = [];
  for (const syllable of tokenizeSyllables(text)) {
    const { expansion, lower, lowerId } = writtenFormOf(syllable.text, syllable.folded);
    pushTokens(tokens, syllable.start, syllable.end, syllable.folded, expansion.norms, expansion.ids, lower, lowerId);
  }
  return tokens;
}

function pushTokens(
  tokens: Token[],
  start: number,
  end: number,
  folded: string,
  norms: readonly string[],
  ids: readonly number[],
  lower: string,
  lowerId: number,
): void {
  for (let k = 0; k < norms.length; k++) {
    tokens.push({ start, end, folded, norm: norms[k] as string, normId: ids[k] as number, lower, lowerId, negated: false, intensified: false });
  }
}

// ----- The fast path -----
// Most text folds code unit by code unit (every character folds to exactly one: NFC letters, ASCII,
// punctuation, emoji), so the folded text has the original's offsets and need not be built: the
// syllables are found by scanning the original through the fold table, and each syllable's answer
// is found by its code units in a table of its own, without slicing the text into strings.

/** What analysis makes of one written syllable. */
interface Remembered {
  hash: number;
  text: string;
  /** text.length, kept in the entry so that a probe need not read the string (another cache miss). */
  length: number;
  /** Where the text's code units start in writtenCodes. */
  at: number;
  folded: string;
  norms: readonly string[];
  ids: readonly number[];
  /** The first expanded syllable and its id, and whether it is the only one (as for most syllables). */
  single: boolean;
  norm: string;
  normId: number;
  lower: string;
  lowerId: number;
}
// Open addressing, at most half full: the table starts small and doubles as syllables are seen (a
// small table stays in the processor's caches), up to MAX_SLOTS, where it is emptied when full.
const MIN_SLOTS = 1 << 12;
const MAX_SLOTS = 1 << 16;
let remembered: (Remembered | null)[] = new Array<Remembered | null>(MIN_SLOTS).fill(null);
let rememberedMask = MIN_SLOTS - 1;
let rememberedCount = 0;
// The remembered syllables' written code units, one after another (at most MAX_WRITTEN).
const MAX_WRITTEN = 1 << 22;
let writtenCodes = new Uint16Array(1 << 15);
let writtenLength = 0;

/** Puts an entry in the first free slot from its hash's. */
function place(entry: Remembered): void {
  let slot = entry.hash & rememberedMask;
  while (remembered[slot] !== null) slot = (slot + 1) & rememberedMask;
  remembered[slot] = entry;
}

/** Returns the answer for the written syllable text[start, end) with hash `hash`, computing it once. */
function rememberedAt(text: string, start: number, end: number, hash: number): Remembered {
  const length = end - start;
  let slot = hash & rememberedMask;
  for (;;) {
    const entry = remembered[slot] as Remembered | null;
    if (entry === null) break;
    if (entry.hash === hash && entry.length === length) {
      // The written code units are compared in the arena, with the text's in `codes`.
      const at = entry.at;
      let k = 0;
      while (k < length && writtenCodes[at + k] === codes[start + k]) k++;
      if (k === length) return entry;
    }
    slot = (slot + 1) & rememberedMask;
  }
  const written = text.slice(start, end);
  // Folding code unit by code unit, the syllable's own fold is the folded text's slice.
  const folded = foldText(written);
  const { expansion, lower, lowerId } = writtenFormOf(written, folded);
  const entry: Remembered = { hash, text: written, length, at: 0, folded, norms: expansion.norms, ids: expansion.ids, single: false, norm: '', normId: 0, lower, lowerId };
  entry.single = entry.norms.length === 1;
  entry.norm = entry.norms[0] ?? '';
  entry.normId = entry.ids[0] ?? 0;
  if (writtenLength + length > MAX_WRITTEN) {
    // Bounded: a stream of long unseen "syllables" (digit runs, links) empties the table.
    remembered.fill(null);
    rememberedCount = 0;
    writtenLength = 0;
  }
  if ((rememberedCount + 1) * 2 > remembered.length) {
    const old = remembered;
    const size = old.length < MAX_SLOTS ? old.length * 2 : old.length;
    remembered = new Array<Remembered | null>(size).fill(null);
    rememberedMask = size - 1;
    if (size > old.length) {
      for (const kept of old) if (kept !== null) place(kept);
    } else {
      rememberedCount = 0;
      writtenLength = 0;
    }
  }
  if (writtenLength + length > writtenCodes.length) {
    const grown = new Uint16Array(Math.max(writtenCodes.length * 2, writtenLength + length));
    grown.set(writtenCodes.subarray(0, writtenLength));
    writtenCodes = grown;
  }
  entry.at = writtenLength;
  for (let k = 0; k < length; k++) writtenCodes[writtenLength + k] = codes[start + k] as number;
  writtenLength += length;
  place(entry);
  rememberedCount++;
  return entry;
}

// The code units of the text being analysed, read once in one native copy (a charCodeAt per
// character is the costliest step of a scan where the engine cannot inline it, as when
// String.prototype is in dictionary mode).
let codes = new Uint16Array(1024);

// Per code unit, in one table filled on first use: the class (OTHER, LETTER, NUMBER) of the one
// code unit it folds to, FOLDS_OTHERWISE when it folds to none or several, HIGH_SURROGATE for the
// first half of a pair (classified with the second), UNKNOWN_CLASS until asked.
const FOLDS_OTHERWISE = 3;
const HIGH_SURROGATE = 4;
const UNKNOWN_CLASS = 255;
const FOLDED_CLASS = new Uint8Array(0x10000).fill(UNKNOWN_CLASS);

function foldedClassOf(code: number): number {
  let found = FOLDED_CLASS[code] as number;
  if (found === UNKNOWN_CLASS) {
    const folded = singleFoldOf(code);
    // Surrogates fold to themselves; a lone low one is OTHER.
    found = folded === NOT_SINGLE ? FOLDS_OTHERWISE : code >= 0xd800 && code <= 0xdbff ? HIGH_SURROGATE : classOfCodeUnit(folded);
    FOLDED_CLASS[code] = found;
  }
  return found;
}

/** Returns the class of the folded text's code point at `i` (the text folds code unit by code unit; `codes` holds it). */
function foldedClassAt(text: string, i: number): number {
  const found = foldedClassOf(codes[i] as number);
  // A pair is classified as the code point it makes (a lone high surrogate is OTHER).
  return found === HIGH_SURROGATE ? classAt(text, i) : found;
}

/** Returns how many code units the code point at `i` of `codes` (`length` long) takes (2 for a surrogate pair). */
function widthAt(length: number, i: number): number {
  const code = codes[i] as number;
  if (code >= 0xd800 && code <= 0xdbff && i + 1 < length) {
    const low = codes[i + 1] as number;
    if (low >= 0xdc00 && low <= 0xdfff) return 2;
  }
  return 1;
}

/** Returns the end of the run of code points of class NUMBER (`numbers`) or of letters and digits from `i`. */
function runEnd(text: string, i: number, numbers: boolean): number {
  const length = text.length;
  while (i < length) {
    const found = foldedClassAt(text, i);
    if (found === OTHER || (numbers && found !== NUMBER)) break;
    i += widthAt(length, i);
  }
  return i;
}

/**
 * Returns the tokens (unmarked) as syllableTokensByReference does, or null when some character
 * does not fold to exactly one code unit (combining marks, invisible characters, `ß`): those texts
 * take the reference path.
 */
function syllableTokensOf(text: string): Token[] | null {
  const n = text.length;
  // A copy of the shared reader's units: remembering a new syllable reads other text.
  if (codes.length < n) codes = new Uint16Array(n * 2);
  codes.set(readCodeUnits(text).subarray(0, n));
  for (let i = 0; i < n; i++) if (foldedClassOf(codes[i] as number) === FOLDS_OTHERWISE) return null;
  const tokens: Token[] = [];
  let i = 0;
  while (i < n) {
    const found = foldedClassAt(text, i);
    if (found === OTHER) {
      i += widthAt(n, i);
      continue;
    }
    // The tokenizer's pattern: \p{N}+(?:[.,]\p{N}+)+ | [\p{L}\p{N}]+ over the folded text.
    let end = -1;
    if (found === NUMBER) {
      let k = runEnd(text, i, true);
      for (;;) {
        const separator = k < n ? singleFoldOf(codes[k] as number) : -1;
        if ((separator !== 46 && separator !== 44) || k + 1 >= n || foldedClassAt(text, k + 1) !== NUMBER) break;
        k = runEnd(text, k + 1, true);
        end = k;
      }
    }
    if (end < 0) end = runEnd(text, i, false);
    // No syllable ends in an invisible format character here: those fold to nothing.
    let hash = 0x811c9dc5 | 0;
    for (let k = i; k < end; k++) hash = Math.imul(hash ^ (codes[k] as number), 0x01000193);
    // fmix32 of MurmurHash3, so that the low bits (the slot) depend on every character; never 0.
    hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
    hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
    hash = (hash ^ (hash >>> 16)) | 1;
    const entry = rememberedAt(text, i, end, hash);
    if (entry.single) {
      tokens.push({ start: i, end, folded: entry.folded, norm: entry.norm, normId: entry.normId, lower: entry.lower, lowerId: entry.lowerId, negated: false, intensified: false });
    } else {
      pushTokens(tokens, i, end, entry.folded, entry.norms, entry.ids, entry.lower, entry.lowerId);
    }
    i = end;
  }
  return tokens;
}
