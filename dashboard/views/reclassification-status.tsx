// The progress bar of a background reclassification, shown where staff change what it depends on.
import { formatDate, t, type Locale } from '../i18n/messages.ts';

/** What the pages know of the last or current reclassification. */
export interface ReclassificationView {
  state: 'running' | 'done';
  total: number;
  checked: number;
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
          {t(locale, 'reclass.running', { checked: progress.checked, total: progress.total })}{' '}
          <progress class="progress" max={Math.max(progress.total, 1)} value={progress.checked}></progress>
        </label>
      </p>
    );
  }
  return (
    <p class="muted">
      {t(locale, 'reclass.done', {
        changed: progress.changed,
        time: formatDate(progress.finishedAt ? new Date(progress.finishedAt) : null, locale),
      })}
    </p>
  );
}
