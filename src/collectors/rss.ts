// Feed text to entries: RSS 0.9x/1.0/2.0 and Atom 0.3/1.0, read the way the Python feedparser
// reads them (its test corpus is the reference: ../shared/data/feedparser-tests). The document is
// read by a forgiving XML reader (xml-tree.ts) so that a bare `&` or an HTML entity does not lose
// a whole feed; elements are matched by namespace, not by the prefix a feed happens to use.
//
// Caps (a hostile or broken feed must not exhaust memory or block the event loop):
// - titles keep at most MAX_TITLE_CHARS (1,000) characters of text, bodies MAX_BODY_CHARS
//   (100,000), authors 200, links/guids 2,000; markup beyond 10× (titles) or 3× (bodies) those
//   is not even parsed;
// - at most `maxItems` entries (default 1,000) are read; `omittedEntries` counts the rest.
import type { ParsedEntry } from '../domain/item.ts';
import { normalizeText } from '../text/normalize-text.ts';
import { CollectorError } from './collector-error.ts';
import { elementsOf, innerXml, parseXml, resolveUrl, textOf, XmlEntityError, type XmlElement } from './xml-tree.ts';
import * as cheerio from 'cheerio';

export interface ParsedFeed {
  title: string | null;
  link: string | null;
  entries: ParsedEntry[];
  /** Items present in the feed that could not be read at all. */
  failedEntries: number;
  /** Items present in the feed beyond maxItems, left out. */
  omittedEntries?: number;
}

export interface ParseFeedOptions {
  /** Entries kept, in document order; the rest are counted in omittedEntries. Default 1000. */
  maxItems?: number;
  /** Kept for callers of the former parser; parsing is synchronous and linear. */
  timeoutMs?: number;
  /** URL the document was fetched from (or its Content-Location): the base for relative links. */
  baseUrl?: string;
}

export const MAX_TITLE_CHARS = 1_000;
export const MAX_BODY_CHARS = 100_000;
const MAX_AUTHOR_CHARS = 200;
const MAX_URL_CHARS = 2_000;
const DEFAULT_MAX_ITEMS = 1000;
const ITEM_NAMES: ReadonlySet<string> = new Set(['item', 'entry']);

// Namespaces whose elements are the feed's own (read by local name).
const FEED_NAMESPACES = new Set([
  '',
  'http://backend.userland.com/rss2',
  'http://blogs.law.harvard.edu/tech/rss',
  'http://backend.userland.com/rss',
  'http://purl.org/rss/1.0/',
  'http://my.netscape.com/rdf/simple/0.9/',
  'http://channel.netscape.com/rdf/simple/0.9/',
  'http://purl.org/net/rss1.1#',
  'http://www.w3.org/2005/atom',
  'http://purl.org/atom/ns#',
  'http://example.com/newformat#',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
]);
const ATOM10 = 'http://www.w3.org/2005/atom';
const ATOM03 = 'http://purl.org/atom/ns#';
// Well-known module namespaces and the prefix they are read under, whatever a feed calls them.
const KNOWN_PREFIXES: Record<string, string> = {
  'http://purl.org/dc/elements/1.1/': 'dc',
  'http://purl.org/dc/elements/1.0/': 'dc',
  'http://purl.org/dc/terms/': 'dcterms',
  'http://purl.org/rss/1.0/modules/content/': 'content',
  'http://www.w3.org/1999/xhtml': 'xhtml',
  'http://www.itunes.com/dtds/podcast-1.0.dtd': 'itunes',
  'http://search.yahoo.com/mrss/': 'media',
  'http://search.yahoo.com/mrss': 'media',
  'http://purl.org/rss/1.0/modules/slash/': 'slash',
};

type Format = 'rss' | 'atom10' | 'atom03';

// The namespace of the document being read (parsing is synchronous, so one at a time): a feed in
// an unknown namespace (an old Atom draft, a vendor's RSS) is read like the known ones.
let rootNamespace = '';

