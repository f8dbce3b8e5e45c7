import { describe, expect, it } from 'vitest';
import { compileLinearModel, visitFeatures, type LinearModelJson } from '../../../src/classifiers/linear-model.ts';
import { loadModels } from '../../../src/classifiers/load-models.ts';
import { averageLinearModels, parseVietSentiWordNet, trainLinearModel, type TrainLinearModelOptions } from '../../../src/classifiers/train-linear-model.ts';
import { flaggedAsLabels } from '../../../src/classifiers/train-models.ts';
import { analyzeText } from '../../../src/text/analyze-text.ts';
import { foldText } from '../../../src/text/fold-text.ts';

const models = loadModels();

/** Scores computed the slow, obvious way: every feature occurrence looked up by its string key. */
function referenceProbabilities(json: LinearModelJson, text: string): number[] {
  const scores = [...json.bias];
  const lexicon = json.features.lexicon ? new Map(Object.entries(json.lexiconEntries)) : null;
  visitFeatures(analyzeText(text), text, json.features, lexicon, (key, value) => {
    const row = Object.hasOwn(json.weights, key) ? json.weights[key] : undefined;
    if (row) row.forEach((w, l) => (scores[l] = scores[l]! + value * w));
  });
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

describe('committed sentiment model', () => {
  const sentiment = models.sentiment;
  const cases: [string, string][] = [
    ['giảng viên dạy rất hay', 'positive'],
    ['thầy dạy không hay, chán lắm', 'negative'],
    ['cô giáo nhiệt tình, tận tâm với sinh viên', 'positive'],
    ['phòng học nóng, máy chiếu bị hỏng', 'negative'],
  ];

  it.each(cases)('labels "%s" %s, also unaccented and in NFD', (text, label) => {
    expect(sentiment.predict(text).label).toBe(label);
    expect(sentiment.predict(foldText(text)).label).toBe(label);
    expect(sentiment.predict(text.normalize('NFD')).label).toBe(label);
  });

  it('gives unaccented and NFD input exactly the probabilities of accented NFC input', () => {
    const text = 'Thầy dạy không hay, chán lắm!';
    const reference = sentiment.predict(text).probabilities;
    expect(sentiment.predict(foldText(text)).probabilities).toEqual(reference);
    expect(sentiment.predict(text.normalize('NFD')).probabilities).toEqual(reference);
  });

  it('predicts with the compiled model what the feature keys say', () => {
    for (const text of ['thầy dạy không hay, chán lắm', 'ko thik gv này, dạy chán quá', 'giáo trình đầy đủ , dễ hiểu .']) {
      const fast = sentiment.predict(text).probabilities;
      const slow = referenceProbabilities(sentiment.json, text);
      fast.forEach((p, l) => expect(p).toBeCloseTo(slow[l]!, 10));
    }
  });

  it('explains a verdict by phrases whose spans are the original characters', () => {
    const text = 'Thầy dạy không hay, chán lắm';
    const { label, contributions } = sentiment.predict(text, { explain: true });
    expect(label).toBe('negative');
    expect(contributions!.length).toBeGreaterThan(0);
    for (const c of contributions!) {
      expect(text.slice(c.start, c.end)).toBe(c.text);
      expect(c.weight).toBeGreaterThan(0);
    }
    const texts = contributions!.map((c) => c.text);
    expect(texts.some((t) => t.includes('không hay') || t.includes('chán'))).toBe(true);
  });

  it('points explanation spans at the same words in NFD and unaccented input', () => {
    const text = 'Thầy dạy không hay, chán lắm';
    const reference = sentiment.predict(text, { explain: true }).contributions!.map((c) => c.text);
    const nfd = text.normalize('NFD');
    const nfdContributions = sentiment.predict(nfd, { explain: true }).contributions!;
    for (const c of nfdContributions) expect(nfd.slice(c.start, c.end)).toBe(c.text);
    expect(nfdContributions.map((c) => c.text.normalize('NFC'))).toEqual(reference);
    const bare = foldText(text);
    expect(sentiment.predict(bare, { explain: true }).contributions!.map((c) => c.text)).toEqual(reference.map((t) => foldText(t)));
  });

  it('explains texts that name Object.prototype properties like any other words', () => {
    const text = 'constructor toString __proto__ hay';
    const { contributions } = sentiment.predict(text, { explain: true });
    for (const c of contributions!) expect(Number.isFinite(c.weight)).toBe(true);
    expect(sentiment.predict(text).probabilities.every(Number.isFinite)).toBe(true);
  });

  it('computes no explanation unless asked', () => {
    expect(sentiment.predict('giảng viên dạy rất hay').contributions).toBeUndefined();
  });

  it('records its provenance', () => {
    const json = sentiment.json;
    expect(json.version).toMatch(/^sentiment-1:[0-9a-f]{8}$/);
    expect(json.training[0]).toMatchObject({ file: 'uit-vsfc-train.tsv', lines: 11426 });
    expect(json.training[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(json.lexicon?.name).toMatch(/VietSentiWordNet/);
    expect(json.seed).toEqual(expect.any(Number));
  });
});

describe('committed offensive-language detector', () => {
  const offensive = models.offensive;

  it('flags an insult and explains it with the insulting words', () => {
    const text = 'Mày ngu như con chó, đm cút đi';
    const prediction = offensive.predict(text, { explain: true });
    expect(prediction.flagged).toBe(true);
    expect(['offensive', 'hate']).toContain(prediction.label);
    for (const c of prediction.contributions!) expect(text.slice(c.start, c.end)).toBe(c.text);
    expect(prediction.contributions!.some((c) => /ngu|chó|đm/.test(c.text))).toBe(true);
  });

  it('leaves ordinary feedback unflagged', () => {
    for (const text of ['Cảm ơn cô giáo đã tận tình hướng dẫn các cháu', 'Nhà trường thông báo lịch nghỉ Tết cho học sinh']) {
      const prediction = offensive.predict(text);
      expect(prediction.flagged).toBe(false);
      expect(prediction.label).toBe('clean');
    }
  });

  it('records the decision threshold chosen by cross-validation on the training file, and that file', () => {
    expect(offensive.json.decision?.flaggedLabels).toEqual(['offensive', 'hate']);
    expect(offensive.json.decision?.threshold).toBeGreaterThan(0);
    expect(offensive.json.hyperparameters['flaggedThreshold']).toMatch(/^5-fold cross-validation on the training file/);
    expect(offensive.json.training[0]).toMatchObject({ file: 'vihsd-train.tsv', lines: 24046 });
  });

  it('predicts with the compiled model what the feature keys say', () => {
    for (const text of ['Mày ngu như con chó :)))', 'dm thằng này vl', 'Cảm ơn cô giáo 😂😂']) {
      const fast = offensive.predict(text).probabilities;
      const slow = referenceProbabilities(offensive.json, text);
      fast.forEach((p, l) => expect(p).toBeCloseTo(slow[l]!, 10));
    }
  });
});

describe('explainPrediction and syllable ids', () => {
  const texts = ['Mày ngu như con chó, đm cút đi', 'thầy dạy không hay, chán lắm', 'cô giáo nhiệt tình, tận tâm', 'ko dc j hết :)))'];

  it('explains a prediction as predicting again with explain: true does', () => {
    for (const model of [models.sentiment, models.offensive]) {
      for (const text of texts) {
        const tokens = analyzeText(text);
        const prediction = model.predictTokens(tokens, text);
        const again = model.predictTokens(analyzeText(text), text, { explain: true, top: 5 });
        // Another text predicted in between: the explanation must not use its syllables.
        model.predictTokens(analyzeText('một câu khác hẳn, chẳng liên quan gì'), 'một câu khác hẳn, chẳng liên quan gì');
        expect(model.explainPrediction(tokens, text, prediction, 5)).toEqual(again.contributions);
        expect(model.explainPrediction(tokens, text, prediction, 5).length).toBeGreaterThan(0);
      }
    }
  });

  it('gives the same syllable the same ids, whatever its spelling', () => {
    const [a, b, c] = [analyzeText('không'), analyzeText('ko'), analyzeText('KHÔNG'.normalize('NFD'))];
    expect(a[0]!.normId).toBeGreaterThan(0);
    expect(b[0]!.normId).toBe(a[0]!.normId);
    expect(c[0]!.normId).toBe(a[0]!.normId);
    expect(c[0]!.lowerId).toBe(a[0]!.lowerId);
    expect(analyzeText('khong')[0]!.lowerId).not.toBe(a[0]!.lowerId); // accented forms differ
  });

  it('predicts the same for tokens without ids (looked up by their strings)', () => {
    for (const model of [models.sentiment, models.offensive]) {
      for (const text of texts) {
        const withIds = model.predictTokens(analyzeText(text), text, { explain: true });
        const withoutIds = analyzeText(text).map((token) => ({ ...token, normId: 0, lowerId: 0 }));
        expect(model.predictTokens(withoutIds, text, { explain: true })).toEqual(withIds);
      }
    }
  });
});

describe('trainLinearModel', () => {
  const lines = [
    ['positive', 'thầy dạy rất hay'],
    ['positive', 'cô nhiệt tình, dễ hiểu'],
    ['positive', 'bài giảng hay và dễ hiểu'],
    ['negative', 'thầy dạy không hay'],
    ['negative', 'bài giảng chán, khó hiểu'],
    ['negative', 'cô dạy khó hiểu, không nhiệt tình'],
    ['neutral', 'lớp học buổi sáng'],
    ['neutral', 'môn học có ba tín chỉ'],
  ].map(([label, text]) => ({ label: label!, text: text! }));
  const options: TrainLinearModelOptions = {
    task: 'sentiment',
    labels: ['negative', 'neutral', 'positive'],
    features: { wordNgramMax: 2, charNgramMin: 0, charNgramMax: 0, lexicon: false, intensifiers: false },
    l2: 1e-3,
    iterations: 100,
    minCount: 1,
    pruneBelow: 0,
    decimals: 6,
    seed: 7,
    lexicon: null,
    lexiconPrior: 0,
    classBalance: 0,
    nbSmoothing: 0,
    training: [{ file: 'inline', lines: lines.length, sha256: '0'.repeat(64) }],
    lexiconRecord: null,
    decision: null,
  };

  it('is deterministic: the same data and options give the same weights and version', () => {
    const first = trainLinearModel(lines, options);
    const second = trainLinearModel(lines, options);
    expect(second.weights).toEqual(first.weights);
    expect(second.bias).toEqual(first.bias);
    expect(second.version).toBe(first.version);
  });

  it('learns negation: "không hay" weighs toward negative, "hay" toward positive', () => {
    const model = compileLinearModel(trainLinearModel(lines, options));
    expect(model.predict('dạy hay').label).toBe('positive');
    expect(model.predict('dạy ko hay').label).toBe('negative');
    const json = model.json;
    expect(json.weights['!hay']![0]).toBeGreaterThan(json.weights['!hay']![2]!);
  });
});

describe('compileLinearModel', () => {
  it('predicts what the feature keys say with every feature kind switched on', () => {
    const texts = [
      'thầy dạy không hay :))) nhưng rất vui',
      'Cô giáo dạy hay lắm 😂😂, hs thik lắm',
      'không hề dễ hiểu. Chán quá!!!',
      'đm thằng này ngu vl =))',
    ];
    const examples = texts.flatMap((text, i) => [
      { label: i % 2 === 0 ? 'negative' : 'positive', text },
      { label: i % 2 === 0 ? 'negative' : 'positive', text: foldText(text) },
    ]);
    const lexicon = [
      { phrase: 'hay', positive: 0.75, negative: 0 },
      { phrase: 'de hieu', positive: 0.5, negative: 0 },
      { phrase: 'chan', positive: 0, negative: 0.625 },
    ];
    const json = trainLinearModel(examples, {
      task: 'sentiment',
      labels: ['negative', 'neutral', 'positive'],
      features: {
        wordNgramMax: 3, charNgramMin: 2, charNgramMax: 4, lexicon: true, intensifiers: true, skipBigrams: true,
        sqrtLengthScale: true, contrast: true, accentNgramMax: 3, symbols: true, boundaries: 2,
      },
      l2: 1e-3, iterations: 50, minCount: 1, pruneBelow: 0, decimals: 6, seed: 1, lexicon, lexiconPrior: 0.5,
      priorLabels: { positive: 'positive', negative: 'negative' }, classBalance: 0.5, nbSmoothing: 1,
      nbClasses: { positive: ['positive'], negative: ['negative'] },
      training: [], lexiconRecord: null, decision: null,
    });
    const model = compileLinearModel(json);
    for (const text of [...texts, 'hay lắm, không chán', 'một câu lạ hoắc']) {
      const fast = model.predict(text).probabilities;
      const slow = referenceProbabilities(json, text);
      fast.forEach((p, l) => expect(p).toBeCloseTo(slow[l]!, 10));
    }
  });
});

describe('character n-grams over the whole text', () => {
  const texts = ['đm thằng này ngu vl =))', 'Óc chó thật sự', 'thầy dạy hay lắm', 'dm thang nay oc cho', 'k hay'];
  const examples = texts.map((text, i) => ({ label: i % 2 === 0 ? 'offensive' : 'clean', text }));
  const train = (features: object) =>
    trainLinearModel(examples, {
      task: 'offensive',
      labels: ['clean', 'offensive', 'hate'],
      features: { wordNgramMax: 1, charNgramMin: 0, charNgramMax: 0, lexicon: false, intensifiers: false, ...features },
      l2: 1e-3, iterations: 50, minCount: 1, pruneBelow: 0, decimals: 6, seed: 1, lexicon: null, lexiconPrior: 0,
      classBalance: 0, nbSmoothing: 0, training: [], lexiconRecord: null, decision: null,
    });

  it('crosses syllable boundaries and predicts what the feature keys say', () => {
    const json = train({ textCharNgramMin: 2, textCharNgramMax: 5, accentCharNgramMin: 1, accentCharNgramMax: 6 });
    expect(Object.hasOwn(json.weights, 'w:c cho')).toBe(true);
    expect(Object.hasOwn(json.weights, 'x:óc ch')).toBe(true);
    const model = compileLinearModel(json);
    for (const text of [...texts, 'ÓC CHÓ', 'Óc chó'.normalize('NFD'), 'dmm', 'một câu lạ hoắc', '']) {
      const fast = model.predict(text).probabilities;
      const slow = referenceProbabilities(json, text);
      fast.forEach((p, l) => expect(p).toBeCloseTo(slow[l]!, 10));
    }
  });

  it('maps each character n-gram to the syllables it lies in', () => {
    const text = 'Đm, óc chó';
    const spans: string[] = [];
    visitFeatures(analyzeText(text), text, { wordNgramMax: 1, charNgramMin: 0, charNgramMax: 0, lexicon: false, intensifiers: false, textCharNgramMin: 3, textCharNgramMax: 3, accentCharNgramMin: 3, accentCharNgramMax: 3 }, null, (key, _value, start, end) => {
      if (key.startsWith('w:') || key.startsWith('x:')) spans.push(`${key}=${text.slice(start, end)}`);
    });
    // `đm` expands to `du ma`; the folded text is ` du ma oc cho `, the accented one ` đm óc chó `.
    expect(spans).toContain('w: du=Đm');
    expect(spans).toContain('w:a o=Đm, óc');
    expect(spans).toContain('w:ho =chó');
    expect(spans).toContain('x:m ó=Đm, óc');
    expect(spans).toContain('x: ch=chó');
  });
});

describe('averageLinearModels', () => {
  const examples = [
    ['offensive', 'đm thằng ngu'],
    ['hate', 'bọn này ngu như chó'],
    ['clean', 'thầy dạy hay'],
    ['clean', 'hôm nay trời đẹp'],
  ].map(([label, text]) => ({ label: label!, text: text! }));
  const base: TrainLinearModelOptions = {
    task: 'offensive', labels: ['clean', 'offensive', 'hate'],
    features: { wordNgramMax: 2, charNgramMin: 3, charNgramMax: 4, lexicon: false, intensifiers: false, symbols: true },
    l2: 1e-3, iterations: 50, minCount: 1, pruneBelow: 0, decimals: 6, seed: 1, lexicon: null, lexiconPrior: 0,
    classBalance: 0, nbSmoothing: 0, training: [], lexiconRecord: null, decision: null,
  };

  it("scores a text with the members' mean score", () => {
    const a = trainLinearModel(examples, base);
    const b = trainLinearModel(examples, { ...base, features: { ...base.features, charNgramMax: 0, charNgramMin: 0, accentNgramMax: 2, textCharNgramMin: 2, textCharNgramMax: 4 } });
    const mean = averageLinearModels([a, b]);
    expect(mean.features.accentNgramMax).toBe(2);
    expect(mean.features.charNgramMax).toBe(4);
    const logits = (json: LinearModelJson, text: string): number[] => referenceProbabilities(json, text).map((p) => Math.log(p));
    for (const text of ['đm thằng này ngu', 'thầy dạy hay lắm', 'chó']) {
      const expected = logits(a, text).map((x, l) => (x + logits(b, text)[l]!) / 2);
      const got = logits(mean, text);
      // Equal up to a constant per text (softmax) and the rounding of every weight to 4 decimals.
      const shift = got[0]! - expected[0]!;
      got.forEach((x, l) => expect(x - shift).toBeCloseTo(expected[l]!, 2));
      const fast = compileLinearModel(mean).predict(text).probabilities;
      fast.forEach((p, l) => expect(p).toBeCloseTo(referenceProbabilities(mean, text)[l]!, 10));
    }
  });

  it('turns a clean/flagged model into clean/offensive/hate with the same flagged probability', () => {
    const binary = trainLinearModel(
      examples.map((e) => (e.label === 'clean' ? e : { ...e, label: 'offensive' })),
      { ...base, labels: ['clean', 'offensive'] },
    );
    const three = flaggedAsLabels(binary, ['clean', 'offensive', 'hate']);
    for (const text of ['đm thằng này ngu', 'thầy dạy hay lắm']) {
      const [clean] = referenceProbabilities(binary, text);
      const p = referenceProbabilities(three, text);
      expect(p[0]).toBeCloseTo(clean!, 10);
      expect(p[1]).toBeCloseTo(p[2]!, 10);
    }
  });
});

describe('parseVietSentiWordNet', () => {
  it('reads BOM, CRLF and decomposed text into folded phrases', () => {
    const content = '\uFEFF# POS\tID\tPosScore\tNegScore\tSynsetTerms\tGloss\r\n' +
      'a\t1\t0.75\t0\thấp_dẫn#1\tgloss\r\n'.normalize('NFD') +
      'a\t2\t0\t0.5\tbất_lợi#1 tệ#2\tgloss\r\n';
    expect(parseVietSentiWordNet(content)).toEqual([
      { phrase: 'bat loi', positive: 0, negative: 0.5 },
      { phrase: 'hap dan', positive: 0.75, negative: 0 },
      { phrase: 'te', positive: 0, negative: 0.5 },
    ]);
  });
});
