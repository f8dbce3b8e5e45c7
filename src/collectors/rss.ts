// Feed text to entries. rss-parser finds the format (RSS 0.9x/1.0/2.0, Atom) and runs xml2js;
// the entries themselves are read here from xml2js's nodes, because rss-parser's own item code
// throws on a bad Atom date or a <link> without attributes (losing the whole feed) and builds a
// contentSnippet with a regex that is quadratic on descriptions full of `&lt;`.
import * as cheerio from 'cheerio';
import Parser from 'rss-parser';
import type { ParsedEntry } from '../domain/item.ts';
import { normalizeText } from '../text/normalize-text.ts';
import { CollectorError } from './collector-error.ts';

export interface ParsedFeed {
  title: string | null;
  link: string | null;
  entries: ParsedEntry[];
  /** Items present in the feed that could not be read at all. */
  failedEntries: number;
}

export interface ParseFeedOptions {
  /** Entries kept, in document order; the rest are ignored. Default 1000. */
  maxItems?: number;
  /** Deadline for the parser to settle, in ms. Default 10000. */
  timeoutMs?: number;
}

const DEFAULT_MAX_ITEMS = 1000;
const DEFAULT_TIMEOUT_MS = 10_000;
const FEED_ROOTS = new Set(['rss', 'feed', 'rdf']);

/** xml2js output: elements as arrays of strings or nodes; attributes under `$`, text under `_`. */
type XmlNode = { [key: string]: unknown };

type ItemOutcome = { kind: 'entry'; entry: ParsedEntry } | { kind: 'failed' } | { kind: 'skipped' };

interface ParserHooks {
  buildAtomFeed(xmlObj: XmlNode): unknown;
  parseItemRss(xmlItem: unknown, itemFields: unknown): unknown;
  parseItemAtom(entry: unknown): unknown;
}

interface RawFeed {
  title?: unknown;
  link?: unknown;
  items?: unknown[];
}

/** Returns the feed's title, link and entries (NFC plain text, http(s) links only); throws CollectorError 'not_a_feed' or 'malformed_feed'. */
export async function parseFeed(xml: string, options: ParseFeedOptions = {}): Promise<ParsedFeed> {
  const maxItems = options.maxItems ?? DEFAULT_MAX_ITEMS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const prepared = prepareXml(xml);
  const rootName = findRootElement(prepared);
  if (rootName === null) {
    throw new CollectorError('malformed_feed', 'The document has no root element (empty, or only comments and declarations)');
  }
  const localName = rootName.slice(rootName.indexOf(':') + 1).toLowerCase();
  if (!FEED_ROOTS.has(localName)) {
    throw new CollectorError('not_a_feed', `The document is <${rootName.slice(0, 40)}>, not an RSS or Atom feed`);
  }

  let seen = 0;
  const readItem = (node: unknown, format: 'rss' | 'atom'): ItemOutcome => {
    seen += 1;
    if (seen > maxItems) return { kind: 'skipped' };
    try {
      const entry = format === 'rss' ? readRssItem(node) : readAtomEntry(node);
      return entry === null ? { kind: 'failed' } : { kind: 'entry', entry };
    } catch {
      return { kind: 'failed' };
    }
  };
  // A fresh parser per call: xml2js parsers carry state between parses.
  const parser = new Parser();
  const hooks = parser as unknown as ParserHooks;
  const buildAtomFeed = hooks.buildAtomFeed.bind(parser);
  hooks.buildAtomFeed = (xmlObj) => {
    const feed = xmlObj.feed;
    if (isNode(feed) && Array.isArray(feed.link)) feed.link = feed.link.filter((l) => isNode(l) && isNode(l.$));
    return buildAtomFeed(xmlObj);
  };
  hooks.parseItemRss = (node) => readItem(node, 'rss');
  hooks.parseItemAtom = (node) => readItem(node, 'atom');

  const raw = await settleWithin(parser.parseString(prepared) as Promise<RawFeed>, timeoutMs);
  const outcomes = (raw.items ?? []) as ItemOutcome[];
  const entries: ParsedEntry[] = [];
  let failedEntries = 0;
  for (const outcome of outcomes) {
    if (outcome.kind === 'entry') entries.push(outcome.entry);
    else if (outcome.kind === 'failed') failedEntries += 1;
  }
  const title = typeof raw.title === 'string' ? htmlToText(raw.title) : '';
  return {
    title: title === '' ? null : title,
    link: typeof raw.link === 'string' ? httpLink(raw.link) : null,
    entries,
    failedEntries,
  };
}

