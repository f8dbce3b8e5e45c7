// The weekly summary for leadership: figures, server-rendered SVG charts, and the official downloads.
// Charts are plain SVG scaled by their viewBox (no script, no inline style: CSP), coloured by
// `weekly-` classes in app.css, each with a <title>/<desc> and a table of its numbers.
import { LABELS, type Label } from '../../src/domain/classification.ts';
import type { SessionUser } from '../../src/domain/user.ts';
import { IsoWeekError, nextIsoWeek, parseIsoWeek, previousIsoWeek, type IsoWeek } from '../../src/domain/iso-week.ts';
import type { SentimentShares, StorySummary, WeeklySummary } from '../../src/domain/weekly-summary.ts';
import { formatDate, formatNumber, hasMessage, t, type Locale, type MessageKey } from '../i18n/messages.ts';
import { LabelBadges, StatusBadge, VerdictBadge } from './label-badges.tsx';
import { Layout } from './layout.tsx';
import { safeHttpUrl } from './safe-http-url.ts';

/** Props of WeeklyReportPage. */
export interface WeeklyReportPageProps {
  locale: Locale;
  user: SessionUser;
  /** The computed summary; null when the week could not be read (see `error`) or none was asked for. */
  summary: WeeklySummary | null;
  /** The week as asked for (kept in the field even when it is malformed). */
  week: string;
  /**
   * Why there is no summary, shown next to the week field: an error code with a `weekly.error.<code>`
   * message (`invalid_week`, `week_in_future`), or an already translated message.
   */
  error?: string;
  /** True when the summary comes from the stored snapshot rather than a fresh computation. */
  snapshot: boolean;
  /**
   * When an item dated in the week was collected or imported after the snapshot was stored (the latest
   * such time): the page says the stored figures miss it.
   */
  newerItemAt?: Date;
  /** `regenerated` right after an administrator recomputed the week. */
  flash?: 'regenerated';
}

/**
 * Returns the ISO week `weeks` weeks after `week` (`YYYY-Www`, untrimmed), or null when `week` is not one
 * parseIsoWeek accepts (including years outside 1970–9998).
 */
export function shiftIsoWeek(week: string, weeks: number): string | null {
  if (week !== week.trim()) return null;
  let shifted: IsoWeek;
  try {
    shifted = parseIsoWeek(week);
  } catch (error) {
    if (error instanceof IsoWeekError) return null;
    throw error;
  }
  for (let step = 0; step < Math.abs(weeks); step += 1) {
    shifted = weeks < 0 ? previousIsoWeek(shifted) : nextIsoWeek(shifted);
  }
  return shifted.label;
}

// Numbers in the page's language (formatNumber): Vietnamese writes 24,1 and 1.234.
function formatCount(locale: Locale, value: number): string {
  return formatNumber(value, locale);
}

function formatShare(locale: Locale, share: number | null): string {
  if (share === null || !Number.isFinite(share)) return t(locale, 'common.none');
  return `${formatNumber(share * 100, locale, { digits: 1 })}%`;
}

function formatPoints(locale: Locale, points: number): string {
  const value = formatNumber(Math.round(points * 10) / 10, locale, { digits: 1, signed: true });
  return t(locale, 'weekly.points', { value });
}

// `YYYY-MM-DD` (a local date) as `dd/MM/yyyy`.
function formatLocalDate(date: string): string {
  const [year, month, day] = date.split('-');
  return `${day}/${month}/${year}`;
}

function formatInstant(iso: string, locale: Locale): string {
  return formatDate(new Date(iso), locale);
}

function topicName(locale: Locale, topic: string): string {
  if (topic === 'other') return t(locale, 'weekly.topic.other');
  const key = `label.${topic}`;
  return hasMessage(key) ? t(locale, key) : topic;
}

function channelName(locale: Locale, channel: string): string {
  const key = `responseChannel.${channel}`;
  return hasMessage(key) ? t(locale, key) : channel;
}

function errorText(locale: Locale, error: string): string {
  const key = `weekly.error.${error}`;
  return hasMessage(key) ? t(locale, key) : error;
}

