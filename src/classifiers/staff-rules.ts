// Staff-written rules: validated when saved, compiled once into one matcher for all of them.
//
// Phrases and any-of/all-of terms become syllable sequences (the `norm` of analyzeText: folded,
// abbreviations expanded) in one Aho-Corasick automaton, so one pass over the text's tokens finds
// every occurrence of every term whatever the number of rules, with or without diacritics, in NFC
// or NFD. Regular expressions run on the original and on the folded text, capped in length, and
// only after one combined pattern says that at least one of them matches.

import type { RuleCategory } from '../domain/classification.ts';
import { RULE_CATEGORIES } from '../domain/classification.ts';
import { STAFF_RULE_KINDS, STAFF_RULE_MAX_TERMS, STAFF_RULE_MAX_WEIGHT, STAFF_RULE_MAX_WINDOW_WORDS, type StaffRuleKind } from '../domain/rule.ts';
import { analyzeText, type Token } from '../text/analyze-text.ts';
import { foldText, foldWithOffsets, readCodeUnits } from '../text/fold-text.ts';
import { normalizeText } from '../text/normalize-text.ts';
import { SyllableIdCache } from '../text/syllable-id-cache.ts';
import { checkRegexSafety } from './safe-regex.ts';

/** A staff rule as the matcher needs it (the domain `StaffRule` fits). */
export interface StaffRuleDefinition {
  id: number;
  kind: StaffRuleKind;
  category: RuleCategory;
  /** The phrase (kind `phrase`) or the regex source (kind `regex`); a label otherwise. */
  pattern: string;
  /** The terms of `any_of` and `all_of_within` rules. */
  terms?: readonly string[];
  /** For `all_of_within`: every term must start within this many words of the others (1..50). */
  windowWords?: number | null;
  weight: number;
  enabled: boolean;
}

/** A validated rule: text in NFC, terms trimmed. */
export interface ValidStaffRule extends StaffRuleDefinition {
  terms: string[];
  windowWords: number | null;
}

/** One problem with a submitted rule. */
export interface StaffRuleError {
  field: string;
  code: 'invalid' | 'empty' | 'too_long' | 'bad_regex' | 'unsafe_regex' | 'matches_empty' | 'matches_too_much' | 'too_many_terms' | 'bad_window';
  message: string;
}

export type StaffRuleValidation = { ok: true; rule: ValidStaffRule } | { ok: false; errors: StaffRuleError[] };

/** One place a rule matched: [start, end) in the original text. */
export interface StaffRuleMatch {
  ruleId: number;
  category: RuleCategory;
  weight: number;
  start: number;
  end: number;
}

export const MAX_PATTERN_LENGTH = 500;
export const MAX_TERMS = STAFF_RULE_MAX_TERMS;
export const MAX_WINDOW_WORDS = STAFF_RULE_MAX_WINDOW_WORDS;
/**
 * Regexes see at most this many characters of a text. The static check bounds what is accepted
 * to about quadratic work in the worst case; windows and this cap bound that to milliseconds.
 */
export const REGEX_INPUT_LIMIT = 20_000;
// At most this many matches of one regex in one text are reported.
const MAX_REGEX_MATCHES = 50;
const MAX_WEIGHT = STAFF_RULE_MAX_WEIGHT;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function syllableCount(text: string): number {
  return analyzeText(text).length;
}

function validateText(field: string, raw: unknown, what: string, errors: StaffRuleError[]): string {
  if (typeof raw !== 'string') {
    errors.push({ field, code: 'invalid', message: `${what} must be text.` });
    return '';
  }
  const text = normalizeText(raw).trim();
  if (text.length > MAX_PATTERN_LENGTH) {
    errors.push({ field, code: 'too_long', message: `${what} is ${text.length} characters long; the limit is ${MAX_PATTERN_LENGTH}.` });
  } else if (syllableCount(text) === 0) {
    errors.push({ field, code: 'empty', message: `${what} must contain at least one letter or digit.` });
  }
  return text;
}

