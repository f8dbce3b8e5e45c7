// Reads and writes of MTTQ feedback: the submission, its item and the citizen's contact in one
// transaction; an officer's own submissions with the ward's responses and a monthly count.
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { AttachmentType, ValidAttachment } from '../../domain/attachment.ts';
import type { Classification, Label } from '../../domain/classification.ts';
import type { AttachmentInfo, FeedbackChannel, FeedbackDetail, FeedbackResponseView, FeedbackSubmission, MonthlyCount, OwnFeedback } from '../../domain/feedback.ts';
import { isPublishedResponse } from '../../domain/public-feedback.ts';
import type { Db } from '../client.ts';
import { feedback, feedbackAttachments, feedbackContacts, items, responses, sources } from '../schema.ts';

/** The item a submission becomes, classified by the caller. */
export interface FeedbackItem {
  sourceName: string;
  keyHash: string;
  title: string;
  searchText: string;
  contentHash: string;
  labels: Label[];
  classification: Classification | null;
  priority: number;
}

/** One submission to store. */
export interface NewFeedback {
  submission: FeedbackSubmission;
  item: FeedbackItem;
  receipt: string;
  idempotencyKey: string | null;
  /** The MTTQ officer who submitted it; null for the public form. */
  userId: number | null;
  /** Sent through the public form (no login). */
  isPublic?: boolean;
  /** Files checked by content (see checkAttachment): stored in the same transaction, or nothing is. */
  attachments?: readonly ValidAttachment[];
  now: Date;
}

/**
 * What storing answered: `created` false when an earlier submission with the same key was found.
 * `keyReused` is true when that earlier submission holds a different opinion (see
 * sameSubmission): nothing was stored, and the caller must not answer it as received.
 */
export interface StoredFeedback {
  id: number;
  receipt: string;
  itemId: number;
  created: boolean;
  keyReused: boolean;
}

/** What a retry is compared on: the opinion and its one-line fields, as stored (normalised). */
export type SubmittedFields = Pick<FeedbackSubmission, 'content' | 'topic' | 'residentialGroup' | 'school' | 'channel' | 'receivedAt'>;

/** The columns SubmittedFields is read from. */
const submittedColumns = {
  content: items.body,
  topic: feedback.topic,
  residentialGroup: feedback.residentialGroup,
  school: feedback.school,
  channel: feedback.channel,
  receivedAt: feedback.receivedAt,
};

/** An earlier submission found by its key, with what was submitted. */
export interface EarlierFeedback extends StoredFeedback {
  submitted: SubmittedFields;
}

/**
 * Returns whether a submission sent again with a known key is the one stored: the same opinion and
 * the same one-line fields after normalisation. A body that cannot be read (null) is not the same.
 * The contact (deleted after retention) and the attachments are not compared.
 */
export function sameSubmission(stored: SubmittedFields, sent: SubmittedFields | null): boolean {
  if (sent === null) return false;
  return (
    stored.content === sent.content &&
    stored.topic === sent.topic &&
    stored.residentialGroup === sent.residentialGroup &&
    stored.school === sent.school &&
    stored.channel === sent.channel &&
    (stored.receivedAt?.getTime() ?? null) === (sent.receivedAt?.getTime() ?? null)
  );
}

async function findByKey(db: Pick<Db, 'select'>, userId: number | null, key: string): Promise<EarlierFeedback | null> {
  // Public submissions have no submitter: their keys are matched among public submissions.
  const submitter = userId === null ? and(isNull(feedback.submittedBy), eq(feedback.isPublic, true)) : eq(feedback.submittedBy, userId);
  const [row] = await db
    .select({ id: feedback.id, receipt: feedback.receipt, itemId: feedback.itemId, ...submittedColumns })
    .from(feedback)
    .innerJoin(items, eq(items.id, feedback.itemId))
    .where(and(submitter, eq(feedback.idempotencyKey, key)));
  if (!row) return null;
  return {
    id: Number(row.id),
    receipt: row.receipt,
    itemId: Number(row.itemId),
    created: false,
    keyReused: false,
    submitted: {
      content: row.content,
      topic: row.topic,
      residentialGroup: row.residentialGroup,
      school: row.school,
      channel: row.channel as FeedbackChannel | null,
      receivedAt: row.receivedAt,
    },
  };
}

