// Model selection by cross-validation on train: for each configuration, the out-of-fold scores on
// train (what a choice may look at) and, for information only, the dev scores of the model trained
// on all of train. Pick by the CV column; dev stays an estimate.
// Usage: npx tsx bench/classifier-experiments/cv-sweep.ts sentiment|offensive '[{overrides}, …]' [folds]
import { readFileSync } from 'node:fs';
import { compileLinearModel } from '../../src/classifiers/linear-model.ts';
import { parseLabelledLines, parseVietSentiWordNet, trainLinearModel, type LabelledText, type TrainLinearModelOptions } from '../../src/classifiers/train-linear-model.ts';
import { evaluateTsv } from '../../src/classifiers/evaluate.ts';
import { chooseFlaggedThreshold, outOfFoldProbabilities } from '../../src/classifiers/cross-validate.ts';
import { DEFAULT_SEED, SENTIMENT_FEATURES, SENTIMENT_HYPERPARAMETERS, OFFENSIVE_FEATURES, OFFENSIVE_HYPERPARAMETERS } from '../../src/classifiers/train-models.ts';

const data = process.env.DATA ?? '../shared/data';
const task = process.argv[2] ?? 'sentiment';
const configs = JSON.parse(process.argv[3] ?? '[{}]') as (Partial<TrainLinearModelOptions> & { features?: object })[];
const folds = Number(process.argv[4] ?? 5);
const sentiment = task === 'sentiment';
const lexicon = parseVietSentiWordNet(readFileSync(`${data}/lexicons/vietsentiwordnet/VietSentiWordnet_Ver1.3.5.txt`, 'utf8'));
const labels = sentiment ? ['negative', 'neutral', 'positive'] : ['clean', 'offensive', 'hate'];
const trainExamples = parseLabelledLines(readFileSync(`${data}/eval/${sentiment ? 'uit-vsfc-train.tsv' : 'vihsd-train.tsv'}`, 'utf8').split('\n'));
const devLines = readFileSync(`${data}/eval/${sentiment ? 'uit-vsfc-dev.tsv' : 'vihsd-dev.tsv'}`, 'utf8').split('\n');
const f1 = (tp: number, predicted: number, actual: number) => (predicted + actual ? (2 * tp) / (predicted + actual) : 0);
const r4 = (x: number | undefined) => (x === undefined ? null : Math.round(x * 10000) / 10000);

for (const override of configs) {
  const options: TrainLinearModelOptions = {
    task, labels,
    ...(sentiment ? SENTIMENT_HYPERPARAMETERS : OFFENSIVE_HYPERPARAMETERS),
    seed: 1, lexicon: sentiment ? lexicon : null, priorLabels: { positive: 'positive', negative: 'negative' },
    training: [], lexiconRecord: null, decision: null,
    nbClasses: sentiment ? { positive: ['positive'], negative: ['negative'] } : { positive: ['offensive', 'hate'], negative: ['clean'] },
    ...override,
    features: { ...(sentiment ? SENTIMENT_FEATURES : OFFENSIVE_FEATURES), ...(override.features ?? {}) },
  };
  const t0 = Date.now();
  const oof = outOfFoldProbabilities(trainExamples, (examples: LabelledText[]) => trainLinearModel(examples, options), folds, DEFAULT_SEED);
  const full = trainLinearModel(trainExamples, options);
  if (sentiment) {
    // CV: argmax of out-of-fold probabilities.
    const counts = labels.map(() => ({ tp: 0, predicted: 0, actual: 0 }));
    oof.forEach((p, i) => {
      let best = 0;
      for (let l = 1; l < p.length; l++) if ((p[l] as number) > (p[best] as number)) best = l;
      const actual = labels.indexOf((trainExamples[i] as LabelledText).label);
      counts[best]!.predicted++;
      counts[actual]!.actual++;
      if (best === actual) counts[best]!.tp++;
    });
    const perLabel = counts.map((c) => f1(c.tp, c.predicted, c.actual));
    const weighted = counts.reduce((s, c, l) => s + (perLabel[l] as number) * c.actual, 0) / trainExamples.length;
    const model = compileLinearModel(full);
    const dev = evaluateTsv(devLines, (t) => model.predict(t).label, { labels });
    console.log(JSON.stringify({ override, s: Math.round((Date.now() - t0) / 1000), cvNeg: r4(perLabel[0]), cvW: r4(weighted), devNeg: r4(dev.labels.negative?.f1), devW: r4(dev.weighted_f1) }));
  } else {
    const mask = labels.map((l) => l !== 'clean');
    const chosen = chooseFlaggedThreshold(oof, trainExamples.map((e) => e.label !== 'clean'), mask);
    const model = compileLinearModel({ ...full, decision: { flaggedLabels: ['offensive', 'hate'], threshold: chosen.threshold } });
    const dev = evaluateTsv(devLines, (t) => model.predict(t).label, { labels, flaggedLabels: ['offensive', 'hate'] });
    console.log(JSON.stringify({ override, s: Math.round((Date.now() - t0) / 1000), cvFlagF1: r4(chosen.f1), threshold: chosen.threshold, devFlagF1: r4(dev.flagged?.f1), devP: r4(dev.flagged?.precision), devR: r4(dev.flagged?.recall) }));
  }
}
