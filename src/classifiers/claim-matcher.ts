// Matching incoming text against the register of known claims (rumours staff have already checked).
//
// A claim is a bag of folded syllable unigrams and bigrams (of `norm`, so accents, case, NFD and
// teencode do not matter), each weighted by its IDF. A text matches a claim by the share of the
// claim's weight it contains ("weighted claim coverage"): paraphrase and reordering keep most of
// the rare words, and a claim quoted inside a long article still has all of its words there, which
// plain cosine similarity would dilute. Bigrams reward the claim's own phrasing without requiring
// it, weighted by what they add to their syllables (`đóng cửa` much, `Trần Phú` nothing). Function
// words and generic education words (`học sinh`, `trường`, `phụ huynh`) keep only part of their
// IDF (a built-in background list), so two items about schools do not match just for being about
// schools. An inverted index over each claim's heaviest terms (prefix filtering) means only claims
// that can still reach the threshold are scored.

import type { Verdict } from '../domain/item.ts';
import { analyzeText, type Token } from '../text/analyze-text.ts';
import { normalizeText } from '../text/normalize-text.ts';
import { SyllableIdCache } from '../text/syllable-id-cache.ts';
import { tokenizeSyllables } from '../text/tokenize-syllables.ts';

/** A known claim as the matcher needs it (the domain `Claim` fits). */
export interface ClaimDefinition {
  id: number;
  statement: string;
  verdict: Verdict;
  correction: string | null;
  /** Claims with `enabled: false` are left out of the index. */
  enabled?: boolean;
}

/** One claim a text matched, with the similarity in 0..1. */
export interface ClaimMatch {
  claimId: number;
  score: number;
  verdict: Verdict;
  correction: string | null;
}

/** Document frequencies from a corpus of the site's own items, to refine the built-in background. */
export interface DocumentFrequencyTable {
  documents: number;
  /** Folded term (`hoc`, or a bigram `hoc phi`) → number of documents containing it. */
  frequency: ReadonlyMap<string, number>;
}

/** How claims are compiled. */
export interface CompileClaimsOptions {
  documentFrequency?: DocumentFrequencyTable;
}

/** How a text is matched. */
export interface MatchClaimsOptions {
  /** Minimum score to report (default `CLAIM_MATCH_THRESHOLD`). */
  threshold?: number;
  /** At most this many matches, best first (default 5). */
  limit?: number;
}

/**
 * The score from which a text is said to repeat a claim. Tuned on test/fixtures/claims: every
 * rewording and unrelated item there is scored by test/unit/classifiers/claim-matcher.test.ts.
 */
export const CLAIM_MATCH_THRESHOLD = 0.6;

// Weight of a bigram relative to the unigrams it is made of: phrasing counts, but less than words.
const BIGRAM_FACTOR = 0.5;

// The built-in background: IDF from the claims alone overrates words that are common everywhere
// but happen to be rare among the claims, so function words keep a tenth of their IDF and
// generic education words about a third.
const FUNCTION_WORD_SHARE = 0.1;
const TOPIC_WORD_SHARE = 0.35;

// Vietnamese function words, pronouns, copulas, common verbs and rumour framing, folded.
const FUNCTION_WORDS = `
va voi cua la thi ma nhung nhu nay kia do day o tai tu den cho bi duoc duoc khong chua chang
co cac mot hai nhieu it moi tat ca nhung nao gi ai sao vi vay nen neu khi luc da dang se van con
cung deu rat qua lam hon nhat lai ra vao len xuong di ve theo trong ngoai tren duoi sau truoc
gan xa vua moi roi xong het nua thoi a a oi nhe nha ha ah u uh day the nay kia ay toi minh ban
chung ta ho anh chi em ong ba co chu bac no ai nguoi ta moi nguoi ca voi cho nen hay hoac hoac
tuy nhung ma boi vi rang la lam nguoi thay noi nghe bao bao tin cho biet theo do thoi
nhung ma cu vi the nen thi phai can muon biet thay hieu xem dang tin chia se nghe noi nghe bao
`;

// Words every item about local schools uses: shared by related and unrelated items alike.
const TOPIC_WORDS = `
hoc sinh truong hoc giao vien phu huynh lop nam hoc thay co con chau be tre em cac chau
tieu hoc thcs thpt mam non trung hoc co so pho thong nha truong ban giam hieu hieu truong
phuong xa quan huyen thanh pho ubnd uy ban nhan dan so giao duc dao tao phong gd dt
ngay thang tuan ky hoc ki thong bao moi nam nay nam sau sap toi tu nay
san truong cong truong lop hoc giao duc hoc tap tre be con em nha tre
`;

const FUNCTION_TERMS = new Set(FUNCTION_WORDS.split(/\s+/).filter(Boolean));
const TOPIC_TERMS = new Set(TOPIC_WORDS.split(/\s+/).filter(Boolean));

