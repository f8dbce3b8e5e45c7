// Where items come from, and how healthy each source is.

export const SOURCE_KINDS = ['rss', 'html', 'form', 'import'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** A configured source as the pipeline and API see it. */
export interface Source {
  id: number;
  kind: SourceKind;
  name: string;
  url: string | null;
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
