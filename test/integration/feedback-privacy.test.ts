// Attachments (checked by content, stored with the submission or not at all, served only as
// downloads to those allowed), contacts shown only to the ward, the pseudonymised export,
// citizens' requests to see or delete their data, and the retention period.
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { putSetting } from '../../src/db/queries/settings.ts';
import { insertSession, insertUser } from '../../src/db/queries/users.ts';
import { dataSubjectRequests, feedback, feedbackAttachments, feedbackContacts, sessions } from '../../src/db/schema.ts';
import { runRetention } from '../../src/pipeline/retention.ts';
import {
  EXE_HEAD,
  JPEG_HEAD,
  PDF_HEX_ESCAPED_JS,
  PDF_OPEN_ACTION_JS,
  PDF_PLAIN,
  PNG_1PX,
  pdfScriptInObjectStream,
} from '../helpers/attachment-fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let database: TestDatabase;
let t: TestApp;
let mttq: string;
let otherMttq: string;
let staff: string;
let leader: string;
let admin: string;
let keyCounter = 0;

const CONSENT = { given: true, version: '1' };

// Everything written to the console while a test runs: personal data must never be in it.
const logged: string[] = [];
const spies: Array<{ mockRestore(): void }> = [];

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  mttq = await t.signIn('mttq', 'mai-mttq');
  otherMttq = await t.signIn('mttq', 'binh-mttq');
  staff = await t.signIn('staff', 'thu-staff');
  leader = await t.signIn('leader', 'hung-leader');
  admin = await t.signIn('admin', 'quan-admin');
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    spies.push(
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(args.map((arg) => (arg instanceof Error ? `${arg.message} ${String(arg.cause)} ${arg.stack}` : typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
      }),
    );
  }
});
afterAll(async () => {
  for (const spy of spies) spy.mockRestore();
  await t?.close();
  await database?.close();
});

async function counts() {
  const [row] = await database.db
    .select({
      feedback: sql<number>`(select count(*) from feedback)`.mapWith(Number),
      items: sql<number>`(select count(*) from items)`.mapWith(Number),
      contacts: sql<number>`(select count(*) from feedback_contacts)`.mapWith(Number),
      attachments: sql<number>`(select count(*) from feedback_attachments)`.mapWith(Number),
    })
    .from(sql`(select 1) as one`);
  return row!;
}

