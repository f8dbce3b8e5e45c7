// What a classifier says about one text, and why.
import { isReceivedSource, type SourceKind } from './source.ts';

/** Categories of the seed rules and of staff rules. */
export const RULE_CATEGORIES = ['negative', 'misinformation', 'relevant'] as const;
export type RuleCategory = (typeof RULE_CATEGORIES)[number];

/**
 * Labels an item can carry. `relevant` means about education or the ward; `positive` marks good
 * stories worth spreading. Flags (misinformation, negative, offensive) need staff attention.
 */
export const LABELS = ['negative', 'misinformation', 'offensive', 'relevant', 'positive'] as const;
export type Label = (typeof LABELS)[number];

/** Which part of an item a span points into. */
export type TextField = 'title' | 'body';

/** One reason for a flag: a rule that matched at [start, end) of the original (NFC) field text. */
export interface ExplanationSpan {
  field: TextField;
  start: number;
  end: number;
  /** The original characters at [start, end), as stored. */
  text: string;
  category: Label;
  /** `seed:…`, `staff:<id>`, or `model:<name>` for a model's phrase weights. */
  ruleId: string;
  /** Contribution to the category's score. */
  weight: number;
}

/** The classifier's verdict on one item. */
export interface Classification {
  labels: Label[];
  scores: Partial<Record<Label, number>>;
  spans: ExplanationSpan[];
  /** Identifies the classifier and its rules/model, so stale items can be reclassified. */
  version: string;
  /** The sentiment model's answer, when it ran. */
  sentiment?: { label: 'negative' | 'neutral' | 'positive'; probabilities: Record<string, number> };
  /** Probability that the text is offensive (insult or hate), when the detector ran. */
  offensiveProbability?: number;
  /** Known claims the text repeats, best first. */
  claimMatches?: ClaimMatchSummary[];
}

/** A known claim an item repeats: "matches claim #12 (0.82)", with the correction. */
export interface ClaimMatchSummary {
  claimId: number;
  score: number;
  verdict: 'fake' | 'false' | 'verified' | 'unverified';
  correction: string | null;
}

/** Text handed to a classifier: already NFC-normalized. */
export interface ClassifierInput {
  title: string;
  body: string;
  /** `comment` for citizens' feedback and comments, where the sentiment and offensive models label. */
  kind?: 'article' | 'comment';
}

/**
 * Returns the kind of text a source's items are for the classifier: opinions from the MTTQ form,
 * the public form and imported files are comments; news feeds and web pages are articles.
 */
export function textKindOfSource(sourceKind: SourceKind): 'article' | 'comment' {
  return isReceivedSource({ kind: sourceKind }) ? 'comment' : 'article';
}

/** The seam every classifier plugs into. */
export interface Classifier {
  readonly version: string;
  classify(input: ClassifierInput): Classification;
}

/** Answers the classifier to use now: staff edits to rules and claims replace it. */
export interface ClassifierProvider {
  get(): Promise<Classifier>;
}
