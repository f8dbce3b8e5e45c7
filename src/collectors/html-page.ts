// Web pages to entries, for sources without a feed (ward portal, schools, the education
// department). With selectors staff chose, each `item` match is an entry; without, headline
// links are found on a list page, or the main text on an article page. Nothing is executed or
// rendered: the page is parsed by parse5 (the tree a browser builds, so selectors copied from
// its inspector match) after a cap on length and nesting depth, and read as text only.
import * as cheerio from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { isIP } from 'node:net';
import type { ParsedEntry } from '../domain/item.ts';
import { normalizeText } from '../text/normalize-text.ts';
import { CollectorError } from './collector-error.ts';
import { isBlockedAddress } from '../domain/is-blocked-address.ts';
import { limitHtmlDepth } from './limit-html-depth.ts';
import { parsePageDate } from './parse-page-date.ts';
import { htmlToText, httpLink, MAX_BODY_CHARS, MAX_TITLE_CHARS, type ParsedFeed } from './rss.ts';
import { validateSelectors, type HtmlSelectors } from './validate-selectors.ts';

export { validateSelectors, type HtmlSelectors } from './validate-selectors.ts';

export interface ParseHtmlPageOptions {
  /** The URL the page was fetched from: links resolve against it (and a same-host `<base href>`). */
  pageUrl: string;
  selectors?: HtmlSelectors;
  /** Entries kept, in document order; the rest are counted in omittedEntries. Default 500. */
  maxItems?: number;
  /** Characters of HTML parsed; the rest of a longer page is ignored. Default 2,000,000. */
  maxChars?: number;
}

export interface ParsedHtmlPage extends ParsedFeed {
  /** How entries were found: staff's selectors, headline links of a list page, or an article's main text. */
  kind: 'selectors' | 'list' | 'article';
  /** True when the page was longer than maxChars and only its beginning was read. */
  truncated: boolean;
}

const DEFAULT_MAX_ITEMS = 500;
// parse5 reads about 2 MB of dense markup per second; real list pages are well under 1 MB.
const DEFAULT_MAX_CHARS = 2_000_000;
const MAX_DEPTH = 256;
const MAX_URL_CHARS = 2_000;
const DROPPED = 'script, style, noscript, template, iframe, object, embed, svg, math, canvas';
const HEADINGS = 'h1, h2, h3, h4, h5, h6';
const HEADING_TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure', 'footer', 'form',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table',
  'tbody', 'td', 'th', 'tr', 'ul',
]);
// Site furniture: menus, headers, footers, share bars. Links and text inside are not content.
const BOILERPLATE_TAGS = new Set(['nav', 'footer', 'aside']);
const BOILERPLATE_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search', 'menu', 'menubar']);
const BOILERPLATE_WORD =
  /^(?:nav|navbar|navigation|menu|menubar|submenu|megamenu|header|footer|breadcrumb|breadcrumbs|sidebar|social|share|sharing|copyright|pagination|pager|topbar|toolbar|login|search|cookie|cookies|banner)$/;
// Article pages: the main text must be this long, mostly not links, and hold few headline links.
const MIN_ARTICLE_CHARS = 400;
const MAX_LINK_DENSITY = 0.35;
const MIN_PARAGRAPH_CHARS = 25;

