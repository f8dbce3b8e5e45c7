// 64-bit SimHash of a text's folded syllable shingles, for finding the same story across sources.
// Shingles are built from each token's `norm` (folded, teencode expanded), so accents, case, NFC/NFD
// and `ko`/`không` do not change the signature. Overlapping shingles keep most of their weight when
// sentences are reordered or a headline changes; two different stories that share vocabulary share
// few three-syllable shingles, so their signatures stay far apart.
import { analyzeText } from './analyze-text.ts';

/** Syllables per shingle: 3 separates same-vocabulary stories far better than 2 (see the tests). */
export const SHINGLE_SYLLABLES = 3;

/** A text's SimHash with what clustering needs to judge it. */
export interface TextSignature {
  /** The 64-bit signature as a signed integer, ready for a PostgreSQL `bigint`. */
  simhash: bigint;
  /** How many syllables (after teencode expansion) the signature was built from. */
  syllables: number;
}

// Two independent 32-bit hashes of each shingle (murmur-style mixing with different seeds) give
// the 64 bits; strings hash in JavaScript numbers, never BigInt, which keeps this in microseconds.
function hash32(text: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    let k = Math.imul(text.charCodeAt(i), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= text.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

const SEED_LOW = 0x9747b28c;
const SEED_HIGH = 0x3c6ef372;

/** Returns the shingles (space-joined runs of `size` syllables) of a list of syllables; a shorter list is one shingle. */
export function shingleSyllables(syllables: readonly string[], size = SHINGLE_SYLLABLES): string[] {
  if (syllables.length === 0) return [];
  if (syllables.length <= size) return [syllables.join(' ')];
  const shingles: string[] = [];
  for (let i = 0; i + size <= syllables.length; i++) shingles.push(syllables.slice(i, i + size).join(' '));
  return shingles;
}

/** Returns the signed 64-bit SimHash of the shingles (0 when there are none). */
export function simhashOfShingles(shingles: readonly string[]): bigint {
  if (shingles.length === 0) return 0n;
  const weights = new Int32Array(64);
  for (const shingle of shingles) {
    const low = hash32(shingle, SEED_LOW);
    const high = hash32(shingle, SEED_HIGH);
    for (let bit = 0; bit < 32; bit++) {
      weights[bit]! += (low >>> bit) & 1 ? 1 : -1;
      weights[bit + 32]! += (high >>> bit) & 1 ? 1 : -1;
    }
  }
  let low = 0;
  let high = 0;
  for (let bit = 0; bit < 32; bit++) {
    if (weights[bit]! > 0) low |= 1 << bit;
    if (weights[bit + 32]! > 0) high |= 1 << bit;
  }
  return joinWords(high, low);
}

/** A text's shingles and how many syllables they came from. */
export interface ShingledText {
  shingles: string[];
  syllables: number;
}

/** Returns the distinct shingles of a text's normalised syllables (folded, teencode expanded) and the syllable count. */
export function shingleText(text: string): ShingledText {
  const syllables = analyzeText(text).map((token) => token.norm);
  // A set: a phrase repeated in one article (a name, a boilerplate line) counts once.
  return { shingles: [...new Set(shingleSyllables(syllables))], syllables: syllables.length };
}

/** A text's signature with its shingles as sorted distinct 32-bit hashes, for exact overlap checks. */
export interface ShingleFingerprint extends TextSignature {
  /** Each distinct shingle's 32-bit hash (the signature's low word hash), ascending. */
  hashes: Uint32Array;
}

/** Returns the text's SimHash, syllable count and sorted shingle hashes, from one analysis. */
export function fingerprintText(text: string): ShingleFingerprint {
  const { shingles, syllables } = shingleText(text);
  const hashes = new Uint32Array(shingles.length);
  for (let i = 0; i < shingles.length; i++) hashes[i] = hash32(shingles[i]!, SEED_LOW) >>> 0;
  hashes.sort();
  // Distinct shingles can share a 32-bit hash (rarely); keep each value once.
  let size = 0;
  for (let i = 0; i < hashes.length; i++) if (i === 0 || hashes[i] !== hashes[size - 1]) hashes[size++] = hashes[i]!;
  return { simhash: simhashOfShingles(shingles), syllables, hashes: hashes.slice(0, size) };
}

/** Returns the Jaccard similarity of two sorted sets of shingle hashes (0 when either is empty). */
export function jaccardOfHashes(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 || b.length === 0) return 0;
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      shared++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return shared / (a.length + b.length - shared);
}

/** Returns the SimHash of a text and how many syllables it has. */
export function signText(text: string): TextSignature {
  const { shingles, syllables } = shingleText(text);
  return { simhash: simhashOfShingles(shingles), syllables };
}

/** Returns the signed 64-bit SimHash of a text's distinct folded syllable shingles. */
export function simhash(text: string): bigint {
  return signText(text).simhash;
}

/** Returns the signed 64-bit integer whose high and low 32 bits are the given words. */
export function joinWords(high: number, low: number): bigint {
  return BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0));
}

/** Returns the high and low 32 bits of a 64-bit signature as int32 words, for fast comparisons. */
export function splitWords(signature: bigint): { high: number; low: number } {
  return { high: Number(BigInt.asIntN(32, signature >> 32n)), low: Number(BigInt.asIntN(32, signature)) };
}

/** Returns the number of set bits in a 32-bit word. */
export function popCount32(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Returns how many of the 64 bits differ between two signatures. */
export function hammingDistance(a: bigint, b: bigint): number {
  const x = splitWords(a);
  const y = splitWords(b);
  return popCount32(x.high ^ y.high) + popCount32(x.low ^ y.low);
}
