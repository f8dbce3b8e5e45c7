// Where items come from, and how healthy each source is.

export const SOURCE_KINDS = ['rss', 'html', 'form', 'import'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** CSS selectors for a web-page source; all optional. Without `item` the page is one entry. */
export interface HtmlSelectors {
  /** Each match is one entry. */
  item?: string;
  /** Inside an item: the element whose `href` is the entry's link. Default `a[href]`. */
  link?: string;
  /** Inside an item: the element whose text is the title. Default: a heading, else the link text. */
  title?: string;
  /** Inside an item: the element whose `datetime` attribute or text is the date. */
  date?: string;
  /** Inside an item: the element whose text is the body. */
  body?: string;
}

/** A configured source as the pipeline and API see it. */
export interface Source {
  id: number;
  kind: SourceKind;
  name: string;
  url: string | null;
  /** CSS selectors of a web-page source (kind `html`); null to find headlines without them. */
  selectors: HtmlSelectors | null;
  enabled: boolean;
  pollIntervalSeconds: number;
  etag: string | null;
  lastModified: string | null;
  lastSuccessAt: Date | null;
  lastErrorAt: Date | null;
  lastError: string | null;
  lastErrorCode: string | null;
  consecutiveFailures: number;
  /** When the current run of failures began (null while healthy). */
  failingSince: Date | null;
  nextFetchAt: Date | null;
  createdAt: Date;
}

/** Counts one refresh reports back to staff. */
export interface RefreshResult {
  sourceId: number;
  /** `skipped`: a scheduled run found the source not due (backing off, or paused). */
  status: 'ok' | 'not_modified' | 'error' | 'skipped';
  fetched: number;
  stored: number;
  skipped: number;
  failedEntries: number;
  error?: { code: string; message: string };
}

/**
 * One entry of a preview as staff would see it. `title`, `author` and `summary` are plain text
 * with `&`, `<` and `>` written as entities (the conformance format).
 */
export interface SourcePreviewItem {
  title: string;
  link: string | null;
  guid: string | null;
  /** ISO 8601 in UTC, or null when the source gave no readable date. */
  published: string | null;
  author: string | null;
  summary: string;
}

/** What a source would yield now, stored nowhere: its items, or why it cannot be read. */
export type SourcePreviewResult =
  | {
      input: string;
      feed: { title: string | null; link: string | null };
      items: SourcePreviewItem[];
      /** Entries the source held that could not be read at all. */
      failedEntries?: number;
      /** Entries left out because the source held more than maxItems. */
      omittedEntries?: number;
    }
  | { input: string; error: { code: string; message: string } };

/** A problem with a saved selector: which field, and why. */
export interface SelectorError {
  field: string;
  code: string;
  message: string;
}

/** What the sources page needs from the collectors, passed in by the composition root. */
export interface SourceChecker {
  validateSelectors(input: unknown): { ok: true; selectors: HtmlSelectors } | { ok: false; errors: SelectorError[] };
  preview(source: { kind: 'rss' | 'html'; url: string; selectors?: HtmlSelectors }): Promise<SourcePreviewResult>;
  /**
   * Refuses, before anything is stored, an address the collector would never fetch: a loopback,
   * private or metadata IP literal or `localhost`, unless that host is allowed. Names that only
   * resolve to such an address are still refused when fetched. Absent: only the URL's shape is checked.
   */
  checkUrl?(url: string): { ok: true } | { ok: false; code: 'blocked_address'; message: string };
}

/** A problem with one field of a source as submitted: `field` as the API names it (`url`, `selectors.item`…). */
export interface SourceFieldError {
  field: string;
  code: string;
}

/** What an admin may change on a saved source; a field left out stays as it is. */
export interface SourceChanges {
  name?: string;
  /** Only feed and web-page sources have an address. */
  url?: string;
  /** Web-page sources only; null clears them (headlines are then found without selectors). */
  selectors?: HtmlSelectors | null;
  enabled?: boolean;
  pollIntervalSeconds?: number;
}

/** Returns the address a source is fetched from, or null for sources that are not fetched (forms, imports). */
export function fetchedUrlOf(source: Pick<Source, 'kind' | 'url'>): string | null {
  return (source.kind === 'rss' || source.kind === 'html') && source.url ? source.url : null;
}

/** Returns true for sources that receive items without being fetched (forms, imports): they have no polling. */
export function isReceivedSource(source: Pick<Source, 'kind'>): boolean {
  return source.kind === 'form' || source.kind === 'import';
}

/**
 * Returns the HTTP status of a stored `http_status` fetch error, read from its message (which the
 * collector writes as `… HTTP 404`), or null when there is none.
 */
export function httpStatusOf(code: string | null | undefined, message: string | null | undefined): number | null {
  if (code !== 'http_status' || !message) return null;
  const match = /\bHTTP (\d{3})\b/.exec(message);
  return match ? Number(match[1]) : null;
}
