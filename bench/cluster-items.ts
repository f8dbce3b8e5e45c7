// Benchmark of near-duplicate clustering (`clusterItems`) on 10,000 items collected over 14 days,
// so that every item's window holds nearly all earlier items (the worst case for the search).
//
//   npx tsx bench/cluster-items.ts                      # embedded PGlite in memory
//   npx tsx bench/cluster-items.ts --items 20000 --days 30 --batch 200
//   npx tsx bench/cluster-items.ts --database-url postgres://postgres@127.0.0.1:5432/postgres
//
// One item in five is a copy of an earlier story (new headline, sentences shuffled, one dropped,
// sometimes without diacritics, a paper's boilerplate added), so that recall and false joins can be
// counted. The baseline, run in the same process on a second database with the same items, is the
// naive way: every new item's shingle set compared with every recent item's in JavaScript (exact
// Jaccard, no signatures). It runs on the first --baseline-items items, and clusterItems' time for
// the same items is taken from its own run, so the ratio compares equal work.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { and, asc, gte, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, redactUrl, type Database, type Db } from '../src/db/client.ts';
import { runMigrations } from '../src/db/migrate.ts';
import { insertSource } from '../src/db/queries/sources.ts';
import { items } from '../src/db/schema.ts';
import { CANDIDATE_DISTANCE, clusterItems, CLUSTER_WINDOW_DAYS, MIN_JACCARD, SHORT_MIN_JACCARD, SHORT_TEXT_SYLLABLES } from '../src/pipeline/cluster-items.ts';
import { foldText } from '../src/text/fold-text.ts';
import { shingleText } from '../src/text/simhash.ts';
import { generateItems, type GeneratedItem } from './generate-items.ts';
import { createRandom } from './seeded-random.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const COPY_SHARE = 0.2;
const BOILERPLATE = ['Theo VnExpress', '(Dân trí) -', 'TTO -', 'Ảnh: minh họa.', 'Báo Thanh Niên sẽ tiếp tục thông tin.'];

interface Options {
  items: number;
  days: number;
  batch: number;
  baselineItems: number;
  distance: number;
  cold: boolean;
  databaseUrl: string | undefined;
  seed: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      items: { type: 'string', default: '10000' },
      days: { type: 'string', default: String(CLUSTER_WINDOW_DAYS) },
      batch: { type: 'string', default: '100' },
      'baseline-items': { type: 'string', default: '2000' },
      distance: { type: 'string', default: String(CANDIDATE_DISTANCE) },
      cold: { type: 'boolean', default: false },
      'database-url': { type: 'string' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'usage: tsx bench/cluster-items.ts [--items N=10000] [--days N=14] [--batch N=100] [--baseline-items N=2000]\n' +
        '                                  [--distance K=${CANDIDATE_DISTANCE} (candidate Hamming distance)]\n' +
        '                                  [--cold (no fingerprints kept between runs, as when other workers clustered the window)]\n' +
        '                                  [--database-url URL (else $BENCH_DATABASE_URL, else embedded PGlite)] [--seed N=1]',
    );
    process.exit(0);
  }
  const positive = (name: string, value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`bench: --${name} must be a positive integer, got ${value}`);
    return n;
  };
  const count = positive('items', values.items);
  return {
    items: count,
    days: positive('days', values.days),
    batch: positive('batch', values.batch),
    baselineItems: Math.min(count, positive('baseline-items', values['baseline-items'])),
    distance: positive('distance', values.distance),
    cold: values.cold,
    databaseUrl: values['database-url'] ?? (process.env.BENCH_DATABASE_URL || undefined),
    seed: positive('seed', values.seed),
  };
}

/** Items in collection order; `origin[i]` is the index of the story item i copies, or i itself. */
function buildItems(options: Options): { rows: GeneratedItem[]; origin: number[] } {
  const random = createRandom(options.seed);
  const start = Date.parse('2026-01-01T00:00:00Z');
  const base = generateItems(random, [1, 2, 3, 4, 5], 0, options.items, new Date(start));
  const rows: GeneratedItem[] = [];
  const origin: number[] = [];
  for (let i = 0; i < options.items; i++) {
    const at = new Date(start + (i / options.items) * options.days * DAY_MS);
    let row: GeneratedItem = { ...base[i]!, publishedAt: at, collectedAt: at, sortAt: at };
    let from = i;
    if (i > 20 && random() < COPY_SHARE) {
      // A copy of a story from the last few days, as another paper would carry it.
      from = origin[i - 1 - Math.floor(random() * Math.min(i - 1, options.items / options.days * 3))]!;
      const story = rows[from]!;
      const sentences = story.body.split(/(?<=\.)\s+/);
      sentences.sort(() => random() - 0.5);
      if (sentences.length > 3) sentences.splice(Math.floor(random() * sentences.length), 1);
      let body = sentences.join(' ');
      if (random() < 0.5) body = random() < 0.5 ? `${BOILERPLATE[Math.floor(random() * 2) + 1]} ${body}` : `${body} ${BOILERPLATE[0]}`;
      if (random() < 0.3) body = foldText(body);
      const title = base[(i + 7919) % options.items]!.title; // a new headline
      row = { ...row, title, body, searchText: foldText(`${title}\n${body}`) };
    }
    rows.push(row);
    origin.push(from);
  }
  return { rows, origin };
}

