// Selectors staff save for a web-page source: CSS only, checked when saved so that a source
// never fails on them later. css-select (behind cheerio) matches in time polynomial in the
// page, but the degree grows with nested `:has()`/`:not()` and long descendant chains, so those
// are refused here with a message staff can act on, before any page is matched.
import * as cheerio from 'cheerio';
import type { HtmlSelectors } from '../domain/source.ts';

// The selector fields are documented where the type lives (src/domain/source.ts).
export type { HtmlSelectors };

export type SelectorErrorCode = 'invalid' | 'too_long' | 'xpath' | 'unsupported';

export interface SelectorError {
  field: string;
  code: SelectorErrorCode;
  message: string;
}

export type SelectorValidation = { ok: true; selectors: HtmlSelectors } | { ok: false; errors: SelectorError[] };

export const SELECTOR_FIELDS = ['item', 'link', 'title', 'date', 'body'] as const;
export const MAX_SELECTOR_LENGTH = 300;
const MAX_COMPOUNDS = 20;
const MAX_UNIVERSAL = 3;
const MAX_PSEUDO_NESTING = 2;

const XPATH_AXIS =
  /\b(?:ancestor|ancestor-or-self|attribute|child|descendant|descendant-or-self|following|following-sibling|namespace|parent|preceding|preceding-sibling|self)::/i;