/** Returns the rule's regex source folded like the text it runs on (diacritics off non-ASCII characters), so `học phí` finds `hoc phi`. */
export function foldRegexSource(source: string): string {
  // Only non-ASCII characters are folded: lowercasing ASCII would turn `\D` into `\d`.
  return source.replace(/[^\u0000-\u007f]+/g, (run) => foldText(run));
}

function validateRegex(source: string, errors: StaffRuleError[]): void {
  let compiled: RegExp;
  try {
    compiled = new RegExp(source, 'iu');
  } catch (error) {
    errors.push({ field: 'pattern', code: 'bad_regex', message: `The regular expression does not compile: ${(error as Error).message}` });
    return;
  }
  const safety = checkRegexSafety(source);
  if (!safety.safe) {
    errors.push({ field: 'pattern', code: 'unsafe_regex', message: `The regular expression could take too long on some texts: ${safety.reason}.` });
    return;
  }
  if (compiled.test('') || matchesNothingSomewhere(source)) {
    errors.push({ field: 'pattern', code: 'matches_empty', message: 'The regular expression matches the empty text, so it would match everywhere.' });
    return;
  }
  if (BROAD_PROBES.some((probe) => (compiled.exec(probe)?.[0].length ?? 2) <= 1)) {
    errors.push({ field: 'pattern', code: 'matches_too_much', message: 'The regular expression matches a single letter, digit, space or mark, so it would match almost every text.' });
  }
}

// One character of ordinary text each: a rule that matches one of them alone (`.`, `\s`, `[[:alpha:]`,
// which is the class of `[:alph`) would flag nearly every item.
const BROAD_PROBES = ['a', 'ă', 'đ', 'k', '1', ' ', '.', ',', '\n'];
// Ordinary text: a rule whose only match in it is an empty one (`\b`, `(?=a)`) marks no words.
const ZERO_WIDTH_PROBE = 'Học phí tăng 120.000 đồng, phụ huynh hỏi: vì sao?\nKhông rõ.';

/** Returns true when the regex makes an empty match somewhere in ordinary text (a position, not words). */
function matchesNothingSomewhere(source: string): boolean {
  const global = new RegExp(source, 'giu');
  for (let match = global.exec(ZERO_WIDTH_PROBE), guard = 0; match && guard < 1000; match = global.exec(ZERO_WIDTH_PROBE), guard++) {
    if (match[0].length === 0) return true;
  }
  return false;
}

