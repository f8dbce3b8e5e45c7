// Bytes of an uploaded file → a table of text cells: CSV (any of the encodings Vietnamese offices
// still produce, any of the usual delimiters, quoted fields with embedded newlines) or XLSX.
// Pure: nothing here stores, evaluates or fetches anything. A cell that looks like a formula
// (`=HYPERLINK(…)`, `+…`, `-…`, `@…`) is text like any other.
import iconv from 'iconv-lite';
import readXlsxFile from 'read-excel-file/node';
import {
  type EncodingNote,
  type ImportField,
  type ImportRowError,
  ImportFileError,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
} from '../domain/feedback-import.ts';
import { foldText } from '../text/fold-text.ts';
import { normalizeText } from '../text/normalize-text.ts';

/** A cell: text (NFC, invisible characters removed), or an instant for spreadsheet date cells. */
export type TableCell = string | Date;

/** One data row: `line` is where it starts in the file (CSV) or its sheet row (XLSX), 1-based. */
export interface TableRow {
  line: number;
  cells: TableCell[];
}

/** A file read into a header row and data rows, with the rows that could not be read. */
export interface ParsedTable {
  format: 'csv' | 'xlsx';
  encoding: string | null;
  encodingNote: EncodingNote;
  invalidSequences: number;
  delimiter: string | null;
  headers: string[];
  rows: TableRow[];
  /** Rows that could not be read (unterminated quote, too many fields); they are not in `rows`. */
  errors: ImportRowError[];
}

/** How the bytes of a text file were decoded. */
export interface DecodedText {
  text: string;
  encoding: string;
  note: EncodingNote;
  /** Invalid UTF-8 sequences replaced by U+FFFD (only when note is `utf8_with_errors`). */
  invalidSequences: number;
}

const DELIMITERS = [',', ';', '\t', '|'] as const;
const SNIFF_RECORDS = 50;
const MAX_QUOTE_RECOVERIES = 100;
// A zip whose entries claim more than this when unpacked is refused before it is unpacked.
const MAX_XLSX_UNPACKED_BYTES = 300 * 1024 * 1024;
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Encoding

interface Utf8Scan {
  multibyte: number;
  invalid: number;
}

/** Counts valid multi-byte UTF-8 sequences and invalid ones (overlongs and surrogates included). */
function scanUtf8(bytes: Uint8Array): Utf8Scan {
  let multibyte = 0;
  let invalid = 0;
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let length = 0;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    }
    let ok = length > 0 && i + length <= n;
    if (ok) {
      const second = bytes[i + 1]!;
      ok = second >= low && second <= high;
      for (let k = 2; ok && k < length; k++) {
        const next = bytes[i + k]!;
        ok = next >= 0x80 && next <= 0xbf;
      }
    }
    if (ok) {
      multibyte += 1;
      i += length;
    } else {
      invalid += 1;
      i += 1;
    }
  }
  return { multibyte, invalid };
}

function bomEncoding(bytes: Uint8Array): { encoding: string; length: number } | null {
  const [a, b, c, d] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (a === 0xef && b === 0xbb && c === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (a === 0xff && b === 0xfe && c === 0x00 && d === 0x00) return { encoding: 'utf-32le', length: 4 };
  if (a === 0x00 && b === 0x00 && c === 0xfe && d === 0xff) return { encoding: 'utf-32be', length: 4 };
  if (a === 0xff && b === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (a === 0xfe && b === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}

/** Returns utf-16le/be when the bytes look like UTF-16 without a BOM (ASCII-heavy text has a zero in every other byte). */
function guessUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, 8192) & ~1;
  if (n < 4) return null;
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) zeroEven += 1;
    if (bytes[i + 1] === 0) zeroOdd += 1;
  }
  const pairs = n / 2;
  if (zeroOdd > pairs * 0.3 && zeroEven < pairs * 0.05) return 'utf-16le';
  if (zeroEven > pairs * 0.3 && zeroOdd < pairs * 0.05) return 'utf-16be';
  return null;
}

// windows-1258 and windows-1252 differ only at these bytes: Vietnamese letters and combining
// tone marks in 1258, Western letters in 1252.
const VIETNAMESE_LETTER_BYTES = new Set([0xc3, 0xe3, 0xd0, 0xf0, 0xd5, 0xf5, 0xdd, 0xfd]);
const TONE_MARK_BYTES = new Set([0xcc, 0xec, 0xd2, 0xde, 0xf2]);
// Vowels a 1258 tone mark follows: ASCII vowels and 1258's â ê ô ă ơ ư (both cases).
const VOWEL_BYTES = new Set([
  ...'aeiouyAEIOUY'.split('').map((ch) => ch.charCodeAt(0)),
  0xe2, 0xea, 0xf4, 0xe3, 0xf5, 0xfd, 0xc2, 0xca, 0xd4, 0xc3, 0xd5, 0xdd,
]);

