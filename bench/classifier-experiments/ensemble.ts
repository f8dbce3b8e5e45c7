// Ensemble experiments: trains each member on train (cached in /tmp by its options), averages their
// scores and scores the mean on dev (model selection only).
// Usage: npx tsx bench/classifier-experiments/ensemble.ts sentiment|offensive '[{member overrides}, …]' ['[shares]']
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { compileLinearModel, type LinearModelJson } from '../../src/classifiers/linear-model.ts';
import { averageLinearModels, parseLabelledLines, parseVietSentiWordNet, trainLinearModel, type TrainLinearModelOptions } from '../../src/classifiers/train-linear-model.ts';
import { evaluateTsv } from '../../src/classifiers/evaluate.ts';
import { tuneFlaggedThreshold, SENTIMENT_FEATURES, SENTIMENT_HYPERPARAMETERS, OFFENSIVE_FEATURES, OFFENSIVE_HYPERPARAMETERS } from '../../src/classifiers/train-models.ts';
import { foldText } from '../../src/text/fold-text.ts';

const data = process.env.DATA ?? '../shared/data';
const task = process.argv[2] ?? 'sentiment';
const overrides = JSON.parse(process.argv[3] ?? '[{}]') as (Partial<TrainLinearModelOptions> & { features?: object; binary?: boolean })[];
const shares = process.argv[4] ? (JSON.parse(process.argv[4]) as number[]) : undefined;
const sentiment = task === 'sentiment';
const lexicon = parseVietSentiWordNet(readFileSync(`${data}/lexicons/vietsentiwordnet/VietSentiWordnet_Ver1.3.5.txt`, 'utf8'));
const base: TrainLinearModelOptions = {
  task,
  labels: sentiment ? ['negative', 'neutral', 'positive'] : ['clean', 'offensive', 'hate'],
  features: sentiment ? SENTIMENT_FEATURES : OFFENSIVE_FEATURES,
  ...(sentiment ? SENTIMENT_HYPERPARAMETERS : OFFENSIVE_HYPERPARAMETERS),
  seed: 1, lexicon: sentiment ? lexicon : null, priorLabels: { positive: 'positive', negative: 'negative' },
  training: [], lexiconRecord: null,
  decision: sentiment ? null : { flaggedLabels: ['offensive', 'hate'], threshold: 0.5 },
  nbClasses: sentiment ? { positive: ['positive'], negative: ['negative'] } : { positive: ['offensive', 'hate'], negative: ['clean'] },
};
const trainExamples = parseLabelledLines(readFileSync(`${data}/eval/${sentiment ? 'uit-vsfc-train.tsv' : 'vihsd-train.tsv'}`, 'utf8').split('\n'));
const devLines = readFileSync(`${data}/eval/${sentiment ? 'uit-vsfc-dev.tsv' : 'vihsd-dev.tsv'}`, 'utf8').split('\n');
/** A clean/flagged model as clean/offensive/hate: both flagged labels get the flagged weights, their biases −ln 2, so P(flagged) is unchanged. */
function asThreeLabels(model: LinearModelJson): LinearModelJson {
  const weights: Record<string, number[]> = {};
  for (const [key, [clean = 0, flagged = 0]] of Object.entries(model.weights)) weights[key] = [clean, flagged, flagged];
  const [clean = 0, flagged = 0] = model.bias;
  return { ...model, labels: ['clean', 'offensive', 'hate'], bias: [clean, flagged - Math.LN2, flagged - Math.LN2], weights };
}
mkdirSync('/tmp/duluan-ensemble-cache', { recursive: true });
const members: LinearModelJson[] = overrides.map((override) => {
  const { binary, ...rest } = override;
  const options = { ...base, ...rest, features: { ...base.features, ...(rest.features ?? {}) } };
  const key = createHash('sha256').update(JSON.stringify([task, options.features, rest, binary])).digest('hex').slice(0, 16);
  const path = `/tmp/duluan-ensemble-cache/${key}.json`;
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as LinearModelJson;
  const t0 = Date.now();
  // binary: offensive and hate are learnt as one class, stored as `offensive` (hate's weights equal clean's minus nothing: zero score).
  const examples = binary ? trainExamples.map((e) => (e.label === 'hate' ? { ...e, label: 'offensive' } : e)) : trainExamples;
  const json = binary ? asThreeLabels(trainLinearModel(examples, { ...options, labels: ['clean', 'offensive'] })) : trainLinearModel(examples, options);
  console.error(`trained ${JSON.stringify(override)} in ${Date.now() - t0} ms, ${Object.keys(json.weights).length} features`);
  writeFileSync(path, JSON.stringify(json));
  return json;
});
const json = averageLinearModels(members, shares);
const size = JSON.stringify(json).length;
if (sentiment) {
  const model = compileLinearModel(json);
  const r = evaluateTsv(devLines, (t) => model.predict(t).label, { labels: base.labels });
  const folded = evaluateTsv(devLines.map((l) => foldText(l)), (t) => model.predict(t).label, { labels: base.labels });
  console.log(JSON.stringify({ shares, size, neg: r.labels.negative?.f1, neu: r.labels.neutral?.f1, pos: r.labels.positive?.f1, acc: r.accuracy, wf1: r.weighted_f1, foldedNeg: folded.labels.negative?.f1, ips: Math.round(r.items_per_second) }));
} else {
  const tuned = tuneFlaggedThreshold(json, devLines);
  const at = (threshold: number): number => {
    const model = compileLinearModel({ ...json, decision: { flaggedLabels: ['offensive', 'hate'], threshold } });
    const r = evaluateTsv(devLines, (t) => model.predict(t).label, { labels: base.labels, flaggedLabels: ['offensive', 'hate'] });
    return r.flagged?.f1 ?? 0;
  };
  console.log(JSON.stringify({ shares, size, tuned, neighbours: [at(tuned.threshold - 0.05), at(tuned.threshold + 0.05)] }));
}