/** Claims compiled once: vocabulary, weights and an inverted index. Reuse it for every text. */
export interface ClaimIndex {
  readonly claims: readonly ClaimDefinition[];
  /** Folded syllable → unigram term id (only syllables that occur in some claim). */
  readonly unigramIds: ReadonlyMap<string, number>;
  /** The same by the tokens' process-wide syllable ids (-1: not a term). */
  readonly unigramIdsById: SyllableIdCache;
  /** `first * vocabulary + second` → bigram term id. */
  readonly bigramIds: ReadonlyMap<number, number>;
  readonly vocabulary: number;
  /** Term id → inverse document frequency, bigrams already reduced to what they add. */
  readonly idf: Float64Array;
  /**
   * The inverted index, flat: the postings of term t are entries postingStart[t] … postingStart[t+1]-1
   * of postingClaim / postingShare. Only each claim's heaviest terms are indexed (see PRUNE_FLOOR).
   */
  readonly postingStart: Int32Array;
  readonly postingClaim: Int32Array;
  readonly postingShare: Float64Array;
  /** Per claim, its other terms (entries claimRestStart[c] … claimRestStart[c+1]-1) and their total share. */
  readonly claimRestStart: Int32Array;
  readonly claimRestTerm: Int32Array;
  readonly claimRestShare: Float64Array;
  readonly claimRestTotal: Float64Array;
  /** Per claim, every term and its share (the baseline and low thresholds use these). */
  readonly claimTerms: readonly (readonly { term: number; share: number }[])[];
  /** Scratch space reused between calls (single-threaded use). */
  readonly scratch: { scores: Float64Array; seen: Uint32Array; stamp: number };
}

// Prefix filtering: each claim is indexed under its heaviest terms only, enough of them that the
// terms left out weigh less than PRUNE_FLOOR. A text scoring PRUNE_FLOOR or more against a claim
// must then share an indexed term with it, so looking up the indexed terms finds every claim that
// can reach any threshold ≥ PRUNE_FLOOR, and the common words no longer make every claim a
// candidate. Lower thresholds score every claim.
const PRUNE_FLOOR = 0.3;

function inverseDocumentFrequency(term: string, claimFrequency: number, claimCount: number, table?: DocumentFrequencyTable): number {
  const idf = Math.log((claimCount + 1) / claimFrequency);
  if (!table) return idf;
  return (idf + Math.log((table.documents + 1) / ((table.frequency.get(term) ?? 0) + 1))) / 2;
}

// The share of its IDF a syllable keeps: less for function words and generic education words.
function backgroundFactor(syllable: string): number {
  if (FUNCTION_TERMS.has(syllable)) return FUNCTION_WORD_SHARE;
  if (TOPIC_TERMS.has(syllable)) return TOPIC_WORD_SHARE;
  return 1;
}

function normsOf(tokens: readonly Token[]): string[] {
  const norms: string[] = [];
  for (const token of tokens) norms.push(token.norm);
  return norms;
}

