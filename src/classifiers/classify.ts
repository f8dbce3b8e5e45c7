// Combines every signal into one Classification with its explanations: seed and staff rules and
// the ward's places (one automaton over the text's syllables), the sentiment model, the offensive
// language detector and the register of known claims. The text is analysed once and shared.

import { createHash } from 'node:crypto';
import {
  type Classification,
  type Classifier,
  type ClassifierInput,
  type ExplanationSpan,
  type Label,
  type RuleCategory,
} from '../domain/classification.ts';
import type { Gazetteer } from '../domain/rule.ts';
import { analyzeText, type Token } from '../text/analyze-text.ts';
import { compileClaims, matchClaims, type ClaimDefinition } from './claim-matcher.ts';
import type { Contribution, CompiledLinearModel, Prediction } from './linear-model.ts';
import type { LoadedModels } from './load-models.ts';
import { SEED_RULES, type KeywordRule } from './seed-rules.ts';
import { compileStaffRules, matchStaffRules, type StaffRuleDefinition } from './staff-rules.ts';

/** A match in the title counts this many times its rule's weight: titles say what a text is about. */
export const TITLE_WEIGHT_FACTOR = 1.5;
/** A rule category becomes a label when its summed weight reaches this. */
export const LABEL_THRESHOLD = 1.0;
/** The sentiment model's probability from which it labels a text negative or positive on its own. */
export const SENTIMENT_THRESHOLD = 0.6;
/** How many model phrases an explanation shows. */
const MODEL_SPANS = 5;

// Seed rules and the gazetteer share the staff rules' automaton under ids staff rules never reach.
const SEED_ID_BASE = 1_000_000;
const PLACE_ID_BASE = 2_000_000;

/** Everything a classifier is built from; each part is optional. */
export interface ClassifierParts {
  seedRules?: readonly KeywordRule[];
  staffRules?: readonly StaffRuleDefinition[];
  claims?: readonly ClaimDefinition[];
  gazetteer?: Gazetteer;
  /** The trained models; null classifies by rules and claims only. */
  models?: LoadedModels | null;
}

/** Returns a short stable hash of a value's JSON. */
function shortHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 10);
}

/** Returns the classifier's version: it changes whenever any part it is built from changes. */
export function classifierVersion(parts: ClassifierParts): string {
  const models = parts.models ? [parts.models.sentiment.json.version, parts.models.offensive.json.version] : [];
  return `classifier-2:${shortHash([
    parts.seedRules ?? SEED_RULES,
    (parts.staffRules ?? []).filter((rule) => rule.enabled),
    (parts.claims ?? []).filter((claim) => claim.enabled !== false).map((claim) => [claim.id, claim.statement, claim.verdict, claim.correction]),
    parts.gazetteer ?? null,
    models,
  ])}`;
}

interface RuleSource {
  ruleId: string;
  category: RuleCategory;
  weight: number;
}

