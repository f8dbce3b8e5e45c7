// Ensemble selection by cross-validation on train: each configuration is a list of member
// overrides of the sentiment options; per fold, every member is trained on the fold's training part,
// the members are averaged (averageLinearModels: the mean of their log-odds, one weight table when
// their feature options agree) and the average scores the held-out part. Prints the out-of-fold
// figures (what a choice may look at) and, for information only, the dev figures of the ensemble
// trained on all of train. Pick by the CV columns; dev stays an estimate.
// A member override may carry `bootstrapSeed`: that member trains on a bootstrap resample (as many
// draws with replacement as examples, seeded by bootstrapSeed and the fold) of its training part.
// A member's pruneBelow above the shipped one prunes the cached member (the same as training with it).
// Trained members are cached in /tmp/duluan-cv-ensemble-cache by options, fold and training data.
// Usage: npx tsx bench/classifier-experiments/cv-ensemble.ts CONFIGS [folds]
//   CONFIGS: a JSON file or JSON text: [{ "name": "…", "members": [{overrides}, …] }, …]
//   (a bare list of overrides is one configuration). `{}` as a member is a single model with
//   SENTIMENT_HYPERPARAMETERS (what shipped before the ensemble); the shipped ensemble is
//   SENTIMENT_MEMBERS in src/classifiers/train-models.ts.
//   ONLY=name,name runs those configurations (names without commas); CV_SEED=n reshuffles the folds.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { compileLinearModel, type LinearModelJson } from '../../src/classifiers/linear-model.ts';
import { averageLinearModels, parseLabelledLines, parseVietSentiWordNet, trainLinearModel, type LabelledText, type TrainLinearModelOptions } from '../../src/classifiers/train-linear-model.ts';
import { evaluateTsv } from '../../src/classifiers/evaluate.ts';
import { assignFolds, seededRandom } from '../../src/classifiers/cross-validate.ts';
import { DEFAULT_SEED, SENTIMENT_FEATURES, SENTIMENT_HYPERPARAMETERS } from '../../src/classifiers/train-models.ts';
import { foldText } from '../../src/text/fold-text.ts';

type Member = Partial<TrainLinearModelOptions> & { features?: object; bootstrapSeed?: number };
interface Config {
  name?: string;
  members: Member[];
}

const data = process.env.DATA ?? '../shared/data';
const argument = process.argv[2] ?? '[{"name":"current","members":[{}]}]';
const parsed = JSON.parse(existsSync(argument) ? readFileSync(argument, 'utf8') : argument) as (Config | Member[])[] | Member[];
const configs: Config[] = (parsed.length > 0 && !Array.isArray(parsed[0]) && !('members' in (parsed[0] as object)) ? [parsed as Member[]] : (parsed as (Config | Member[])[])).map(
  (c) => (Array.isArray(c) ? { members: c } : c),
);
const only = process.env.ONLY; // names to run, comma-separated (e.g. to split a run over two processes)
const folds = Number(process.argv[3] ?? 5);
const labels = ['negative', 'neutral', 'positive'];
const lexiconText = readFileSync(`${data}/lexicons/vietsentiwordnet/VietSentiWordnet_Ver1.3.5.txt`, 'utf8');
const lexicon = parseVietSentiWordNet(lexiconText);
const trainText = readFileSync(`${data}/eval/uit-vsfc-train.tsv`, 'utf8');
const trainExamples = parseLabelledLines(trainText.split('\n'));
const devLines = readFileSync(`${data}/eval/uit-vsfc-dev.tsv`, 'utf8').split('\n');
const dataHash = createHash('sha256').update(trainText).update(lexiconText).digest('hex').slice(0, 12);
// CV_SEED: another shuffle of the folds, to see how much of a difference is the split's noise.
const foldSeed = Number(process.env.CV_SEED ?? DEFAULT_SEED);
const fold = assignFolds(trainExamples, folds, foldSeed);
const cacheDir = '/tmp/duluan-cv-ensemble-cache';
mkdirSync(cacheDir, { recursive: true });

