// The weekly summary for leadership: built from the week's query results by a pure function, its
// narrative written by templates from the figures alone; and the reading of a week (snapshot or live).
import { t, type Locale, type MessageKey } from '../../dashboard/i18n/messages.ts';
import type { Db } from '../db/client.ts';
import { getWeeklySnapshot, loadWeeklyFigures, type SentimentRow, type StoryRow, type WeeklyFigureRows } from '../db/queries/weekly-report.ts';
import { daysOfIsoWeek, previousIsoWeek, type IsoWeek } from '../domain/iso-week.ts';
import { ITEM_STATUSES } from '../domain/item.ts';
import type { Label } from '../domain/classification.ts';
import type { SentimentShares, StorySummary, WeeklySummary } from '../domain/weekly-summary.ts';

const LIST_LIMIT = 10;
const HOUR_MS = 60 * 60 * 1000;
const VIETNAM_OFFSET_MS = 7 * HOUR_MS;

function shares(row: SentimentRow): SentimentShares {
  const neutral = row.stories - row.negative - row.positive;
  const share = (count: number) => (row.stories === 0 ? 0 : count / row.stories);
  return {
    stories: row.stories,
    negative: row.negative,
    positive: row.positive,
    neutral,
    negativeShare: share(row.negative),
    positiveShare: share(row.positive),
    neutralShare: share(neutral),
  };
}

// Percentage points, to one decimal.
const points = (now: number, before: number) => Math.round((now - before) * 1000) / 10;

function stories(rows: readonly StoryRow[], figures: WeeklyFigureRows): StorySummary[] {
  return rows.map((row) => {
    const copies = figures.storyItems.filter((item) => item.story === row.story);
    const representative = copies.find((item) => item.id === row.representativeId) ?? copies[0];
    const copyIds = new Set(copies.map((item) => item.id));
    const labels = [...new Set(copies.flatMap((item) => item.labels))].sort();
    return {
      itemId: row.representativeId,
      title: representative?.title ?? '',
      url: representative?.url ?? null,
      sourceName: representative?.sourceName ?? '',
      copies: row.copies,
      labels: labels as Label[],
      status: representative?.status ?? 'new',
      verdict: representative?.verdict ?? null,
      responses: figures.storyResponses
        .filter((response) => copyIds.has(response.itemId))
        .map((response) => ({
          kind: response.kind,
          channel: response.channel,
          respondedAt: response.respondedAt.toISOString(),
          link: response.link,
        })),
    };
  });
}

function median(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}

/** Returns the summary of the week from its query results (pure: the same rows give the same summary). */
export function buildWeeklySummary(input: {
  week: IsoWeek;
  figures: WeeklyFigureRows;
  generatedAt: Date;
  locale?: Locale;
}): WeeklySummary {
  const { week, figures } = input;
  const days = daysOfIsoWeek(week);
  const sentiment = shares(figures.sentiment);
  const previousSentiment = figures.previousSentiment.stories > 0 ? shares(figures.previousSentiment) : null;
  const time = figures.responseTime;
  const summary: WeeklySummary = {
    week: week.label,
    from: week.from.toISOString(),
    to: week.to.toISOString(),
    generatedAt: input.generatedAt.toISOString(),
    empty: figures.totals.items === 0,
    totals: {
      items: figures.totals.items,
      stories: figures.totals.stories,
      flaggedStories: figures.totals.flaggedStories,
      concernStories: figures.concernTotal,
      positiveStories: figures.positiveTotal,
    },
    byDay: days.map((date, day) => {
      const row = figures.byDay.find((entry) => entry.day === day);
      return { date, items: row?.items ?? 0, stories: row?.stories ?? 0 };
    }),
    bySource: figures.bySource.map((row) => ({ ...row })),
    byTopic: figures.byTopic.map((row) => ({ ...row })),
    sentiment,
    previousSentiment,
    sentimentChange:
      previousSentiment && sentiment.stories > 0
        ? {
            negative: points(sentiment.negativeShare, previousSentiment.negativeShare),
            positive: points(sentiment.positiveShare, previousSentiment.positiveShare),
            neutral: points(sentiment.neutralShare, previousSentiment.neutralShare),
          }
        : null,
    topConcerns: stories(figures.concerns, figures),
    positiveStories: stories(figures.positives, figures),
    responsesByChannel: figures.responsesByChannel.map((row) => ({ ...row })),
    responseTime: {
      responded: time.responded,
      medianHours: time.responded === 0 ? null : median(time.medianHours),
      withinDeadlineShare: time.responded === 0 ? null : time.withinDeadline / time.responded,
      overdue: time.overdue,
    },
    feedback: {
      received: figures.feedbackByStatus.reduce((sum, row) => sum + row.count, 0),
      byStatus: ITEM_STATUSES.map((status) => ({
        status,
        count: figures.feedbackByStatus.find((row) => row.status === status)?.count ?? 0,
      })).filter((row) => row.count > 0),
    },
    narrative: [],
  };
  summary.narrative = writeNarrative(summary, input.locale ?? 'vi');
  return summary;
}

/** Returns a number the Vietnamese way (decimal comma), with at most one decimal. */
export function formatDecimal(value: number, locale: Locale): string {
  const rounded = Math.round(value * 10) / 10;
  const text = Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
  return locale === 'vi' ? text.replace('.', ',') : text;
}

/** Returns a share (0..1) as a percentage number, one decimal at most. */
export function formatPercent(share: number, locale: Locale): string {
  return formatDecimal(share * 100, locale);
}