function post(body: unknown, cookie = mttq, key = `privacy-${++keyCounter}`) {
  return t.request('/api/feedback', {
    method: 'POST',
    cookie,
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
}

const b64 = (data: Buffer) => data.toString('base64');

type ErrorAnswer = { error: { code: string; details?: Array<{ field: string; code: string }> } };

describe('attachments through the JSON API', () => {
  afterEach(() => {
    expect(logged.join('\n')).not.toMatch(/0977 111 222|Phạm Thị Hạnh/);
  });

  it('stores images and a plain PDF with the submission, typed by content and with clean names', async () => {
    const before = await counts();
    const response = await post({
      content: 'Cổng trường Tiểu học Hòa Bình bị hỏng, ảnh kèm theo',
      citizen: { name: 'Phạm Thị Hạnh', contact: '0977 111 222' },
      attachments: [
        { filename: '../../anh-cong.gif', data: b64(PNG_1PX) },
        { filename: 'C:\\tmp\\anh\u202Egpj.exe', data: b64(JPEG_HEAD) },
        { filename: 'đơn.pdf'.normalize('NFD'), data: b64(PDF_PLAIN) },
      ],
      consent: CONSENT,
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: number };
    const stored = await database.db.select().from(feedbackAttachments).where(eq(feedbackAttachments.feedbackId, id)).orderBy(feedbackAttachments.id);
    expect(stored.map((row) => [row.filename, row.contentType, row.size])).toEqual([
      ['anh-cong.png', 'image/png', PNG_1PX.length],
      ['anhgpj.jpg', 'image/jpeg', JPEG_HEAD.length],
      ['đơn.pdf'.normalize('NFC'), 'application/pdf', PDF_PLAIN.length],
    ]);
    expect(Buffer.compare(stored[0]!.data, PNG_1PX)).toBe(0);
    const after = await counts();
    expect(after.attachments - before.attachments).toBe(3);
  });

  const refused: Array<[string, Buffer, string, string]> = [
    ['an .exe renamed .jpg', EXE_HEAD, 'anh.jpg', 'attachment_type'],
    ['an HTML page named .png', Buffer.from('<html><script>alert(1)</script></html>'), 'a.png', 'attachment_type'],
    ['a PDF that runs JavaScript on opening', PDF_OPEN_ACTION_JS, 'don.pdf', 'attachment_pdf_active'],
    ['a PDF with hex-escaped /J#61vaScript', PDF_HEX_ESCAPED_JS, 'don.pdf', 'attachment_pdf_active'],
    ['a PDF hiding a script in an object stream', pdfScriptInObjectStream(), 'don.pdf', 'attachment_pdf_active'],
    ['an empty file', Buffer.alloc(0), 'rong.png', 'attachment_empty'],
  ];
  for (const [name, data, filename, code] of refused) {
    it(`refuses ${name} with 422 ${code}, storing nothing of the submission`, async () => {
      const before = await counts();
      const response = await post({
        content: 'Ý kiến kèm tệp',
        citizen: { name: 'Phạm Thị Hạnh', contact: '0977 111 222' },
        attachments: [{ filename: 'tot.png', data: b64(PNG_1PX) }, { filename, data: b64(data) }],
        consent: CONSENT,
      });
      expect(response.status).toBe(422);
      const answer = (await response.json()) as ErrorAnswer;
      expect(answer.error.details).toContainEqual({ field: 'attachments.1', code });
      expect(await counts()).toEqual(before);
    });
  }

  it('refuses a file over 5 MB, more than 5 files, and data that is not base64', async () => {
    const before = await counts();
    const big = Buffer.concat([PNG_1PX, Buffer.alloc(5 * 1024 * 1024)]);
    const tooBig = await post({ content: 'Ý kiến', attachments: [{ filename: 'lon.png', data: b64(big) }], consent: CONSENT });
    expect(tooBig.status).toBe(422);
    expect(((await tooBig.json()) as ErrorAnswer).error.details).toContainEqual({ field: 'attachments.0.data', code: 'attachment_too_large' });
    const many = await post({ content: 'Ý kiến', attachments: Array.from({ length: 6 }, () => ({ filename: 'a.png', data: b64(PNG_1PX) })), consent: CONSENT });
    expect(many.status).toBe(422);
    expect(((await many.json()) as ErrorAnswer).error.details).toContainEqual({ field: 'attachments', code: 'too_many_attachments' });
    const notBase64 = await post({ content: 'Ý kiến', attachments: [{ filename: 'a.png', data: 'not base64!' }], consent: CONSENT });
    expect(notBase64.status).toBe(422);
    expect(((await notBase64.json()) as ErrorAnswer).error.details).toContainEqual({ field: 'attachments.0.data', code: 'attachment_invalid' });
    const unknownKey = await post({ content: 'Ý kiến', attachments: [{ filename: 'a.png', data: b64(PNG_1PX), type: 'image/png' }], consent: CONSENT });
    expect(unknownKey.status).toBe(422);
    expect(await counts()).toEqual(before);
  });

  it('answers 413 to a 50 MB upload before reading it all', async () => {
    const before = await counts();
    const total = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 0x41);
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += chunk.length;
        controller.enqueue(new Uint8Array(chunk));
      },
    });
    const response = await t.request('/api/feedback', {
      method: 'POST',
      cookie: mttq,
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as ErrorAnswer).error.code).toBe('payload_too_large');
    expect(pulled).toBeLessThan(total);
    // With a declared length the answer comes without reading anything.
    const declared = await t.request('/api/feedback', {
      method: 'POST',
      cookie: mttq,
      headers: { 'content-type': 'application/json', 'content-length': String(total) },
      body: '{}',
    });
    expect(declared.status).toBe(413);
    expect(await counts()).toEqual(before);
  });

  it('draws the refused upload’s page for the signed-in officer, menu and all', async () => {
    const response = await t.request('/feedback/new', {
      method: 'POST',
      cookie: mttq,
      headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(50 * 1024 * 1024) },
      body: '--x--',
    });
    expect(response.status).toBe(413);
    const html = await response.text();
    expect(html).toContain('class="site-nav"');
    expect(html).toContain('Đăng xuất');
  });

  it('keeps the 1 MB limit everywhere else', async () => {
    const response = await t.request('/api/rules', { method: 'POST', cookie: staff, headers: { 'content-type': 'application/json' }, body: 'x'.repeat(2 * 1024 * 1024) });
    expect(response.status).toBe(413);
  });
});

