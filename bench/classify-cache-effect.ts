// How much of classification is waiting on memory: each stage timed over the whole dev set (its
// tables cold, as in service) and with each text repeated in a row (its tables hot in the caches).
//
//   npx tsx bench/classify-cache-effect.ts [--data ../shared/data] [--seconds 1.5] [--repeat 20]
//
// Stages as bench/classify.ts builds them: the seed rules, 1,000 staff rules, 200 claims and the
// gazetteer of bench/classifier-fixtures.ts, the committed models; inputs are the texts of
// eval/uit-vsfc-dev.tsv and eval/vihsd-dev.tsv, normalised as collectors store them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compileClaims, matchClaims } from '../src/classifiers/claim-matcher.ts';
import { createClassifier } from '../src/classifiers/classify.ts';
import { loadModels } from '../src/classifiers/load-models.ts';
import { compileStaffRules, matchStaffRules } from '../src/classifiers/staff-rules.ts';
import { parseLabelledLines } from '../src/classifiers/train-linear-model.ts';
import { analyzeText } from '../src/text/analyze-text.ts';
import { normalizeText } from '../src/text/normalize-text.ts';
import { readClaimFixtures } from '../test/fixtures/claims/read-claim-fixtures.ts';
import { BENCH_SEED, buildBenchClaims, buildBenchGazetteer, buildBenchRuleDefinitions, buildBenchStaffRules } from './classifier-fixtures.ts';
import { createRandom } from './seeded-random.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: fileURLToPath(new URL('../../shared/data/', import.meta.url)) },
    seconds: { type: 'string', default: '1.5' },
    repeat: { type: 'string', default: '20' },
  },
});
const DATA_DIR = values.data.replace(/\/?$/, '/');
const SECONDS = Number(values.seconds);
const REPEAT = Number(values.repeat);

const read = (name: string) => parseLabelledLines(readFileSync(`${DATA_DIR}eval/${name}`, 'utf8').split('\n'));
const texts = [...read('uit-vsfc-dev.tsv'), ...read('vihsd-dev.tsv')].map((example) => normalizeText(example.text));
const models = loadModels();
const random = createRandom(BENCH_SEED);
const claims = buildBenchClaims(readClaimFixtures().claims, random);
const staffRules = buildBenchStaffRules(claims, random);
const gazetteer = buildBenchGazetteer();
const classifier = createClassifier({ staffRules, claims, gazetteer, models });
const matcher = compileStaffRules(buildBenchRuleDefinitions(staffRules, gazetteer));
const claimIndex = compileClaims(claims);
const tokens = texts.map((text) => analyzeText(text));

let sink = 0;
const stages: [string, (i: number) => number][] = [
  ['analysis', (i) => analyzeText(texts[i]!).length],
  ['rules', (i) => matchStaffRules(matcher, texts[i]!, tokens[i]!).length],
  ['claims', (i) => matchClaims(claimIndex, tokens[i]!).length],
  ['sentiment model', (i) => models.sentiment.predictTokens(tokens[i]!, texts[i]!).probabilities.length],
  ['offensive model', (i) => models.offensive.predictTokens(tokens[i]!, texts[i]!).probabilities.length],
  ['whole classify', (i) => classifier.classify({ title: texts[i]!, body: '', kind: 'comment' }).spans.length],
];

/** µs per text over the whole set, in passes, for about SECONDS. */
function cold(run: (i: number) => number): number {
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < SECONDS * 1000) {
    for (let i = 0; i < texts.length; i++) sink += run(i);
    n += texts.length;
  }
  return ((performance.now() - start) * 1000) / n;
}

/** µs per text with each text run REPEAT times in a row (the first run of each warms its tables). */
function hot(run: (i: number) => number): number {
  const start = performance.now();
  for (let i = 0; i < texts.length; i++) for (let r = 0; r < REPEAT; r++) sink += run(i);
  return ((performance.now() - start) * 1000) / (texts.length * REPEAT);
}

for (const [, run] of stages) for (let i = 0; i < texts.length; i++) sink += run(i); // warm-up
console.log(`# ${texts.length} dev texts; µs per text, best of 2 rounds; "hot": each text ${REPEAT}× in a row`);
console.log('stage                 whole set    hot     hot ÷ whole set');
const best = stages.map(() => ({ cold: Infinity, hot: Infinity }));
for (let round = 0; round < 2; round++) {
  stages.forEach(([, run], k) => {
    best[k]!.cold = Math.min(best[k]!.cold, cold(run));
    best[k]!.hot = Math.min(best[k]!.hot, hot(run));
  });
}
stages.forEach(([name], k) => {
  const { cold: c, hot: h } = best[k]!;
  console.log(`${name.padEnd(20)} ${c.toFixed(2).padStart(8)}  ${h.toFixed(2).padStart(7)}   ${(h / c).toFixed(2)}`);
});
if (sink === 42) console.log('');
