// A linear model over features of analysed text: syllable n-grams of the expanded folded form with
// negation marks, character n-grams inside syllables, and VietSentiWordNet lexicon scores. Every
// feature occurrence covers a run of tokens, so each contribution to a score can be shown as a
// phrase of the original text. Features are built on folded text only: accented, unaccented and
// NFD input of the same words score the same.
//
// Prediction goes through a compiled form (integer token ids, numeric n-gram keys, one flat weight
// array) that allocates nothing per feature; explanations take the slower string path and are
// computed only when asked.

import { analyzeText, type Token } from '../text/analyze-text.ts';
import { readCodeUnits } from '../text/fold-text.ts';
import { SyllableIdCache } from '../text/syllable-id-cache.ts';

/** Which features a model extracts; stored in the model so that prediction extracts the same. */
export interface FeatureOptions {
  /** Longest syllable n-gram (1–3). */
  wordNgramMax: number;
  /** Character n-grams of each syllable wrapped in `<` `>`, lengths [min, max]; 0 disables. */
  charNgramMin: number;
  charNgramMax: number;
  /** Add `lex:pos` / `lex:neg` features valued by the lexicon's scores. */
  lexicon: boolean;
  /** Add `+syllable` features for intensified tokens. */
  intensifiers: boolean;
  /** Add skip-bigrams `a * b` of tokens two apart (`không * hay` in `không được hay`). */
  skipBigrams?: boolean;
  /** Scale every feature value by 1/sqrt(token count) so that long texts do not shout. */
  sqrtLengthScale?: boolean;
  /** Add `a:` n-grams (up to this length) of the accented lowercase syllables: `lồn` is not `lớn`; 0 disables. */
  accentNgramMax?: number;
  /** Add `^ a`, `^ a b` … for the first syllables and `z $`, `y z $` … for the last, up to this many (`nên …`, `mong …` open suggestions); 0 disables. */
  boundaries?: number;
  /** Apply `boundaries` to every clause (text between `.`, `,`, `;`, `!`, `?`, `:`, newline), not only to the whole text. */
  clauseBoundaries?: boolean;
  /** Add `s:` features for runs of symbols between syllables (emoticons, emoji), repeats collapsed (`:)))` → `:)`). */
  symbols?: boolean;
  /** Add `>`-prefixed unigrams and bigrams for tokens after the last `nhưng`/`tuy nhiên`: the clause after a contrast usually carries the verdict. */
  contrast?: boolean;
  /**
   * Character n-grams, lengths [min, max] (max ≤ 6), over the whole expanded folded text (`norm`
   * syllables joined by single spaces, a space at each end): `w:` keys that cross syllable
   * boundaries (`u ma`, `oc cho`). Each maps to the syllables it lies in. 0 disables.
   */
  textCharNgramMin?: number;
  textCharNgramMax?: number;
  /** The same over the accented lowercase text (`lower`, one per written syllable): `x:` keys. 0 disables. */
  accentCharNgramMin?: number;
  accentCharNgramMax?: number;
}

/** Lexicon entry: folded syllables and their positive/negative scores. */
export interface LexiconEntry {
  phrase: string;
  positive: number;
  negative: number;
}

/** Where the data a model learnt from came from. */
export interface TrainingFileRecord {
  file: string;
  lines: number;
  sha256: string;
}

/** The JSON a model is stored as (models/sentiment.json, models/offensive.json). */
export interface LinearModelJson {
  format: 'duluan-linear-1';
  task: string;
  version: string;
  created: string;
  seed: number;
  labels: string[];
  features: FeatureOptions;
  hyperparameters: Record<string, number | string | boolean>;
  training: TrainingFileRecord[];
  lexicon: { name: string; files: TrainingFileRecord[]; entries: number } | null;
  /** Labels whose summed probability decides "flagged", and the probability that flags. */
  decision: { flaggedLabels: string[]; threshold: number } | null;
  /** Figures on development data: estimates, not the project's score. */
  dev: Record<string, unknown> | null;
  bias: number[];
  /** Lexicon phrases (folded, space-separated) → [positive, negative]; only when features.lexicon. */
  lexiconEntries: Record<string, [number, number]>;
  /** Feature key → one weight per label. */
  weights: Record<string, number[]>;
}

/** One phrase that moved a score, with its span in the original text. */
export interface Contribution {
  /** The feature keys merged into this phrase, joined by ` | ` ('' when explained with `keys: false`). */
  feature: string;
  start: number;
  end: number;
  text: string;
  /** Added to the predicted label's score minus the mean of the other labels' scores. */
  weight: number;
}

/** A model's answer for one text. */
export interface Prediction {
  label: string;
  /** Probability per label, in the model's label order. */
  probabilities: number[];
  /** For models with a decision rule: whether the flagged labels' probability reached the threshold. */
  flagged: boolean;
  /** Probability of the flagged labels together (0 when the model has no decision rule). */
  flaggedProbability: number;
  contributions?: Contribution[];
}

/** Throws when the options ask for more than prediction supports (n-grams of up to 3 syllables, boundaries of up to 2). */
export function checkFeatureOptions(options: FeatureOptions): void {
  const within = (value: number | undefined, min: number, max: number): boolean =>
    value === undefined || (Number.isInteger(value) && value >= min && value <= max);
  if (!within(options.wordNgramMax, 1, 3)) throw new Error('wordNgramMax must be 1, 2 or 3');
  if (!within(options.accentNgramMax, 0, 3)) throw new Error('accentNgramMax must be 0 to 3');
  if (!within(options.boundaries, 0, 2)) throw new Error('boundaries must be 0, 1 or 2');
  if (!within(options.charNgramMin, 0, 16) || !within(options.charNgramMax, 0, 16)) throw new Error('character n-gram lengths must be 0 to 16');
  for (const [min, max] of [
    [options.textCharNgramMin, options.textCharNgramMax],
    [options.accentCharNgramMin, options.accentCharNgramMax],
  ]) {
    if (!within(min, 0, MAX_TEXT_CHAR_NGRAM) || !within(max, 0, MAX_TEXT_CHAR_NGRAM)) throw new Error(`text character n-gram lengths must be 0 to ${MAX_TEXT_CHAR_NGRAM}`);
    if ((max ?? 0) > 0 && !((min ?? 0) >= 1 && (min ?? 0) <= (max ?? 0))) throw new Error('text character n-grams need 1 ≤ min ≤ max');
  }
}

/** Longest character n-gram over the whole text (six 16-bit code units fit a table key). */
export const MAX_TEXT_CHAR_NGRAM = 6;

/** A text of syllables joined by spaces, and per character the first and last token an n-gram starting or ending there covers. */
interface CharText {
  text: string;
  startToken: number[];
  endToken: number[];
}

/**
 * Returns ` s1 s2 … sn ` built from the tokens' `norm` (every token) or `lower` (`accented`: one
 * per written syllable, expansions of an abbreviation share it). A space belongs to the syllable
 * after it when an n-gram starts there and to the one before it when an n-gram ends there.
 */
export function charTextOf(tokens: readonly Token[], accented: boolean): CharText {
  let text = '';
  const startToken: number[] = [];
  const endToken: number[] = [];
  let previous = -1;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (accented && previous >= 0 && (tokens[previous] as Token).start === token.start) continue;
    const syllable = accented ? token.lower : token.norm;
    text += ' ';
    startToken.push(i);
    endToken.push(previous >= 0 ? previous : i);
    text += syllable;
    for (let k = 0; k < syllable.length; k++) {
      startToken.push(i);
      endToken.push(i);
    }
    previous = i;
  }
  if (previous >= 0) {
    text += ' ';
    startToken.push(previous);
    endToken.push(previous);
  }
  return { text, startToken, endToken };
}

/** Callback for one feature occurrence: key, value and the original characters [start, end) it covers. */
export type FeatureVisitor = (key: string, value: number, start: number, end: number) => void;

const NEGATED_PREFIX = '!';

function markedNorm(token: Token): string {
  return token.negated ? NEGATED_PREFIX + token.norm : token.norm;
}

/** Calls `visit` for every feature occurrence of the tokens (the reference path training and explanations use). */
export function visitFeatures(
  tokens: readonly Token[],
  text: string,
  options: FeatureOptions,
  lexicon: ReadonlyMap<string, readonly [number, number]> | null,
  visitSpan: FeatureVisitor,
): void {
  visitFeaturesOf(tokens, text, options, lexicon, visitSpan, null);
}

