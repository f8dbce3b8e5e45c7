// The weekly summary's figures, aggregated in SQL over one week of items; its stored snapshots; the
// week's items for CSV/XLSX export (never the citizens' contacts).
//
// Definitions every figure shares:
// - An item belongs to the week its `sort_at` (published, else collected) falls in — the same time
//   the queue's date filters use, so a leader who opens the queue for those days sees the same items.
// - A story is the item's cluster, or the item alone while it has no cluster:
//   `coalesce(cluster_id, -id)` (cluster ids and item ids are both positive, so the keys never collide).
//   A story is counted once per row of a breakdown (a story in three papers is one story per day,
//   and one story for each of the three sources).
import { eq, sql, type SQL } from 'drizzle-orm';
import type { ItemStatus, Verdict } from '../../domain/item.ts';
import type { ResponseChannel, ResponseKind } from '../../domain/response.ts';
import type { Db } from '../client.ts';
import { weeklyReports } from '../schema.ts';

/** The instants a week spans: from (inclusive) to (exclusive). */
export interface WeekRange {
  from: Date;
  to: Date;
}

/** Items and stories of one row of a breakdown. */
export interface CountRow {
  items: number;
  stories: number;
}

/** Stories of a week by sentiment: negative when any copy is labelled negative, else positive when any is positive, else neutral. */
export interface SentimentRow {
  stories: number;
  negative: number;
  positive: number;
}

/** A story picked for the summary's lists, with its representative (first collected copy of the week). */
export interface StoryRow {
  story: number;
  copies: number;
  representativeId: number;
  topPriority: number;
}

/** One copy of a picked story. */
export interface StoryItemRow {
  story: number;
  id: number;
  title: string;
  url: string | null;
  sourceName: string;
  labels: string[];
  status: ItemStatus;
  verdict: Verdict | null;
}

/** A response recorded for a copy of a picked story. */
export interface StoryResponseRow {
  itemId: number;
  kind: ResponseKind;
  channel: ResponseChannel;
  respondedAt: Date;
  link: string | null;
}

/** Everything the weekly summary is computed from. */
export interface WeeklyFigureRows {
  totals: CountRow & { flaggedStories: number };
  /** Day 0 is Monday; days without items are absent. */
  byDay: Array<{ day: number } & CountRow>;
  bySource: Array<{ sourceId: number; sourceName: string } & CountRow>;
  byTopic: Array<{ topic: string } & CountRow>;
  sentiment: SentimentRow;
  previousSentiment: SentimentRow;
  /** Negative or misleading stories (not dismissed as a false positive or not relevant), highest priority first. */
  concerns: StoryRow[];
  /** How many stories are concerns (the list holds at most `listLimit`). */
  concernTotal: number;
  /** Stories with a positive copy and no flagged one, most copies first. */
  positives: StoryRow[];
  positiveTotal: number;
  storyItems: StoryItemRow[];
  storyResponses: StoryResponseRow[];
  /** Responses recorded during the week, by channel, most first. */
  responsesByChannel: Array<{ channel: ResponseChannel; count: number }>;
  responseTime: { responded: number; medianHours: number | null; withinDeadline: number; overdue: number };
  /** MTTQ feedback of the week by its item's status. */
  feedbackByStatus: Array<{ status: ItemStatus; count: number }>;
}

// postgres.js returns the rows as an array, PGlite as `{ rows }`.
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];
}

