// A small, forgiving XML reader for feeds: one linear pass, no DTD processing, namespaces
// resolved, xml:base tracked. Real feeds are often not well-formed (a bare `&` in a title, an
// HTML entity such as `&nbsp;`, a stray `<`); those are read the way a browser would and only
// noted. What it never does is expand entities a DTD defines in terms of other entities
// ("billion laughs"): a reference to one makes the document fail.
import * as cheerio from 'cheerio';
import { demoronize } from './decode-body.ts';

export interface XmlElement {
  /** Name as written, e.g. `dc:creator`. */
  qname: string;
  /** Local part of the name. */
  local: string;
  /** Namespace URI ('' when none). */
  ns: string;
  /** Attributes by name as written (`xml:base`, `rdf:about`, `href`). */
  attrs: Map<string, string>;
  children: XmlChild[];
  parent: XmlElement | null;
  /** Base URL in effect for this element (xml:base over the document's), or undefined. */
  base: string | undefined;
  /** Namespace prefix declarations in scope. */
  scope: Map<string, string>;
}
export type XmlChild = XmlElement | string;

export interface XmlDocument {
  root: XmlElement | null;
  /** Things a strict parser would have refused (the document was still read). */
  problems: string[];
  /** Structure broken: an element left open or closed out of order. */
  structureBroken: boolean;
  /** Elements passed over unread because of `skipBeyond`. */
  skipped: number;
}

export interface ParseXmlOptions {
  baseUrl?: string;
  /** Upper bound on elements; the rest of the document is ignored past it. */
  maxElements?: number;
  /** Elements with these local names past the first `max` are skipped whole (not built), and counted. */
  skipBeyond?: { localNames: ReadonlySet<string>; max: number };
}

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
// Character tests by code unit: this loop runs once per character of the document.
function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || c >= 0xc0;
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 0xb7;
}
function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}
const MAX_PROBLEMS = 20;

export class XmlEntityError extends Error {}

