// Throughput of the whole classification on one core, next to natural's BayesClassifier in the same run.
//
//   npm run bench:classify                          # 3 rounds of 2 s per measurement
//   npx tsx bench/classify.ts --seconds 1 --rounds 5
//   npx tsx bench/classify.ts --data ../shared/data # where eval/ and feeds/ are (default: ../shared/data)
//
// The classifier is built as the service builds it: the seed rules, 1,000 staff rules and 200 claims
// of bench/classifier-fixtures.ts, a gazetteer (a ward, 10 schools, 20 residential groups) and the
// committed models. Each item is normalised (normalizeText, as collectors do before storing) and
// classified — analysis, rules, sentiment, offensive detector, claims, and the explanations that the
// classifier itself computes for what it flags.
//
// Inputs: short comments are the texts of eval/uit-vsfc-dev.tsv and eval/vihsd-dev.tsv (kind
// 'comment', the models label); 2 KB articles are ~2,000 characters built from the sentences of the
// VnExpress feed descriptions in feeds/*.xml and from dev texts (kind 'article').
//
// Baseline: natural's BayesClassifier trained on eval/uit-vsfc-train.tsv. natural's WordTokenizer
// keeps only [A-Za-z0-9_] and so destroys Vietnamese; the baseline's tokenizer is a whitespace split
// of the normalised, lowercased text (UIT-VSFC is already spaced around punctuation). Its accuracy on
// eval/uit-vsfc-dev.tsv is scored by the same code as our sentiment model's (evaluateTsv), and its
// speed is measured on the same short comments with the same normalisation.
//
// Everything runs on the main thread: no workers. Each measurement is warmed up, then the workloads
// take turns for --rounds rounds of --seconds each (wall clock), so a neighbour stealing the core for
// a moment hits every workload alike; the table gives the best and the median round, and CPU/wall
// shows how much more than one core the process used (garbage collector helper threads).
process.env.DOTENV_CONFIG_QUIET = 'true'; // natural's storage modules load dotenv, which would print a banner

import { createRequire } from 'node:module';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compileClaims, matchClaims } from '../src/classifiers/claim-matcher.ts';
import { createClassifier } from '../src/classifiers/classify.ts';
import { evaluateFile, evaluateTsv, SENTIMENT_LABELS, type EvaluationReport } from '../src/classifiers/evaluate.ts';
import type { CompiledLinearModel, Prediction } from '../src/classifiers/linear-model.ts';
import { loadModels, MODELS_DIR, type LoadedModels } from '../src/classifiers/load-models.ts';
import { SEED_RULES } from '../src/classifiers/seed-rules.ts';
import { compileStaffRules, matchStaffRules } from '../src/classifiers/staff-rules.ts';
import { parseLabelledLines } from '../src/classifiers/train-linear-model.ts';
import { parseFeed } from '../src/collectors/rss.ts';
import type { Classification, ClassifierInput } from '../src/domain/classification.ts';
import { analyzeText, type Token } from '../src/text/analyze-text.ts';
import { normalizeText } from '../src/text/normalize-text.ts';
import { readClaimFixtures } from '../test/fixtures/claims/read-claim-fixtures.ts';
import { BENCH_SEED, buildBenchClaims, buildBenchGazetteer, buildBenchRuleDefinitions, buildBenchStaffRules } from './classifier-fixtures.ts';
import { createRandom } from './seeded-random.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    articles: { type: 'string', default: '300' },
    data: { type: 'string', default: fileURLToPath(new URL('../../shared/data/', import.meta.url)) },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Math.max(1, Number(values.rounds));
const ARTICLE_COUNT = Number(values.articles);
const ARTICLE_CHARACTERS = 2000;
const DATA_DIR = values.data.replace(/\/?$/, '/');
const SHORT_TARGET = 50_000;
const RATIO_TARGET = 20;

const format = (n: number): string => Math.round(n).toLocaleString('en-US');
const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
let sink = 0;

