// Imports feedback gathered elsewhere, top to bottom: read the file, check every row (per-row
// errors with line numbers), skip duplicates, classify as comments with progress written as it
// goes, then store the valid rows in short transactions of STORE_CHUNK_ROWS rows each, letting the
// server answer other requests between them (embedded PGlite has one connection: one long
// transaction would freeze every page). A failure midway keeps the chunks already stored; running
// the same file again into the same source stores the rest, since stored rows are skipped by key.
import { createHash } from 'node:crypto';
import { parseImportFile, suggestMapping, type ParsedTable, type TableCell, type TableRow } from '../collectors/csv-import.ts';
import type { Classifier, ClassifierProvider } from '../domain/classification.ts';
import {
  type ColumnMapping,
  type FeedbackImporter,
  IMPORT_FIELDS,
  type ImportField,
  ImportFileError,
  type ImportPreview,
  type ImportRequest,
  type ImportRowError,
} from '../domain/feedback-import.ts';
import { DEADLINES_SETTING, DEFAULT_DEADLINES, type Deadlines, dueAtFor, withDefaultDeadlines } from '../domain/deadline.ts';
import { feedbackTitle } from '../domain/feedback.ts';
import { computePriority } from '../domain/item.ts';
import type { Db } from '../db/client.ts';
import { finishImport, findOrCreateImportSource, insertImport, updateImportProgress } from '../db/queries/imports.ts';
import { findExistingKeys, insertNewItems, type NewItem } from '../db/queries/items.ts';
import { getSetting } from '../db/queries/settings.ts';
import { foldText } from '../text/fold-text.ts';
import { normalizeText } from '../text/normalize-text.ts';

/** What an import needs from the process. */
export interface ImportDeps {
  db: Db;
  classifiers: ClassifierProvider;
  now?: () => Date;
  /** Progress is written to the import row every this many rows (default 1,000). */
  progressEvery?: number;
  /** Rows stored per transaction (default STORE_CHUNK_ROWS); tests make it small. */
  storeChunkRows?: number;
}

/** How an import ended. */
export interface ImportSummary {
  importId: number;
  sourceId: number;
  status: 'done' | 'failed';
  totalRows: number;
  processedRows: number;
  stored: number;
  skipped: number;
  errors: ImportRowError[];
}

/** The source items go to when the uploader names none. */
export const DEFAULT_IMPORT_SOURCE = 'Phản ánh nhập từ tệp';

const MAX_LENGTH: Record<ImportField, number> = { content: 20_000, title: 500, author: 200, date: 100, channel: 200 };
const MAX_KEPT_ERRORS = 1_000;
const CHUNK_ROWS = 250;
/** Rows stored per transaction: on embedded PGlite about 0.1–0.5 s, all other requests wait meanwhile. */
export const STORE_CHUNK_ROWS = 250;
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const EARLIEST_DATE = Date.UTC(1990, 0, 1);
const DAY_MS = 24 * 60 * 60 * 1000;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Throws ImportFileError unless the mapping names an existing column for content and only existing columns otherwise. */
export function checkMapping(mapping: ColumnMapping, headers: readonly string[]): void {
  for (const field of IMPORT_FIELDS) {
    const column = mapping[field];
    if (column === undefined || column === null) {
      if (field === 'content') throw new ImportFileError('invalid_mapping', 'a column must be chosen for the content');
      continue;
    }
    if (!Number.isInteger(column) || column < 0 || column >= headers.length) {
      throw new ImportFileError('invalid_mapping', `the column chosen for ${field} (${column}) is not in the file`);
    }
  }
}

// dd/MM/yyyy (also d/M/yyyy, with . or -), optionally with HH:mm[:ss]: the way Vietnamese offices write dates.
const DAY_MONTH_YEAR = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Returns the instant a date cell stands for (no zone → Asia/Ho_Chi_Minh), or null when it is not a date. */
export function parseFeedbackDate(value: string): Date | null {
  const text = value.trim();
  let parts: number[];
  let zone: string | undefined;
  const dmy = DAY_MONTH_YEAR.exec(text);
  const iso = dmy ? null : ISO_DATE.exec(text);
  if (dmy) {
    parts = [dmy[3], dmy[2], dmy[1], dmy[4], dmy[5], dmy[6]].map((part) => Number(part ?? 0));
  } else if (iso) {
    parts = [iso[1], iso[2], iso[3], iso[4], iso[5], iso[6]].map((part) => Number(part ?? 0));
    zone = iso[7];
  } else {
    return null;
  }
  const [year, month, day, hour, minute, second] = parts as [number, number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  // 31/02 or 25:00 roll over into another day: that is not the date the person wrote.
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute
  ) {
    return null;
  }
  if (!zone) return new Date(wall - VIETNAM_OFFSET_MS);
  if (zone.toUpperCase() === 'Z') return new Date(wall);
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.replace(/[^0-9]/g, '');
  const offsetMs = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  return new Date(wall - offsetMs);
}

