// The answer of "Thử trước": what a draft rule or claim would flag among the stored items.
import type { ExplanationSpan } from '../../src/domain/classification.ts';
import type { DryRunReport } from '../../src/domain/dry-run.ts';
import { formatNumber, t, type Locale } from '../i18n/messages.ts';
import { HighlightedText } from './highlight-spans.tsx';
import { LabelBadges, StatusBadge, VerdictBadge } from './label-badges.tsx';

/** Returns a share in 0..1 as a percentage with one decimal in the page's language: "83,3%" in Vietnamese, "83.3%" in English. */
function percent(share: number, locale: Locale): string {
  return `${formatNumber(share * 100, locale, { digits: 1, fixed: true })}%`;
}

/** Returns the dry-run section: counts, how far the scan went, agreement with staff decisions, and the sample. */
export function DryRunResult({ report, locale }: { report: DryRunReport; locale: Locale }) {
  const agreement = report.agreement;
  return (
    <section class="card dryrun-result" aria-labelledby="dryrun-heading" id="dry-run">
      <h2 id="dryrun-heading">{t(locale, 'dryrun.title')}</h2>
      <p role="status">
        {t(locale, 'dryrun.summary', {
          matched: report.matched,
          newly: report.newlyFlagged,
          label: t(locale, `label.${report.label}`),
        })}
      </p>
      <p class="muted">
        {t(locale, 'dryrun.scanned', { scanned: report.scanned, total: report.totalItems, ms: report.elapsedMs })}
        {report.stoppedBy && ` ${t(locale, report.stoppedBy === 'time_limit' ? 'dryrun.stoppedTime' : 'dryrun.stoppedLimit')}`}
      </p>
      <p>
        {agreement.decided === 0
          ? t(locale, 'dryrun.noDecisions')
          : t(locale, 'dryrun.agreement', {
              decided: agreement.decided,
              confirmed: agreement.confirmed,
              falsePositive: agreement.falsePositive,
              other: agreement.dismissedOther,
            })}
        {agreement.precision !== null && ` ${t(locale, 'dryrun.precision', { share: percent(agreement.precision, locale) })}`}
      </p>
      {report.sample.length > 0 && (
        <>
          <h3>{t(locale, 'dryrun.sample', { count: report.sample.length })}</h3>
          <ol class="dryrun-sample">
            {report.sample.map((sample) => {
              const spans: ExplanationSpan[] = sample.excerpt.highlights.map((highlight) => ({
                field: sample.excerpt.field,
                start: highlight.start,
                end: highlight.end,
                text: sample.excerpt.text.slice(highlight.start, highlight.end),
                category: report.label,
                ruleId: 'draft',
                weight: 0,
              }));
              return (
                <li>
                  <p>
                    <a href={`/items/${sample.id}`}>{sample.title.trim() || t(locale, 'items.noTitle')}</a>{' '}
                    <StatusBadge status={sample.status} locale={locale} />
                    {sample.verdict && <VerdictBadge verdict={sample.verdict} locale={locale} />}
                    <LabelBadges labels={sample.labels} locale={locale} />
                    {sample.newlyFlagged && <span class="badge dryrun-new">{t(locale, 'dryrun.new')}</span>}
                    {sample.score !== undefined && <span class="muted"> · {formatNumber(sample.score, locale, { digits: 2, fixed: true })}</span>}
                  </p>
                  {(sample.excerpt.field === 'body' || spans.length > 0) && (
                    <p class="preserve dryrun-excerpt">
                      <HighlightedText text={sample.excerpt.text} spans={spans} locale={locale} />
                    </p>
                  )}
                </li>
              );
            })}
          </ol>
        </>
      )}
    </section>
  );
}
