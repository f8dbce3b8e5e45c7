// Renders text with the classifier's explanation spans marked, always as escaped text.
import type { Child } from 'hono/jsx';
import type { ExplanationSpan, Label } from '../../src/domain/classification.ts';
import { DEFAULT_LOCALE, t, type Locale } from '../i18n/messages.ts';

/** Props of HighlightedText. Pass only the spans of the field being rendered. */
export interface HighlightedTextProps {
  text: string;
  spans: readonly ExplanationSpan[];
  /** Language of the marks' tooltips; Vietnamese when omitted. */
  locale?: Locale;
}

/** A run of text and the categories of every span that covers it (empty: not marked). */
export interface HighlightSegment {
  text: string;
  start: number;
  end: number;
  categories: Label[];
}

// When spans of several categories overlap, the colour shown is the most serious one.
const CATEGORY_ORDER: readonly Label[] = ['misinformation', 'offensive', 'negative', 'positive', 'relevant'];

function isUsableSpan(span: ExplanationSpan, length: number): boolean {
  return (
    Number.isInteger(span.start) &&
    Number.isInteger(span.end) &&
    span.start >= 0 &&
    span.end <= length &&
    span.start < span.end &&
    CATEGORY_ORDER.includes(span.category)
  );
}

/**
 * Returns `text` cut into consecutive segments, each with the categories of the spans covering it.
 * Spans may overlap or come in any order; spans outside the text (stale offsets) are ignored, so a
 * wrong offset never highlights the wrong characters.
 */
export function segmentText(text: string, spans: readonly ExplanationSpan[]): HighlightSegment[] {
  const usable = spans.filter((span) => isUsableSpan(span, text.length));
  const cuts = new Set<number>([0, text.length]);
  for (const span of usable) {
    cuts.add(span.start);
    cuts.add(span.end);
  }
  const boundaries = [...cuts].sort((a, b) => a - b);
  const segments: HighlightSegment[] = [];
  for (let i = 0; i + 1 < boundaries.length; i++) {
    const start = boundaries[i]!;
    const end = boundaries[i + 1]!;
    const covering = new Set(
      usable.filter((span) => span.start <= start && span.end >= end).map((span) => span.category),
    );
    const categories = CATEGORY_ORDER.filter((category) => covering.has(category));
    const previous = segments.at(-1);
    if (previous && previous.categories.join() === categories.join()) {
      previous.end = end;
      previous.text = text.slice(previous.start, end);
    } else {
      segments.push({ text: text.slice(start, end), start, end, categories });
    }
  }
  return segments.filter((segment) => segment.text.length > 0);
}

/** Returns the text as JSX with `<mark class="flag flag-<category>">` around each flagged run. */
export function HighlightedText({ text, spans, locale = DEFAULT_LOCALE }: HighlightedTextProps) {
  const children: Child[] = segmentText(text, spans).map((segment) => {
    const primary = segment.categories[0];
    if (!primary) return segment.text;
    const classes = ['flag', `flag-${primary}`];
    if (segment.categories.length > 1) classes.push('flag-overlap');
    const title = segment.categories.map((category) => t(locale, `category.${category}`)).join(' · ');
    return (
      <mark class={classes.join(' ')} title={title} data-category={segment.categories.join(' ')}>
        {segment.text}
      </mark>
    );
  });
  return <>{children}</>;
}