/** Returns the tree of `text`. Throws XmlEntityError when a DTD-declared entity that refers to other entities is used. */
export function parseXml(text: string, options: ParseXmlOptions = {}): XmlDocument {
  const problems: string[] = [];
  const note = (problem: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(problem);
  };
  const maxElements = options.maxElements ?? 2_000_000;
  const declared = new Map<string, string | null>();
  let structureBroken = false;
  let root: XmlElement | null = null;
  const stack: XmlElement[] = [];
  let elements = 0;
  let repeated = 0;
  let skipped = 0;
  let i = 0;
  const n = text.length;

  const decode = (raw: string): string => {
    if (!raw.includes('&')) return raw;
    return raw.replace(/&(#[xX][0-9a-fA-F]{1,8}|#[0-9]{1,10}|[A-Za-z][A-Za-z0-9._-]{0,40});?/g, (whole, ref: string) => {
      const terminated = whole.endsWith(';');
      if (ref.startsWith('#')) {
        const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        if (!terminated) note('numeric reference without ;');
        if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\uFFFD';
        // &#146; and the like: windows-1252 code points written as Unicode ones.
        return code >= 0x80 && code <= 0x9f ? demoronize(String.fromCodePoint(code)) : String.fromCodePoint(code);
      }
      if (!terminated) {
        note('bare &');
        return whole;
      }
      if (Object.hasOwn(XML_ENTITIES, ref)) return XML_ENTITIES[ref]!;
      if (declared.has(ref)) {
        const value = declared.get(ref);
        if (value === null || value === undefined) throw new XmlEntityError(`The document uses the entity &${ref}; that its DTD defines through other entities; it is not expanded`);
        return value;
      }
      const html = htmlEntity(ref);
      note(`entity &${ref}; not defined in XML`);
      return html ?? whole;
    });
  };

  const appendText = (value: string): void => {
    if (value === '') return;
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (value.trim() !== '') note('text outside the root element');
      return;
    }
    const last = top.children[top.children.length - 1];
    if (typeof last === 'string') top.children[top.children.length - 1] = last + value;
    else top.children.push(value);
  };

  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt === -1) {
      appendText(decode(text.slice(i)));
      break;
    }
    if (lt > i) appendText(decode(text.slice(i, lt)));
    i = lt;
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end === -1) {
        note('unterminated comment');
        i = n;
      } else i = end + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i + 9);
      if (end === -1) {
        note('unterminated CDATA section');
        structureBroken = true;
        appendText(text.slice(i + 9));
        i = n;
      } else {
        appendText(text.slice(i + 9, end));
        i = end + 3;
      }
      continue;
    }
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      i = end === -1 ? n : end + 2;
      continue;
    }
    if (text.startsWith('<!', i)) {
      i = skipDeclaration(text, i, declared);
      continue;
    }
    if (text[i + 1] === '/') {
      const end = text.indexOf('>', i + 2);
      const name = (end === -1 ? text.slice(i + 2) : text.slice(i + 2, end)).trim();
      i = end === -1 ? n : end + 1;
      let at = stack.length - 1;
      while (at >= 0 && stack[at]!.qname !== name) at -= 1;
      if (at === -1) {
        note(`end tag </${name.slice(0, 40)}> without a start tag`);
        structureBroken = true;
        continue;
      }
      if (at !== stack.length - 1) {
        note(`<${stack[stack.length - 1]!.qname}> closed by </${name.slice(0, 40)}>`);
        structureBroken = true;
      }
      stack.length = at;
      continue;
    }
    if (!isNameStart(text.charCodeAt(i + 1))) {
      note('< that starts no tag');
      appendText('<');
      i += 1;
      continue;
    }
    // Start tag.
    let j = i + 1;
    while (j < n && isNameChar(text.charCodeAt(j))) j += 1;
    const qname = text.slice(i + 1, j);
    const attrs = new Map<string, string>();
    let selfClosing = false;
    for (;;) {
      while (j < n && isSpace(text.charCodeAt(j))) j += 1;
      if (j >= n) {
        note('unterminated start tag');
        structureBroken = true;
        break;
      }
      const c = text[j]!;
      if (c === '>') {
        j += 1;
        break;
      }
      if (c === '/' && text[j + 1] === '>') {
        selfClosing = true;
        j += 2;
        break;
      }
      const nameStart = j;
      while (j < n) {
        const c2 = text.charCodeAt(j);
        if (isSpace(c2) || c2 === 61 || c2 === 62 || c2 === 47) break;
        j += 1;
      }
      const attrName = text.slice(nameStart, j);
      if (attrName === '') {
        j += 1;
        continue;
      }
      while (j < n && isSpace(text.charCodeAt(j))) j += 1;
      let value = '';
      if (text[j] === '=') {
        j += 1;
        while (j < n && isSpace(text.charCodeAt(j))) j += 1;
        const quote = text[j];
        if (quote === '"' || quote === "'") {
          const close = text.indexOf(quote, j + 1);
          const end = close === -1 ? n : close;
          value = decode(text.slice(j + 1, end)).replace(/[\t\n\r]/g, ' ');
          j = end + 1;
        } else {
          const start = j;
          while (j < n && !/[\s>]/.test(text[j]!)) j += 1;
          value = decode(text.slice(start, j));
          note('unquoted attribute');
        }
      } else note('attribute without a value');
      if (!attrs.has(attrName)) attrs.set(attrName, value);
    }
    i = j;
    const skip = options.skipBeyond;
    if (skip !== undefined && skip.localNames.has(qname.slice(qname.indexOf(':') + 1))) {
      repeated += 1;
      if (repeated > skip.max) {
        skipped += 1;
        if (!selfClosing) {
          // Items do not nest items: the next end tag of this name closes it.
          const close = text.indexOf(`</${qname}`, i);
          i = close === -1 ? n : close;
          const end = close === -1 ? -1 : text.indexOf('>', close);
          i = end === -1 ? n : end + 1;
        }
        continue;
      }
    }
    elements += 1;
    if (elements > maxElements) {
      note('too many elements; the rest was ignored');
      break;
    }
    const parent = stack[stack.length - 1] ?? null;
    if (parent === null && root !== null) {
      note('more than one root element');
      structureBroken = true;
      if (!selfClosing) {
        // Read the rest as children of the first root so nothing is lost.
        stack.push(root);
      } else continue;
    }
    const host = stack[stack.length - 1] ?? null;
    let scope = host?.scope ?? new Map<string, string>();
    for (const [name, value] of attrs) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) {
        if (scope === host?.scope) scope = new Map(scope);
        scope.set(name === 'xmlns' ? '' : name.slice(6), value.trim());
      }
    }
    const colon = qname.indexOf(':');
    const prefix = colon === -1 ? '' : qname.slice(0, colon);
    const local = colon === -1 ? qname : qname.slice(colon + 1);
    const ns = prefix === 'xml' ? 'http://www.w3.org/XML/1998/namespace' : scope.get(prefix) ?? '';
    if (prefix !== '' && !scope.has(prefix) && prefix !== 'xml') note(`undeclared namespace prefix ${prefix}`);
    const parentBase = host?.base ?? options.baseUrl;
    const xmlBase = attrs.get('xml:base');
    const element: XmlElement = {
      qname,
      local,
      ns,
      attrs,
      children: [],
      parent: host,
      base: xmlBase === undefined ? parentBase : resolveUrl(xmlBase, parentBase) ?? parentBase,
      scope,
    };
    if (host === null) root = element;
    else host.children.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (stack.length > 0) {
    note(`<${stack[stack.length - 1]!.qname}> never closed`);
    structureBroken = true;
  }
  return { root, problems, structureBroken, skipped };
}