function optionsOf(member: Member): TrainLinearModelOptions {
  const { bootstrapSeed: _seed, ...override } = member;
  return {
    task: 'sentiment',
    labels,
    ...SENTIMENT_HYPERPARAMETERS,
    seed: DEFAULT_SEED,
    lexicon,
    priorLabels: { positive: 'positive', negative: 'negative' },
    training: [],
    lexiconRecord: null,
    decision: null,
    nbClasses: { positive: ['positive'], negative: ['negative'] },
    ...override,
    features: { ...SENTIMENT_FEATURES, ...(override.features ?? {}) },
  };
}

/** The member trained on fold `k`'s training part (k = -1: all of train), from the cache when there. */
function trainMember(member: Member, k: number): LinearModelJson {
  // Pruning only drops rows after training, so a higher pruneBelow is the cached model pruned.
  const base = SENTIMENT_HYPERPARAMETERS.pruneBelow;
  if (member.pruneBelow !== undefined && member.pruneBelow > base) {
    const { pruneBelow, ...rest } = member;
    const json = trainMember(rest, k);
    const weights = Object.fromEntries(Object.entries(json.weights).filter(([, row]) => row.some((w) => Math.abs(w) > pruneBelow)));
    return { ...json, weights, hyperparameters: { ...json.hyperparameters, pruneBelow } };
  }
  const options = optionsOf(member);
  const { lexicon: _l, ...described } = options;
  const key = createHash('sha256').update(JSON.stringify([dataHash, folds, foldSeed, k, described, member.bootstrapSeed ?? null])).digest('hex').slice(0, 20);
  const path = `${cacheDir}/${key}.json`;
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as LinearModelJson;
  let examples: LabelledText[] = k < 0 ? trainExamples : trainExamples.filter((_, i) => fold[i] !== k);
  if (member.bootstrapSeed !== undefined) {
    const random = seededRandom(member.bootstrapSeed * 1009 + k + 1);
    const pool = examples;
    examples = pool.map(() => pool[Math.floor(random() * pool.length)] as LabelledText);
  }
  const t0 = Date.now();
  const json = trainLinearModel(examples, options);
  console.error(`  trained ${JSON.stringify(member)} fold ${k < 0 ? 'all' : k} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  writeFileSync(path, JSON.stringify(json));
  return json;
}

const f1 = (tp: number, predicted: number, actual: number): number => (predicted + actual ? (2 * tp) / (predicted + actual) : 0);
const r4 = (x: number | undefined): number | null => (x === undefined ? null : Math.round(x * 10000) / 10000);

for (const config of configs) {
  if (only && !only.split(',').includes(config.name ?? '')) continue;
  const t0 = Date.now();
  const counts = labels.map(() => ({ tp: 0, predicted: 0, actual: 0 }));
  let correct = 0;
  for (let k = 0; k < folds; k++) {
    const model = compileLinearModel({ ...averageLinearModels(config.members.map((m) => trainMember(m, k))), decision: null });
    trainExamples.forEach((example, i) => {
      if (fold[i] !== k) return;
      const predicted = labels.indexOf(model.predict(example.text).label);
      const actual = labels.indexOf(example.label);
      counts[predicted]!.predicted++;
      counts[actual]!.actual++;
      if (predicted === actual) {
        counts[predicted]!.tp++;
        correct++;
      }
    });
  }
  const perLabel = counts.map((c) => f1(c.tp, c.predicted, c.actual));
  const weighted = counts.reduce((s, c, l) => s + (perLabel[l] as number) * c.actual, 0) / trainExamples.length;
  const full = averageLinearModels(config.members.map((m) => trainMember(m, -1)));
  const model = compileLinearModel({ ...full, decision: null });
  const dev = evaluateTsv(devLines, (t) => model.predict(t).label, { labels });
  const unaccented = evaluateTsv(devLines.map((l) => foldText(l)), (t) => model.predict(t).label, { labels });
  console.log(
    JSON.stringify({
      name: config.name ?? JSON.stringify(config.members),
      ...(foldSeed !== DEFAULT_SEED ? { foldSeed } : {}),
      s: Math.round((Date.now() - t0) / 1000),
      cvNeg: r4(perLabel[0]),
      cvW: r4(weighted),
      cvAcc: r4(correct / trainExamples.length),
      devNeg: r4(dev.labels['negative']?.f1),
      devW: r4(dev.weighted_f1),
      devAcc: r4(dev.accuracy),
      devUnaccNeg: r4(unaccented.labels['negative']?.f1),
      weights: Object.keys(full.weights).length,
      features: full.features,
    }),
  );
}