/** Returns windows-1258 when the differing bytes read as Vietnamese, else windows-1252. */
function chooseLegacyEncoding(bytes: Uint8Array): 'windows-1258' | 'windows-1252' {
  let vietnamese = 0;
  let western = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0xc0) continue;
    if (VIETNAMESE_LETTER_BYTES.has(b)) vietnamese += 1;
    else if (TONE_MARK_BYTES.has(b)) {
      if (i > 0 && VOWEL_BYTES.has(bytes[i - 1]!)) vietnamese += 2;
      else western += 1;
    }
  }
  return vietnamese > 0 && vietnamese >= western ? 'windows-1258' : 'windows-1252';
}

/**
 * Returns the file's text and how it was decoded. A BOM decides; else valid UTF-8 is UTF-8; a file
 * that is mostly UTF-8 with a few invalid sequences stays UTF-8 with U+FFFD where the bytes were
 * bad (rows touching them are refused later, never guessed at); anything else is a legacy
 * Windows code page: windows-1258 when the text reads as Vietnamese, else windows-1252.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bom = bomEncoding(bytes);
  if (bom) {
    return { text: iconv.decode(buffer.subarray(bom.length), bom.encoding), encoding: bom.encoding, note: 'bom', invalidSequences: 0 };
  }
  const utf16 = guessUtf16(bytes);
  if (utf16) return { text: iconv.decode(buffer, utf16), encoding: utf16, note: 'utf16_guess', invalidSequences: 0 };
  const scan = scanUtf8(bytes);
  if (scan.invalid === 0) {
    return { text: new TextDecoder('utf-8').decode(bytes), encoding: 'utf-8', note: 'valid_utf8', invalidSequences: 0 };
  }
  // At least four valid multi-byte sequences for each invalid one: a UTF-8 file with damage,
  // not a legacy file (Vietnamese in windows-1258 almost never forms valid UTF-8 by chance).
  if (scan.multibyte >= 4 * scan.invalid) {
    return {
      text: new TextDecoder('utf-8', { fatal: false }).decode(bytes),
      encoding: 'utf-8',
      note: 'utf8_with_errors',
      invalidSequences: scan.invalid,
    };
  }
  const legacy = chooseLegacyEncoding(bytes);
  return { text: iconv.decode(buffer, legacy), encoding: legacy, note: 'legacy_guess', invalidSequences: 0 };
}

// ---------------------------------------------------------------------------------------------
// CSV

/** Records of a CSV text, each with the line it starts on, and the records that were broken. */
export interface CsvRecords {
  records: Array<{ line: number; cells: string[] }>;
  errors: ImportRowError[];
}

/**
 * Returns the records of CSV text (lines end in `\n`). Quoted fields may hold the delimiter,
 * `""` and newlines; stray quotes inside unquoted fields are kept as text. A quote never closed
 * is reported on the line it opened and parsing resumes on the next line, so one broken row
 * does not swallow the rest of the file. Blank lines are skipped.
 */
