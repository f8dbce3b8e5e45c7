// A citizen's access or deletion request runs the same number of SQL statements whether they sent
// one submission or thirty (set-based reads and deletes, not one round of queries per submission),
// and answers exactly what the per-submission reader shows.
import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { eq, inArray } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type { Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { getFeedbackDetail, insertFeedback } from '../../src/db/queries/feedback.ts';
import { carryOutDataRequest } from '../../src/db/queries/privacy.ts';
import * as schema from '../../src/db/schema.ts';
import { dataSubjectRequests, feedback, feedbackAttachments, feedbackContacts, responses } from '../../src/db/schema.ts';
import { receiptFromBytes } from '../../src/domain/feedback.ts';
import { PNG_1PX } from '../helpers/attachment-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const MANY = 30;
const NOW = new Date('2026-03-02T03:00:00Z');

let database: TestDatabase;
/** The same database through a drizzle handle that counts the statements it sends. */
let counted: Db;
let statements = 0;
let serial = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  const client = (database.db as unknown as { $client: unknown }).$client;
  const logger = { logQuery: () => void statements++ };
  counted =
    database.kind === 'embedded'
      ? (drizzlePglite(client as PGlite, { schema, logger }) as unknown as Db)
      : (drizzlePostgres(client as Sql, { schema, logger }) as unknown as Db);
});
afterAll(async () => {
  await database?.close();
});

/** Stores `count` submissions from one citizen, every other one with a file and a ward response. */
async function seed(contact: string, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const n = ++serial;
    const receipt = receiptFromBytes(randomBytes(8));
    const stored = await insertFeedback(database.db, {
      submission: {
        content: `Ý kiến số ${n}`,
        topic: null,
        residentialGroup: null,
        school: null,
        channel: null,
        receivedAt: null,
        citizenName: 'Trần Thị Lan',
        citizenContact: contact,
        consentVersion: '1',
      },
      item: { sourceName: 'Ý kiến qua MTTQ', keyHash: `dsr-${n}`, title: `Ý kiến số ${n}`, searchText: `y kien so ${n}`, contentHash: `dsr-${n}`, labels: [], classification: null, priority: 0 },
      receipt,
      idempotencyKey: null,
      userId: null,
      attachments: i % 2 === 0 ? [{ filename: `anh-${n}.png`, contentType: 'image/png', size: PNG_1PX.length, sha256: `sha-${n}`, data: PNG_1PX }] : [],
      now: NOW,
    });
    if (i % 2 === 0) {
      await database.db.insert(responses).values({ itemId: stored.itemId, kind: 'reply', channel: 'ward_portal', text: `Đã tiếp nhận ${n}`, respondedAt: NOW });
    }
    ids.push(stored.id);
  }
  return ids;
}

async function countStatements(run: () => Promise<unknown>): Promise<number> {
  const before = statements;
  await run();
  return statements - before;
}

describe('data requests by contact', () => {
  let one: number[];
  let many: number[];

  beforeAll(async () => {
    one = await seed('0912 000 001', 1);
    many = await seed('0912 000 030', MANY);
    await seed('0912 000 099', 3); // someone else: must be left alone
  });

  it('answers access with every submission as the ward sees it, in a constant number of statements', async () => {
    const single = await countStatements(() => carryOutDataRequest(counted, { kind: 'access', contact: '0912000001', performedBy: null, now: NOW }));
    let outcome: Awaited<ReturnType<typeof carryOutDataRequest>> | undefined;
    const thirty = await countStatements(async () => {
      outcome = await carryOutDataRequest(counted, { kind: 'access', contact: '+84 912 000 030', performedBy: null, now: NOW });
    });
    expect(thirty).toBe(single);
    expect(thirty).toBeLessThan(12);
    expect(outcome!.submissionsFound).toBe(MANY);
    const expected = await Promise.all(many.map((id) => getFeedbackDetail(database.db, id)));
    expect(outcome!.submissions).toEqual(expected);
    expect(outcome!.submissions.filter((entry) => entry.attachments.length === 1 && entry.responses.length === 1)).toHaveLength(MANY / 2);
    const [log] = await database.db.select().from(dataSubjectRequests).where(eq(dataSubjectRequests.id, outcome!.logId));
    expect(log).toMatchObject({ kind: 'access', foundBy: 'contact', submissionsFound: MANY, contactsDeleted: 0, note: null });
  });

  it('deletes every contact and file in a constant number of statements, leaving others alone', async () => {
    const single = await countStatements(() => carryOutDataRequest(counted, { kind: 'deletion', contact: '0912000001', performedBy: null, now: NOW }));
    let outcome: Awaited<ReturnType<typeof carryOutDataRequest>> | undefined;
    const thirty = await countStatements(async () => {
      outcome = await carryOutDataRequest(counted, { kind: 'deletion', contact: '0912 000 030', performedBy: null, now: NOW });
    });
    expect(thirty).toBe(single);
    expect(outcome).toMatchObject({ submissionsFound: MANY, contactsDeleted: MANY, attachmentsDeleted: MANY / 2, submissions: [] });
    const touched = [...one, ...many];
    expect(await database.db.select().from(feedbackContacts).where(inArray(feedbackContacts.feedbackId, touched))).toEqual([]);
    expect(await database.db.select().from(feedbackAttachments).where(inArray(feedbackAttachments.feedbackId, touched))).toEqual([]);
    const marked = await database.db.select({ at: feedback.contactDeletedAt, reason: feedback.contactDeletedReason }).from(feedback).where(inArray(feedback.id, touched));
    expect(marked).toHaveLength(MANY + 1);
    expect(marked.every((row) => row.reason === 'request' && row.at?.getTime() === NOW.getTime())).toBe(true);
    expect(await database.db.select().from(feedbackContacts)).toHaveLength(3);
    expect(await database.db.select().from(feedbackAttachments)).toHaveLength(2);
    const [log] = await database.db.select().from(dataSubjectRequests).where(eq(dataSubjectRequests.id, outcome!.logId));
    expect(log).toMatchObject({ kind: 'deletion', foundBy: 'contact', submissionsFound: MANY, contactsDeleted: MANY, note: `attachments_deleted=${MANY / 2}` });
  });
});
