// A known claim's statement needs at least three syllables with letters: a one-word claim matched
// nearly every item with a full score.
import { describe, expect, it } from 'vitest';
import { ClaimBody } from '../../../src/api/query-schemas.ts';
import { CLAIM_MIN_SYLLABLES, letterSyllableCount } from '../../../src/classifiers/claim-matcher.ts';
import { readClaimFixtures } from '../../fixtures/claims/read-claim-fixtures.ts';

describe('letterSyllableCount', () => {
  it.each([
    ['a', 1],
    ['🎉', 0],
    ['...!!!', 0],
    ['học', 1],
    ['5 học sinh', 2],
    ['COVID-19 lan rộng', 3],
    ['hs đóng tiền', 3],
    ['ho\u0323c phi\u0301 tăng', 3],
    ['\u200Bhọc\u200B phí', 2],
  ])('counts %j as %i', (text, count) => {
    expect(letterSyllableCount(text)).toBe(count);
  });
});

describe('ClaimBody', () => {
  it.each(['a', '🎉', '...!!!', 'học', 'học sinh', '10.000 đồng'])('refuses %j as too_short', (statement) => {
    const parsed = ClaimBody.safeParse({ statement, verdict: 'false' });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues).toEqual([expect.objectContaining({ path: ['statement'], code: 'custom', params: { code: 'too_short' } })]);
  });

  it('reports an empty statement as too small only', () => {
    const parsed = ClaimBody.safeParse({ statement: '  ', verdict: 'false' });
    expect(parsed.error!.issues.map((issue) => issue.code)).toEqual(['too_small']);
  });

  it(`accepts every claim of the matching data set (${CLAIM_MIN_SYLLABLES}+ syllables)`, () => {
    const { claims } = readClaimFixtures();
    expect(claims.length).toBeGreaterThan(0);
    for (const claim of claims) {
      const parsed = ClaimBody.safeParse({ statement: claim.statement, verdict: claim.verdict, correction: claim.correction });
      expect(parsed.success, claim.statement).toBe(true);
    }
  });
});