async function openBenchDatabase(url: string | undefined): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (!url) {
    const database = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(database);
    return { database, drop: () => database.close() };
  }
  const name = `duluan_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: target.toString(), dataDir: 'unused' });
  await runMigrations(database, target.toString());
  return {
    database,
    drop: async () => {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

async function loadItems(db: Db, rows: GeneratedItem[]): Promise<number[]> {
  for (let i = 1; i <= 5; i++) await insertSource(db, { kind: 'rss', name: `báo ${i}`, url: `https://bao-${i}.example.vn/rss` });
  const ids: number[] = [];
  for (let start = 0; start < rows.length; start += 500) {
    const inserted = await db
      .insert(items)
      .values(rows.slice(start, start + 500).map((row) => ({ ...row, status: 'new' as const })))
      .returning({ id: items.id });
    ids.push(...inserted.map((row) => row.id));
  }
  return ids;
}

interface Shingled {
  shingles: Set<string>;
  syllables: number;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const shingle of small) if (large.has(shingle)) shared++;
  return shared / (a.size + b.size - shared);
}

/** The naive baseline: per run, every recent clustered item's text is fetched, shingled and compared. */
async function naiveClusterItems(db: Db, ids: number[], nextCluster: { value: number }): Promise<void> {
  const fresh = await db.select().from(items).where(inArray(items.id, ids)).orderBy(asc(items.id));
  const times = fresh.map((row) => row.sortAt.getTime());
  const windowMs = CLUSTER_WINDOW_DAYS * DAY_MS;
  const recent = await db
    .select({ id: items.id, clusterId: items.clusterId, title: items.title, body: items.body, sortAt: items.sortAt })
    .from(items)
    .where(
      and(
        gte(items.sortAt, new Date(Math.min(...times) - windowMs)),
        lte(items.sortAt, new Date(Math.max(...times) + windowMs)),
        isNotNull(items.clusterId),
      ),
    );
  const known = recent.map((row) => ({ ...row, text: toShingled(`${row.title}\n${row.body}`) as Shingled }));
  const assigned: { id: number; clusterId: number }[] = [];
  for (const row of fresh) {
    const text = toShingled(`${row.title}\n${row.body}`);
    let best: { clusterId: number | null; score: number } = { clusterId: null, score: -1 };
    for (const other of known) {
      if (Math.abs(other.sortAt.getTime() - row.sortAt.getTime()) > windowMs) continue;
      const short = Math.min(text.syllables, other.text.syllables) < SHORT_TEXT_SYLLABLES;
      const score = jaccard(text.shingles, other.text.shingles);
      if (score >= (short ? SHORT_MIN_JACCARD : MIN_JACCARD) && score > best.score) best = { clusterId: other.clusterId, score };
    }
    const clusterId = best.clusterId ?? nextCluster.value++;
    assigned.push({ id: row.id, clusterId });
    known.push({ id: row.id, clusterId, title: row.title, body: row.body, sortAt: row.sortAt, text });
  }
  await db.execute(sql`
    update items set cluster_id = a.cluster_id
    from unnest(${`{${assigned.map((a) => a.id).join(',')}}`}::bigint[], ${`{${assigned.map((a) => a.clusterId).join(',')}}`}::bigint[]) as a(id, cluster_id)
    where items.id = a.id`);
}

function toShingled(text: string): Shingled {
  const { shingles, syllables } = shingleText(text);
  return { shingles: new Set(shingles), syllables };
}

/** Returns recall (copies placed with their story) and false joins (items placed with another story). */
async function scoreClusters(db: Db, ids: number[], origin: number[]): Promise<{ recall: number; falseJoins: number; clusters: number }> {
  const rows = await db.select({ id: items.id, clusterId: items.clusterId }).from(items).orderBy(asc(items.id));
  const clusterById = new Map(rows.map((row) => [row.id, row.clusterId]));
  const clusterOf = (index: number) => clusterById.get(ids[index]!);
  let copies = 0;
  let found = 0;
  const storiesByCluster = new Map<number | null | undefined, Set<number>>();
  for (let i = 0; i < ids.length; i++) {
    if (origin[i] !== i) {
      copies++;
      if (clusterOf(i) === clusterOf(origin[i]!)) found++;
    }
    const stories = storiesByCluster.get(clusterOf(i)) ?? new Set<number>();
    stories.add(origin[i]!);
    storiesByCluster.set(clusterOf(i), stories);
  }
  let falseJoins = 0;
  for (const stories of storiesByCluster.values()) falseJoins += stories.size - 1;
  return { recall: copies ? found / copies : 1, falseJoins, clusters: storiesByCluster.size };
}