/**
 * Stores the submission, its item (in the per-install form source, created on first use) and the
 * citizen's contact in ONE transaction. A key the submitter already used answers the first submission.
 */
export async function insertFeedback(db: Db, input: NewFeedback): Promise<StoredFeedback> {
  const { submission, item, now } = input;
  return db.transaction(async (tx) => {
    if (input.idempotencyKey !== null) {
      // Concurrent retries with one key wait for each other here instead of racing to insert.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`duluan:feedback:${input.userId}:${input.idempotencyKey}`}))`);
      const existing = await findByKey(tx, input.userId, input.idempotencyKey);
      // A different opinion under a used key is not stored, nor answered as the earlier one.
      if (existing) {
        const { submitted, ...stored } = existing;
        return { ...stored, keyReused: !sameSubmission(submitted, submission) };
      }
    }
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`duluan:form-source:${item.sourceName}`}))`);
    let [source] = await tx
      .select({ id: sources.id })
      .from(sources)
      .where(and(eq(sources.kind, 'form'), eq(sources.name, item.sourceName)))
      .orderBy(sources.id)
      .limit(1);
    if (!source) {
      [source] = await tx.insert(sources).values({ kind: 'form', name: item.sourceName, url: null, enabled: true }).returning({ id: sources.id });
      if (!source) throw new Error('db: insert into sources returned no row');
    }
    const publishedAt = submission.receivedAt && submission.receivedAt <= now ? submission.receivedAt : null;
    const [itemRow] = await tx
      .insert(items)
      .values({
        sourceId: source.id,
        keyHash: item.keyHash,
        url: null,
        title: item.title,
        body: submission.content,
        author: null,
        publishedAt,
        collectedAt: now,
        sortAt: publishedAt ?? now,
        searchText: item.searchText,
        contentHash: item.contentHash,
        labels: item.labels,
        classification: item.classification,
        classifierVersion: item.classification?.version ?? null,
        priority: item.priority,
      })
      .returning({ id: items.id });
    if (!itemRow) throw new Error('db: insert into items returned no row');
    const [row] = await tx
      .insert(feedback)
      .values({
        itemId: itemRow.id,
        receipt: input.receipt,
        idempotencyKey: input.idempotencyKey,
        submittedBy: input.userId,
        isPublic: input.isPublic ?? false,
        topic: submission.topic,
        residentialGroup: submission.residentialGroup,
        school: submission.school,
        channel: submission.channel,
        receivedAt: submission.receivedAt,
        consentVersion: submission.consentVersion,
        consentGivenAt: now,
      })
      .returning({ id: feedback.id });
    if (!row) throw new Error('db: insert into feedback returned no row');
    if (submission.citizenName !== null || submission.citizenContact !== null) {
      await tx.insert(feedbackContacts).values({ feedbackId: row.id, name: submission.citizenName, contact: submission.citizenContact });
    }
    // One at a time: a multi-row insert of several megabytes each would build one huge statement.
    for (const attachment of input.attachments ?? []) {
      await tx.insert(feedbackAttachments).values({
        feedbackId: row.id,
        filename: attachment.filename,
        contentType: attachment.contentType,
        size: attachment.size,
        sha256: attachment.sha256,
        data: attachment.data,
      });
    }
    return { id: Number(row.id), receipt: input.receipt, itemId: Number(itemRow.id), created: true, keyReused: false };
  });
}

/** Returns the earlier submission made with this key by this user (with what it held), or null. */
export async function findFeedbackByKey(db: Db, userId: number | null, key: string): Promise<EarlierFeedback | null> {
  return findByKey(db, userId, key);
}

const ownColumns = {
  id: feedback.id,
  receipt: feedback.receipt,
  itemId: feedback.itemId,
  ...submittedColumns,
  createdAt: feedback.createdAt,
  status: items.status,
};

/**
 * Returns the rows with the ward's responses. `publishedOnly` keeps only those published to the
 * citizen (isPublishedResponse, as the receipt lookup): an MTTQ officer is not shown the ward's
 * internal correspondence (escalations, reports to the city).
 */
async function withResponses(db: Db, rows: Array<Omit<OwnFeedback, 'responses'>>, publishedOnly = false): Promise<OwnFeedback[]> {
  const itemIds = rows.map((row) => row.itemId);
  const byItem = new Map<number, FeedbackResponseView[]>();
  if (itemIds.length > 0) {
    const found = await db
      .select({ itemId: responses.itemId, kind: responses.kind, channel: responses.channel, text: responses.text, respondedAt: responses.respondedAt })
      .from(responses)
      .where(inArray(responses.itemId, itemIds))
      .orderBy(responses.respondedAt, responses.id);
    for (const { itemId, ...response } of found) {
      if (publishedOnly && !isPublishedResponse(response.kind, response.channel)) continue;
      const list = byItem.get(Number(itemId)) ?? [];
      list.push(response);
      byItem.set(Number(itemId), list);
    }
  }
  return rows.map((row) => ({ ...row, responses: byItem.get(row.itemId) ?? [] }));
}

type OwnRow = { [K in keyof typeof ownColumns]: unknown } & Record<string, unknown>;

function toOwn(row: OwnRow): Omit<OwnFeedback, 'responses'> {
  return { ...(row as unknown as Omit<OwnFeedback, 'responses'>), id: Number(row.id), itemId: Number(row.itemId) };
}

/** Which of the ward's responses a reader is shown with a submission. */
export interface ResponseVisibility {
  /** Only those published to the citizen (an MTTQ officer); otherwise all (the ward). */
  publishedOnly: boolean;
}

/** A page of an officer's own submissions: `olderThan` is the id to ask for the next (older) page with, null on the last. */
export interface OwnFeedbackPage {
  feedback: OwnFeedback[];
  olderThan: number | null;
}

/** How many of an officer's own submissions a page shows. */
export const OWN_FEEDBACK_PAGE_SIZE = 50;

/**
 * Returns a page of the user's own submissions, newest first, with status and the ward's responses
 * (only the published ones when `publishedOnly`); `before` (a submission id of the user's) starts
 * the page after that submission. Never contacts.
 */
export async function listOwnFeedback(
  db: Db,
  userId: number,
  visibility: ResponseVisibility,
  page: { before?: number | null; limit?: number } = {},
): Promise<OwnFeedbackPage> {
  const limit = page.limit ?? OWN_FEEDBACK_PAGE_SIZE;
  const before = page.before ?? null;
  // Keyset paging in the list's order (created, then id), from the row the cursor names: no
  // timestamp travels through the URL, so no precision is lost.
  const after =
    before === null
      ? undefined
      : sql`(${feedback.createdAt}, ${feedback.id}) < (select f.created_at, f.id from ${feedback} f where f.id = ${before} and f.submitted_by = ${userId})`;
  const rows = await db
    .select(ownColumns)
    .from(feedback)
    .innerJoin(items, eq(items.id, feedback.itemId))
    .where(and(eq(feedback.submittedBy, userId), after))
    .orderBy(desc(feedback.createdAt), desc(feedback.id))
    .limit(limit + 1);
  const shown = rows.slice(0, limit).map(toOwn);
  return {
    feedback: await withResponses(db, shown, visibility.publishedOnly),
    olderThan: rows.length > limit ? (shown[shown.length - 1]?.id ?? null) : null,
  };
}

/** Returns how many submissions the user made in each month (Asia/Ho_Chi_Minh), newest month first. */
export async function countOwnFeedbackByMonth(db: Db, userId: number): Promise<MonthlyCount[]> {
  const month = sql<string>`to_char(${feedback.createdAt} at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM')`;
  const rows = await db
    .select({ month, count: sql<number>`count(*)`.mapWith(Number) })
    .from(feedback)
    .where(eq(feedback.submittedBy, userId))
    .groupBy(month)
    .orderBy(desc(month));
  return rows.map((row) => ({ month: String(row.month), count: row.count }));
}