export function parseCsv(text: string, delimiter: string, maxRecords = Number.POSITIVE_INFINITY): CsvRecords {
  const records: CsvRecords['records'] = [];
  const errors: ImportRowError[] = [];
  const d = delimiter.charCodeAt(0);
  const n = text.length;
  const QUOTE = 34;
  const NL = 10;
  let i = 0;
  let line = 1;
  let recoveries = 0;

  while (i < n && records.length < maxRecords) {
    const recordStart = i;
    const startLine = line;
    const cells: string[] = [];
    let broken = false;
    for (;;) {
      // One field starting at i.
      if (i < n && text.charCodeAt(i) === QUOTE) {
        let value = '';
        let j = i + 1;
        let closed = false;
        while (j < n) {
          const q = text.indexOf('"', j);
          if (q === -1) break;
          value += text.slice(j, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += '"';
            j = q + 2;
            continue;
          }
          j = q + 1;
          closed = true;
          break;
        }
        if (!closed) {
          broken = true;
          break;
        }
        for (let k = i; k < j; k++) if (text.charCodeAt(k) === NL) line += 1;
        // Text after the closing quote and before the delimiter is kept (lenient, like spreadsheets).
        let end = j;
        while (end < n && text.charCodeAt(end) !== d && text.charCodeAt(end) !== NL) end += 1;
        cells.push(value + text.slice(j, end));
        i = end;
      } else {
        let end = i;
        while (end < n && text.charCodeAt(end) !== d && text.charCodeAt(end) !== NL) end += 1;
        cells.push(text.slice(i, end));
        i = end;
      }
      if (i < n && text.charCodeAt(i) === d) {
        i += 1;
        continue;
      }
      // End of record: newline or end of text.
      if (i < n) {
        i += 1;
        line += 1;
      }
      break;
    }
    if (broken) {
      recoveries += 1;
      errors.push({ line: startLine, code: 'unterminated_quote', message: `line ${startLine}: a quoted field is never closed` });
      if (recoveries >= MAX_QUOTE_RECOVERIES) {
        errors.push({ line: startLine, code: 'unterminated_quote', message: `too many broken quotes; the file was read up to line ${startLine}` });
        break;
      }
      const next = text.indexOf('\n', recordStart);
      if (next === -1) break;
      i = next + 1;
      line = startLine + 1;
      continue;
    }
    if (cells.length === 1 && cells[0] === '') continue; // blank line
    records.push({ line: startLine, cells });
  }
  return { records, errors };
}

/** Returns the delimiter (`,` `;` tab `|`) that splits the first records into the most consistent number of fields. */
export function detectDelimiter(text: string): string {
  const sample = text.slice(0, 256 * 1024);
  let best: { delimiter: string; score: number; fields: number } = { delimiter: ',', score: 0, fields: 1 };
  for (const delimiter of DELIMITERS) {
    const { records } = parseCsv(sample, delimiter, SNIFF_RECORDS);
    if (records.length === 0) continue;
    const counts = new Map<number, number>();
    for (const record of records) counts.set(record.cells.length, (counts.get(record.cells.length) ?? 0) + 1);
    let modeFields = 1;
    let modeCount = 0;
    for (const [fields, count] of counts) {
      if (count > modeCount || (count === modeCount && fields > modeFields)) {
        modeFields = fields;
        modeCount = count;
      }
    }
    if (modeFields < 2) continue;
    // The header must split too: a delimiter that appears only inside text lines is not it.
    const headerFields = records[0]!.cells.length;
    const score = (modeCount / records.length) * (headerFields >= 2 ? 1 : 0.5);
    if (score > best.score + 1e-9 || (Math.abs(score - best.score) < 1e-9 && modeFields > best.fields)) {
      best = { delimiter, score, fields: modeFields };
    }
  }
  return best.delimiter;
}

function tableFromRecords(
  records: Array<{ line: number; cells: TableCell[] }>,
  errors: ImportRowError[],
): { headers: string[]; rows: TableRow[]; errors: ImportRowError[] } {
  const [header, ...data] = records;
  if (!header) throw new ImportFileError('empty_file', 'the file has no rows');
  const headers = header.cells.map((cell) => (typeof cell === 'string' ? cell.trim() : cell.toISOString()));
  // Trailing empty header cells (a trailing delimiter) are not columns.
  while (headers.length > 1 && headers[headers.length - 1] === '') headers.pop();
  if (data.length > MAX_IMPORT_ROWS) {
    throw new ImportFileError('too_many_rows', `the file has ${data.length} rows; at most ${MAX_IMPORT_ROWS} are accepted`);
  }
  const rows: TableRow[] = [];
  const rowErrors = [...errors];
  for (const record of data) {
    const cells = record.cells;
    while (cells.length > headers.length && isBlank(cells[cells.length - 1]!)) cells.pop();
    if (cells.length > headers.length) {
      rowErrors.push({
        line: record.line,
        code: 'field_count',
        message: `line ${record.line}: ${cells.length} fields where the header has ${headers.length} (an unquoted delimiter in the text?)`,
      });
      continue;
    }
    if (cells.every(isBlank)) continue;
    while (cells.length < headers.length) cells.push('');
    rows.push({ line: record.line, cells });
  }
  rowErrors.sort((a, b) => a.line - b.line);
  return { headers, rows, errors: rowErrors };
}

function isBlank(cell: TableCell): boolean {
  return typeof cell === 'string' && cell.trim() === '';
}

// ---------------------------------------------------------------------------------------------
// XLSX

