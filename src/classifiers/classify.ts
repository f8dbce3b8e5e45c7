// Combines every signal into one Classification with its explanations: seed and staff rules and
// the ward's places (one automaton over the text's syllables), the sentiment model, the offensive
// language detector and the register of known claims. The text is analysed once and shared.

import { createHash } from 'node:crypto';
import {
  LABELS,
  type Classification,
  type Classifier,
  type ClassifierInput,
  type ExplanationSpan,
  type Label,
  type RuleCategory,
  type TextField,
} from '../domain/classification.ts';
import type { Gazetteer } from '../domain/rule.ts';
import { analyzeText } from '../text/analyze-text.ts';
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
      const bodyStart = title.length + 1;
      const tokens = analyzeText(text);
      const locate = (start: number, end: number): { field: TextField; start: number; end: number } | null => {
        if (end <= title.length) return { field: 'title', start, end };
        if (start >= bodyStart) return { field: 'body', start: start - bodyStart, end: end - bodyStart };
        return null; // straddles the boundary: nothing a reader could be shown
      };
      const spans: ExplanationSpan[] = [];
      const scores: Partial<Record<Label, number>> = {};
      const add = (label: Label, weight: number) => {
        scores[label] = (scores[label] ?? 0) + weight;
      };

      for (const match of matchStaffRules(matcher, text, tokens)) {
        const source = sources.get(match.ruleId);
        const place = locate(match.start, match.end);
        if (!source || !place) continue;
        const weight = match.weight * (place.field === 'title' ? TITLE_WEIGHT_FACTOR : 1);
        add(source.category, weight);
        spans.push({ ...place, text: text.slice(match.start, match.end), category: source.category, ruleId: source.ruleId, weight });
      }
      const ruleScores = { ...scores };

      const claimMatches = claimIndex ? matchClaims(claimIndex, tokens) : [];
      const falseClaim = claimMatches.some((match) => match.verdict === 'fake' || match.verdict === 'false');

      let sentiment: Prediction | null = null;
      let offensive: Prediction | null = null;
      if (models) {
        sentiment = models.sentiment.predictTokens(tokens, text);
        offensive = models.offensive.predictTokens(tokens, text);
      }
      const sentimentLabel = sentiment?.label as 'negative' | 'neutral' | 'positive' | undefined;
      const sentimentProbability = sentiment ? Math.max(...sentiment.probabilities) : 0;

      // The models learnt from comments and students' feedback. News articles are another kind of
      // text (mostly neutral reporting, which the models barely saw): there they only add to the
      // scores, and labels come from rules and claims.
      const modelsLabel = kind === 'comment';
      const relevant = (ruleScores.relevant ?? 0) >= LABEL_THRESHOLD || claimMatches.length > 0;
      const negative =
        (ruleScores.negative ?? 0) >= LABEL_THRESHOLD ||
        (modelsLabel && sentimentLabel === 'negative' && sentimentProbability >= SENTIMENT_THRESHOLD);
      const misinformation = (ruleScores.misinformation ?? 0) >= LABEL_THRESHOLD || falseClaim;
      const isOffensive = modelsLabel && (offensive?.flagged ?? false);
      const positive = modelsLabel && !negative && !isOffensive && sentimentLabel === 'positive' && sentimentProbability >= SENTIMENT_THRESHOLD;

      if (sentiment) {
        if (sentimentLabel === 'negative') add('negative', sentimentProbability);
        if (sentimentLabel === 'positive') add('positive', sentimentProbability);
      }
      if (offensive) scores.offensive = offensive.flaggedProbability;
      if (falseClaim) add('misinformation', Math.max(...claimMatches.map((match) => match.score)));

      // Explanations of the models: only for what is shown, so the common case stays cheap.
      const explain = (model: CompiledLinearModel, category: Label, ruleId: string) => {
        const prediction = model.predictTokens(tokens, text, { explain: true, top: MODEL_SPANS });
        for (const contribution of prediction.contributions ?? []) pushModelSpan(contribution, category, ruleId);
      };
      const pushModelSpan = (contribution: Contribution, category: Label, ruleId: string) => {
        if (contribution.weight <= 0) return;
        const place = locate(contribution.start, contribution.end);
        if (place) spans.push({ ...place, text: text.slice(contribution.start, contribution.end), category, ruleId, weight: contribution.weight });
      };

      // Items about neither education nor the ward are kept but not flagged.
      const candidates: Record<Label, boolean> = {
        misinformation: misinformation && relevant,
        negative: negative && relevant,
        offensive: isOffensive && relevant,
        relevant,
        positive: positive && relevant,
      };
      const labels = LABELS.filter((label) => candidates[label]);
      // Only labels that stand are explained (explanations cost several predictions).
      if (models && candidates.negative && modelsLabel && sentimentLabel === 'negative') explain(models.sentiment, 'negative', 'model:sentiment');
      if (models && candidates.positive) explain(models.sentiment, 'positive', 'model:sentiment');
      if (models && candidates.offensive) explain(models.offensive, 'offensive', 'model:offensive');
      const classification: Classification = { labels, scores, spans, version };
      if (sentiment && sentimentLabel) {
        classification.sentiment = {
          label: sentimentLabel,
          probabilities: Object.fromEntries(models!.sentiment.labels.map((label, index) => [label, sentiment!.probabilities[index] ?? 0])),
        };
      }
      if (offensive) classification.offensiveProbability = offensive.flaggedProbability;
      if (claimMatches.length > 0) classification.claimMatches = claimMatches;
      return classification;
    },
  };
}

/** Returns a classifier by rules only (seed rules unless others are given): no models, no claims. */
export function createRuleClassifier(rules: readonly KeywordRule[] = SEED_RULES): Classifier {
  return createClassifier({ seedRules: rules, models: null });
}