const XPATH_FUNCTION = /\b(?:text|node|contains|starts-with|normalize-space|position|last)\(\s*\)|\[\s*@|\[\s*\d+\s*\]|\bcontains\(\s*@/i;
// State that never exists in a page read on the server: these would silently match nothing.
const DYNAMIC_PSEUDO = /:(?:hover|active|focus|focus-within|focus-visible|visited|target|target-within|current|past|future|playing|paused)(?![\w-])/i;
const NESTING_PSEUDO = /^:(?:has|not|is|where|matches|-moz-any|-webkit-any)\($/i;

// An empty document to compile selectors against: css-select compiles on first use.
let probe: cheerio.CheerioAPI | undefined;

/** Returns the selectors, trimmed and with empty ones left out, or every reason they cannot be used. */
export function validateSelectors(selectors: unknown): SelectorValidation {
  if (selectors === null || selectors === undefined) return { ok: true, selectors: {} };
  if (typeof selectors !== 'object' || Array.isArray(selectors)) {
    return { ok: false, errors: [{ field: 'selectors', code: 'invalid', message: 'Selectors must be an object with item, link, title, date and body' }] };
  }
  const errors: SelectorError[] = [];
  const valid: HtmlSelectors = {};
  for (const [field, value] of Object.entries(selectors)) {
    if (!(SELECTOR_FIELDS as readonly string[]).includes(field)) {
      errors.push({ field, code: 'unsupported', message: `Unknown selector field "${field.slice(0, 40)}"; use ${SELECTOR_FIELDS.join(', ')}` });
      continue;
    }
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') {
      errors.push({ field, code: 'invalid', message: 'A selector must be text' });
      continue;
    }
    const selector = value.trim();
    if (selector === '') continue;
    const error = checkSelector(selector);
    if (error !== null) errors.push({ field, ...error });
    else valid[field as keyof HtmlSelectors] = selector;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, selectors: valid };
}

function checkSelector(selector: string): Omit<SelectorError, 'field'> | null {
  if (selector.length > MAX_SELECTOR_LENGTH) {
    return { code: 'too_long', message: `A selector may be at most ${MAX_SELECTOR_LENGTH} characters (this one has ${selector.length})` };
  }
  // Quoted values may hold anything (`a[href^="https://"]`), so XPath is looked for outside them.
  const bare = selector.replace(/"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'/g, '""');
  if (/^(?:\.?\/|\()/.test(bare) || bare.includes('//') || XPATH_AXIS.test(bare) || XPATH_FUNCTION.test(bare)) {
    return { code: 'xpath', message: 'This looks like XPath; write a CSS selector instead (e.g. "div.news h3 a", not "//div[@class=\'news\']//h3/a")' };
  }
  const shape = measureSelector(selector);
  if (shape === null) return { code: 'invalid', message: 'Unbalanced brackets, parentheses or quotes' };
  if (shape.pseudoElement) return { code: 'unsupported', message: 'Pseudo-elements (::before, ::after…) select nothing in a page; remove them' };
  if (DYNAMIC_PSEUDO.test(selector)) return { code: 'unsupported', message: 'State pseudo-classes such as :hover or :visited never match a page read on the server' };
  if (shape.danglingCombinator) return { code: 'invalid', message: 'The selector ends with a combinator (>, +, ~) or a comma' };
  if (shape.nestedHas) return { code: 'unsupported', message: ':has() inside another :has() is too slow to match on large pages' };
  if (shape.pseudoNesting > MAX_PSEUDO_NESTING) {
    return { code: 'unsupported', message: `:not()/:is()/:has() nested more than ${MAX_PSEUDO_NESTING} deep is too slow to match on large pages` };
  }
  if (shape.compounds > MAX_COMPOUNDS) {
    return { code: 'unsupported', message: `A selector may have at most ${MAX_COMPOUNDS} parts (this one has ${shape.compounds})` };
  }
  if (shape.universals > MAX_UNIVERSAL) {
    return { code: 'unsupported', message: `A selector may use * at most ${MAX_UNIVERSAL} times (this one has ${shape.universals})` };
  }
  try {
    probe ??= cheerio.load('<!doctype html><html><head></head><body><div></div></body></html>');
    probe('body').find(selector);
    probe(selector);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { code: 'invalid', message: `Not a valid CSS selector: ${reason.slice(0, 200)}` };
  }
  return null;
}

interface SelectorShape {
  compounds: number;
  universals: number;
  pseudoNesting: number;
  nestedHas: boolean;
  pseudoElement: boolean;
  danglingCombinator: boolean;
}

// One pass over the selector text outside strings and attribute brackets: counts compound
// selectors (parts between combinators and commas, in pseudo-class arguments too), `*`s, and
// how deep selector-taking pseudo-classes nest. Returns null when brackets or quotes do not balance.
function measureSelector(selector: string): SelectorShape | null {
  const shape: SelectorShape = { compounds: 1, universals: 0, pseudoNesting: 0, nestedHas: false, pseudoElement: false, danglingCombinator: false };
  const parens: boolean[] = []; // per open parenthesis: does it take a selector list?
  const hasStack: boolean[] = [];
  let nesting = 0;
  let hasDepth = 0;
  let inBracket = false;
  let pendingCombinator = false; // a combinator or comma was seen and no compound followed yet
  let sawToken = false;
  for (let i = 0; i < selector.length; i += 1) {
    const c = selector[i]!;
    if (c === '\\') {
      i += 1;
      sawToken = true;
      pendingCombinator = false;
      continue;
    }
    if (c === '"' || c === "'") {
      const close = selector.indexOf(c, i + 1);
      if (close === -1) return null;
      i = close;
      continue;
    }
    if (inBracket) {
      if (c === ']') inBracket = false;
      continue;
    }
    if (c === '[') {
      inBracket = true;
      sawToken = true;
      pendingCombinator = false;
      continue;
    }
    if (c === ']') return null;
    if (c === '(') {
      const head = /:[-\w]+\($/.exec(selector.slice(Math.max(0, i - 20), i + 1))?.[0] ?? '';
      const takesSelector = NESTING_PSEUDO.test(head);
      const isHas = /^:has\($/i.test(head);
      parens.push(takesSelector);
      hasStack.push(isHas);
      if (takesSelector) {
        nesting += 1;
        shape.pseudoNesting = Math.max(shape.pseudoNesting, nesting);
        shape.compounds += 1;
      }
      if (isHas) {
        if (hasDepth > 0) shape.nestedHas = true;
        hasDepth += 1;
      }
      sawToken = false;
      pendingCombinator = false;
      continue;
    }
    if (c === ')') {
      if (parens.length === 0) return null;
      if (parens.pop()) nesting -= 1;
      if (hasStack.pop()) hasDepth -= 1;
      if (pendingCombinator) shape.danglingCombinator = true;
      sawToken = true;
      pendingCombinator = false;
      continue;
    }
    if (c === ':' && selector[i + 1] === ':') shape.pseudoElement = true;
    if (c === '*') shape.universals += 1;
    if (c === ',' || c === '>' || c === '+' || c === '~' || /\s/.test(c)) {
      // Inside :nth-child(2n + 1) these are arithmetic, not combinators.
      if (parens.length > 0 && !parens[parens.length - 1]) continue;
      if (/\s/.test(c)) {
        // Whitespace is a descendant combinator only between two compounds.
        let j = i;
        while (j < selector.length && /\s/.test(selector[j]!)) j += 1;
        const following = selector[j];
        if (sawToken && following !== undefined && !',>+~)'.includes(following)) {
          shape.compounds += 1;
          pendingCombinator = true;
          sawToken = false;
        }
        i = j - 1;
        continue;
      }
      if (sawToken || c === ',') shape.compounds += 1;
      pendingCombinator = true;
      sawToken = false;
      continue;
    }
    sawToken = true;
    pendingCombinator = false;
  }
  if (inBracket || parens.length > 0) return null;
  if (pendingCombinator) shape.danglingCombinator = true;
  return shape;
}