/** A row that passed every check, ready to classify. */
interface CheckedRow {
  line: number;
  content: string;
  title: string;
  author: string | null;
  channel: string | null;
  publishedAt: Date | null;
  keyHash: string;
}

function cellText(cell: TableCell | undefined): string {
  if (cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString();
  return normalizeText(cell).trim();
}

/** Returns the row's fields checked (content required, lengths, date, encoding damage), or its errors. */
export function checkRow(
  row: TableRow,
  mapping: ColumnMapping,
  now: Date,
): { ok: true; row: CheckedRow } | { ok: false; errors: ImportRowError[] } {
  const errors: ImportRowError[] = [];
  const text = (field: ImportField): string => {
    const column = mapping[field];
    if (column === undefined || column === null) return '';
    const value = cellText(row.cells[column]);
    if (value.length > MAX_LENGTH[field]) {
      errors.push({ line: row.line, field, code: 'too_long', message: `${field} has ${value.length} characters; at most ${MAX_LENGTH[field]}` });
    }
    // U+FFFD is where the file's bytes were not valid UTF-8: refuse rather than store damaged text.
    if (value.includes('\uFFFD')) {
      errors.push({ line: row.line, field, code: 'invalid_encoding', message: `${field} holds bytes that are not valid UTF-8` });
    }
    return value;
  };
  const content = text('content');
  const title = text('title');
  const author = text('author');
  const channel = text('channel');
  if (content === '') errors.push({ line: row.line, field: 'content', code: 'content_required', message: 'the content is empty' });

  let publishedAt: Date | null = null;
  const dateColumn = mapping.date;
  const dateCell = dateColumn === undefined || dateColumn === null ? undefined : row.cells[dateColumn];
  if (dateCell instanceof Date) publishedAt = dateCell;
  else if (dateCell !== undefined && dateCell.trim() !== '') {
    publishedAt = parseFeedbackDate(normalizeText(dateCell));
    if (!publishedAt) {
      errors.push({ line: row.line, field: 'date', code: 'invalid_date', message: `"${dateCell.slice(0, 40)}" is not a date (dd/MM/yyyy or yyyy-mm-dd)` });
    }
  }
  if (publishedAt && (publishedAt.getTime() < EARLIEST_DATE || publishedAt.getTime() > now.getTime() + DAY_MS)) {
    errors.push({ line: row.line, field: 'date', code: 'date_out_of_range', message: `${publishedAt.toISOString()} is before 1990 or in the future` });
  }
  if (errors.length > 0) return { ok: false, errors };

  // The same words from the same person at the same time are one piece of feedback, however the
  // spacing differs; the same words from two people are two.
  const squash = (value: string) => value.replace(/\s+/g, ' ');
  const keyHash = sha256(['i', squash(content), squash(title), squash(author), publishedAt?.toISOString() ?? ''].join('\u0000'));
  return {
    ok: true,
    row: {
      line: row.line,
      content,
      // With no title column the opinion's first words head the item, as on the MTTQ form, after
      // the channel when there is one ("Zalo: Cổng trường ùn tắc…").
      title: title || (channel ? `${channel}: ${feedbackTitle(content)}` : feedbackTitle(content)),
      author: author || null,
      channel: channel || null,
      publishedAt,
      keyHash,
    },
  };
}

function toNewItem(row: CheckedRow, sourceId: number, collectedAt: Date, classifier: Classifier, deadlines: Deadlines): NewItem {
  const classification = classifier.classify({ title: row.title, body: row.content, kind: 'comment' });
  return {
    sourceId,
    keyHash: row.keyHash,
    url: null,
    title: row.title,
    body: row.content,
    author: row.author,
    publishedAt: row.publishedAt,
    collectedAt,
    // The channel has no column of its own yet; it is searchable.
    searchText: foldText([row.title, row.content, row.channel ?? ''].join('\n')),
    contentHash: sha256(`${row.title}\u0000${row.content}`),
    labels: classification.labels,
    classification,
    priority: computePriority(classification.labels),
    // Imported rows are citizen feedback: every one is owed an answer.
    dueAt: dueAtFor(classification.labels, 'import', collectedAt, deadlines),
  };
}

function keepErrors(errors: ImportRowError[]): ImportRowError[] {
  if (errors.length <= MAX_KEPT_ERRORS) return errors;
  const kept = errors.slice(0, MAX_KEPT_ERRORS);
  kept.push({ line: 0, code: 'more_errors', message: `${errors.length - MAX_KEPT_ERRORS} more rows have errors` });
  return kept;
}

/** Returns how the import ended, after running it for an import row already recorded as pending. */
export async function runImport(
  deps: ImportDeps,
  job: { importId: number; sourceId: number; table: ParsedTable; mapping: ColumnMapping },
): Promise<ImportSummary> {
  const now = deps.now ?? (() => new Date());
  const progressEvery = Math.max(1, deps.progressEvery ?? 1_000);
  const storeChunkRows = Math.max(1, Math.floor(deps.storeChunkRows ?? STORE_CHUNK_ROWS));
  const { importId, sourceId, table, mapping } = job;
  const totalRows = table.rows.length + table.errors.length;
  const errors: ImportRowError[] = [...table.errors];
  let processed = table.errors.length;
  let skipped = 0;
  let stored = 0;
  const summary = (status: 'done' | 'failed'): ImportSummary => ({
    importId,
    sourceId,
    status,
    totalRows,
    processedRows: processed,
    stored,
    skipped,
    errors: keepErrors(errors.sort((a, b) => a.line - b.line)),
  });

  try {
    await updateImportProgress(deps.db, importId, { status: 'running', totalRows, processedRows: processed });
    const startedAt = now();
    const classifier = await deps.classifiers.get();
    const deadlines = withDefaultDeadlines(await getSetting(deps.db, DEADLINES_SETTING, DEFAULT_DEADLINES));
    const seen = new Set<string>();
    const fresh: NewItem[] = [];
    let lastReported = processed;
    for (let start = 0; start < table.rows.length; start += CHUNK_ROWS) {
      const chunk = table.rows.slice(start, start + CHUNK_ROWS);
      const candidates: CheckedRow[] = [];
      for (const row of chunk) {
        const checked = checkRow(row, mapping, startedAt);
        if (!checked.ok) {
          errors.push(...checked.errors);
          processed += 1;
        } else if (seen.has(checked.row.keyHash)) {
          skipped += 1; // repeated within the file
          processed += 1;
        } else {
          seen.add(checked.row.keyHash);
          candidates.push(checked.row);
        }
      }
      const known = await findExistingKeys(deps.db, sourceId, candidates.map((row) => row.keyHash));
      for (const row of candidates) {
        if (known.has(row.keyHash)) skipped += 1; // stored by an earlier import into this source
        else fresh.push(toNewItem(row, sourceId, startedAt, classifier, deadlines));
        processed += 1;
      }
      if (processed - lastReported >= progressEvery) {
        lastReported = processed;
        await updateImportProgress(deps.db, importId, { processedRows: processed });
      }
      // Classifying is CPU work: let the server answer requests (and this page's refresh) between chunks.
      await yieldToEventLoop();
    }
    await updateImportProgress(deps.db, importId, { processedRows: processed });

    for (let start = 0; start < fresh.length; start += storeChunkRows) {
      const chunk = fresh.slice(start, start + storeChunkRows);
      let inserted: number;
      try {
        // Each chunk commits on its own: a short transaction, so other requests get the connection between chunks.
        inserted = await deps.db.transaction(async (tx) => insertNewItems(tx as unknown as Db, chunk));
      } catch (error) {
        errors.push({ line: 0, code: 'storage_failed', message: storageFailedMessage(stored, fresh.length - start, error) });
        const failed = summary('failed');
        await finishImport(deps.db, importId, { ...failed, at: now() });
        return failed;
      }
      stored += inserted;
      // Another import into the same source may have stored some of these keys meanwhile.
      skipped += chunk.length - inserted;
      if (start + storeChunkRows < fresh.length) {
        await updateImportProgress(deps.db, importId, { processedRows: processed, stored });
        await yieldToEventLoop();
      }
    }
    const done = summary('done');
    await finishImport(deps.db, importId, { ...done, at: now() });
    return done;
  } catch (error) {
    const message =
      stored > 0 ? storageFailedMessage(stored, null, error) : `the import stopped before storing any row: ${errorReason(error)}`;
    errors.push({ line: 0, code: 'storage_failed', message: message.slice(0, 500) });
    const failed = summary('failed');
    await finishImport(deps.db, importId, { ...failed, at: now() }).catch(() => {});
    return failed;
  }
}

/** Returns what went wrong: the database's own words, not the query text a query error wraps them in. */
function errorReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
}

