// Explanations take fast paths (features found by ids instead of built keys, a reused span table,
// no keys when classify asks for none); each must give what the string path of visitFeatures gives.
import { describe, expect, it } from 'vitest';
import { visitFeatures, type CompiledLinearModel, type Contribution } from '../../../src/classifiers/linear-model.ts';
import { loadModels } from '../../../src/classifiers/load-models.ts';
import { analyzeText } from '../../../src/text/analyze-text.ts';
import { foldText, foldTextByConcatenation } from '../../../src/text/fold-text.ts';

const models = loadModels();

/** The explanation as explainPrediction documents it, computed from every feature's string key. */
function referenceExplanation(model: CompiledLinearModel, text: string, label: string, top: number): Contribution[] {
  const { json } = model;
  const labelIndex = json.labels.indexOf(label);
  const lexicon = json.features.lexicon ? new Map(Object.entries(json.lexiconEntries)) : null;
  const spans: { start: number; end: number; weight: number; keys: string[] }[] = [];
  visitFeatures(analyzeText(text), text, json.features, lexicon, (key, value, start, end) => {
    const row = Object.hasOwn(json.weights, key) ? json.weights[key] : undefined;
    if (row === undefined) return;
    let others = 0;
    for (let l = 0; l < row.length; l++) if (l !== labelIndex) others += row[l]!;
    const margin = row[labelIndex]! - (row.length > 1 ? others / (row.length - 1) : 0);
    if (margin === 0) return;
    const same = spans.find((span) => span.start === start && span.end === end);
    if (same) {
      same.weight += value * margin;
      same.keys.push(key);
    } else {
      spans.push({ start, end, weight: value * margin, keys: [key] });
    }
  });
  return spans
    .filter((span) => span.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.start - b.start || a.end - b.end)
    .slice(0, top)
    .map((span) => ({ feature: span.keys.join(' | '), start: span.start, end: span.end, text: text.slice(span.start, span.end), weight: Math.round(span.weight * 1000) / 1000 }));
}

const TEXTS = [
  'giảng viên dạy rất hay, nhiệt tình lắm',
  'thầy dạy không hay, chán lắm. Không hiểu gì cả!',
  'môn học quá khó, bài tập nhiều quá, không có thời gian',
  'cô giáo tận tâm nhưng phòng học nóng quá :(((',
  'Mày ngu như con chó, đm cút đi !!!',
  'ko dc j hết :))) đúng là vcl',
  'tuyệt vời, cảm ơn thầy rất nhiều ❤️❤️',
  'chẳng hay chút nào, thất vọng',
  // Long enough for more spans than the span table first holds.
  Array.from({ length: 12 }, (_, k) => `câu ${k}: giảng viên dạy không hay, chán lắm, thất vọng quá; nhưng bạn bè rất tốt`).join(' '),
];

describe('explanations by ids', () => {
  it('give the phrases, keys and weights of the string path, for every label of both models', () => {
    for (const model of [models.sentiment, models.offensive]) {
      for (const text of TEXTS) {
        const tokens = analyzeText(text);
        for (const label of model.labels) {
          const prediction = { ...model.predictTokens(tokens, text), label };
          expect(model.explainPrediction(tokens, text, prediction, 8)).toEqual(referenceExplanation(model, text, label, 8));
        }
      }
    }
  });

  it('give the same phrases and weights without keys, explanation after explanation', () => {
    for (const model of [models.sentiment, models.offensive]) {
      for (const round of [0, 1]) {
        for (const text of round === 0 ? TEXTS : [...TEXTS].reverse()) {
          const tokens = analyzeText(text);
          const prediction = model.predictTokens(tokens, text);
          const keyed = model.explainPrediction(tokens, text, prediction, 5);
          const unkeyed = model.explainPrediction(tokens, text, prediction, 5, { keys: false });
          expect(unkeyed).toEqual(keyed.map((contribution) => ({ ...contribution, feature: '' })));
        }
      }
    }
  });
});

describe('foldText through buffers', () => {
  it('folds as the reference does, Latin-1 and wider results, lone surrogates included', () => {
    for (const text of ['Học Phí TĂNG', 'Ωmega ĐẠI học', '日本語 Học', '😀 Vui quá', '\ud800 lẻ \udc00', 'Ấ'.repeat(3000), 'ÀÁ ÇÑ']) {
      expect(foldText(text)).toBe(foldTextByConcatenation(text));
    }
  });
});