async function select<T>(db: Db, query: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

// Counts may come back as strings (bigint) from one driver and numbers from the other.
const num = (value: unknown): number => Number(value ?? 0);
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** The week's items (only the columns the figures read) with their story key; every aggregate starts from it. */
function weekItems(range: WeekRange): SQL {
  return sql`select i.id, i.source_id, i.labels, i.status, i.dismiss_reason, i.priority, i.sort_at, i.collected_at, i.due_at,
      coalesce(i.cluster_id, -i.id) as story
    from items i where i.sort_at >= ${range.from.toISOString()}::timestamptz and i.sort_at < ${range.to.toISOString()}::timestamptz`;
}

const FLAGGED = sql`array['misinformation','negative','offensive']::text[]`;
const CONCERN = sql`(w.labels && array['negative','misinformation']::text[]
  and not (w.status = 'dismissed' and coalesce(w.dismiss_reason, '') in ('false_positive', 'not_relevant')))`;

/** Returns the topic of an item: the feedback form's topic, else its strongest label, else `other`. */
const TOPIC = sql`coalesce(nullif(btrim(f.topic), ''),
  case when 'misinformation' = any(w.labels) then 'misinformation'
       when 'negative' = any(w.labels) then 'negative'
       when 'offensive' = any(w.labels) then 'offensive'
       when 'positive' = any(w.labels) then 'positive'
       when 'relevant' = any(w.labels) then 'relevant'
       else 'other' end)`;

/** Returns the rows the weekly summary is computed from; `now` bounds what counts as overdue. */
export async function loadWeeklyFigures(
  db: Db,
  week: WeekRange,
  previous: WeekRange,
  options: { now: Date; listLimit?: number },
): Promise<WeeklyFigureRows> {
  const limit = options.listLimit ?? 10;
  const from = week.from.toISOString();
  const to = week.to.toISOString();
  const w = weekItems(week);

  // One pass over the week for the totals and every breakdown (grouping sets), feedback by status included.
  const breakdowns = await select<Record<string, unknown>>(
    db,
    sql`with w as (${w}),
      x as (select w.story, w.labels, w.status, w.source_id, s.name as source_name, f.id as feedback_id,
              (floor(extract(epoch from (w.sort_at - ${from}::timestamptz)))::bigint / 86400)::int as day, ${TOPIC} as topic
            from w join sources s on s.id = w.source_id left join feedback f on f.item_id = w.id)
      select grouping(day) as g_day, grouping(source_id) as g_source, grouping(topic) as g_topic, grouping(status) as g_status,
        day, source_id, source_name, topic, status,
        count(*)::int as items, count(distinct story)::int as stories,
        count(distinct story) filter (where labels && ${FLAGGED})::int as flagged,
        count(feedback_id)::int as feedback
      from x group by grouping sets ((), (day), (source_id, source_name), (topic), (status))`,
  );
  const isSet = (row: Record<string, unknown>, set: 'day' | 'source' | 'topic' | 'status' | 'total') => {
    const grouped = { day: num(row.g_day) === 0, source: num(row.g_source) === 0, topic: num(row.g_topic) === 0, status: num(row.g_status) === 0 };
    if (set === 'total') return !grouped.day && !grouped.source && !grouped.topic && !grouped.status;
    return grouped[set];
  };
  const totals = breakdowns.find((row) => isSet(row, 'total'));
  const byDay = breakdowns.filter((row) => isSet(row, 'day')).sort((a, b) => num(a.day) - num(b.day));
  const bySource = breakdowns
    .filter((row) => isSet(row, 'source'))
    .sort((a, b) => num(b.items) - num(a.items) || String(a.source_name).localeCompare(String(b.source_name)) || num(a.source_id) - num(b.source_id));
  const byTopic = breakdowns
    .filter((row) => isSet(row, 'topic'))
    .sort((a, b) => num(b.items) - num(a.items) || (String(a.topic) < String(b.topic) ? -1 : String(a.topic) > String(b.topic) ? 1 : 0));
  const feedbackByStatus = breakdowns
    .filter((row) => isSet(row, 'status') && num(row.feedback) > 0)
    .map((row) => ({ status: row.status as ItemStatus, count: num(row.feedback) }));

  // Both weeks in one pass: a story told in both weeks counts in each.
  const sentimentRows = await select<Record<string, unknown>>(
    db,
    sql`with w as (select coalesce(i.cluster_id, -i.id) as story, i.labels, i.sort_at >= ${from}::timestamptz as current
          from items i where i.sort_at >= ${previous.from.toISOString()}::timestamptz and i.sort_at < ${to}::timestamptz),
        s as (select current, story, bool_or('negative' = any(labels)) as negative, bool_or('positive' = any(labels)) as positive
          from w group by current, story)
      select current, count(*)::int as stories, count(*) filter (where negative)::int as negative,
        count(*) filter (where positive and not negative)::int as positive from s group by current`,
  );
  const sentimentOf = (current: boolean): SentimentRow => {
    const row = sentimentRows.find((entry) => [true, 't', 'true'].includes(entry.current as never) === current);
    return { stories: num(row?.stories), negative: num(row?.negative), positive: num(row?.positive) };
  };

  // The stories for the two lists, from one per-story aggregate.
  const picked = await select<Record<string, unknown>>(
    db,
    sql`with w as (${w}),
      s as (select w.story, count(*)::int as copies, max(w.priority)::int as top_priority,
              (array_agg(w.id order by w.collected_at, w.id))[1] as representative_id,
              bool_or(${CONCERN}) as concern, bool_or('positive' = any(w.labels)) as positive, bool_or(w.labels && ${FLAGGED}) as flagged
            from w group by w.story)
      (select 'concern' as list, story, copies, top_priority, representative_id, count(*) over () as total from s where concern
        order by top_priority desc, copies desc, representative_id limit ${limit})
      union all
      (select 'positive' as list, story, copies, top_priority, representative_id, count(*) over () as total from s where positive and not flagged
        order by copies desc, representative_id limit ${limit})`,
  );
  const toStory = (row: Record<string, unknown>): StoryRow => ({
    story: num(row.story),
    copies: num(row.copies),
    representativeId: num(row.representative_id),
    topPriority: num(row.top_priority),
  });
  const concerns = picked.filter((row) => row.list === 'concern');
  const positives = picked.filter((row) => row.list === 'positive');

  let storyItems: StoryItemRow[] = [];
  let storyResponses: StoryResponseRow[] = [];
  if (picked.length > 0) {
    const storyList = sql.join(
      picked.map((row) => sql`${num(row.story)}::bigint`),
      sql`, `,
    );
    const rows = await select<Record<string, unknown>>(
      db,
      sql`with w as (${w}) select w.story, w.id, i.title, i.url, s.name as source_name, w.labels, w.status, i.verdict
        from w join items i on i.id = w.id join sources s on s.id = w.source_id
        where w.story in (${storyList}) order by w.collected_at, w.id`,
    );
    storyItems = rows.map((row) => ({
      story: num(row.story),
      id: num(row.id),
      title: String(row.title),
      url: (row.url as string | null) ?? null,
      sourceName: String(row.source_name),
      labels: parseTextArray(row.labels),
      status: row.status as ItemStatus,
      verdict: (row.verdict as Verdict | null) ?? null,
    }));
    const ids = sql.join(
      storyItems.map((item) => sql`${item.id}::bigint`),
      sql`, `,
    );
    const responseRows = await select<Record<string, unknown>>(
      db,
      sql`select item_id, kind, channel, extract(epoch from responded_at) * 1000 as responded_ms, link
        from responses where item_id in (${ids}) order by responded_at, id`,
    );
    storyResponses = responseRows.map((row) => ({
      itemId: num(row.item_id),
      kind: row.kind as ResponseKind,
      channel: row.channel as ResponseChannel,
      respondedAt: new Date(num(row.responded_ms)),
      link: (row.link as string | null) ?? null,
    }));
  }

  const responsesByChannel = await select<Record<string, unknown>>(
    db,
    sql`select channel, count(*)::int as count from responses
      where responded_at >= ${from}::timestamptz and responded_at < ${to}::timestamptz
      group by channel order by count desc, channel`,
  );
  // Overdue is measured at the end of the week, or now while the week is still running.
  const overdueAt = new Date(Math.min(week.to.getTime(), options.now.getTime())).toISOString();
  const [time] = await select<Record<string, unknown>>(
    db,
    sql`with w as (${w}),
      first_response as (
        select w.id, w.collected_at, w.due_at, min(r.responded_at) as first_at
        from w join responses r on r.item_id = w.id where w.due_at is not null group by w.id, w.collected_at, w.due_at)
      select count(*)::int as responded,
        percentile_cont(0.5) within group (order by extract(epoch from (first_at - collected_at)) / 3600) as median_hours,
        count(*) filter (where first_at <= due_at)::int as within_deadline,
        (select count(*)::int from w where w.status in ('new', 'in_review') and w.due_at is not null
           and w.due_at < ${overdueAt}::timestamptz) as overdue
      from first_response`,
  );

  return {
    totals: { items: num(totals?.items), stories: num(totals?.stories), flaggedStories: num(totals?.flagged) },
    byDay: byDay.map((row) => ({ day: num(row.day), items: num(row.items), stories: num(row.stories) })),
    bySource: bySource.map((row) => ({
      sourceId: num(row.source_id),
      sourceName: String(row.source_name),
      items: num(row.items),
      stories: num(row.stories),
    })),
    byTopic: byTopic.map((row) => ({ topic: String(row.topic), items: num(row.items), stories: num(row.stories) })),
    sentiment: sentimentOf(true),
    previousSentiment: sentimentOf(false),
    concerns: concerns.map(toStory),
    concernTotal: num(concerns[0]?.total),
    positives: positives.map(toStory),
    positiveTotal: num(positives[0]?.total),
    storyItems,
    storyResponses,
    responsesByChannel: responsesByChannel.map((row) => ({ channel: row.channel as ResponseChannel, count: num(row.count) })),
    responseTime: {
      responded: num(time?.responded),
      medianHours: numOrNull(time?.median_hours),
      withinDeadline: num(time?.within_deadline),
      overdue: num(time?.overdue),
    },
    feedbackByStatus,
  };
}

// A text[] arrives as an array from both drivers, or as its literal `{a,b}` if a driver leaves it unparsed.
function parseTextArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string' && value.startsWith('{') && value.endsWith('}')) {
    const inner = value.slice(1, -1);
    return inner === '' ? [] : inner.split(',').map((part) => part.replace(/^"|"$/g, ''));
  }
  return [];
}