/** Returns the entries of a web page (NFC plain text, absolute http(s) links only) found with `selectors`, or as headline links or main text without; throws CollectorError on a bad page URL or unusable selectors. */
export function parseHtmlPage(html: string, options: ParseHtmlPageOptions): ParsedHtmlPage {
  const maxItems = Math.max(0, options.maxItems ?? DEFAULT_MAX_ITEMS);
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  let pageUrl: URL;
  try {
    pageUrl = new URL(options.pageUrl);
  } catch (cause) {
    throw new CollectorError('bad_url', `Not a valid page URL: ${String(options.pageUrl).slice(0, 200)}`, { cause });
  }
  let selectors: HtmlSelectors = {};
  if (options.selectors !== undefined) {
    const check = validateSelectors(options.selectors);
    if (!check.ok) {
      // There is no selector code among the collector errors yet; the message says what is wrong.
      const detail = check.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
      throw new CollectorError('invalid_selector', `The source's selectors cannot be used: ${detail}`.slice(0, 500), { cause: check.errors });
    }
    selectors = check.selectors;
  }

  const truncated = html.length > maxChars;
  const limited = limitHtmlDepth(truncated ? html.slice(0, maxChars) : html, MAX_DEPTH);
  const $ = cheerio.load(limited.html);
  const page = new Page($, pageUrl);
  $(DROPPED).remove();

  let kind: ParsedHtmlPage['kind'];
  let found: ParsedEntry[];
  let failedEntries = 0;
  let omittedEntries = 0;
  if (selectors.item !== undefined) {
    kind = 'selectors';
    const result = page.entriesBySelectors(selectors as HtmlSelectors & { item: string }, maxItems);
    found = result.entries;
    failedEntries = result.failed;
    omittedEntries = result.omitted;
  } else if (hasAny(selectors)) {
    kind = 'article';
    found = [page.articleEntry(selectors, page.findMainText()?.element ?? null)];
  } else {
    const headlines = page.findHeadlines();
    const main = page.findMainText();
    if (main !== null && page.looksLikeArticle(main, headlines)) {
      kind = 'article';
      found = [page.articleEntry({}, main.element)];
    } else {
      kind = 'list';
      found = headlines.map((h) => ({ guid: null, link: h.link, title: h.title, body: '', author: null, publishedAt: null }));
    }
    if (found.length > maxItems) {
      omittedEntries = found.length - maxItems;
      found = found.slice(0, maxItems);
    }
  }
  const entries = found.filter((e) => e.title !== '' || e.body !== '' || e.link !== null);
  failedEntries += found.length - entries.length;

  const result: ParsedHtmlPage = {
    title: page.title(),
    link: httpLink(pageUrl.href),
    entries,
    failedEntries,
    kind,
    truncated,
  };
  if (omittedEntries > 0) result.omittedEntries = omittedEntries;
  return result;
}

function hasAny(selectors: HtmlSelectors): boolean {
  return Object.values(selectors).some((s) => typeof s === 'string' && s !== '');
}

interface Headline {
  link: string;
  title: string;
  anchor: Element;
  /** The title came from the link's text (not an attribute): better than one that did not. */
  fromText: boolean;
}

interface MainText {
  element: Element;
  score: number;
}

type Selection = cheerio.Cheerio<Element>;

class Page {
  private readonly base: URL;
  private readonly boilerplate: Set<Element>;

  constructor(
    private readonly $: cheerio.CheerioAPI,
    private readonly pageUrl: URL,
  ) {
    this.base = resolveBase(pageUrl, $('base[href]').first().attr('href'));
    this.boilerplate = new Set();
  }

  title(): string | null {
    const title = inlineText(this.$('title').first(), MAX_TITLE_CHARS);
    return title === '' ? null : title;
  }

  /** Returns the absolute http(s) URL an href points at, or null (other schemes, internal hosts, credentials). */
  resolve(href: string | undefined): string | null {
    const raw = href?.trim() ?? '';
    if (raw === '' || raw.startsWith('#') || raw.length > MAX_URL_CHARS) return null;
    let url: URL;
    try {
      url = new URL(raw, this.base);
    } catch {
      return null;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username !== '' || url.password !== '') return null;
    // A link to an internal host is dropped, unless the page itself is served from that host
    // (a ward intranet page or a loopback demo allowed by COLLECTOR_ALLOW_HOSTS).
    if (isInternalHost(url.hostname) && url.hostname !== this.base.hostname) return null;
    return httpLink(url.href);
  }

  // ---- selectors -------------------------------------------------------------------------

  entriesBySelectors(selectors: HtmlSelectors & { item: string }, maxItems: number): { entries: ParsedEntry[]; failed: number; omitted: number } {
    const $ = this.$;
    const items = $(selectors.item);
    const entries: ParsedEntry[] = [];
    const seen = new Set<string>();
    let omitted = 0;
    items.each((_, element) => {
      if (element.type !== 'tag') return;
      if (entries.length >= maxItems) {
        omitted += 1;
        return;
      }
      const item = $(element as Element);
      const linkElement = selectors.link !== undefined ? pick(item, selectors.link) : defaultLink(item);
      const href = linkElement.attr('href') ?? linkElement.find('a[href]').first().attr('href');
      const link = this.resolve(href);
      if (link !== null) {
        const key = withoutHash(link);
        if (seen.has(key)) return;
        seen.add(key);
      }
      const title =
        selectors.title !== undefined ? textOrLabel(pick(item, selectors.title), MAX_TITLE_CHARS) : defaultTitle(item, linkElement);
      const publishedAt = selectors.date !== undefined ? dateOf(pick(item, selectors.date)) : findDate(item);
      const body =
        selectors.body !== undefined
          ? this.blockText(pick(item, selectors.body)[0])
          : inlineText(item.find('p').filter((_, p) => $(p).text().trim().length >= 20).first(), MAX_BODY_CHARS);
      entries.push({ guid: null, link, title, body, author: null, publishedAt });
    });
    return { entries, failed: 0, omitted };
  }