/** Returns the name a feed element is read under: `title`, `dc:creator`, `content:encoded`, … */
function nameOf(element: XmlElement): string {
  const ns = element.ns.toLowerCase();
  if (FEED_NAMESPACES.has(ns) || ns === rootNamespace) {
    // Prefixed names with no declared namespace (sloppy feeds) keep their prefix.
    return ns === '' && element.qname.includes(':') ? element.qname : element.local;
  }
  const known = KNOWN_PREFIXES[element.ns] ?? KNOWN_PREFIXES[ns];
  if (known !== undefined) return `${known}:${element.local}`;
  return element.qname.includes(':') ? element.qname : `{${element.ns}}${element.local}`;
}

function children(element: XmlElement, ...names: string[]): XmlElement[] {
  return elementsOf(element).filter((c) => names.includes(nameOf(c)));
}

function first(element: XmlElement, ...names: string[]): XmlElement | undefined {
  for (const name of names) {
    const found = elementsOf(element).find((c) => nameOf(c) === name && hasContent(c));
    if (found !== undefined) return found;
  }
  return undefined;
}

function hasContent(element: XmlElement): boolean {
  return element.children.some((c) => typeof c !== 'string' || c.trim() !== '');
}

function attr(element: XmlElement, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = element.attrs.get(name);
    if (value !== undefined) return value;
  }
  // Namespaced attributes under any prefix (rdf:about as r:about).
  for (const name of names) {
    const local = name.slice(name.indexOf(':') + 1);
    for (const [key, value] of element.attrs) if (key.endsWith(`:${local}`) && !key.startsWith('xmlns')) return value;
  }
  return undefined;
}

/** Returns the feed's title, link and entries (NFC plain text, http(s) links only); throws CollectorError 'not_a_feed' or 'malformed_feed'. */
export async function parseFeed(xml: string, options: ParseFeedOptions = {}): Promise<ParsedFeed> {
  return parseFeedSync(xml, options);
}

/** The synchronous body of parseFeed. */
export function parseFeedSync(xml: string, options: ParseFeedOptions = {}): ParsedFeed {
  const maxItems = options.maxItems ?? DEFAULT_MAX_ITEMS;
  const text = xml.replace(/^[\uFEFF\u200B\u200C\u200D\u2060\s]+/, '');
  let doc;
  try {
    doc = parseXml(text, {
      baseUrl: options.baseUrl === undefined ? undefined : httpLink(options.baseUrl) ?? undefined,
      // Items past maxItems are only counted, not built: 100,000 items cost a scan, not a tree.
      skipBeyond: { localNames: ITEM_NAMES, max: maxItems },
    });
  } catch (error) {
    if (error instanceof XmlEntityError) throw new CollectorError('malformed_feed', error.message, { cause: error });
    throw error;
  }
  const root = doc.root;
  if (root === null) {
    throw new CollectorError('malformed_feed', 'The document has no root element (empty, or only comments and declarations)');
  }
  const rootName = root.local.toLowerCase();
  if (!['rss', 'rdf', 'feed', 'channel'].includes(rootName)) {
    throw new CollectorError('not_a_feed', `The document is <${root.qname.slice(0, 40)}>, not an RSS or Atom feed`);
  }
  if (doc.structureBroken) {
    const problem = doc.problems[0] ?? 'broken structure';
    throw new CollectorError('malformed_feed', `The feed is not well-formed XML: ${problem}`, { cause: new Error(problem) });
  }
  rootNamespace = KNOWN_PREFIXES[root.ns] === undefined ? root.ns.toLowerCase() : '';
  const format: Format = root.ns.toLowerCase() === ATOM10 ? 'atom10' : root.ns === ATOM03 || rootName === 'feed' ? 'atom03' : 'rss';
  const channel = rootName === 'rss' || rootName === 'rdf' ? children(root, 'channel')[0] ?? root : root;

  const items: XmlElement[] = [];
  const collect = (element: XmlElement, depth: number): void => {
    for (const c of elementsOf(element)) {
      const name = nameOf(c);
      if (name === 'item' || name === 'entry') items.push(c);
      else if (depth < 3 && (name === 'channel' || name === 'items' || c === channel)) collect(c, depth + 1);
    }
  };
  // Items inside <channel> (RSS 2.0), beside it (RSS 1.0) or directly in the root (Atom).
  collect(root, 0);

  const entries: ParsedEntry[] = [];
  let failedEntries = 0;
  for (const item of items.slice(0, maxItems)) {
    try {
      const entry = readEntry(item, format);
      if (entry === null) failedEntries += 1;
      else entries.push(entry);
    } catch {
      failedEntries += 1;
    }
  }
  const titleElement = first(channel, 'title', 'dc:title');
  const title = titleElement === undefined ? '' : cap(textConstruct(titleElement, format, 'title'), MAX_TITLE_CHARS);
  const result: ParsedFeed = {
    title: title === '' ? null : title,
    link: pickLink(channel),
    entries,
    failedEntries,
  };
  const omitted = doc.skipped + Math.max(0, items.length - maxItems);
  if (omitted > 0) result.omittedEntries = omitted;
  return result;
}