function format(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

async function main(): Promise<void> {
  const options = readOptions();
  const { rows, origin } = buildItems(options);
  const copies = origin.filter((from, i) => from !== i).length;
  console.log(
    `cluster-items bench: ${options.items} items over ${options.days} days (${copies} copies of earlier stories), ` +
      `batches of ${options.batch}, K=${options.distance}, ${options.cold ? 'cold' : 'warm'} fingerprint cache, window ±${CLUSTER_WINDOW_DAYS} days, ${options.databaseUrl ? redactUrl(options.databaseUrl) : 'embedded PGlite'}`,
  );

  const main = await openBenchDatabase(options.databaseUrl);
  const baseline = await openBenchDatabase(options.databaseUrl);
  try {
    const ids = await loadItems(main.database.db, rows);
    const baselineIds = await loadItems(baseline.database.db, rows.slice(0, options.baselineItems));

    // clusterItems over all items, batch by batch as feed refreshes would call it.
    const batchMs: number[] = [];
    let elapsedAtBaseline = 0;
    let done = 0;
    const totals = { clustered: 0, joined: 0, created: 0 };
    const started = performance.now();
    for (let start = 0; start < ids.length; start += options.batch) {
      const t0 = performance.now();
      const result = await clusterItems(main.database.db, ids.slice(start, start + options.batch), {
        candidateDistance: options.distance,
        ...(options.cold ? { fingerprints: new Map() } : {}),
      });
      batchMs.push(performance.now() - t0);
      totals.clustered += result.clustered;
      totals.joined += result.joined;
      totals.created += result.created;
      done = Math.min(ids.length, start + options.batch);
      if (done <= options.baselineItems) elapsedAtBaseline = performance.now() - started;
    }
    const total = performance.now() - started;
    const rerunStarted = performance.now();
    const rerun = await clusterItems(main.database.db, ids.slice(0, options.batch));
    const rerunMs = performance.now() - rerunStarted;
    const score = await scoreClusters(main.database.db, ids, origin);
    batchMs.sort((a, b) => a - b);
    const p = (q: number) => batchMs[Math.min(batchMs.length - 1, Math.floor(q * batchMs.length))]!;

    // The naive baseline over the first baselineItems items.
    const nextCluster = { value: 1 };
    const baselineStarted = performance.now();
    for (let start = 0; start < baselineIds.length; start += options.batch) {
      await naiveClusterItems(baseline.database.db, baselineIds.slice(start, start + options.batch), nextCluster);
    }
    const baselineTotal = performance.now() - baselineStarted;
    const baselineScore = await scoreClusters(baseline.database.db, baselineIds, origin.slice(0, options.baselineItems));
    const mainScoreAtBaseline = await scoreClusters(main.database.db, ids.slice(0, options.baselineItems), origin.slice(0, options.baselineItems));

    console.log(`\nclusterItems, ${options.items} items: ${format(total)} = ${Math.round((options.items / total) * 1000)} items/s`);
    console.log(`  per batch of ${options.batch}: p50 ${format(p(0.5))}, p95 ${format(p(0.95))}, max ${format(batchMs.at(-1)!)}`);
    console.log(`  result ${JSON.stringify(totals)}; ${score.clusters} clusters; copies found ${(score.recall * 100).toFixed(1)}%, false joins ${score.falseJoins}`);
    console.log(`  re-run of one clustered batch: ${format(rerunMs)} → ${JSON.stringify(rerun)}`);
    console.log(`\nfirst ${options.baselineItems} items, same batches:`);
    console.log(
      `  clusterItems            ${format(elapsedAtBaseline).padStart(10)}  copies found ${(mainScoreAtBaseline.recall * 100).toFixed(1)}%, false joins ${mainScoreAtBaseline.falseJoins}`,
    );
    console.log(
      `  naive (all recent, JS)  ${format(baselineTotal).padStart(10)}  copies found ${(baselineScore.recall * 100).toFixed(1)}%, false joins ${baselineScore.falseJoins}`,
    );
    console.log(`  speed-up ×${(baselineTotal / elapsedAtBaseline).toFixed(1)}`);
  } finally {
    await main.drop();
    await baseline.drop();
  }
}

await main();
