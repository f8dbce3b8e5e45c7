// Decision settings by cross-validation on train, scored on dev (model selection only).
// Usage: npx tsx bench/classifier-experiments/cross-validate.ts sentiment|offensive '[{member overrides}, …]' [folds]
// For offensive, a member with "binary": true learns clean/flagged.
import { readFileSync } from 'node:fs';
import { compileLinearModel, type LinearModelJson } from '../../src/classifiers/linear-model.ts';
import { averageLinearModels, parseLabelledLines, parseVietSentiWordNet, trainLinearModel, type LabelledText, type TrainLinearModelOptions } from '../../src/classifiers/train-linear-model.ts';
import { evaluateTsv } from '../../src/classifiers/evaluate.ts';
import { chooseBiasOffsets, chooseFlaggedThreshold, outOfFoldProbabilities } from '../../src/classifiers/cross-validate.ts';
import { DEFAULT_SEED, flaggedAsLabels, SENTIMENT_FEATURES, SENTIMENT_HYPERPARAMETERS, OFFENSIVE_FEATURES, OFFENSIVE_HYPERPARAMETERS } from '../../src/classifiers/train-models.ts';
import { foldText } from '../../src/text/fold-text.ts';

const data = process.env.DATA ?? '../shared/data';
const task = process.argv[2] ?? 'sentiment';
const overrides = JSON.parse(process.argv[3] ?? '[{}]') as (Partial<TrainLinearModelOptions> & { features?: object; binary?: boolean })[];
const folds = Number(process.argv[4] ?? 5);
const sentiment = task === 'sentiment';
const lexicon = parseVietSentiWordNet(readFileSync(`${data}/lexicons/vietsentiwordnet/VietSentiWordnet_Ver1.3.5.txt`, 'utf8'));
const labels = sentiment ? ['negative', 'neutral', 'positive'] : ['clean', 'offensive', 'hate'];
const base: TrainLinearModelOptions = {
  task, labels,
  features: sentiment ? SENTIMENT_FEATURES : OFFENSIVE_FEATURES,
  ...(sentiment ? SENTIMENT_HYPERPARAMETERS : OFFENSIVE_HYPERPARAMETERS),
  seed: 1, lexicon: sentiment ? lexicon : null, priorLabels: { positive: 'positive', negative: 'negative' },
  training: [], lexiconRecord: null, decision: null,
  nbClasses: sentiment ? { positive: ['positive'], negative: ['negative'] } : { positive: ['offensive', 'hate'], negative: ['clean'] },
};
const trainExamples = parseLabelledLines(readFileSync(`${data}/eval/${sentiment ? 'uit-vsfc-train.tsv' : 'vihsd-train.tsv'}`, 'utf8').split('\n'));
const devLines = readFileSync(`${data}/eval/${sentiment ? 'uit-vsfc-dev.tsv' : 'vihsd-dev.tsv'}`, 'utf8').split('\n');
const train = (examples: LabelledText[]): LinearModelJson => {
  const members = overrides.map((override) => {
    const { binary, ...rest } = override;
    const options = { ...base, ...rest, features: { ...base.features, ...(rest.features ?? {}) } };
    if (!binary) return trainLinearModel(examples, options);
    const merged = examples.map((e) => (e.label === 'hate' ? { ...e, label: 'offensive' } : e));
    return flaggedAsLabels(trainLinearModel(merged, { ...options, labels: ['clean', 'offensive'] }), labels);
  });
  return members.length === 1 ? (members[0] as LinearModelJson) : averageLinearModels(members);
};
const t0 = Date.now();
const oof = outOfFoldProbabilities(trainExamples, train, folds, DEFAULT_SEED);
const t1 = Date.now();
const full = train(trainExamples);
if (sentiment) {
  const actual = trainExamples.map((e) => labels.indexOf(e.label));
  const chosen = chooseBiasOffsets(oof, actual);
  const score = (json: LinearModelJson) => {
    const model = compileLinearModel(json);
    const r = evaluateTsv(devLines, (t) => model.predict(t).label, { labels });
    const folded = evaluateTsv(devLines.map((l) => foldText(l)), (t) => model.predict(t).label, { labels });
    return { neg: r.labels.negative?.f1, neu: r.labels.neutral?.f1, pos: r.labels.positive?.f1, wf1: r.weighted_f1, foldedNeg: folded.labels.negative?.f1 };
  };
  const shifted = { ...full, bias: full.bias.map((b, l) => b + (chosen.offsets[l] ?? 0)) };
  console.log(JSON.stringify({ overrides, folds, cvMs: t1 - t0, chosen, plain: score(full), shifted: score(shifted) }));
} else {
  const mask = labels.map((l) => l !== 'clean');
  const chosen = chooseFlaggedThreshold(oof, trainExamples.map((e) => e.label !== 'clean'), mask);
  const at = (threshold: number) => {
    const model = compileLinearModel({ ...full, decision: { flaggedLabels: ['offensive', 'hate'], threshold } });
    const r = evaluateTsv(devLines, (t) => model.predict(t).label, { labels, flaggedLabels: ['offensive', 'hate'] });
    return r.flagged?.f1;
  };
  const devBest = chooseFlaggedThreshold(parseLabelledLines(devLines).map((e) => compileLinearModel(full).predict(e.text).probabilities), parseLabelledLines(devLines).map((e) => e.label !== 'clean'), mask);
  console.log(JSON.stringify({ overrides, folds, cvMs: t1 - t0, chosen, devAtChosen: at(chosen.threshold), devBestForInfo: devBest }));
}