/** Returns a classifier combining every part given. */
export function createClassifier(parts: ClassifierParts = {}): Classifier {
  const seedRules = parts.seedRules ?? SEED_RULES;
  const sources = new Map<number, RuleSource>();
  const definitions: StaffRuleDefinition[] = [];
  seedRules.forEach((rule, index) => {
    const id = SEED_ID_BASE + index;
    sources.set(id, { ruleId: `seed:${rule.id}`, category: rule.category, weight: rule.weight });
    definitions.push({ id, kind: 'phrase', category: rule.category, pattern: rule.phrase, weight: rule.weight, enabled: true });
  });
  const places = parts.gazetteer ? [...parts.gazetteer.wardNames, ...parts.gazetteer.schools, ...parts.gazetteer.residentialGroups] : [];
  places.forEach((place, index) => {
    const id = PLACE_ID_BASE + index;
    sources.set(id, { ruleId: `place:${place}`, category: 'relevant', weight: 2 });
    definitions.push({ id, kind: 'phrase', category: 'relevant', pattern: place, weight: 2, enabled: true });
  });
  for (const rule of parts.staffRules ?? []) {
    if (!rule.enabled) continue;
    sources.set(rule.id, { ruleId: `staff:${rule.id}`, category: rule.category, weight: rule.weight });
    definitions.push(rule);
  }
  const matcher = compileStaffRules(definitions);
  const claimIndex = parts.claims && parts.claims.length > 0 ? compileClaims(parts.claims) : null;
  const models = parts.models ?? null;
  const version = classifierVersion(parts);

  return {
    version,
    classify({ title, body, kind = 'article' }: ClassifierInput): Classification {
      // One text, one analysis: the title, a line break (a sentence boundary), then the body.
      const text = body ? `${title}\n${body}` : title;
      const titleLength = title.length;
      const tokens = analyzeText(text);
      const spans: ExplanationSpan[] = [];
      const scores: Partial<Record<Label, number>> = {};

      for (const match of matchStaffRules(matcher, text, tokens)) {
        const source = sources.get(match.ruleId);
        if (!source) continue;
        const span = spanAt(text, titleLength, match.start, match.end, source.category, source.ruleId, match.weight, true);
        if (!span) continue;
        scores[source.category] = (scores[source.category] ?? 0) + span.weight;
        spans.push(span);
      }
      // What the rules alone scored, before the models and claims add to the scores.
      const ruleRelevant = scores.relevant ?? 0;
      const ruleNegative = scores.negative ?? 0;
      const ruleMisinformation = scores.misinformation ?? 0;

      const claimMatches = claimIndex ? matchClaims(claimIndex, tokens) : [];
      let falseClaim = false;
      let bestClaimScore = -Infinity;
      for (const match of claimMatches) {
        if (match.verdict === 'fake' || match.verdict === 'false') falseClaim = true;
        bestClaimScore = maxOf(bestClaimScore, match.score);
      }

      let sentiment: Prediction | null = null;
      let offensive: Prediction | null = null;
      if (models) {
        sentiment = models.sentiment.predictTokens(tokens, text);
        offensive = models.offensive.predictTokens(tokens, text);
      }
      const sentimentLabel = sentiment?.label as 'negative' | 'neutral' | 'positive' | undefined;
      let sentimentProbability = 0;
      if (sentiment) {
        sentimentProbability = -Infinity;
        for (const probability of sentiment.probabilities) sentimentProbability = maxOf(sentimentProbability, probability);
      }

      // The models learnt from comments and students' feedback. News articles are another kind of
      // text (mostly neutral reporting, which the models barely saw): there they only add to the
      // scores, and labels come from rules and claims.
      const modelsLabel = kind === 'comment';
      const relevant = ruleRelevant >= LABEL_THRESHOLD || claimMatches.length > 0;
      const negative =
        ruleNegative >= LABEL_THRESHOLD || (modelsLabel && sentimentLabel === 'negative' && sentimentProbability >= SENTIMENT_THRESHOLD);
      const misinformation = ruleMisinformation >= LABEL_THRESHOLD || falseClaim;
      const isOffensive = modelsLabel && (offensive?.flagged ?? false);
      const positive = modelsLabel && !negative && !isOffensive && sentimentLabel === 'positive' && sentimentProbability >= SENTIMENT_THRESHOLD;

      if (sentiment) {
        if (sentimentLabel === 'negative') scores.negative = (scores.negative ?? 0) + sentimentProbability;
        if (sentimentLabel === 'positive') scores.positive = (scores.positive ?? 0) + sentimentProbability;
      }
      if (offensive) scores.offensive = offensive.flaggedProbability;
      if (falseClaim) scores.misinformation = (scores.misinformation ?? 0) + bestClaimScore;

      // Items about neither education nor the ward are kept but not flagged (LABELS order).
      const standsNegative = negative && relevant;
      const standsMisinformation = misinformation && relevant;
      const standsOffensive = isOffensive && relevant;
      const standsPositive = positive && relevant;
      const labels: Label[] = [];
      if (standsNegative) labels.push('negative');
      if (standsMisinformation) labels.push('misinformation');
      if (standsOffensive) labels.push('offensive');
      if (relevant) labels.push('relevant');
      if (standsPositive) labels.push('positive');
      // Explanations of the models: only for labels that stand (an explanation costs more than the
      // prediction it explains), so the common case stays cheap.
      if (models && sentiment && standsNegative && modelsLabel && sentimentLabel === 'negative') explainInto(spans, models.sentiment, sentiment, tokens, text, titleLength, 'negative', 'model:sentiment');
      if (models && sentiment && standsPositive) explainInto(spans, models.sentiment, sentiment, tokens, text, titleLength, 'positive', 'model:sentiment');
      if (models && offensive && standsOffensive) explainInto(spans, models.offensive, offensive, tokens, text, titleLength, 'offensive', 'model:offensive');
      const classification: Classification = { labels, scores, spans, version };
      if (sentiment && sentimentLabel) {
        const probabilities: Record<string, number> = {};
        const sentimentLabels = models!.sentiment.labels;
        for (let index = 0; index < sentimentLabels.length; index++) probabilities[sentimentLabels[index]!] = sentiment.probabilities[index] ?? 0;
        classification.sentiment = { label: sentimentLabel, probabilities };
      }
      if (offensive) classification.offensiveProbability = offensive.flaggedProbability;
      if (claimMatches.length > 0) classification.claimMatches = claimMatches;
      return classification;
    },
  };
}

/** Returns the larger of two numbers as Math.max does (NaN wins), without spreading arrays. */
function maxOf(a: number, b: number): number {
  return a !== a || b !== b ? NaN : b > a ? b : a;
}

/**
 * Returns the span of the characters [start, end) of `title\nbody` in its field, or null when it
 * straddles the boundary (nothing a reader could be shown). `titleFactor` weighs title matches by
 * TITLE_WEIGHT_FACTOR.
 */
function spanAt(
  text: string,
  titleLength: number,
  start: number,
  end: number,
  category: Label,
  ruleId: string,
  weight: number,
  titleFactor: boolean,
): ExplanationSpan | null {
  if (end <= titleLength) {
    return { field: 'title', start, end, text: text.slice(start, end), category, ruleId, weight: titleFactor ? weight * TITLE_WEIGHT_FACTOR : weight };
  }
  const bodyStart = titleLength + 1;
  if (start >= bodyStart) {
    return { field: 'body', start: start - bodyStart, end: end - bodyStart, text: text.slice(start, end), category, ruleId, weight: titleFactor ? weight * 1 : weight };
  }
  return null;
}

/** Adds a model's explanation of the text (its phrases that raised the label) to the spans. */
function explainInto(
  spans: ExplanationSpan[],
  model: CompiledLinearModel,
  prediction: Prediction,
  tokens: readonly Token[],
  text: string,
  titleLength: number,
  category: Label,
  ruleId: string,
): void {
  // The prediction classify already made, explained: no second prediction. Spans show no feature
  // keys, so none are collected.
  const contributions: readonly Contribution[] = model.explainPrediction(tokens, text, prediction, MODEL_SPANS, { keys: false });
  for (const contribution of contributions) {
    if (contribution.weight <= 0) continue;
    const span = spanAt(text, titleLength, contribution.start, contribution.end, category, ruleId, contribution.weight, false);
    if (span) spans.push(span);
  }
}

/** Returns a classifier by rules only (seed rules unless others are given): no models, no claims. */
export function createRuleClassifier(rules: readonly KeywordRule[] = SEED_RULES): Classifier {
  return createClassifier({ seedRules: rules, models: null });
}