function readEntry(item: XmlElement, format: Format): ParsedEntry | null {
  const titleElement = first(item, 'title', 'dc:title');
  const title = titleElement === undefined ? '' : cap(textConstruct(titleElement, format, 'title'), MAX_TITLE_CHARS);
  const contentElement = first(item, 'content:encoded', 'content', 'xhtml:body', 'body', 'fullitem', 'xhtml:div');
  const summaryElement = first(item, 'summary', 'description', 'dc:description', 'abstract', 'itunes:summary', 'subtitle');
  const bodyElement = contentElement ?? summaryElement;
  const body = bodyElement === undefined ? '' : cap(textConstruct(bodyElement, format, 'body'), MAX_BODY_CHARS);

  const guidElement = first(item, 'guid', 'id', 'dc:identifier');
  let guid = guidElement === undefined ? null : optionalText(textOf(guidElement));
  if (guid === null) guid = optionalText(attr(item, 'rdf:about') ?? null);
  if (guid !== null && guidElement !== undefined && nameOf(guidElement) === 'id' && /^\.{0,2}\//.test(guid)) {
    guid = resolveUrl(guid, guidElement.base) ?? guid;
  }
  if (guid !== null) guid = cap(normalizeText(guid).trim(), MAX_URL_CHARS);

  let link = pickLink(item);
  if (link === null && guidElement !== undefined && nameOf(guidElement) === 'guid' && attr(guidElement, 'isPermaLink')?.trim().toLowerCase() !== 'false') {
    link = absoluteHttp(textOf(guidElement), guidElement.base);
  }
  const author = readAuthor(item, format);
  const date = readDate(item);
  // An item with no element inside (only stray text) cannot be read; one whose elements are all
  // empty or unknown is still an entry, with empty fields.
  if (title === '' && body === '' && link === null && guid === null && author === null && date === null && elementsOf(item).length === 0) {
    return null;
  }
  return { guid, link, title, body, author, publishedAt: date };
}

const DATE_ELEMENTS = [
  'pubDate', 'published', 'issued', 'dcterms:issued', 'dc:date', 'dcterms:created', 'created',
  'updated', 'modified', 'dcterms:modified', 'lastBuildDate', 'dcterms:date',
];

function readDate(item: XmlElement): Date | null {
  for (const name of DATE_ELEMENTS) {
    // The last of repeated elements wins, as in feedparser.
    for (const element of children(item, name).reverse()) {
      const date = parseFeedDate(textOf(element));
      if (date !== null) return date;
    }
  }
  return null;
}

