// Citizens' personal data in the database: finding a citizen's submissions, deleting their contact
// and attachments (on request or when the retention period ends), the request log, the export rows
// and the pseudonym secret.
import { randomBytes } from 'node:crypto';
import { and, desc, eq, gte, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { FeedbackChannel, FeedbackDetail } from '../../domain/feedback.ts';
import { getFeedbackDetails } from './feedback.ts';
import { escapeLike } from './items.ts';
import type { ItemStatus } from '../../domain/item.ts';
import {
  DEFAULT_RETENTION_DAYS,
  normaliseContact,
  PSEUDONYM_SECRET_SETTING,
  RETENTION_SETTING,
  withDefaultRetention,
  type DataRequestFoundBy,
  type DataRequestKind,
  type DataRequestLogEntry,
} from '../../domain/privacy.ts';
import type { Db } from '../client.ts';
import { dataSubjectRequests, feedback, feedbackAttachments, feedbackContacts, items, settings, users } from '../schema.ts';
import { getSetting } from './settings.ts';

/** Returns the server secret behind export pseudonyms, creating it (random, 32 bytes) on first use. */
export async function getPseudonymSecret(db: Db): Promise<string> {
  await db
    .insert(settings)
    .values({ key: PSEUDONYM_SECRET_SETTING, value: { secret: randomBytes(32).toString('hex') } })
    .onConflictDoNothing({ target: settings.key });
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, PSEUDONYM_SECRET_SETTING));
  const secret = (row?.value as { secret?: unknown } | undefined)?.secret;
  if (typeof secret !== 'string' || secret.length < 32) throw new Error('db: the pseudonym secret setting is malformed');
  return secret;
}

/** Returns the ids of the submission with this receipt code (zero or one). */
export async function findFeedbackIdsByReceipt(db: Db, receipt: string): Promise<number[]> {
  const rows = await db.select({ id: feedback.id }).from(feedback).where(eq(feedback.receipt, receipt.trim().toUpperCase()));
  return rows.map((row) => Number(row.id));
}

/** Returns the ids of the submissions whose stored contact is this one once both are normalised. */
export async function findFeedbackIdsByContact(db: Db, contact: string): Promise<number[]> {
  const wanted = normaliseContact(contact);
  if (wanted === '') return [];
  // A coarse filter in SQL, then the exact comparison with the same normaliser as the search. The
  // last digits of a phone number may be followed by those of a note (`… (Zalo, sau 17h)`).
  const coarse = /^\d+$/.test(wanted)
    ? sql`regexp_replace(${feedbackContacts.contact}, '[^0-9]', '', 'g') like ${`%${wanted.slice(-8)}%`}`
    : sql`lower(regexp_replace(${feedbackContacts.contact}, '\\s', '', 'g')) like ${`%${escapeLike(wanted.replace(/\s+/g, ''))}%`}`;
  const rows = await db
    .select({ id: feedbackContacts.feedbackId, contact: feedbackContacts.contact })
    .from(feedbackContacts)
    .where(and(isNotNull(feedbackContacts.contact), coarse));
  return rows.filter((row) => row.contact !== null && normaliseContact(row.contact) === wanted).map((row) => Number(row.id)).sort((a, b) => a - b);
}

/** What a deletion removed. */
export interface CitizenDataDeleted {
  contactsDeleted: number;
  attachmentsDeleted: number;
}

/**
 * Deletes the contact rows and attachments of the submissions and marks them (contact_deleted_at,
 * reason) in one transaction. The opinion itself stays: it is about a public matter and, without
 * the contact, no longer points at a person.
 */
export async function deleteCitizenData(db: Db, feedbackIds: readonly number[], reason: 'request' | 'retention', now: Date): Promise<CitizenDataDeleted> {
  if (feedbackIds.length === 0) return { contactsDeleted: 0, attachmentsDeleted: 0 };
  const ids = [...feedbackIds];
  return db.transaction(async (tx) => {
    const contacts = await tx.delete(feedbackContacts).where(inArray(feedbackContacts.feedbackId, ids)).returning({ id: feedbackContacts.feedbackId });
    const attachments = await tx.delete(feedbackAttachments).where(inArray(feedbackAttachments.feedbackId, ids)).returning({ id: feedbackAttachments.id });
    await tx
      .update(feedback)
      .set({ contactDeletedAt: now, contactDeletedReason: reason })
      .where(and(inArray(feedback.id, ids), isNull(feedback.contactDeletedAt)));
    return { contactsDeleted: contacts.length, attachmentsDeleted: attachments.length };
  });
}

