// Does cleaning likely-mislabelled TRAINING examples help? Scored by 5-fold cross-validation on the
// training file only (fold seed DEFAULT_SEED); the held-out part of every outer fold keeps its
// original labels and never influences what is cleaned. Every model is the shipped recipe of
// src/classifiers/train-models.ts (sentiment: the mean of SENTIMENT_MEMBERS; offensive: the mean of
// a clean/offensive/hate model and a clean/flagged model via flaggedAsLabels).
// Variants (each applied to an outer fold's training part only, and to all of train for the dev figure):
//   baseline     no cleaning;
//   majority     texts equal after NFC + lowercase + foldText with conflicting labels: the copies
//                not carrying the majority label are dropped, ties drop the whole group;
//   self-0.05,   confident-learning style: inner 3-fold out-of-fold probabilities (the same recipe)
//   self-0.15    over the training part; drop examples whose probability of their given label is < t;
//   cl-drop      Northcutt et al.'s confident joint: per-class threshold t_j = mean probability of j
//                over examples labelled j; an example labelled i whose most probable class among
//                {j : p_j ≥ t_j} is some j ≠ i is an issue and is dropped;
//   cl-relabel   the same issues relabelled to that j instead of dropped.
// Scores: sentiment — out-of-fold negative F1 and weighted F1 (arg-max); offensive — best-threshold
// flagged F1 on the out-of-fold scores (as cv-sweep.ts). For information only: dev figures of the
// variant trained on all of (cleaned) train; the offensive threshold for dev is the one chosen on
// that variant's out-of-fold scores. Pick by the CV columns; dev stays an estimate.
// Trained models and inner probabilities are cached in /tmp/duluan-cv-clean-labels-cache.
// Usage: npx tsx bench/classifier-experiments/cv-clean-labels.ts facts|sentiment|offensive [variant,variant,…]
//   CV_SEED=n reshuffles the outer folds (to see how much of a difference is the split's noise).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { compileLinearModel, type LinearModelJson } from '../../src/classifiers/linear-model.ts';
import { averageLinearModels, parseLabelledLines, parseVietSentiWordNet, trainLinearModel, type LabelledText, type TrainLinearModelOptions } from '../../src/classifiers/train-linear-model.ts';
import { evaluateTsv, FLAGGED_LABELS, OFFENSIVE_LABELS, SENTIMENT_LABELS } from '../../src/classifiers/evaluate.ts';
import { assignFolds, chooseFlaggedThreshold, outOfFoldProbabilities } from '../../src/classifiers/cross-validate.ts';
import {
  DEFAULT_FLAGGED_THRESHOLD,
  DEFAULT_SEED,
  flaggedAsLabels,
  OFFENSIVE_FEATURES,
  OFFENSIVE_HYPERPARAMETERS,
  SENTIMENT_FEATURES,
  SENTIMENT_HYPERPARAMETERS,
  SENTIMENT_MEMBERS,
} from '../../src/classifiers/train-models.ts';
import { foldText } from '../../src/text/fold-text.ts';

const data = process.env.DATA ?? '../shared/data';
const task = process.argv[2] ?? 'facts';
const ALL_VARIANTS = ['baseline', 'majority', 'self-0.05', 'self-0.15', 'cl-drop', 'cl-relabel'];
const variants = (process.argv[3] ?? ALL_VARIANTS.join(',')).split(',');
const OUTER_FOLDS = 5;
const foldSeed = Number(process.env.CV_SEED ?? DEFAULT_SEED);
const INNER_FOLDS = 3;
const cacheDir = '/tmp/duluan-cv-clean-labels-cache';
mkdirSync(cacheDir, { recursive: true });
const flaggedSet = new Set<string>(FLAGGED_LABELS);
const f1 = (tp: number, predicted: number, actual: number): number => (predicted + actual ? (2 * tp) / (predicted + actual) : 0);
const r4 = (x: number | undefined): number | null => (x === undefined ? null : Math.round(x * 10000) / 10000);
const lines = (name: string): string[] => readFileSync(`${data}/eval/${name}`, 'utf8').split('\n');