function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** Returns the sum of the sizes the zip's entries claim when unpacked, or null when the zip's directory is unreadable. */
export function claimedUnpackedSize(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  let eocd = -1;
  for (let p = n - 22; p >= Math.max(0, n - 22 - 65535); p--) {
    if (view.getUint32(p, true) === 0x06054b50) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) return null;
  const entries = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  let total = 0;
  for (let k = 0; k < entries; k++) {
    if (p + 46 > n || view.getUint32(p, true) !== 0x02014b50) return null;
    const size = view.getUint32(p + 24, true);
    if (size === 0xffffffff) return Number.POSITIVE_INFINITY; // ZIP64: far beyond any limit here
    total += size;
    p += 46 + view.getUint16(p + 28, true) + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
  }
  return total;
}

function xlsxCell(value: unknown): TableCell {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    // Spreadsheets store wall-clock time without a zone; the library reads it as UTC.
    // The ward's wall clock is Asia/Ho_Chi_Minh (UTC+7, no daylight saving).
    return Number.isNaN(value.getTime()) ? '' : new Date(value.getTime() - VIETNAM_OFFSET_MS);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return normalizeText(String(value));
}

async function readXlsx(bytes: Uint8Array): Promise<Array<{ line: number; cells: TableCell[] }>> {
  const unpacked = claimedUnpackedSize(bytes);
  if (unpacked === null) throw new ImportFileError('invalid_xlsx', 'the file is a damaged zip archive');
  if (unpacked > MAX_XLSX_UNPACKED_BYTES) {
    throw new ImportFileError('too_large', `the spreadsheet unpacks to ${unpacked} bytes; at most ${MAX_XLSX_UNPACKED_BYTES} are accepted`);
  }
  let sheets: Awaited<ReturnType<typeof readXlsxFile>>;
  try {
    // Numbers are read as the text written in the file (phone numbers, receipt codes keep their digits).
    sheets = await readXlsxFile(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      trim: false,
      parseNumber: (text: string) => text,
    });
  } catch (error) {
    throw new ImportFileError('invalid_xlsx', `not a readable .xlsx spreadsheet: ${(error as Error).message}`, { cause: error });
  }
  const sheet = sheets.find((candidate) => candidate.data.some((row) => row.some((cell) => cell !== null && cell !== '')));
  if (!sheet) throw new ImportFileError('empty_file', 'the spreadsheet has no rows');
  const records: Array<{ line: number; cells: TableCell[] }> = [];
  sheet.data.forEach((row, index) => {
    const cells = row.map(xlsxCell);
    if (cells.every(isBlank)) return;
    records.push({ line: index + 1, cells });
  });
  return records;
}

// ---------------------------------------------------------------------------------------------
// Files

const BINARY_SIGNATURES: Array<{ bytes: number[]; what: string }> = [
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'PDF' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'PNG' },
  { bytes: [0xff, 0xd8, 0xff], what: 'JPEG' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'GIF' },
  { bytes: [0x1f, 0x8b], what: 'gzip' },
  { bytes: [0x52, 0x61, 0x72, 0x21], what: 'RAR' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf], what: '7z' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'executable' },
  { bytes: [0x4d, 0x5a], what: 'executable' },
];

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

/** Returns true when the text holds control characters no CSV has (a binary file read as text). */
function looksBinary(text: string): boolean {
  const sample = text.slice(0, 64 * 1024);
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    if (code === 0) return true;
    if ((code < 0x20 && code !== 9 && code !== 10 && code !== 13) || code === 0xfffd) control += 1;
  }
  return control > Math.max(8, sample.length * 0.01);
}

/** Returns the CSV text as a table: decoded, normalized (NFC, invisible characters removed), split. */
export function parseCsvFile(bytes: Uint8Array): ParsedTable {
  const decoded = decodeText(bytes);
  if (decoded.note !== 'utf8_with_errors' && looksBinary(decoded.text)) {
    throw new ImportFileError('unsupported_format', 'the file is neither CSV text nor an .xlsx spreadsheet');
  }
  if (decoded.note === 'utf8_with_errors' && looksBinary(decoded.text.replace(/\uFFFD/g, ''))) {
    throw new ImportFileError('unsupported_format', 'the file is neither CSV text nor an .xlsx spreadsheet');
  }
  const text = normalizeText(decoded.text);
  const delimiter = detectDelimiter(text);
  const parsed = parseCsv(text, delimiter);
  const table = tableFromRecords(parsed.records, parsed.errors);
  return {
    format: 'csv',
    encoding: decoded.encoding,
    encodingNote: decoded.note,
    invalidSequences: decoded.invalidSequences,
    delimiter,
    ...table,
  };
}

