// Staff rules and known claims, as staff write them.
import type { RuleCategory } from './classification.ts';
import type { Verdict } from './item.ts';

export const STAFF_RULE_KINDS = ['phrase', 'any_of', 'all_of_within', 'regex'] as const;
export type StaffRuleKind = (typeof STAFF_RULE_KINDS)[number];
/** The largest weight, in absolute value, a staff rule may have (the classifier validates with it, the form offers it). */
export const STAFF_RULE_MAX_WEIGHT = 100;
/** The widest window, in words, of an `all_of_within` rule (the classifier validates with it, the form offers it). */
export const STAFF_RULE_MAX_WINDOW_WORDS = 50;
/** The most terms an `any_of` or `all_of_within` rule may list (the classifier validates with it, its error says it). */
export const STAFF_RULE_MAX_TERMS = 50;

/** A rule staff wrote: a phrase, any of several terms, all terms within N words, or a regex. */
export interface StaffRule {
  id: number;
  kind: StaffRuleKind;
  category: RuleCategory;
  pattern: string;
  terms: string[];
  windowWords: number | null;
  weight: number;
  enabled: boolean;
  note: string | null;
  updatedAt: Date;
}

/** A known claim: what is being said, whether it is true, and the correction. */
export interface Claim {
  id: number;
  statement: string;
  verdict: Verdict;
  correction: string | null;
  references: string[];
  enabled: boolean;
  updatedAt: Date;
}

/** The ward's places: items naming none of them and no education topic are kept but not flagged. */
export interface Gazetteer {
  wardNames: string[];
  schools: string[];
  residentialGroups: string[];
}

export const EMPTY_GAZETTEER: Gazetteer = { wardNames: [], schools: [], residentialGroups: [] };