/**
 * What a compiled model knows of the tokens being visited, so that explanations build only the keys
 * the model has weights for. `word(i, k)` and `accent(i, k)` answer for the n-gram of tokens
 * i … i+k, `skip(i)` for the skip-bigram of tokens i and i+2 (a feature index, ABSENT, or
 * PREFIX_ONLY when only longer n-grams start so); `charIndexesOf` a syllable's weighted `c:`
 * features in visiting order. Features the model knows are visited with their index and the key
 * BY_INDEX.
 */
interface KnownFeatures {
  word(i: number, k: number): number;
  skip(i: number): number;
  accent(i: number, k: number): number;
  /** A token's syllable's weighted `c:` features (indexes) in visiting order. */
  charIndexesOf(token: Token): readonly number[];
  /**
   * The lexicon phrase of tokens i … i+k (a table entry; -1 when there is none, NO_LONGER_PHRASE
   * when no longer one starts there either), when the model can find every phrase by ids (null:
   * look phrases up by their strings); its scores by lexiconScore(entry, 0 positive / 1 negative).
   */
  lexicon: ((i: number, k: number) => number) | null;
  lexiconScore(entry: number, side: number): number;
  /** The index of `lex:pos` (side 0) or `lex:neg` (side 1), `!`-marked when negated; -1 when the model has no such feature. */
  lexiconFeature(negated: boolean, side: number): number;
  /** The index of the token's `+syllable` feature, -1 when the model has none. */
  intensified(token: Token): number;
  /** The index of the boundary feature of tokens [from, from + k) (`^ …`, side 0) or [to - k, to) (`… $`, side 1), -1 when none. */
  boundary(from: number, to: number, k: number, side: number): number;
}
const NO_LONGER_PHRASE = -2;

/**
 * A FeatureVisitor that is also given the feature's index when the model knows it (-1 otherwise);
 * with an index, the key is BY_INDEX (the caller reads it by the index, when it needs it).
 */
type IndexedFeatureVisitor = (key: string, value: number, start: number, end: number, index: number) => void;
const BY_INDEX = '';

/**
 * visitFeatures, leaving out (when `known` is given) the word, skip, accent and character n-grams
 * the model has no weights for, which the caller would ignore: the same visits otherwise, in the
 * same order.
 */
function visitFeaturesOf(
  tokens: readonly Token[],
  text: string,
  options: FeatureOptions,
  lexicon: ReadonlyMap<string, readonly [number, number]> | null,
  visitSpan: IndexedFeatureVisitor,
  known: KnownFeatures | null,
): void {
  const n = tokens.length;
  const visit = (key: string, value: number, first: number, last: number, index = -1): void =>
    visitSpan(key, value, (tokens[first] as Token).start, (tokens[last] as Token).end, index);
  if (options.symbols) {
    // Explanations read the text's code units once (the visits only look keys up).
    visitSymbols(tokens, text, (key, start, end) => visitSpan(key, lengthScale(options, n), start, end, -1), known !== null ? readCodeUnits(text) : null);
  }
  const one = lengthScale(options, n);
  const boundaries = Math.min(options.boundaries ?? 0, 2);
  if (boundaries > 0) {
    forEachClause(tokens, text, options.clauseBoundaries === true, (from, to) => {
      for (let k = 1; k <= boundaries && k <= to - from; k++) {
        if (known !== null) {
          // By ids, as prediction finds them, instead of building and looking up `^ a` / `z $`.
          const head = known.boundary(from, to, k, 0);
          if (head >= 0) visit(BY_INDEX, one, from, from + k - 1, head);
          const tail = known.boundary(from, to, k, 1);
          if (tail >= 0) visit(BY_INDEX, one, to - k, to - 1, tail);
          continue;
        }
        let head = '^';
        for (let j = from; j < from + k; j++) head += ' ' + markedNorm(tokens[j] as Token);
        visit(head, one, from, from + k - 1);
        let tail = '';
        for (let j = to - k; j < to; j++) tail += markedNorm(tokens[j] as Token) + ' ';
        visit(tail + '$', one, to - k, to - 1);
      }
    });
  }
  for (const [prefix, min, max] of [
    ['w:', options.textCharNgramMin ?? 0, options.textCharNgramMax ?? 0],
    ['x:', options.accentCharNgramMin ?? 0, options.accentCharNgramMax ?? 0],
  ] as const) {
    if (max <= 0 || n === 0) continue;
    const { text: chars, startToken, endToken } = charTextOf(tokens, prefix === 'x:');
    for (let s = 0; s < chars.length; s++) {
      for (let length = min; length <= max && s + length <= chars.length; length++) {
        visit(prefix + chars.slice(s, s + length), one, startToken[s] as number, endToken[s + length - 1] as number);
      }
    }
  }
  const contrastAt = options.contrast ? lastContrast(tokens) : n;
  for (let i = 0; i < n; i++) {
    const token = tokens[i] as Token;
    if (known !== null) {
      visitKnownNgrams(known, options, i, n, visit, one, i > contrastAt ? token : null, tokens);
    } else {
      let key = markedNorm(token);
      visit(key, one, i, i);
      if (i > contrastAt) {
        visit('>' + key, one, i, i);
        if (i + 1 < n) visit('>' + key + ' ' + markedNorm(tokens[i + 1] as Token), one, i, i + 1);
      }
      for (let k = 1; k < options.wordNgramMax && i + k < n; k++) {
        key += ' ' + markedNorm(tokens[i + k] as Token);
        visit(key, one, i, i + k);
      }
      if (options.skipBigrams && i + 2 < n) visit(markedNorm(token) + ' * ' + markedNorm(tokens[i + 2] as Token), one, i, i + 2);
    }
    if (options.charNgramMax > 0 && known !== null) {
      for (const index of known.charIndexesOf(token)) visit(BY_INDEX, one, i, i, index);
    } else if (options.charNgramMax > 0) {
      const wrapped = '<' + token.norm + '>';
      for (let length = options.charNgramMin; length <= options.charNgramMax; length++) {
        for (let s = 0; s + length <= wrapped.length; s++) visit('c:' + wrapped.slice(s, s + length), one, i, i);
      }
    }
    if (options.intensifiers && token.intensified && known !== null) {
      const index = known.intensified(token);
      if (index >= 0) visit(BY_INDEX, one, i, i, index);
    } else if (options.intensifiers && token.intensified) visit('+' + token.norm, one, i, i);
    const accentMax = options.accentNgramMax ?? 0;
    if (accentMax > 0 && known !== null) {
      const unigram = known.accent(i, 0);
      if (unigram >= 0) visit(BY_INDEX, one, i, i, unigram);
      for (let k = 1; unigram !== ABSENT && k < accentMax && i + k < n; k++) {
        const found = known.accent(i, k);
        if (found === ABSENT) break;
        if (found >= 0) visit(BY_INDEX, one, i, i + k, found);
      }
    } else if (accentMax > 0) {
      let accented = 'a:' + token.lower;
      visit(accented, one, i, i);
      for (let k = 1; k < accentMax && i + k < n; k++) {
        accented += ' ' + (tokens[i + k] as Token).lower;
        visit(accented, one, i, i + k);
      }
    }
    if (lexicon !== null && known !== null && known.lexicon !== null) {
      // The same phrases as below, found by ids instead of by built strings.
      // Features the model lacks are not visited: the visitor would find no weights for them.
      const pos = known.lexiconFeature(token.negated, 0);
      const neg = known.lexiconFeature(token.negated, 1);
      for (let k = 0; k < 3 && i + k < n; k++) {
        const entry = known.lexicon(i, k);
        if (entry === NO_LONGER_PHRASE) break;
        if (entry < 0) continue;
        const positive = known.lexiconScore(entry, 0);
        const negative = known.lexiconScore(entry, 1);
        if (positive > 0 && pos >= 0) visit(BY_INDEX, one * positive, i, i + k, pos);
        if (negative > 0 && neg >= 0) visit(BY_INDEX, one * negative, i, i + k, neg);
      }
    } else if (lexicon !== null) {
      let phrase = token.norm;
      for (let k = 0; k < 3 && i + k < n; k++) {
        if (k > 0) phrase += ' ' + (tokens[i + k] as Token).norm;
        const scores = lexicon.get(phrase);
        if (scores === undefined) continue;
        const mark = token.negated ? NEGATED_PREFIX : '';
        if (scores[0] > 0) visit('lex:' + mark + 'pos', one * scores[0], i, i + k);
        if (scores[1] > 0) visit('lex:' + mark + 'neg', one * scores[1], i, i + k);
      }
    }
  }
}