/** Returns the local date `dd/MM/yyyy` in Vietnam of an instant. */
function localDate(instant: Date): string {
  const [year, month, day] = new Date(instant.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10).split('-');
  return `${day}/${month}/${year}`;
}

/**
 * Returns the narrative: one sentence per figure that exists. A figure whose denominator is zero
 * or that is absent (no previous week, nothing responded) is not mentioned at all.
 */
export function writeNarrative(summary: WeeklySummary, locale: Locale): string[] {
  const say = (key: MessageKey, params?: Record<string, string | number>) => t(locale, key, params).normalize('NFC');
  const from = localDate(new Date(summary.from));
  const to = localDate(new Date(new Date(summary.to).getTime() - 1));
  if (summary.empty) return [say('report.narrative.empty', { week: summary.week, from, to })];

  const paragraphs: string[] = [];
  const overview = [
    say('report.narrative.totals', {
      week: summary.week,
      from,
      to,
      items: summary.totals.items,
      stories: summary.totals.stories,
      flagged: summary.totals.flaggedStories,
    }),
  ];
  const s = summary.sentiment;
  if (s.stories > 0) {
    overview.push(
      say('report.narrative.sentiment', {
        stories: s.stories,
        negative: formatPercent(s.negativeShare, locale),
        positive: formatPercent(s.positiveShare, locale),
        neutral: formatPercent(s.neutralShare, locale),
      }),
    );
  }
  if (summary.sentimentChange && summary.previousSentiment) {
    const change = summary.sentimentChange.negative;
    const previous = formatPercent(summary.previousSentiment.negativeShare, locale);
    if (change > 0) overview.push(say('report.narrative.sentimentUp', { points: formatDecimal(change, locale), previous }));
    else if (change < 0) overview.push(say('report.narrative.sentimentDown', { points: formatDecimal(-change, locale), previous }));
    else overview.push(say('report.narrative.sentimentSame'));
  }
  paragraphs.push(overview.join(' '));

  const top = summary.topConcerns[0];
  if (top) {
    const concern = [
      say('report.narrative.concerns', {
        count: summary.totals.concernStories,
        title: top.title,
        copies: top.copies,
        source: top.sourceName,
      }),
    ];
    const first = top.responses[0];
    concern.push(
      first
        ? say('report.narrative.concernResponded', { count: top.responses.length, channel: say(`responseChannel.${first.channel}` as MessageKey) })
        : say('report.narrative.concernNoResponse'),
    );
    paragraphs.push(concern.join(' '));
  }

  const handling: string[] = [];
  const responsesTotal = summary.responsesByChannel.reduce((sum, row) => sum + row.count, 0);
  const busiest = summary.responsesByChannel[0];
  if (busiest && responsesTotal > 0) {
    handling.push(
      say('report.narrative.responses', {
        count: responsesTotal,
        channel: say(`responseChannel.${busiest.channel}` as MessageKey),
        channelCount: busiest.count,
      }),
    );
  } else {
    handling.push(say('report.narrative.noResponses'));
  }
  const time = summary.responseTime;
  if (time.responded > 0 && time.medianHours !== null && time.withinDeadlineShare !== null) {
    handling.push(
      say('report.narrative.responseTime', {
        responded: time.responded,
        hours: formatDecimal(time.medianHours, locale),
        share: formatPercent(time.withinDeadlineShare, locale),
      }),
    );
  }
  handling.push(time.overdue > 0 ? say('report.narrative.overdue', { count: time.overdue }) : say('report.narrative.noOverdue'));
  paragraphs.push(handling.join(' '));

  if (summary.feedback.received > 0) {
    const parts = summary.feedback.byStatus.map((row) => say(`report.feedbackStatus.${row.status}` as MessageKey, { count: row.count }));
    paragraphs.push(say('report.narrative.feedback', { received: summary.feedback.received, parts: parts.join(', ') }));
  } else {
    paragraphs.push(say('report.narrative.noFeedback'));
  }

  const good = summary.positiveStories[0];
  if (good) {
    paragraphs.push(say('report.narrative.positive', { count: summary.totals.positiveStories, title: good.title, source: good.sourceName }));
  }
  return paragraphs;
}

/** Returns the summary of the week computed now from the database. */
export async function computeWeeklySummary(db: Db, week: IsoWeek, now: Date, locale: Locale = 'vi'): Promise<WeeklySummary> {
  const previous = previousIsoWeek(week);
  const figures = await loadWeeklyFigures(db, week, previous, { now, listLimit: LIST_LIMIT });
  return buildWeeklySummary({ week, figures, generatedAt: now, locale });
}

/**
 * Returns the week's stored snapshot when there is one, else the summary computed now; `snapshot`
 * says which. The narrative is in `locale`: a snapshot keeps the Vietnamese one it was stored with,
 * and is written again from its own figures for another language.
 */
export async function readWeeklySummary(
  db: Db,
  week: IsoWeek,
  now: Date,
  locale: Locale = 'vi',
): Promise<{ summary: WeeklySummary; snapshot: boolean }> {
  const stored = await getWeeklySnapshot(db, week.label);
  if (stored) {
    const summary = stored.summary as WeeklySummary;
    return { summary: locale === 'vi' ? summary : { ...summary, narrative: writeNarrative(summary, locale) }, snapshot: true };
  }
  return { summary: await computeWeeklySummary(db, week, now, locale), snapshot: false };
}
