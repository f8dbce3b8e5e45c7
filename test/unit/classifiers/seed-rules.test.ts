import { describe, expect, it } from 'vitest';
import { RULE_CATEGORIES } from '../../../src/domain/classification.ts';
import { SEED_RULES } from '../../../src/classifiers/seed-rules.ts';
import { normalizeText } from '../../../src/text/normalize-text.ts';
import { tokenizeSyllables } from '../../../src/text/tokenize-syllables.ts';

const key = (phrase: string) => ` ${tokenizeSyllables(phrase).map((s) => s.folded).join(' ')} `;

describe('SEED_RULES', () => {
  it('has between 100 and 200 rules covering every category', () => {
    expect(SEED_RULES.length).toBeGreaterThanOrEqual(100);
    expect(SEED_RULES.length).toBeLessThanOrEqual(200);
    for (const category of RULE_CATEGORIES) expect(SEED_RULES.some((r) => r.category === category)).toBe(true);
  });

  it('has unique ids and sensible weights', () => {
    expect(new Set(SEED_RULES.map((r) => r.id)).size).toBe(SEED_RULES.length);
    for (const r of SEED_RULES) expect([0.5, 1, 1.5, 2]).toContain(r.weight);
  });

  it('writes every phrase already normalized, with at least one syllable', () => {
    for (const r of SEED_RULES) {
      expect(normalizeText(r.phrase)).toBe(r.phrase);
      expect(tokenizeSyllables(r.phrase).length).toBeGreaterThan(0);
    }
  });

  it('never nests one phrase inside another of the same category, so no words count twice', () => {
    const nested: string[] = [];
    for (const a of SEED_RULES) {
      for (const b of SEED_RULES) {
        if (a !== b && a.category === b.category && key(a.phrase).includes(key(b.phrase))) nested.push(`${a.id} ⊃ ${b.id}`);
      }
    }
    expect(nested).toEqual([]);
  });
});
