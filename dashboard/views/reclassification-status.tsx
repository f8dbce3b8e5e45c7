// The progress bar of a background reclassification, shown where staff change what it depends on.
import { formatDate, formatNumber, t, type Locale } from '../i18n/messages.ts';

/** What the pages know of the last or current reclassification. */
export interface ReclassificationView {
  state: 'running' | 'done';
  total: number;
  /** Items classified again so far. */
  checked: number;
  /** Among them, items whose labels changed (what the queue shows and sorts by). */
  changed: number;
  finishedAt: string | null;
}

/** Returns a progress bar while a reclassification runs, or a line about the last one. */
export function ReclassificationStatus({ progress, locale }: { progress: ReclassificationView | null; locale: Locale }) {
  if (!progress) return null;
  if (progress.state === 'running') {
    return (
      <p class="alert alert-info" role="status">
        <label>
          {t(locale, 'reclass.running', { checked: formatNumber(progress.checked, locale), total: formatNumber(progress.total, locale) })}{' '}
          <progress class="progress" max={Math.max(progress.total, 1)} value={progress.checked}></progress>
        </label>
      </p>
    );
  }
  return (
    <p class="muted">
      {t(locale, 'reclass.doneSummary', {
        checked: formatNumber(progress.checked, locale),
        changed: formatNumber(progress.changed, locale),
        time: formatDate(progress.finishedAt ? new Date(progress.finishedAt) : null, locale),
      })}
    </p>
  );
}
