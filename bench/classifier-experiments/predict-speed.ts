// Prediction speed of the committed models on short comments (ViHSD dev and UIT-VSFC dev texts), one core.
// Usage: npx tsx bench/classifier-experiments/predict-speed.ts [dataDir]
import { readFileSync } from 'node:fs';
import { loadModels } from '../../src/classifiers/load-models.ts';
import { analyzeText } from '../../src/text/analyze-text.ts';
import { tokenizeSyllables } from '../../src/text/tokenize-syllables.ts';

const dataDir = process.argv[2] ?? '../shared/data';
const texts = ['vihsd-dev.tsv', 'uit-vsfc-dev.tsv'].flatMap((file) =>
  readFileSync(`${dataDir}/eval/${file}`, 'utf8').split('\n').filter((l) => l.includes('\t')).map((l) => l.slice(l.indexOf('\t') + 1)),
);
const { sentiment, offensive } = loadModels();
const averageLength = texts.reduce((sum, t) => sum + t.length, 0) / texts.length;

function measure(name: string, run: (text: string) => unknown): number {
  for (let round = 0; round < 3; round++) for (const t of texts) run(t); // warm up
  // CPU time of this process, not wall time: other work on a shared machine does not count.
  let items = 0;
  const started = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < 2) {
    for (const t of texts) run(t);
    items += texts.length;
    const used = process.cpuUsage(started);
    elapsed = (used.user + used.system) / 1e6;
  }
  const perSecond = items / elapsed;
  console.log(`${name.padEnd(48)} ${Math.round(perSecond).toLocaleString('en')} items/s`);
  return perSecond;
}

console.log(`${texts.length} texts, ${averageLength.toFixed(0)} characters on average`);
const baseline = measure('baseline: tokenizeSyllables only', (t) => tokenizeSyllables(t));
const analyze = measure('analyzeText (teencode, negation)', (t) => analyzeText(t));
const both = measure('analyzeText + sentiment + offensive', (t) => {
  const tokens = analyzeText(t);
  sentiment.predictTokens(tokens, t);
  return offensive.predictTokens(tokens, t);
});
measure('sentiment.predict (incl. analyzeText)', (t) => sentiment.predict(t));
measure('offensive.predict (incl. analyzeText)', (t) => offensive.predict(t));
const explained = measure('both models with explain: true', (t) => {
  const tokens = analyzeText(t);
  sentiment.predictTokens(tokens, t, { explain: true });
  return offensive.predictTokens(tokens, t, { explain: true });
});
console.log(`ratios against the tokenizer baseline: analyzeText ${(analyze / baseline).toFixed(2)}, both models ${(both / baseline).toFixed(2)}, with explanations ${(explained / baseline).toFixed(2)}`);