  // ---- without selectors: list pages ----------------------------------------------------

  /** Returns headline links in document order, one per URL, outside site furniture. */
  findHeadlines(): Headline[] {
    const $ = this.$;
    this.markBoilerplate();
    const byKey = new Map<string, Headline>();
    const pageKey = withoutHash(this.pageUrl.href);
    $('a[href]').each((_, anchor) => {
      if (this.inBoilerplate(anchor)) return;
      const link = this.resolve(anchor.attribs.href);
      if (link === null) return;
      const key = withoutHash(link);
      if (key === pageKey) return;
      const a = $(anchor);
      const text = inlineText(a, MAX_TITLE_CHARS);
      const title = text !== '' ? text : labelOf(a);
      if (title === '') return;
      const words = title.split(' ').length;
      const inHeading = closestWithin(anchor, HEADING_TAGS, 3) !== null || a.find(HEADINGS).length > 0;
      const inArticle = closestWithin(anchor, new Set(['article']), 12) !== null;
      // A long link text reads as a headline; a long title attribute on an image link does not
      // (partner banners and section tiles carry them too).
      if (!(inHeading && words >= 2) && !(inArticle && words >= 3) && !(text !== '' && words >= 6)) return;
      const known = byKey.get(key);
      if (known === undefined) byKey.set(key, { link, title, anchor, fromText: text !== '' });
      else if (!known.fromText && text !== '') byKey.set(key, { ...known, title: text, fromText: true });
    });
    const headlines = [...byKey.values()];
    // Where most headlines link to article-shaped URLs (an id or a date in the path), the others
    // are section links ("Tin nổi bật", "Hợp tác quốc tế") sitting in headings too.
    const articleShaped = headlines.filter((h) => isArticleShaped(h.link));
    if (headlines.length >= 5 && articleShaped.length >= 0.6 * headlines.length) return articleShaped;
    return headlines.filter((h) => isArticleShaped(h.link) || h.title.split(' ').length >= 4);
  }

  // ---- without selectors: article pages --------------------------------------------------

  /** Returns the element holding the most paragraph text (a readability-style score), or null. */
  findMainText(): MainText | null {
    const $ = this.$;
    this.markBoilerplate();
    const scores = new Map<Element, number>();
    const add = (element: Element | null, points: number): void => {
      if (element === null || element.type !== 'tag') return;
      scores.set(element, (scores.get(element) ?? 0) + points);
    };
    $('p, pre, blockquote, div, td').each((_, element) => {
      if (element.name !== 'p' && element.name !== 'pre' && element.name !== 'blockquote') {
        // A div or cell that holds text directly, with no blocks inside, is a paragraph too.
        if (element.children.some((c) => c.type === 'tag' && BLOCK_TAGS.has(c.name))) return;
      }
      const length = collapse($(element).text()).length;
      if (length < MIN_PARAGRAPH_CHARS || (element.name !== 'p' && length < 80)) return;
      if (this.inBoilerplate(element)) return;
      const parent = parentElement(element);
      add(parent, length);
      add(parent === null ? null : parentElement(parent), length / 2);
    });
    let best: MainText | null = null;
    for (const [element, score] of scores) if (best === null || score > best.score) best = { element, score };
    return best;
  }

  looksLikeArticle(main: MainText, headlines: Headline[]): boolean {
    if (main.score < MIN_ARTICLE_CHARS) return false;
    const $ = this.$;
    const container = $(main.element);
    const textLength = collapse(container.text()).length;
    let linkLength = 0;
    container.find('a').each((_, a) => {
      linkLength += collapse($(a).text()).length;
    });
    if (textLength === 0 || linkLength / textLength > MAX_LINK_DENSITY) return false;
    const inside = headlines.filter((h) => isInside(h.anchor, main.element));
    const headlineChars = inside.reduce((sum, h) => sum + h.title.length, 0);
    return inside.length < 3 || main.score >= 5 * headlineChars;
  }