// ----- Inputs -----
const readLabelled = (name: string) => parseLabelledLines(readFileSync(`${DATA_DIR}eval/${name}`, 'utf8').split('\n'));
const sentimentDev = readLabelled('uit-vsfc-dev.tsv');
const offensiveDev = readLabelled('vihsd-dev.tsv');
const shortTexts = [...sentimentDev, ...offensiveDev].map((example) => example.text);

/** Returns `count` articles of about `characters` characters: a feed title, then feed sentences mixed with dev texts. */
async function buildArticles(count: number, characters: number): Promise<{ title: string; body: string }[]> {
  const feedFiles = readdirSync(`${DATA_DIR}feeds`).filter((name) => name.endsWith('.xml')).sort();
  const entries = (await Promise.all(feedFiles.map((name) => parseFeed(readFileSync(`${DATA_DIR}feeds/${name}`, 'utf8'))))).flatMap((feed) => feed.entries);
  const titles = entries.map((entry) => entry.title).filter((title) => title.length > 0);
  const feedSentences = entries
    .flatMap((entry) => entry.body.split(/(?<=[.!?…])\s+/))
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length >= 20);
  // Dev texts stand for the readers' reactions articles quote; end them like sentences.
  const quoted = shortTexts.filter((text) => text.length >= 20).map((text) => (/[.!?…]$/.test(text) ? text : `${text}.`));
  const random = createRandom(BENCH_SEED + 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  console.log(`article material: ${entries.length} feed entries (${feedFiles.length} feeds), ${feedSentences.length} feed sentences, ${quoted.length} dev texts`);
  return Array.from({ length: count }, () => {
    const title = pick(titles);
    const sentences: string[] = [];
    let length = title.length + 1;
    while (length < characters) {
      const sentence = random() < 0.75 ? pick(feedSentences) : pick(quoted);
      sentences.push(sentence);
      length += sentence.length + 1;
    }
    return { title, body: sentences.join(' ') };
  });
}
const articles = await buildArticles(ARTICLE_COUNT, ARTICLE_CHARACTERS);

