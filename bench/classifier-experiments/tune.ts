// Hyperparameter experiments: trains on train, scores on dev. Usage: npx tsx bench/classifier-experiments/tune.ts sentiment|offensive '<json options override>'
import { readFileSync } from 'node:fs';
import { compileLinearModel } from '../../src/classifiers/linear-model.ts';
import { parseLabelledLines, parseVietSentiWordNet, trainLinearModel, type TrainLinearModelOptions } from '../../src/classifiers/train-linear-model.ts';
import { evaluateTsv } from '../../src/classifiers/evaluate.ts';
import { foldText } from '../../src/text/fold-text.ts';

const data = process.env.DATA ?? '../shared/data';
const task = process.argv[2] ?? 'sentiment';
const override = JSON.parse(process.argv[3] ?? '{}') as Partial<TrainLinearModelOptions> & { features?: object };
const lexicon = parseVietSentiWordNet(readFileSync(`${data}/lexicons/vietsentiwordnet/VietSentiWordnet_Ver1.3.5.txt`, 'utf8'));
const sentiment = task === 'sentiment';
const base: TrainLinearModelOptions = {
  task,
  labels: sentiment ? ['negative', 'neutral', 'positive'] : ['clean', 'offensive', 'hate'],
  features: { wordNgramMax: 3, charNgramMin: 0, charNgramMax: 0, lexicon: sentiment, intensifiers: false },
  l2: 1e-4, iterations: 200, minCount: 2, pruneBelow: 0.01, decimals: 4, seed: 1,
  lexicon, lexiconPrior: 0, priorLabels: { positive: 'positive', negative: 'negative' },
  training: [], lexiconRecord: null,
  decision: sentiment ? null : { flaggedLabels: ['offensive', 'hate'], threshold: 0.5 },
  classBalance: 0, nbSmoothing: 0,
  nbClasses: sentiment ? { positive: ['positive'], negative: ['negative'] } : { positive: ['offensive', 'hate'], negative: ['clean'] },
};
const options = { ...base, ...override, features: { ...base.features, ...(override.features ?? {}) } };
const trainFile = sentiment ? 'uit-vsfc-train.tsv' : 'vihsd-train.tsv';
const devFile = sentiment ? 'uit-vsfc-dev.tsv' : 'vihsd-dev.tsv';
const t0 = Date.now();
const binary = process.env.BINARY === '1' && !sentiment;
if (binary) { options.labels = ['clean', 'offensive']; }
const json = trainLinearModel(parseLabelledLines(readFileSync(`${data}/eval/${trainFile}`, 'utf8').split('\n')).map((e) => (binary && e.label === 'hate' ? { ...e, label: 'offensive' } : e)), options);
const t1 = Date.now();
const devLines = readFileSync(`${data}/eval/${devFile}`, 'utf8').split('\n').map((l) => (binary ? l.replace(/^hate\t/, 'offensive\t') : l));
const size = JSON.stringify(json).length;
if (sentiment) {
  const model = compileLinearModel(json);
  const r = evaluateTsv(devLines, (t) => model.predict(t).label, { labels: options.labels });
  const folded = evaluateTsv(devLines.map((l) => foldText(l)), (t) => model.predict(t).label, { labels: options.labels });
  console.log(JSON.stringify({ override, trainMs: t1 - t0, features: Object.keys(json.weights).length, size, neg: r.labels.negative?.f1, neu: r.labels.neutral?.f1, pos: r.labels.positive?.f1, acc: r.accuracy, wf1: r.weighted_f1, foldedNeg: folded.labels.negative?.f1, ips: r.items_per_second }));
} else {
  const out: Record<string, unknown> = { override, trainMs: t1 - t0, features: Object.keys(json.weights).length, size };
  for (const threshold of [0.12, 0.15, 0.18, 0.2, 0.22, 0.25, 0.3, 0.35]) {
    const model = compileLinearModel({ ...json, decision: { flaggedLabels: ['offensive', 'hate'], threshold } });
    const r = evaluateTsv(devLines, (t) => model.predict(t).label, { labels: options.labels, flaggedLabels: ['offensive', 'hate'] });
    out[`t${threshold}`] = [r.flagged?.f1, r.weighted_f1, r.items_per_second];
  }
  console.log(JSON.stringify(out));
}
