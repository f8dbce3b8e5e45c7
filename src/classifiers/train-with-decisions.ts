// `duluan train --from-decisions`: the base training data plus staff decisions as extra labelled
// examples for the sentiment model (an item dismissed as a false positive of the negative flag is
// a `neutral` example, a confirmed one a `negative` example), with the dev figures of the models
// in use and of the retrained ones side by side. Builds on train-models.ts without changing it.

import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { evaluateLines, type EvaluationReport } from './evaluate.ts';
import { compileLinearModel } from './linear-model.ts';
import type { LoadedModels } from './load-models.ts';
import { sha256Hex } from './train-linear-model.ts';
import {
  checkTrainingFiles,
  DEFAULT_DATA_DIR,
  DEFAULT_SEED,
  defaultDataPaths,
  trainModels,
  VIETSENTIWORDNET_FILE,
  type TrainedModels,
} from './train-models.ts';

/** A staff decision as a training example: the item's text and the sentiment label it stands for. */
export interface DecisionExample {
  label: 'negative' | 'neutral';
  title: string;
  body: string;
}

/** Inputs of `trainWithDecisions`. */
export interface TrainWithDecisionsOptions {
  decisions: readonly DecisionExample[];
  /** The shared data directory (default ../shared/data). */
  dataDir?: string;
  /** Use at most this many lines of each base training file (evenly spread), e.g. for a quick check. */
  baseLimit?: number;
  /** The models in use, for the "before" figures; none: no before figures. */
  current?: LoadedModels | null;
  seed?: number;
}

/** The dev figures that matter for the decision: the sentiment model's negative F1, weighted F1 and accuracy. */
export interface DevFigures {
  file: string;
  negativeF1: number;
  weightedF1: number;
  accuracy: number;
  offensiveFlaggedF1?: number;
  offensiveFile?: string;
}

/** What `trainWithDecisions` returns. */
export interface TrainWithDecisionsResult {
  models: TrainedModels;
  /** How many decisions were used per label. */
  used: Record<'negative' | 'neutral', number>;
  baseLines: { sentiment: number; offensive: number };
  before: DevFigures | null;
  after: DevFigures | null;
}

/** The longest text of one decision kept for training: the sentiment model learnt from short texts. */
const MAX_DECISION_CHARS = 1000;

/** Returns a decision as one `label<TAB>text` line: title and body on one line, no tabs, capped. */
export function decisionLine(decision: DecisionExample): string {
  const text = `${decision.title}. ${decision.body}`.normalize('NFC').replace(/\s+/g, ' ').trim().slice(0, MAX_DECISION_CHARS);
  return `${decision.label}\t${text}`;
}

/** Returns at most `limit` of the non-empty lines, spread evenly over the file (all when no limit). */
export function spreadLines(lines: readonly string[], limit?: number): string[] {
  const present = lines.filter((line) => line.trim() !== '');
  if (limit === undefined || present.length <= limit) return present;
  const picked: string[] = [];
  for (let index = 0; index < limit; index++) picked.push(present[Math.floor((index * present.length) / limit)]!);
  return picked;
}

function figuresOf(sentiment: EvaluationReport, offensive: EvaluationReport | null, file: string, offensiveFile: string): DevFigures {
  return {
    file,
    negativeF1: sentiment.labels['negative']?.f1 ?? 0,
    weightedF1: sentiment.weighted_f1,
    accuracy: sentiment.accuracy,
    ...(offensive?.flagged ? { offensiveFlaggedF1: offensive.flagged.f1, offensiveFile } : {}),
  };
}

/** Returns the models retrained on the base data plus the decisions, with the dev figures before and after. */
export function trainWithDecisions(options: TrainWithDecisionsOptions): TrainWithDecisionsResult {
  if (options.decisions.length === 0) throw new Error('no staff decisions to train on');
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const { sentimentTrainPath, offensiveTrainPath, sentimentDevPath, offensiveDevPath, lexiconDir } = defaultDataPaths(dataDir);
  checkTrainingFiles([sentimentTrainPath, offensiveTrainPath], dataDir);
  const read = (file: string) => readFileSync(file, 'utf8').split('\n');
  const sentimentBase = spreadLines(read(sentimentTrainPath), options.baseLimit);
  const offensiveBase = spreadLines(read(offensiveTrainPath), options.baseLimit);
  const decisionLines = options.decisions.map(decisionLine);
  const sentimentTrain = [...sentimentBase, ...decisionLines];
  const used = { negative: 0, neutral: 0 };
  for (const decision of options.decisions) used[decision.label]++;

  const sentimentDev = existsSync(sentimentDevPath) ? read(sentimentDevPath) : undefined;
  const offensiveDev = existsSync(offensiveDevPath) ? read(offensiveDevPath) : undefined;

  const limited = options.baseLimit !== undefined ? ` (at most ${options.baseLimit} lines)` : '';
  const models = trainModels({
    sentimentTrain: sentimentBase,
    // The staff's decisions are what the ward wants learnt: never dropped as likely mislabelled.
    sentimentKeep: decisionLines,
    offensiveTrain: offensiveBase,
    // Provenance: the base file and the decisions, with the hash of exactly what was trained on.
    sentimentSource: {
      file: `${basename(sentimentTrainPath)}${limited} + ${decisionLines.length} staff decisions (${used.negative} negative, ${used.neutral} neutral)`,
      lines: sentimentTrain.length,
      sha256: sha256Hex(sentimentTrain.join('\n')),
    },
    offensiveSource: { file: `${basename(offensiveTrainPath)}${limited}`, lines: offensiveBase.length, sha256: sha256Hex(offensiveBase.join('\n')) },
    ...(existsSync(join(lexiconDir, VIETSENTIWORDNET_FILE)) ? { lexiconDir } : {}),
    ...(sentimentDev ? { sentimentDev, sentimentDevName: basename(sentimentDevPath) } : {}),
    ...(offensiveDev ? { offensiveDev, offensiveDevName: basename(offensiveDevPath) } : {}),
    seed: options.seed ?? DEFAULT_SEED,
  });

  let before: DevFigures | null = null;
  let after: DevFigures | null = null;
  if (sentimentDev) {
    const file = basename(sentimentDevPath);
    const offensiveFile = basename(offensiveDevPath);
    const retrained: LoadedModels = { sentiment: compileLinearModel(models.sentiment), offensive: compileLinearModel(models.offensive) };
    if (options.current) {
      before = figuresOf(evaluateLines(sentimentDev, options.current), offensiveDev ? evaluateLines(offensiveDev, options.current) : null, file, offensiveFile);
    }
    after = figuresOf(evaluateLines(sentimentDev, retrained), offensiveDev ? evaluateLines(offensiveDev, retrained) : null, file, offensiveFile);
  }
  return { models, used, baseLines: { sentiment: sentimentBase.length, offensive: offensiveBase.length }, before, after };
}