function skipDeclaration(text: string, start: number, declared: Map<string, string | null>): number {
  // <!DOCTYPE name ... [ internal subset ] >, or any other <!...>.
  let j = start + 2;
  let depth = 0;
  let subsetStart = -1;
  let subsetEnd = -1;
  while (j < text.length) {
    const c = text[j]!;
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, j + 1);
      j = close === -1 ? text.length : close + 1;
      continue;
    }
    if (c === '[') {
      if (depth === 0) subsetStart = j + 1;
      depth += 1;
    } else if (c === ']') {
      depth -= 1;
      if (depth === 0) subsetEnd = j;
    } else if (c === '>' && depth <= 0) {
      break;
    }
    j += 1;
  }
  if (subsetStart !== -1 && subsetEnd !== -1) {
    const subset = text.slice(subsetStart, subsetEnd);
    for (const match of subset.matchAll(/<!ENTITY\s+([A-Za-z_][\w.-]*)\s+(?:"([^"]*)"|'([^']*)'|[^>]*)\s*>/g)) {
      const value = match[2] ?? match[3];
      // Plain values are safe to use; values built from other entities (or external ones) are not.
      declared.set(match[1]!, value !== undefined && !/[&%<]/.test(value) && value.length <= 1000 ? value : null);
    }
  }
  return Math.min(text.length, j + 1);
}

const htmlEntityCache = new Map<string, string | null>();

/** Returns the character(s) an HTML named entity stands for, or null when HTML has no such entity. */
function htmlEntity(name: string): string | null {
  const cached = htmlEntityCache.get(name);
  if (cached !== undefined) return cached;
  const decoded = cheerio.load(`&${name};`, { xml: { xmlMode: false, decodeEntities: true } }, false).root().text();
  const value = decoded === `&${name};` ? null : decoded;
  if (htmlEntityCache.size < 1000) htmlEntityCache.set(name, value);
  return value;
}

/** Returns `ref` resolved against `base` (absolute URLs as they are), or undefined when it cannot be. */
export function resolveUrl(ref: string, base: string | undefined): string | undefined {
  const trimmed = ref.trim();
  try {
    return new URL(trimmed, base).href;
  } catch {
    return undefined;
  }
}

/** Returns the element children of `element`. */
export function elementsOf(element: XmlElement): XmlElement[] {
  return element.children.filter((c): c is XmlElement => typeof c !== 'string');
}

/** Returns the concatenated text of an element and its descendants. */
export function textOf(element: XmlElement): string {
  let out = '';
  const walk = (node: XmlElement, depth: number): void => {
    for (const c of node.children) {
      if (typeof c === 'string') out += c;
      else if (depth < 100) walk(c, depth + 1);
    }
  };
  walk(element, 0);
  return out;
}

const VOID_ELEMENTS = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'area', 'base', 'col', 'embed', 'param', 'source', 'track', 'wbr']);

/** Returns the children of `element` written back as HTML (for inline XHTML content). */
export function innerXml(element: XmlElement): string {
  const parts: string[] = [];
  const walk = (node: XmlElement, depth: number): void => {
    for (const c of node.children) {
      if (typeof c === 'string') {
        parts.push(escapeHtml(c));
        continue;
      }
      if (depth > 100) continue;
      const attrs = [...c.attrs].map(([k, v]) => ` ${k}="${escapeHtml(v).replace(/"/g, '&quot;')}"`).join('');
      if (c.children.length === 0 && VOID_ELEMENTS.has(c.local.toLowerCase())) {
        parts.push(`<${c.local}${attrs} />`);
        continue;
      }
      parts.push(`<${c.local}${attrs}>`);
      walk(c, depth + 1);
      parts.push(`</${c.local}>`);
    }
  };
  walk(element, 0);
  return parts.join('');
}

/** Returns `text` with &, < and > written as entities. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
