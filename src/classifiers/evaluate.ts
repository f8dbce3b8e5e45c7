// Scores a classifier on `label<TAB>text` lines: per-label precision/recall/F1, accuracy, macro and
// weighted F1, and for the offensive detector the flagged (offensive + hate) class. `duluan eval`
// prints what `evaluateFile` returns.

import { readFileSync } from 'node:fs';
import { parseLabelledLines } from './train-linear-model.ts';
import { loadModels, type LoadedModels } from './load-models.ts';

/** Precision, recall and F1 of one label (or of the flagged class). */
export interface LabelMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** What `duluan eval` prints: one entry per label plus the summary figures. */
export interface EvaluationReport {
  task: string;
  model: string;
  items: number;
  labels: Record<string, LabelMetrics>;
  accuracy: number;
  macro_f1: number;
  weighted_f1: number;
  flagged?: LabelMetrics;
  items_per_second: number;
}

export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;
export const OFFENSIVE_LABELS = ['clean', 'offensive', 'hate'] as const;
export const FLAGGED_LABELS = ['offensive', 'hate'] as const;

const round4 = (x: number): number => Math.round(x * 10000) / 10000;

function metricsOf(truePositive: number, predicted: number, actual: number): LabelMetrics {
  const precision = predicted === 0 ? 0 : truePositive / predicted;
  const recall = actual === 0 ? 0 : truePositive / actual;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision: round4(precision), recall: round4(recall), f1: round4(f1), support: actual };
}

/** Returns the scores of `predict` on `label<TAB>text` lines; `flaggedLabels` adds the flagged class. */
export function evaluateTsv(
  lines: readonly string[],
  predict: (text: string) => string,
  options: { task?: string; model?: string; labels?: readonly string[]; flaggedLabels?: readonly string[] } = {},
): EvaluationReport {
  const examples = parseLabelledLines(lines);
  const predictions: string[] = new Array<string>(examples.length);
  for (let i = 0; i < examples.length; i++) predictions[i] = predict((examples[i] as { text: string }).text);
  // Speed is timed on further passes once the first has warmed the JIT up, in CPU time of this
  // process (one core), for at least half a second so that small files give a stable figure.
  let timedItems = 0;
  let seconds = 0;
  const started = process.cpuUsage();
  while (examples.length > 0 && seconds < 0.5) {
    for (const example of examples) predict(example.text);
    timedItems += examples.length;
    const used = process.cpuUsage(started);
    seconds = (used.user + used.system) / 1e6;
  }

  const labels = options.labels ?? [...new Set(examples.map((e) => e.label))].sort();
  const report: EvaluationReport = {
    task: options.task ?? 'unknown',
    model: options.model ?? 'unknown',
    items: examples.length,
    labels: {},
    accuracy: 0,
    macro_f1: 0,
    weighted_f1: 0,
    items_per_second: seconds === 0 ? 0 : Math.round(timedItems / seconds),
  };
  let correct = 0;
  for (let i = 0; i < examples.length; i++) if (predictions[i] === (examples[i] as { label: string }).label) correct++;
  report.accuracy = round4(examples.length === 0 ? 0 : correct / examples.length);
  let macro = 0;
  let weighted = 0;
  for (const label of labels) {
    let truePositive = 0;
    let predicted = 0;
    let actual = 0;
    examples.forEach((example, i) => {
      const isPredicted = predictions[i] === label;
      const isActual = example.label === label;
      if (isPredicted) predicted++;
      if (isActual) actual++;
      if (isPredicted && isActual) truePositive++;
    });
    const metrics = metricsOf(truePositive, predicted, actual);
    report.labels[label] = metrics;
    macro += metrics.f1;
    weighted += metrics.f1 * actual;
  }
  report.macro_f1 = round4(labels.length === 0 ? 0 : macro / labels.length);
  report.weighted_f1 = round4(examples.length === 0 ? 0 : weighted / examples.length);
  if (options.flaggedLabels) {
    const flagged = new Set(options.flaggedLabels);
    let truePositive = 0;
    let predicted = 0;
    let actual = 0;
    examples.forEach((example, i) => {
      const isPredicted = flagged.has(predictions[i] as string);
      const isActual = flagged.has(example.label);
      if (isPredicted) predicted++;
      if (isActual) actual++;
      if (isPredicted && isActual) truePositive++;
    });
    report.flagged = metricsOf(truePositive, predicted, actual);
  }
  return report;
}

/** Returns which model scores these lines: `sentiment` for negative|neutral|positive, `offensive` for clean|offensive|hate. */
export function detectTask(lines: readonly string[]): 'sentiment' | 'offensive' {
  const labels = new Set(parseLabelledLines(lines).map((e) => e.label));
  if (labels.size === 0) throw new Error('no label<TAB>text lines to score');
  if ([...labels].every((l) => (SENTIMENT_LABELS as readonly string[]).includes(l))) return 'sentiment';
  if ([...labels].every((l) => (OFFENSIVE_LABELS as readonly string[]).includes(l))) return 'offensive';
  throw new Error(`labels ${[...labels].join(', ')} are neither negative|neutral|positive nor clean|offensive|hate`);
}

/** Returns the evaluation of the committed (or given) models on a `label<TAB>text` file. */
export function evaluateLines(lines: readonly string[], models: LoadedModels = loadModels()): EvaluationReport {
  const task = detectTask(lines);
  if (task === 'sentiment') {
    const model = models.sentiment;
    return evaluateTsv(lines, (text) => model.predict(text).label, {
      task,
      model: model.json.version,
      labels: SENTIMENT_LABELS,
    });
  }
  const model = models.offensive;
  return evaluateTsv(lines, (text) => model.predict(text).label, {
    task,
    model: model.json.version,
    labels: OFFENSIVE_LABELS,
    flaggedLabels: FLAGGED_LABELS,
  });
}

/** Returns the evaluation of the committed (or given) models on the `label<TAB>text` file at `path`. */
export function evaluateFile(path: string, models?: LoadedModels): EvaluationReport {
  return evaluateLines(readFileSync(path, 'utf8').split('\n'), models);
}
