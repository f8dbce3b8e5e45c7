// Benchmark of a rule dry run ("Thử trước") over stored items: how long the default scan of the
// 20,000 most recent items takes and — the point of its design — how long it holds the event loop
// at a stretch, beside a baseline run in the same process on the same items: the full classifier
// (committed models, seed rules and the draft rule) over the same rows, read the same way, without
// yielding — what re-running the classifier as a "dry run" would cost.
//
//   npx tsx bench/dry-run.ts                         # embedded PGlite in memory, 25,000 items
//   npx tsx bench/dry-run.ts --items 50000 --database-url postgres://postgres@127.0.0.1:5432/postgres
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { DEFAULT_DRY_RUN_LIMITS, dryRunRule } from '../src/api/dry-run.ts';
import { createClassifier } from '../src/classifiers/classify.ts';
import { loadModels } from '../src/classifiers/load-models.ts';
import { openDatabase, type Database } from '../src/db/client.ts';
import { runMigrations } from '../src/db/migrate.ts';
import { listItemsForScan } from '../src/db/queries/scan-items.ts';
import { insertSource } from '../src/db/queries/sources.ts';
import { items } from '../src/db/schema.ts';
import { generateItems } from './generate-items.ts';
import { createRandom } from './seeded-random.ts';

const { values } = parseArgs({ options: { items: { type: 'string', default: '25000' }, 'database-url': { type: 'string' } } });
const count = Number(values.items);
const serverUrl = values['database-url'];

/** Returns the longest gap between timer ticks while `work` runs: how long the event loop was held at a stretch. */
async function withLoopWatch<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; maxBlockMs: number }> {
  let last = performance.now();
  let maxGap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 1);
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  maxGap = Math.max(maxGap, performance.now() - last);
  clearInterval(timer);
  return { result, ms, maxBlockMs: maxGap };
}

async function open(): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (!serverUrl) {
    const database = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(database);
    return { database, drop: () => database.close() };
  }
  const name = `duluan_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir: 'unused' });
  await runMigrations(database, url.toString());
  return {
    database,
    drop: async () => {
      await database.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

const { database, drop } = await open();
try {
  const source = await insertSource(database.db, { kind: 'rss', name: 'Bench', url: 'http://127.0.0.1/bench.xml' });
  const random = createRandom(20261128);
  const now = new Date();
  for (let done = 0; done < count; done += 1000) {
    await database.db.insert(items).values(generateItems(random, [source.id], done, Math.min(1000, count - done), now));
  }
  const draft = { kind: 'phrase' as const, category: 'negative' as const, pattern: 'lạm thu', terms: [], windowWords: null, weight: 1, enabled: true };

  const dryRun = await withLoopWatch(() => dryRunRule(database.db, draft));
  const report = dryRun.result;

  const classifier = createClassifier({ staffRules: [{ ...draft, id: 1 }], models: loadModels() });
  const baseline = await withLoopWatch(async () => {
    let scanned = 0;
    let matched = 0;
    let beforeId: number | null = null;
    while (scanned < DEFAULT_DRY_RUN_LIMITS.maxItems) {
      const batch = await listItemsForScan(database.db, beforeId, DEFAULT_DRY_RUN_LIMITS.batchSize);
      if (batch.length === 0) break;
      for (const item of batch) {
        const classification = classifier.classify({ title: item.title, body: item.body });
        if (classification.spans.some((span) => span.ruleId === 'staff:1')) matched++;
        beforeId = item.id;
        scanned++;
      }
    }
    return { scanned, matched };
  });

  const perSecond = (n: number, ms: number) => Math.round((n / ms) * 1000);
  console.log(`database: ${serverUrl ? 'PostgreSQL' : 'PGlite (memory)'}, ${count} items stored`);
  console.log(
    `dry run (draft rule "lạm thu"): scanned ${report.scanned} of ${report.totalItems}, matched ${report.matched}, ` +
      `${Math.round(dryRun.ms)} ms (${perSecond(report.scanned, dryRun.ms)} items/s), event loop held at most ${dryRun.maxBlockMs.toFixed(1)} ms`,
  );
  console.log(
    `baseline (full classifier, no yielding): scanned ${baseline.result.scanned}, matched ${baseline.result.matched}, ` +
      `${Math.round(baseline.ms)} ms (${perSecond(baseline.result.scanned, baseline.ms)} items/s), event loop held at most ${baseline.maxBlockMs.toFixed(1)} ms`,
  );
  console.log(
    `ratio: dry run ${(baseline.ms / dryRun.ms).toFixed(2)}× the baseline's speed; longest hold ${(baseline.maxBlockMs / dryRun.maxBlockMs).toFixed(1)}× shorter`,
  );
} finally {
  await drop();
}