/** Returns an index of the enabled claims, ready for `matchClaims`. */
export function compileClaims(claims: readonly ClaimDefinition[], options: CompileClaimsOptions = {}): ClaimIndex {
  const kept = claims.filter((claim) => claim.enabled !== false);
  const claimSyllables = kept.map((claim) => normsOf(analyzeText(normalizeText(claim.statement))));

  const unigramIds = new Map<string, number>();
  for (const syllables of claimSyllables) {
    for (const syllable of syllables) if (!unigramIds.has(syllable)) unigramIds.set(syllable, unigramIds.size);
  }
  const vocabulary = unigramIds.size;
  const bigramIds = new Map<number, number>();
  const termNames: string[] = [...unigramIds.keys()];
  const claimTermSets = claimSyllables.map((syllables) => {
    const terms = new Set<number>();
    for (let i = 0; i < syllables.length; i++) {
      const first = unigramIds.get(syllables[i]!)!;
      terms.add(first);
      if (i + 1 < syllables.length) {
        const key = first * vocabulary + unigramIds.get(syllables[i + 1]!)!;
        let id = bigramIds.get(key);
        if (id === undefined) {
          id = termNames.length;
          bigramIds.set(key, id);
          termNames.push(`${syllables[i]} ${syllables[i + 1]}`);
        }
        terms.add(id);
      }
    }
    return terms;
  });

  const claimFrequency = new Uint32Array(termNames.length);
  for (const terms of claimTermSets) for (const term of terms) claimFrequency[term]!++;
  const raw = new Float64Array(termNames.length);
  for (let term = 0; term < termNames.length; term++) {
    raw[term] = inverseDocumentFrequency(termNames[term]!, claimFrequency[term]!, kept.length, options.documentFrequency);
  }
  const idf = new Float64Array(termNames.length);
  const factor = new Float64Array(vocabulary);
  for (const [syllable, term] of unigramIds) {
    factor[term] = backgroundFactor(syllable);
    idf[term] = raw[term]! * factor[term]!;
  }
  // A bigram weighs what it says beyond its rarer syllable: `tran phu` says nothing that `tran`
  // and `phu` did not (they never occur apart), `dong cua` (to close) says much more than `dong`
  // and `cua`. Without this, multi-syllable names would count three times over. A bigram of
  // common words stays common (`hoc sinh`, `da duoc`): it keeps the larger share of its two.
  for (const [key, term] of bigramIds) {
    const first = Math.floor(key / vocabulary);
    const second = key % vocabulary;
    const surprise = raw[term]! - Math.max(raw[first]!, raw[second]!);
    idf[term] = BIGRAM_FACTOR * Math.max(0, surprise) * Math.max(factor[first]!, factor[second]!);
  }

  const claimTerms = claimTermSets.map((terms) => {
    let total = 0;
    for (const term of terms) total += idf[term]!;
    return [...terms]
      .map((term) => ({ term, share: total > 0 ? idf[term]! / total : 0 }))
      .filter((entry) => entry.share > 0)
      .sort((x, y) => y.share - x.share || x.term - y.term);
  });
  // Split each claim's terms into the indexed prefix and the rest.
  const indexed: { claim: number; share: number }[][] = termNames.map(() => []);
  const restStart = new Int32Array(kept.length + 1);
  const restTerm: number[] = [];
  const restShare: number[] = [];
  const restTotal = new Float64Array(kept.length);
  claimTerms.forEach((terms, claim) => {
    let remaining = terms.reduce((sum, entry) => sum + entry.share, 0);
    let k = 0;
    for (; k < terms.length && remaining >= PRUNE_FLOOR; k++) {
      indexed[terms[k]!.term]!.push({ claim, share: terms[k]!.share });
      remaining -= terms[k]!.share;
    }
    restStart[claim] = restTerm.length;
    for (; k < terms.length; k++) {
      restTerm.push(terms[k]!.term);
      restShare.push(terms[k]!.share);
    }
    restTotal[claim] = remaining;
  });
  restStart[kept.length] = restTerm.length;
  const postingStart = new Int32Array(termNames.length + 1);
  const postingCount = indexed.reduce((sum, list) => sum + list.length, 0);
  const postingClaim = new Int32Array(postingCount);
  const postingShare = new Float64Array(postingCount);
  let at = 0;
  indexed.forEach((list, term) => {
    postingStart[term] = at;
    for (const { claim, share } of list) {
      postingClaim[at] = claim;
      postingShare[at++] = share;
    }
  });
  postingStart[termNames.length] = at;

  return {
    claims: kept,
    unigramIds,
    unigramIdsById: new SyllableIdCache((norm) => unigramIds.get(norm)),
    bigramIds,
    vocabulary,
    idf,
    postingStart,
    postingClaim,
    postingShare,
    claimRestStart: restStart,
    claimRestTerm: Int32Array.from(restTerm),
    claimRestShare: Float64Array.from(restShare),
    claimRestTotal: restTotal,
    claimTerms,
    scratch: { scores: new Float64Array(kept.length), seen: new Uint32Array(termNames.length), stamp: 0 },
  };
}

// Marks the text's terms that occur in some claim as seen (with the current stamp) and returns them.
function textTermIds(index: ClaimIndex, tokensOrText: readonly Token[] | string): number[] {
  const tokens = typeof tokensOrText === 'string' ? analyzeText(normalizeText(tokensOrText)) : tokensOrText;
  const scratch = index.scratch;
  scratch.stamp = (scratch.stamp + 1) >>> 0;
  if (scratch.stamp === 0) {
    scratch.seen.fill(0);
    scratch.stamp = 1;
  }
  const stamp = scratch.stamp;
  const terms: number[] = [];
  let previous = -1;
  for (const token of tokens) {
    const id = index.unigramIdsById.get(token.normId, token.norm);
    if (id < 0) {
      previous = -1;
      continue;
    }
    if (scratch.seen[id] !== stamp) {
      scratch.seen[id] = stamp;
      terms.push(id);
    }
    if (previous >= 0) {
      const bigram = index.bigramIds.get(previous * index.vocabulary + id);
      if (bigram !== undefined && scratch.seen[bigram] !== stamp) {
        scratch.seen[bigram] = stamp;
        terms.push(bigram);
      }
    }
    previous = id;
  }
  return terms;
}

