import { describe, expect, it } from 'vitest';
import { foldText } from '../../../src/text/fold-text.ts';
import {
  hammingDistance,
  joinWords,
  popCount32,
  shingleSyllables,
  shingleText,
  signText,
  simhash,
  splitWords,
} from '../../../src/text/simhash.ts';
import {
  FEE_NOTICE_STORY,
  MEALS_STORY,
  REFUND_STORY,
  REPOST,
  SAME_STORY,
  type StoryText,
} from '../../fixtures/near-duplicate-stories.ts';

const MIN_BIGINT = -(2n ** 63n);
const MAX_BIGINT = 2n ** 63n - 1n;
const sign = (story: StoryText) => simhash(`${story.title}\n${story.body}`);

describe('simhash', () => {
  it('returns a signed integer that fits a PostgreSQL bigint', () => {
    const signatures = [...SAME_STORY, MEALS_STORY, FEE_NOTICE_STORY, REFUND_STORY].map(sign);
    for (const signature of signatures) {
      expect(typeof signature).toBe('bigint');
      expect(signature >= MIN_BIGINT && signature <= MAX_BIGINT).toBe(true);
    }
    // Both halves of the range occur: the top bit becomes the sign, not a 65th bit.
    expect(signatures.some((s) => s < 0n) || signatures.some((s) => s > 0n)).toBe(true);
  });

  it('gives NFD and NFC text the same signature', () => {
    const text = `${SAME_STORY[0]!.title}\n${SAME_STORY[0]!.body}`;
    expect(simhash(text.normalize('NFD'))).toBe(simhash(text.normalize('NFC')));
  });

  it('ignores accents, case and teencode', () => {
    const text = 'Phụ huynh không đồng ý với khoản thu của giáo viên chủ nhiệm lớp 1A';
    expect(simhash(foldText(text))).toBe(simhash(text));
    expect(simhash(text.toUpperCase())).toBe(simhash(text));
    expect(simhash('ph ko đồng ý với khoản thu của gv chủ nhiệm lớp 1A')).toBe(simhash(text));
  });

  it('ignores punctuation and spacing between syllables', () => {
    expect(simhash('Học phí, năm nay -- tăng mạnh!!!')).toBe(simhash('học phí năm nay tăng mạnh'));
  });

  it('is 0 for a text without syllables', () => {
    expect(simhash('')).toBe(0n);
    expect(simhash(' ... !!! ')).toBe(0n);
    expect(signText('…').syllables).toBe(0);
  });

  it('keeps the copies of one story closer to each other than to other stories about the same school', () => {
    const copies = [...SAME_STORY, REPOST].map(sign);
    const others = [MEALS_STORY, FEE_NOTICE_STORY, REFUND_STORY].map(sign);
    const within: number[] = [];
    for (let i = 0; i < copies.length; i++) for (let j = i + 1; j < copies.length; j++) within.push(hammingDistance(copies[i]!, copies[j]!));
    const across = copies.flatMap((copy) => others.map((other) => hammingDistance(copy, other)));
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(within)).toBeLessThan(16);
    expect(mean(across)).toBeGreaterThan(22);
    expect(Math.min(...across)).toBeGreaterThan(18);
  });
});

describe('shingles', () => {
  it('are runs of three syllables, or the whole text when shorter', () => {
    expect(shingleSyllables(['hoc', 'phi', 'nam', 'nay'])).toEqual(['hoc phi nam', 'phi nam nay']);
    expect(shingleSyllables(['hoc', 'phi'])).toEqual(['hoc phi']);
    expect(shingleSyllables([])).toEqual([]);
  });

  it('count a repeated phrase once', () => {
    expect(shingleText('học phí học phí học phí').shingles).toEqual(['hoc phi hoc', 'phi hoc phi']);
  });
});

describe('hammingDistance', () => {
  it('counts the differing bits over all 64, sign bit included', () => {
    expect(hammingDistance(0n, 0n)).toBe(0);
    expect(hammingDistance(0n, -1n)).toBe(64);
    expect(hammingDistance(0n, MIN_BIGINT)).toBe(1);
    expect(hammingDistance(MAX_BIGINT, MIN_BIGINT)).toBe(64);
    expect(hammingDistance(0b1011n, 0b0110n)).toBe(3);
    expect(hammingDistance(1n << 40n, 1n << 41n)).toBe(2);
  });

  it('splits and joins signatures without losing bits', () => {
    for (const value of [0n, -1n, MIN_BIGINT, MAX_BIGINT, 0x0123456789abcdefn, -0x0123456789abcdefn]) {
      const { high, low } = splitWords(value);
      expect(joinWords(high, low)).toBe(value);
    }
    expect(popCount32(-1)).toBe(32);
    expect(popCount32(0x80000001)).toBe(2);
  });
});