/** One item of the week as exported to CSV/XLSX: no body, no receipt code, no citizen's name or contact. */
export interface WeekItemRow {
  id: number;
  sortAt: Date;
  collectedAt: Date;
  sourceName: string;
  sourceKind: string;
  title: string;
  url: string | null;
  labels: string[];
  priority: number;
  status: ItemStatus;
  verdict: Verdict | null;
  /** The story the item belongs to: `c<cluster id>`, or `i<item id>` alone. */
  story: string;
  dueAt: Date | null;
  firstResponseAt: Date | null;
  responses: number;
  feedbackTopic: string | null;
}

/** Returns the week's items, oldest first, for export. */
export async function listWeekItems(db: Db, week: WeekRange): Promise<WeekItemRow[]> {
  const rows = await select<Record<string, unknown>>(
    db,
    sql`with w as (select * from items i where i.sort_at >= ${week.from.toISOString()}::timestamptz and i.sort_at < ${week.to.toISOString()}::timestamptz)
      select w.id, extract(epoch from w.sort_at) * 1000 as sort_ms, extract(epoch from w.collected_at) * 1000 as collected_ms,
        s.name as source_name, s.kind as source_kind, w.title, w.url, w.labels, w.priority, w.status, w.verdict, w.cluster_id,
        extract(epoch from w.due_at) * 1000 as due_ms,
        (select extract(epoch from min(r.responded_at)) * 1000 from responses r where r.item_id = w.id) as first_response_ms,
        (select count(*)::int from responses r where r.item_id = w.id) as responses,
        f.topic as feedback_topic
      from w join sources s on s.id = w.source_id left join feedback f on f.item_id = w.id
      order by w.sort_at, w.id`,
  );
  const date = (value: unknown) => (value === null || value === undefined ? null : new Date(num(value)));
  return rows.map((row) => ({
    id: num(row.id),
    sortAt: new Date(num(row.sort_ms)),
    collectedAt: new Date(num(row.collected_ms)),
    sourceName: String(row.source_name),
    sourceKind: String(row.source_kind),
    title: String(row.title),
    url: (row.url as string | null) ?? null,
    labels: parseTextArray(row.labels),
    priority: num(row.priority),
    status: row.status as ItemStatus,
    verdict: (row.verdict as Verdict | null) ?? null,
    story: row.cluster_id === null || row.cluster_id === undefined ? `i${num(row.id)}` : `c${num(row.cluster_id)}`,
    dueAt: date(row.due_ms),
    firstResponseAt: date(row.first_response_ms),
    responses: num(row.responses),
    feedbackTopic: (row.feedback_topic as string | null) ?? null,
  }));
}