/** Returns the attachments of a submission (without their bytes), oldest first. */
export async function listAttachments(db: Db, feedbackId: number): Promise<AttachmentInfo[]> {
  return (await attachmentsByFeedback(db, [feedbackId])).get(feedbackId) ?? [];
}

/** Returns the attachments (without their bytes) of each of the submissions, oldest first, in one statement. */
async function attachmentsByFeedback(db: Db, feedbackIds: readonly number[]): Promise<Map<number, AttachmentInfo[]>> {
  const byFeedback = new Map<number, AttachmentInfo[]>();
  if (feedbackIds.length === 0) return byFeedback;
  const rows = await db
    .select({ feedbackId: feedbackAttachments.feedbackId, id: feedbackAttachments.id, filename: feedbackAttachments.filename, contentType: feedbackAttachments.contentType, size: feedbackAttachments.size, createdAt: feedbackAttachments.createdAt })
    .from(feedbackAttachments)
    .where(inArray(feedbackAttachments.feedbackId, [...feedbackIds]))
    .orderBy(feedbackAttachments.id);
  for (const { feedbackId, ...attachment } of rows) {
    const list = byFeedback.get(Number(feedbackId)) ?? [];
    list.push({ ...attachment, id: Number(attachment.id) });
    byFeedback.set(Number(feedbackId), list);
  }
  return byFeedback;
}

