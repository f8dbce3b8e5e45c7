// Benchmark of claim matching and of staff rules, each next to a naive baseline in the same run.
//
//   npx tsx bench/claim-matching.ts               # both sections
//   npx tsx bench/claim-matching.ts --seconds 2   # time per measurement, split into 7 rounds (default 1)
//
// Section 1: 200 claims (the 105 of test/fixtures/claims plus 95 made by splicing halves of two of
// them), matched against the data set's short texts (rewordings and unrelated items). Prints
// precision/recall on the data set, then matches per second with the inverted index and with the
// baseline that scores every claim, tokens given (as classify passes them) and from raw text.
// Section 2: 1,000 staff rules (phrases, any-of, all-of-within, 20 regexes) on the same texts,
// one Aho-Corasick pass against the baseline that tries every rule at every position.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  CLAIM_MATCH_THRESHOLD,
  compileClaims,
  matchClaims,
  matchClaimsNaively,
} from '../src/classifiers/claim-matcher.ts';
import { compileStaffRules, matchStaffRules, matchStaffRulesNaively } from '../src/classifiers/staff-rules.ts';
import { analyzeText, type Token } from '../src/text/analyze-text.ts';
import { readClaimFixtures, scoreClaimMatching } from '../test/fixtures/claims/read-claim-fixtures.ts';
import { BENCH_RULE_REGEXES as REGEXES, BENCH_SEED, buildBenchClaims, buildBenchStaffRules } from './classifier-fixtures.ts';
import { createRandom } from './seeded-random.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '1' } } });
const SECONDS = Number(values.seconds);

// The same claims and rules every run (bench/classifier-fixtures.ts; bench/classify.ts uses them too).
const random = createRandom(BENCH_SEED);

/**
 * Returns calls per second of each piece of work. The pieces take turns in ROUNDS short rounds and
 * each keeps its best round, so a neighbour process stealing the core for a moment (benchmarks
 * share machines) does not decide a ratio.
 */
const ROUNDS = 7;
function perSecond(...works: (() => number)[]): number[] {
  for (const work of works) for (let i = 0; i < 500; i++) work();
  const best = works.map(() => 0);
  for (let round = 0; round < ROUNDS; round++) {
    works.forEach((work, k) => {
      let calls = 0;
      const start = performance.now();
      let elapsed = 0;
      while (elapsed < (SECONDS * 1000) / ROUNDS) {
        for (let i = 0; i < 50; i++) calls += work();
        elapsed = performance.now() - start;
      }
      best[k] = Math.max(best[k]!, calls / (elapsed / 1000));
    });
  }
  return best;
}
const format = (n: number): string => Math.round(n).toLocaleString('en-US');
let sink = 0;

// ----- Section 1: claims -----
const fixtures = readClaimFixtures();
const real = fixtures.claims;
const claims = buildBenchClaims(real, random);
const texts = [...fixtures.pairs.map((pair) => pair.text), ...fixtures.unrelated];
const tokenized: Token[][] = texts.map((text) => analyzeText(text));
const averageSyllables = tokenized.reduce((sum, tokens) => sum + tokens.length, 0) / tokenized.length;

console.log(`# Claim matching — ${claims.length} claims, ${texts.length} short texts (${averageSyllables.toFixed(1)} syllables on average), Node ${process.version}`);
const dataSetIndex = compileClaims(real);
for (const threshold of [CLAIM_MATCH_THRESHOLD - 0.05, CLAIM_MATCH_THRESHOLD, CLAIM_MATCH_THRESHOLD + 0.05]) {
  const score = scoreClaimMatching(dataSetIndex, fixtures, threshold);
  const byKind = Object.entries(score.recallByKind).map(([kind, recall]) => `${kind} ${recall.toFixed(2)}`).join(', ');
  console.log(
    `threshold ${threshold.toFixed(2)}${threshold === CLAIM_MATCH_THRESHOLD ? ' (chosen)' : '         '}: precision ${score.precision.toFixed(3)}, recall ${score.recall.toFixed(3)}` +
      ` (tp ${score.truePositives}, fp ${score.falsePositives}, fn ${score.falseNegatives}; recall by kind: ${byKind})`,
  );
}