/** Returns up to `limit` submissions made before the cutoff that still hold a contact or attachments. */
export async function listFeedbackWithExpiredContacts(db: Db, cutoff: Date, limit: number): Promise<number[]> {
  const rows = await db
    .select({ id: feedback.id })
    .from(feedback)
    .where(
      and(
        lt(feedback.createdAt, cutoff),
        or(
          sql`exists (select 1 from ${feedbackContacts} where ${feedbackContacts.feedbackId} = ${feedback.id})`,
          sql`exists (select 1 from ${feedbackAttachments} where ${feedbackAttachments.feedbackId} = ${feedback.id})`,
        ),
      ),
    )
    .orderBy(feedback.id)
    .limit(limit);
  return rows.map((row) => Number(row.id));
}

/** What a data-subject request did, as logged. */
export interface NewDataRequestLog {
  kind: DataRequestKind;
  foundBy: DataRequestFoundBy;
  submissionsFound: number;
  contactsDeleted: number;
  performedBy: number | null;
  note?: string | null;
}

/** Logs a data-subject request (never the receipt or contact searched); returns its id. */
export async function recordDataRequest(db: Db, entry: NewDataRequestLog): Promise<number> {
  const [row] = await db
    .insert(dataSubjectRequests)
    .values({ ...entry, note: entry.note ?? null })
    .returning({ id: dataSubjectRequests.id });
  if (!row) throw new Error('db: insert into data_subject_requests returned no row');
  return row.id;
}

/** Returns the logged data-subject requests, newest first. */
export async function listDataRequests(db: Db, limit = 200): Promise<DataRequestLogEntry[]> {
  const rows = await db
    .select({
      id: dataSubjectRequests.id,
      kind: dataSubjectRequests.kind,
      foundBy: dataSubjectRequests.foundBy,
      submissionsFound: dataSubjectRequests.submissionsFound,
      contactsDeleted: dataSubjectRequests.contactsDeleted,
      performedBy: dataSubjectRequests.performedBy,
      performedByName: users.username,
      note: dataSubjectRequests.note,
      at: dataSubjectRequests.at,
    })
    .from(dataSubjectRequests)
    .leftJoin(users, eq(users.id, dataSubjectRequests.performedBy))
    .orderBy(desc(dataSubjectRequests.at), desc(dataSubjectRequests.id))
    .limit(limit);
  return rows;
}

/** One submission in the export, with the contact only so the caller can pseudonymise it. */
export interface FeedbackExportRow {
  id: number;
  itemId: number;
  createdAt: Date;
  receivedAt: Date | null;
  channel: FeedbackChannel | null;
  topic: string | null;
  residentialGroup: string | null;
  school: string | null;
  status: ItemStatus;
  content: string;
  isPublic: boolean;
  contactDeletedAt: Date | null;
  name: string | null;
  contact: string | null;
}

/** Returns the submissions made in [from, to), oldest first (at most `limit`). */
export async function listFeedbackForExport(db: Db, range: { from?: Date; to?: Date; limit?: number } = {}): Promise<FeedbackExportRow[]> {
  const conditions = [];
  // gte, not a raw sql`>=`: the column maps the Date for the driver (postgres.js refuses a bare Date parameter).
  if (range.from) conditions.push(gte(feedback.createdAt, range.from));
  if (range.to) conditions.push(lt(feedback.createdAt, range.to));
  const rows = await db
    .select({
      id: feedback.id,
      itemId: feedback.itemId,
      createdAt: feedback.createdAt,
      receivedAt: feedback.receivedAt,
      channel: feedback.channel,
      topic: feedback.topic,
      residentialGroup: feedback.residentialGroup,
      school: feedback.school,
      status: items.status,
      content: items.body,
      isPublic: feedback.isPublic,
      contactDeletedAt: feedback.contactDeletedAt,
      name: feedbackContacts.name,
      contact: feedbackContacts.contact,
    })
    .from(feedback)
    .innerJoin(items, eq(items.id, feedback.itemId))
    .leftJoin(feedbackContacts, eq(feedbackContacts.feedbackId, feedback.id))
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(feedback.createdAt, feedback.id)
    .limit(range.limit ?? 50_000);
  return rows.map((row) => ({ ...row, id: Number(row.id), itemId: Number(row.itemId), status: row.status as ItemStatus }));
}

