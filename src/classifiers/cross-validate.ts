// Decision settings chosen on the training data alone: k-fold cross-validation gives every training
// text a prediction from a model that never saw it, and the negative-class bias of the sentiment
// model or the flagged threshold of the offensive detector is chosen on those out-of-fold
// predictions. The dev split stays untouched by the choice, so its figures remain an estimate.
// Folds come from a seeded shuffle: the same lines and seed give the same folds and the same choice.

import { compileLinearModel, type LinearModelJson } from './linear-model.ts';
import type { LabelledText } from './train-linear-model.ts';

/** Returns a deterministic generator (mulberry32) of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns each example's fold (0 … folds−1): a seeded shuffle dealt round-robin per label (stratified). */
export function assignFolds(examples: readonly LabelledText[], folds: number, seed: number): Int32Array {
  if (!Number.isInteger(folds) || folds < 2) throw new Error('cross-validation needs at least 2 folds');
  const random = seededRandom(seed);
  const order = examples.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i] as number;
    order[i] = order[j] as number;
    order[j] = swap;
  }
  const fold = new Int32Array(examples.length);
  const dealt = new Map<string, number>();
  for (const index of order) {
    const label = (examples[index] as LabelledText).label;
    const count = dealt.get(label) ?? 0;
    fold[index] = count % folds;
    dealt.set(label, count + 1);
  }
  return fold;
}

/**
 * Returns, per example, the label probabilities of a model trained (by `train`) on the other folds.
 * `train` receives the training examples of one fold's model.
 */
export function outOfFoldProbabilities(
  examples: readonly LabelledText[],
  train: (examples: LabelledText[]) => LinearModelJson,
  folds: number,
  seed: number,
): number[][] {
  const fold = assignFolds(examples, folds, seed);
  const out: number[][] = new Array<number[]>(examples.length);
  for (let k = 0; k < folds; k++) {
    const model = compileLinearModel({ ...train(examples.filter((_, i) => fold[i] !== k)), decision: null });
    examples.forEach((example, i) => {
      if (fold[i] === k) out[i] = model.predict(example.text).probabilities;
    });
  }
  return out;
}

function f1Of(truePositive: number, predicted: number, actual: number): number {
  return predicted + actual === 0 ? 0 : (2 * truePositive) / (predicted + actual);
}

/** Returns the threshold on the summed flagged probability with the highest flagged F1 (ties: the lower). */
export function chooseFlaggedThreshold(
  probabilities: readonly (readonly number[])[],
  actualFlagged: readonly boolean[],
  flaggedMask: readonly boolean[],
): { threshold: number; f1: number } {
  const flagged = probabilities.map((p) => p.reduce((sum, x, l) => sum + (flaggedMask[l] ? x : 0), 0));
  let best = { threshold: 0.5, f1: -1 };
  for (let step = 4; step <= 76; step++) {
    const threshold = step / 80;
    let truePositive = 0;
    let predicted = 0;
    let positives = 0;
    flagged.forEach((p, i) => {
      const isFlagged = p >= threshold;
      if (isFlagged) predicted++;
      if (actualFlagged[i]) positives++;
      if (isFlagged && actualFlagged[i]) truePositive++;
    });
    const f1 = f1Of(truePositive, predicted, positives);
    if (f1 > best.f1 + 1e-9) best = { threshold, f1 };
  }
  return best;
}

/** Returns the support-weighted F1 over the labels of arg-max predictions after adding `offsets` to the log-probabilities. */
export function weightedF1WithOffsets(logProbabilities: readonly (readonly number[])[], actual: readonly number[], offsets: readonly number[]): number {
  const L = offsets.length;
  const truePositive = new Array<number>(L).fill(0);
  const predicted = new Array<number>(L).fill(0);
  const support = new Array<number>(L).fill(0);
  logProbabilities.forEach((scores, i) => {
    let best = 0;
    for (let l = 1; l < L; l++) if ((scores[l] as number) + (offsets[l] as number) > (scores[best] as number) + (offsets[best] as number)) best = l;
    const label = actual[i] as number;
    predicted[best] = (predicted[best] as number) + 1;
    support[label] = (support[label] as number) + 1;
    if (best === label) truePositive[best] = (truePositive[best] as number) + 1;
  });
  let sum = 0;
  for (let l = 0; l < L; l++) sum += (support[l] as number) * f1Of(truePositive[l] as number, predicted[l] as number, support[l] as number);
  return sum / Math.max(1, actual.length);
}

/**
 * Returns bias offsets (one per label, the last label's fixed at 0) that maximise the weighted F1 of
 * the out-of-fold predictions, searched on a grid of `step` within ±`range` by coordinate ascent.
 * Ties keep the offset closest to 0, so no evidence means no change.
 */
export function chooseBiasOffsets(
  probabilities: readonly (readonly number[])[],
  actual: readonly number[],
  options: { range?: number; step?: number; rounds?: number } = {},
): { offsets: number[]; weightedF1: number; before: number } {
  const range = options.range ?? 1;
  const step = options.step ?? 0.05;
  const logs = probabilities.map((p) => p.map((x) => Math.log(Math.max(x, 1e-300))));
  const L = (probabilities[0] ?? []).length;
  const offsets = new Array<number>(L).fill(0);
  const before = weightedF1WithOffsets(logs, actual, offsets);
  let best = before;
  const candidates: number[] = [0];
  for (let k = 1; k * step <= range + 1e-9; k++) candidates.push(k * step, -k * step);
  for (let round = 0; round < (options.rounds ?? 3); round++) {
    let changed = false;
    for (let l = 0; l < L - 1; l++) {
      const current = offsets[l] as number;
      let chosen = current;
      for (const candidate of candidates) {
        if (candidate === current) continue;
        offsets[l] = candidate;
        const f1 = weightedF1WithOffsets(logs, actual, offsets);
        if (f1 > best + 1e-9 || (Math.abs(f1 - best) <= 1e-9 && Math.abs(candidate) < Math.abs(chosen))) {
          best = f1;
          chosen = candidate;
        }
      }
      offsets[l] = chosen;
      if (chosen !== current) changed = true;
    }
    if (!changed) break;
  }
  return { offsets: offsets.map((x) => Math.round(x * 1e4) / 1e4), weightedF1: best, before };
}