/** Returns the file read as a table; throws ImportFileError when it is neither CSV nor XLSX, empty or too big. */
export async function parseImportFile(filename: string, bytes: Uint8Array): Promise<ParsedTable> {
  if (bytes.length === 0) throw new ImportFileError('empty_file', 'the file is empty');
  if (bytes.length > MAX_IMPORT_BYTES) {
    throw new ImportFileError('too_large', `the file has ${bytes.length} bytes; at most ${MAX_IMPORT_BYTES} are accepted`);
  }
  if (isZip(bytes)) {
    const records = await readXlsx(bytes);
    const table = tableFromRecords(records, []);
    return { format: 'xlsx', encoding: null, encodingNote: 'xlsx', invalidSequences: 0, delimiter: null, ...table };
  }
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])) {
    throw new ImportFileError('xls_not_supported', 'old .xls (Excel 97–2003) files are not read; save the sheet as .xlsx or CSV');
  }
  const signature = BINARY_SIGNATURES.find((candidate) => startsWith(bytes, candidate.bytes));
  if (signature) throw new ImportFileError('unsupported_format', `the file is ${signature.what}, neither CSV nor .xlsx`);
  if (/\.xlsx$/i.test(filename)) throw new ImportFileError('invalid_xlsx', 'the file is named .xlsx but is not a spreadsheet');
  return parseCsvFile(bytes);
}

// ---------------------------------------------------------------------------------------------
// Column mapping

// Header names (folded: lowercase, no diacritics) that usually hold each field, Vietnamese and
// English, from form services (Google Forms' "Dấu thời gian"), hotline logs and comment exports.
const HEADER_NAMES: Record<ImportField, string[]> = {
  content: [
    'noi dung', 'noi dung phan anh', 'noi dung kien nghi', 'y kien', 'y kien dong gop', 'phan anh', 'kien nghi',
    'gop y', 'binh luan', 'mo ta', 'content', 'comment', 'comments', 'feedback', 'message', 'text', 'body', 'description',
  ],
  title: ['tieu de', 'chu de', 'tom tat', 'van de', 'linh vuc', 'title', 'subject', 'topic', 'summary'],
  author: [
    'nguoi gui', 'nguoi phan anh', 'ho ten', 'ho va ten', 'ten', 'tac gia', 'nguoi viet', 'nguoi binh luan',
    'author', 'name', 'full name', 'sender', 'submitted by', 'user',
  ],
  date: [
    'ngay', 'ngay gui', 'ngay nhan', 'ngay phan anh', 'ngay tiep nhan', 'thoi gian', 'dau thoi gian', 'thoi diem',
    'date', 'time', 'timestamp', 'created', 'created at', 'submitted at', 'received',
  ],
  channel: ['kenh', 'kenh tiep nhan', 'hinh thuc', 'hinh thuc tiep nhan', 'nguon', 'channel', 'source', 'via', 'medium'],
};

function foldHeader(header: string): string {
  return foldText(header).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** Returns, for each field, the column whose header names it (exact name first, then a name it contains). */
export function suggestMapping(headers: readonly string[], rows: readonly TableRow[] = []): Partial<Record<ImportField, number>> {
  const folded = headers.map(foldHeader);
  const taken = new Set<number>();
  const mapping: Partial<Record<ImportField, number>> = {};
  const pick = (field: ImportField, matches: (header: string, name: string) => boolean) => {
    if (mapping[field] !== undefined) return;
    for (const name of HEADER_NAMES[field]) {
      const index = folded.findIndex((header, column) => !taken.has(column) && header !== '' && matches(header, name));
      if (index >= 0) {
        mapping[field] = index;
        taken.add(index);
        return;
      }
    }
  };
  const fields: ImportField[] = ['content', 'title', 'author', 'date', 'channel'];
  for (const field of fields) pick(field, (header, name) => header === name);
  const wordsOf = (text: string) => ` ${text} `;
  for (const field of fields) pick(field, (header, name) => wordsOf(header).includes(wordsOf(name)));
  if (mapping.content === undefined && headers.length > 0) {
    // No header says so: the column with the longest text is most likely what people wrote.
    let best = -1;
    let bestLength = -1;
    for (let column = 0; column < headers.length; column++) {
      if (taken.has(column)) continue;
      let length = 0;
      for (const row of rows.slice(0, 50)) {
        const cell = row.cells[column];
        length += typeof cell === 'string' ? cell.length : 0;
      }
      if (length > bestLength) {
        best = column;
        bestLength = length;
      }
    }
    if (best >= 0) mapping.content = best;
  }
  return mapping;
}
