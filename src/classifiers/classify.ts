// Combines what the classifiers find into one Classification with its explanations. Today only
// keyword rules contribute; the sentiment model, claim matching and offensive-language detection
// plug in here as further sources of spans and scores.

import { createHash } from 'node:crypto';
import {
  LABELS,
  type Classification,
  type Classifier,
  type ClassifierInput,
  type ExplanationSpan,
  type Label,
  type TextField,
} from '../domain/classification.ts';
import { compileKeywordRules, matchKeywordRules, type KeywordMatcher, type KeywordRule } from './keyword-rules.ts';
import { SEED_RULES } from './seed-rules.ts';

/** A match in the title counts this many times its rule's weight: titles say what a text is about. */
export const TITLE_WEIGHT_FACTOR = 1.5;
/** A label is given when its category's score reaches this. */
export const LABEL_THRESHOLD = 1.0;

/** Returns `rules-1:` and the first 8 hex digits of the SHA-256 of the rules, stable for equal rule lists. */
export function hashRulesVersion(rules: readonly KeywordRule[]): string {
  const canonical = JSON.stringify(rules.map(({ id, category, phrase, weight }) => [id, category, phrase, weight]));
  return `rules-1:${createHash('sha256').update(canonical).digest('hex').slice(0, 8)}`;
}

function spansOf(matcher: KeywordMatcher, field: TextField, text: string): ExplanationSpan[] {
  const factor = field === 'title' ? TITLE_WEIGHT_FACTOR : 1;
  return matchKeywordRules(matcher, text).map(({ rule, start, end }) => ({
    field,
    start,
    end,
    text: text.slice(start, end),
    category: rule.category,
    ruleId: rule.id,
    weight: rule.weight * factor,
  }));
}

/** Returns the labels whose summed span weight reaches the threshold, with the scores behind them. */
export function combineSpans(spans: readonly ExplanationSpan[]): Pick<Classification, 'labels' | 'scores'> {
  const scores: Partial<Record<Label, number>> = {};
  for (const span of spans) scores[span.category] = (scores[span.category] ?? 0) + span.weight;
  const labels = LABELS.filter((label) => (scores[label] ?? 0) >= LABEL_THRESHOLD);
  return { labels, scores };
}

/** Returns a classifier that flags texts by keyword rules (the seed rules unless others are given). */
export function createRuleClassifier(rules: readonly KeywordRule[] = SEED_RULES): Classifier {
  const matcher = compileKeywordRules(rules);
  const version = hashRulesVersion(rules);
  return {
    version,
    classify({ title, body }: ClassifierInput): Classification {
      const spans = [...spansOf(matcher, 'title', title), ...spansOf(matcher, 'body', body)];
      return { ...combineSpans(spans), spans, version };
    },
  };
}