// ----- The classifier, built as the service builds it -----
/** Returns the committed models; retries briefly, since a retraining may be rewriting the files. */
async function loadModelsPatiently(): Promise<LoadedModels> {
  for (let attempt = 1; ; attempt++) {
    try {
      return loadModels();
    } catch (error) {
      if (attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}
const models = await loadModelsPatiently();
const fixtures = readClaimFixtures();
const random = createRandom(BENCH_SEED);
const claims = buildBenchClaims(fixtures.claims, random);
const staffRules = buildBenchStaffRules(claims, random);
const gazetteer = buildBenchGazetteer();
const buildStart = performance.now();
const classifier = createClassifier({ staffRules, claims, gazetteer, models });
const buildMs = performance.now() - buildStart;

const comment = (text: string): Classification => classifier.classify({ title: normalizeText(text), body: '', kind: 'comment' });
const article = (input: { title: string; body: string }): Classification =>
  classifier.classify({ title: normalizeText(input.title), body: normalizeText(input.body), kind: 'article' });

const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
const modelFile = (name: keyof LoadedModels) => `${name} ${models[name].json.version} (file modified ${statSync(`${MODELS_DIR}/${name}.json`).mtime.toISOString()})`;
console.log(`# Whole classification on one core — Node ${process.version}, ${cpuModel}, ${availableParallelism()} cores available, main thread only`);
console.log(
  `classifier: ${SEED_RULES.length} seed rules + ${staffRules.length} staff rules (${staffRules.filter((r) => r.kind === 'phrase').length} phrases, ` +
    `${staffRules.filter((r) => r.kind === 'any_of').length} any-of, ${staffRules.filter((r) => r.kind === 'all_of_within').length} all-of-within, ` +
    `${staffRules.filter((r) => r.kind === 'regex').length} regexes), ${claims.length} claims, gazetteer of ` +
    `${gazetteer.wardNames.length + gazetteer.schools.length + gazetteer.residentialGroups.length} places; built in ${buildMs.toFixed(0)} ms`,
);
console.log(`models: ${modelFile('sentiment')}; ${modelFile('offensive')}`);
const average = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');
console.log(
  `short comments: ${shortTexts.length} (${sentimentDev.length} uit-vsfc-dev + ${offensiveDev.length} vihsd-dev), ` +
    `${average(shortTexts.map((t) => t.length)).toFixed(0)} characters on average`,
);
console.log(
  `articles: ${articles.length}, ${average(articles.map((a) => a.title.length + 1 + a.body.length)).toFixed(0)} characters ` +
    `(${average(articles.map((a) => utf8(a.title) + 1 + utf8(a.body))).toFixed(0)} bytes UTF-8) on average`,
);

const stageMatcher = compileStaffRules(buildBenchRuleDefinitions(staffRules, gazetteer));
const stageClaims = compileClaims(claims);

interface Prepared {
  text: string;
  tokens: Token[];
  explainSentiment: boolean;
  explainOffensive: boolean;
  /** An explanation is computed and its label survives the relevance filter (is shown as a flag). */
  explanationShown: boolean;
  /** The models' predictions, which classify explains (explanations reuse them). */
  sentimentPrediction: Prediction;
  offensivePrediction: Prediction;
}
// Which explanations classify computes for an item is observed, not re-derived: a classifier built
// from the same parts, whose models note every call asking for an explanation.
let explainCalls: string[] = [];
const noting = (name: string, model: CompiledLinearModel): CompiledLinearModel => ({
  json: model.json,
  labels: model.labels,
  predict: (text, options) => model.predict(text, options),
  predictTokens: (tokens, text, options) => model.predictTokens(tokens, text, options),
  explainPrediction: (tokens, text, prediction, top) => {
    explainCalls.push(name);
    return model.explainPrediction(tokens, text, prediction, top);
  },
});
const notingClassifier = createClassifier({
  staffRules,
  claims,
  gazetteer,
  models: { sentiment: noting('sentiment', models.sentiment), offensive: noting('offensive', models.offensive) },
});
/** Returns a text as classify sees it, with the model explanations classify computes for it. */
function prepare(input: ClassifierInput): Prepared {
  const title = normalizeText(input.title);
  const body = normalizeText(input.body);
  const text = body ? `${title}\n${body}` : title;
  explainCalls = [];
  const result = notingClassifier.classify({ title, body, kind: input.kind });
  const explainSentiment = explainCalls.includes('sentiment');
  const explainOffensive = explainCalls.includes('offensive');
  const explanationShown =
    (explainSentiment && (result.labels.includes('negative') || result.labels.includes('positive'))) || (explainOffensive && result.labels.includes('offensive'));
  const tokens = analyzeText(text);
  return {
    text,
    tokens,
    explainSentiment,
    explainOffensive,
    explanationShown,
    sentimentPrediction: models.sentiment.predictTokens(tokens, text),
    offensivePrediction: models.offensive.predictTokens(tokens, text),
  };
}
const shortInputs: ClassifierInput[] = shortTexts.map((text) => ({ title: text, body: '', kind: 'comment' }));
const articleInputs: ClassifierInput[] = articles.map((a) => ({ ...a, kind: 'article' }));
const classifyInput = (input: ClassifierInput) => classifier.classify({ title: normalizeText(input.title), body: normalizeText(input.body), kind: input.kind });
const shortPrepared = shortInputs.map(prepare);
const articlePrepared = articleInputs.map(prepare);

// What the timed work includes: how often the classifier flags, explains and matches claims.
function describe(inputs: readonly ClassifierInput[], prepared: readonly Prepared[]): string {
  const results = inputs.map(classifyInput);
  const flagged = results.filter((r) => r.labels.some((label) => label !== 'relevant')).length;
  const explained = prepared.filter((p) => p.explainSentiment || p.explainOffensive).length;
  const shown = prepared.filter((p) => p.explanationShown).length;
  const withClaims = results.filter((r) => (r.claimMatches?.length ?? 0) > 0).length;
  const pct = (n: number) => `${((100 * n) / results.length).toFixed(1)}%`;
  return (
    `${pct(flagged)} flagged, model explanations computed for ${pct(explained)} (shown with a flag for ${pct(shown)}), ` +
    `${average(results.map((r) => r.spans.length)).toFixed(1)} spans per item, ${pct(withClaims)} matching a claim`
  );
}
console.log(`per short comment: ${describe(shortInputs, shortPrepared)}`);
console.log(`per article:       ${describe(articleInputs, articlePrepared)}`);

// ----- Baseline: natural's BayesClassifier -----
// Loaded through require with a narrow type: natural ships TypeScript sources that do not compile
// under this project's settings, and only BayesClassifier is used.
interface NaturalBayes {
  addDocument(text: string[], label: string): void;
  train(): void;
  classify(text: string[]): string;
}
const natural = createRequire(import.meta.url)('natural') as { BayesClassifier: { new (): NaturalBayes; name: string } };
/** The baseline's tokenizer: a whitespace split of the lowercased text. */
const splitOnWhitespace = (text: string): string[] => text.toLowerCase().split(/\s+/).filter((token) => token.length > 0);
const trainingExamples = readLabelled('uit-vsfc-train.tsv');
const trainStart = performance.now();
const bayes = new natural.BayesClassifier();
for (const example of trainingExamples) bayes.addDocument(splitOnWhitespace(normalizeText(example.text)), example.label);
bayes.train();
const trainSeconds = (performance.now() - trainStart) / 1000;
const bayesClassify = (text: string): string => bayes.classify(splitOnWhitespace(normalizeText(text)));
// natural turns every text into a 0/1 vector over its whole vocabulary: its cost grows with that size.
const bayesVocabulary = Object.keys((bayes as unknown as { features: Record<string, number> }).features).length;
console.log(
  `baseline: natural ${natural.BayesClassifier.name} trained on ${trainingExamples.length} uit-vsfc-train examples in ${trainSeconds.toFixed(1)} s ` +
    `(tokenizer: whitespace split of the lowercased text; vocabulary ${format(bayesVocabulary)} tokens)`,
);

// ----- Accuracy on uit-vsfc-dev -----
const devPath = `${DATA_DIR}eval/uit-vsfc-dev.tsv`;
const ourQuality = evaluateFile(devPath, models);
const bayesQuality = evaluateTsv(readFileSync(devPath, 'utf8').split('\n'), bayesClassify, { task: 'sentiment', model: 'natural BayesClassifier', labels: SENTIMENT_LABELS });

// ----- Speed -----
interface Workload {
  name: string;
  count: number;
  run: (index: number) => number;
}
interface Speed {
  /** Items per CPU-second of this process, per round. */
  rounds: number[];
  /** Items per wall-clock second, per round. */
  wallRounds: number[];
  cpuPerWall: number[];
}
const workloads: Workload[] = [
  { name: 'ours, short comments', count: shortTexts.length, run: (i) => comment(shortTexts[i]!).labels.length },
  { name: 'natural Bayes, short comments', count: shortTexts.length, run: (i) => bayesClassify(shortTexts[i]!).length },
  { name: 'ours, 2 KB articles', count: articles.length, run: (i) => article(articles[i]!).labels.length },
];

/**
 * Returns items per CPU-second of this process and per wall-clock second over one round of about
 * `seconds` (CPU time), and the CPU time over the wall time. CPU time is the headline, as in
 * evaluate.ts: neighbours on a shared machine do not count, the process's own garbage collector
 * threads do (so it never flatters).
 */
function timeRound(work: Workload, cursor: { next: number }, seconds: number): { perSecond: number; perWallSecond: number; cpuPerWall: number } {
  let items = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let cpuSeconds = 0;
  while (cpuSeconds < seconds) {
    for (let k = 0; k < 16; k++) {
      sink += work.run(cursor.next);
      cursor.next = (cursor.next + 1) % work.count;
    }
    items += 16;
    const cpu = process.cpuUsage(cpuStart);
    cpuSeconds = (cpu.user + cpu.system) / 1e6;
  }
  const wallSeconds = (performance.now() - start) / 1000;
  return { perSecond: items / cpuSeconds, perWallSecond: items / wallSeconds, cpuPerWall: cpuSeconds / wallSeconds };
}

/** Returns each workload's rounds: warmed up (a full pass, then a second), then taking turns round by round. */
function measure(list: readonly Workload[], seconds: number, rounds: number): Speed[] {
  const cursors = list.map(() => ({ next: 0 }));
  list.forEach((work, k) => {
    for (let i = 0; i < work.count; i++) sink += work.run(i);
    timeRound(work, cursors[k]!, Math.min(1, seconds));
  });
  const speeds: Speed[] = list.map(() => ({ rounds: [], wallRounds: [], cpuPerWall: [] }));
  for (let round = 0; round < rounds; round++) {
    list.forEach((work, k) => {
      const { perSecond, perWallSecond, cpuPerWall } = timeRound(work, cursors[k]!, seconds);
      speeds[k]!.rounds.push(perSecond);
      speeds[k]!.wallRounds.push(perWallSecond);
      speeds[k]!.cpuPerWall.push(cpuPerWall);
    });
  }
  return speeds;
}

console.log(`\nmeasuring: ${workloads.length} workloads × ${ROUNDS} rounds × ${SECONDS} CPU-seconds, taking turns …`);
const [ourShort, bayesShort, ourArticles] = measure(workloads, SECONDS, ROUNDS) as [Speed, Speed, Speed];
const best = (speed: Speed) => Math.max(...speed.rounds);
const mid = (speed: Speed) => median(speed.rounds);

// ----- Stages (where the time of a short comment and of an article goes) -----
// Each stage alone on the same inputs, and the whole classification once more with the models'
// explanations switched off (same classifier otherwise), which measures their cost in place.
const withoutExplanation = (model: CompiledLinearModel): CompiledLinearModel => ({
  json: model.json,
  labels: model.labels,
  predict: (text) => model.predict(text),
  predictTokens: (tokens, text) => model.predictTokens(tokens, text),
  explainPrediction: () => [],
});
const unexplained = createClassifier({
  staffRules,
  claims,
  gazetteer,
  models: { sentiment: withoutExplanation(models.sentiment), offensive: withoutExplanation(models.offensive) },
});
const stageRuns = (inputs: readonly ClassifierInput[], prepared: readonly Prepared[]) => {
  const raw = inputs.map((input) => (input.body ? `${input.title}\n${input.body}` : input.title));
  const p = (i: number) => prepared[i]!;
  return {
    count: inputs.length,
    stages: [
      ['normalizeText', (i: number) => normalizeText(raw[i]!).length],
      ['analyzeText', (i: number) => analyzeText(p(i).text).length],
      ['rules (seed + places + 1,000 staff)', (i: number) => matchStaffRules(stageMatcher, p(i).text, p(i).tokens).length],
      ['models (sentiment + offensive)', (i: number) => {
        models.sentiment.predictTokens(p(i).tokens, p(i).text);
        return models.offensive.predictTokens(p(i).tokens, p(i).text).label.length;
      }],
      ['claims (200)', (i: number) => matchClaims(stageClaims, p(i).tokens).length],
      ['explanations (items classify explains)', (i: number) => {
        let n = 0;
        if (p(i).explainSentiment) n += models.sentiment.explainPrediction(p(i).tokens, p(i).text, p(i).sentimentPrediction, 5).length;
        if (p(i).explainOffensive) n += models.offensive.explainPrediction(p(i).tokens, p(i).text, p(i).offensivePrediction, 5).length;
        return n;
      }],
    ] as [string, (i: number) => number][],
  };
};
const stageSeconds = Math.max(0.3, SECONDS / 4);
/** Returns the best µs per item of each stage and of the whole classification, over short rounds. */
function timeStages(inputs: readonly ClassifierInput[], prepared: readonly Prepared[]): { name: string; micros: number }[] {
  const { count, stages } = stageRuns(inputs, prepared);
  const list: Workload[] = [
    ...stages.map(([name, run]) => ({ name, count, run })),
    { name: WITHOUT_EXPLANATIONS, count, run: (i) => unexplained.classify({ title: normalizeText(inputs[i]!.title), body: normalizeText(inputs[i]!.body), kind: inputs[i]!.kind }).labels.length },
    { name: WHOLE, count, run: (i) => classifyInput(inputs[i]!).labels.length },
  ];
  return measure(list, stageSeconds, 3).map((speed, k) => ({ name: list[k]!.name, micros: 1e6 / Math.max(...speed.rounds) }));
}
const WHOLE = 'whole classify';
const WITHOUT_EXPLANATIONS = 'whole classify, model explanations off';
console.log(`measuring stages: 3 rounds of ${stageSeconds} CPU-seconds each …`);
const shortStages = timeStages(shortInputs, shortPrepared);
const articleStages = timeStages(articleInputs, articlePrepared);

// ----- Report -----
const ratioBest = best(ourShort) / best(bayesShort);
const ratioMedian = mid(ourShort) / mid(bayesShort);
const shortPass = best(ourShort) >= SHORT_TARGET;
const ratioPass = ratioBest >= RATIO_TARGET;
const negativeF1 = (report: EvaluationReport) => report.labels.negative?.f1 ?? 0;
const betterAccuracy =
  ourQuality.accuracy > bayesQuality.accuracy && negativeF1(ourQuality) > negativeF1(bayesQuality) && ourQuality.weighted_f1 > bayesQuality.weighted_f1;

console.log('\n## Accuracy on uit-vsfc-dev.tsv (' + ourQuality.items + ' items)');
console.log(`${'classifier'.padEnd(44)} ${'accuracy'.padStart(9)} ${'negative F1'.padStart(12)} ${'weighted F1'.padStart(12)}`);
for (const [name, report] of [
  [`ours: sentiment model ${ourQuality.model}`, ourQuality],
  ['natural BayesClassifier (whitespace tokens)', bayesQuality],
] as const) {
  console.log(`${name.padEnd(44)} ${report.accuracy.toFixed(4).padStart(9)} ${negativeF1(report).toFixed(4).padStart(12)} ${report.weighted_f1.toFixed(4).padStart(12)}`);
}
console.log(
  `difference (ours − natural): accuracy ${(ourQuality.accuracy - bayesQuality.accuracy).toFixed(4)}, negative F1 ${(negativeF1(ourQuality) - negativeF1(bayesQuality)).toFixed(4)}, ` +
    `weighted F1 ${(ourQuality.weighted_f1 - bayesQuality.weighted_f1).toFixed(4)}`,
);

console.log(`\n## Speed, one core (items per CPU-second; best and median of ${ROUNDS} rounds of ${SECONDS} CPU-seconds; wall clock for comparison)`);
console.log(`${'workload'.padEnd(44)} ${'best'.padStart(10)} ${'median'.padStart(10)} ${'µs/item'.padStart(9)} ${'wall best'.padStart(10)} ${'CPU/wall'.padStart(9)}  rounds`);
for (const [work, speed] of [
  [workloads[0]!, ourShort],
  [workloads[1]!, bayesShort],
  [workloads[2]!, ourArticles],
] as const) {
  console.log(
    `${work.name.padEnd(44)} ${format(best(speed)).padStart(10)} ${format(mid(speed)).padStart(10)} ${(1e6 / best(speed)).toFixed(1).padStart(9)} ` +
      `${format(Math.max(...speed.wallRounds)).padStart(10)} ${median(speed.cpuPerWall).toFixed(2).padStart(9)}  ${speed.rounds.map(format).join(' / ')}`,
  );
}
console.log(
  `speed ratio, ours ÷ natural on short comments: ${ratioBest.toFixed(1)}× (best), ${ratioMedian.toFixed(1)}× (median), ` +
    `${(Math.max(...ourShort.wallRounds) / Math.max(...bayesShort.wallRounds)).toFixed(1)}× (best, wall clock)`,
);
const articleCharacters = average(articles.map((a) => a.title.length + 1 + a.body.length));
console.log(`articles: ${format(best(ourArticles) * articleCharacters)} characters/s (best)`);

for (const [title, stages] of [
  ['short comments', shortStages],
  ['2 KB articles', articleStages],
] as const) {
  const whole = stages.find((stage) => stage.name === WHOLE)!;
  const unexplainedStage = stages.find((stage) => stage.name === WITHOUT_EXPLANATIONS)!;
  const parts = stages.filter((stage) => stage !== whole && stage !== unexplainedStage);
  const rest = whole.micros - parts.reduce((sum, stage) => sum + stage.micros, 0);
  console.log(`\n## Stages, ${title} (µs per item, each stage alone, best of 3 rounds; share of the whole classification)`);
  for (const stage of [...parts, { name: 'rest (result objects, spans, GC; by difference)', micros: rest }, whole, unexplainedStage]) {
    console.log(`${stage.name.padEnd(44)} ${stage.micros.toFixed(2).padStart(9)} µs ${((100 * stage.micros) / whole.micros).toFixed(0).padStart(5)}%`);
  }
  console.log(
    `explanations in place (whole − explanations off): ${(whole.micros - unexplainedStage.micros).toFixed(2)} µs per item; ` +
      `without them: ${format(1e6 / unexplainedStage.micros)} items/s`,
  );
}

console.log('');
console.log(`${shortPass ? 'PASS' : 'FAIL'}  ≥ ${format(SHORT_TARGET)} short comments/s on one core: ${format(best(ourShort))}/s best, ${format(mid(ourShort))}/s median`);
console.log(`${ratioPass ? 'PASS' : 'FAIL'}  ≥ ${RATIO_TARGET}× natural's BayesClassifier: ${ratioBest.toFixed(1)}× best, ${ratioMedian.toFixed(1)}× median`);
console.log(
  `${betterAccuracy ? 'PASS' : 'FAIL'}  better accuracy than natural on uit-vsfc-dev: negative F1 ${negativeF1(ourQuality).toFixed(4)} vs ${negativeF1(bayesQuality).toFixed(4)}, ` +
    `weighted F1 ${ourQuality.weighted_f1.toFixed(4)} vs ${bayesQuality.weighted_f1.toFixed(4)}, accuracy ${ourQuality.accuracy.toFixed(4)} vs ${bayesQuality.accuracy.toFixed(4)}`,
);
const round = (n: number, digits = 0) => Number(n.toFixed(digits));
console.log(
  JSON.stringify({
    bench: 'classify',
    node: process.version,
    seconds_per_round: SECONDS,
    rounds: ROUNDS,
    models: { sentiment: models.sentiment.json.version, offensive: models.offensive.json.version },
    clock: 'CPU time of the process',
    short_comments: { items: shortTexts.length, best_per_second: round(best(ourShort)), median_per_second: round(mid(ourShort)), best_per_wall_second: round(Math.max(...ourShort.wallRounds)) },
    articles_2kb: { items: articles.length, best_per_second: round(best(ourArticles)), median_per_second: round(mid(ourArticles)), best_per_wall_second: round(Math.max(...ourArticles.wallRounds)) },
    natural_bayes: {
      tokenizer: 'whitespace split of the lowercased text',
      best_per_second: round(best(bayesShort)),
      median_per_second: round(mid(bayesShort)),
      accuracy: bayesQuality.accuracy,
      negative_f1: negativeF1(bayesQuality),
      weighted_f1: bayesQuality.weighted_f1,
    },
    ours_sentiment: { accuracy: ourQuality.accuracy, negative_f1: negativeF1(ourQuality), weighted_f1: ourQuality.weighted_f1 },
    speed_ratio: { best: round(ratioBest, 1), median: round(ratioMedian, 1) },
    stages_short_micros: Object.fromEntries(shortStages.map((stage) => [stage.name, round(stage.micros, 2)])),
    stages_article_micros: Object.fromEntries(articleStages.map((stage) => [stage.name, round(stage.micros, 2)])),
    pass: { short_comments_50k: shortPass, ratio_20x: ratioPass, better_accuracy: betterAccuracy },
  }),
);
if (sink === -1) console.log('');