async function settleWithin<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CollectorError('timeout', `The feed parser did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } catch (error) {
    if (error instanceof CollectorError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/not recognized as RSS/i.test(message)) {
      throw new CollectorError('not_a_feed', 'The document is XML but not an RSS or Atom feed', { cause: error });
    }
    throw new CollectorError('malformed_feed', `The feed is not well-formed XML: ${message.split('\n')[0]}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

// Removes what must never reach the XML parser: a BOM or invisible characters before the prolog,
// and any DOCTYPE, whose internal subset can declare entities that expand exponentially
// ("billion laughs"). Entities a stripped DTD declared then fail as malformed XML.
function prepareXml(xml: string): string {
  return xml
    .replace(/^[\uFEFF\u200B\s]+/, '')
    .replace(/<!DOCTYPE(?:[^[>]|\[[\s\S]*?\](?=\s*>))*>/gi, '');
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

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Own properties only: xml2js nodes are prototype-less, but an element named like an
// Object.prototype member must never be read through the prototype chain.
function child(node: XmlNode, name: string): unknown[] {
  if (!Object.hasOwn(node, name)) return [];
  const value = node[name];
  return Array.isArray(value) ? value : [value];
}

function attribute(node: unknown, name: string): string | undefined {
  if (!isNode(node) || !isNode(node.$) || !Object.hasOwn(node.$, name)) return undefined;
  const value = node.$[name];
  return typeof value === 'string' ? value : undefined;
}

// The text of an element as xml2js holds it: a string, `_` beside attributes, or (for inline
// XHTML) text spread over child elements.
function rawText(value: unknown, depth = 0): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => rawText(v, depth + 1)).join(' ');
  if (!isNode(value) || depth > 50) return '';
  const parts: string[] = [];
  for (const [key, inner] of Object.entries(value)) {
    if (key === '$') continue;
    parts.push(rawText(inner, depth + 1));
  }
  return parts.join(' ');
}

function firstText(node: XmlNode, names: readonly string[]): string | null {
  for (const name of names) {
    for (const value of child(node, name)) {
      const text = rawText(value).trim();
      if (text !== '') return text;
    }
  }
  return null;
}

function readRssItem(value: unknown): ParsedEntry | null {
  if (!isNode(value)) return null;
  const guidNode = child(value, 'guid')[0];
  const guid = optionalText(guidNode === undefined ? null : rawText(guidNode));
  let link = httpLink(firstText(value, ['link']));
  if (link === null && guid !== null && attribute(guidNode, 'isPermaLink') !== 'false') link = httpLink(guid);
  return buildEntry({
    guid,
    link,
    title: firstText(value, ['title', 'dc:title']),
    body: firstText(value, ['content:encoded', 'description', 'content', 'summary']),
    author: firstText(value, ['dc:creator', 'author']),
    date: firstText(value, ['pubDate', 'dc:date', 'published', 'updated']),
  });
}

function readAtomEntry(value: unknown): ParsedEntry | null {
  if (!isNode(value)) return null;
  const links = child(value, 'link');
  const alternate =
    links.find((l) => (attribute(l, 'rel') ?? 'alternate') === 'alternate' && attribute(l, 'href') !== undefined) ??
    links.find((l) => attribute(l, 'href') !== undefined);
  let author: string | null = null;
  for (const a of child(value, 'author')) {
    author = isNode(a) ? firstText(a, ['name', 'email']) : optionalText(rawText(a));
    if (author !== null) break;
  }
  return buildEntry({
    guid: optionalText(firstText(value, ['id'])),
    link: httpLink(alternate === undefined ? null : attribute(alternate, 'href') ?? null),
    title: firstText(value, ['title']),
    body: firstText(value, ['content', 'summary']),
    author,
    date: firstText(value, ['published', 'updated', 'issued', 'modified', 'dc:date']),
  });
}

interface RawEntry {
  guid: string | null;
  link: string | null;
  title: string | null;
  body: string | null;
  author: string | null;
  date: string | null;
}

function buildEntry(raw: RawEntry): ParsedEntry | null {
  const title = raw.title === null ? '' : htmlToText(raw.title);
  const body = raw.body === null ? '' : htmlToText(raw.body);
  if (title === '' && body === '' && raw.link === null && raw.guid === null) return null;
  return {
    guid: raw.guid === null ? null : optionalText(normalizeText(raw.guid)),
    link: raw.link,
    title,
    body,
    author: raw.author === null ? null : optionalText(htmlToText(raw.author)),
    publishedAt: parseFeedDate(raw.date),
  };
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

const DROPPED_ELEMENTS = 'script, style, noscript, template, iframe, object, embed, svg, math, head';
const BLOCK_ELEMENTS = 'p, div, li, ul, ol, h1, h2, h3, h4, h5, h6, tr, blockquote, section, article, pre, table, figure, figcaption';

/** Returns the plain text of an HTML fragment (tags removed, entities decoded), NFC, with spaces collapsed and paragraphs kept as line breaks. */
export function htmlToText(html: string): string {
  let text: string;
  if (!/[<&]/.test(html)) {
    text = html;
  } else {
    const $ = cheerio.load(html, null, false);
    $(DROPPED_ELEMENTS).remove();
    $('br').replaceWith('\n');
    $(BLOCK_ELEMENTS).after('\n');
    text = $.root().text();
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
    const iso = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}T${hh.padStart(2, '0')}:${mm}:${ss.padStart(2, '0')}+07:00`;
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}
