// A conservative static check that a staff-written regular expression cannot backtrack
// catastrophically in JavaScript's backtracking engine. It rejects some harmless patterns rather
// than accept a harmful one; staff can always rephrase with phrase, any-of or all-of rules.
//
// What makes a backtracking engine slow is ambiguity: several ways to split the same characters
// between quantifiers. Exponential: a repeated group that itself repeats (`(a+)+`, `(.*a){20}`) or
// repeats overlapping alternatives (`(a|a)*`, `(a|ab)*`). Polynomial of high degree: quantifiers
// over overlapping characters in a row (`\d+\d+\d+x`), or several unbounded wildcards
// (`.*a.*b`: cubic, seconds on 2,000 characters). Bounded quantifiers multiply the same way:
// `a.{0,8}` eight times in a row takes minutes on 1,000 characters, `a.{0,500}a.{0,500}b` a second,
// so every run of quantifiers that can take the same characters is costed (the product of the
// ways each can split them) and refused above a budget. Backreferences make matching NP-hard.

/** Why a pattern is unsafe, or null when it passed every check. */
export type RegexSafety = { safe: true } | { safe: false; reason: string };

// Coarse classes of characters an atom can match, as bits: two atoms can compete for the same
// characters only when their bits overlap.
const LETTER = 1;
const DIGIT = 2;
const SPACE = 4;
const OTHER = 8;
const ANY = LETTER | DIGIT | SPACE | OTHER;

function categoryOf(char: string): number {
  if (/\p{L}|\p{M}/u.test(char)) return LETTER;
  if (/\p{N}/u.test(char)) return DIGIT;
  if (/\s/u.test(char)) return SPACE;
  return OTHER;
}

function escapeCategory(letter: string): number {
  switch (letter) {
    case 'd':
      return DIGIT;
    case 's':
      return SPACE;
    case 'w':
      return LETTER | DIGIT | OTHER;
    case 'D':
    case 'S':
    case 'W':
    case 'P':
      return ANY;
    case 'b':
    case 'B':
      return 0; // assertions match no character
    case 'p':
      return ANY; // refined by the caller for \p{L}
    case 'n':
    case 'r':
    case 't':
    case 'f':
    case 'v':
      return SPACE;
    default:
      return categoryOf(letter);
  }
}

/**
 * The most ways a run of competing quantifiers may split the characters at one starting position.
 * Regexes run over windows of about a thousand characters, one start each: a budget of 1,000 keeps
 * a window under a million steps (milliseconds). An unbounded quantifier counts as UNBOUNDED_WAYS.
 */
export const MAX_QUANTIFIER_WAYS = 1000;
const UNBOUNDED_WAYS = 1000;

interface Frame {
  /** Some quantifier occurs inside this group (at any depth). */
  hasQuantifier: boolean;
  hasAlternation: boolean;
  /** Literal text of each alternative so far, or null once an alternative is not a plain literal. */
  alternatives: (string | null)[];
  categories: number;
  /** The previous element of the current sequence was an unbounded quantifier over these categories. */
  previousUnbounded: number;
  /** `previousUnbounded` of the enclosing sequence when the group opened (each alternative starts from it). */
  inherited: number;
  /** The run of competing quantifiers the sequence is in: the characters they take and their ways (1: none). */
  runCategories: number;
  runWays: number;
  /** The run when the group opened (each alternative starts from it). */
  inheritedRun: { categories: number; ways: number };
  /** The costliest run an alternative of the group ended in (what follows the group competes with it). */
  endRun: { categories: number; ways: number };
  /** What the first atom of each alternative can match (what a quantifier before the group competes with). */
  leading: number;
  /** No atom yet in the current alternative. */
  atStart: boolean;
}

interface Atom {
  categories: number;
  /** What its first character can be (a group's first atoms; otherwise its categories). */
  leading: number;
  /** Set when the atom is a group: its frame. */
  group: Frame | null;
}

const newFrame = (inherited = 0, run = { categories: 0, ways: 1 }): Frame => ({
  hasQuantifier: false,
  hasAlternation: false,
  alternatives: [''],
  categories: 0,
  previousUnbounded: inherited,
  inherited,
  runCategories: run.categories,
  runWays: run.ways,
  inheritedRun: run,
  endRun: { categories: 0, ways: 1 },
  leading: 0,
  atStart: true,
});