  articleEntry(selectors: HtmlSelectors, main: Element | null): ParsedEntry {
    const $ = this.$;
    const root = $.root();
    const title =
      selectors.title !== undefined ? textOrLabel(root.find(selectors.title).first(), MAX_TITLE_CHARS) : this.articleTitle();
    const publishedAt = selectors.date !== undefined ? dateOf(root.find(selectors.date).first()) : this.articleDate();
    const body = selectors.body !== undefined ? this.blockText(root.find(selectors.body)[0]) : main === null ? '' : this.blockText(main);
    const canonical = this.resolve($('link[rel~="canonical"]').first().attr('href'));
    const link = canonical !== null && new URL(canonical).hostname === this.pageUrl.hostname ? canonical : httpLink(this.pageUrl.href);
    const authorElement = $('[itemprop="author"], [rel~="author"], .author').first();
    const author = inlineText(authorElement, 200) || (authorElement.attr('content')?.trim() ?? '');
    return { guid: null, link, title, body, author: author === '' ? null : normalizeText(author), publishedAt };
  }

  private articleTitle(): string {
    const $ = this.$;
    let heading = '';
    $('h1').each((_, h1) => {
      if (this.inBoilerplate(h1)) return;
      heading = inlineText($(h1), MAX_TITLE_CHARS);
      if (heading !== '') return false;
      return undefined;
    });
    if (heading !== '') return heading;
    const og = $('meta[property="og:title"]').attr('content');
    if (og !== undefined && og.trim() !== '') return clip(collapse(htmlToText(og)), MAX_TITLE_CHARS);
    return this.title() ?? '';
  }

  private articleDate(): Date | null {
    const $ = this.$;
    const fromMeta = $(
      'meta[property="article:published_time"], meta[itemprop="datePublished"], meta[name="pubdate"], meta[name="publishdate"], meta[property="og:published_time"]',
    )
      .map((_, m) => parsePageDate(m.attribs.content))
      .get()
      .find((d): d is Date => d instanceof Date);
    if (fromMeta !== undefined) return fromMeta;
    return findDate($('body'));
  }

  /** Returns an element's text with paragraphs as line breaks, leaving out site furniture inside it. */
  blockText(element: Element | undefined): string {
    if (element === undefined) return '';
    const parts: string[] = [];
    const stack: AnyNode[] = [element];
    let length = 0;
    while (stack.length > 0 && length < MAX_BODY_CHARS * 2) {
      const node = stack.pop()!;
      if (node.type === 'text') {
        parts.push(node.data);
        length += node.data.length;
      } else if (node.type === 'tag') {
        if (node !== element && this.boilerplate.has(node)) continue;
        if (node.name === 'br') {
          parts.push('\n');
          continue;
        }
        if (BLOCK_TAGS.has(node.name)) stack.push(textNode('\n'));
        for (let k = node.children.length - 1; k >= 0; k -= 1) stack.push(node.children[k]!);
      }
    }
    const text = normalizeText(parts.join(''))
      .replace(/[^\S\n]+/g, ' ')
      .replace(/ ?\n ?/g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
    return clip(text, MAX_BODY_CHARS);
  }

  // ---- site furniture -------------------------------------------------------------------

  private marked = false;

  private markBoilerplate(): void {
    if (this.marked) return;
    this.marked = true;
    const $ = this.$;
    const pageText = collapse($('body').text()).length;
    $('nav, footer, aside, header, [role], [class], [id]').each((_, element) => {
      if (element.name === 'body' || element.name === 'html') return;
      if (!isBoilerplate(element)) return;
      // A wrapper named like furniture ("page-header-wrap", "has-sidebar") that holds the
      // content is not furniture.
      const el = $(element);
      if (element.name === 'header' && el.closest('article, main').length > 0) return;
      if (el.find('article, main, [role="main"]').length > 0) return;
      if (pageText > 0 && collapse(el.text()).length > 0.5 * pageText) return;
      this.boilerplate.add(element);
    });
  }

  private inBoilerplate(element: Element): boolean {
    for (let node: Element | null = element; node !== null; node = parentElement(node)) {
      if (this.boilerplate.has(node)) return true;
    }
    return false;
  }
}

function isBoilerplate(element: Element): boolean {
  if (BOILERPLATE_TAGS.has(element.name) || element.name === 'header') return true;
  const role = element.attribs.role?.toLowerCase();
  if (role !== undefined && BOILERPLATE_ROLES.has(role)) return true;
  const names = `${element.attribs.class ?? ''} ${element.attribs.id ?? ''}`;
  if (names.trim() === '') return false;
  return names
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_-]+/)
    .some((word) => BOILERPLATE_WORD.test(word));
}

