// One pass over a text that every classifier shares: syllables with offsets, normalised forms,
// and negation/intensifier marks. Tokenising once keeps whole classification fast.
import { expandWithIds, syllableId, type Expansion } from './expand-abbreviations.ts';
import { markNegation } from './mark-negation.ts';
import { normalizeText, unifyTonePlacement } from './normalize-text.ts';
import { tokenizeSyllables } from './tokenize-syllables.ts';

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

// Lowercase forms remembered per written syllable (bounded): one Map lookup instead of two
// regular expressions for every accented syllable.
const LOWER = new Map<string, string>();
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
// Per written syllable (bounded): its expansion, lowercase form and id, in one Map lookup.
const WRITTEN = new Map<string, Written>();

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
  let lower = LOWER.get(text);
  if (lower === undefined) {
    const lowercase = text.toLowerCase();
    lower = NEEDS_NORMALIZING.test(lowercase) ? normalizeText(lowercase) : unifyTonePlacement(lowercase);
    if (LOWER.size >= MAX_REMEMBERED) LOWER.clear();
    LOWER.set(text, lower);
  }
  return lower;
}

/** Returns the tokens of the text, in order, abbreviations expanded and negation/intensifier scopes marked. */
export function analyzeText(text: string): Token[] {
  const tokens: Token[] = [];
  for (const syllable of tokenizeSyllables(text)) {
    let expansion: Expansion;
    let lower: string;
    let lowerId: number;
    if (syllable.text === syllable.folded) {
      // Plain lowercase ASCII syllables (most unaccented text) are their own lowercase form.
      expansion = expandWithIds(syllable.folded);
      lower = syllable.folded;
      lowerId = expansion.foldedId;
    } else {
      // The folded form is a function of the written one, so the answer can be remembered by it.
      ({ expansion, lower, lowerId } = writtenOf(syllable.text, syllable.folded));
    }
    const { norms, ids } = expansion;
    for (let k = 0; k < norms.length; k++) {
      tokens.push({
        start: syllable.start,
        end: syllable.end,
        folded: syllable.folded,
        norm: norms[k] as string,
        normId: ids[k] as number,
        lower,
        lowerId,
        negated: false,
        intensified: false,
      });
    }
  }
  return markNegation(tokens, text);
}