/** The duplicate key of the brief: NFC, lowercase, foldText. */
const exactKey = (text: string): string => foldText(text.normalize('NFC').toLowerCase());
/** A looser key for information: also only letters and digits, single-spaced. */
const nearKey = (text: string): string =>
  exactKey(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

function groupsOf(examples: readonly LabelledText[], key: (t: string) => string): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  examples.forEach((e, i) => {
    const k = key(e.text);
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  });
  return groups;
}

function duplicateFacts(examples: readonly LabelledText[], key: (t: string) => string): Record<string, number> {
  const groups = groupsOf(examples, key);
  let duplicateGroups = 0;
  let extraCopies = 0;
  let conflictGroups = 0;
  let conflictExamples = 0;
  let tieGroups = 0;
  let minorityCopies = 0;
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    duplicateGroups++;
    extraCopies += g.length - 1;
    const counts = new Map<string, number>();
    for (const i of g) counts.set((examples[i] as LabelledText).label, (counts.get((examples[i] as LabelledText).label) ?? 0) + 1);
    if (counts.size < 2) continue;
    conflictGroups++;
    conflictExamples += g.length;
    const sorted = [...counts.values()].sort((a, b) => b - a);
    if (sorted[0] === sorted[1]) tieGroups++;
    else minorityCopies += g.length - (sorted[0] as number);
  }
  return { examples: examples.length, distinctTexts: groups.size, duplicateGroups, extraCopies, conflictGroups, conflictExamples, tieGroups, minorityCopies };
}

/** Variant `majority`: conflicting duplicate groups resolved by majority label, ties dropped. */
function resolveByMajority(examples: readonly LabelledText[]): LabelledText[] {
  const keep = new Array<boolean>(examples.length).fill(true);
  for (const g of groupsOf(examples, exactKey).values()) {
    if (g.length < 2) continue;
    const counts = new Map<string, number>();
    for (const i of g) counts.set((examples[i] as LabelledText).label, (counts.get((examples[i] as LabelledText).label) ?? 0) + 1);
    if (counts.size < 2) continue;
    const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    const tie = sorted[0]![1] === sorted[1]![1];
    for (const i of g) if (tie || (examples[i] as LabelledText).label !== sorted[0]![0]) keep[i] = false;
  }
  return examples.filter((_, i) => keep[i]);
}

// ---- the shipped recipe -------------------------------------------------------------------------
const sentiment = task === 'sentiment';
const labels: string[] = sentiment ? [...SENTIMENT_LABELS] : [...OFFENSIVE_LABELS];
const lexiconText = sentiment ? readFileSync(`${data}/lexicons/vietsentiwordnet/VietSentiWordnet_Ver1.3.5.txt`, 'utf8') : '';
const lexicon = sentiment ? parseVietSentiWordNet(lexiconText) : null;
const sentimentOptions: TrainLinearModelOptions = {
  task: 'sentiment',
  labels: [...SENTIMENT_LABELS],
  features: { ...SENTIMENT_FEATURES },
  ...SENTIMENT_HYPERPARAMETERS,
  seed: DEFAULT_SEED,
  lexicon,
  priorLabels: { positive: 'positive', negative: 'negative' },
  nbClasses: { positive: ['positive'], negative: ['negative'] },
  training: [],
  lexiconRecord: null,
  decision: null,
};
const offensiveOptions: TrainLinearModelOptions = {
  task: 'offensive',
  labels: [...OFFENSIVE_LABELS],
  features: OFFENSIVE_FEATURES,
  ...OFFENSIVE_HYPERPARAMETERS,
  seed: DEFAULT_SEED,
  lexicon: null,
  nbClasses: { positive: [...FLAGGED_LABELS], negative: ['clean'] },
  training: [],
  lexiconRecord: null,
  decision: { flaggedLabels: [...FLAGGED_LABELS], threshold: DEFAULT_FLAGGED_THRESHOLD },
};

function cached<T>(parts: unknown[], make: () => T): T {
  const key = createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 24);
  const path = `${cacheDir}/${key}.json`;
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as T;
  const value = make();
  writeFileSync(path, JSON.stringify(value));
  return value;
}
const examplesHash = (examples: readonly LabelledText[]): string =>
  createHash('sha256')
    .update(examples.map((e) => `${e.label}\t${e.text}`).join('\n'))
    .update(lexiconText)
    .digest('hex');