function ranked(index: ClaimIndex, candidates: Iterable<number>, scores: ArrayLike<number>, threshold: number, limit = 5): ClaimMatch[] {
  const matches: ClaimMatch[] = [];
  for (const claim of candidates) {
    const score = scores[claim]!;
    if (score < threshold) continue;
    const definition = index.claims[claim]!;
    matches.push({
      claimId: definition.id,
      score: Math.min(1, Math.round(score * 1e4) / 1e4),
      verdict: definition.verdict,
      correction: definition.correction,
    });
  }
  matches.sort((a, b) => b.score - a.score || a.claimId - b.claimId);
  return matches.length > limit ? matches.slice(0, limit) : matches;
}

/**
 * Coverage is measured within windows of this many syllables (overlapping by half): a claim is
 * repeated in one passage, while a long article holds most common syllables somewhere, which
 * whole-text coverage would take for a match.
 */
export const CLAIM_WINDOW_SYLLABLES = 60;

/** Returns the claims the text repeats (score ≥ threshold), best first. Pass tokens from `analyzeText` to avoid tokenising twice. */
export function matchClaims(index: ClaimIndex, tokensOrText: readonly Token[] | string, options: MatchClaimsOptions = {}): ClaimMatch[] {
  const tokens = typeof tokensOrText === 'string' ? analyzeText(normalizeText(tokensOrText)) : tokensOrText;
  if (tokens.length <= CLAIM_WINDOW_SYLLABLES) return matchWindow(index, tokens, options);
  const best = new Map<number, ClaimMatch>();
  const step = CLAIM_WINDOW_SYLLABLES / 2;
  for (let start = 0; start < tokens.length - step; start += step) {
    for (const match of matchWindow(index, tokens.slice(start, start + CLAIM_WINDOW_SYLLABLES), options)) {
      if ((best.get(match.claimId)?.score ?? -1) < match.score) best.set(match.claimId, match);
    }
  }
  const matches = [...best.values()].sort((a, b) => b.score - a.score || a.claimId - b.claimId);
  return matches.slice(0, options.limit ?? 5);
}

function matchWindow(index: ClaimIndex, tokensOrText: readonly Token[] | string, options: MatchClaimsOptions): ClaimMatch[] {
  const threshold = options.threshold ?? CLAIM_MATCH_THRESHOLD;
  if (threshold < PRUNE_FLOOR) return matchClaimsNaively(index, tokensOrText, options);
  const terms = textTermIds(index, tokensOrText);
  const { scores, seen, stamp } = index.scratch;
  const { postingStart, postingClaim, postingShare } = index;
  const touched: number[] = [];
  for (let t = 0; t < terms.length; t++) {
    const term = terms[t]!;
    for (let p = postingStart[term]!, end = postingStart[term + 1]!; p < end; p++) {
      const claim = postingClaim[p]!;
      if (scores[claim] === 0) touched.push(claim);
      scores[claim]! += postingShare[p]!;
    }
  }
  // Add the terms each candidate was not indexed under, unless even all of them would not do.
  const { claimRestStart, claimRestTerm, claimRestShare, claimRestTotal } = index;
  for (const claim of touched) {
    if (scores[claim]! + claimRestTotal[claim]! < threshold) continue;
    for (let r = claimRestStart[claim]!, end = claimRestStart[claim + 1]!; r < end; r++) {
      if (seen[claimRestTerm[r]!] === stamp) scores[claim]! += claimRestShare[r]!;
    }
  }
  const matches = ranked(index, touched, scores, threshold, options.limit);
  for (const claim of touched) scores[claim] = 0;
  return matches;
}

/** Returns the same as `matchClaims` by scoring every claim term by term, without the inverted index (the benchmark's baseline). */
export function matchClaimsNaively(index: ClaimIndex, tokensOrText: readonly Token[] | string, options: MatchClaimsOptions = {}): ClaimMatch[] {
  textTermIds(index, tokensOrText);
  const { seen, stamp } = index.scratch;
  const scores = new Float64Array(index.claims.length);
  index.claimTerms.forEach((terms, claim) => {
    let score = 0;
    for (const { term, share } of terms) if (seen[term] === stamp) score += share;
    scores[claim] = score;
  });
  return ranked(index, scores.keys(), scores, options.threshold ?? CLAIM_MATCH_THRESHOLD, options.limit);
}

/**
 * The fewest syllables with letters a claim's statement must have. The claim matcher scores a text
 * by the share of the claim's syllables it contains, so a one- or two-word claim (`a`, `học`)
 * matches nearly every item with a full score and raises false "known claim" alerts.
 */
export const CLAIM_MIN_SYLLABLES = 3;

/** Returns how many syllables of the text contain a letter, split as the claim matcher splits them (digits and emoji do not count). */
export function letterSyllableCount(text: string): number {
  let count = 0;
  for (const syllable of tokenizeSyllables(normalizeText(text))) if (/\p{L}/u.test(syllable.folded)) count++;
  return count;
}
