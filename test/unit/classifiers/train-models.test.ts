import { describe, expect, it } from 'vitest';
import { trainModels } from '../../../src/classifiers/train-models.ts';

const sentimentTrain: string[] = [];
const offensiveTrain: string[] = [];
for (let i = 0; i < 24; i++) {
  sentimentTrain.push(`positive\tthầy dạy rất hay ${i}`, `negative\tphòng học nóng quá ${i}`, `neutral\tlớp học số ${i}`);
  offensiveTrain.push(`clean\tcảm ơn cô giáo ${i}`, `clean\tlịch học tuần ${i}`);
  if (i % 2 === 0) offensiveTrain.push(`offensive\tmày ngu vl ${i}`);
  if (i % 3 === 0) offensiveTrain.push(`hate\tcút đi đồ chó ${i}`);
}
const offensiveDev = ['clean\tcảm ơn cô', 'offensive\tngu vl', 'hate\tđồ chó', 'clean\tlịch học'];

describe('trainModels: the flagged threshold', () => {
  it('is chosen by cross-validation on the training lines, reproducibly, and dev only measures', () => {
    const first = trainModels({ sentimentTrain, offensiveTrain, offensiveDev, thresholdFolds: 3, seed: 5 });
    const second = trainModels({ sentimentTrain, offensiveTrain, offensiveDev, thresholdFolds: 3, seed: 5 });
    expect(first.offensive.hyperparameters['flaggedThreshold']).toMatch(/^3-fold cross-validation on the training file \(seed 5\)/);
    expect(first.offensive.decision?.threshold).toBeGreaterThan(0);
    expect(first.offensive.decision?.threshold).toBeLessThan(1);
    expect(second.offensive.version).toBe(first.offensive.version);
    expect(second.offensive.decision).toEqual(first.offensive.decision);
    expect(String(first.offensive.dev?.['note'])).toMatch(/cross-validation on the training file/);
    // Dev lines that disagree with everything learnt do not move the threshold.
    const flipped = trainModels({ sentimentTrain, offensiveTrain, offensiveDev: offensiveDev.map((l) => l.replace(/^clean/, 'x').replace(/^(offensive|hate)/, 'clean').replace(/^x/, 'hate')), thresholdFolds: 3, seed: 5 });
    expect(flipped.offensive.decision).toEqual(first.offensive.decision);
  });

  it('is tuned on dev when asked to (thresholdFolds 0), and says so', () => {
    const models = trainModels({ sentimentTrain, offensiveTrain, offensiveDev, thresholdFolds: 0 });
    expect(models.offensive.hyperparameters['flaggedThreshold']).toBe('tuned on the dev file');
    expect(String(models.offensive.dev?.['note'])).toMatch(/optimistic/);
  });
});

describe('trainModels: the sentiment model', () => {
  it('is the mean of the members chosen by cross-validation, says so, and trains the same twice', () => {
    const first = trainModels({ sentimentTrain, offensiveTrain, thresholdFolds: 0 });
    const second = trainModels({ sentimentTrain, offensiveTrain, thresholdFolds: 0 });
    expect(first.sentiment.hyperparameters['ensemble']).toMatch(/^mean of the scores of 2 models with the same features: \{"minCount":1,"pruneBelow":0\.05\}/);
    expect(first.sentiment.hyperparameters['chosenBy']).toMatch(/^5-fold cross-validation on uit-vsfc-train only/);
    expect(first.sentiment.hyperparameters['member2.nbSmoothing']).toBe(1);
    expect(second.sentiment.version).toBe(first.sentiment.version);
    expect(second.sentiment.weights).toEqual(first.sentiment.weights);
  });
});

describe('trainModels: likely-mislabelled sentiment lines', () => {
  // Twelve copies of each pattern, and three lines that say the opposite of their label.
  const corpus: string[] = [];
  for (let i = 0; i < 12; i++) corpus.push(`positive\tcô giảng rất hay và dễ hiểu ${i}`, `negative\tphòng học nóng và ồn quá ${i}`, `neutral\tlịch thi ghi ở bảng tin ${i}`);
  const wrong = ['negative\tcô giảng rất hay và dễ hiểu 90', 'positive\tphòng học nóng và ồn quá 91', 'positive\tphòng học nóng và ồn quá 92'];

  it('are dropped by out-of-fold probability, named in the model, and never taken from the kept lines', () => {
    const models = trainModels({ sentimentTrain: [...corpus, ...wrong], offensiveTrain, thresholdFolds: 0 });
    const cleaning = String(models.sentiment.hyperparameters['cleaning']);
    expect(cleaning).toMatch(/^\d+ of 39 training texts dropped \(\d+ negative, \d+ neutral, \d+ positive\): their 3-fold out-of-fold probability/);
    const dropped = cleaning.split(': ').at(-1)!.split(' ').map(Number);
    // The three contradicting lines (36, 37, 38) are among the dropped, and few others are.
    expect(dropped).toEqual(expect.arrayContaining([36, 37, 38]));
    expect(dropped.length).toBeLessThanOrEqual(6);

    // The same contradicting lines given as staff decisions are learnt from, not dropped.
    const kept = trainModels({ sentimentTrain: corpus, sentimentKeep: wrong, offensiveTrain, thresholdFolds: 0 });
    const keptCleaning = String(kept.sentiment.hyperparameters['cleaning']);
    expect(keptCleaning).toMatch(/^\d+ of 36 training texts dropped/);
    const keptDropped = keptCleaning.split(': ').at(-1)!.split(' ').filter(Boolean).map(Number);
    expect(keptDropped.every((index) => index < 36)).toBe(true);
    expect(kept.sentiment.version).not.toBe(models.sentiment.version);

    const uncleaned = trainModels({ sentimentTrain: [...corpus, ...wrong], sentimentCleaning: false, offensiveTrain, thresholdFolds: 0 });
    expect(uncleaned.sentiment.hyperparameters['cleaning']).toBeUndefined();
  });
});