let trainings = 0;
let trainSeconds = 0;
/** The shipped recipe on these examples (cached by the examples' content). */
function trainRecipe(examples: LabelledText[]): LinearModelJson {
  return cached(['model', task, examplesHash(examples)], () => {
    const t0 = Date.now();
    let model: LinearModelJson;
    if (sentiment) {
      model = averageLinearModels(SENTIMENT_MEMBERS.map((member) => trainLinearModel(examples, { ...sentimentOptions, ...member })));
    } else {
      const threeClass = trainLinearModel(examples, offensiveOptions);
      const binary = trainLinearModel(
        examples.map((e) => (flaggedSet.has(e.label) ? { ...e, label: 'offensive' } : e)),
        { ...offensiveOptions, labels: ['clean', 'offensive'] },
      );
      model = averageLinearModels([threeClass, flaggedAsLabels(binary, [...OFFENSIVE_LABELS])]);
    }
    trainings++;
    trainSeconds += (Date.now() - t0) / 1000;
    console.error(`  [${new Date().toISOString().slice(11, 19)}] trained ${task} recipe on ${examples.length} examples in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return model;
  });
}

/** Inner out-of-fold probabilities of the recipe over these examples (3 folds, DEFAULT_SEED). */
function innerProbabilities(examples: LabelledText[]): number[][] {
  return cached(['inner', task, INNER_FOLDS, examplesHash(examples)], () => outOfFoldProbabilities(examples, trainRecipe, INNER_FOLDS, DEFAULT_SEED));
}

/** The confident-joint class (Northcutt et al.) of each example, or -1 when no class clears its threshold. */
function confidentClasses(examples: readonly LabelledText[], p: readonly (readonly number[])[]): number[] {
  const L = labels.length;
  const sums = new Array<number>(L).fill(0);
  const counts = new Array<number>(L).fill(0);
  examples.forEach((e, i) => {
    const given = labels.indexOf(e.label);
    sums[given] = (sums[given] as number) + (p[i]![given] as number);
    counts[given] = (counts[given] as number) + 1;
  });
  const thresholds = sums.map((s, l) => s / Math.max(1, counts[l] as number));
  return p.map((row) => {
    let best = -1;
    for (let l = 0; l < L; l++) if ((row[l] as number) >= (thresholds[l] as number) && (best < 0 || (row[l] as number) > (row[best] as number))) best = l;
    return best;
  });
}

/** The training examples of a variant, cleaned using only these examples. */
function clean(variant: string, examples: LabelledText[]): LabelledText[] {
  if (variant === 'baseline') return examples;
  if (variant === 'majority') return resolveByMajority(examples);
  const p = innerProbabilities(examples);
  if (variant.startsWith('self-')) {
    const t = Number(variant.slice(5));
    return examples.filter((e, i) => (p[i]![labels.indexOf(e.label)] as number) >= t);
  }
  const confident = confidentClasses(examples, p);
  const issue = (e: LabelledText, i: number): boolean => confident[i]! >= 0 && confident[i] !== labels.indexOf(e.label);
  if (variant === 'cl-drop') return examples.filter((e, i) => !issue(e, i));
  if (variant === 'cl-relabel') return examples.map((e, i) => (issue(e, i) ? { ...e, label: labels[confident[i]!] as string } : e));
  throw new Error(`unknown variant ${variant}`);
}

function changedCount(before: readonly LabelledText[], after: readonly LabelledText[]): { removed: number; relabelled: number } {
  if (after.length !== before.length) return { removed: before.length - after.length, relabelled: 0 };
  return { removed: 0, relabelled: after.filter((e, i) => e.label !== before[i]!.label).length };
}

// ---- main ----------------------------------------------------------------------------------------
if (task === 'facts') {
  for (const file of ['uit-vsfc-train.tsv', 'vihsd-train.tsv']) {
    const examples = parseLabelledLines(lines(file));
    const labelCounts: Record<string, number> = {};
    for (const e of examples) labelCounts[e.label] = (labelCounts[e.label] ?? 0) + 1;
    console.log(JSON.stringify({ facts: file, labelCounts, exact: duplicateFacts(examples, exactKey), lettersDigitsOnly: duplicateFacts(examples, nearKey) }));
  }
} else {
  const trainFile = sentiment ? 'uit-vsfc-train.tsv' : 'vihsd-train.tsv';
  const devLines = lines(sentiment ? 'uit-vsfc-dev.tsv' : 'vihsd-dev.tsv');
  const trainExamples = parseLabelledLines(lines(trainFile));
  const fold = assignFolds(trainExamples, OUTER_FOLDS, foldSeed);
  for (const variant of variants) {
    const t0 = Date.now();
    const oof: number[][] = new Array<number[]>(trainExamples.length);
    const changes: { removed: number; relabelled: number }[] = [];
    for (let k = 0; k < OUTER_FOLDS; k++) {
      const part = trainExamples.filter((_, i) => fold[i] !== k);
      const cleaned = clean(variant, part);
      changes.push(changedCount(part, cleaned));
      const model = compileLinearModel({ ...trainRecipe(cleaned), decision: null });
      trainExamples.forEach((e, i) => {
        if (fold[i] === k) oof[i] = model.predict(e.text).probabilities;
      });
    }
    const cleanedAll = clean(variant, trainExamples);
    const fullChange = changedCount(trainExamples, cleanedAll);
    const full = trainRecipe(cleanedAll);
    const perFold = {
      removedPerFold: r4(changes.reduce((s, c) => s + c.removed, 0) / OUTER_FOLDS),
      relabelledPerFold: r4(changes.reduce((s, c) => s + c.relabelled, 0) / OUTER_FOLDS),
      removedAll: fullChange.removed,
      relabelledAll: fullChange.relabelled,
    };
    if (sentiment) {
      const counts = labels.map(() => ({ tp: 0, predicted: 0, actual: 0 }));
      oof.forEach((p, i) => {
        let best = 0;
        for (let l = 1; l < p.length; l++) if ((p[l] as number) > (p[best] as number)) best = l;
        const actual = labels.indexOf(trainExamples[i]!.label);
        counts[best]!.predicted++;
        counts[actual]!.actual++;
        if (best === actual) counts[best]!.tp++;
      });
      const perLabel = counts.map((c) => f1(c.tp, c.predicted, c.actual));
      const weighted = counts.reduce((s, c, l) => s + (perLabel[l] as number) * c.actual, 0) / trainExamples.length;
      const model = compileLinearModel({ ...full, decision: null });
      const dev = evaluateTsv(devLines, (t) => model.predict(t).label, { labels });
      console.log(
        JSON.stringify({ task, variant, ...(foldSeed !== DEFAULT_SEED ? { foldSeed } : {}), s: Math.round((Date.now() - t0) / 1000), ...perFold, cvNeg: r4(perLabel[0]), cvW: r4(weighted), devNeg: r4(dev.labels['negative']?.f1), devW: r4(dev.weighted_f1) }),
      );
    } else {
      const mask = labels.map((l) => flaggedSet.has(l));
      const chosen = chooseFlaggedThreshold(oof, trainExamples.map((e) => flaggedSet.has(e.label)), mask);
      const model = compileLinearModel({ ...full, decision: { flaggedLabels: [...FLAGGED_LABELS], threshold: chosen.threshold } });
      const dev = evaluateTsv(devLines, (t) => model.predict(t).label, { labels, flaggedLabels: [...FLAGGED_LABELS] });
      console.log(
        JSON.stringify({
          task,
          variant,
          ...(foldSeed !== DEFAULT_SEED ? { foldSeed } : {}),
          s: Math.round((Date.now() - t0) / 1000),
          ...perFold,
          cvFlagF1: r4(chosen.f1),
          threshold: chosen.threshold,
          devFlagF1: r4(dev.flagged?.f1),
          devP: r4(dev.flagged?.precision),
          devR: r4(dev.flagged?.recall),
        }),
      );
    }
  }
  console.error(`  ${trainings} recipe trainings, ${trainSeconds.toFixed(0)} s of training`);
}
