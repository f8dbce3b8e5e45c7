// Preview of a source before it is saved: fetch (or read) one input, decode it, parse it as a
// feed or as a web page, and describe what would be collected. Nothing is stored. Used by
// `duluan preview` and by the sources page.
import type { SourcePreviewItem, SourcePreviewResult } from '../domain/source.ts';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { CollectorError, isCollectorError } from './collector-error.ts';
import { decodeBody } from './decode-body.ts';
import { parseFeed, type ParsedFeed } from './rss.ts';
import { safeFetch } from './safe-fetch.ts';
import { escapeHtml } from './xml-tree.ts';

export type PreviewKind = 'rss' | 'html';

export interface PreviewOptions {
  kind?: PreviewKind;
  /** CSS selectors for `kind: 'html'`. */
  selectors?: { item?: string; link?: string; title?: string; date?: string; body?: string };
  /** The Content-Type a file input is treated as served with (URLs use the server's). */
  contentType?: string;
  /** Hosts exempt from the private-address check (config COLLECTOR_ALLOW_HOSTS). */
  allowHosts: readonly string[];
  timeoutMs?: number;
  maxBytes?: number;
  /** Entries kept per input. Default 1000 (the parser's default). */
  maxItems?: number;
  /** May read local files (the CLI); the sources page passes false so only URLs are fetched. */
  allowFiles?: boolean;
}

/** One entry as staff would see it (see the domain type). */
export type PreviewItem = SourcePreviewItem;
/** A preview's answer for one input. */
export type PreviewResult = SourcePreviewResult;

const URL_INPUT = /^https?:\/\//i;

type Selectors = NonNullable<PreviewOptions['selectors']>;
interface HtmlPageModule {
  parseHtmlPage(html: string, options: { pageUrl: string; selectors?: Selectors }): ParsedFeed;
  validateSelectors(selectors: Selectors): { ok: true } | { ok: false; errors: { field: string; code: string; message: string }[] };
}
// Loaded only for web-page previews, so a feed preview never pays for (or depends on) the page parser.
const HTML_PAGE_MODULE = './html-page.ts';

async function loadHtmlPage(): Promise<HtmlPageModule> {
  try {
    return (await import(HTML_PAGE_MODULE)) as HtmlPageModule;
  } catch (cause) {
    throw new PreviewError('unsupported', 'Web page preview is not available in this build', cause);
  }
}

class PreviewError extends Error {
  constructor(
    readonly code: string,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** Returns what `input` (an http(s) URL or, when allowed, a file path) would yield, or the error that stops it. Never throws. */
export async function previewInput(input: string, options: PreviewOptions): Promise<PreviewResult> {
  try {
    const htmlPage = options.kind === 'html' ? await loadHtmlPage() : undefined;
    if (htmlPage !== undefined && options.selectors !== undefined) {
      const check = htmlPage.validateSelectors(options.selectors);
      if (!check.ok) {
        const detail = check.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
        throw new PreviewError('invalid_selectors', `Invalid selectors: ${detail}`.slice(0, 500));
      }
    }
    const { bytes, contentType, baseUrl } = await load(input, options);
    const { text } = decodeBody(bytes, contentType);
    let parsed: ParsedFeed;
    if (htmlPage !== undefined) {
      // A file has no address of its own; its links resolve against file:// and are then dropped.
      const pageUrl = baseUrl ?? pathToFileURL(input).href;
      parsed = htmlPage.parseHtmlPage(text, { pageUrl, selectors: options.selectors });
    } else {
      parsed = await parseFeed(text, { maxItems: options.maxItems, baseUrl });
    }
    const result: PreviewResult = {
      input,
      feed: { title: parsed.title === null ? null : escapeHtml(parsed.title), link: parsed.link },
      items: parsed.entries.map((entry) => ({
        title: escapeHtml(entry.title),
        link: entry.link,
        guid: entry.guid,
        published: entry.publishedAt === null ? null : entry.publishedAt.toISOString(),
        author: entry.author === null ? null : escapeHtml(entry.author),
        summary: escapeHtml(entry.body),
      })),
    };
    if (parsed.failedEntries > 0) result.failedEntries = parsed.failedEntries;
    if (parsed.omittedEntries !== undefined && parsed.omittedEntries > 0) result.omittedEntries = parsed.omittedEntries;
    return result;
  } catch (error) {
    if (isCollectorError(error) || error instanceof PreviewError) return { input, error: { code: error.code, message: error.message } };
    const message = error instanceof Error ? error.message : String(error);
    return { input, error: { code: 'internal', message: message.slice(0, 500) } };
  }
}

interface Loaded {
  bytes: Buffer;
  contentType: string | undefined;
  /** Base for relative links: the final URL, or the Content-Location it names. */
  baseUrl: string | undefined;
}

async function load(input: string, options: PreviewOptions): Promise<Loaded> {
  if (URL_INPUT.test(input.trim())) {
    const response = await safeFetch(input.trim(), {
      allowHosts: options.allowHosts,
      timeoutMs: options.timeoutMs,
      maxBytes: options.maxBytes,
    });
    let baseUrl = response.url;
    const location = response.headers['content-location'];
    if (location !== undefined && location.trim() !== '') {
      try {
        baseUrl = new URL(location.trim(), response.url).href;
      } catch {
        // An unreadable Content-Location leaves the request URL as the base.
      }
    }
    return { bytes: response.body, contentType: response.headers['content-type'] ?? options.contentType, baseUrl };
  }
  if (options.allowFiles === false) throw new CollectorError('bad_url', `Not an http(s) URL: ${input.slice(0, 200)}`);
  let bytes: Buffer;
  try {
    bytes = await readFile(input);
  } catch (cause) {
    throw new CollectorError('network', `Could not read ${input}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`, { cause });
  }
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  if (bytes.length > maxBytes) throw new CollectorError('too_large', `${input} is ${bytes.length} bytes, over the ${maxBytes} byte cap`);
  return { bytes, contentType: options.contentType, baseUrl: undefined };
}