/** A data-subject request to carry out: found by exactly one of receipt or contact. */
export interface DataRequestInput {
  kind: DataRequestKind;
  receipt?: string | null;
  contact?: string | null;
  performedBy: number | null;
  now: Date;
}

/** What a request answered: the citizen's data (access), or what was deleted (deletion). */
export interface DataRequestOutcome {
  logId: number;
  kind: DataRequestKind;
  foundBy: DataRequestFoundBy;
  submissionsFound: number;
  contactsDeleted: number;
  attachmentsDeleted: number;
  /** For `access` only: every found submission with the contact and the attachments' descriptions. */
  submissions: FeedbackDetail[];
}

/**
 * Finds the citizen's submissions, shows (access) or deletes (deletion) their personal data, and
 * logs the request with counts only: the receipt or contact searched is not kept anywhere. One
 * transaction: what is shown or deleted is what was found, and the log is there exactly when the
 * deletion is.
 */
export async function carryOutDataRequest(db: Db, input: DataRequestInput): Promise<DataRequestOutcome> {
  const foundBy: DataRequestFoundBy = input.receipt ? 'receipt' : 'contact';
  return db.transaction(async (transaction) => {
    const tx = transaction as unknown as Db;
    const ids = input.receipt ? await findFeedbackIdsByReceipt(tx, input.receipt) : await findFeedbackIdsByContact(tx, input.contact ?? '');
    let submissions: FeedbackDetail[] = [];
    let deleted: CitizenDataDeleted = { contactsDeleted: 0, attachmentsDeleted: 0 };
    if (input.kind === 'access') submissions = await getFeedbackDetails(tx, ids);
    else deleted = await deleteCitizenData(tx, ids, 'request', input.now);
    const logId = await recordDataRequest(tx, {
      kind: input.kind,
      foundBy,
      submissionsFound: ids.length,
      contactsDeleted: deleted.contactsDeleted,
      performedBy: input.performedBy,
      note: input.kind === 'deletion' ? `attachments_deleted=${deleted.attachmentsDeleted}` : null,
    });
    return { logId, kind: input.kind, foundBy, submissionsFound: ids.length, ...deleted, submissions };
  });
}

/** What one retention pass removed. */
export interface RetentionOutcome extends CitizenDataDeleted {
  cutoff: string;
  submissions: number;
}

/** Deletes the contacts and attachments of submissions made before the cutoff, in batches; marks them `retention`. */
export async function deleteContactDataBefore(db: Db, cutoff: Date, now: Date, batchSize = 500): Promise<RetentionOutcome> {
  const outcome: RetentionOutcome = { cutoff: cutoff.toISOString(), submissions: 0, contactsDeleted: 0, attachmentsDeleted: 0 };
  for (;;) {
    const ids = await listFeedbackWithExpiredContacts(db, cutoff, batchSize);
    if (ids.length === 0) return outcome;
    const deleted = await deleteCitizenData(db, ids, 'retention', now);
    outcome.submissions += ids.length;
    outcome.contactsDeleted += deleted.contactsDeleted;
    outcome.attachmentsDeleted += deleted.attachmentsDeleted;
    if (ids.length < batchSize) return outcome;
  }
}

/** Returns the retention period in days (setting `privacy.retention`, default DEFAULT_RETENTION_DAYS). */
export async function getRetentionDays(db: Db): Promise<number> {
  return withDefaultRetention(await getSetting<unknown>(db, RETENTION_SETTING, { days: DEFAULT_RETENTION_DAYS })).days;
}
