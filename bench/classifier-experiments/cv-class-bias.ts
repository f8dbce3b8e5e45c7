// Whether shifting the sentiment model's per-label biases (moving its decision boundaries) would
// help, judged by cross-validation on train only: the shipped ensemble (SENTIMENT_MEMBERS) is
// trained per fold, its out-of-fold log-odds are kept, and a grid of bias shifts for `negative`
// and `neutral` (relative to `positive`) is scored on them, on each fold shuffle of CV_SEEDS. The
// choice is the shift with the best sum of out-of-fold negative and weighted F1 (the two figures the
// classifier is held to), averaged over the shuffles. Prints the out-of-fold figures of the best
// shifts and, for information only, the dev figures of the model trained on all of train with and
// without the chosen shift.
// Usage: [CV_SEEDS=20261128,7] npx tsx bench/classifier-experiments/cv-class-bias.ts [folds]
import { readFileSync } from 'node:fs';
import { compileLinearModel, type LinearModelJson } from '../../src/classifiers/linear-model.ts';
import { averageLinearModels, parseLabelledLines, parseVietSentiWordNet, trainLinearModel } from '../../src/classifiers/train-linear-model.ts';
import { evaluateTsv } from '../../src/classifiers/evaluate.ts';
import { assignFolds } from '../../src/classifiers/cross-validate.ts';
import { DEFAULT_SEED, SENTIMENT_FEATURES, SENTIMENT_HYPERPARAMETERS, SENTIMENT_MEMBERS } from '../../src/classifiers/train-models.ts';

const data = process.env.DATA ?? '../shared/data';
const folds = Number(process.argv[2] ?? 5);
const foldSeeds = (process.env.CV_SEEDS ?? `${DEFAULT_SEED},7`).split(',').map(Number);
const labels = ['negative', 'neutral', 'positive'];
const lexicon = parseVietSentiWordNet(readFileSync(`${data}/lexicons/vietsentiwordnet/VietSentiWordnet_Ver1.3.5.txt`, 'utf8'));
const train = parseLabelledLines(readFileSync(`${data}/eval/uit-vsfc-train.tsv`, 'utf8').split('\n'));
const devLines = readFileSync(`${data}/eval/uit-vsfc-dev.tsv`, 'utf8').split('\n');

const trainEnsemble = (examples: typeof train): LinearModelJson =>
  averageLinearModels(
    SENTIMENT_MEMBERS.map((member) =>
      trainLinearModel(examples, {
        task: 'sentiment', labels, ...SENTIMENT_HYPERPARAMETERS, seed: DEFAULT_SEED, lexicon,
        priorLabels: { positive: 'positive', negative: 'negative' }, training: [], lexiconRecord: null, decision: null,
        nbClasses: { positive: ['positive'], negative: ['negative'] }, ...member, features: SENTIMENT_FEATURES,
      }),
    ),
  );

/** Out-of-fold log-probabilities of every training text under one fold shuffle (a bias shift adds to them before the arg-max). */
function outOfFoldLogits(foldSeed: number): number[][] {
  const fold = assignFolds(train, folds, foldSeed);
  const logits: number[][] = new Array(train.length);
  for (let k = 0; k < folds; k++) {
    const model = compileLinearModel({ ...trainEnsemble(train.filter((_, i) => fold[i] !== k)), decision: null });
    train.forEach((example, i) => {
      if (fold[i] === k) logits[i] = model.predict(example.text).probabilities.map((p) => Math.log(p));
    });
    console.error(`fold seed ${foldSeed}: fold ${k + 1}/${folds} done`);
  }
  return logits;
}
const shuffles = foldSeeds.map(outOfFoldLogits);

const f1 = (tp: number, predicted: number, actual: number): number => (predicted + actual ? (2 * tp) / (predicted + actual) : 0);
function score(shift: readonly number[], rows: readonly number[][], truth: readonly number[]) {
  const counts = labels.map(() => ({ tp: 0, predicted: 0, actual: 0 }));
  rows.forEach((row, i) => {
    let best = 0;
    for (let l = 1; l < row.length; l++) if ((row[l] as number) + (shift[l] as number) > (row[best] as number) + (shift[best] as number)) best = l;
    const actual = truth[i] as number;
    counts[best]!.predicted++;
    counts[actual]!.actual++;
    if (best === actual) counts[best]!.tp++;
  });
  const perLabel = counts.map((c) => f1(c.tp, c.predicted, c.actual));
  const weighted = counts.reduce((s, c, l) => s + (perLabel[l] as number) * c.actual, 0) / rows.length;
  return { negative: perLabel[0] as number, weighted };
}
const truth = train.map((e) => labels.indexOf(e.label));
const r4 = (x: number): number => Math.round(x * 10000) / 10000;
/** The shift's out-of-fold figures, averaged over the shuffles, and per shuffle. */
const scoreAll = (shift: number[]) => {
  const each = shuffles.map((logits) => score(shift, logits, truth));
  const mean = (pick: (s: { negative: number; weighted: number }) => number): number => each.reduce((sum, s) => sum + pick(s), 0) / each.length;
  return { shift, negative: mean((s) => s.negative), weighted: mean((s) => s.weighted), each: each.map((s) => [r4(s.negative), r4(s.weighted)]) };
};
const results: ReturnType<typeof scoreAll>[] = [];
for (let neg = -1; neg <= 1.0001; neg += 0.05) {
  for (let neu = -1; neu <= 1.0001; neu += 0.05) results.push(scoreAll([r4(neg), r4(neu), 0]));
}
const show = (r: ReturnType<typeof scoreAll>) => JSON.stringify({ shift: r.shift, negative: r4(r.negative), weighted: r4(r.weighted), perShuffle: r.each });
console.log(JSON.stringify({ foldSeeds, folds }));
console.log('no shift: ' + show(scoreAll([0, 0, 0])));
results.sort((a, b) => b.negative + b.weighted - (a.negative + a.weighted));
for (const r of results.slice(0, 8)) console.log(show(r));
const chosen = results[0]!;
const full = trainEnsemble(train);
for (const shift of [[0, 0, 0], chosen.shift]) {
  const model = compileLinearModel({ ...full, bias: full.bias.map((b, l) => b + (shift[l] as number)), decision: null });
  const dev = evaluateTsv(devLines, (t) => model.predict(t).label, { labels });
  console.log(JSON.stringify({ dev: 'for information only', shift, negative: r4(dev.labels['negative']!.f1), weighted: r4(dev.weighted_f1), accuracy: r4(dev.accuracy) }));
}