/** One stored attachment with its bytes and who submitted it (to check access), or null. */
export interface StoredAttachment {
  id: number;
  feedbackId: number;
  submittedBy: number | null;
  filename: string;
  contentType: AttachmentType;
  size: number;
  data: Buffer;
}

/** Returns an attachment of the submission, or null when there is none with that id. */
export async function getAttachment(db: Db, feedbackId: number, attachmentId: number): Promise<StoredAttachment | null> {
  const [row] = await db
    .select({
      id: feedbackAttachments.id,
      feedbackId: feedbackAttachments.feedbackId,
      submittedBy: feedback.submittedBy,
      filename: feedbackAttachments.filename,
      contentType: feedbackAttachments.contentType,
      size: feedbackAttachments.size,
      data: feedbackAttachments.data,
    })
    .from(feedbackAttachments)
    .innerJoin(feedback, eq(feedback.id, feedbackAttachments.feedbackId))
    .where(and(eq(feedbackAttachments.feedbackId, feedbackId), eq(feedbackAttachments.id, attachmentId)));
  if (!row) return null;
  return { ...row, id: Number(row.id), feedbackId: Number(row.feedbackId), contentType: row.contentType as AttachmentType };
}

/** Returns the id of the submission an item came from, or null when the item is not a submission. */
export async function findFeedbackIdByItem(db: Db, itemId: number): Promise<number | null> {
  const [row] = await db.select({ id: feedback.id }).from(feedback).where(eq(feedback.itemId, itemId)).limit(1);
  return row ? Number(row.id) : null;
}

/** Returns a submission as the ward sees it (contact, attachments, deletion state), or null. */
export async function getFeedbackDetail(db: Db, id: number): Promise<FeedbackDetail | null> {
  const [detail] = await getFeedbackDetails(db, [id]);
  return detail ?? null;
}

/**
 * Returns the submissions as getFeedbackDetail shows them, in the order of `ids` (unknown ids left
 * out), with three statements whatever their number: a citizen's data request reads them all.
 */
export async function getFeedbackDetails(db: Db, ids: readonly number[]): Promise<FeedbackDetail[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({
      ...ownColumns,
      submittedBy: feedback.submittedBy,
      isPublic: feedback.isPublic,
      consentVersion: feedback.consentVersion,
      contactDeletedAt: feedback.contactDeletedAt,
      contactDeletedReason: feedback.contactDeletedReason,
      name: feedbackContacts.name,
      contact: feedbackContacts.contact,
      hasContact: feedbackContacts.feedbackId,
    })
    .from(feedback)
    .innerJoin(items, eq(items.id, feedback.itemId))
    .leftJoin(feedbackContacts, eq(feedbackContacts.feedbackId, feedback.id))
    .where(inArray(feedback.id, [...ids]));
  const split = rows.map(({ name, contact, hasContact, submittedBy, isPublic, consentVersion, contactDeletedAt, contactDeletedReason, ...own }) => ({
    own: toOwn(own),
    ward: { submittedBy, isPublic, consentVersion, contact: hasContact === null ? null : { name, contact }, contactDeletedAt, contactDeletedReason: contactDeletedReason ?? null },
  }));
  const withResponse = await withResponses(db, split.map((row) => row.own));
  const attachments = await attachmentsByFeedback(db, withResponse.map((row) => row.id));
  const byId = new Map(withResponse.map((own, at) => [own.id, { ...own, ...split[at]!.ward, attachments: attachments.get(own.id) ?? [] }]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