/** Returns the rule with its text normalized (NFC), or every problem with it. */
export function validateStaffRule(input: unknown): StaffRuleValidation {
  const errors: StaffRuleError[] = [];
  if (!isRecord(input)) return { ok: false, errors: [{ field: '', code: 'invalid', message: 'A rule must be an object.' }] };

  const id = input.id ?? 0;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) errors.push({ field: 'id', code: 'invalid', message: 'The id must be a non-negative integer.' });
  const kind = input.kind;
  if (!STAFF_RULE_KINDS.includes(kind as StaffRuleKind)) {
    errors.push({ field: 'kind', code: 'invalid', message: `The kind must be one of ${STAFF_RULE_KINDS.join(', ')}.` });
  }
  const category = input.category;
  if (!RULE_CATEGORIES.includes(category as RuleCategory)) {
    errors.push({ field: 'category', code: 'invalid', message: `The category must be one of ${RULE_CATEGORIES.join(', ')}.` });
  }
  const weight = input.weight ?? 1;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || Math.abs(weight) > MAX_WEIGHT) {
    errors.push({ field: 'weight', code: 'invalid', message: `The weight must be a number between -${MAX_WEIGHT} and ${MAX_WEIGHT}.` });
  }
  const enabled = input.enabled ?? true;
  if (typeof enabled !== 'boolean') errors.push({ field: 'enabled', code: 'invalid', message: 'enabled must be true or false.' });

  let pattern = typeof input.pattern === 'string' ? normalizeText(input.pattern).trim() : '';
  let terms: string[] = [];
  let windowWords: number | null = null;

  if (kind === 'phrase') {
    pattern = validateText('pattern', input.pattern, 'The phrase', errors);
  } else if (kind === 'regex') {
    if (typeof input.pattern !== 'string' || input.pattern.length === 0) {
      errors.push({ field: 'pattern', code: 'empty', message: 'The regular expression must not be empty.' });
    } else {
      // Not trimmed: spaces can be part of a regex.
      pattern = normalizeText(input.pattern);
      if (pattern.length > MAX_PATTERN_LENGTH) {
        errors.push({ field: 'pattern', code: 'too_long', message: `The regular expression is ${pattern.length} characters long; the limit is ${MAX_PATTERN_LENGTH}.` });
      } else {
        validateRegex(pattern, errors);
      }
    }
  } else if (kind === 'any_of' || kind === 'all_of_within') {
    if (pattern.length > MAX_PATTERN_LENGTH) {
      errors.push({ field: 'pattern', code: 'too_long', message: `The label is longer than ${MAX_PATTERN_LENGTH} characters.` });
    }
    const rawTerms = input.terms;
    if (!Array.isArray(rawTerms) || rawTerms.length === 0) {
      errors.push({ field: 'terms', code: 'empty', message: 'Give at least one term.' });
    } else if (rawTerms.length > MAX_TERMS) {
      errors.push({ field: 'terms', code: 'too_many_terms', message: `There are ${rawTerms.length} terms; the limit is ${MAX_TERMS}.` });
    } else {
      terms = rawTerms.map((term, index) => validateText(`terms[${index}]`, term, `Term ${index + 1}`, errors));
    }
    if (kind === 'all_of_within') {
      const window = input.windowWords;
      if (typeof window !== 'number' || !Number.isInteger(window) || window < 1 || window > MAX_WINDOW_WORDS) {
        errors.push({ field: 'windowWords', code: 'bad_window', message: `The window must be a whole number of words from 1 to ${MAX_WINDOW_WORDS}.` });
      } else {
        windowWords = window;
      }
    }
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    rule: {
      id: id as number,
      kind: kind as StaffRuleKind,
      category: category as RuleCategory,
      pattern,
      terms,
      windowWords,
      weight: weight as number,
      enabled: enabled as boolean,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The matcher

interface TermPattern {
  rule: number;
  /** Index of the term within an all_of_within rule, else -1. */
  term: number;
  length: number;
}

interface RegexRule {
  rule: number;
  original: RegExp;
  /** The folded source compiled, or null when folding broke it. */
  folded: RegExp | null;
}

/** All enabled rules compiled once; reuse it for every text. */
export interface StaffRuleMatcher {
  readonly rules: readonly ValidStaffRule[];
  /** Ids of rules left out because they failed validation. */
  readonly skipped: readonly number[];
  /** Folded syllable → symbol of the automaton. */
  readonly symbols: ReadonlyMap<string, number>;
  /** The same by the tokens' process-wide syllable ids (-1: no symbol). */
  readonly symbolIds: SyllableIdCache;
  /** Per state: transitions by symbol. */
  readonly next: readonly Map<number, number>[];
  /** The start state's transitions as an array by symbol (0: none), the most used ones. */
  readonly rootNext: Int32Array;
  /** Per state: the patterns ending here, own and inherited through failure links. */
  readonly output: readonly (readonly TermPattern[])[];
  /** Per state: 1 when some pattern ends there. */
  readonly hasOutput: Uint8Array;
  readonly fail: Int32Array;
  readonly regexes: readonly RegexRule[];
  /** The regexes as written, run on the original text, and folded, run on the folded text. */
  readonly originalSet: RegexSet;
  /** The same with the `i` flag, for texts whose lowercase form has another length (`İ`). */
  readonly originalExactSet: RegexSet;
  readonly foldedSet: RegexSet;
  /** Index of each all_of_within rule in `rules` → its term count. */
  readonly termCounts: ReadonlyMap<number, number>;
}

/** Returns one matcher for the enabled rules; rules that fail `validateStaffRule` are skipped and listed in `skipped`. */
export function compileStaffRules(rules: readonly StaffRuleDefinition[]): StaffRuleMatcher {
  const kept: ValidStaffRule[] = [];
  const skipped: number[] = [];
  for (const input of rules) {
    if (input.enabled === false) continue;
    const validation = validateStaffRule(input);
    if (validation.ok) kept.push(validation.rule);
    else skipped.push(input.id);
  }

  const symbols = new Map<string, number>();
  const next: Map<number, number>[] = [new Map()];
  const own: TermPattern[][] = [[]];
  const termCounts = new Map<number, number>();
  const regexes: RegexRule[] = [];

  const addSequence = (text: string, pattern: TermPattern): void => {
    let state = 0;
    for (const token of analyzeText(text)) {
      let symbol = symbols.get(token.norm);
      if (symbol === undefined) {
        symbol = symbols.size;
        symbols.set(token.norm, symbol);
      }
      let target = next[state]!.get(symbol);
      if (target === undefined) {
        target = next.length;
        next.push(new Map());
        own.push([]);
        next[state]!.set(symbol, target);
      }
      state = target;
    }
    if (state !== 0) own[state]!.push(pattern);
  };

  kept.forEach((rule, index) => {
    if (rule.kind === 'phrase') {
      addSequence(rule.pattern, { rule: index, term: -1, length: syllableCount(rule.pattern) });
    } else if (rule.kind === 'any_of' || rule.kind === 'all_of_within') {
      const all = rule.kind === 'all_of_within';
      if (all) termCounts.set(index, rule.terms.length);
      rule.terms.forEach((term, termIndex) => addSequence(term, { rule: index, term: all ? termIndex : -1, length: syllableCount(term) }));
    } else {
      const foldedSource = foldRegexSource(rule.pattern);
      let folded: RegExp | null = null;
      try {
        folded = new RegExp(foldedSource, 'iu');
      } catch {
        folded = null;
      }
      regexes.push({ rule: index, original: new RegExp(rule.pattern, 'giu'), folded: folded && new RegExp(foldedSource, 'giu') });
    }
  });

  // Failure links, breadth first; outputs inherit those of their failure state.
  const fail = new Int32Array(next.length);
  const output: TermPattern[][] = own.map((patterns) => [...patterns]);
  const queue: number[] = [];
  for (const child of next[0]!.values()) queue.push(child);
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    for (const [symbol, child] of next[state]!) {
      let fallback = fail[state]!;
      while (fallback !== 0 && !next[fallback]!.has(symbol)) fallback = fail[fallback]!;
      const target = next[fallback]!.get(symbol);
      fail[child] = target !== undefined && target !== child ? target : 0;
      if (output[fail[child]!]!.length > 0) output[child] = output[child]!.concat(output[fail[child]!]!);
      queue.push(child);
    }
  }

  const rootNext = new Int32Array(symbols.size);
  for (const [symbol, target] of next[0]!) rootNext[symbol] = target;
  const hasOutput = Uint8Array.from(output, (patterns) => (patterns.length > 0 ? 1 : 0));

  const originalSources = regexes.map((regex) => ({ source: regex.original.source, rule: kept[regex.rule]! }));
  return {
    rootNext,
    hasOutput,
    rules: kept,
    skipped,
    symbols,
    symbolIds: new SyllableIdCache((norm) => symbols.get(norm)),
    next,
    output,
    fail,
    regexes,
    originalSet: compileRegexSet(originalSources, true),
    originalExactSet: compileRegexSet(originalSources, false),
    foldedSet: compileRegexSet(
      regexes.flatMap((regex) => (regex.folded ? [{ source: regex.folded.source, rule: kept[regex.rule]! }] : [])),
      true,
    ),
    termCounts,
  };
}

interface Occurrence {
  term: number;
  first: number;
  last: number;
}

// The shortest windows, left to right and not overlapping, in which every term of the rule starts
// within `window` words of the others.
function allOfWindows(occurrences: Occurrence[], termCount: number, window: number): [number, number][] {
  occurrences.sort((a, b) => a.first - b.first || a.last - b.last);
  const counts = new Int32Array(termCount);
  const windows: [number, number][] = [];
  let covered = 0;
  let left = 0;
  for (let right = 0; right < occurrences.length; right++) {
    const added = occurrences[right]!;
    if (counts[added.term]!++ === 0) covered++;
    while (added.first - occurrences[left]!.first > window) {
      if (--counts[occurrences[left]!.term]! === 0) covered--;
      left++;
    }
    if (covered < termCount) continue;
    while (counts[occurrences[left]!.term]! > 1) counts[occurrences[left++]!.term]!--;
    let last = 0;
    for (let k = left; k <= right; k++) last = Math.max(last, occurrences[k]!.last);
    windows.push([occurrences[left]!.first, last]);
    counts.fill(0);
    covered = 0;
    left = right + 1;
  }
  return windows;
}

interface RegexRun {
  /** Global, for scanning on its own. */
  regex: RegExp;
  /** Sticky, for trying at one position. */
  sticky: RegExp;
  rule: ValidStaffRule;
}

/** Several regexes scanned as one: a global alternation with one capturing group per rule. */
interface RegexSet {
  runs: RegexRun[];
  /** null when the sources cannot be combined (two rules use the same group name): each runs alone. */
  combined: RegExp | null;
  /** The capturing group of each run in `combined`. */
  groups: number[];
  /** suffix[k]: runs k… combined, sticky, to find which other rules match where one did. */
  suffix: RegExp[];
  /** The sources were lowercased and compiled without `i`: run them on lowercased text. */
  lowercase: boolean;
}

// The `i` flag makes V8's regexes four to five times slower on Vietnamese text, so where it is
// safe the patterns are lowercased instead and run on lowercased text (the folded text already
// is). Escapes keep their case (`\D` is not `\d`); property escapes (`\p{Lu}`) need real case
// folding, so patterns using them keep the `i` flag.
function lowercaseRegexSource(source: string): string | null {
  if (/\\[pP]\{/.test(source)) return null;
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (char === '\\') {
      out += char + (source[i + 1] ?? '');
      i++;
      continue;
    }
    const lower = char.toLowerCase();
    out += lower.length === 1 ? lower : char;
  }
  return out;
}

function compileRegexSet(entries: { source: string; rule: ValidStaffRule }[], lowercase: boolean): RegexSet {
  if (lowercase) {
    const lowered = entries.map(({ source, rule }) => ({ source: lowercaseRegexSource(source), rule }));
    if (lowered.every((entry) => entry.source !== null)) {
      try {
        return buildRegexSet(lowered as { source: string; rule: ValidStaffRule }[], 'u', true);
      } catch {
        // a lowercased range no longer compiles (`[Z-a]`): keep the `i` flag
      }
    }
  }
  return buildRegexSet(entries, 'iu', false);
}

function buildRegexSet(entries: { source: string; rule: ValidStaffRule }[], flags: string, lowercase: boolean): RegexSet {
  const runs = entries.map(({ source, rule }) => ({ regex: new RegExp(source, `g${flags}`), sticky: new RegExp(source, `y${flags}`), rule }));
  const groups: number[] = [];
  let group = 1;
  for (const { source } of entries) {
    groups.push(group);
    group += 1 + (new RegExp(`${source}|`, 'u').exec('')!.length - 1); // its own groups, then the next rule's
  }
  let combined: RegExp | null = null;
  const suffix: RegExp[] = [];
  if (entries.length > 1) {
    try {
      combined = new RegExp(entries.map(({ source }) => `(${source})`).join('|'), `g${flags}`);
      for (let k = 0; k < entries.length; k++) {
        suffix.push(new RegExp(entries.slice(k).map(({ source }) => `(${source})`).join('|'), `y${flags}`));
      }
    } catch {
      combined = null;
    }
  }
  return { runs, combined, groups, suffix, lowercase };
}

// Regexes run over windows of REGEX_WINDOW characters that overlap by twice REGEX_MARGIN, so a
// pattern that backtracks quadratically costs O(length × window) rather than O(length²). Each
// window reports the matches that start in its own stretch and has REGEX_MARGIN characters of
// context on either side, enough for lookbehinds, `\b` and matches of up to REGEX_MARGIN characters.
const REGEX_WINDOW = 1000;
const REGEX_MARGIN = 200;
const REGEX_STEP = REGEX_WINDOW - 2 * REGEX_MARGIN;

function foldedToOriginal(text: string): (index: number) => number {
  const { offsets } = foldWithOffsets(text);
  return (index) => offsets[index] ?? text.length;
}

interface RegexScan {
  set: RegexSet;
  /** The text the haystack was folded from, or null when offsets are the original's already. */
  foldedFrom: string | null;
  toOriginal: ((index: number) => number) | null;
  counts: Int32Array | null;
  found: StaffRuleMatch[];
  /** Index in `found` of the first regex match: the two passes report some spans twice. */
  regexFrom: number;
}

// Records one match unless it belongs to another window, may be cut off, or is one too many.
function reportRegexMatch(scan: RegexScan, window: string, from: number, last: boolean, run: number, index: number, length: number): void {
  const ownFrom = from === 0 ? 0 : REGEX_MARGIN;
  const ownTo = last ? Infinity : REGEX_MARGIN + REGEX_STEP;
  if (index < ownFrom || index >= ownTo || (!last && index + length >= window.length)) return;
  scan.counts ??= new Int32Array(scan.set.runs.length);
  if (scan.counts[run]!++ >= MAX_REGEX_MATCHES) return;
  let start = from + index;
  let end = start + length;
  if (scan.foldedFrom !== null) {
    scan.toOriginal ??= foldedToOriginal(scan.foldedFrom);
    start = scan.toOriginal(start);
    end = scan.toOriginal(end);
  }
  const rule = scan.set.runs[run]!.rule;
  const found = scan.found;
  // At most MAX_REGEX_MATCHES per rule and pass, so this stays small.
  for (let k = scan.regexFrom; k < found.length; k++) {
    const other = found[k]!;
    if (other.start === start && other.end === end && other.ruleId === rule.id) return;
  }
  found.push({ ruleId: rule.id, category: rule.category, weight: rule.weight, start, end });
}

// The first rule whose group took part in a match of the combined pattern of rules from…
function firstGroup(set: RegexSet, match: RegExpExecArray, from: number): number {
  const base = set.groups[from]! - 1;
  let run = from;
  while (run < set.groups.length - 1 && match[set.groups[run]! - base] === undefined) run++;
  return run;
}

/**
 * Adds the matches of every regex of the set in `haystack`. With a combined pattern, one scan
 * finds each position where some rule matches; only there are the rules tried one by one (sticky),
 * each no earlier than the end of its previous match: the same matches as scanning rule by rule.
 */
function pushRegexMatches(set: RegexSet, haystack: string, foldedFrom: string | null, found: StaffRuleMatch[], regexFrom: number): void {
  if (set.runs.length === 0) return;
  const scan: RegexScan = { set, foldedFrom, toOriginal: null, counts: null, found, regexFrom };
  for (let from = 0; ; from += REGEX_STEP) {
    const to = Math.min(haystack.length, from + REGEX_WINDOW);
    const last = to === haystack.length;
    const window = from === 0 && last ? haystack : haystack.slice(from, to);
    const combined = set.combined;
    if (combined) {
      let nextAllowed: Int32Array | null = null;
      combined.lastIndex = 0;
      for (let hit = combined.exec(window); hit; hit = combined.exec(window)) {
        const at = hit.index;
        nextAllowed ??= new Int32Array(set.runs.length);
        // The alternation reports the first rule that matches here; the suffix patterns find
        // the next ones, so a hit costs one regex run per matching rule, not one per rule.
        let run = firstGroup(set, hit, 0);
        while (run < set.runs.length) {
          if (at >= nextAllowed[run]!) {
            const sticky = set.runs[run]!.sticky;
            sticky.lastIndex = at;
            const match = sticky.exec(window);
            if (match && match[0].length > 0) {
              nextAllowed[run] = at + match[0].length;
              reportRegexMatch(scan, window, from, last, run, at, match[0].length);
            }
          }
          if (run + 1 >= set.runs.length) break;
          const rest = set.suffix[run + 1]!;
          rest.lastIndex = at;
          const more = rest.exec(window);
          if (!more) break;
          run = firstGroup(set, more, run + 1);
        }
        combined.lastIndex = at + 1;
      }
    } else {
      for (let run = 0; run < set.runs.length; run++) {
        const regex = set.runs[run]!.regex;
        regex.lastIndex = 0;
        let reported = 0;
        for (let match = regex.exec(window); match && reported < MAX_REGEX_MATCHES; match = regex.exec(window)) {
          if (match[0].length === 0) {
            regex.lastIndex++;
            continue;
          }
          reported++;
          reportRegexMatch(scan, window, from, last, run, match.index, match[0].length);
        }
      }
    }
    if (last) break;
  }
}

/** Returns every rule occurrence in `text`, ordered by start then longest first, with offsets into `text`. Pass `analyzeText(text)` as `tokens` to avoid tokenising twice. */
export function matchStaffRules(matcher: StaffRuleMatcher, text: string, tokens: readonly Token[] = analyzeText(text)): StaffRuleMatch[] {
  const found: StaffRuleMatch[] = [];
  let occurrences: Map<number, Occurrence[]> | null = null;

  let state = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const symbol = matcher.symbolIds.get(token.normId, token.norm);
    if (symbol < 0) {
      state = 0; // no pattern contains this syllable
      continue;
    }
    // The start state's transition is an array read (0: none, which stays at the start).
    let target = state === 0 ? matcher.rootNext[symbol] : matcher.next[state]!.get(symbol);
    while (target === undefined && state !== 0) {
      state = matcher.fail[state]!;
      target = state === 0 ? matcher.rootNext[symbol] : matcher.next[state]!.get(symbol);
    }
    state = target ?? 0;
    if (matcher.hasOutput[state] === 0) continue;
    for (const pattern of matcher.output[state]!) {
      const first = i - pattern.length + 1;
      if (pattern.term >= 0) {
        occurrences ??= new Map();
        let list = occurrences.get(pattern.rule);
        if (!list) occurrences.set(pattern.rule, (list = []));
        list.push({ term: pattern.term, first, last: i });
        continue;
      }
      const rule = matcher.rules[pattern.rule]!;
      found.push({ ruleId: rule.id, category: rule.category, weight: rule.weight, start: tokens[first]!.start, end: tokens[i]!.end });
    }
  }

  if (occurrences) {
    for (const [index, list] of occurrences) {
      const rule = matcher.rules[index]!;
      const termCount = matcher.termCounts.get(index)!;
      if (list.length < termCount) continue;
      for (const [first, last] of allOfWindows(list, termCount, rule.windowWords ?? 1)) {
        found.push({ ruleId: rule.id, category: rule.category, weight: rule.weight, start: tokens[first]!.start, end: tokens[last]!.end });
      }
    }
  }

  if (matcher.regexes.length > 0) {
    const capped = text.length > REGEX_INPUT_LIMIT ? text.slice(0, REGEX_INPUT_LIMIT) : text;
    const regexFrom = found.length;
    const lower = matcher.originalSet.lowercase ? (isOwnLowercase(capped) ? capped : capped.toLowerCase()) : capped;
    if (lower.length === capped.length) pushRegexMatches(matcher.originalSet, lower, null, found, regexFrom);
    else pushRegexMatches(matcher.originalExactSet, capped, null, found, regexFrom);
    // Offsets back to the original are only worked out when some folded pattern matches.
    pushRegexMatches(matcher.foldedSet, foldText(capped), capped, found, regexFrom);
  }

  if (found.length > 1) found.sort((a, b) => a.start - b.start || b.end - a.end || a.ruleId - b.ruleId);
  return found;
}

