import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import {
  claimedUnpackedSize,
  decodeText,
  detectDelimiter,
  parseCsv,
  parseImportFile,
  suggestMapping,
} from '../../../src/collectors/csv-import.ts';
import { ImportFileError } from '../../../src/domain/feedback-import.ts';
import { toWindows1258 } from '../../helpers/windows-1258.ts';

async function fileError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImportFileError) return error.code;
    throw error;
  }
  throw new Error('expected an ImportFileError');
}

const VIETNAMESE = 'Phụ huynh phản ánh thu tiền học thêm ở Trường Tiểu học Đông Hòa';

describe('decodeText', () => {
  it('reads UTF-8 with and without a BOM', () => {
    const plain = Buffer.from(VIETNAMESE, 'utf8');
    expect(decodeText(plain)).toMatchObject({ text: VIETNAMESE, encoding: 'utf-8', note: 'valid_utf8' });
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), plain]);
    expect(decodeText(withBom)).toMatchObject({ text: VIETNAMESE, encoding: 'utf-8', note: 'bom' });
  });

  it('reads UTF-16 little- and big-endian from the BOM, and little-endian without one', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(VIETNAMESE, 'utf16le')]);
    expect(decodeText(le)).toMatchObject({ text: VIETNAMESE, encoding: 'utf-16le', note: 'bom' });
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(VIETNAMESE, 'utf16le').swap16()]);
    expect(decodeText(be)).toMatchObject({ text: VIETNAMESE, encoding: 'utf-16be', note: 'bom' });
    const noBom = Buffer.from('noi dung,ngay\nxin chao,01/02/2024\n', 'utf16le');
    expect(decodeText(noBom)).toMatchObject({ encoding: 'utf-16le', note: 'utf16_guess' });
  });

  it('reads a windows-1258 file (combining tone marks) as Vietnamese and composes it to NFC later', () => {
    const bytes = toWindows1258(VIETNAMESE);
    const decoded = decodeText(bytes);
    expect(decoded).toMatchObject({ encoding: 'windows-1258', note: 'legacy_guess' });
    expect(decoded.text.normalize('NFC')).toBe(VIETNAMESE);
  });

  it('reads Western text that is not UTF-8 as windows-1252', () => {
    const decoded = decodeText(iconv.encode('Réunion à Genève, Ì et Ò et Þ', 'windows-1252'));
    expect(decoded).toMatchObject({ encoding: 'windows-1252', note: 'legacy_guess' });
    expect(decoded.text).toBe('Réunion à Genève, Ì et Ò et Þ');
  });

  it('keeps a mostly-UTF-8 file as UTF-8 and counts the damaged sequences instead of guessing', () => {
    const good = Buffer.from(`${VIETNAMESE}\n`.repeat(5), 'utf8');
    const bytes = Buffer.concat([good, Buffer.from([0x48, 0xe0, 0x20, 0x4e, 0xf4, 0x69]), good]);
    const decoded = decodeText(bytes);
    expect(decoded).toMatchObject({ encoding: 'utf-8', note: 'utf8_with_errors', invalidSequences: 2 });
    expect(decoded.text).toContain('H\uFFFD N\uFFFDi');
  });
});

describe('parseCsv', () => {
  it('reads quoted fields with delimiters, doubled quotes and newlines, numbering records by the line they start on', () => {
    const text = 'a,b\n"x, y","he said ""hi"""\n"line one\nline two",z\nlast,row\n';
    const { records, errors } = parseCsv(text, ',');
    expect(errors).toEqual([]);
    expect(records).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, y', 'he said "hi"'] },
      { line: 3, cells: ['line one\nline two', 'z'] },
      { line: 5, cells: ['last', 'row'] },
    ]);
  });

  it('keeps stray quotes inside unquoted fields as text and skips blank lines', () => {
    const { records } = parseCsv('a,b\n\nsay "hi" now,2\n', ',');
    expect(records).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 3, cells: ['say "hi" now', '2'] },
    ]);
  });

  it('reports a quote never closed on its line and reads the rows after it', () => {
    const { records, errors } = parseCsv('a,b\n1,"never closed\n2,ok\n3,fine\n', ',');
    expect(errors).toMatchObject([{ line: 2, code: 'unterminated_quote' }]);
    expect(records.map((record) => record.cells)).toEqual([
      ['a', 'b'],
      ['2', 'ok'],
      ['3', 'fine'],
    ]);
  });

  it('keeps formula-looking cells as the text written', () => {
    const { records } = parseCsv('"=HYPERLINK(""http://evil.example"",""bấm"")",+1+2,-3,@SUM(A1),=1+1\n', ',');
    expect(records[0]!.cells).toEqual(['=HYPERLINK("http://evil.example","bấm")', '+1+2', '-3', '@SUM(A1)', '=1+1']);
  });
});

describe('detectDelimiter', () => {
  it.each([
    [',', 'nội dung,ngày\n"Học phí, quỹ lớp",01/02/2024\nÝ kiến khác,02/02/2024\n'],
    [';', 'nội dung;ngày\nHọc phí, quỹ lớp quá cao;01/02/2024\nÝ kiến, khác;02/02/2024\n'],
    ['\t', 'nội dung\tngày\tkênh\nHọc phí, quỹ lớp; cao\t01/02/2024\tZalo\nÝ kiến\t02/02/2024\tĐiện thoại\n'],
  ])('finds %j', (delimiter, text) => {
    expect(detectDelimiter(text)).toBe(delimiter);
  });
});

