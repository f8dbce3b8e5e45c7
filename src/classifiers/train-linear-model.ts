// Trains a linear model (multinomial logistic regression) on labelled texts. Full-batch L-BFGS on
// an L2-regularised objective is deterministic: the same lines and options give the same weights,
// byte for byte. The seed is recorded and orders nothing today; it is there for options that
// sample (none yet) and so that a model says how to reproduce it.

import { createHash } from 'node:crypto';
import { analyzeText } from '../text/analyze-text.ts';
import { foldText } from '../text/fold-text.ts';
import { normalizeText } from '../text/normalize-text.ts';
import {
  checkFeatureOptions,
  visitFeatures,
  type FeatureOptions,
  type LexiconEntry,
  type LinearModelJson,
  type TrainingFileRecord,
} from './linear-model.ts';

/** One labelled text. */
export interface LabelledText {
  label: string;
  text: string;
}

/** How to train a model. */
export interface TrainLinearModelOptions {
  task: string;
  /** Label order of the model; every example's label must be one of these. */
  labels: string[];
  features: FeatureOptions;
  /** L2 penalty on the mean loss. */
  l2: number;
  /** `logistic`: multinomial log loss (default); `squared-hinge`: one-vs-rest squared hinge (a linear SVM). */
  loss?: 'logistic' | 'squared-hinge';
  /** L-BFGS iterations. */
  iterations: number;
  /** A word or character n-gram must occur in at least this many training texts. */
  minCount: number;
  /** After training, features whose weights all lie within ±pruneBelow are dropped. */
  pruneBelow: number;
  /** Weights are rounded to this many decimals in the stored model. */
  decimals: number;
  seed: number;
  lexicon: LexiconEntry[] | null;
  /** Prior weight per lexicon unit score for lexicon phrases' own n-gram features (0: none). */
  lexiconPrior: number;
  /** Labels that count as positive/negative sentiment for the lexicon prior. */
  priorLabels?: { positive: string; negative: string };
  training: TrainingFileRecord[];
  lexiconRecord: LinearModelJson['lexicon'];
  decision: LinearModelJson['decision'];
  /**
   * NB-SVM style regularisation: a feature whose log-count ratio between the contrasted classes is r
   * gets an L2 penalty l2/(nbSmoothing + |r|)²: telling features may grow, noise stays small. 0: off.
   */
  nbSmoothing: number;
  /** The two classes (or groups of classes) the log-count ratio contrasts. */
  nbClasses?: { positive: string[]; negative: string[] };
  /** Scale each class's examples so classes weigh as (count)^(1 - balance); 0: as counted, 1: balanced. */
  classBalance: number;
}

/** Returns the labelled texts of `label<TAB>text` lines (blank lines skipped, a bad line throws). */
export function parseLabelledLines(lines: readonly string[]): LabelledText[] {
  const out: LabelledText[] = [];
  lines.forEach((line, index) => {
    const trimmed = line.replace(/\r$/, '');
    if (trimmed.trim() === '') return;
    const tab = trimmed.indexOf('\t');
    if (tab < 0) throw new Error(`line ${index + 1}: expected label<TAB>text`);
    out.push({ label: trimmed.slice(0, tab).trim(), text: trimmed.slice(tab + 1) });
  });
  return out;
}

