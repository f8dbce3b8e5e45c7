// Equivalence check for classifier speed work: classifies every text of eval/uit-vsfc-dev.tsv and
// eval/vihsd-dev.tsv (as comments and as articles, as written, in NFD and without diacritics) with
// the bench classifier (seed rules, 1,000 staff rules, 200 claims, gazetteer, committed models)
// and writes one JSON line per item (with both models' predictions and explanations of every text);
// or compares against a file written before.
//
//   npx tsx bench/classify-equivalence.ts --write /tmp/before.jsonl
//   npx tsx bench/classify-equivalence.ts --compare /tmp/before.jsonl
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createClassifier } from '../src/classifiers/classify.ts';
import { loadModels } from '../src/classifiers/load-models.ts';
import { parseLabelledLines } from '../src/classifiers/train-linear-model.ts';
import { analyzeText } from '../src/text/analyze-text.ts';
import { foldText, foldWithOffsets } from '../src/text/fold-text.ts';
import { normalizeText } from '../src/text/normalize-text.ts';
import { tokenizeSyllables } from '../src/text/tokenize-syllables.ts';
import { readClaimFixtures } from '../test/fixtures/claims/read-claim-fixtures.ts';
import { BENCH_SEED, buildBenchClaims, buildBenchGazetteer, buildBenchStaffRules } from './classifier-fixtures.ts';
import { createRandom } from './seeded-random.ts';

const { values } = parseArgs({
  options: {
    write: { type: 'string' },
    compare: { type: 'string' },
    data: { type: 'string', default: fileURLToPath(new URL('../../shared/data/', import.meta.url)) },
  },
});
const DATA_DIR = values.data.replace(/\/?$/, '/');
const read = (name: string) => parseLabelledLines(readFileSync(`${DATA_DIR}eval/${name}`, 'utf8').split('\n')).map((e) => e.text);
const texts = [...read('uit-vsfc-dev.tsv'), ...read('vihsd-dev.tsv')];
const strip = (t: string) => t.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

const models = loadModels();
const random = createRandom(BENCH_SEED);
const claims = buildBenchClaims(readClaimFixtures().claims, random);
const staffRules = buildBenchStaffRules(claims, random);
const classifier = createClassifier({ staffRules, claims, gazetteer: buildBenchGazetteer(), models });

const lines: string[] = [];
texts.forEach((raw, i) => {
  for (const [variant, text] of [
    ['as-is', raw],
    ['nfd', raw.normalize('NFD')],
    ['plain', strip(raw)],
    ['crlf-zw', raw.replace(/ /, '\u200b ').replace(/$/, '\r\n')],
  ] as const) {
    const n = normalizeText(text);
    const comment = classifier.classify({ title: n, body: '', kind: 'comment' });
    const article = classifier.classify({ title: normalizeText(texts[(i + 1) % texts.length]!), body: n, kind: 'article' });
    const commentWithBody = classifier.classify({ title: n, body: n, kind: 'comment' });
    // Both models' predictions and explanations of every text (classify explains only what it flags, and shows no feature keys).
    const analysed = analyzeText(n);
    const models_ = [models.sentiment, models.offensive].map((model) => {
      const prediction = model.predictTokens(analysed, n);
      return { prediction, explained: model.explainPrediction(analysed, n, prediction, 8) };
    });
    lines.push(
      JSON.stringify({
        i,
        variant,
        normalized: n,
        fold: foldText(text),
        foldOffsets: foldWithOffsets(text),
        syllables: tokenizeSyllables(text),
        // normId and lowerId are process-wide ids that depends on the order syllables were first seen: left out.
        tokens: analyzeText(n).map(({ normId: _norm, lowerId: _lower, ...token }) => token),
        comment,
        article,
        commentWithBody,
        models: models_,
      }),
    );
  }
});

if (values.write) {
  writeFileSync(values.write, lines.join('\n') + '\n');
  console.log(`wrote ${lines.length} items to ${values.write}`);
} else if (values.compare) {
  const before = readFileSync(values.compare, 'utf8').trimEnd().split('\n');
  let differences = 0;
  if (before.length !== lines.length) console.log(`item count differs: ${before.length} before, ${lines.length} now`);
  for (let k = 0; k < Math.min(before.length, lines.length); k++) {
    if (before[k] !== lines[k]) {
      if (differences < 5) console.log(`differs at ${k}:\n  before ${before[k]!.slice(0, 2000)}\n  now    ${lines[k]!.slice(0, 2000)}`);
      differences++;
    }
  }
  console.log(differences === 0 && before.length === lines.length ? `IDENTICAL: ${lines.length} items` : `DIFFERENT: ${differences} of ${lines.length} items differ`);
  if (differences > 0 || before.length !== lines.length) process.exitCode = 1;
} else {
  console.log('give --write FILE or --compare FILE');
}
