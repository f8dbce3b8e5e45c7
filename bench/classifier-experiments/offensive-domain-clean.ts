// Does the offensive detector flag plain education comments, and does training it with them as
// clean examples stop that without losing flagged F1 on ViHSD?
// The product runs the detector on citizens' comments about schools, a domain ViHSD (social media)
// barely covers. UIT-VSFC's students' feedback is formal, non-offensive text of that domain.
// Variant "domain-clean": ViHSD train plus every uit-vsfc-train text labelled clean. Both variants use
// the shipped recipe (mean of a 3-class and a clean/flagged model, same features and hyperparameters)
// and choose their flag threshold by 5-fold cross-validation on the ViHSD training texts only (in the
// variant, the UIT texts are in every fold's training part and never scored). Dev files: information.
// Usage: npx tsx bench/classifier-experiments/offensive-domain-clean.ts [DATA_DIR]   (≈ 15 min)
import { readFileSync } from 'node:fs';
import { assignFolds, chooseFlaggedThreshold } from '../../src/classifiers/cross-validate.ts';
import { compileLinearModel, type LinearModelJson } from '../../src/classifiers/linear-model.ts';
import { DEFAULT_SEED, flaggedAsLabels, OFFENSIVE_FEATURES, OFFENSIVE_HYPERPARAMETERS } from '../../src/classifiers/train-models.ts';
import { averageLinearModels, parseLabelledLines, trainLinearModel, type LabelledText, type TrainLinearModelOptions } from '../../src/classifiers/train-linear-model.ts';

const data = process.argv[2] ?? '../shared/data';
const read = (name: string) => parseLabelledLines(readFileSync(`${data}/eval/${name}`, 'utf8').split('\n'));
const vihsdTrain = read('vihsd-train.tsv');
const vihsdDev = read('vihsd-dev.tsv');
const uitTrain = read('uit-vsfc-train.tsv');
const uitDev = read('uit-vsfc-dev.tsv');
const LABELS = ['clean', 'offensive', 'hate'];
const FLAGGED = ['offensive', 'hate'];
const options: TrainLinearModelOptions = {
  task: 'offensive',
  labels: LABELS,
  features: OFFENSIVE_FEATURES,
  ...OFFENSIVE_HYPERPARAMETERS,
  seed: DEFAULT_SEED,
  lexicon: null,
  nbClasses: { positive: FLAGGED, negative: ['clean'] },
  training: [],
  lexiconRecord: null,
  decision: null,
};
/** The shipped offensive ensemble. */
function train(examples: readonly LabelledText[]): LinearModelJson {
  const threeClass = trainLinearModel(examples, options);
  const binary = trainLinearModel(
    examples.map((e) => (FLAGGED.includes(e.label) ? { ...e, label: 'offensive' } : e)),
    { ...options, labels: ['clean', 'offensive'] },
  );
  return averageLinearModels([threeClass, flaggedAsLabels(binary, LABELS)]);
}
const flaggedMask = LABELS.map((l) => FLAGGED.includes(l));
const flaggedProbability = (p: readonly number[]) => p.reduce((sum, x, i) => (flaggedMask[i] ? sum + x : sum), 0);
const f1 = (tp: number, fp: number, fn: number) => (tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn));

function run(name: string, extra: readonly LabelledText[]): void {
  const started = Date.now();
  // Threshold by 5-fold CV over the ViHSD texts; the extra texts always train, never score.
  const fold = assignFolds(vihsdTrain, 5, DEFAULT_SEED);
  const oof: number[][] = new Array(vihsdTrain.length);
  for (let k = 0; k < 5; k++) {
    const model = compileLinearModel({ ...train([...vihsdTrain.filter((_, i) => fold[i] !== k), ...extra]), decision: null });
    vihsdTrain.forEach((e, i) => {
      if (fold[i] === k) oof[i] = model.predict(e.text).probabilities;
    });
  }
  const chosen = chooseFlaggedThreshold(oof, vihsdTrain.map((e) => FLAGGED.includes(e.label)), flaggedMask);
  const model = compileLinearModel({ ...train([...vihsdTrain, ...extra]), decision: null });
  let tp = 0, fp = 0, fn = 0;
  for (const e of vihsdDev) {
    const flagged = flaggedProbability(model.predict(e.text).probabilities) >= chosen.threshold;
    const actual = FLAGGED.includes(e.label);
    if (flagged && actual) tp++;
    else if (flagged) fp++;
    else if (actual) fn++;
  }
  const uitFlagged = uitDev.filter((e) => flaggedProbability(model.predict(e.text).probabilities) >= chosen.threshold).length;
  console.log(JSON.stringify({
    variant: name,
    cvFlaggedF1: Math.round(chosen.f1 * 10000) / 10000,
    threshold: chosen.threshold,
    devFlaggedF1: Math.round(f1(tp, fp, fn) * 10000) / 10000,
    devPrecision: Math.round((tp / (tp + fp)) * 10000) / 10000,
    devRecall: Math.round((tp / (tp + fn)) * 10000) / 10000,
    uitDevFlagged: `${uitFlagged}/${uitDev.length}`,
    uitDevFlaggedShare: Math.round((uitFlagged / uitDev.length) * 10000) / 10000,
    seconds: Math.round((Date.now() - started) / 1000),
  }));
}

run('baseline (ViHSD train)', []);
run('domain-clean (ViHSD train + uit-vsfc-train as clean)', uitTrain.map((e) => ({ ...e, label: 'clean' })));
