// What a classifier says about one text, and why.

/** Categories of the seed rules and of staff rules. */
export const RULE_CATEGORIES = ['negative', 'misinformation', 'relevant'] as const;
export type RuleCategory = (typeof RULE_CATEGORIES)[number];

/** Labels an item can carry. `relevant` means about education or the ward. */
export const LABELS = ['negative', 'misinformation', 'relevant'] as const;
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
  category: RuleCategory;
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
}

/** Text handed to a classifier: already NFC-normalized. */
export interface ClassifierInput {
  title: string;
  body: string;
}

/** The seam every classifier plugs into. */
export interface Classifier {
  readonly version: string;
  classify(input: ClassifierInput): Classification;
}
