// The database tables: the single source of truth for items, sources, users and the triage log.
import { sql } from 'drizzle-orm';
import {
  bigserial,
  real,
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { Classification, Label, RuleCategory } from '../domain/classification.ts';
import type { StaffRuleKind } from '../domain/rule.ts';
import type { DismissReason, ItemStatus, Verdict } from '../domain/item.ts';
import type { HtmlSelectors, SourceKind } from '../domain/source.ts';
import type { RevisionChange } from '../domain/revision.ts';
import type { ResponseChannel, ResponseKind } from '../domain/response.ts';
import type { FeedbackChannel } from '../domain/feedback.ts';
import type { Role } from '../domain/user.ts';

/** Binary data (attachments): bytea, read and written as a Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array)),
});

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const sources = pgTable('sources', {
  id: serial('id').primaryKey(),
  kind: text('kind').$type<SourceKind>().notNull(),
  name: text('name').notNull(),
  url: text('url'),
  selectors: jsonb('selectors').$type<HtmlSelectors>(),
  enabled: boolean('enabled').notNull().default(true),
  pollIntervalSeconds: integer('poll_interval_seconds').notNull().default(900),
  etag: text('etag'),
  lastModified: text('last_modified'),
  contentHash: text('content_hash'),
  lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
  lastErrorAt: timestamp('last_error_at', { withTimezone: true }),
  lastError: text('last_error'),
  lastErrorCode: text('last_error_code'),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  /** When the current run of failures began; a source failing for days is paused, never silently. */
  failingSince: timestamp('failing_since', { withTimezone: true }),
  nextFetchAt: timestamp('next_fetch_at', { withTimezone: true }),
  createdAt: createdAt(),
});

