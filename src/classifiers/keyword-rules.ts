// Keyword and phrase rules matched as syllable sequences on folded text, so that `hoc phi`,
// `học phí`, `HỌC PHÍ` and decomposed (NFD) `học phí` all match the rule `học phí`.

import type { RuleCategory } from '../domain/classification.ts';
import { normalizeText } from '../text/normalize-text.ts';
import { tokenizeSyllables, type Syllable } from '../text/tokenize-syllables.ts';

/** A phrase that, when found, adds `weight` to its category's score. */
export interface KeywordRule {
  id: string;
  category: RuleCategory;
  phrase: string;
  weight: number;
}

/** One place a rule matched: [start, end) in the original text. */
export interface KeywordMatch {
  rule: KeywordRule;
  start: number;
  end: number;
}

/** How strictly diacritics are compared once folded syllables agree. */
export interface KeywordMatcherOptions {
  /**
   * false (default): folded syllables must be equal, and where both the text's syllable and the
   * rule's syllable carry diacritics those must agree too, so `sốc` matches `soc` and `SỐC` but
   * not `sóc` (squirrel), and `tin khẩn` does not match `tin khăn`. true: folded equality alone.
   */
  ignoreDiacritics?: boolean;
}

/** A rule with the accented forms of its phrase's syllables. */
export interface CompiledRule {
  rule: KeywordRule;
  /** Per syllable: the lowercase accented form when the phrase's syllable has diacritics, else null. */
  accented: (string | null)[];
}

/** A node of the matcher's trie: children by folded syllable, and the rules whose phrase ends here. */
export interface TrieNode {
  next: Map<string, TrieNode>;
  rules: CompiledRule[];
}

/** A set of rules compiled once into a trie over folded syllables; reuse it for every text. */
export interface KeywordMatcher {
  readonly ruleCount: number;
  readonly ignoreDiacritics: boolean;
  readonly root: TrieNode;
}

// The accented comparison form of a syllable: NFC, tone placement unified, lowercase, eth read as đ.
function accentedForm(syllable: Syllable): string | null {
  const form = normalizeText(syllable.text).toLowerCase().replace(/ð/g, 'đ');
  return form === syllable.folded ? null : form;
}

/** Returns a matcher for the rules; rules whose phrase has no letter or digit are ignored. */
export function compileKeywordRules(
  rules: readonly KeywordRule[],
  options: KeywordMatcherOptions = {},
): KeywordMatcher {
  const root: TrieNode = { next: new Map(), rules: [] };
  let ruleCount = 0;
  for (const rule of rules) {
    const syllables = tokenizeSyllables(rule.phrase);
    if (syllables.length === 0) continue;
    let node = root;
    for (const syllable of syllables) {
      let child = node.next.get(syllable.folded);
      if (!child) {
        child = { next: new Map(), rules: [] };
        node.next.set(syllable.folded, child);
      }
      node = child;
    }
    node.rules.push({ rule, accented: syllables.map(accentedForm) });
    ruleCount++;
  }
  return { ruleCount, ignoreDiacritics: options.ignoreDiacritics ?? false, root };
}

function diacriticsAgree(compiled: CompiledRule, syllables: Syllable[], from: number, cache: (string | null | undefined)[]): boolean {
  for (let k = 0; k < compiled.accented.length; k++) {
    const wanted = compiled.accented[k];
    if (wanted === null || wanted === undefined) continue;
    const index = from + k;
    let found = cache[index];
    if (found === undefined) {
      const syllable = syllables[index];
      found = syllable ? accentedForm(syllable) : null;
      cache[index] = found;
    }
    if (found !== null && found !== wanted) return false;
  }
  return true;
}

/** Returns every rule occurrence in `text`, ordered by start then longest first, offsets into `text`. */
export function matchKeywordRules(matcher: KeywordMatcher, text: string): KeywordMatch[] {
  const syllables = tokenizeSyllables(text);
  const accentCache: (string | null | undefined)[] = [];
  const matches: KeywordMatch[] = [];
  for (let i = 0; i < syllables.length; i++) {
    let node: TrieNode | undefined = matcher.root;
    const found: KeywordMatch[] = [];
    for (let j = i; j < syllables.length; j++) {
      node = node.next.get(syllables[j]!.folded);
      if (!node) break;
      for (const compiled of node.rules) {
        if (!matcher.ignoreDiacritics && !diacriticsAgree(compiled, syllables, i, accentCache)) continue;
        found.push({ rule: compiled.rule, start: syllables[i]!.start, end: syllables[j]!.end });
      }
    }
    // Found shortest first while walking; report longest first at each start (sort is stable).
    if (found.length > 1) found.sort((a, b) => b.end - a.end);
    for (const match of found) matches.push(match);
  }
  return matches;
}
