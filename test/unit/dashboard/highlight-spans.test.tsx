import { describe, expect, it } from 'vitest';
import { HighlightedText, segmentText } from '../../../dashboard/views/highlight-spans.tsx';
import { renderHtml } from './render-html.ts';
import { sampleSpan } from './sample-data.ts';

/** Returns the characters inside each <mark> of the HTML, in order. */
function markedRuns(html: string): string[] {
  return [...html.matchAll(/<mark[^>]*>([^<]*)<\/mark>/g)].map((m) => m[1]!);
}

describe('HighlightedText', () => {
  it('marks exactly the characters of each span, with its category class', async () => {
    const text = 'Phụ huynh bức xúc vì lạm thu';
    const html = await renderHtml(
      <HighlightedText
        text={text}
        spans={[
          sampleSpan(text, 10, 17, { category: 'negative' }),
          sampleSpan(text, 21, 28, { category: 'misinformation' }),
        ]}
      />,
    );
    expect(markedRuns(html)).toEqual(['bức xúc', 'lạm thu']);
    expect(html).toContain('<mark class="flag flag-negative" title="Từ ngữ tiêu cực"');
    expect(html).toContain('class="flag flag-misinformation"');
    expect(html.replace(/<[^>]+>/g, '')).toBe(text);
  });

  it('handles spans given out of order', async () => {
    const text = 'abcdefghij';
    const html = await renderHtml(
      <HighlightedText text={text} spans={[sampleSpan(text, 6, 8), sampleSpan(text, 1, 3)]} />,
    );
    expect(markedRuns(html)).toEqual(['bc', 'gh']);
    expect(html.replace(/<[^>]+>/g, '')).toBe(text);
  });

  it('splits overlapping spans without repeating or losing characters', async () => {
    const text = 'abcdefghij';
    const html = await renderHtml(
      <HighlightedText
        text={text}
        spans={[
          sampleSpan(text, 0, 5, { category: 'negative' }),
          sampleSpan(text, 3, 8, { category: 'misinformation' }),
        ]}
      />,
    );
    expect(markedRuns(html)).toEqual(['abc', 'de', 'fgh']);
    expect(html.replace(/<[^>]+>/g, '')).toBe(text);
    // The overlap shows the more serious category and says both.
    expect(html).toMatch(/<mark class="flag flag-misinformation flag-overlap" title="[^"]*·[^"]*"[^>]*>de<\/mark>/);
  });

  it('merges a span nested inside another of the same category', async () => {
    const text = 'abcdefghij';
    const html = await renderHtml(
      <HighlightedText text={text} spans={[sampleSpan(text, 1, 9), sampleSpan(text, 3, 5)]} />,
    );
    expect(markedRuns(html)).toEqual(['bcdefghi']);
  });

  it('ignores spans outside the text, empty or reversed spans, and non-integer offsets', async () => {
    const text = 'ngắn';
    const bad = [
      { ...sampleSpan(text, 0, 2), start: 2, end: 40 },
      { ...sampleSpan(text, 0, 2), start: -3, end: 1 },
      { ...sampleSpan(text, 0, 2), start: 3, end: 1 },
      { ...sampleSpan(text, 0, 2), start: 2, end: 2 },
      { ...sampleSpan(text, 0, 2), start: 0.5, end: 2 },
      { ...sampleSpan(text, 0, 2), start: Number.NaN, end: 2 },
    ];
    const html = await renderHtml(<HighlightedText text={text} spans={bad} />);
    expect(html).toBe('ngắn');
  });

  it('still marks the good spans when bad ones are mixed in', async () => {
    const text = 'học phí tăng';
    const html = await renderHtml(
      <HighlightedText
        text={text}
        spans={[{ ...sampleSpan(text, 0, 1), start: 5, end: 99 }, sampleSpan(text, 0, 7)]}
      />,
    );
    expect(markedRuns(html)).toEqual(['học phí']);
  });

  it('escapes markup in the text, inside and outside marks', async () => {
    const text = '<b>x</b> "><img src=x onerror=alert(1)>';
    const html = await renderHtml(
      <HighlightedText text={text} spans={[sampleSpan(text, 0, 8)]} />,
    );
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('keeps newlines in the text', async () => {
    const text = 'dòng một\ndòng hai';
    const html = await renderHtml(<HighlightedText text={text} spans={[sampleSpan(text, 5, 13)]} />);
    expect(markedRuns(html)).toEqual(['một\ndòng']);
  });

  it('uses English tooltips when asked', async () => {
    const text = 'abc';
    const html = await renderHtml(
      <HighlightedText text={text} spans={[sampleSpan(text, 0, 3)]} locale="en" />,
    );
    expect(html).toContain('title="Negative wording"');
  });
});

describe('segmentText', () => {
  it('covers the whole text in order', () => {
    const text = 'abcdef';
    const segments = segmentText(text, [sampleSpan(text, 2, 4, { category: 'relevant' })]);
    expect(segments.map((s) => [s.text, s.categories])).toEqual([
      ['ab', []],
      ['cd', ['relevant']],
      ['ef', []],
    ]);
  });

  it('returns nothing for empty text', () => {
    expect(segmentText('', [])).toEqual([]);
  });
});
