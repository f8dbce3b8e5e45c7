import { describe, expect, it } from 'vitest';
import { assignFolds, chooseBiasOffsets, chooseFlaggedThreshold, outOfFoldProbabilities } from '../../../src/classifiers/cross-validate.ts';
import { trainLinearModel, type LabelledText } from '../../../src/classifiers/train-linear-model.ts';

const examples: LabelledText[] = [];
for (let i = 0; i < 30; i++) {
  examples.push({ label: 'clean', text: `cô giáo dạy hay số ${i}` });
  if (i % 3 === 0) examples.push({ label: 'offensive', text: `mày ngu như chó ${i}` });
}

describe('assignFolds', () => {
  it('is deterministic for a seed, stratified by label, and differs between seeds', () => {
    const a = assignFolds(examples, 5, 7);
    expect(assignFolds(examples, 5, 7)).toEqual(a);
    expect(assignFolds(examples, 5, 8)).not.toEqual(a);
    for (const label of ['clean', 'offensive']) {
      const counts = [0, 0, 0, 0, 0];
      examples.forEach((e, i) => {
        if (e.label === label) counts[a[i]!]!++;
      });
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
  });

  it('rejects fewer than two folds', () => {
    expect(() => assignFolds(examples, 1, 1)).toThrow(/at least 2 folds/);
  });
});

describe('outOfFoldProbabilities', () => {
  it('scores every example with a model that never saw it', () => {
    const seen: number[] = [];
    const probabilities = outOfFoldProbabilities(
      examples,
      (training) => {
        seen.push(training.length);
        return trainLinearModel(training, {
          task: 'offensive', labels: ['clean', 'offensive'],
          features: { wordNgramMax: 1, charNgramMin: 0, charNgramMax: 0, lexicon: false, intensifiers: false },
          l2: 1e-3, iterations: 50, minCount: 1, pruneBelow: 0, decimals: 6, seed: 1, lexicon: null, lexiconPrior: 0,
          training: [], lexiconRecord: null, decision: null, nbSmoothing: 0, classBalance: 0,
        });
      },
      4,
      1,
    );
    expect(seen).toHaveLength(4);
    expect(seen.reduce((a, b) => a + b, 0)).toBe(3 * examples.length);
    expect(probabilities).toHaveLength(examples.length);
    // The insult's words were learnt from the other folds: held-out insults score as offensive.
    examples.forEach((e, i) => expect(probabilities[i]![1]! > 0.5).toBe(e.label === 'offensive'));
  });
});

describe('chooseFlaggedThreshold', () => {
  it('picks the threshold with the best flagged F1 (the lowest among equals)', () => {
    const probabilities = [0.9, 0.7, 0.4, 0.35, 0.1, 0.05].map((p) => [1 - p, p]);
    const actual = [true, true, true, false, false, false];
    const chosen = chooseFlaggedThreshold(probabilities, actual, [false, true]);
    expect(chosen.f1).toBe(1);
    expect(chosen.threshold).toBeGreaterThan(0.35);
    expect(chosen.threshold).toBeLessThanOrEqual(0.4);
  });
});

describe('chooseBiasOffsets', () => {
  it('moves a bias only when that improves the weighted F1, and never without evidence', () => {
    // Label 0 is under-predicted: its true examples score just below label 1.
    const probabilities = [
      [0.45, 0.55], [0.45, 0.55], [0.9, 0.1], [0.1, 0.9], [0.2, 0.8],
    ];
    const chosen = chooseBiasOffsets(probabilities, [0, 0, 0, 1, 1]);
    expect(chosen.offsets[0]).toBeGreaterThan(0);
    expect(chosen.weightedF1).toBe(1);
    expect(chooseBiasOffsets([[0.9, 0.1], [0.1, 0.9]], [0, 1]).offsets).toEqual([0, 0]);
  });
});