function readAuthor(item: XmlElement, format: Format): string | null {
  for (const element of children(item, 'author', 'dc:creator', 'dc:author', 'itunes:author', 'contributor', 'dc:contributor')) {
    let text: string | null;
    if (elementsOf(element).length > 0 && format !== 'rss' || first(element, 'name') !== undefined) {
      const name = first(element, 'name');
      const email = first(element, 'email');
      const nameText = name === undefined ? null : optionalText(htmlToText(textOf(name)));
      const emailText = email === undefined ? null : optionalText(textOf(email));
      text = nameText !== null && emailText !== null ? `${nameText} (${emailText})` : nameText ?? emailText;
    } else {
      text = authorName(htmlToText(textOf(element).slice(0, 10 * MAX_AUTHOR_CHARS)));
    }
    if (text !== null && text !== '') return cap(text, MAX_AUTHOR_CHARS);
  }
  return null;
}

/** "me@example.com (Name)", "Name <me@example.com>" → "Name"; otherwise the text. */
function authorName(raw: string): string | null {
  const text = raw.trim();
  if (text === '') return null;
  const email = /(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+/.exec(text);
  if (email === null) return text;
  const rest = (text.slice(0, email.index) + text.slice(email.index + email[0].length))
    .replace(/[()<>]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return rest === '' ? email[0] : rest;
}

/** Returns the alternate link of a feed or entry, resolved and http(s) only, or null. */
function pickLink(element: XmlElement): string | null {
  const links = children(element, 'link');
  const alternates = links.filter((l) => (attr(l, 'rel')?.trim().toLowerCase() ?? 'alternate') === 'alternate');
  for (const link of alternates) {
    const href = link.attrs.get('href') ?? attr(link, 'rdf:resource');
    const raw = href ?? textOf(link);
    if (raw.trim() === '') continue;
    const resolved = absoluteHttp(raw, link.base);
    if (resolved !== null) return resolved;
  }
  return null;
}

/** Returns `raw` as an absolute http(s) URL: as written when it already is one, else resolved against `base`; null otherwise. */
function absoluteHttp(raw: string, base: string | undefined): string | null {
  const trimmed = normalizeText(raw).trim();
  if (trimmed === '' || trimmed.length > MAX_URL_CHARS) return null;
  const direct = httpLink(trimmed);
  if (direct !== null) return /^https?:\/\/[\x21-\x7e]+$/i.test(trimmed) ? trimmed : direct;
  if (base === undefined) return null;
  return httpLink(resolveUrl(trimmed, base));
}

/** Returns the plain text of an RSS/Atom text construct (title, summary, content). */
function textConstruct(element: XmlElement, format: Format, kind: 'title' | 'body'): string {
  const rawLimit = kind === 'title' ? 10 * MAX_TITLE_CHARS : 3 * MAX_BODY_CHARS;
  const type = (attr(element, 'type') ?? '').trim().toLowerCase();
  const mode = (attr(element, 'mode') ?? '').trim().toLowerCase();
  const markupChildren = elementsOf(element).length > 0;
  if (markupChildren && (type === '' || type.includes('xhtml') || type.includes('html') || mode === 'xml' || type.includes('xml'))) {
    return htmlToText(innerXml(element).slice(0, rawLimit));
  }
  let raw = textOf(element);
  const isBase64 =
    mode === 'base64' ||
    (format !== 'rss' && type !== '' && !type.startsWith('text') && !['html', 'xhtml'].includes(type) && !type.includes('xml'));
  if (isBase64) {
    const compact = raw.replace(/\s+/g, '');
    if (/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
      raw = normalizeText(Buffer.from(compact, 'base64').toString('utf8'));
      return htmlToText(raw.slice(0, rawLimit));
    }
  }
  raw = raw.slice(0, rawLimit);
  const plain = format !== 'rss' && (type === 'text' || type === 'text/plain' || (format === 'atom03' && type === '' && mode === ''));
  if (plain) return cleanPlain(raw);
  return htmlToText(raw);
}

function cleanPlain(text: string): string {
  return normalizeText(text).replace(/\s+/g, ' ').trim();
}

function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never split a surrogate pair.
  const cut = /[\uD800-\uDBFF]/.test(text[max - 1] ?? '') ? max - 1 : max;
  return `${text.slice(0, cut - 1)}…`;
}

function optionalText(text: string | null): string | null {
  const trimmed = text?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

/** Returns the URL when it is an absolute http(s) URL (trimmed, WHATWG-serialised), else null. */
export function httpLink(raw: string | null | undefined): string | null {
  const trimmed = raw?.trim() ?? '';
  if (trimmed === '') return null;
  try {
    const url = new URL(trimmed);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Returns the name of the first element of an XML document, or null when it has none. */
export function findRootElement(xml: string): string | null {
  let i = 0;
  for (;;) {
    while (i < xml.length && /\s/.test(xml[i]!)) i += 1;
    if (i >= xml.length || xml[i] !== '<') return null;
    const skipTo = (end: string): boolean => {
      const at = xml.indexOf(end, i);
      if (at === -1) return false;
      i = at + end.length;
      return true;
    };
    if (xml.startsWith('<?', i)) {
      if (!skipTo('?>')) return null;
    } else if (xml.startsWith('<!--', i)) {
      if (!skipTo('-->')) return null;
    } else if (xml.startsWith('<!', i)) {
      if (!skipTo('>')) return null;
    } else {
      const match = /^<([A-Za-z_][\w.:-]*)/.exec(xml.slice(i, i + 200));
      return match ? match[1]! : null;
    }
  }
}

const DROPPED_ELEMENTS = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'head']);
const BLOCK_ELEMENTS = new Set(['p', 'div', 'li', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'blockquote', 'section', 'article', 'pre', 'table', 'figure', 'figcaption']);

// htmlparser2 rather than parse5: linear on pathological markup (parse5 takes seconds on a
// fragment of 70,000 paragraphs) and it never runs anything either.
const HTMLPARSER2 = { xml: { xmlMode: false, decodeEntities: true } } as const;

interface HtmlNode {
  type: string;
  name?: string;
  data?: string;
  children?: HtmlNode[];
}

/** Returns the plain text of an HTML fragment (tags removed, entities decoded), NFC, with spaces collapsed and paragraphs kept as line breaks. */
export function htmlToText(html: string): string {
  let text: string;
  if (!/[<&]/.test(html)) {
    text = html;
  } else {
    // One walk over the parsed tree (linear: editing the tree per <br> or block is quadratic on
    // a body of 100,000 paragraphs).
    const root = cheerio.load(html, HTMLPARSER2, false).root()[0] as unknown as HtmlNode;
    const parts: string[] = [];
    const stack: HtmlNode[] = [...(root.children ?? [])].reverse();
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.type === 'text') {
        parts.push(node.data ?? '');
      } else if (node.type === 'tag' || node.type === 'script' || node.type === 'style') {
        const name = (node.name ?? '').toLowerCase();
        if (DROPPED_ELEMENTS.has(name)) continue;
        if (name === 'br') {
          parts.push('\n');
          continue;
        }
        if (BLOCK_ELEMENTS.has(name)) stack.push({ type: 'text', data: '\n' });
        const kids = node.children ?? [];
        for (let k = kids.length - 1; k >= 0; k -= 1) stack.push(kids[k]!);
      } else if (node.type === 'cdata') {
        for (const kid of [...(node.children ?? [])].reverse()) stack.push(kid);
      }
    }
    text = parts.join('');
  }
  return normalizeText(text)
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const VN_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** Returns the date a feed wrote (RFC 822, ISO 8601, or dd/MM/yyyy [HH:mm] in Vietnam time), or null when it cannot be read. */
export function parseFeedDate(raw: string | null | undefined): Date | null {
  const text = raw?.trim() ?? '';
  if (text === '' || text.length > 100) return null;
  const local = VN_DATE.exec(text);
  if (local) {
    const [, d, m, y, hh = '0', mm = '0', ss = '0'] = local;
    const iso = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}T${hh.padStart(2, '0')}:${mm.padStart(2, '0')}:${ss.padStart(2, '0')}+07:00`;
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}