describe('parseImportFile', () => {
  it('reads a semicolon CSV into headers and rows, and refuses a row with too many fields by its line', async () => {
    const csv = 'Nội dung;Người gửi;Ngày\nHọc phí cao;Lan;01/02/2024\nQuá nhiều;ô;01/02/2024;thừa\nBình thường;Minh;;\n';
    const table = await parseImportFile('y-kien.csv', Buffer.from(csv));
    expect(table).toMatchObject({ format: 'csv', delimiter: ';', encoding: 'utf-8', headers: ['Nội dung', 'Người gửi', 'Ngày'] });
    expect(table.rows).toEqual([
      { line: 2, cells: ['Học phí cao', 'Lan', '01/02/2024'] },
      { line: 4, cells: ['Bình thường', 'Minh', ''] },
    ]);
    expect(table.errors).toMatchObject([{ line: 3, code: 'field_count' }]);
  });

  it('normalizes cells to NFC and removes zero-width and bidi characters', async () => {
    const table = await parseImportFile('a.csv', Buffer.from(`content\n${'hoà\u200b\u202e bình'.normalize('NFD')}\n`));
    expect(table.rows[0]!.cells[0]).toBe('hòa bình');
  });

  it('reads an .xlsx sheet: numbers as written, date cells as instants in Vietnam time, sheet rows as lines', async () => {
    const bytes = await writeXlsxFile([
      [{ value: 'Nội dung' }, { value: 'Ngày' }, { value: 'Số điện thoại' }],
      [{ value: '=HYPERLINK("http://x","y")' }, { value: new Date(Date.UTC(2024, 2, 1, 8, 30)), format: 'dd/mm/yyyy hh:mm' }, { value: 912345678 }],
      [],
      [{ value: 'Dòng bốn' }, null, { value: '@SUM(1)' }],
    ]).toBuffer();
    const table = await parseImportFile('export.xlsx', bytes);
    expect(table).toMatchObject({ format: 'xlsx', encoding: null, headers: ['Nội dung', 'Ngày', 'Số điện thoại'] });
    expect(table.rows).toEqual([
      { line: 2, cells: ['=HYPERLINK("http://x","y")', new Date('2024-03-01T01:30:00Z'), '912345678'] },
      { line: 4, cells: ['Dòng bốn', '', '@SUM(1)'] },
    ]);
  });

  it('never evaluates a real formula cell in an .xlsx (no cached value means an empty cell)', async () => {
    const bytes = await writeXlsxFile([
      [{ value: 'content' }, { value: 'n' }],
      [{ type: 'Formula', value: '=1+1' }, { value: 'x' }],
    ]).toBuffer();
    const table = await parseImportFile('f.xlsx', bytes);
    expect(table.rows[0]!.cells[0]).not.toBe('2');
  });

  it.each([
    ['a PNG image', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), 'unsupported_format'],
    ['random binary bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), 'unsupported_format'],
    ['an old .xls file', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'xls_not_supported'],
    ['a zip that is not a spreadsheet', Buffer.from('PK\u0003\u0004garbage that is not a zip'), 'invalid_xlsx'],
    ['an empty file', Buffer.alloc(0), 'empty_file'],
  ])('refuses %s with a clear error', async (_name, bytes, code) => {
    expect(await fileError(parseImportFile('upload.csv', bytes))).toBe(code);
  });

  it('refuses a file named .xlsx that is not one', async () => {
    expect(await fileError(parseImportFile('bao-cao.xlsx', Buffer.from('a,b\n1,2\n')))).toBe('invalid_xlsx');
  });

  it('reads the size a zip claims before unpacking it', async () => {
    const bytes = await writeXlsxFile([[{ value: 'a' }]]).toBuffer();
    expect(claimedUnpackedSize(bytes)).toBeGreaterThan(0);
    expect(claimedUnpackedSize(Buffer.from('PK\u0003\u0004 no directory'))).toBeNull();
  });
});

describe('suggestMapping', () => {
  it('maps Vietnamese headers with or without diacritics', () => {
    expect(suggestMapping(['Dấu thời gian', 'Họ và tên', 'Nội dung phản ánh', 'Kênh tiếp nhận', 'Tiêu đề'])).toEqual({
      date: 0,
      author: 1,
      content: 2,
      channel: 3,
      title: 4,
    });
    expect(suggestMapping(['ngay gui', 'y kien'])).toEqual({ date: 0, content: 1 });
  });

  it('maps English headers', () => {
    expect(suggestMapping(['Timestamp', 'Name', 'Comment', 'Channel'])).toEqual({ date: 0, author: 1, content: 2, channel: 3 });
  });

  it('falls back to the column with the longest text for the content', () => {
    const rows = [{ line: 2, cells: ['1', 'Một ý kiến khá dài về học phí', 'x'] }];
    expect(suggestMapping(['STT', 'Cột B', 'Cột C'], rows).content).toBe(1);
  });
});
