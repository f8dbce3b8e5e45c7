// Negation and intensifier marks over analysed tokens. Cues are matched on the expanded folded
// form (`norm`), so `không`, `khong`, `ko` and an NFD `không` mark the same tokens.
import { SyllableIdCache } from './syllable-id-cache.ts';

/** The fields of a token this pass reads and writes. */
export interface MarkableToken {
  start: number;
  end: number;
  norm: string;
  /** The process-wide id of `norm` (0 or absent: none), which lets the cue test index an array. */
  normId?: number;
  negated: boolean;
  intensified: boolean;
}

/** How many tokens after a negation cue it reaches. */
export const NEGATION_SCOPE = 3;

// Multi-syllable cues first so that `không hề` is one cue, not `không` followed by a negated `hề`.
const NEGATION_CUES: readonly (readonly string[])[] = [
  ['khong', 'he'], ['chang', 'he'], ['cha', 'he'], ['chua', 'he'], ['khong', 'phai'], ['dau', 'co'],
  ['khong'], ['chua'], ['chang'], ['cha'], ['dung'], ['khoi'],
];

// Folding makes `cha` (chả, not) and `cha` (father), `chang` (chẳng, not) and `chang` (chàng, a
// young man) one form; these neighbours say it is the noun.
const NOT_NEGATION_AFTER: Record<string, ReadonlySet<string>> = {
  cha: new Set(['me', 'con', 'ong', 'cua', 'xu', 'toi', 'minh', 'no', 'anh', 'em', 'va', 'la', 'ruot', 'ho', 'nuoi']),
  chang: new Set(['trai', 'ta', 'ay', 're', 'va', 'la', 'sinh']),
};
// `đúng`/`đừng` and `khỏi`/`khói`/`khối` fold alike; only a following verb-like cue makes them negations.
const ONLY_BEFORE: Record<string, ReadonlySet<string>> = {
  dung: new Set(['co', 'noi', 'lam', 'nen', 'de', 'bao', 'hoc', 'di', 'tin', 'chia']),
  khoi: new Set(['phai', 'can', 'noi', 'lo']),
};
// Conjunctions that open a new clause end a negation's reach: `không hay nhưng dễ hiểu`.
const SCOPE_BREAKERS = new Set(['nhung', 'ma', 'va', 'con', 'tuy', 'song']);

// Intensifiers that strengthen the next token (`rất hay`, `cực kỳ chán`).
const INTENSIFY_NEXT: readonly (readonly string[])[] = [
  ['cuc', 'ky'], ['cuc', 'ki'], ['vo', 'cung'], ['rat'], ['qua'], ['cuc'], ['sieu'], ['hoi'], ['kha'],
];
// Intensifiers that strengthen the token before them at the end of a clause (`hay lắm`, `chán quá`).
const INTENSIFY_PREVIOUS: readonly (readonly string[])[] = [['vo', 'cung'], ['lam'], ['qua'], ['cuc', 'ky'], ['that']];

function isClauseEnd(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const ch = text.charCodeAt(i);
    // . , ; ! ? : and newline close a clause
    if (ch === 46 || ch === 44 || ch === 59 || ch === 33 || ch === 63 || ch === 58 || ch === 10) return true;
  }
  return false;
}

function matchesAt(tokens: readonly MarkableToken[], text: string, i: number, cue: readonly string[]): boolean {
  for (let k = 0; k < cue.length; k++) {
    const token = tokens[i + k];
    if (token === undefined || token.norm !== cue[k]) return false;
    // An expansion shares its span; a cue must not straddle a punctuation mark.
    if (k > 0 && isClauseEnd(text, (tokens[i + k - 1] as MarkableToken).end, token.start)) return false;
  }
  return true;
}

// First syllables of every cue: most tokens are no cue, and one Set lookup says so.
const CUE_STARTS = new Set([...NEGATION_CUES, ...INTENSIFY_NEXT, ...INTENSIFY_PREVIOUS].map((cue) => cue[0] as string));

// Per process-wide syllable id: 1 when the syllable starts a cue, 0 when not.
const CUE_START_BY_ID = new SyllableIdCache((norm) => (CUE_STARTS.has(norm) ? 1 : 0));

/** Returns true when the token's syllable is the first of some cue. */
function startsCue(token: MarkableToken): boolean {
  return CUE_START_BY_ID.get(token.normId ?? 0, token.norm) === 1;
}

function cueLengthAt(tokens: readonly MarkableToken[], text: string, i: number, cues: readonly (readonly string[])[]): number {
  if (!startsCue(tokens[i] as MarkableToken)) return 0;
  for (const cue of cues) if (matchesAt(tokens, text, i, cue)) return cue.length;
  return 0;
}

function isNegationCue(tokens: readonly MarkableToken[], text: string, i: number, length: number): boolean {
  if (length !== 1) return true;
  const word = (tokens[i] as MarkableToken).norm;
  const next = tokens[i + 1];
  const nextWord = next === undefined || isClauseEnd(text, (tokens[i] as MarkableToken).end, next.start) ? '' : next.norm;
  const only = ONLY_BEFORE[word];
  if (only !== undefined) return only.has(nextWord);
  const not = NOT_NEGATION_AFTER[word];
  if (not !== undefined) {
    if (not.has(nextWord) || nextWord === '') return false;
    const previous = tokens[i - 1];
    return previous === undefined || (previous.norm !== 'ong' && previous.norm !== 'bo' && previous.norm !== 'anh');
  }
  return true;
}

/** Sets `negated` and `intensified` on the tokens of `text` in place and returns them. */
export function markNegation<T extends MarkableToken>(tokens: T[], text: string): T[] {
  for (let i = 0; i < tokens.length; ) {
    const length = cueLengthAt(tokens, text, i, NEGATION_CUES);
    if (length === 0 || !isNegationCue(tokens, text, i, length)) {
      i++;
      continue;
    }
    let previous = tokens[i + length - 1] as T;
    let j = i + length;
    for (let reached = 0; j < tokens.length && reached < NEGATION_SCOPE; j++, reached++) {
      const token = tokens[j] as T;
      if (isClauseEnd(text, previous.end, token.start) || SCOPE_BREAKERS.has(token.norm)) break;
      // A second negation starts its own scope (`không phải không hay`).
      if (cueLengthAt(tokens, text, j, NEGATION_CUES) > 0) break;
      token.negated = true;
      previous = token;
    }
    i = j;
  }
  for (let i = 0; i < tokens.length; i++) {
    if (!startsCue(tokens[i] as T)) continue;
    const nextLength = cueLengthAt(tokens, text, i, INTENSIFY_NEXT);
    if (nextLength > 0) {
      const last = tokens[i + nextLength - 1] as T;
      const next = tokens[i + nextLength];
      if (next !== undefined && !isClauseEnd(text, last.end, next.start)) next.intensified = true;
    }
    const previousLength = cueLengthAt(tokens, text, i, INTENSIFY_PREVIOUS);
    if (previousLength > 0 && i > 0) {
      const last = tokens[i + previousLength - 1] as T;
      const after = tokens[i + previousLength];
      const before = tokens[i - 1] as T;
      const endsClause = after === undefined || isClauseEnd(text, last.end, after.start);
      if (endsClause && !isClauseEnd(text, before.end, (tokens[i] as T).start)) before.intensified = true;
    }
  }
  return tokens;
}
