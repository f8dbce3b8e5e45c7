// Imports of feedback gathered elsewhere (a form service's export, a hotline log, exported
// comments): the columns staff map, the per-row errors they see, and an import's progress.

/** What a column of the file can be mapped to. Only `content` is required. */
export const IMPORT_FIELDS = ['content', 'title', 'author', 'date', 'channel'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** Which column (0-based) holds each field; fields left out are not imported. */
export type ColumnMapping = { content: number } & Partial<Record<Exclude<ImportField, 'content'>, number | null>>;

/** Why a row (or the whole file) was not imported. `code` names the message in the catalogue. */
export const IMPORT_ERROR_CODES = [
  // Per row
  'content_required',
  'too_long',
  'invalid_date',
  'date_out_of_range',
  'invalid_encoding',
  'field_count',
  'unterminated_quote',
  /** Stands for the errors beyond the ones kept (a file with thousands of bad rows). */
  'more_errors',
  // Whole file
  'unsupported_format',
  'xls_not_supported',
  'invalid_xlsx',
  'empty_file',
  'no_rows',
  'too_large',
  'too_many_rows',
  'invalid_mapping',
  'storage_failed',
  'interrupted',
] as const;
export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[number];

/** One problem: `line` is the file's line (CSV) or sheet row (XLSX), 1-based; 0 for the whole file. */
export interface ImportRowError {
  line: number;
  field?: string;
  code: string;
  /** English, for logs and API clients; the dashboard shows the catalogue's text for `code`. */
  message: string;
}

export type ImportStatus = 'pending' | 'running' | 'done' | 'failed';

/** An import as the API and pages see it. */
export interface ImportRecord {
  id: number;
  sourceId: number;
  sourceName: string;
  filename: string;
  status: ImportStatus;
  totalRows: number;
  processedRows: number;
  stored: number;
  skipped: number;
  errors: ImportRowError[];
  createdBy: number | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** How the file's bytes were read into text. */
export type EncodingNote =
  /** A byte-order mark said so. */
  | 'bom'
  /** Every byte sequence was valid UTF-8. */
  | 'valid_utf8'
  /** Mostly valid UTF-8 with some invalid sequences: rows touching them are refused, never guessed. */
  | 'utf8_with_errors'
  /** Not UTF-8: read as a legacy Windows code page, chosen by which one reads as Vietnamese. */
  | 'legacy_guess'
  /** UTF-16 without a byte-order mark, recognised by its zero bytes. */
  | 'utf16_guess'
  /** The file was a spreadsheet, which carries its own encoding. */
  | 'xlsx';

/** What staff see before importing: how the file was read, its first rows and a suggested mapping. */
export interface ImportPreview {
  format: 'csv' | 'xlsx';
  encoding: string | null;
  encodingNote: EncodingNote;
  /** Number of invalid UTF-8 sequences, when encodingNote is `utf8_with_errors`. */
  invalidSequences: number;
  delimiter: string | null;
  headers: string[];
  /** The first rows (at most 20), cells as text. */
  rows: Array<{ line: number; cells: string[] }>;
  totalRows: number;
  suggestedMapping: Partial<Record<ImportField, number>>;
  /** Problems found while parsing (broken rows), before any mapping is applied. */
  parseErrors: ImportRowError[];
}

/** A request to import one file. */
export interface ImportRequest {
  /** The import source to store into; created (kind `import`) when no source has that name. */
  sourceName?: string;
  filename: string;
  bytes: Uint8Array;
  mapping: ColumnMapping;
  userId: number | null;
}

/** What the HTTP layer asks of the import pipeline (built by the composition root). */
export interface FeedbackImporter {
  /** Returns how the file reads and its first rows; throws ImportFileError for unreadable files. */
  preview(file: { filename: string; bytes: Uint8Array }): Promise<ImportPreview>;
  /** Parses the file, records a pending import and runs it in the background; returns its id. */
  start(request: ImportRequest): Promise<{ importId: number }>;
  /** Resolves when every import started here has finished (tests, shutdown). */
  idle(): Promise<void>;
}

/** Largest file accepted (bytes). */
export const MAX_IMPORT_BYTES = 15 * 1024 * 1024;
/** Most data rows accepted in one file. */
export const MAX_IMPORT_ROWS = 200_000;

/** A file that cannot be imported at all: the code names the message. */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
  constructor(
    readonly code: ImportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
