import { describe, expect, it } from 'vitest';
import { createClassifier } from '../../../src/classifiers/classify.ts';
import { loadModels } from '../../../src/classifiers/load-models.ts';
import type { Classification } from '../../../src/domain/classification.ts';

const models = loadModels();
const claims = [
  {
    id: 12,
    statement: 'Trường Tiểu học Hòa An sẽ thu thêm 500.000 đồng mỗi học sinh cho quỹ cơ sở vật chất',
    verdict: 'false' as const,
    correction: 'Nhà trường không thu khoản này.',
    enabled: true,
  },
];
const gazetteer = { wardNames: ['phường Hòa An'], schools: ['Trường THCS Lê Lợi'], residentialGroups: ['tổ dân phố 5'] };
const classifier = createClassifier({ models, claims, gazetteer });

function expectSpansInOriginal(result: Classification, title: string, body: string) {
  expect(result.spans.length).toBeGreaterThan(0);
  for (const span of result.spans) {
    const original = span.field === 'title' ? title : body;
    expect(original.slice(span.start, span.end)).toBe(span.text);
  }
}

describe('createClassifier', () => {
  it('flags an insult in a comment about a school and explains it with the words that moved it', () => {
    const title = 'Cô giáo trường Lê Lợi ngu như bò, đồ mất dạy';
    const result = classifier.classify({ title, body: '', kind: 'comment' });
    expect(result.labels).toEqual(expect.arrayContaining(['offensive', 'relevant']));
    const offensive = result.spans.filter((span) => span.ruleId === 'model:offensive');
    expect(offensive.length).toBeGreaterThan(0);
    expectSpansInOriginal(result, title, '');
  });

  it('gives the same labels and correct spans for NFD and unaccented comments', () => {
    const nfc = 'Thầy giáo dạy chán lắm, học sinh không hiểu gì cả';
    const variants = [nfc, nfc.normalize('NFD'), 'Thay giao day chan lam, hoc sinh khong hieu gi ca'];
    const results = variants.map((title) => classifier.classify({ title, body: '', kind: 'comment' }));
    for (const [index, result] of results.entries()) {
      expect(result.labels).toEqual(results[0]!.labels);
      expectSpansInOriginal(result, variants[index]!, '');
    }
    expect(results[0]!.labels).toContain('negative');
  });

  it('lets the models label comments but not news articles', () => {
    const text = 'Thành phố công bố phương án tuyển sinh lớp 10 năm học mới, giữ ổn định ba môn thi.';
    const article = classifier.classify({ title: text, body: '' });
    const comment = classifier.classify({ title: 'Giáo viên dạy rất hay và nhiệt tình', body: '', kind: 'comment' });
    expect(article.labels).not.toContain('negative');
    expect(article.sentiment).toBeDefined();
    expect(comment.labels).toContain('positive');
  });

  it('matches a reworded, unaccented known claim and flags it as misinformation with the correction', () => {
    const body = 'nghe noi tu thang sau truong tieu hoc Hoa An thu them 500.000 dong moi hoc sinh cho quy co so vat chat';
    const result = classifier.classify({ title: 'Phụ huynh hỏi', body });
    expect(result.claimMatches?.[0]).toMatchObject({ claimId: 12, verdict: 'false', correction: 'Nhà trường không thu khoản này.' });
    expect(result.labels).toEqual(expect.arrayContaining(['misinformation', 'relevant']));
  });

  it('makes a text relevant when it names one of the ward places, with or without diacritics', () => {
    const plain = classifier.classify({ title: 'Mat dien keo dai o to dan pho 5', body: '' });
    const unrelated = classifier.classify({ title: 'Mất điện kéo dài ở khu công nghiệp', body: '' });
    expect(plain.labels).toContain('relevant');
    expect(plain.spans.some((span) => span.ruleId === 'place:tổ dân phố 5')).toBe(true);
    expect(unrelated.labels).not.toContain('relevant');
  });

  it('changes version when a claim, a rule or the gazetteer changes', () => {
    const base = createClassifier({ models, claims, gazetteer }).version;
    expect(createClassifier({ models, claims, gazetteer }).version).toBe(base);
    expect(createClassifier({ models, claims: [], gazetteer }).version).not.toBe(base);
    expect(createClassifier({ models, claims, gazetteer: { ...gazetteer, schools: [] } }).version).not.toBe(base);
    expect(
      createClassifier({
        models,
        claims,
        gazetteer,
        staffRules: [{ id: 1, kind: 'phrase', category: 'negative', pattern: 'mất điện', weight: 1, enabled: true }],
      }).version,
    ).not.toBe(base);
  });
});