describe('attachments through the form (multipart)', () => {
  function form(fields: Record<string, string>, files: Array<[string, Buffer]>) {
    const data = new FormData();
    for (const [name, value] of Object.entries(fields)) data.append(name, value);
    for (const [filename, bytes] of files) data.append('attachments', new File([new Uint8Array(bytes)], filename, { type: 'image/jpeg' }));
    return data;
  }

  it('offers a file input in a multipart form', async () => {
    const html = await (await t.request('/feedback/new', { cookie: mttq })).text();
    expect(html).toContain('enctype="multipart/form-data"');
    expect(html).toMatch(/<input id="feedback-attachments" name="attachments" type="file" multiple=""? accept="image\/jpeg,image\/png,image\/gif,image\/webp,application\/pdf"/);
  });

  it('stores the files with the submission and lists them on the officer\'s page', async () => {
    const response = await t.request('/feedback/new', {
      method: 'POST',
      cookie: mttq,
      body: form({ content: 'Ảnh lớp học dột mái', consent: '1', idempotencyKey: 'form-attach-1' }, [['lop-hoc.png', PNG_1PX], ['', Buffer.alloc(0)]]),
    });
    expect(response.status).toBe(303);
    const page = await (await t.request(response.headers.get('location')!, { cookie: mttq })).text();
    expect(page).toMatch(/href="\/api\/feedback\/\d+\/attachments\/\d+"[^>]*>lop-hoc.png<\/a>/);
  });

  it('refuses an .exe renamed .jpg beside its field and stores nothing', async () => {
    const before = await counts();
    const response = await t.request('/feedback/new', {
      method: 'POST',
      cookie: mttq,
      body: form({ content: 'Ý kiến kèm tệp lạ', consent: '1', idempotencyKey: 'form-attach-2', citizenName: 'Phạm Thị Hạnh' }, [['anh.jpg', EXE_HEAD]]),
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('id="feedback-attachments-error"');
    expect(html).toContain('Chỉ nhận ảnh JPEG, PNG, GIF, WebP hoặc tệp PDF');
    expect(html).toContain('value="Phạm Thị Hạnh"');
    expect(await counts()).toEqual(before);
  });

  it('refuses a multipart post from another site', async () => {
    const response = await t.request('/feedback/new', {
      method: 'POST',
      cookie: mttq,
      headers: { origin: 'https://evil.example' },
      body: form({ content: 'x', consent: '1', idempotencyKey: 'form-attach-3' }, [['a.png', PNG_1PX]]),
    });
    expect(response.status).toBe(403);
  });
});

describe('who sees contacts and attachments', () => {
  let id: number;
  let attachmentId: number;

  beforeAll(async () => {
    const response = await post({
      content: 'Phản ánh thu quỹ lớp không minh bạch',
      citizen: { name: 'Đỗ Văn Khoa', contact: 'khoa.do@example.vn' },
      attachments: [{ filename: 'bien-lai.pdf', data: b64(PDF_PLAIN) }],
      consent: CONSENT,
    });
    expect(response.status).toBe(201);
    id = ((await response.json()) as { id: number }).id;
    const [row] = await database.db.select({ id: feedbackAttachments.id }).from(feedbackAttachments).where(eq(feedbackAttachments.feedbackId, id));
    attachmentId = row!.id;
  });

  it('shows the contact to staff and admin, on the page and in JSON', async () => {
    for (const cookie of [staff, admin]) {
      const detail = (await (await t.request(`/api/feedback/${id}`, { cookie })).json()) as { contact: { name: string; contact: string }; attachments: Array<{ filename: string }> };
      expect(detail.contact).toEqual({ name: 'Đỗ Văn Khoa', contact: 'khoa.do@example.vn' });
      expect(detail.attachments.map((entry) => entry.filename)).toEqual(['bien-lai.pdf']);
      const page = await (await t.request(`/feedback/${id}`, { cookie })).text();
      expect(page).toContain('Đỗ Văn Khoa');
      expect(page).toContain('khoa.do@example.vn');
    }
  });

  it('leads staff from the queue item to the submission', async () => {
    const [row] = await database.db.select({ itemId: feedback.itemId }).from(feedback).where(eq(feedback.id, id));
    const response = await t.request(`/feedback/by-item/${row!.itemId}`, { cookie: staff });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/feedback/${id}`);
    expect((await t.request('/feedback/by-item/999999', { cookie: staff })).status).toBe(404);
    expect((await t.request(`/feedback/by-item/${row!.itemId}`, { cookie: mttq })).status).toBe(403);
  });

  it('shows the officer their own submission and files but not the contact back; others get 404, leaders 403', async () => {
    const own = await (await t.request(`/api/feedback/${id}`, { cookie: mttq })).text();
    expect(own).toContain('bien-lai.pdf');
    expect(own).not.toContain('Đỗ Văn Khoa');
    expect(own).not.toContain('khoa.do');
    expect((await t.request(`/api/feedback/${id}`, { cookie: otherMttq })).status).toBe(404);
    expect((await t.request(`/api/feedback/${id}/attachments/${attachmentId}`, { cookie: otherMttq })).status).toBe(404);
    expect((await t.request(`/api/feedback/${id}`, { cookie: leader })).status).toBe(403);
    expect((await t.request(`/api/feedback/${id}/attachments/${attachmentId}`, { cookie: leader })).status).toBe(403);
    expect((await t.request(`/api/feedback/${id}/attachments/${attachmentId}`)).status).toBe(401);
  });

  it('serves an attachment only as a download with the sniffed type, nosniff and a sandbox', async () => {
    for (const cookie of [staff, mttq]) {
      const response = await t.request(`/api/feedback/${id}/attachments/${attachmentId}`, { cookie });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="bien-lai.pdf"/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain('sandbox');
      expect(Buffer.compare(Buffer.from(await response.arrayBuffer()), PDF_PLAIN)).toBe(0);
    }
    expect((await t.request(`/api/feedback/${id}/attachments/999999`, { cookie: staff })).status).toBe(404);
  });
});

describe('the pseudonymised export', () => {
  it('shows each citizen as one stable pseudonym, never the name or contact, with formula cells escaped', async () => {
    await post({ content: '=HYPERLINK("http://evil.example","bấm vào")', topic: '+cmd', citizen: { name: 'Vũ Thị Yến', contact: '0988 765 432' }, consent: CONSENT });
    await post({ content: '@SUM(1+1) lần hai', school: '-2+3', citizen: { name: 'Vũ T. Yến', contact: '+84 988 765 432' }, consent: CONSENT });
    await post({ content: 'Người khác', citizen: { contact: 'khac@example.vn' }, consent: CONSENT });
    for (const cookie of [leader, mttq]) expect((await t.request('/api/feedback/export.csv', { cookie })).status).toBe(403);
    const response = await t.request('/api/feedback/export.csv', { cookie: staff });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.toString('utf8');
    expect(csv.startsWith('\uFEFFfeedback_id,')).toBe(true);
    for (const secret of ['Vũ Thị Yến', 'Vũ T. Yến', '0988', '765 432', 'khac@example.vn', 'Đỗ Văn Khoa', 'khoa.do']) expect(csv).not.toContain(secret);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""bấm vào"")"`);
    expect(csv).toContain(`"'@SUM(1+1) lần hai"`);
    expect(csv).toContain(`"'+cmd"`);
    expect(csv).toContain(`"'-2+3"`);
    const rowOf = (text: string) => csv.split('\r\n').find((line) => line.includes(text))!;
    const pseudonym = (line: string) => /CIT-[0-9A-F]{8}/.exec(line)?.[0];
    expect(pseudonym(rowOf('HYPERLINK'))).toBeDefined();
    expect(pseudonym(rowOf('@SUM'))).toBe(pseudonym(rowOf('HYPERLINK')));
    expect(pseudonym(rowOf('Người khác'))).not.toBe(pseudonym(rowOf('HYPERLINK')));
    expect((await t.request('/api/feedback/export.csv?from=2026-13-01', { cookie: staff })).status).toBe(422);
  });
});

/** Returns every text-like column of every table whose value contains the needle. */
async function findEverywhere(needle: string): Promise<string[]> {
  const columns = await database.db.execute(
    sql`select table_name, column_name from information_schema.columns where table_schema = 'public' and data_type in ('text', 'jsonb', 'json', 'character varying', 'ARRAY')`,
  );
  const rows = ((columns as { rows?: unknown[] }).rows ?? (columns as unknown as unknown[])) as Array<{ table_name: string; column_name: string }>;
  const found: string[] = [];
  for (const { table_name: table, column_name: column } of rows) {
    const result = await database.db.execute(sql`select count(*)::int as n from ${sql.identifier(table)} where ${sql.identifier(column)}::text ilike ${`%${needle}%`}`);
    const [first] = ((result as { rows?: unknown[] }).rows ?? (result as unknown as unknown[])) as Array<{ n: number }>;
    if (Number(first?.n ?? 0) > 0) found.push(`${table}.${column}`);
  }
  return found;
}

describe("a citizen's requests", () => {
  const NAME = 'Hoàng Minh Châu';
  const CONTACT = '0903 456 789';
  let receipt: string;
  let firstId: number;
  let secondId: number;

  beforeAll(async () => {
    const first = await post({
      content: 'Đề nghị công khai các khoản thu đầu năm học',
      citizen: { name: NAME, contact: CONTACT },
      attachments: [{ filename: 'thong-bao.png', data: b64(PNG_1PX) }],
      consent: CONSENT,
    });
    ({ receipt, id: firstId } = (await first.json()) as { receipt: string; id: number });
    const second = await post({ content: 'Hỏi về lịch học bán trú', citizen: { name: NAME, contact: '+84903456789' }, consent: CONSENT }, otherMttq);
    secondId = ((await second.json()) as { id: number }).id;
    // The ward acted on the first one: the audit trail must not pick the contact up either.
    const [row] = await database.db.select({ itemId: feedback.itemId }).from(feedback).where(eq(feedback.id, firstId));
    const patched = await t.request(`/api/items/${row!.itemId}`, { method: 'PATCH', cookie: staff, json: { status: 'in_review' } });
    expect(patched.status).toBe(200);
  });

  it('is for admins only', async () => {
    for (const cookie of [staff, leader, mttq]) {
      expect((await t.request('/api/data-requests', { cookie, json: { kind: 'access', receipt } })).status).toBe(403);
      expect((await t.request('/data-requests', { cookie })).status).toBe(403);
    }
  });

  it('refuses a request naming neither or both, a bad receipt, or CRLF in the contact', async () => {
    const before = await database.db.select().from(dataSubjectRequests);
    const bodies: Array<[unknown, string]> = [
      [{ kind: 'access' }, 'receipt'],
      [{ kind: 'access', receipt, contact: CONTACT }, 'receipt'],
      [{ kind: 'access', receipt: 'PA-0000' }, 'receipt'],
      [{ kind: 'deletion', contact: '0903\r\nBcc: x' }, 'contact'],
      [{ kind: 'forget', receipt }, 'kind'],
    ];
    for (const [body, field] of bodies) {
      const response = await t.request('/api/data-requests', { cookie: admin, headers: { 'content-type': 'application/json' }, method: 'POST', body: JSON.stringify(body) });
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(((await response.json()) as ErrorAnswer).error.details!.map((detail) => detail.field)).toContain(field);
    }
    const proto = await t.request('/api/data-requests', { cookie: admin, method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"kind":"access","receipt":"${receipt}","__proto__":{"x":1}}` });
    expect(proto.status).toBe(422);
    expect(await database.db.select().from(dataSubjectRequests)).toEqual(before);
  });

  it('answers access by contact (normalised) with every submission, and logs it without the contact', async () => {
    const response = await t.request('/api/data-requests', { cookie: admin, json: { kind: 'access', contact: '  +84 903-456-789 ' } });
    expect(response.status).toBe(200);
    const outcome = (await response.json()) as { logId: number; submissionsFound: number; submissions: Array<{ id: number; contact: { name: string }; attachments: unknown[] }> };
    expect(outcome.submissionsFound).toBe(2);
    expect(outcome.submissions.map((entry) => entry.id).sort()).toEqual([firstId, secondId].sort());
    expect(outcome.submissions[0]!.contact.name).toBe(NAME);
    const [log] = await database.db.select().from(dataSubjectRequests).where(eq(dataSubjectRequests.id, outcome.logId));
    expect(log).toMatchObject({ kind: 'access', foundBy: 'contact', submissionsFound: 2, contactsDeleted: 0 });
    expect(JSON.stringify(log)).not.toMatch(/0903|456|789|Châu/);
    const byReceipt = (await (await t.request('/api/data-requests', { cookie: admin, json: { kind: 'access', receipt: receipt.toLowerCase() } })).json()) as { submissionsFound: number };
    expect(byReceipt.submissionsFound).toBe(1);
  });

  it('deletes the contact and attachments everywhere on a deletion request; the opinion stays; the log holds counts only', async () => {
    // The search does find the data while it is there.
    expect(await findEverywhere(NAME)).toEqual(['feedback_contacts.name']);
    expect(await findEverywhere('903 456 789')).toEqual(['feedback_contacts.contact']);
    const response = await t.request('/api/data-requests', { cookie: admin, json: { kind: 'deletion', contact: CONTACT } });
    expect(response.status).toBe(200);
    const outcome = (await response.json()) as { logId: number; submissionsFound: number; contactsDeleted: number; attachmentsDeleted: number };
    expect(outcome).toMatchObject({ submissionsFound: 2, contactsDeleted: 2, attachmentsDeleted: 1 });
    // Not in any text column of any table (contacts, items, triage events, settings, the log …).
    expect(await findEverywhere('0903 456 789')).toEqual([]);
    expect(await findEverywhere('903456789')).toEqual([]);
    expect(await findEverywhere(NAME)).toEqual([]);
    expect(await database.db.select().from(feedbackAttachments).where(eq(feedbackAttachments.feedbackId, firstId))).toEqual([]);
    const [row] = await database.db.select().from(feedback).where(eq(feedback.id, firstId));
    expect(row).toMatchObject({ contactDeletedReason: 'request' });
    expect(row!.contactDeletedAt).toBeInstanceOf(Date);
    const [log] = await database.db.select().from(dataSubjectRequests).where(eq(dataSubjectRequests.id, outcome.logId));
    expect(log).toMatchObject({ kind: 'deletion', foundBy: 'contact', submissionsFound: 2, contactsDeleted: 2 });
    expect(JSON.stringify(log)).not.toMatch(/0903|Châu|PA-/);
    // Not in the export, not in the ward's view, not in the logs.
    const csv = await (await t.request('/api/feedback/export.csv', { cookie: admin })).text();
    expect(csv).not.toContain('0903');
    expect(csv).not.toContain(NAME);
    expect(csv).toContain('Đề nghị công khai các khoản thu đầu năm học');
    const page = await (await t.request(`/feedback/${firstId}`, { cookie: staff })).text();
    expect(page).toContain('đã được xóa theo yêu cầu');
    expect(page).not.toContain(NAME);
    expect(logged.join('\n')).not.toMatch(/0903|903456789|Châu/);
    const list = (await (await t.request('/api/data-requests', { cookie: admin })).json()) as { requests: Array<{ kind: string; performedByName: string }> };
    expect(list.requests[0]).toMatchObject({ kind: 'deletion', performedByName: 'quan-admin' });
  });

  it('carries requests out from the admin page, asking to confirm a deletion', async () => {
    const page = await (await t.request('/data-requests', { cookie: admin })).text();
    expect(page).toContain('<label for="dsr-receipt">');
    expect(page).toContain('Nhật ký yêu cầu');
    const unconfirmed = await t.request('/data-requests', { method: 'POST', cookie: admin, body: new URLSearchParams({ kind: 'deletion', receipt }) });
    expect(unconfirmed.status).toBe(422);
    expect(await unconfirmed.text()).toContain('Cần xác nhận trước khi xóa.');
    const access = await t.request('/data-requests', { method: 'POST', cookie: admin, body: new URLSearchParams({ kind: 'access', receipt }) });
    expect(access.status).toBe(200);
    const html = await access.text();
    expect(html).toContain('Tìm thấy 1 ý kiến.');
    expect(html).toContain('Đề nghị công khai các khoản thu đầu năm học');
  });
});

describe("one citizen's submissions under different ways of writing the number", () => {
  // One citizen, five submissions, five usual ways of writing 0912 345 678; another citizen close by.
  const FORMS = ['+84 (0)912 345 678', '0084 912 345 678', '0912.345.678', '0912 345 678 (Zalo)', 'ĐT: 0912345678'];
  const ids: number[] = [];
  const receipts: string[] = [];
  let neighbourId: number;

  beforeAll(async () => {
    for (const [index, contact] of FORMS.entries()) {
      const response = await post({ content: `Ý kiến số ${index + 1} về bán trú`, citizen: { name: 'Trịnh Văn Sơn', contact }, consent: CONSENT }, index % 2 ? otherMttq : mttq);
      expect(response.status).toBe(201);
      const answer = (await response.json()) as { id: number; receipt: string };
      ids.push(answer.id);
      receipts.push(answer.receipt);
    }
    const neighbour = await post({ content: 'Ý kiến của người khác', citizen: { name: 'Trịnh Văn Hà', contact: 'ĐT: 0912 345 679' }, consent: CONSENT });
    neighbourId = ((await neighbour.json()) as { id: number }).id;
  });

  const found = async (json: unknown) => {
    const response = await t.request('/api/data-requests', { cookie: admin, json });
    expect(response.status, JSON.stringify(json)).toBe(200);
    return (await response.json()) as { submissionsFound: number; submissions: Array<{ id: number }>; contactsDeleted: number };
  };

  it('finds all five by the number written plainly, or in any of the five ways', async () => {
    for (const contact of ['0912345678', ...FORMS, 'Điện thoại: +84 912-345-678']) {
      const outcome = await found({ kind: 'access', contact });
      expect(outcome.submissions.map((entry) => entry.id).sort((a, b) => a - b), contact).toEqual([...ids].sort((a, b) => a - b));
    }
  });

  it('finds nothing by a part of the number, and only the neighbour by the neighbour', async () => {
    for (const contact of ['345 678', '912 345 678', '0912 345', '091234567']) expect((await found({ kind: 'access', contact })).submissionsFound, contact).toBe(0);
    expect((await found({ kind: 'access', contact: '0912345679' })).submissions.map((entry) => entry.id)).toEqual([neighbourId]);
  });

  it('gives the five one pseudonym in the export', async () => {
    const csv = await (await t.request('/api/feedback/export.csv', { cookie: staff })).text();
    const pseudonyms = new Set(FORMS.map((_, index) => /CIT-[0-9A-F]{8}/.exec(csv.split('\r\n').find((line) => line.includes(`Ý kiến số ${index + 1} về bán trú`))!)?.[0]));
    expect(pseudonyms.size).toBe(1);
    expect([...pseudonyms][0]).toBeDefined();
  });

  it('reads the receipt as the status page does: without the dash, in lower case, with spaces', async () => {
    const receipt = receipts[0]!;
    const code = receipt.slice(3);
    for (const typed of [receipt.replace('-', ''), `pa ${code.slice(0, 4).toLowerCase()} ${code.slice(4).toLowerCase()}`, code, receipt.toLowerCase()]) {
      const outcome = await found({ kind: 'access', receipt: typed });
      expect(outcome.submissions.map((entry) => entry.id), typed).toEqual([ids[0]]);
    }
    const form = await t.request('/data-requests', { method: 'POST', cookie: admin, body: new URLSearchParams({ kind: 'access', receipt: receipt.replace('-', '') }) });
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('Tìm thấy 1 ý kiến.');
    const bad = await t.request('/api/data-requests', { cookie: admin, json: { kind: 'access', receipt: `${receipt}X` } });
    expect(bad.status).toBe(422);
  });

  it('finds a sixth with digits in the note after the number', async () => {
    const response = await post({ content: 'Ý kiến số 6 về bán trú', citizen: { name: 'Trịnh Văn Sơn', contact: '0912345678 (Zalo, gọi sau 17h)' }, consent: CONSENT });
    ids.push(((await response.json()) as { id: number }).id);
    const outcome = await found({ kind: 'access', contact: '+84 912 345 678' });
    expect(outcome.submissions.map((entry) => entry.id).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
  });

  it('deletes the contact of all six on one deletion request, and not the neighbour\'s', async () => {
    const outcome = await found({ kind: 'deletion', contact: '0912 345 678' });
    expect(outcome).toMatchObject({ submissionsFound: 6, contactsDeleted: 6 });
    const left = await database.db.select({ id: feedbackContacts.feedbackId, contact: feedbackContacts.contact }).from(feedbackContacts);
    expect(left.filter((row) => ids.includes(Number(row.id)))).toEqual([]);
    expect(left.some((row) => Number(row.id) === neighbourId)).toBe(true);
    for (const contact of FORMS) expect(await findEverywhere(contact), contact).toEqual([]);
    expect(await findEverywhere('0912 345 679')).toEqual(['feedback_contacts.contact']);
    expect(logged.join('\n')).not.toMatch(/912 ?345|Sơn/);
  });
});

describe('retention', () => {
  it('lets only admins read and set the period, refusing nonsense', async () => {
    expect(((await (await t.request('/api/settings/retention', { cookie: admin })).json()) as { days: number }).days).toBe(365);
    expect((await t.request('/api/settings/retention', { cookie: staff })).status).toBe(403);
    for (const days of [0, 1.5, '30', 100_000]) {
      expect((await t.request('/api/settings/retention', { method: 'PUT', cookie: admin, json: { days } })).status).toBe(422);
    }
    expect((await t.request('/api/settings/retention', { method: 'PUT', cookie: admin, json: { days: 30 } })).status).toBe(200);
    const saved = await t.request('/settings/retention', { method: 'POST', cookie: admin, body: new URLSearchParams({ days: '90' }) });
    expect(saved.status).toBe(303);
    expect(((await (await t.request('/api/settings/retention', { cookie: admin })).json()) as { days: number }).days).toBe(90);
    // Only whole days written as digits: Number() alone read `0x1E` as 30 and `1e2` as 100.
    for (const days of ['abc', '0x1E', '1e2', '30.5', ' ']) {
      const bad = await t.request('/settings/retention', { method: 'POST', cookie: admin, body: new URLSearchParams({ days }) });
      expect(bad.status, days).toBe(422);
    }
    expect(((await (await t.request('/api/settings/retention', { cookie: admin })).json()) as { days: number }).days).toBe(90);
  });

  it('deletes contacts and attachments older than the period, marks them, and leaves newer ones', async () => {
    await putSetting(database.db, 'privacy.retention', { days: 30 });
    const old = (await (await post({ content: 'Ý kiến cũ', citizen: { name: 'Lý Văn Cũ', contact: 'cu@example.vn' }, attachments: [{ filename: 'a.png', data: b64(PNG_1PX) }], consent: CONSENT })).json()) as { id: number };
    const fresh = (await (await post({ content: 'Ý kiến mới', citizen: { name: 'Lý Văn Mới', contact: 'moi@example.vn' }, consent: CONSENT })).json()) as { id: number };
    await database.db.update(feedback).set({ createdAt: new Date(Date.now() - 31 * 24 * 60 * 60 * 1000) }).where(eq(feedback.id, old.id));
    const run = await runRetention(database.db, new Date());
    expect(run.days).toBe(30);
    expect(run.contactsDeleted).toBeGreaterThanOrEqual(1);
    expect(run.attachmentsDeleted).toBeGreaterThanOrEqual(1);
    expect(await database.db.select().from(feedbackContacts).where(eq(feedbackContacts.feedbackId, old.id))).toEqual([]);
    expect(await database.db.select().from(feedbackAttachments).where(eq(feedbackAttachments.feedbackId, old.id))).toEqual([]);
    const [oldRow] = await database.db.select().from(feedback).where(eq(feedback.id, old.id));
    expect(oldRow).toMatchObject({ contactDeletedReason: 'retention' });
    expect(await database.db.select().from(feedbackContacts).where(eq(feedbackContacts.feedbackId, fresh.id))).toHaveLength(1);
    // A second pass finds nothing more to do.
    const again = await runRetention(database.db, new Date());
    expect(again).toMatchObject({ submissions: 0, contactsDeleted: 0, attachmentsDeleted: 0, sessionsDeleted: 0 });
  });

  it('deletes expired login sessions in the same pass and keeps live ones', async () => {
    const user = await insertUser(database.db, { username: 'phien-het-han', role: 'staff', passwordHash: 'x' });
    const now = new Date();
    await insertSession(database.db, { idHash: 'expired-session-hash', userId: user.id, expiresAt: new Date(now.getTime() - 60_000) });
    await insertSession(database.db, { idHash: 'live-session-hash', userId: user.id, expiresAt: new Date(now.getTime() + 60_000) });
    const run = await runRetention(database.db, now);
    expect(run.sessionsDeleted).toBeGreaterThanOrEqual(1);
    const left = (await database.db.select({ idHash: sessions.idHash }).from(sessions).where(eq(sessions.userId, user.id))).map((row) => row.idHash);
    expect(left).toEqual(['live-session-hash']);
  });
});