/** Records the run an alternative of the group ends in. */
function endAlternative(frame: Frame): void {
  frame.endRun = {
    categories: frame.endRun.categories | frame.runCategories,
    ways: Math.max(frame.endRun.ways, frame.runWays),
  };
}

function isPrefixFree(words: string[]): boolean {
  const lower = words.map((word) => word.toLowerCase());
  for (let i = 0; i < lower.length; i++) {
    for (let j = 0; j < lower.length; j++) {
      if (i !== j && lower[j]!.startsWith(lower[i]!)) return false;
    }
  }
  return true;
}

/** Returns whether the pattern (for the `u` flag) passes the static safety checks, with the reason when it does not. */
export function checkRegexSafety(source: string): RegexSafety {
  const stack: Frame[] = [newFrame()];
  let atom: Atom | null = null;
  let broadUnbounded = 0;
  const top = (): Frame => stack[stack.length - 1]!;
  const appendLiteral = (text: string | null): void => {
    const frame = top();
    const last = frame.alternatives.length - 1;
    const current = frame.alternatives[last];
    frame.alternatives[last] = current === null || current === undefined || text === null ? null : current + text;
  };
  const setAtom = (categories: number, literal: string | null, group: Frame | null = null): Atom => {
    const leading = group ? group.leading : categories;
    // A plain atom between two unbounded quantifiers keeps them from competing, unless it can
    // itself be taken by the first (then it is checked again at the next quantifier).
    const frame = top();
    frame.previousUnbounded = frame.previousUnbounded & categories ? frame.previousUnbounded : 0;
    // The same for the run of competing quantifiers (bounded ones included), by what the atom starts with.
    if (!(frame.runCategories & leading)) {
      frame.runCategories = 0;
      frame.runWays = 1;
    }
    if (frame.atStart) frame.leading |= leading;
    frame.atStart = false;
    frame.categories |= categories;
    appendLiteral(literal);
    return { categories, leading, group };
  };

  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (char === '\\') {
      const next = source[i + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && source[i + 2] === '<')) {
        return { safe: false, reason: 'backreferences are not allowed' };
      }
      let categories = escapeCategory(next);
      let literal: string | null = /[a-zA-Z0-9]/.test(next) ? null : next;
      i++;
      if ((next === 'p' || next === 'P' || next === 'u' || next === 'x' || next === 'c') && source[i + 1] === '{') {
        const close = source.indexOf('}', i);
        const body = close < 0 ? '' : source.slice(i + 2, close);
        if (next === 'p' && /^(L|Letter|Ll|Lu|Lt|Lo|Lm|M|Mark|Mn)$|^Script(_Extensions)?=/.test(body)) categories = LETTER;
        if (next === 'p' && /^(N|Nd|Number)$/.test(body)) categories = DIGIT;
        if (next === 'u') categories = OTHER;
        i = close < 0 ? source.length : close;
        literal = null;
      } else if (next === 'u' || next === 'x') {
        categories = OTHER;
        literal = null;
      }
      atom = setAtom(categories, literal);
      continue;
    }
    if (char === '[') {
      let categories = 0;
      let j = i + 1;
      const negated = source[j] === '^';
      if (negated) j++;
      for (; j < source.length && source[j] !== ']'; j++) {
        if (source[j] === '\\') {
          categories |= escapeCategory(source[j + 1] ?? '');
          j++;
        } else {
          categories |= categoryOf(source[j]!);
        }
      }
      i = j;
      atom = setAtom(negated ? ANY : categories, null);
      continue;
    }
    if (char === '(') {
      stack.push(newFrame(top().previousUnbounded, { categories: top().runCategories, ways: top().runWays }));
      atom = null;
      if (source[i + 1] === '?') {
        // (?: (?= (?! (?<= (?<! (?<name>
        if (source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') {
          const close = source.indexOf('>', i);
          i = close < 0 ? source.length : close;
        } else {
          i += source[i + 2] === '<' ? 3 : 2;
        }
      }
      continue;
    }
    if (char === ')') {
      if (stack.length === 1) return { safe: false, reason: 'unbalanced parenthesis' };
      const frame = stack.pop()!;
      endAlternative(frame);
      const parent = top();
      parent.hasQuantifier ||= frame.hasQuantifier;
      const literal = !frame.hasAlternation && frame.alternatives[0] !== null ? frame.alternatives[0]! : null;
      atom = setAtom(frame.categories, literal, frame);
      // An unbounded quantifier at the end of the group competes with what follows the group.
      if (frame.previousUnbounded) parent.previousUnbounded = frame.previousUnbounded;
      // So does the run of quantifiers an alternative ended in.
      if (frame.endRun.ways > 1) {
        parent.runCategories |= frame.endRun.categories;
        parent.runWays = Math.max(parent.runWays, frame.endRun.ways);
      }
      continue;
    }
    if (char === '|') {
      const frame = top();
      endAlternative(frame);
      frame.hasAlternation = true;
      frame.alternatives.push('');
      frame.previousUnbounded = frame.inherited;
      frame.runCategories = frame.inheritedRun.categories;
      frame.runWays = frame.inheritedRun.ways;
      frame.atStart = true;
      atom = null;
      continue;
    }
    if (char === '^' || char === '$') {
      atom = null;
      continue;
    }
    if (char === '*' || char === '+' || char === '?' || (char === '{' && /^\{\d+(,\d*)?\}/.test(source.slice(i)))) {
      let min = 0;
      let max = Infinity;
      if (char === '+') min = 1;
      if (char === '?') max = 1;
      if (char === '{') {
        const [, low, comma, high] = /^\{(\d+)(,?)(\d*)\}/.exec(source.slice(i))!;
        min = Number(low);
        max = comma ? (high ? Number(high) : Infinity) : min;
        i = source.indexOf('}', i);
      }
      if (source[i + 1] === '?') i++; // lazy: the same ambiguity
      const frame = top();
      const quantified: Atom | null = atom;
      atom = null;
      if (!quantified) continue; // a syntax error, reported by the compiler
      const repeats = max > 1;
      if (max > min) frame.hasQuantifier = true;
      appendLiteral(null);
      if (quantified.group && repeats) {
        if (quantified.group.hasQuantifier) {
          return { safe: false, reason: 'a repeated group contains a quantifier (nested quantifiers can take exponential time)' };
        }
        if (quantified.group.hasAlternation) {
          const words = quantified.group.alternatives;
          if (words.some((word) => word === null || word === '') || !isPrefixFree(words as string[])) {
            return { safe: false, reason: 'a repeated group has alternatives that can overlap' };
          }
        }
      }
      if (max > min) {
        // Competing quantifiers multiply the ways to split the same characters.
        const ways = max === Infinity ? UNBOUNDED_WAYS : Math.min(max - min + 1, UNBOUNDED_WAYS);
        if (frame.runCategories & quantified.leading) {
          frame.runCategories |= quantified.categories;
          frame.runWays *= ways;
        } else {
          frame.runCategories = quantified.categories;
          frame.runWays = ways;
        }
        if (frame.runWays > MAX_QUANTIFIER_WAYS) {
          return {
            safe: false,
            reason: 'quantifiers in a row that can match the same characters (like a.{0,30}b.{0,30}c.{0,30}d) can take too long; use an all-of-within rule for words near each other',
          };
        }
      }
      if (max === Infinity) {
        if (quantified.categories === ANY && ++broadUnbounded > 1) {
          return { safe: false, reason: 'more than one unbounded wildcard (like .* or \\S+) can take polynomial time' };
        }
        if (frame.previousUnbounded & quantified.categories) {
          return { safe: false, reason: 'two unbounded quantifiers in a row can match the same characters' };
        }
        frame.previousUnbounded = quantified.categories;
      } else if (max > min && frame.previousUnbounded & quantified.categories) {
        return { safe: false, reason: 'an optional part between quantifiers can match the same characters' };
      }
      continue;
    }
    atom = setAtom(char === '.' ? ANY : categoryOf(char), char === '.' ? null : char);
  }
  return { safe: true };
}
