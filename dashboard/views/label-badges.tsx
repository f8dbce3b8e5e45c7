// Small badges shared by the list and item pages. Written as escaped HTML templates rather than JSX
// elements: the queue renders them for every row of every page, and templates cost a fraction.
import { html } from 'hono/html';
import type { Label } from '../../src/domain/classification.ts';
import type { ItemStatus, Verdict } from '../../src/domain/item.ts';
import { t, type Locale } from '../i18n/messages.ts';

/** Returns the labels as coloured badges (`badge label-<label>`), or a muted note when none. */
export function LabelBadges({ labels, locale }: { labels: readonly Label[]; locale: Locale }) {
  if (labels.length === 0) return html`<span class="muted">${t(locale, 'items.noLabels')}</span>`;
  return html`<span class="badges">${labels.map((label) => html`<span class="badge label-${label}">${t(locale, `label.${label}`)}</span>`)}</span>`;
}

/** Returns the triage status as a badge (`badge status-<status>`). */
export function StatusBadge({ status, locale }: { status: ItemStatus; locale: Locale }) {
  return html`<span class="badge status-${status}">${t(locale, `status.${status}`)}</span>`;
}

/** Returns the verdict as a badge (`badge verdict-<verdict>`). */
export function VerdictBadge({ verdict, locale }: { verdict: Verdict; locale: Locale }) {
  return html`<span class="badge verdict-${verdict}">${t(locale, `verdict.${verdict}`)}</span>`;
}
