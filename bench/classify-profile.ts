// Where the whole classification of short comments spends its time (the bench's classifier and
// inputs): classifies the dev comments in a loop for --seconds, in --rounds, and prints the CPU
// time per item of the best round; with --read, prints a CPU profile's self time per function,
// heaviest first. natural is loaded and trained as bench/classify.ts does (--without-natural
// leaves it out), since that changes how the engine treats String.prototype.
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/classify-profile.ts
//   npx tsx bench/classify-profile.ts --read /tmp/prof/<the larger file>.cpuprofile
//
// Under tsx the profile's line numbers are not the source's; for lines, bundle the script first
// (npx esbuild bench/classify-profile.ts --bundle --platform=node --format=esm --packages=external
// --outfile=…) and profile the bundle, with models/, shared data and the claim fixtures where its
// import.meta.url-relative paths expect them (or give --data).
process.env.DOTENV_CONFIG_QUIET = 'true'; // natural's storage modules load dotenv, which would print a banner

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createClassifier } from '../src/classifiers/classify.ts';
import { loadModels } from '../src/classifiers/load-models.ts';
import { parseLabelledLines } from '../src/classifiers/train-linear-model.ts';
import { normalizeText } from '../src/text/normalize-text.ts';
import { readClaimFixtures } from '../test/fixtures/claims/read-claim-fixtures.ts';
import { BENCH_SEED, buildBenchClaims, buildBenchGazetteer, buildBenchStaffRules } from './classifier-fixtures.ts';
import { createRandom } from './seeded-random.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '4' },
    read: { type: 'string' },
    top: { type: 'string', default: '40' },
    'without-natural': { type: 'boolean', default: false },
    data: { type: 'string', default: fileURLToPath(new URL('../../shared/data/', import.meta.url)) },
  },
});

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

if (values.read) {
  const profile = JSON.parse(readFileSync(values.read, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, k) => {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(src|bench|node_modules)\//, '$1/')}:${lineNumber + 1}`;
    const delta = profile.timeDeltas[k] ?? 0;
    self.set(name, (self.get(name) ?? 0) + delta);
    total += delta;
  });
  const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top));
  for (const [name, time] of rows) console.log(`${((100 * time) / total).toFixed(1).padStart(5)}%  ${(time / 1000).toFixed(0).padStart(6)} ms  ${name}`);
} else {
  const DATA_DIR = values.data.replace(/\/?$/, '/');
  const read = (name: string) => parseLabelledLines(readFileSync(`${DATA_DIR}eval/${name}`, 'utf8').split('\n')).map((e) => e.text);
  const texts = [...read('uit-vsfc-dev.tsv'), ...read('vihsd-dev.tsv')];
  const random = createRandom(BENCH_SEED);
  const claims = buildBenchClaims(readClaimFixtures().claims, random);
  const staffRules = buildBenchStaffRules(claims, random);
  const classifier = createClassifier({ staffRules, claims, gazetteer: buildBenchGazetteer(), models: loadModels() });
  if (!values['without-natural']) {
    // As bench/classify.ts does: loading and training natural's BayesClassifier changes how the
    // engine treats String.prototype (charCodeAt is no longer inlined), which the figures should show.
    const natural = createRequire(import.meta.url)('natural') as { BayesClassifier: new () => { addDocument(t: string[], l: string): void; train(): void } };
    const bayes = new natural.BayesClassifier();
    for (const text of texts.slice(0, 200)) bayes.addDocument(text.toLowerCase().split(/\s+/), text.length % 2 ? 'a' : 'b');
    bayes.train();
  }
  // Rounds of --seconds each; CPU time per item, best round (a neighbour on the core only slows rounds down).
  let sink = 0;
  const perItem: number[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    const until = Date.now() + (Number(values.seconds) * 1000) / Number(values.rounds);
    const cpu = process.cpuUsage();
    let items = 0;
    while (Date.now() < until) {
      for (const text of texts) sink += classifier.classify({ title: normalizeText(text), body: '', kind: 'comment' }).spans.length;
      items += texts.length;
    }
    const used = process.cpuUsage(cpu);
    perItem.push((used.user + used.system) / items);
  }
  console.log(`µs per item (CPU): best ${Math.min(...perItem).toFixed(2)}, rounds ${perItem.map((x) => x.toFixed(2)).join(' / ')} (sink ${sink})`);
}
