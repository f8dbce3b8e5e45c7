// Feed conformance: scores `duluan preview` against the feedparser test corpus with
// ../shared/tools/feed-conformance.py, and in the same run plain rss-parser `parseString`
// (bench/rss-parser-preview.ts) as the baseline; prints both by group and the difference.
// Usage: npm run bench:feeds  (needs python3; the HTTP tests are served on 127.0.0.1:8097)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const shared = process.env.SHARED_DIR ?? `${root}../shared`;
const tool = `${shared}/tools/feed-conformance.py`;
const corpus = `${shared}/data/feedparser-tests`;

interface Summary {
  passed: number;
  tests: number;
  rate: number;
  by_group: Record<string, string>;
  failed: string[];
}

function score(label: string, command: string[]): Summary {
  const started = Date.now();
  const run = spawnSync('python3', [tool, '--corpus', corpus, '--json', '--', ...command], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, COLLECTOR_ALLOW_HOSTS: [process.env.COLLECTOR_ALLOW_HOSTS, '127.0.0.1'].filter(Boolean).join(',') },
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  let summary: Summary;
  try {
    summary = JSON.parse(line) as Summary;
  } catch {
    throw new Error(`${label}: the conformance tool printed no summary (exit ${run.status})\n${run.stderr.slice(-2000)}`);
  }
  console.error(`${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return summary;
}

if (!existsSync(tool) || !existsSync(corpus)) {
  console.error(`missing ${tool} or ${corpus} (set SHARED_DIR)`);
  process.exit(2);
}

// One at a time: both serve the HTTP tests on the same port.
const duluan = score('duluan preview', ['npm', 'run', '--silent', 'duluan', '--', 'preview']);
const baseline = score('rss-parser parseString', ['npx', 'tsx', 'bench/rss-parser-preview.ts']);

const pct = (passed: number, tests: number): string => `${((100 * passed) / Math.max(tests, 1)).toFixed(1)}%`;
const parse = (value: string | undefined): [number, number] => {
  const [p, n] = (value ?? '0/0').split('/').map(Number);
  return [p ?? 0, n ?? 0];
};
const groups = [...new Set([...Object.keys(duluan.by_group), ...Object.keys(baseline.by_group)])].sort();
const rows = groups.map((group) => {
  const [dp, dn] = parse(duluan.by_group[group]);
  const [bp, bn] = parse(baseline.by_group[group]);
  return { group, duluan: `${dp}/${dn} (${pct(dp, dn)})`, 'rss-parser': `${bp}/${bn} (${pct(bp, bn)})`, difference: dp - bp };
});
rows.push({
  group: 'overall',
  duluan: `${duluan.passed}/${duluan.tests} (${pct(duluan.passed, duluan.tests)})`,
  'rss-parser': `${baseline.passed}/${baseline.tests} (${pct(baseline.passed, baseline.tests)})`,
  difference: duluan.passed - baseline.passed,
});
console.table(rows);
console.log(
  `feed conformance: duluan preview ${pct(duluan.passed, duluan.tests)}, rss-parser ${pct(baseline.passed, baseline.tests)}, ` +
    `difference ${(((duluan.passed - baseline.passed) * 100) / Math.max(duluan.tests, 1)).toFixed(1)} points`,
);
console.log(`still failing with duluan preview (${duluan.failed.length}): ${duluan.failed.join(' ')}`);