/** The word n-gram, contrast and skip-bigram visits of token i, of weighted keys only (contrast keys are visited as built). */
function visitKnownNgrams(
  known: KnownFeatures,
  options: FeatureOptions,
  i: number,
  n: number,
  visit: (key: string, value: number, first: number, last: number, index?: number) => void,
  one: number,
  contrastToken: Token | null,
  tokens: readonly Token[],
): void {
  const unigram = known.word(i, 0);
  if (unigram >= 0) visit(BY_INDEX, one, i, i, unigram);
  if (contrastToken !== null) {
    const key = markedNorm(contrastToken);
    visit('>' + key, one, i, i);
    if (i + 1 < n) visit('>' + key + ' ' + markedNorm(tokens[i + 1] as Token), one, i, i + 1);
  }
  for (let k = 1; unigram !== ABSENT && k < options.wordNgramMax && i + k < n; k++) {
    const found = known.word(i, k);
    if (found === ABSENT) break; // no weighted n-gram starts this way
    if (found >= 0) visit(BY_INDEX, one, i, i + k, found);
  }
  if (options.skipBigrams && i + 2 < n) {
    const found = known.skip(i);
    if (found >= 0) visit(BY_INDEX, one, i, i + 2, found);
  }
}

/** Returns true when the characters [from, to) hold a clause-ending mark: . , ; ! ? : or a newline. */
function hasClauseMark(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 46 || ch === 44 || ch === 59 || ch === 33 || ch === 63 || ch === 58 || ch === 10) return true;
  }
  return false;
}

/** Calls `visit(from, to)` for each clause's token range, or once for all tokens when `byClause` is false. */
export function forEachClause(tokens: readonly Token[], text: string, byClause: boolean, visit: (from: number, to: number) => void): void {
  if (tokens.length === 0) return;
  let from = 0;
  if (byClause) {
    for (let i = 1; i < tokens.length; i++) {
      if (hasClauseMark(text, (tokens[i - 1] as Token).end, (tokens[i] as Token).start)) {
        visit(from, i);
        from = i;
      }
    }
  }
  visit(from, tokens.length);
}

const MAX_SYMBOL_RUN = 8;

/**
 * Calls `visit` with `s:` and each run of symbols between syllables (repeats collapsed), and its
 * span. `units`, when given, holds the text's code units (read once instead of by charCodeAt).
 */
function visitSymbols(
  tokens: readonly Token[],
  text: string,
  visit: (key: string, start: number, end: number) => void,
  units: Uint16Array | null = null,
): void {
  let from = 0;
  for (let t = 0; t <= tokens.length; t++) {
    const to = t < tokens.length ? (tokens[t] as Token).start : text.length;
    if (to > from) {
      let runStart = -1;
      for (let i = from; i <= to; i++) {
        const code = i < to ? (units !== null ? (units[i] as number) : text.charCodeAt(i)) : 32;
        const space = code === 32 || code === 9 || code === 10 || code === 13;
        if (!space && runStart < 0) runStart = i;
        else if (space && runStart >= 0) {
          let key = 's:';
          let previous = '';
          for (const ch of text.slice(runStart, i)) {
            if (ch !== previous) key += ch;
            previous = ch;
          }
          if (key.length <= MAX_SYMBOL_RUN + 2) visit(key, runStart, i);
          runStart = -1;
        }
      }
    }
    if (t < tokens.length) from = Math.max(from, (tokens[t] as Token).end);
  }
}

/** Returns the index of the last contrast cue (`nhưng`, `tuy nhiên`'s `nhien`), or the token count when there is none. */
export function lastContrast(tokens: readonly Token[]): number {
  for (let i = tokens.length - 1; i >= 0; i--) {
    const norm = (tokens[i] as Token).norm;
    if (norm === 'nhung' || (norm === 'nhien' && i > 0 && (tokens[i - 1] as Token).norm === 'tuy')) return i;
  }
  return tokens.length;
}

function lengthScale(options: FeatureOptions, tokenCount: number): number {
  return options.sqrtLengthScale ? 1 / Math.sqrt(Math.max(1, tokenCount)) : 1;
}

// N-gram features are found by integer keys, never by building strings: a key is a kind and up to
// three token ids, looked up in an open-addressing table of Int32Arrays. Nothing is allocated per
// feature, which is what keeps prediction in the microseconds.
const KIND_WORD = 1;
const KIND_SKIP = 2;
const KIND_CONTRAST = 3;
const KIND_ACCENT = 4;
const KIND_LEXICON = 5;
const KIND_BOUNDARY = 6;
/** Text character n-grams: kind 16 + length (folded) or 32 + length (accented); code units packed two per int. */
const KIND_TEXT_CHAR = 16;
const KIND_ACCENT_CHAR = 32;
const ABSENT = -1;
const PREFIX_ONLY = -2;

/**
 * An open-addressing hash table from (kind, a, b, c) int32 keys to an int32 value and a row of
 * doubles (the feature's weights, or a lexicon phrase's scores). Each entry keeps its key, value
 * and row together in one 64-byte record, so a lookup that finds a feature reads one record, not
 * a key array, a value array and a weight array apart; the slots hold a fingerprint of the hash
 * beside the entry number, so a probe past another key rarely reads that key's record.
 */
class IntKeyTable {
  /** Per slot: 0 when empty, else (fingerprint << 24) | (entry + 1). */
  private slots: Int32Array;
  private mask: number;
  /** Per entry, at entry × intStride: kind, a, b, c, value. */
  ints: Int32Array;
  /** Per entry, at entry × doubleStride + ROW: its row of doubles. */
  doubles: Float64Array;
  count = 0;
  readonly intStride: number;
  readonly doubleStride: number;
  private readonly strideBytes: number;

  constructor(expected: number, rowLength: number) {
    this.strideBytes = Math.ceil((ROW * 8 + 8 * Math.max(1, rowLength)) / 64) * 64;
    this.intStride = this.strideBytes / 4;
    this.doubleStride = this.strideBytes / 8;
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    const buffer = new ArrayBuffer(Math.max(16, expected) * this.strideBytes);
    this.ints = new Int32Array(buffer);
    this.doubles = new Float64Array(buffer);
  }

  private static hash(kind: number, a: number, b: number, c: number): number {
    let h = Math.imul(kind, 0x9e3779b1) ^ Math.imul(a, 0x85ebca77);
    h = Math.imul(h ^ (h >>> 15), 0xc2b2ae3d) ^ Math.imul(b, 0x27d4eb2f);
    h = Math.imul(h ^ (h >>> 13), 0x165667b1) ^ Math.imul(c, 0x9e3779b1);
    return (h ^ (h >>> 16)) >>> 0;
  }

