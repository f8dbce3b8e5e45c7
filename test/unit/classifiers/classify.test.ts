import { describe, expect, it } from 'vitest';
import { createRuleClassifier } from '../../../src/classifiers/classify.ts';
import type { KeywordRule } from '../../../src/classifiers/seed-rules.ts';
import { SEED_RULES } from '../../../src/classifiers/seed-rules.ts';
import { foldText } from '../../../src/text/fold-text.ts';

const rules: KeywordRule[] = [
  { id: 'fee', category: 'relevant', phrase: 'học phí', weight: 1 },
  { id: 'weak', category: 'relevant', phrase: 'phường', weight: 0.5 },
  { id: 'upset', category: 'negative', phrase: 'bức xúc', weight: 1 },
  { id: 'rumour', category: 'misinformation', phrase: 'tin đồn', weight: 0.5 },
];

describe('createRuleClassifier', () => {
  it('explains each match with its field, original offsets, text, rule and weight', () => {
    const title = 'Phụ huynh bức xúc';
    const body = 'Về học phí năm nay.';
    const result = createRuleClassifier(rules).classify({ title, body });
    expect(result.spans).toEqual([
      { field: 'title', start: 10, end: 17, text: 'bức xúc', category: 'negative', ruleId: 'seed:upset', weight: 1.5 },
      { field: 'body', start: 3, end: 10, text: 'học phí', category: 'relevant', ruleId: 'seed:fee', weight: 1 },
    ]);
  });

  it('counts title matches one and a half times', () => {
    const classifier = createRuleClassifier(rules);
    expect(classifier.classify({ title: 'tin đồn', body: '' }).scores).toEqual({ misinformation: 0.75 });
    expect(classifier.classify({ title: '', body: 'tin đồn' }).scores).toEqual({ misinformation: 0.5 });
  });

  it('labels a category once its summed score reaches 1.0', () => {
    const classifier = createRuleClassifier(rules);
    expect(classifier.classify({ title: 'học phí', body: 'tin đồn' }).labels).toEqual(['relevant']);
    expect(classifier.classify({ title: 'học phí', body: 'tin đồn, lại tin đồn' }).labels).toEqual(['misinformation', 'relevant']);
    expect(classifier.classify({ title: 'tin đồn', body: 'phường' }).labels).toEqual([]);
    expect(classifier.classify({ title: 'phường', body: 'phường' }).labels).toEqual(['relevant']);
  });

  it('keeps but does not flag a text about neither education nor the ward', () => {
    const result = createRuleClassifier(rules).classify({ title: 'Tin đồn', body: 'tin đồn, lại tin đồn, bức xúc' });
    expect(result.labels).toEqual([]);
    expect(result.scores.misinformation).toBeGreaterThanOrEqual(1);
  });

  it('classifies unaccented text like accented text', () => {
    const classifier = createRuleClassifier();
    const accented = classifier.classify({ title: 'Phụ huynh bức xúc vì lạm thu', body: 'Trường THCS ép học thêm.' });
    const bare = classifier.classify({ title: 'Phu huynh buc xuc vi lam thu', body: 'Truong THCS ep hoc them.' });
    expect(bare.labels).toEqual(accented.labels);
    expect(bare.scores).toEqual(accented.scores);
    expect(bare.spans.map((s) => s.ruleId)).toEqual(accented.spans.map((s) => s.ruleId));
  });

  it('flags a typical rumour about a school with the seed rules', () => {
    const result = createRuleClassifier().classify({
      title: 'KHẨN: Chia sẻ gấp trước khi bị xoá!!!',
      body: 'Nghe nói trường tiểu học trên địa bàn phường sẽ tăng học phí gấp đôi. Tin đồn này chưa được kiểm chứng.',
    });
    expect(result.labels).toEqual(['misinformation', 'relevant']);
    expect(result.spans.map((s) => s.ruleId)).toContain('seed:misinformation.chia-se-gap');
    expect(result.spans.map((s) => s.ruleId)).toContain('seed:misinformation.truoc-khi-bi-xoa');
  });

  it('flags nothing in an unrelated text', () => {
    const result = createRuleClassifier().classify({ title: 'Giá vàng hôm nay', body: 'Thị trường chứng khoán tăng điểm nhẹ.' });
    expect(result).toMatchObject({ labels: [], scores: {}, spans: [] });
  });

  it('points every span at original text that folds like its rule phrase, also in decomposed text', () => {
    const classifier = createRuleClassifier();
    const title = 'Hoà Bình: học sinh bị đánh, phụ huynh phản đối'.normalize('NFD');
    const body = 'Tin đồn về ngộ độc tại bếp ăn bán trú trường mầm non chưa xác minh.'.normalize('NFD');
    const result = classifier.classify({ title, body });
    expect(result.spans.length).toBeGreaterThan(8);
    const phraseById = new Map(SEED_RULES.map((r) => [r.id, r.phrase]));
    for (const span of result.spans) {
      const original = span.field === 'title' ? title : body;
      expect(original.slice(span.start, span.end)).toBe(span.text);
      expect(foldText(span.text)).toBe(foldText(phraseById.get(span.ruleId.replace(/^seed:/, ''))!));
    }
  });

  it('gives a short version that changes with the rules and not between instances', () => {
    expect(createRuleClassifier().version).toMatch(/^classifier-2:[0-9a-f]{10}$/);
    expect(createRuleClassifier().version).toBe(createRuleClassifier().version);
    expect(createRuleClassifier(rules).version).not.toBe(createRuleClassifier().version);
    expect(createRuleClassifier([...rules.slice(0, 3), { ...rules[3]!, weight: 1 }]).version).not.toBe(createRuleClassifier(rules).version);
    const result = createRuleClassifier(rules).classify({ title: '', body: '' });
    expect(result.version).toBe(createRuleClassifier(rules).version);
  });
});