// Cuts a label that would run off the chart; the full text stays in the row's <title> and the table.
function shorten(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** One series of a bar chart: its name in the legend and its colour class. */
interface ChartSeries {
  name: string;
  className: string;
}

/** One row of a horizontal bar chart: a label and one value per series. */
interface ChartRow {
  label: string;
  values: number[];
}

// A narrow drawing keeps the text readable when a phone scales the chart down to ~340 px.
const CHART_WIDTH = 400;
const LABEL_FONT = 17;
const VALUE_SPACE = 64;

function Legend({ series, y }: { series: readonly ChartSeries[]; y: number }) {
  let x = 0;
  return (
    <g class="weekly-legend" aria-hidden="true">
      {series.map((entry) => {
        const at = x;
        x += 22 + Array.from(entry.name).length * 8.5 + 18;
        return (
          <g>
            <rect x={at} y={y - 12} width="16" height="16" class={entry.className} />
            <text x={at + 22} y={y + 1} font-size="15" class="weekly-chart-text">
              {entry.name}
            </text>
          </g>
        );
      })}
    </g>
  );
}

/** A horizontal bar chart: each row's label above its bars, the value at the end of each bar. */
function HorizontalBarChart(props: {
  id: string;
  title: string;
  desc: string;
  series: readonly ChartSeries[];
  rows: readonly ChartRow[];
  locale: Locale;
}) {
  const { id, series, rows, locale } = props;
  const barHeight = 18;
  const barGap = 4;
  const rowHeight = LABEL_FONT + 6 + series.length * (barHeight + barGap) + 12;
  const top = series.length > 1 ? 30 : 4;
  const height = top + rows.length * rowHeight;
  const max = Math.max(1, ...rows.flatMap((row) => row.values));
  const scale = (CHART_WIDTH - VALUE_SPACE) / max;
  return (
    <svg
      class="weekly-chart"
      viewBox={`0 0 ${CHART_WIDTH} ${height}`}
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
      preserveAspectRatio="xMinYMin meet"
    >
      <title id={`${id}-title`}>{props.title}</title>
      <desc id={`${id}-desc`}>{props.desc}</desc>
      {series.length > 1 && <Legend series={series} y={16} />}
      {rows.map((row, index) => {
        const y = top + index * rowHeight;
        return (
          <g class="weekly-chart-row">
            <title>{`${row.label}: ${row.values.map((value, at) => `${series[at]?.name ?? ''} ${formatCount(locale, value)}`).join(', ')}`}</title>
            <text x="0" y={y + LABEL_FONT} font-size={LABEL_FONT} class="weekly-chart-text">
              {shorten(row.label, 42)}
            </text>
            {row.values.map((value, at) => {
              const barY = y + LABEL_FONT + 6 + at * (barHeight + barGap);
              const width = Math.max(value > 0 ? 2 : 0, value * scale);
              return (
                <>
                  <rect x="0" y={barY} width={width.toFixed(1)} height={barHeight} class={series[at]?.className} />
                  <text x={(width + 6).toFixed(1)} y={barY + barHeight - 4} font-size="15" class="weekly-chart-value">
                    {formatCount(locale, value)}
                  </text>
                </>
              );
            })}
          </g>
        );
      })}
    </svg>
  );
}

const WEEKDAY_KEYS: readonly MessageKey[] = [
  'weekly.day.mon',
  'weekly.day.tue',
  'weekly.day.wed',
  'weekly.day.thu',
  'weekly.day.fri',
  'weekly.day.sat',
  'weekly.day.sun',
];

/** Items and stories per day: grouped vertical bars, Monday first. */
function ByDayChart({ summary, locale }: { summary: WeeklySummary; locale: Locale }) {
  const days = summary.byDay;
  const height = 270;
  const plotTop = 48;
  const plotBottom = 210;
  const groupWidth = CHART_WIDTH / Math.max(days.length, 1);
  const barWidth = Math.min(28, (groupWidth - 10) / 2);
  const max = Math.max(1, ...days.map((day) => Math.max(day.items, day.stories)));
  const scale = (plotBottom - plotTop) / max;
  const busiest = days.reduce<(typeof days)[number] | null>((best, day) => (best === null || day.items > best.items ? day : best), null);
  const desc = busiest
    ? t(locale, 'weekly.chart.byDayDesc', {
        date: formatLocalDate(busiest.date),
        items: formatCount(locale, busiest.items),
        stories: formatCount(locale, busiest.stories),
      })
    : t(locale, 'weekly.chart.noData');
  const series: ChartSeries[] = [
    { name: t(locale, 'weekly.series.items'), className: 'weekly-fill-items' },
    { name: t(locale, 'weekly.series.stories'), className: 'weekly-fill-stories' },
  ];
  return (
    <svg class="weekly-chart" viewBox={`0 0 ${CHART_WIDTH} ${height}`} role="img" aria-labelledby="weekly-by-day-title weekly-by-day-desc">
      <title id="weekly-by-day-title">{t(locale, 'weekly.chart.byDay')}</title>
      <desc id="weekly-by-day-desc">{desc}</desc>
      <Legend series={series} y={16} />
      <line x1="0" x2={CHART_WIDTH} y1={plotBottom} y2={plotBottom} class="weekly-axis" />
      {days.map((day, index) => {
        const center = index * groupWidth + groupWidth / 2;
        const weekday = WEEKDAY_KEYS[index] ?? WEEKDAY_KEYS[0]!;
        return (
          <g class="weekly-chart-row">
            <title>{`${formatLocalDate(day.date)}: ${series[0]!.name} ${formatCount(locale, day.items)}, ${series[1]!.name} ${formatCount(locale, day.stories)}`}</title>
            {[day.items, day.stories].map((value, at) => {
              const barHeight = value * scale;
              const x = center - barWidth - 2 + at * (barWidth + 4);
              return (
                <>
                  <rect x={x.toFixed(1)} y={(plotBottom - barHeight).toFixed(1)} width={barWidth.toFixed(1)} height={barHeight.toFixed(1)} class={series[at]!.className} />
                  <text x={(x + barWidth / 2).toFixed(1)} y={(plotBottom - barHeight - 4).toFixed(1)} font-size="14" text-anchor="middle" class="weekly-chart-value">
                    {formatCount(locale, value)}
                  </text>
                </>
              );
            })}
            <text x={center.toFixed(1)} y={plotBottom + 22} font-size="16" text-anchor="middle" class="weekly-chart-text">
              {t(locale, weekday)}
            </text>
            <text x={center.toFixed(1)} y={plotBottom + 42} font-size="14" text-anchor="middle" class="weekly-chart-value">
              {formatLocalDate(day.date).slice(0, 5)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

const SENTIMENT_PARTS = ['negative', 'neutral', 'positive'] as const;

function sentimentDesc(locale: Locale, label: string, shares: SentimentShares): string {
  return t(locale, 'weekly.sentiment.desc', {
    label,
    negative: formatShare(locale, shares.negativeShare),
    neutral: formatShare(locale, shares.neutralShare),
    positive: formatShare(locale, shares.positiveShare),
    stories: formatCount(locale, shares.stories),
  });
}

/** This week's and last week's sentiment shares as two stacked bars. */
function SentimentChart({ summary, locale }: { summary: WeeklySummary; locale: Locale }) {
  const bars: Array<{ label: string; shares: SentimentShares }> = [{ label: t(locale, 'weekly.sentiment.thisWeek'), shares: summary.sentiment }];
  if (summary.previousSentiment) bars.push({ label: t(locale, 'weekly.sentiment.lastWeek'), shares: summary.previousSentiment });
  const barHeight = 34;
  const rowHeight = LABEL_FONT + 6 + barHeight + 16;
  const top = 30;
  const height = top + bars.length * rowHeight;
  const series: ChartSeries[] = SENTIMENT_PARTS.map((part) => ({ name: t(locale, `weekly.sentiment.${part}`), className: `weekly-fill-${part}` }));
  return (
    <svg class="weekly-chart" viewBox={`0 0 ${CHART_WIDTH} ${height}`} role="img" aria-labelledby="weekly-sentiment-title weekly-sentiment-desc">
      <title id="weekly-sentiment-title">{t(locale, 'weekly.chart.sentiment')}</title>
      <desc id="weekly-sentiment-desc">{bars.map((bar) => sentimentDesc(locale, bar.label, bar.shares)).join(' ')}</desc>
      <Legend series={series} y={16} />
      {bars.map((bar, index) => {
        const y = top + index * rowHeight;
        let x = 0;
        return (
          <g class="weekly-chart-row">
            <title>{sentimentDesc(locale, bar.label, bar.shares)}</title>
            <text x="0" y={y + LABEL_FONT} font-size={LABEL_FONT} class="weekly-chart-text">
              {`${bar.label} (${formatCount(locale, bar.shares.stories)} ${t(locale, 'weekly.series.stories').toLowerCase()})`}
            </text>
            {bar.shares.stories === 0 ? (
              <rect x="0" y={y + LABEL_FONT + 6} width={CHART_WIDTH} height={barHeight} class="weekly-fill-none" />
            ) : (
              SENTIMENT_PARTS.map((part) => {
                const share = bar.shares[`${part}Share`];
                const width = share * CHART_WIDTH;
                const at = x;
                x += width;
                return (
                  <>
                    <rect x={at.toFixed(1)} y={y + LABEL_FONT + 6} width={width.toFixed(1)} height={barHeight} class={`weekly-fill-${part}`} />
                    {share >= 0.12 && (
                      <text x={(at + width / 2).toFixed(1)} y={y + LABEL_FONT + 6 + barHeight / 2 + 5} font-size="15" text-anchor="middle" class={`weekly-on-${part}`}>
                        {formatShare(locale, share)}
                      </text>
                    )}
                  </>
                );
              })
            )}
          </g>
        );
      })}
    </svg>
  );
}

/** A collapsible table of the numbers a chart draws (screen readers and exact values). */
function DataTable(props: { locale: Locale; caption: string; columns: readonly string[]; rows: ReadonlyArray<readonly string[]> }) {
  return (
    <details class="weekly-data">
      <summary>{t(props.locale, 'weekly.dataTable')}</summary>
      <div class="weekly-table-wrap">
        <table>
          <caption class="visually-hidden">{props.caption}</caption>
          <thead>
            <tr>
              {props.columns.map((column) => (
                <th scope="col">{column}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row) => (
              <tr>
                {row.map((cell, index) => (
                  <td data-label={props.columns[index]}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function largestRowDesc(locale: Locale, rows: readonly ChartRow[]): string {
  if (rows.length === 0) return t(locale, 'weekly.chart.noData');
  const largest = rows.reduce((best, row) => ((row.values[0] ?? 0) > (best.values[0] ?? 0) ? row : best));
  return t(locale, 'weekly.chart.rowsDesc', {
    count: formatCount(locale, rows.length),
    label: largest.label,
    value: formatCount(locale, largest.values[0] ?? 0),
  });
}

/** A figure with a horizontal bar chart of items and stories per row, and its table. */
function ItemStoryFigure(props: { id: string; title: string; rowHeader: string; rows: readonly ChartRow[]; locale: Locale }) {
  const { locale } = props;
  const series: ChartSeries[] = [
    { name: t(locale, 'weekly.series.items'), className: 'weekly-fill-items' },
    { name: t(locale, 'weekly.series.stories'), className: 'weekly-fill-stories' },
  ];
  return (
    <figure class="weekly-figure card" id={props.id}>
      <figcaption>
        <h2>{props.title}</h2>
      </figcaption>
      {props.rows.length === 0 ? (
        <p class="muted">{t(locale, 'weekly.chart.noData')}</p>
      ) : (
        <>
          <HorizontalBarChart
            id={`${props.id}-chart`}
            title={props.title}
            desc={largestRowDesc(locale, props.rows)}
            series={series}
            rows={props.rows}
            locale={locale}
          />
          <DataTable
            locale={locale}
            caption={props.title}
            columns={[props.rowHeader, series[0]!.name, series[1]!.name]}
            rows={props.rows.map((row) => [row.label, ...row.values.map((value) => formatCount(locale, value))])}
          />
        </>
      )}
    </figure>
  );
}

function knownLabels(labels: readonly string[]): Label[] {
  return labels.filter((label): label is Label => (LABELS as readonly string[]).includes(label));
}

/** A table of stories with what was done about each. */
function StoryTable({ stories, locale, emptyKey }: { stories: readonly StorySummary[]; locale: Locale; emptyKey: MessageKey }) {
  if (stories.length === 0) return <p class="muted">{t(locale, emptyKey)}</p>;
  const col = {
    title: t(locale, 'weekly.story.title'),
    source: t(locale, 'weekly.story.source'),
    copies: t(locale, 'weekly.story.copies'),
    labels: t(locale, 'weekly.story.labels'),
    status: t(locale, 'weekly.story.status'),
    done: t(locale, 'weekly.story.done'),
  };
  return (
    <div class="weekly-table-wrap">
      <table class="weekly-stories">
        <thead>
          <tr>
            <th scope="col">{col.title}</th>
            <th scope="col">{col.source}</th>
            <th scope="col">{col.copies}</th>
            <th scope="col">{col.labels}</th>
            <th scope="col">{col.status}</th>
            <th scope="col">{col.done}</th>
          </tr>
        </thead>
        <tbody>
          {stories.map((story) => {
            const href = safeHttpUrl(story.url);
            return (
              <tr>
                <td class="break" data-label={col.title}>
                  <a href={`/items/${story.itemId}`}>{story.title}</a>
                  {href && (
                    <>
                      {' '}
                      <a class="weekly-original original-link" href={href} rel="noopener noreferrer nofollow" target="_blank">
                        {t(locale, 'weekly.story.original')}
                      </a>
                    </>
                  )}
                </td>
                <td data-label={col.source}>{story.sourceName}</td>
                <td data-label={col.copies}>{formatCount(locale, story.copies)}</td>
                <td data-label={col.labels}>
                  <LabelBadges labels={knownLabels(story.labels)} locale={locale} />
                </td>
                <td data-label={col.status}>
                  <StatusBadge status={story.status} locale={locale} /> {story.verdict && <VerdictBadge verdict={story.verdict} locale={locale} />}
                </td>
                <td data-label={col.done}>
                  {story.responses.length === 0 ? (
                    <span class="muted">{t(locale, 'weekly.story.noResponse')}</span>
                  ) : (
                    <ul class="weekly-responses">
                      {story.responses.map((response) => {
                        const link = safeHttpUrl(response.link);
                        const kindKey = `responseKind.${response.kind}`;
                        return (
                          <li>
                            <time datetime={response.respondedAt}>{formatInstant(response.respondedAt, locale)}</time>
                            {' · '}
                            {hasMessage(kindKey) ? t(locale, kindKey) : response.kind}
                            {' · '}
                            {channelName(locale, response.channel)}
                            {link && (
                              <>
                                {' · '}
                                <a href={link} rel="noopener noreferrer nofollow" target="_blank">
                                  {t(locale, 'weekly.story.link')}
                                </a>
                              </>
                            )}
                          </li>
                        );
                      })}
                    </ul>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function KeyFigures({ summary, locale }: { summary: WeeklySummary; locale: Locale }) {
  const responses = summary.responsesByChannel.reduce((sum, row) => sum + row.count, 0);
  const figures: Array<[MessageKey, string, string?]> = [
    ['weekly.fig.items', formatCount(locale, summary.totals.items)],
    ['weekly.fig.stories', formatCount(locale, summary.totals.stories)],
    ['weekly.fig.flagged', formatCount(locale, summary.totals.flaggedStories), 'weekly-figure-alert'],
    ['weekly.fig.responses', formatCount(locale, responses)],
    ['weekly.fig.overdue', formatCount(locale, summary.responseTime.overdue), summary.responseTime.overdue > 0 ? 'weekly-figure-alert' : undefined],
    ['weekly.fig.feedback', formatCount(locale, summary.feedback.received)],
  ];
  return (
    <section aria-labelledby="weekly-key-figures">
      <h2 id="weekly-key-figures">{t(locale, 'weekly.keyFigures')}</h2>
      <dl class="weekly-figures">
        {figures.map(([key, value, className]) => (
          <div class={`weekly-figure-box ${className ?? ''}`}>
            <dt>{t(locale, key)}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function SentimentSection({ summary, locale }: { summary: WeeklySummary; locale: Locale }) {
  const previous = summary.previousSentiment;
  const change = summary.sentimentChange;
  return (
    <figure class="weekly-figure card" id="weekly-sentiment">
      <figcaption>
        <h2>{t(locale, 'weekly.chart.sentiment')}</h2>
      </figcaption>
      <SentimentChart summary={summary} locale={locale} />
      {!previous && <p class="muted">{t(locale, 'weekly.sentiment.noPrevious')}</p>}
      <div class="weekly-table-wrap">
        <table class="weekly-sentiment-table">
          <thead>
            <tr>
              <th scope="col">{t(locale, 'weekly.col.sentiment')}</th>
              <th scope="col">{t(locale, 'weekly.sentiment.thisWeek')}</th>
              <th scope="col">{t(locale, 'weekly.sentiment.lastWeek')}</th>
              <th scope="col">{t(locale, 'weekly.col.change')}</th>
            </tr>
          </thead>
          <tbody>
            {SENTIMENT_PARTS.map((part) => {
              const points = change ? change[part] : null;
              const worse = points !== null && ((part === 'negative' && points > 0) || (part === 'positive' && points < 0));
              return (
                <tr>
                  <th scope="row">{t(locale, `weekly.sentiment.${part}`)}</th>
                  <td data-label={t(locale, 'weekly.sentiment.thisWeek')}>
                    {`${formatShare(locale, summary.sentiment[`${part}Share`])} (${formatCount(locale, summary.sentiment[part])})`}
                  </td>
                  <td data-label={t(locale, 'weekly.sentiment.lastWeek')}>
                    {previous ? `${formatShare(locale, previous[`${part}Share`])} (${formatCount(locale, previous[part])})` : t(locale, 'common.none')}
                  </td>
                  <td data-label={t(locale, 'weekly.col.change')} class={worse ? 'weekly-worse' : undefined}>
                    {points === null ? t(locale, 'common.none') : formatPoints(locale, points)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

function ChannelSection({ summary, locale }: { summary: WeeklySummary; locale: Locale }) {
  const title = t(locale, 'weekly.chart.byChannel');
  const rows: ChartRow[] = summary.responsesByChannel.map((row) => ({ label: channelName(locale, row.channel), values: [row.count] }));
  const series: ChartSeries[] = [{ name: t(locale, 'weekly.col.count'), className: 'weekly-fill-responses' }];
  return (
    <figure class="weekly-figure card" id="weekly-by-channel">
      <figcaption>
        <h2>{title}</h2>
      </figcaption>
      {rows.length === 0 ? (
        <p class="muted">{t(locale, 'weekly.channel.none')}</p>
      ) : (
        <>
          <HorizontalBarChart id="weekly-by-channel-chart" title={title} desc={largestRowDesc(locale, rows)} series={series} rows={rows} locale={locale} />
          <DataTable
            locale={locale}
            caption={title}
            columns={[t(locale, 'weekly.col.channel'), series[0]!.name]}
            rows={rows.map((row) => [row.label, formatCount(locale, row.values[0] ?? 0)])}
          />
        </>
      )}
    </figure>
  );
}

function ResponseTimeSection({ summary, locale }: { summary: WeeklySummary; locale: Locale }) {
  const time = summary.responseTime;
  const median = time.medianHours === null ? t(locale, 'common.none') : t(locale, 'weekly.rt.hours', { value: formatNumber(time.medianHours, locale, { digits: 1 }) });
  return (
    <section class="card" aria-labelledby="weekly-response-time">
      <h2 id="weekly-response-time">{t(locale, 'weekly.responseTime')}</h2>
      <dl class="weekly-details">
        <dt>{t(locale, 'weekly.rt.responded')}</dt>
        <dd>{formatCount(locale, time.responded)}</dd>
        <dt>{t(locale, 'weekly.rt.median')}</dt>
        <dd>{median}</dd>
        <dt>{t(locale, 'weekly.rt.within')}</dt>
        <dd>{formatShare(locale, time.withinDeadlineShare)}</dd>
        <dt>{t(locale, 'weekly.rt.overdue')}</dt>
        <dd class={time.overdue > 0 ? 'weekly-worse' : undefined}>{formatCount(locale, time.overdue)}</dd>
      </dl>
    </section>
  );
}

function FeedbackSection({ summary, locale }: { summary: WeeklySummary; locale: Locale }) {
  const feedback = summary.feedback;
  return (
    <section class="card" aria-labelledby="weekly-feedback">
      <h2 id="weekly-feedback">{t(locale, 'weekly.feedback')}</h2>
      {feedback.received === 0 ? (
        <p class="muted">{t(locale, 'weekly.feedback.none')}</p>
      ) : (
        <>
          <p>{t(locale, 'weekly.feedback.received', { count: formatCount(locale, feedback.received) })}</p>
          <div class="weekly-table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t(locale, 'weekly.col.status')}</th>
                  <th scope="col">{t(locale, 'weekly.col.count')}</th>
                </tr>
              </thead>
              <tbody>
                {feedback.byStatus.map((row) => (
                  <tr>
                    <td data-label={t(locale, 'weekly.col.status')}>
                      <StatusBadge status={row.status} locale={locale} />
                    </td>
                    <td data-label={t(locale, 'weekly.col.count')}>{formatCount(locale, row.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function WeekPicker({ locale, week, error, summary }: { locale: Locale; week: string; error?: string; summary: WeeklySummary | null }) {
  const shown = summary?.week ?? week;
  const previous = shiftIsoWeek(shown, -1);
  const next = shiftIsoWeek(shown, 1);
  // The week box has no `pattern`: parseIsoWeek alone decides what a week is (`2026-w48` too), and a
  // refused one comes back with the reason next to the box rather than the browser's generic message.
  // No link into a week that has not started when the figures were computed.
  const nextStarts = summary ? new Date(summary.to).getTime() : Number.NaN;
  const showNext = next !== null && summary !== null && nextStarts <= new Date(summary.generatedAt).getTime();
  return (
    <div class="weekly-week-nav">
      <form class="weekly-week-form" method="get" action="/reports/weekly" aria-label={t(locale, 'weekly.weekNav')}>
        <label for="weekly-week">{t(locale, 'weekly.weekLabel')}</label>
        <div class="weekly-week-row">
          <input
            type="text"
            id="weekly-week"
            name="week"
            value={week}
            placeholder="2026-W48"
            inputmode="text"
            autocomplete="off"
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'weekly-week-error' : undefined}
          />
          <input type="hidden" name="lang" value={locale} />
          <button type="submit" class="button">
            {t(locale, 'weekly.show')}
          </button>
        </div>
        {error && (
          <p class="field-error" id="weekly-week-error" role="alert">
            {errorText(locale, error)}
          </p>
        )}
      </form>
      {summary && (
        <p class="weekly-prev-next">
          {previous && (
            <a href={`/reports/weekly?week=${previous}`} rel="prev">
              {t(locale, 'weekly.prev')}
            </a>
          )}
          {showNext && (
            <a href={`/reports/weekly?week=${next}`} rel="next">
              {t(locale, 'weekly.next')}
            </a>
          )}
        </p>
      )}
    </div>
  );
}

function Downloads({ locale, week }: { locale: Locale; week: string }) {
  const query = `?week=${encodeURIComponent(week)}`;
  return (
    <nav class="weekly-downloads" aria-label={t(locale, 'weekly.downloads')}>
      <span class="weekly-downloads-label">{t(locale, 'weekly.downloads')}:</span>
      <a class="button" href={`/api/reports/weekly.docx${query}`} download>
        {t(locale, 'weekly.download.docx')}
      </a>
      <a class="button button-quiet" href={`/api/reports/weekly.csv${query}`} download>
        {t(locale, 'weekly.download.csv')}
      </a>
      <a class="button button-quiet" href={`/api/reports/weekly.xlsx${query}`} download>
        {t(locale, 'weekly.download.xlsx')}
      </a>
      <a class="button button-quiet" href={`/api/reports/weekly${query}`}>
        {t(locale, 'weekly.download.json')}
      </a>
    </nav>
  );
}

// An administrator's "Tính lại": replaces the stored figures with figures computed now (form post,
// asked for confirmation by app.js through data-confirm).
function RegenerateForm({ locale, week }: { locale: Locale; week: string }) {
  return (
    <form
      class="weekly-regenerate"
      method="post"
      action={`/reports/weekly/${encodeURIComponent(week)}/regenerate`}
      data-confirm={t(locale, 'weekly.regenerate.confirm', { week })}
    >
      <button type="submit" class="button button-quiet" title={t(locale, 'weekly.regenerate.hint')}>
        {t(locale, 'weekly.regenerate')}
      </button>
    </form>
  );
}

function SummaryBody({ summary, locale }: { summary: WeeklySummary; locale: Locale }) {
  const byDayTitle = t(locale, 'weekly.chart.byDay');
  return (
    <>
      <KeyFigures summary={summary} locale={locale} />
      {summary.narrative.length > 0 && (
        <section class="card weekly-narrative" aria-labelledby="weekly-narrative">
          <h2 id="weekly-narrative">{t(locale, 'weekly.narrative')}</h2>
          {summary.narrative.map((paragraph) => (
            <p>{paragraph}</p>
          ))}
        </section>
      )}
      <div class="weekly-grid">
        <figure class="weekly-figure card" id="weekly-by-day">
          <figcaption>
            <h2>{byDayTitle}</h2>
          </figcaption>
          <ByDayChart summary={summary} locale={locale} />
          <DataTable
            locale={locale}
            caption={byDayTitle}
            columns={[t(locale, 'weekly.col.day'), t(locale, 'weekly.series.items'), t(locale, 'weekly.series.stories')]}
            rows={summary.byDay.map((day, index) => [
              `${t(locale, WEEKDAY_KEYS[index] ?? WEEKDAY_KEYS[0]!)} ${formatLocalDate(day.date)}`,
              formatCount(locale, day.items),
              formatCount(locale, day.stories),
            ])}
          />
        </figure>
        <SentimentSection summary={summary} locale={locale} />
        <ItemStoryFigure
          id="weekly-by-source"
          title={t(locale, 'weekly.chart.bySource')}
          rowHeader={t(locale, 'weekly.col.source')}
          rows={summary.bySource.map((row) => ({ label: row.sourceName, values: [row.items, row.stories] }))}
          locale={locale}
        />
        <ItemStoryFigure
          id="weekly-by-topic"
          title={t(locale, 'weekly.chart.byTopic')}
          rowHeader={t(locale, 'weekly.col.topic')}
          rows={summary.byTopic.map((row) => ({ label: topicName(locale, row.topic), values: [row.items, row.stories] }))}
          locale={locale}
        />
        <ChannelSection summary={summary} locale={locale} />
        <ResponseTimeSection summary={summary} locale={locale} />
      </div>
      <section class="card" aria-labelledby="weekly-concerns">
        <h2 id="weekly-concerns">{t(locale, 'weekly.concerns')}</h2>
        <StoryTable stories={summary.topConcerns} locale={locale} emptyKey="weekly.concerns.none" />
      </section>
      <section class="card" aria-labelledby="weekly-positive">
        <h2 id="weekly-positive">{t(locale, 'weekly.positive')}</h2>
        <StoryTable stories={summary.positiveStories} locale={locale} emptyKey="weekly.positive.none" />
      </section>
      <FeedbackSection summary={summary} locale={locale} />
    </>
  );
}

function periodOf(summary: WeeklySummary, locale: Locale): string {
  const first = summary.byDay[0]?.date;
  const last = summary.byDay[summary.byDay.length - 1]?.date;
  if (first && last) return t(locale, 'weekly.period', { from: formatLocalDate(first), to: formatLocalDate(last) });
  // Without days, fall back to the instants (the end is exclusive: show the day before).
  const from = formatInstant(summary.from, locale).slice(0, 10);
  const to = formatInstant(new Date(new Date(summary.to).getTime() - 1).toISOString(), locale).slice(0, 10);
  return t(locale, 'weekly.period', { from, to });
}

/** Returns the weekly summary page: week picker, downloads, figures, charts and story tables. */
export function WeeklyReportPage(props: WeeklyReportPageProps) {
  const { locale, user, summary, week } = props;
  const shownWeek = summary?.week ?? week;
  return (
    <Layout title={t(locale, 'weekly.title')} user={user} locale={locale} section="reports">
      <div class="weekly-page">
        <h1>{summary ? t(locale, 'weekly.heading', { week: summary.week }) : t(locale, 'weekly.title')}</h1>
        {summary && props.flash === 'regenerated' && (
          <p class="alert alert-ok" role="status">
            {t(locale, 'weekly.regenerate.done', { week: summary.week })}
          </p>
        )}
        {summary && (
          <p class="weekly-period">
            <strong>{periodOf(summary, locale)}</strong>
            <br />
            <span class="muted">
              {props.snapshot
                ? t(locale, 'weekly.snapshot', { date: formatInstant(summary.generatedAt, locale) })
                : t(locale, 'weekly.live', { date: formatInstant(summary.generatedAt, locale) })}
            </span>
          </p>
        )}
        {summary && props.snapshot && props.newerItemAt && (
          <p class="alert alert-info weekly-stale" role="status">
            {t(locale, 'weekly.staleSnapshot', { date: formatDate(props.newerItemAt, locale) })}
          </p>
        )}
        {summary && props.snapshot && user.role === 'admin' && <RegenerateForm locale={locale} week={summary.week} />}
        <WeekPicker locale={locale} week={week} error={props.error} summary={summary} />
        {summary && !props.error && <Downloads locale={locale} week={shownWeek} />}
        {user.role === 'admin' && (
          <p class="weekly-settings-link">
            <a href="/settings/report">{t(locale, 'reportSettings.link')}</a>
          </p>
        )}
        {!summary && !props.error && <p class="empty-state">{t(locale, 'weekly.choose')}</p>}
        {summary &&
          (summary.empty ? (
            <p class="empty-state weekly-empty" role="status">
              {t(locale, 'weekly.empty', { week: summary.week })}
            </p>
          ) : (
            <SummaryBody summary={summary} locale={locale} />
          ))}
      </div>
    </Layout>
  );
}