  /** Returns the entry of the key, or -1 when the key is absent. */
  find(kind: number, a: number, b: number, c: number): number {
    const h = IntKeyTable.hash(kind, a, b, c);
    const fingerprint = h >>> 25;
    const slots = this.slots;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const found = slots[slot] as number;
      if (found === 0) return -1;
      if (found >>> 24 === fingerprint) {
        const entry = (found & 0xffffff) - 1;
        const ints = this.ints;
        const k = entry * this.intStride;
        if (ints[k] === kind && ints[k + 1] === a && ints[k + 2] === b && ints[k + 3] === c) return entry;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Returns the value of the key, or -1 when the key is absent. */
  get(kind: number, a: number, b: number, c: number): number {
    const entry = this.find(kind, a, b, c);
    return entry < 0 ? -1 : (this.ints[entry * this.intStride + 4] as number);
  }

  /** Returns the value of an entry. */
  valueOf(entry: number): number {
    return this.ints[entry * this.intStride + 4] as number;
  }

  set(kind: number, a: number, b: number, c: number, value: number): void {
    const existing = this.find(kind, a, b, c);
    if (existing >= 0) {
      this.ints[existing * this.intStride + 4] = value;
      return;
    }
    if (this.count + 1 >= 0xffffff) throw new Error('too many features for one model');
    if ((this.count + 1) * 2 > this.slots.length) this.growSlots();
    if ((this.count + 1) * this.strideBytes > this.ints.byteLength) {
      const buffer = new ArrayBuffer(this.ints.byteLength * 2);
      const ints = new Int32Array(buffer);
      ints.set(this.ints);
      this.ints = ints;
      this.doubles = new Float64Array(buffer);
    }
    const entry = this.count++;
    const k = entry * this.intStride;
    this.ints[k] = kind;
    this.ints[k + 1] = a;
    this.ints[k + 2] = b;
    this.ints[k + 3] = c;
    this.ints[k + 4] = value;
    this.place(entry, IntKeyTable.hash(kind, a, b, c));
  }

  private place(entry: number, h: number): void {
    let slot = h & this.mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = ((h >>> 25) << 24) | (entry + 1);
  }

  private growSlots(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    for (let entry = 0; entry < this.count; entry++) {
      const k = entry * this.intStride;
      const { ints } = this;
      this.place(entry, IntKeyTable.hash(ints[k] as number, ints[k + 1] as number, ints[k + 2] as number, ints[k + 3] as number));
    }
  }
}
/** Where an entry's row of doubles starts, in doubles from the entry's start (after its five int32s). */
const ROW = 3;

const MAX_RECENT_IDS = 4096;

/** Returns the syllable's id in the vocabulary (0 when absent), through a small bounded Map of recent answers. */
function recentId(recent: Map<string, number>, vocabulary: ReadonlyMap<string, number>, syllable: string): number {
  let id = recent.get(syllable);
  if (id === undefined) {
    id = vocabulary.get(syllable) ?? 0;
    if (recent.size >= MAX_RECENT_IDS) recent.clear();
    recent.set(syllable, id);
  }
  return id;
}

/** A model ready to predict: integer feature ids and one flat weight array. */
export interface CompiledLinearModel {
  json: LinearModelJson;
  labels: readonly string[];
  /** Returns the label, probabilities and, when `explain` is set, the phrases that moved the score most. */
  predict(text: string, options?: { explain?: boolean; top?: number }): Prediction;
  /** Returns the label and probabilities for already analysed tokens (the text is needed only for explanations). */
  predictTokens(tokens: readonly Token[], text: string, options?: { explain?: boolean; top?: number }): Prediction;
  /**
   * Returns the phrases that moved the score toward `prediction`'s label, as `explain: true` would
   * have: `prediction` is predictTokens' answer for these tokens. Cheaper than predicting again.
   * With `keys: false`, the same phrases and weights without their feature keys (`feature` is ''),
   * cheaper still.
   */
  explainPrediction(tokens: readonly Token[], text: string, prediction: Prediction, top?: number, options?: { keys?: boolean }): Contribution[];
}

/** Returns a model compiled for fast prediction from its stored JSON. */
export function compileLinearModel(json: LinearModelJson): CompiledLinearModel {
  const labels = json.labels;
  const labelCount = labels.length;
  const options = json.features;
  checkFeatureOptions(options);
  const featureKeys = Object.keys(json.weights);
  const weights = new Float64Array(featureKeys.length * labelCount);
  const bias = Float64Array.from(json.bias);
  const accentMax = options.accentNgramMax ?? 0;

  // Syllable ids (≥ 1) of `norm` and of accented `lower` forms; a marked id is 2·id + negated.
  const vocabulary = new Map<string, number>();
  const accentVocabulary = new Map<string, number>();
  const idIn = (map: Map<string, number>, syllable: string): number => {
    let id = map.get(syllable);
    if (id === undefined) {
      id = map.size + 1;
      map.set(syllable, id);
    }
    return id;
  };
  const markedId = (part: string): number =>
    part.startsWith(NEGATED_PREFIX) ? 2 * idIn(vocabulary, part.slice(1)) + 1 : 2 * idIn(vocabulary, part);
  const table = new IntKeyTable(featureKeys.length + Object.keys(json.lexiconEntries).length, Math.max(labelCount, 2));
  const charFeatures = new Map<string, number>();
  const intensifiedFeatures = new Map<string, number>();
  const symbolFeatures = new Map<string, number>();
  const lexiconFeature = { pos: -1, neg: -1, notPos: -1, notNeg: -1 };
  // Shorter prefixes of every n-gram are entered too, as PREFIX_ONLY when they carry no weight of
  // their own: a lookup that finds nothing for `a b` need not try `a b c`.
  const setNgram = (kind: number, parts: number[], index: number): void => {
    const [a = 0, b = 0, c = 0] = parts;
    if (b !== 0 && table.get(kind, a, 0, 0) === ABSENT) table.set(kind, a, 0, 0, PREFIX_ONLY);
    if (c !== 0 && table.get(kind, a, b, 0) === ABSENT) table.set(kind, a, b, 0, PREFIX_ONLY);
    table.set(kind, a, b, c, index);
  };

  // A text character n-gram is entered with every shorter prefix (PREFIX_ONLY unless weighted), so
  // that prediction extends an n-gram one character at a time and stops at the first absent one.
  const packed = (gram: string, upTo: number, from: number): number =>
    ((from < upTo ? gram.charCodeAt(from) : 0) << 16) | (from + 1 < upTo ? gram.charCodeAt(from + 1) : 0);
  const setCharNgram = (base: number, gram: string, index: number): void => {
    for (let length = 1; length <= gram.length; length++) {
      const kind = base + length;
      const a = packed(gram, length, 0);
      const b = packed(gram, length, 2);
      const c = packed(gram, length, 4);
      if (length === gram.length) table.set(kind, a, b, c, index);
      else if (table.get(kind, a, b, c) === ABSENT) table.set(kind, a, b, c, PREFIX_ONLY);
    }
  };
  featureKeys.forEach((key, index) => {
    const row = json.weights[key] as number[];
    for (let l = 0; l < labelCount; l++) weights[index * labelCount + l] = row[l] ?? 0;
    if (key.startsWith('c:')) charFeatures.set(key.slice(2), index);
    else if (key === 'lex:pos') lexiconFeature.pos = index;
    else if (key === 'lex:neg') lexiconFeature.neg = index;
    else if (key === 'lex:!pos') lexiconFeature.notPos = index;
    else if (key === 'lex:!neg') lexiconFeature.notNeg = index;
    else if (key.startsWith('w:')) setCharNgram(KIND_TEXT_CHAR, key.slice(2), index);
    else if (key.startsWith('x:')) setCharNgram(KIND_ACCENT_CHAR, key.slice(2), index);
    else if (key.startsWith('+')) intensifiedFeatures.set(key.slice(1), index);
    else if (key.startsWith('s:')) symbolFeatures.set(key, index);
    else if (key.startsWith('a:')) setNgram(KIND_ACCENT, key.slice(2).split(' ').map((p) => idIn(accentVocabulary, p)), index);
    else if (key.startsWith('^ ')) {
      const [a = 0, b = 0] = key.slice(2).split(' ').map(markedId);
      table.set(KIND_BOUNDARY, a, b, 0, index);
    } else if (key.endsWith(' $')) {
      const [a = 0, b = 0] = key.slice(0, -2).split(' ').map(markedId);
      table.set(KIND_BOUNDARY, a, b, 1, index);
    }
    else if (key.startsWith('>')) setNgram(KIND_CONTRAST, key.slice(1).split(' ').map(markedId), index);
    else if (key.includes(' * ')) setNgram(KIND_SKIP, key.split(' * ').map(markedId), index);
    else setNgram(KIND_WORD, key.split(' ').map(markedId), index);
  });
  const lexiconScores: number[] = [];
  const lexiconByPhrase = new Map<string, readonly [number, number]>();
  // Explanations find lexicon phrases by ids when every phrase is one to three syllables, as the table holds them.
  let lexiconByIds = true;
  if (options.lexicon) {
    for (const [phrase, scores] of Object.entries(json.lexiconEntries)) {
      const parts = phrase.split(' ');
      if (parts.length > 3 || parts.some((part) => part === '')) lexiconByIds = false;
      setNgram(KIND_LEXICON, phrase.split(' ').map((p) => 2 * idIn(vocabulary, p)), lexiconScores.length / 2);
      lexiconScores.push(scores[0], scores[1]);
      lexiconByPhrase.set(phrase, scores);
    }
  }
  // Each entry's row: its feature's weights, or its lexicon phrase's positive and negative scores.
  for (let entry = 0; entry < table.count; entry++) {
    const value = table.valueOf(entry);
    if (value < 0) continue;
    const row = entry * table.doubleStride + ROW;
    if (table.ints[entry * table.intStride] === KIND_LEXICON) {
      table.doubles[row] = lexiconScores[2 * value] as number;
      table.doubles[row + 1] = lexiconScores[2 * value + 1] as number;
    } else {
      for (let l = 0; l < labelCount; l++) table.doubles[row + l] = weights[value * labelCount + l] as number;
    }
  }
  const entryInts = table.ints;
  const entryDoubles = table.doubles;
  const intStride = table.intStride;
  const doubleStride = table.doubleStride;
  // Per syllable id: its intensified feature, and (filled on first use) its character n-gram features.
  const intensifiedById = new Int32Array(vocabulary.size + 1).fill(-1);
  for (const [syllable, index] of intensifiedFeatures) {
    const id = vocabulary.get(syllable);
    if (id !== undefined) intensifiedById[id] = index;
  }
  // A syllable's character n-grams always weigh the same: their summed weights are computed once
  // per syllable (vocabulary syllables by id, others in a bounded cache) and added as one vector.
  const charWeightsOfString = (norm: string): Float64Array => {
    const sum = new Float64Array(labelCount);
    const wrapped = '<' + norm + '>';
    for (let length = options.charNgramMin; length <= options.charNgramMax; length++) {
      for (let s = 0; s + length <= wrapped.length; s++) {
        const index = charFeatures.get(wrapped.slice(s, s + length));
        if (index === undefined) continue;
        for (let l = 0; l < labelCount; l++) sum[l] = (sum[l] as number) + (weights[index * labelCount + l] as number);
      }
    }
    return sum;
  };
  // Vocabulary syllables' sums in one flat array, a row per id (NaN until computed: a sum that is
  // NaN itself would only be computed again, to the same NaN).
  const charById = new Float64Array(options.charNgramMax > 0 ? (vocabulary.size + 1) * labelCount : 0).fill(NaN);
  /** Returns where the summed character n-gram weights of the vocabulary syllable `id` start in charById. */
  const charRowOf = (id: number, norm: string): number => {
    const row = id * labelCount;
    if (Number.isNaN(charById[row])) charById.set(charWeightsOfString(norm), row);
    return row;
  };
  const charCache = new Map<string, Float64Array>();
  const charWeightsOf = (norm: string): Float64Array => {
    let found = charCache.get(norm);
    if (found === undefined) {
      found = charWeightsOfString(norm);
      if (charCache.size > 100_000) charCache.clear(); // bounded: unseen words of a long stream
      charCache.set(norm, found);
    }
    return found;
  };

  const decision = json.decision;
  const flaggedMask = labels.map((label) => decision?.flaggedLabels.includes(label) ?? false);
  let ids = new Int32Array(256);
  let accentIds = new Int32Array(256);
  let charCodes = new Uint16Array(1024);
  const textCharMax = options.textCharNgramMax ?? 0;
  const textCharMin = options.textCharNgramMin ?? 0;
  const accentCharMax = options.accentCharNgramMax ?? 0;
  const accentCharMin = options.accentCharNgramMin ?? 0;
  /** Adds the weights of the text's character n-grams, built as charTextOf builds them, without allocating. */
  const addTextChars = (tokens: readonly Token[], accented: boolean, base: number, min: number, max: number): void => {
    let length = 0;
    let previousStart = -1;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as Token;
      if (accented && token.start === previousStart) continue;
      previousStart = token.start;
      const syllable = accented ? token.lower : token.norm;
      if (charCodes.length < length + syllable.length + 2) {
        const grown = new Uint16Array((length + syllable.length + 2) * 2);
        grown.set(charCodes.subarray(0, length));
        charCodes = grown;
      }
      charCodes[length++] = 32;
      for (let k = 0; k < syllable.length; k++) charCodes[length++] = syllable.charCodeAt(k);
    }
    if (length === 0) return;
    charCodes[length++] = 32;
    for (let s = 0; s < length; s++) {
      let a = 0;
      let b = 0;
      let c = 0;
      for (let k = 0; k < max && s + k < length; k++) {
        const code = charCodes[s + k] as number;
        if (k < 2) a |= code << (k === 0 ? 16 : 0);
        else if (k < 4) b |= code << (k === 2 ? 16 : 0);
        else c |= code << (k === 4 ? 16 : 0);
        const found = table.get(base + k + 1, a, b, c);
        if (found === ABSENT) break;
        if (found !== PREFIX_ONLY && k + 1 >= min) addFeature(found, 1);
      }
    }
  };
  const scores = new Float64Array(labelCount);

  const addFeature = (index: number, value: number): void => {
    const base = index * labelCount;
    for (let l = 0; l < labelCount; l++) scores[l] = (scores[l] as number) + value * (weights[base + l] as number);
  };
  /** Adds the feature found by a lookup, if any, and returns the lookup's answer. */
  const addIfPresent = (index: number): number => {
    if (index >= 0) addFeature(index, 1);
    return index;
  };
  /** Adds the weights of the table entry a lookup found (-1: none), if it is a feature, and returns its value (ABSENT when none). */
  const addEntry = (entry: number): number => {
    if (entry < 0) return ABSENT;
    const value = entryInts[entry * intStride + 4] as number;
    if (value >= 0) {
      // The row holds the feature's weights: value × weight with value 1, as addFeature adds them.
      const row = entry * doubleStride + ROW;
      for (let l = 0; l < labelCount; l++) scores[l] = (scores[l] as number) + (entryDoubles[row + l] as number);
    }
    return value;
  };

  const boundaries = Math.min(options.boundaries ?? 0, 2);
  const addBoundaries = (from: number, to: number): void => {
    const first = ids[from] as number;
    const last = ids[to - 1] as number;
    if (first !== 0) addEntry(table.find(KIND_BOUNDARY, first, 0, 0));
    if (last !== 0) addEntry(table.find(KIND_BOUNDARY, last, 0, 1));
    if (boundaries >= 2 && to - from >= 2) {
      const second = ids[from + 1] as number;
      const beforeLast = ids[to - 2] as number;
      if (first !== 0 && second !== 0) addEntry(table.find(KIND_BOUNDARY, first, second, 0));
      if (beforeLast !== 0 && last !== 0) addEntry(table.find(KIND_BOUNDARY, beforeLast, last, 1));
    }
  };

  // The ids of recently seen syllables (0: not in the vocabulary), in small Maps that stay in the
  // processor's caches: most syllables of a text are common ones, and a lookup in the full
  // vocabulary is a trip to memory.
  const recentIds = new Map<string, number>();
  const recentAccentIds = new Map<string, number>();

  // Per vocabulary syllable, a record of everything the model reads of a syllable on its own,
  // filled on first sight: a token's unigram weights, lexicon scores and character n-gram sums in
  // one cache line or two instead of a lookup each. Copies of the table's rows, added in the same
  // order: the same sums. Int32s (in the first two doubles): 1 when filled, then the values (feature
  // index, ABSENT or PREFIX_ONLY) of the unigram, the negated unigram and the lexicon phrase. Then,
  // in doubles: the unigram's weights, the summed character n-gram weights (when the model has
  // them) and the lexicon phrase's positive and negative scores (when it has a lexicon): 64 bytes
  // for three labels. The negated unigram's weights, read for few tokens, are kept apart.
  const RECORD_UNIGRAM = 2;
  const RECORD_CHARS = RECORD_UNIGRAM + labelCount;
  const RECORD_LEXICON = RECORD_CHARS + (options.charNgramMax > 0 ? labelCount : 0);
  const RECORD = Math.ceil((RECORD_LEXICON + (options.lexicon ? 2 : 0)) / 8) * 8;
  const recordDoubles = new Float64Array((vocabulary.size + 1) * RECORD);
  const negatedDoubles = new Float64Array((vocabulary.size + 1) * labelCount);
  const recordInts = new Int32Array(recordDoubles.buffer);
  // Tokens outside the vocabulary: only their character n-gram sums count, in a record per position
  // of the text being predicted.
  let looseDoubles: Float64Array = new Float64Array(16 * RECORD);
  /** Fills the record at `at` (in doubles) of the vocabulary syllable `norm` with id `id` (> 0). */
  const fillRecord = (at: number, id: number, norm: string): void => {
    const values = at * 2;
    const unigram = table.find(KIND_WORD, 2 * id, 0, 0);
    const negated = table.find(KIND_WORD, 2 * id + 1, 0, 0);
    const lexicon = options.lexicon ? table.find(KIND_LEXICON, 2 * id, 0, 0) : -1;
    recordInts[values + 1] = unigram < 0 ? ABSENT : table.valueOf(unigram);
    recordInts[values + 2] = negated < 0 ? ABSENT : table.valueOf(negated);
    recordInts[values + 3] = lexicon < 0 ? ABSENT : table.valueOf(lexicon);
    for (let l = 0; l < labelCount; l++) {
      recordDoubles[at + RECORD_UNIGRAM + l] = unigram < 0 ? 0 : (entryDoubles[unigram * doubleStride + ROW + l] as number);
      negatedDoubles[id * labelCount + l] = negated < 0 ? 0 : (entryDoubles[negated * doubleStride + ROW + l] as number);
    }
    if (options.lexicon) {
      recordDoubles[at + RECORD_LEXICON] = lexicon < 0 ? 0 : (entryDoubles[lexicon * doubleStride + ROW] as number);
      recordDoubles[at + RECORD_LEXICON + 1] = lexicon < 0 ? 0 : (entryDoubles[lexicon * doubleStride + ROW + 1] as number);
    }
    if (options.charNgramMax > 0) {
      const row = charRowOf(id, norm);
      for (let l = 0; l < labelCount; l++) recordDoubles[at + RECORD_CHARS + l] = charById[row + l] as number;
    }
    recordInts[values] = 1;
  };
  // The same for accented syllables in the accent vocabulary: an int32 1 when filled and an int32
  // value of the accented unigram, then its weights.
  const ACCENT_RECORD = Math.ceil((1 + labelCount) / 4) * 4;
  const accentDoubles = new Float64Array(accentMax > 0 ? (accentVocabulary.size + 1) * ACCENT_RECORD : 0);
  const accentInts = new Int32Array(accentDoubles.buffer);
  const fillAccentRecord = (at: number, id: number): void => {
    const unigram = table.find(KIND_ACCENT, id, 0, 0);
    accentInts[at * 2 + 1] = unigram < 0 ? ABSENT : table.valueOf(unigram);
    for (let l = 0; l < labelCount; l++) accentDoubles[at + 1 + l] = unigram < 0 ? 0 : (entryDoubles[unigram * doubleStride + ROW + l] as number);
    accentInts[at * 2] = 1;
  };
  // Per process-wide syllable id (Token.normId, Token.lowerId): the syllable's id in this model's
  // vocabulary (0: not in it). An array index instead of a string lookup.
  const vocabularyIds = new SyllableIdCache((norm) => vocabulary.get(norm) ?? 0);
  const accentVocabularyIds = new SyllableIdCache((lower) => accentVocabulary.get(lower) ?? 0);
  // Per token of the text being predicted: where its record starts (in doubles; a negative r means
  // -1 - r in the loose records).
  let recordOf = new Int32Array(256);
  let accentRecordOf = new Int32Array(256);
  let bigramEntries = new Int32Array(256);
  // The tokens whose ids `ids` and `accentIds` hold (explanations reuse them).
  let idsOf: readonly Token[] | null = null;
  const fillIds = (tokens: readonly Token[]): void => {
    const n = tokens.length;
    if (ids.length < n) {
      ids = new Int32Array(n * 2);
      accentIds = new Int32Array(n * 2);
      recordOf = new Int32Array(n * 2);
      accentRecordOf = new Int32Array(n * 2);
    }
    for (let i = 0; i < n; i++) {
      const token = tokens[i] as Token;
      const normId = token.normId;
      let id: number;
      if (normId === 0) {
        id = recentId(recentIds, vocabulary, token.norm);
      } else {
        id = vocabularyIds.get(normId, token.norm);
      }
      if (id > 0) {
        const at = id * RECORD;
        if (recordInts[at * 2] === 0) fillRecord(at, id, token.norm);
        recordOf[i] = at;
      } else {
        const at = i * RECORD;
        if (options.charNgramMax > 0) {
          if (looseDoubles.length < at + RECORD) {
            const grown = new Float64Array(Math.max(looseDoubles.length * 2, at + RECORD));
            grown.set(looseDoubles);
            looseDoubles = grown;
          }
          const sum = charWeightsOf(token.norm);
          for (let l = 0; l < labelCount; l++) looseDoubles[at + RECORD_CHARS + l] = sum[l] as number;
        }
        recordOf[i] = -1 - at;
      }
      ids[i] = id === 0 ? 0 : 2 * id + (token.negated ? 1 : 0);
      if (accentMax > 0) {
        const lowerId = token.lowerId;
        let accentId: number;
        if (lowerId === 0) {
          accentId = recentId(recentAccentIds, accentVocabulary, token.lower);
        } else {
          accentId = accentVocabularyIds.get(lowerId, token.lower);
        }
        accentIds[i] = accentId;
        if (accentId > 0) {
          const at = accentId * ACCENT_RECORD;
          if (accentInts[at * 2] === 0) fillAccentRecord(at, accentId);
          accentRecordOf[i] = at;
        }
      }
    }
    // The bigrams' table entries (-1: none), in a loop of lookups that do not wait on one another
    // (the processor overlaps their trips to memory); predictions add them in the usual order. A
    // bigram whose first syllable has no entry of its own has none either (prefixes are entered).
    if (options.wordNgramMax >= 2) {
      if (bigramEntries.length < n) bigramEntries = new Int32Array(n * 2);
      for (let i = 0; i + 1 < n; i++) {
        const a = ids[i] as number;
        const b = ids[i + 1] as number;
        // (A token whose unigram the table lacks altogether starts no bigram: no lookup.)
        const starts = a !== 0 && b !== 0 && recordInts[(recordOf[i] as number) * 2 + 1 + (a & 1)] !== ABSENT;
        bigramEntries[i] = starts ? table.find(KIND_WORD, a, b, 0) : -1;
      }
    }
    idsOf = tokens;
  };

  const addSymbol = (key: string): void => {
    const index = symbolFeatures.get(key);
    if (index !== undefined) addFeature(index, 1);
  };

  const predictTokens = (
    tokens: readonly Token[],
    text: string,
    predictOptions: { explain?: boolean; top?: number } = {},
  ): Prediction => {
    const n = tokens.length;
    fillIds(tokens);
    scores.fill(0);
    const contrastAt = options.contrast ? lastContrast(tokens) : n;
    const ngramMax = options.wordNgramMax;
    for (let i = 0; i < n; i++) {
      const a = ids[i] as number;
      const b = i + 1 < n ? (ids[i + 1] as number) : 0;
      const c = i + 2 < n ? (ids[i + 2] as number) : 0;
      // The token's record (a loose one, holding only character n-gram sums, outside the vocabulary).
      const record = recordOf[i] as number;
      const doubles = record >= 0 ? recordDoubles : looseDoubles;
      const at = record >= 0 ? record : -1 - record;
      // An n-gram through an unknown syllable (id 0) was never learnt.
      if (a !== 0) {
        // The unigram (negated or not) from the record, as addEntry adds a table entry.
        const negated = a & 1;
        const unigram = recordInts[at * 2 + 1 + negated] as number;
        if (unigram >= 0) {
          if (negated === 0) {
            for (let l = 0; l < labelCount; l++) scores[l] = (scores[l] as number) + (recordDoubles[at + RECORD_UNIGRAM + l] as number);
          } else {
            const row = (a >> 1) * labelCount;
            for (let l = 0; l < labelCount; l++) scores[l] = (scores[l] as number) + (negatedDoubles[row + l] as number);
          }
        }
        if (unigram !== ABSENT && ngramMax >= 2 && b !== 0) {
          if (addEntry(bigramEntries[i] as number) !== ABSENT && ngramMax >= 3 && c !== 0) {
            addEntry(table.find(KIND_WORD, a, b, c));
          }
        }
        if (options.skipBigrams && c !== 0) addEntry(table.find(KIND_SKIP, a, c, 0));
        if (i > contrastAt) {
          addEntry(table.find(KIND_CONTRAST, a, 0, 0));
          if (b !== 0) addEntry(table.find(KIND_CONTRAST, a, b, 0));
        }
      }
      if (accentMax > 0) {
        const x = accentIds[i] as number;
        const y = i + 1 < n ? (accentIds[i + 1] as number) : 0;
        if (x !== 0) {
          const accentAt = accentRecordOf[i] as number;
          const unigram = accentInts[accentAt * 2 + 1] as number;
          if (unigram >= 0) {
            for (let l = 0; l < labelCount; l++) scores[l] = (scores[l] as number) + (accentDoubles[accentAt + 1 + l] as number);
          }
          if (unigram !== ABSENT && accentMax >= 2 && y !== 0) {
            const z = i + 2 < n ? (accentIds[i + 2] as number) : 0;
            if (addEntry(table.find(KIND_ACCENT, x, y, 0)) !== ABSENT && accentMax >= 3 && z !== 0) {
              addEntry(table.find(KIND_ACCENT, x, y, z));
            }
          }
        }
      }
      const token = tokens[i] as Token;
      if (options.charNgramMax > 0) {
        for (let l = 0; l < labelCount; l++) scores[l] = (scores[l] as number) + (doubles[at + RECORD_CHARS + l] as number);
      }
      if (options.intensifiers && token.intensified && a !== 0) addIfPresent(intensifiedById[a >> 1] as number);
      if (options.lexicon && a !== 0) {
        const negated = (a & 1) === 1;
        const pos = negated ? lexiconFeature.notPos : lexiconFeature.pos;
        const neg = negated ? lexiconFeature.notNeg : lexiconFeature.neg;
        const plainA = a & ~1;
        const plainB = b & ~1;
        const plainC = c & ~1;
        for (let k = 0; k < 3; k++) {
          if ((k >= 1 && plainB === 0) || (k >= 2 && plainC === 0)) break;
          let positive: number;
          let negative: number;
          if (k === 0) {
            // The one-syllable phrase from the record.
            const value = recordInts[at * 2 + 3] as number;
            if (value === ABSENT) break; // no lexicon phrase starts this way
            if (value === PREFIX_ONLY) continue;
            positive = recordDoubles[at + RECORD_LEXICON] as number;
            negative = recordDoubles[at + RECORD_LEXICON + 1] as number;
          } else {
            const found = table.find(KIND_LEXICON, plainA, plainB, k >= 2 ? plainC : 0);
            if (found < 0) break; // no lexicon phrase starts this way
            if ((entryInts[found * intStride + 4] as number) === PREFIX_ONLY) continue;
            // The entry's row holds the phrase's scores.
            positive = entryDoubles[found * doubleStride + ROW] as number;
            negative = entryDoubles[found * doubleStride + ROW + 1] as number;
          }
          if (pos >= 0 && positive > 0) addFeature(pos, positive);
          if (neg >= 0 && negative > 0) addFeature(neg, negative);
        }
      }
    }
    if (textCharMax > 0) addTextChars(tokens, false, KIND_TEXT_CHAR, textCharMin, textCharMax);
    if (accentCharMax > 0) addTextChars(tokens, true, KIND_ACCENT_CHAR, accentCharMin, accentCharMax);
    // Sentence- or clause-boundary n-grams: `^ a`, `^ a b` (side 0) and `z $`, `y z $` (side 1).
    if (boundaries > 0) forEachClause(tokens, text, options.clauseBoundaries === true, addBoundaries);
    if (options.symbols) {
      visitSymbols(tokens, text, addSymbol, readCodeUnits(text));
    }
    const scale = lengthScale(options, n);
    for (let l = 0; l < labelCount; l++) scores[l] = (bias[l] as number) + scale * (scores[l] as number);
    // softmax
    let best = 0;
    for (let l = 1; l < labelCount; l++) if ((scores[l] as number) > (scores[best] as number)) best = l;
    const max = scores[best] as number;
    let sum = 0;
    const probabilities = new Array<number>(labelCount);
    for (let l = 0; l < labelCount; l++) {
      const e = Math.exp((scores[l] as number) - max);
      probabilities[l] = e;
      sum += e;
    }
    let flaggedProbability = 0;
    for (let l = 0; l < labelCount; l++) {
      probabilities[l] = (probabilities[l] as number) / sum;
      if (flaggedMask[l]) flaggedProbability += probabilities[l] as number;
    }
    let label = labels[best] as string;
    let flagged = false;
    if (decision !== null) {
      flagged = flaggedProbability >= decision.threshold;
      // The decision rule overrides the arg-max: flagged → the likelier flagged label, else the likelier other one.
      let chosen = -1;
      for (let l = 0; l < labelCount; l++) {
        if (flaggedMask[l] !== flagged) continue;
        if (chosen < 0 || (probabilities[l] as number) > (probabilities[chosen] as number)) chosen = l;
      }
      label = labels[chosen] as string;
    }
    const prediction: Prediction = { label, probabilities, flagged, flaggedProbability };
    if (predictOptions.explain) {
      prediction.contributions = explainTokens(tokens, text, labels.indexOf(label), predictOptions.top ?? 5, true);
    }
    return prediction;
  };

  let weightsByKey: Map<string, number[]> | undefined;
  // A syllable's `c:` features that carry weights, in visiting order (bounded cache).
  const charKeyCache = new Map<string, readonly number[]>();
  // The same by the token's process-wide syllable id (bounded by syllableId's own limit): an array
  // read instead of a string lookup per token explained.
  const charKeysById: (readonly number[] | undefined)[] = [];
  const charIndexesOf = (token: Token): readonly number[] => {
    const id = token.normId;
    if (id === 0) return charIndexesOfString(token.norm);
    let keys = charKeysById[id];
    if (keys === undefined) {
      keys = charIndexesOfString(token.norm);
      while (charKeysById.length < id) charKeysById.push(undefined);
      charKeysById[id] = keys;
    }
    return keys;
  };
  const charIndexesOfString = (norm: string): readonly number[] => {
    let keys = charKeyCache.get(norm);
    if (keys === undefined) {
      const list: number[] = [];
      const wrapped = '<' + norm + '>';
      for (let length = options.charNgramMin; length <= options.charNgramMax; length++) {
        for (let s = 0; s + length <= wrapped.length; s++) {
          const index = charFeatures.get(wrapped.slice(s, s + length));
          if (index !== undefined) list.push(index);
        }
      }
      keys = list;
      if (charKeyCache.size > 100_000) charKeyCache.clear();
      charKeyCache.set(norm, keys);
    }
    return keys;
  };
  // Answers from the ids predictTokens filled for the tokens being explained.
  const known: KnownFeatures = {
    word(i, k) {
      const a = ids[i] as number;
      if (a === 0) return ABSENT;
      // Unigrams from the token's record and bigrams from the entries fillIds found: the table's answers.
      if (k === 0) return recordInts[(recordOf[i] as number) * 2 + 1 + (a & 1)] as number;
      const b = ids[i + 1] as number;
      if (b === 0) return ABSENT;
      if (k === 1) {
        const entry = bigramEntries[i] as number;
        return entry < 0 ? ABSENT : table.valueOf(entry);
      }
      const c = ids[i + 2] as number;
      return c === 0 || k > 2 ? ABSENT : table.get(KIND_WORD, a, b, c);
    },
    skip(i) {
      const a = ids[i] as number;
      const c = ids[i + 2] as number;
      return a === 0 || c === 0 ? ABSENT : table.get(KIND_SKIP, a, c, 0);
    },
    accent(i, k) {
      const x = accentIds[i] as number;
      if (x === 0) return ABSENT;
      if (k === 0) return accentInts[(accentRecordOf[i] as number) * 2 + 1] as number;
      const y = accentIds[i + 1] as number;
      if (y === 0) return ABSENT;
      if (k === 1) return table.get(KIND_ACCENT, x, y, 0);
      const z = accentIds[i + 2] as number;
      return z === 0 || k > 2 ? ABSENT : table.get(KIND_ACCENT, x, y, z);
    },
    charIndexesOf,
    lexicon: lexiconByIds
      ? (i, k) => {
          // Every lexicon syllable is in the vocabulary: a token outside it ends every phrase.
          const a = (ids[i] as number) & ~1;
          const b = k >= 1 ? (ids[i + 1] as number) & ~1 : 0;
          const c = k >= 2 ? (ids[i + 2] as number) & ~1 : 0;
          if (a === 0 || (k >= 1 && b === 0) || (k >= 2 && c === 0)) return NO_LONGER_PHRASE;
          // Every phrase's prefixes are entered: none here, none longer.
          const entry = table.find(KIND_LEXICON, a, b, c);
          return entry < 0 ? NO_LONGER_PHRASE : table.valueOf(entry) === PREFIX_ONLY ? -1 : entry;
        }
      : null,
    lexiconScore: (entry, side) => entryDoubles[entry * doubleStride + ROW + side] as number,
    lexiconFeature: (negated, side) =>
      negated ? (side === 0 ? lexiconFeature.notPos : lexiconFeature.notNeg) : side === 0 ? lexiconFeature.pos : lexiconFeature.neg,
    intensified: (token) => intensifiedFeatures.get(token.norm) ?? -1,
    boundary(from, to, k, side) {
      // Keys as compileLinearModel enters them: (first, second or 0, side) of marked ids.
      const first = side === 0 ? from : to - k;
      const a = ids[first] as number;
      const b = k >= 2 ? (ids[first + 1] as number) : 0;
      if (a === 0 || (k >= 2 && b === 0) || k > 2) return -1;
      return table.get(KIND_BOUNDARY, a, b, side);
    },
  };
  // Per label: each feature's weight for it minus the mean of the other labels' (filled on first use).
  const marginsByLabel: (Float64Array | undefined)[] = [];
  const marginOf = (row: readonly number[], labelIndex: number): number => {
    let others = 0;
    for (let l = 0; l < labelCount; l++) if (l !== labelIndex) others += row[l] as number;
    return (row[labelIndex] as number) - (labelCount > 1 ? others / (labelCount - 1) : 0);
  };
  const marginsFor = (labelIndex: number): Float64Array => {
    let margins = marginsByLabel[labelIndex];
    if (margins === undefined) {
      margins = new Float64Array(featureKeys.length);
      for (let index = 0; index < featureKeys.length; index++) margins[index] = marginOf(json.weights[featureKeys[index] as string] as number[], labelIndex);
      marginsByLabel[labelIndex] = margins;
    }
    return margins;
  };
  /** The contributions of one span: their summed weight and their keys, in visiting order. */
  interface Merged {
    start: number;
    end: number;
    weight: number;
    /** Keys, or feature indexes standing for their keys (left empty when the keys are not asked for). */
    features: (string | number)[];
  }
  // Shared by every span explained without keys: nothing is ever pushed to it.
  const NO_FEATURES: (string | number)[] = [];
  // The spans of the explanation being built, (start, end) → index in its `merged` list, in an
  // open-addressing table reused by every explanation (a slot belongs to the current one when its
  // stamp is the current stamp): a Map per explanation cost more to grow than the rest of it.
  let spanStamps = new Uint32Array(64);
  let spanStarts = new Int32Array(64);
  let spanEnds = new Int32Array(64);
  let spanMerged = new Int32Array(64);
  let spanStamp = 0;
  const spanSlot = (start: number, end: number): number => {
    const mask = spanStamps.length - 1;
    let slot = (Math.imul(start, 0x9e3779b1) ^ Math.imul(end, 0x85ebca77)) >>> 0;
    slot = (slot ^ (slot >>> 15)) & mask;
    while (spanStamps[slot] === spanStamp && (spanStarts[slot] !== start || spanEnds[slot] !== end)) slot = (slot + 1) & mask;
    return slot;
  };
  /** Enters span `index` of `merged` (which holds every span entered so far), growing the table to stay at most half full. */
  const enterSpan = (merged: readonly Merged[], index: number): void => {
    if ((index + 1) * 2 > spanStamps.length) {
      const size = spanStamps.length * 2;
      spanStamps = new Uint32Array(size);
      spanStarts = new Int32Array(size);
      spanEnds = new Int32Array(size);
      spanMerged = new Int32Array(size);
      for (let k = 0; k < index; k++) enterSpan(merged, k);
    }
    const span = merged[index] as Merged;
    const slot = spanSlot(span.start, span.end);
    spanStamps[slot] = spanStamp;
    spanStarts[slot] = span.start;
    spanEnds[slot] = span.end;
    spanMerged[slot] = index;
  };
  const keyOf = (feature: string | number): string => (typeof feature === 'number' ? (featureKeys[feature] as string) : feature);
  const explainTokens = (tokens: readonly Token[], text: string, labelIndex: number, top: number, withKeys: boolean): Contribution[] => {
    // Overlapping n-grams of one phrase are merged: the span is their union, the weight their sum
    // (in visiting order), the feature their keys joined by ` | `. Each span's sum is kept as the
    // features are visited, and only the spans are sorted. Without keys (classify shows only the
    // phrases and weights), no key is collected or joined: for the offensive model a syllable's
    // span merges a dozen character n-grams, whose keys cost more than their weights.
    const merged: Merged[] = [];
    spanStamp = (spanStamp + 1) >>> 0;
    if (spanStamp === 0) {
      // After 2³² explanations: no slot may look current.
      spanStamps.fill(0);
      spanStamp = 1;
    }
    // A Map, not the JSON object: a text saying `constructor` must not find Object.prototype's.
    weightsByKey ??= new Map(Object.entries(json.weights));
    const rows = weightsByKey;
    const margins = marginsFor(labelIndex);
    visitFeaturesOf(
      tokens,
      text,
      options,
      options.lexicon ? lexiconByPhrase : null,
      (key, value, start, end, index) => {
        let margin: number;
        if (index >= 0) margin = margins[index] as number;
        else {
          const row = rows.get(key);
          if (row === undefined) return;
          margin = marginOf(row, labelIndex);
        }
        if (margin === 0) return;
        const weight = value * margin;
        // The key itself, or the feature's index (its key is read only for the phrases shown).
        const feature = index >= 0 ? index : key;
        const slot = spanSlot(start, end);
        if (spanStamps[slot] !== spanStamp) {
          const created: Merged = { start, end, weight, features: withKeys ? [feature] : NO_FEATURES };
          merged.push(created);
          enterSpan(merged, merged.length - 1);
        } else {
          const same = merged[spanMerged[slot] as number] as Merged;
          same.weight += weight;
          if (withKeys) same.features.push(feature);
        }
      },
      known,
    );
    // The phrases that raised the label most, heaviest first, then by start and by end: sorting the
    // spans by (start, end) and then, stably, by (weight, start) gives this order, which is total
    // (no two spans are alike), so the first `top` are also found by inserting each in a short list.
    let shown: Merged[];
    if (Number.isInteger(top) && top >= 0) {
      shown = [];
      for (const candidate of merged) {
        if (!(candidate.weight > 0)) continue;
        let at = shown.length;
        while (at > 0 && ranksBefore(candidate, shown[at - 1] as Merged)) at--;
        if (at >= top) continue;
        // Insert at `at`, dropping the last when the list is full (splice is a runtime call, slow for a list of five).
        let k = shown.length < top ? shown.length : top - 1;
        if (k === shown.length) shown.push(candidate);
        for (; k > at; k--) shown[k] = shown[k - 1] as Merged;
        shown[at] = candidate;
      }
    } else {
      merged.sort((a, b) => a.start - b.start || a.end - b.end);
      shown = merged
        .filter((c) => c.weight > 0)
        .sort((a, b) => b.weight - a.weight || a.start - b.start)
        .slice(0, top);
    }
    return shown.map((c) => ({ feature: withKeys ? c.features.map(keyOf).join(' | ') : '', start: c.start, end: c.end, text: text.slice(c.start, c.end), weight: Math.round(c.weight * 1000) / 1000 }));
  };
  /** Returns true when phrase `a` is shown before phrase `b`: heavier, or as heavy and starting sooner, or ending sooner. */
  const ranksBefore = (a: Merged, b: Merged): boolean => (b.weight - a.weight || a.start - b.start || a.end - b.end) < 0;

  const explainPrediction = (tokens: readonly Token[], text: string, prediction: Prediction, top = 5, explainOptions: { keys?: boolean } = {}): Contribution[] => {
    if (idsOf !== tokens) fillIds(tokens);
    return explainTokens(tokens, text, labels.indexOf(prediction.label), top, explainOptions.keys !== false);
  };

  return {
    json,
    labels,
    predictTokens,
    explainPrediction,
    predict: (text, predictOptions) => predictTokens(analyzeText(text), text, predictOptions),
  };
}
