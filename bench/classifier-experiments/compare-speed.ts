// Whole classification of short comments by this tree's classifier and by another checkout's, in one
// process, taking turns (so a busy machine slows both alike): CPU µs per comment, best and median.
// Usage:
//   mkdir -p /tmp/old && git archive <commit> src | tar -x -C /tmp/old && ln -sfn "$PWD/node_modules" /tmp/old/node_modules
//   npx tsx bench/classifier-experiments/compare-speed.ts /tmp/old [rounds]
// Both classifiers use this tree's committed models, staff rules, claims and gazetteer.
import { readFileSync } from 'node:fs';
import { createClassifier } from '../../src/classifiers/classify.ts';
import { loadModels, MODELS_DIR } from '../../src/classifiers/load-models.ts';
import type { Classifier } from '../../src/domain/classification.ts';
import { normalizeText } from '../../src/text/normalize-text.ts';
import { readClaimFixtures } from '../../test/fixtures/claims/read-claim-fixtures.ts';
import { BENCH_SEED, buildBenchClaims, buildBenchGazetteer, buildBenchStaffRules } from '../classifier-fixtures.ts';
import { createRandom } from '../seeded-random.ts';

const oldDir = process.argv[2];
if (!oldDir) throw new Error('usage: compare-speed.ts OLD_CHECKOUT_DIR [rounds]');
const rounds = Number(process.argv[3] ?? 30);
const data = process.env.DATA ?? '../shared/data';
const texts = ['uit-vsfc-dev.tsv', 'vihsd-dev.tsv'].flatMap((name) =>
  readFileSync(`${data}/eval/${name}`, 'utf8').split('\n').filter((l) => l.includes('\t')).map((l) => l.slice(l.indexOf('\t') + 1)),
);
const random = createRandom(BENCH_SEED);
const claims = buildBenchClaims(readClaimFixtures().claims, random);
const parts = { staffRules: buildBenchStaffRules(claims, random), claims, gazetteer: buildBenchGazetteer() };
type Create = (parts: object) => Classifier;
const old = (await import(`${oldDir}/src/classifiers/classify.ts`)) as { createClassifier: Create };
const oldModels = (await import(`${oldDir}/src/classifiers/load-models.ts`)) as { loadModels: (dir: string) => unknown };
const variants: Record<string, Classifier> = {
  old: old.createClassifier({ ...parts, models: oldModels.loadModels(MODELS_DIR) }),
  new: createClassifier({ ...parts, models: loadModels() }),
};
let sink = 0;
const micros: Record<string, number[]> = { old: [], new: [] };
for (let round = 0; round < rounds; round++) {
  for (const name of round % 2 ? ['old', 'new'] : ['new', 'old']) {
    const classifier = variants[name]!;
    const started = process.cpuUsage();
    for (let pass = 0; pass < 2; pass++) for (const t of texts) sink += classifier.classify({ title: normalizeText(t), body: '', kind: 'comment' }).labels.length;
    const used = process.cpuUsage(started);
    micros[name]!.push((used.user + used.system) / (2 * texts.length));
  }
}
for (const [name, list] of Object.entries(micros)) {
  list.sort((a, b) => a - b);
  const best = list[0]!;
  console.log(`${name}: best ${best.toFixed(2)} µs (${Math.round(1e6 / best).toLocaleString('en')} comments/s), median ${list[list.length >> 1]!.toFixed(2)} µs per short comment`);
}
if (sink < 0) console.log(sink);
