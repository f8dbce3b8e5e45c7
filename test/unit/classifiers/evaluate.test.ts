import { describe, expect, it } from 'vitest';
import { detectTask, evaluateTsv } from '../../../src/classifiers/evaluate.ts';

describe('evaluateTsv', () => {
  it('computes per-label precision, recall, F1, accuracy, macro and weighted F1', () => {
    const lines = ['pos\ta', 'pos\tb', 'neg\tc', 'neg\td', ''];
    const predicted: Record<string, string> = { a: 'pos', b: 'neg', c: 'neg', d: 'neg' };
    const report = evaluateTsv(lines, (text) => predicted[text]!, { labels: ['neg', 'pos'] });
    expect(report.items).toBe(4);
    expect(report.accuracy).toBe(0.75);
    expect(report.labels['pos']).toEqual({ precision: 1, recall: 0.5, f1: 0.6667, support: 2 });
    expect(report.labels['neg']).toEqual({ precision: 0.6667, recall: 1, f1: 0.8, support: 2 });
    expect(report.macro_f1).toBe(0.7333);
    expect(report.weighted_f1).toBe(0.7333);
    expect(report.items_per_second).toBeGreaterThan(0);
  });

  it('scores offensive and hate together as the flagged class', () => {
    const lines = ['clean\ta', 'hate\tb', 'offensive\tc', 'clean\td'];
    const predicted: Record<string, string> = { a: 'clean', b: 'offensive', c: 'hate', d: 'hate' };
    const report = evaluateTsv(lines, (text) => predicted[text]!, { flaggedLabels: ['offensive', 'hate'] });
    expect(report.flagged).toEqual({ precision: 0.6667, recall: 1, f1: 0.8, support: 2 });
  });

  it('chooses the model from the labels', () => {
    expect(detectTask(['negative\tx', 'positive\ty'])).toBe('sentiment');
    expect(detectTask(['clean\tx', 'hate\ty'])).toBe('offensive');
    expect(() => detectTask(['spam\tx'])).toThrow(/neither/);
  });
});