/** A stored weekly snapshot. */
export interface WeeklySnapshot {
  week: string;
  summary: unknown;
  generatedAt: Date;
  deliveredAt: Date | null;
  deliveryError: string | null;
}

/** Returns the stored snapshot of the week, or null. */
export async function getWeeklySnapshot(db: Db, week: string): Promise<WeeklySnapshot | null> {
  const [row] = await db.select().from(weeklyReports).where(eq(weeklyReports.week, week));
  return row ?? null;
}

/** Stores the week's snapshot unless one exists; returns true when this call stored it. */
export async function insertWeeklySnapshot(db: Db, week: string, summary: unknown, generatedAt: Date): Promise<boolean> {
  const rows = await db
    .insert(weeklyReports)
    .values({ week, summary, generatedAt })
    .onConflictDoNothing({ target: weeklyReports.week })
    .returning({ week: weeklyReports.week });
  return rows.length > 0;
}

/** Replaces the week's snapshot (an administrator regenerating it on purpose); delivery starts over. */
export async function replaceWeeklySnapshot(db: Db, week: string, summary: unknown, generatedAt: Date): Promise<void> {
  await db
    .insert(weeklyReports)
    .values({ week, summary, generatedAt })
    .onConflictDoUpdate({ target: weeklyReports.week, set: { summary, generatedAt, deliveredAt: null, deliveryError: null } });
}

/** Records the outcome of delivering the week's snapshot: delivered now, or the error. */
export async function recordSnapshotDelivery(db: Db, week: string, outcome: { deliveredAt: Date } | { error: string }): Promise<void> {
  await db
    .update(weeklyReports)
    .set('error' in outcome ? { deliveryError: outcome.error.slice(0, 1000) } : { deliveredAt: outcome.deliveredAt, deliveryError: null })
    .where(eq(weeklyReports.week, week));
}