/** Says how far storing got before it failed, and that running the same file again stores the rest. */
function storageFailedMessage(stored: number, notStored: number | null, error: unknown): string {
  const reason = errorReason(error).slice(0, 200);
  const rest = notStored === null ? '' : `, ${notStored} left to store`;
  return (
    `storing stopped after ${stored} rows were stored${rest}: ${reason}. ` +
    'Import the same file into the same source again to store the rest: rows already stored are skipped, not duplicated.'
  ).slice(0, 500);
}

async function readFile(filename: string, bytes: Uint8Array, mapping?: ColumnMapping): Promise<ParsedTable> {
  const table = await parseImportFile(filename, bytes);
  if (table.rows.length === 0 && table.errors.length === 0) throw new ImportFileError('no_rows', 'the file has a header but no data rows');
  if (mapping) checkMapping(mapping, table.headers);
  return table;
}

async function recordImport(deps: ImportDeps, request: ImportRequest, table: ParsedTable) {
  const name = normalizeText(request.sourceName ?? '').trim().slice(0, 200) || DEFAULT_IMPORT_SOURCE;
  const source = await findOrCreateImportSource(deps.db, name);
  const importId = await insertImport(deps.db, {
    sourceId: source.id,
    filename: normalizeText(request.filename).trim().slice(0, 255) || 'upload',
    totalRows: table.rows.length + table.errors.length,
    createdBy: request.userId,
  });
  return { importId, sourceId: source.id };
}