/** Returns the lexicon phrases folded to syllables, from VietSentiWordNet's SentiWordNet-format text. */
export function parseVietSentiWordNet(content: string): LexiconEntry[] {
  const sums = new Map<string, { positive: number; negative: number; count: number }>();
  for (const raw of normalizeText(content.replace(/^\uFEFF/, '')).split('\n')) {
    if (raw.startsWith('#') || raw.trim() === '') continue;
    const columns = raw.split('\t');
    const positive = Number(columns[2]);
    const negative = Number(columns[3]);
    if (!Number.isFinite(positive) || !Number.isFinite(negative) || columns[4] === undefined) continue;
    // Terms look like `hấp_dẫn#1`; a few are separated by spaces inside one column.
    for (const term of columns[4].split(/\s+(?=\S+#\d)/u)) {
      const phrase = foldText(term.replace(/#\d+$/u, '').replace(/_/g, ' '))
        .split(/[^\p{L}\p{N}]+/u)
        .filter((s) => s !== '')
        .join(' ');
      if (phrase === '' || phrase.split(' ').length > 3) continue;
      const sum = sums.get(phrase) ?? { positive: 0, negative: 0, count: 0 };
      sum.positive += positive;
      sum.negative += negative;
      sum.count++;
      sums.set(phrase, sum);
    }
  }
  return [...sums.entries()]
    .map(([phrase, s]) => ({ phrase, positive: s.positive / s.count, negative: s.negative / s.count }))
    .filter((e) => e.positive > 0 || e.negative > 0)
    .sort((a, b) => (a.phrase < b.phrase ? -1 : a.phrase > b.phrase ? 1 : 0));
}

/** Returns the sha256 hex digest of a text. */
export function sha256Hex(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

interface SparseDocument {
  indices: Int32Array;
  values: Float64Array;
  label: number;
  weight: number;
}

/** Returns the model trained on the examples. */
export function trainLinearModel(examples: readonly LabelledText[], options: TrainLinearModelOptions): LinearModelJson {
  checkFeatureOptions(options.features);
  const labelIndex = new Map(options.labels.map((label, i) => [label, i]));
  const L = options.labels.length;
  const lexiconMap = options.lexicon
    ? new Map(options.lexicon.map((e) => [e.phrase, [e.positive, e.negative] as const]))
    : null;
  const useLexicon = options.features.lexicon ? lexiconMap : null;

  // Pass 1: per-document features; document frequency decides which are kept.
  const documentFrequency = new Map<string, number>();
  const perDocument: Map<string, number>[] = [];
  for (const example of examples) {
    if (!labelIndex.has(example.label)) throw new Error(`unknown label "${example.label}"`);
    const tokens = analyzeText(example.text);
    const features = new Map<string, number>();
    visitFeatures(tokens, example.text, options.features, useLexicon, (key, value) => {
      features.set(key, (features.get(key) ?? 0) + value);
    });
    for (const key of features.keys()) documentFrequency.set(key, (documentFrequency.get(key) ?? 0) + 1);
    perDocument.push(features);
  }
  const keys = [...documentFrequency.entries()]
    .filter(([key, count]) => count >= options.minCount || key.startsWith('lex:'))
    .map(([key]) => key)
    .sort();
  const featureIndex = new Map(keys.map((key, i) => [key, i]));
  const F = keys.length;

  const counts = new Array<number>(L).fill(0);
  for (const example of examples) {
    const l = labelIndex.get(example.label) as number;
    counts[l] = (counts[l] as number) + 1;
  }
  const classWeight = counts.map((c) => (c === 0 ? 0 : (examples.length / L / c) ** options.classBalance));
  const documents: SparseDocument[] = perDocument.map((features, d) => {
    const kept = [...features.entries()].filter(([key]) => featureIndex.has(key));
    const label = labelIndex.get((examples[d] as LabelledText).label) as number;
    return {
      indices: Int32Array.from(kept.map(([key]) => featureIndex.get(key) as number)),
      values: Float64Array.from(kept.map(([, value]) => value)),
      label,
      weight: classWeight[label] as number,
    };
  });
  const totalWeight = documents.reduce((sum, d) => sum + d.weight, 0);

  // Prior mean: lexicon phrases' own n-gram features start leaning toward their polarity.
  const prior = new Float64Array(F * L + L);
  if (options.lexiconPrior > 0 && options.lexicon && options.priorLabels) {
    const pos = labelIndex.get(options.priorLabels.positive);
    const neg = labelIndex.get(options.priorLabels.negative);
    for (const entry of options.lexicon) {
      const index = featureIndex.get(entry.phrase);
      if (index === undefined || pos === undefined || neg === undefined) continue;
      const polarity = (entry.positive - entry.negative) * options.lexiconPrior;
      prior[index * L + pos] = polarity;
      prior[index * L + neg] = -polarity;
      const negated = featureIndex.get(entry.phrase.split(' ').map((s) => '!' + s).join(' '));
      if (negated !== undefined) {
        prior[negated * L + pos] = -polarity / 2;
        prior[negated * L + neg] = polarity / 2;
      }
    }
  }

  const penalty = new Float64Array(F).fill(options.l2);
  if (options.nbSmoothing > 0 && options.nbClasses) {
    const positive = new Set(options.nbClasses.positive.map((l) => labelIndex.get(l)));
    const negative = new Set(options.nbClasses.negative.map((l) => labelIndex.get(l)));
    const p = new Float64Array(F).fill(1);
    const q = new Float64Array(F).fill(1);
    for (const doc of documents) {
      const target = positive.has(doc.label) ? p : negative.has(doc.label) ? q : null;
      if (target === null) continue;
      for (let j = 0; j < doc.indices.length; j++) target[doc.indices[j] as number] = (target[doc.indices[j] as number] as number) + 1;
    }
    let pSum = 0;
    let qSum = 0;
    for (let f = 0; f < F; f++) {
      pSum += p[f] as number;
      qSum += q[f] as number;
    }
    for (let f = 0; f < F; f++) {
      const r = Math.log(((p[f] as number) / pSum) / ((q[f] as number) / qSum));
      const strength = options.nbSmoothing + Math.abs(r);
      penalty[f] = options.l2 / (strength * strength);
    }
  }

  const hinge = options.loss === 'squared-hinge';
  const scores = new Float64Array(L);
  const objective = (w: Float64Array, gradient: Float64Array): number => {
    gradient.fill(0);
    let loss = 0;
    const biasOffset = F * L;
    for (const doc of documents) {
      for (let l = 0; l < L; l++) scores[l] = w[biasOffset + l] as number;
      for (let j = 0; j < doc.indices.length; j++) {
        const base = (doc.indices[j] as number) * L;
        const value = doc.values[j] as number;
        for (let l = 0; l < L; l++) scores[l] = (scores[l] as number) + value * (w[base + l] as number);
      }
      let max = -Infinity;
      for (let l = 0; l < L; l++) max = Math.max(max, scores[l] as number);
      let sum = 0;
      for (let l = 0; l < L; l++) {
        const e = Math.exp((scores[l] as number) - max);
        scores[l] = e;
        sum += e;
      }
      const scale = doc.weight / totalWeight;
      if (hinge) {
        // scores[] now holds exp(score - max); recover the raw scores for the margins.
        for (let l = 0; l < L; l++) {
          const raw = Math.log(scores[l] as number) + max;
          const sign = l === doc.label ? 1 : -1;
          const slack = 1 - sign * raw;
          let delta = 0;
          if (slack > 0) {
            loss += scale * slack * slack;
            delta = -2 * scale * slack * sign;
          }
          if (delta === 0) continue;
          gradient[biasOffset + l] = (gradient[biasOffset + l] as number) + delta;
          for (let j = 0; j < doc.indices.length; j++) {
            const index = (doc.indices[j] as number) * L + l;
            gradient[index] = (gradient[index] as number) + delta * (doc.values[j] as number);
          }
        }
        continue;
      }
      loss -= scale * Math.log((scores[doc.label] as number) / sum);
      for (let l = 0; l < L; l++) {
        const delta = scale * ((scores[l] as number) / sum - (l === doc.label ? 1 : 0));
        gradient[biasOffset + l] = (gradient[biasOffset + l] as number) + delta;
        for (let j = 0; j < doc.indices.length; j++) {
          const index = (doc.indices[j] as number) * L + l;
          gradient[index] = (gradient[index] as number) + delta * (doc.values[j] as number);
        }
      }
    }
    for (let i = 0; i < biasOffset; i++) {
      const d = (w[i] as number) - (prior[i] as number);
      const l2 = penalty[Math.floor(i / L)] as number;
      loss += 0.5 * l2 * d * d;
      gradient[i] = (gradient[i] as number) + l2 * d;
    }
    return loss;
  };

  const w = minimizeLbfgs(objective, Float64Array.from(prior), options.iterations);

  const weights: Record<string, number[]> = {};
  const factor = 10 ** options.decimals;
  const round = (x: number): number => Math.round(x * factor) / factor;
  for (let f = 0; f < F; f++) {
    const row: number[] = [];
    let keep = false;
    for (let l = 0; l < L; l++) {
      const value = round(w[f * L + l] as number);
      row.push(value === 0 ? 0 : value); // no -0 in the JSON
      if (Math.abs(value) > options.pruneBelow) keep = true;
    }
    if (keep) weights[keys[f] as string] = row;
  }
  const bias = options.labels.map((_, l) => round(w[F * L + l] as number));
  const lexiconEntries: Record<string, [number, number]> = {};
  if (options.features.lexicon && options.lexicon) {
    for (const e of options.lexicon) lexiconEntries[e.phrase] = [round(e.positive), round(e.negative)];
  }
  const model: LinearModelJson = {
    format: 'duluan-linear-1',
    task: options.task,
    version: '',
    created: new Date().toISOString(),
    seed: options.seed,
    labels: options.labels,
    features: options.features,
    hyperparameters: {
      optimizer: 'L-BFGS (full batch, m=10)',
      loss: options.loss ?? 'logistic',
      l2: options.l2,
      iterations: options.iterations,
      minCount: options.minCount,
      pruneBelow: options.pruneBelow,
      decimals: options.decimals,
      lexiconPrior: options.lexiconPrior,
      classBalance: options.classBalance,
      nbSmoothing: options.nbSmoothing,
      trainedFeatures: F,
    },
    training: options.training,
    lexicon: options.lexiconRecord,
    decision: options.decision,
    dev: null,
    bias,
    lexiconEntries,
    weights,
  };
  model.version = versionOf(model);
  return model;
}

/** Returns `<task>-1:` and 8 hex digits of the SHA-256 of what decides a model's predictions. */
export function versionOf(model: LinearModelJson): string {
  const decisive = JSON.stringify([model.labels, model.features, model.decision, model.bias, model.lexiconEntries, model.weights]);
  return `${model.task}-1:${sha256Hex(decisive).slice(0, 8)}`;
}

/** Returns the minimiser of a smooth function by L-BFGS with a backtracking (Armijo) line search. */
export function minimizeLbfgs(
  f: (x: Float64Array, gradient: Float64Array) => number,
  start: Float64Array,
  iterations: number,
  memory = 10,
): Float64Array {
  const n = start.length;
  let x = Float64Array.from(start);
  let g = new Float64Array(n);
  let fx = f(x, g);
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rhoList: number[] = [];
  const dot = (a: Float64Array, b: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (a[i] as number) * (b[i] as number);
    return s;
  };
  const alpha = new Array<number>(memory).fill(0);
  const xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  for (let iteration = 0; iteration < iterations; iteration++) {
    // Two-loop recursion: direction = -H·g
    const q = Float64Array.from(g);
    for (let k = sList.length - 1; k >= 0; k--) {
      const a = (rhoList[k] as number) * dot(sList[k] as Float64Array, q);
      alpha[k] = a;
      const y = yList[k] as Float64Array;
      for (let i = 0; i < n; i++) q[i] = (q[i] as number) - a * (y[i] as number);
    }
    if (sList.length > 0) {
      const last = sList.length - 1;
      const gamma = dot(sList[last] as Float64Array, yList[last] as Float64Array) / dot(yList[last] as Float64Array, yList[last] as Float64Array);
      for (let i = 0; i < n; i++) q[i] = (q[i] as number) * gamma;
    } else {
      const norm = Math.sqrt(dot(g, g)) || 1;
      for (let i = 0; i < n; i++) q[i] = (q[i] as number) / norm;
    }
    for (let k = 0; k < sList.length; k++) {
      const b = (rhoList[k] as number) * dot(yList[k] as Float64Array, q);
      const s = sList[k] as Float64Array;
      const a = alpha[k] as number;
      for (let i = 0; i < n; i++) q[i] = (q[i] as number) + (a - b) * (s[i] as number);
    }
    // q is now H·g; the step goes along -q.
    const slope = -dot(g, q);
    if (!(slope < 0)) break;
    let step = 1;
    let fNew = 0;
    for (let tries = 0; tries < 30; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = (x[i] as number) - step * (q[i] as number);
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(fNew < fx)) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (xNew[i] as number) - (x[i] as number);
      y[i] = (gNew[i] as number) - (g[i] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      if (sList.length === memory) {
        sList.shift();
        yList.shift();
        rhoList.shift();
      }
      sList.push(s);
      yList.push(y);
      rhoList.push(1 / sy);
    }
    const converged = Math.abs(fx - fNew) < 1e-10 * Math.max(1, Math.abs(fx));
    x = Float64Array.from(xNew);
    const swap = g;
    g = gNew;
    gNew = swap;
    fx = fNew;
    if (converged) break;
  }
  return x;
}

/**
 * Returns one linear model whose scores are the weighted mean of the models' scores (an ensemble
 * that averages log-odds): weights of a feature key are summed across members, each scaled by its
 * member's share, and the feature options are the union of the members'. Prediction then costs
 * one model's lookups, and explanations still map every feature to its span.
 * The members must share labels and `sqrtLengthScale` (feature values must mean the same).
 */
export function averageLinearModels(members: readonly LinearModelJson[], shares?: readonly number[]): LinearModelJson {
  const first = members[0];
  if (first === undefined) throw new Error('no models to average');
  const total = (shares ?? members.map(() => 1)).reduce((a, b) => a + b, 0);
  const share = members.map((_, i) => (shares?.[i] ?? 1) / total);
  for (const member of members) {
    if (JSON.stringify(member.labels) !== JSON.stringify(first.labels)) throw new Error('members must share labels');
    if ((member.features.sqrtLengthScale ?? false) !== (first.features.sqrtLengthScale ?? false)) throw new Error('members must share sqrtLengthScale');
    if (member.features.lexicon && first.features.lexicon && JSON.stringify(member.lexiconEntries) !== JSON.stringify(first.lexiconEntries)) throw new Error('members must share the lexicon');
  }
  const max = (pick: (f: FeatureOptions) => number | undefined): number => Math.max(...members.map((m) => pick(m.features) ?? 0));
  const min = (pick: (f: FeatureOptions) => number | undefined): number => {
    const used = members.map((m) => pick(m.features) ?? 0).filter((v) => v > 0);
    return used.length === 0 ? 0 : Math.min(...used);
  };
  const any = (pick: (f: FeatureOptions) => boolean | undefined): boolean => members.some((m) => pick(m.features) === true);
  // Options that change what a key means must agree where used; the others are unioned.
  const features: FeatureOptions = {
    wordNgramMax: max((f) => f.wordNgramMax),
    charNgramMin: min((f) => (f.charNgramMax > 0 ? f.charNgramMin : 0)),
    charNgramMax: max((f) => f.charNgramMax),
    lexicon: any((f) => f.lexicon),
    intensifiers: any((f) => f.intensifiers),
  };
  const optional: [keyof FeatureOptions, number | boolean][] = [
    ['skipBigrams', any((f) => f.skipBigrams)],
    ['sqrtLengthScale', any((f) => f.sqrtLengthScale)],
    ['accentNgramMax', max((f) => f.accentNgramMax)],
    ['boundaries', max((f) => f.boundaries)],
    ['clauseBoundaries', any((f) => f.clauseBoundaries)],
    ['symbols', any((f) => f.symbols)],
    ['contrast', any((f) => f.contrast)],
    ['textCharNgramMin', min((f) => ((f.textCharNgramMax ?? 0) > 0 ? f.textCharNgramMin : 0))],
    ['textCharNgramMax', max((f) => f.textCharNgramMax)],
    ['accentCharNgramMin', min((f) => ((f.accentCharNgramMax ?? 0) > 0 ? f.accentCharNgramMin : 0))],
    ['accentCharNgramMax', max((f) => f.accentCharNgramMax)],
  ];
  for (const [key, value] of optional) if (value !== false && value !== 0) (features as unknown as Record<string, unknown>)[key] = value;
  if (members.some((m) => m.features.boundaries && !m.features.clauseBoundaries) && features.clauseBoundaries) {
    throw new Error('members must agree on clauseBoundaries');
  }
  // A shorter n-gram range in one member and a longer in another is fine: a member has no keys
  // outside its own range. The minimum only widens extraction.
  const L = first.labels.length;
  const sums = new Map<string, number[]>();
  members.forEach((member, m) => {
    for (const [key, row] of Object.entries(member.weights)) {
      const sum = sums.get(key) ?? new Array<number>(L).fill(0);
      for (let l = 0; l < L; l++) sum[l] = (sum[l] as number) + (share[m] as number) * (row[l] ?? 0);
      sums.set(key, sum);
    }
  });
  const round = (x: number): number => {
    const r = Math.round(x * 1e4) / 1e4;
    return r === 0 ? 0 : r;
  };
  const weights: Record<string, number[]> = {};
  for (const key of [...sums.keys()].sort()) {
    const row = (sums.get(key) as number[]).map(round);
    if (row.some((v) => v !== 0)) weights[key] = row;
  }
  const bias = first.labels.map((_, l) => round(members.reduce((sum, member, m) => sum + (share[m] as number) * (member.bias[l] ?? 0), 0)));
  const lexiconMember = members.find((m) => m.features.lexicon);
  const model: LinearModelJson = {
    ...first,
    created: new Date().toISOString(),
    features,
    hyperparameters: {
      ensemble: `mean of ${members.length} models' scores (log-odds), shares ${share.map((s) => s.toFixed(3)).join('/')}`,
      ...Object.fromEntries(members.flatMap((member, m) => Object.entries(member.hyperparameters).map(([k, v]) => [`member${m + 1}.${k}`, v]))),
      ...Object.fromEntries(members.map((member, m) => [`member${m + 1}.features`, JSON.stringify(member.features)])),
    },
    lexicon: lexiconMember?.lexicon ?? null,
    lexiconEntries: lexiconMember?.lexiconEntries ?? {},
    dev: null,
    bias,
    weights,
  };
  model.version = versionOf(model);
  return model;
}