const compileStart = performance.now();
const index = compileClaims(claims);
console.log(`compileClaims: ${(performance.now() - compileStart).toFixed(1)} ms for ${claims.length} claims`);
let cursor = 0;
const next = (): number => (cursor = (cursor + 1) % texts.length);
const [indexed, naive, indexedText, naiveText] = perSecond(
  () => ((sink += matchClaims(index, tokenized[next()]!).length), 1),
  () => ((sink += matchClaimsNaively(index, tokenized[next()]!).length), 1),
  () => ((sink += matchClaims(index, texts[next()]!).length), 1),
  () => ((sink += matchClaimsNaively(index, texts[next()]!).length), 1),
) as [number, number, number, number];
console.log(`tokens given:   inverted index ${format(indexed)} matches/s, baseline (every claim scored) ${format(naive)}/s, ratio ${(indexed / naive).toFixed(1)}×`);
console.log(`from raw text:  inverted index ${format(indexedText)} matches/s, baseline ${format(naiveText)}/s, ratio ${(indexedText / naiveText).toFixed(1)}× (includes analyzeText)`);
console.log(`target ≥ 100,000 matches/s (tokens given): ${indexed >= 100_000 ? 'met' : 'NOT met'}`);

// ----- Section 2: staff rules -----
// Rule phrases come from the claims (staff write rules about what is being said) and from a list
// of typical complaint and rumour phrases; texts are the data set's short comments.
const rules = buildBenchStaffRules(claims, random);
const ruleCompileStart = performance.now();
const matcher = compileStaffRules(rules);
console.log('');
console.log(
  `# Staff rules — ${matcher.rules.length} rules (${rules.filter((r) => r.kind === 'phrase').length} phrases, 100 any-of, 50 all-of-within, ${REGEXES.length} regexes; ${matcher.skipped.length} rejected), ` +
    `compiled in ${(performance.now() - ruleCompileStart).toFixed(1)} ms, ${matcher.next.length} automaton states`,
);
let agree = 0;
texts.forEach((text, i) => {
  if (JSON.stringify(matchStaffRules(matcher, text, tokenized[i])) === JSON.stringify(matchStaffRulesNaively(matcher, text, tokenized[i]))) agree++;
});
const matchesPerText = texts.reduce((sum, text, i) => sum + matchStaffRules(matcher, text, tokenized[i]).length, 0) / texts.length;
console.log(`same matches as the baseline on ${agree}/${texts.length} texts; ${matchesPerText.toFixed(1)} matches per text`);
const phrasesOnly = compileStaffRules(rules.filter((rule) => rule.kind !== 'regex'));
const [oneMatcher, ruleByRule, oneMatcherText, noRegex] = perSecond(
  () => {
    const i = next();
    sink += matchStaffRules(matcher, texts[i]!, tokenized[i]).length;
    return 1;
  },
  () => {
    const i = next();
    sink += matchStaffRulesNaively(matcher, texts[i]!, tokenized[i]).length;
    return 1;
  },
  () => ((sink += matchStaffRules(matcher, texts[next()]!).length), 1),
  () => {
    const i = next();
    sink += matchStaffRules(phrasesOnly, texts[i]!, tokenized[i]).length;
    return 1;
  },
) as [number, number, number, number];
console.log(`tokens given:   one matcher ${format(oneMatcher)} texts/s, baseline (rule by rule) ${format(ruleByRule)} texts/s, ratio ${(oneMatcher / ruleByRule).toFixed(1)}×`);
console.log(`from raw text:  one matcher ${format(oneMatcherText)} texts/s (includes analyzeText)`);
console.log(`without the ${REGEXES.length} regexes (tokens given): ${format(noRegex)} texts/s — the regexes cost ${(((1 / oneMatcher - 1 / noRegex) * 1e6)).toFixed(2)} µs per text`);
console.log(`target ≥ 200,000 texts/s (tokens given): ${oneMatcher >= 200_000 ? 'met' : 'NOT met'}`);
if (sink === -1) console.log('');