/**
 * Returns the summary of importing one file into an import source: every row checked, duplicates
 * skipped, valid rows classified as comments and stored in short transactions (STORE_CHUNK_ROWS
 * rows each; a failure keeps the chunks already stored). Throws ImportFileError (nothing recorded)
 * when the file cannot be read at all or the mapping does not fit it.
 */
export async function importFeedback(deps: ImportDeps, request: ImportRequest): Promise<ImportSummary> {
  const table = await readFile(request.filename, request.bytes, request.mapping);
  const { importId, sourceId } = await recordImport(deps, request, table);
  return runImport(deps, { importId, sourceId, table, mapping: request.mapping });
}

const PREVIEW_ROWS = 20;

/** Returns how the file reads: encoding, delimiter, headers, the first rows and a suggested mapping. */
export async function previewImport(file: { filename: string; bytes: Uint8Array }): Promise<ImportPreview> {
  const table = await readFile(file.filename, file.bytes);
  const asText = (cell: TableCell) => (cell instanceof Date ? cell.toISOString() : cell);
  return {
    format: table.format,
    encoding: table.encoding,
    encodingNote: table.encodingNote,
    invalidSequences: table.invalidSequences,
    delimiter: table.delimiter,
    headers: table.headers,
    rows: table.rows.slice(0, PREVIEW_ROWS).map((row) => ({ line: row.line, cells: row.cells.map(asText) })),
    totalRows: table.rows.length + table.errors.length,
    suggestedMapping: suggestMapping(table.headers, table.rows),
    parseErrors: table.errors.slice(0, MAX_KEPT_ERRORS),
  };
}

/** Returns the importer the HTTP layer uses: imports run in the background of this process. */
export function createFeedbackImporter(deps: ImportDeps, options: { onError?: (error: unknown) => void } = {}): FeedbackImporter {
  const running = new Set<Promise<unknown>>();
  return {
    preview: previewImport,
    async start(request) {
      const table = await readFile(request.filename, request.bytes, request.mapping);
      const { importId, sourceId } = await recordImport(deps, request, table);
      const job = runImport(deps, { importId, sourceId, table, mapping: request.mapping })
        .catch((error: unknown) => (options.onError ?? ((e) => console.error('import: run failed', e)))(error))
        .finally(() => running.delete(job));
      running.add(job);
      return { importId };
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