// A `<base href>` may only move links within the page's own host: one pointing elsewhere
// (an internal address, another site) is ignored and links resolve against the page itself.
function resolveBase(pageUrl: URL, href: string | undefined): URL {
  if (href === undefined || href.trim() === '') return pageUrl;
  try {
    const base = new URL(href.trim(), pageUrl);
    if ((base.protocol === 'http:' || base.protocol === 'https:') && base.hostname === pageUrl.hostname && base.username === '' && base.password === '') {
      return base;
    }
  } catch {
    // An unreadable base is ignored, as browsers do.
  }
  return pageUrl;
}

function isInternalHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isIP(bare) !== 0 && isBlockedAddress(bare);
}

function isArticleShaped(link: string): boolean {
  const path = new URL(link).pathname;
  return /\d{4,}/.test(path) || /\/(?:19|20)\d{2}\/\d{1,2}\//.test(path);
}

function withoutHash(link: string): string {
  const at = link.indexOf('#');
  return at === -1 ? link : link.slice(0, at);
}

function pick(item: Selection, selector: string): Selection {
  const inner = item.find(selector).first();
  return inner.length > 0 || !item.is(selector) ? inner : item;
}

function defaultLink(item: Selection): Selection {
  if (item.is('a[href]')) return item;
  const inHeading = item.find('h1 a[href], h2 a[href], h3 a[href], h4 a[href], h5 a[href], h6 a[href]').first();
  return inHeading.length > 0 ? inHeading : item.find('a[href]').first();
}

function defaultTitle(item: Selection, link: Selection): string {
  const heading = inlineText(item.find(HEADINGS).first(), MAX_TITLE_CHARS);
  if (heading !== '') return heading;
  return textOrLabel(link, MAX_TITLE_CHARS);
}

function textOrLabel(selection: Selection, max: number): string {
  const text = inlineText(selection, max);
  return text !== '' ? text : labelOf(selection);
}

// The title an element carries in an attribute (a link around an image). Some sites escape
// these twice (`ph&amp;#225;t`), so the value is read as HTML once more.
function labelOf(selection: Selection): string {
  const value = selection.attr('title') ?? selection.find('img[alt]').first().attr('alt') ?? '';
  return value.trim() === '' ? '' : clip(collapse(htmlToText(value)), MAX_TITLE_CHARS);
}

function dateOf(selection: Selection): Date | null {
  if (selection.length === 0) return null;
  const attribute = selection.attr('datetime') ?? selection.attr('content') ?? selection.find('time[datetime]').attr('datetime');
  return parsePageDate(attribute) ?? parsePageDate(selection.text());
}

function findDate(scope: Selection): Date | null {
  const time = scope.find('time[datetime]').first();
  if (time.length > 0) {
    const date = parsePageDate(time.attr('datetime'));
    if (date !== null) return date;
  }
  let found: Date | null = null;
  scope
    .find('[class*="date"], [class*="time"], [class*="publish"], [class*="ngay"], time')
    .slice(0, 20)
    .each((_, element) => {
      found = parsePageDate(scope.find(element).text());
      return found === null ? undefined : false;
    });
  if (found !== null) return found;
  // An item is small; a whole page is not, and a date anywhere in it is not its date.
  return scope.is('body') ? null : parsePageDate(scope.text().slice(0, 1_000));
}

function inlineText(selection: Selection, max: number): string {
  if (selection.length === 0) return '';
  return clip(collapse(normalizeText(selection.text())), max);
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function parentElement(node: AnyNode): Element | null {
  const parent = node.parent;
  return parent !== null && parent.type === 'tag' ? (parent as Element) : null;
}

function closestWithin(element: Element, names: ReadonlySet<string>, levels: number): Element | null {
  let node: Element | null = element;
  for (let i = 0; i <= levels && node !== null; i += 1) {
    if (names.has(node.name)) return node;
    node = parentElement(node);
  }
  return null;
}

function isInside(node: Element, container: Element): boolean {
  for (let current: Element | null = node; current !== null; current = parentElement(current)) {
    if (current === container) return true;
  }
  return false;
}

function textNode(data: string): AnyNode {
  return { type: 'text', data } as unknown as AnyNode;
}