// Per code unit: 1 when it is its own lowercase, 2 when not (surrogates, whose pairs may have a
// lowercase form), 0 not yet known.
const OWN_LOWERCASE = new Uint8Array(0x10000);

/**
 * Returns true when `text.toLowerCase()` is the text itself, found without building it: every code
 * unit is its own lowercase and none is a surrogate (the only lowercase mapping that depends on
 * its neighbours, final sigma, is of `Σ`, which is not its own lowercase).
 */
function isOwnLowercase(text: string): boolean {
  const units = readCodeUnits(text);
  for (let i = 0; i < text.length; i++) {
    const code = units[i] as number;
    let own = OWN_LOWERCASE[code] as number;
    if (own === 0) {
      const character = String.fromCharCode(code);
      own = !(code >= 0xd800 && code <= 0xdfff) && character.toLowerCase() === character ? 1 : 2;
      OWN_LOWERCASE[code] = own;
    }
    if (own === 2) return false;
  }
  return true;
}

// The baseline tokenises each rule's terms once per matcher, like any sensible rule-by-rule loop.
const naiveTermNorms = new WeakMap<StaffRuleMatcher, Map<string, string[]>>();

/** Returns the same matches as `matchStaffRules` by trying every rule on its own (the benchmark's baseline). */
export function matchStaffRulesNaively(matcher: StaffRuleMatcher, text: string, tokens: readonly Token[] = analyzeText(text)): StaffRuleMatch[] {
  const found: StaffRuleMatch[] = [];
  const norms = tokens.map((token) => token.norm);
  let termNorms = naiveTermNorms.get(matcher);
  if (!termNorms) naiveTermNorms.set(matcher, (termNorms = new Map()));
  const cache = termNorms;
  const positions = (term: string): [number, number][] => {
    let wanted = cache.get(term);
    if (!wanted) cache.set(term, (wanted = analyzeText(term).map((token) => token.norm)));
    const at: [number, number][] = [];
    for (let i = 0; i + wanted.length <= norms.length; i++) {
      if (wanted!.every((syllable, k) => norms[i + k] === syllable)) at.push([i, i + wanted!.length - 1]);
    }
    return at;
  };
  for (const rule of matcher.rules) {
    if (rule.kind === 'phrase' || rule.kind === 'any_of') {
      for (const term of rule.kind === 'phrase' ? [rule.pattern] : rule.terms) {
        for (const [first, last] of positions(term)) {
          found.push({ ruleId: rule.id, category: rule.category, weight: rule.weight, start: tokens[first]!.start, end: tokens[last]!.end });
        }
      }
    } else if (rule.kind === 'all_of_within') {
      const occurrences: Occurrence[] = rule.terms.flatMap((term, index) => positions(term).map(([first, last]) => ({ term: index, first, last })));
      for (const [first, last] of allOfWindows(occurrences, rule.terms.length, rule.windowWords ?? 1)) {
        found.push({ ruleId: rule.id, category: rule.category, weight: rule.weight, start: tokens[first]!.start, end: tokens[last]!.end });
      }
    }
  }
  const capped = text.slice(0, REGEX_INPUT_LIMIT);
  const folded = foldText(capped);
  const regexFrom = found.length;
  for (const run of matcher.originalExactSet.runs) pushRegexMatches({ runs: [run], combined: null, groups: [], suffix: [], lowercase: false }, capped, null, found, regexFrom);
  for (const run of matcher.foldedSet.runs) pushRegexMatches({ runs: [run], combined: null, groups: [], suffix: [], lowercase: true }, folded, capped, found, regexFrom);
  found.sort((a, b) => a.start - b.start || b.end - a.end || a.ruleId - b.ruleId);
  return found;
}