export const items = pgTable(
  'items',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id, { onDelete: 'restrict' }),
    /** guid, else canonical URL, else content hash — hashed; unique per source. */
    keyHash: text('key_hash').notNull(),
    url: text('url'),
    title: text('title').notNull(),
    body: text('body').notNull(),
    author: text('author'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    collectedAt: timestamp('collected_at', { withTimezone: true }).notNull().defaultNow(),
    /** published_at, else collected_at: the time the queue sorts and filters on. */
    sortAt: timestamp('sort_at', { withTimezone: true }).notNull(),
    /** Title and body folded (lowercase, no diacritics) for search with or without diacritics. */
    searchText: text('search_text').notNull(),
    contentHash: text('content_hash').notNull(),
    labels: text('labels').array().$type<Label[]>().notNull().default(sql`'{}'::text[]`),
    classification: jsonb('classification').$type<Classification>(),
    classifierVersion: text('classifier_version'),
    priority: integer('priority').notNull().default(0),
    status: text('status').$type<ItemStatus>().notNull().default('new'),
    verdict: text('verdict').$type<Verdict>(),
    dismissReason: text('dismiss_reason').$type<DismissReason>(),
    assigneeId: integer('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    dueAt: timestamp('due_at', { withTimezone: true }),
    /** The near-duplicate cluster (the same story in several sources); null until clustered. */
    clusterId: bigint('cluster_id', { mode: 'number' }),
    /** 64-bit SimHash of the folded syllable shingles, as a signed bigint, for near-duplicate search. */
    simhash: bigint('simhash', { mode: 'bigint' }),
    /** What became of the article at its source: `edited` or `removed`; null while unchanged. */
    revisionState: text('revision_state').$type<'edited' | 'removed'>(),
    /** Until when the article's URL is re-fetched to notice corrections and takedowns. */
    recheckUntil: timestamp('recheck_until', { withTimezone: true }),
    lastCheckedAt: timestamp('last_checked_at', { withTimezone: true }),
    /** Bumped on every triage change; a stale edit is refused with a conflict. */
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('items_source_key_unique').on(t.sourceId, t.keyHash),
    // The default triage queue: open items, flagged first, newest first.
    index('items_open_priority_idx')
      .on(t.priority.desc().nullsFirst(), t.sortAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`status in ('new', 'in_review')`),
    index('items_status_priority_idx').on(t.status, t.priority.desc().nullsFirst(), t.sortAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('items_priority_idx').on(t.priority.desc().nullsFirst(), t.sortAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('items_sort_at_idx').on(t.sortAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('items_source_sort_idx').on(t.sourceId, t.sortAt.desc().nullsFirst()),
    index('items_labels_idx').using('gin', t.labels),
    index('items_search_trgm_idx').using('gin', t.searchText.op('gin_trgm_ops')),
    index('items_cluster_idx').on(t.clusterId),
    index('items_recheck_idx').on(t.recheckUntil).where(sql`recheck_until is not null`),
    // The morning digest counts what was collected since the last one (about a day of a long backlog).
    index('items_collected_at_idx').on(t.collectedAt),
    // The overdue view: open items with a response deadline, earliest deadline first (due_at, id as the
    // view sorts and pages); cluster_id too, so the overdue count on every queue page reads the index only.
    index('items_overdue_idx')
      .on(t.dueAt, t.id, t.clusterId)
      .where(sql`status in ('new', 'in_review') and due_at is not null`),
  ],
);

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  role: text('role').$type<Role>().notNull(),
  disabled: boolean('disabled').notNull().default(false),
  createdAt: createdAt(),
});

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 of the cookie's session id: a database leak does not hand out live sessions. */
    idHash: text('id_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Append-only log of every triage change. */
export const triageEvents = pgTable(
  'triage_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: bigint('item_id', { mode: 'number' })
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    field: text('field').notNull(),
    fromValue: text('from_value'),
    toValue: text('to_value'),
    note: text('note'),
  },
  (t) => [index('triage_events_item_idx').on(t.itemId, t.at)],
);

/** Staff-authored rules, compiled into one matcher with the seed rules. */
export const rules = pgTable('rules', {
  id: serial('id').primaryKey(),
  kind: text('kind').$type<StaffRuleKind>().notNull(),
  category: text('category').$type<RuleCategory>().notNull(),
  pattern: text('pattern').notNull().default(''),
  terms: text('terms').array().$type<string[]>().notNull().default(sql`'{}'::text[]`),
  windowWords: integer('window_words'),
  weight: real('weight').notNull().default(1),
  enabled: boolean('enabled').notNull().default(true),
  note: text('note'),
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The register of known claims: statement, verdict and the correction to point people to. */
export const claims = pgTable('claims', {
  id: serial('id').primaryKey(),
  statement: text('statement').notNull(),
  verdict: text('verdict').$type<Verdict>().notNull(),
  correction: text('correction'),
  references: text('references').array().$type<string[]>().notNull().default(sql`'{}'::text[]`),
  enabled: boolean('enabled').notNull().default(true),
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Settings staff change at run time (the ward's gazetteer …), one JSON value per key. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Near-duplicate items across sources: one story, one case. */
export const clusters = pgTable('clusters', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  /** The item shown for the cluster in the queue (the first collected). */
  representativeItemId: bigint('representative_item_id', { mode: 'number' }).notNull(),
  size: integer('size').notNull().default(1),
  firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
});

/** What an article looked like each time it changed at its source (corrections, takedowns). */
export const itemRevisions = pgTable(
  'item_revisions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: bigint('item_id', { mode: 'number' })
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }).notNull().defaultNow(),
    change: text('change').$type<RevisionChange>().notNull(),
    httpStatus: integer('http_status'),
    title: text('title'),
    body: text('body'),
  },
  (t) => [index('item_revisions_item_idx').on(t.itemId, t.fetchedAt)],
);

/** One upload of feedback gathered elsewhere (CSV/XLSX), with its progress and row errors. */
export const imports = pgTable('imports', {
  id: serial('id').primaryKey(),
  sourceId: integer('source_id')
    .notNull()
    .references(() => sources.id, { onDelete: 'restrict' }),
  filename: text('filename').notNull(),
  status: text('status').$type<'pending' | 'running' | 'done' | 'failed'>().notNull().default('pending'),
  totalRows: integer('total_rows').notNull().default(0),
  processedRows: integer('processed_rows').notNull().default(0),
  stored: integer('stored').notNull().default(0),
  skipped: integer('skipped').notNull().default(0),
  errors: jsonb('errors').$type<Array<{ line: number; field?: string; code: string; message: string }>>().notNull().default(sql`'[]'::jsonb`),
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/** What was done about an item: kind, channel, text, link, when and by whom. */
export const responses = pgTable(
  'responses',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: bigint('item_id', { mode: 'number' })
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<ResponseKind>().notNull(),
    channel: text('channel').$type<ResponseChannel>().notNull(),
    text: text('text').notNull(),
    /** http(s) only: checked when recorded. */
    link: text('link'),
    respondedAt: timestamp('responded_at', { withTimezone: true }).notNull().defaultNow(),
    escalatedTo: text('escalated_to'),
    dueAt: timestamp('due_at', { withTimezone: true }),
    /** The escalation's answer from the body it went to, recorded later. */
    answer: text('answer'),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('responses_item_idx').on(t.itemId, t.respondedAt)],
);

/** An opinion a citizen gave the Fatherland Front (MTTQ), passed to the ward as an item. */
export const feedback = pgTable(
  'feedback',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: bigint('item_id', { mode: 'number' })
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    /** The code given to whoever submitted it, to follow it up. */
    receipt: text('receipt').notNull().unique(),
    /** A client's retry with the same key (same submitter) answers the first submission. */
    idempotencyKey: text('idempotency_key'),
    submittedBy: integer('submitted_by').references(() => users.id, { onDelete: 'set null' }),
    topic: text('topic'),
    residentialGroup: text('residential_group'),
    school: text('school'),
    channel: text('channel').$type<FeedbackChannel>(),
    receivedAt: timestamp('received_at', { withTimezone: true }),
    consentVersion: text('consent_version').notNull(),
    consentGivenAt: timestamp('consent_given_at', { withTimezone: true }).notNull(),
    /** Sent through the public form (no login) rather than by an MTTQ officer. */
    isPublic: boolean('is_public').notNull().default(false),
    /** When the citizen's contact was deleted, and why (`retention` or `request`); the data is gone. */
    contactDeletedAt: timestamp('contact_deleted_at', { withTimezone: true }),
    contactDeletedReason: text('contact_deleted_reason').$type<'retention' | 'request'>(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('feedback_idempotency_unique').on(t.submittedBy, t.idempotencyKey),
    index('feedback_submitter_idx').on(t.submittedBy, t.createdAt),
    index('feedback_item_idx').on(t.itemId),
  ],
);

/** The citizen's name and contact, kept apart from the opinion: personal data, for admin and staff only. */
export const feedbackContacts = pgTable('feedback_contacts', {
  feedbackId: bigint('feedback_id', { mode: 'number' })
    .primaryKey()
    .references(() => feedback.id, { onDelete: 'cascade' }),
  name: text('name'),
  contact: text('contact'),
  createdAt: createdAt(),
});

/** A file attached to a feedback submission (image or PDF), checked by content and size before it is kept. */
export const feedbackAttachments = pgTable(
  'feedback_attachments',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    feedbackId: bigint('feedback_id', { mode: 'number' })
      .notNull()
      .references(() => feedback.id, { onDelete: 'cascade' }),
    /** The name the uploader gave, cleaned; never used as a path. */
    filename: text('filename').notNull(),
    /** The type found by reading the content (magic bytes), not the one the client claimed. */
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    data: bytea('data').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('feedback_attachments_feedback_idx').on(t.feedbackId)],
);

/** A citizen's request to see or delete their data: what was done, never the data itself. */
export const dataSubjectRequests = pgTable('data_subject_requests', {
  id: serial('id').primaryKey(),
  kind: text('kind').$type<'access' | 'deletion'>().notNull(),
  /** How the submissions were found: by receipt code or by contact (the value itself is not kept). */
  foundBy: text('found_by').$type<'receipt' | 'contact'>().notNull(),
  submissionsFound: integer('submissions_found').notNull().default(0),
  contactsDeleted: integer('contacts_deleted').notNull().default(0),
  performedBy: integer('performed_by').references(() => users.id, { onDelete: 'set null' }),
  note: text('note'),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
});

/** A named queue filter a staff member keeps for the daily pass. */
export const savedViews = pgTable(
  'saved_views',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The queue's query string (status, label, q, …) as the queue page reads it. */
    query: text('query').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('saved_views_user_name_unique').on(t.userId, t.name)],
);

/** A ready text for a response, offered for items with a given verdict. */
export const responseTemplates = pgTable('response_templates', {
  id: serial('id').primaryKey(),
  verdict: text('verdict').$type<Verdict>().notNull(),
  kind: text('kind').$type<ResponseKind>().notNull(),
  channel: text('channel').$type<ResponseChannel>().notNull(),
  title: text('title').notNull(),
  text: text('text').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Alerts raised (morning digest, known false claim, surge), each sent once by e-mail and webhook. */
export const alerts = pgTable(
  'alerts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind').$type<'digest' | 'claim_match' | 'surge'>().notNull(),
    /** What makes two alerts the same (e.g. `claim:12:item:345`, `digest:2026-11-28`): raised once. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    itemId: bigint('item_id', { mode: 'number' }).references(() => items.id, { onDelete: 'set null' }),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    /** The queue address the alert links to. */
    link: text('link').notNull(),
    createdAt: createdAt(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [index('alerts_pending_idx').on(t.createdAt).where(sql`delivered_at is null`)],
);

/** The weekly summary for leadership, stored as generated so later edits do not change it. */
export const weeklyReports = pgTable('weekly_reports', {
  /** ISO week in Asia/Ho_Chi_Minh, e.g. `2026-W48`. */
  week: text('week').primaryKey(),
  summary: jsonb('summary').notNull(),
  generatedAt: timestamp('generated_at', { withTimezone: true }).notNull().defaultNow(),
  deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  deliveryError: text('delivery_error'),
});

/**
 * Refused requests worth a supervisor's eye (a stale edit, a stale session, a role without the right,
 * an id of something the user may not see, a cross-site request): who, when, what, why. Append-only;
 * the path is kept without its query string, and no request body.
 */
export const accessDenials = pgTable(
  'access_denials',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    method: text('method').notNull(),
    path: text('path').notNull(),
    status: integer('status').notNull(),
    code: text('code').notNull(),
    /** The item the request named, when it named one (shown in that item's audit trail). */
    itemId: bigint('item_id', { mode: 'number' }),
  },
  (t) => [index('access_denials_at_idx').on(t.at.desc().nullsFirst()), index('access_denials_item_idx').on(t.itemId)],
);
