// Benchmark of the triage queue query (`listItems`) on a realistic backlog.
//
//   npm run bench                                   # embedded PGlite in memory, 200 000 items
//   npm run bench -- --items 20000
//   npx tsx bench/triage-query.ts --database-url postgres://postgres@127.0.0.1:5432/postgres
//
// On a server it creates a throw-away database `duluan_bench_<random>` and drops it at the end.
// Every figure is printed next to the same query planned without indexes (sequential scan + sort),
// measured in the same run, so the speed-up is a ratio rather than a number from another machine.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzleProxy } from 'drizzle-orm/pg-proxy';
import postgres from 'postgres';
import { openDatabase, redactUrl, type Database, type Db } from '../src/db/client.ts';
import { runMigrations } from '../src/db/migrate.ts';
import { listItems, type ItemFilters } from '../src/db/queries/items.ts';
import { insertSource } from '../src/db/queries/sources.ts';
import * as schema from '../src/db/schema.ts';
import { foldText } from '../src/text/fold-text.ts';
import { generateItems, type GeneratedItem } from './generate-items.ts';
import { createRandom } from './seeded-random.ts';

const TARGET_P95_MS = 50;
const SOURCE_COUNT = 20;
const BATCH_SIZE = 1000;
const WARMUPS = 5;
// What people type, with and without diacritics: common words, a mid-frequency one, rare ones, none.
const SEARCH_WORDS = ['học phí', 'giao vien', 'lạm thu', 'bao luc hoc duong', 'ngộ độc thực phẩm', 'tàu ngầm'];
const TRIAGE: ItemFilters = { status: 'open', order: 'priority', limit: 50 };

interface Options {
  items: number;
  databaseUrl: string | undefined;
  runs: number;
  baselineRuns: number;
  seed: number;
  /** Leave the server database in place after the run, to EXPLAIN queries by hand. */
  keepDatabase: boolean;
}

interface Stats {
  p50: number;
  p95: number;
  max: number;
  runs: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      items: { type: 'string', default: '200000' },
      'database-url': { type: 'string' },
      runs: { type: 'string', default: '200' },
      'baseline-runs': { type: 'string' },
      seed: { type: 'string', default: '1' },
      'keep-database': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'usage: tsx bench/triage-query.ts [--items N=200000] [--database-url URL (else $BENCH_DATABASE_URL, else embedded PGlite)]\n' +
        '                                [--runs N=200] [--baseline-runs N=min(runs,50)] [--seed N=1] [--keep-database]',
    );
    process.exit(0);
  }
  const positive = (name: string, value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`bench: --${name} must be a positive integer, got ${value}`);
    return n;
  };
  const runs = positive('runs', values.runs);
  return {
    items: positive('items', values.items),
    databaseUrl: values['database-url'] ?? (process.env.BENCH_DATABASE_URL || undefined),
    runs,
    baselineRuns: values['baseline-runs'] ? positive('baseline-runs', values['baseline-runs']) : Math.min(runs, 50),
    seed: positive('seed', values.seed),
    keepDatabase: values['keep-database'],
  };
}

/** Returns p50/p95/max of the timings, nearest-rank. */
function summarize(timings: number[]): Stats {
  if (timings.length === 0) return { p50: Number.NaN, p95: Number.NaN, max: Number.NaN, runs: 0 };
  const sorted = [...timings].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { p50: rank(50), p95: rank(95), max: sorted[sorted.length - 1]!, runs: sorted.length };
}

/** Returns the duration in ms of each of `runs` calls, after a few untimed warm-up calls. */
async function timeRuns(runs: number, call: (run: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUPS; i++) await call(i);
  const timings: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await call(i);
    timings.push(performance.now() - started);
  }
  return timings;
}

/** Returns the rows of a raw statement, whichever driver ran it. */
async function queryRows(db: Db, statement: SQL): Promise<Record<string, unknown>[]> {
  const result = (await db.execute(statement)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows) as Record<string, unknown>[];
}

/** Returns the exact SQL and parameters `listItems` sends for these filters, without running it. */
async function captureListItemsQuery(filters: ItemFilters): Promise<{ text: string; params: unknown[] }> {
  let captured: { text: string; params: unknown[] } | undefined;
  const recorder = drizzleProxy(
    async (text, params) => {
      captured = { text, params };
      return { rows: [] };
    },
    { schema },
  );
  await listItems(recorder as unknown as Db, filters);
  if (!captured) throw new Error('bench: listItems sent no query');
  return captured;
}

/** Returns the plan lines of EXPLAIN (ANALYZE, BUFFERS) for the query `listItems` runs with these filters. */
async function explainListItems(db: Db, filters: ItemFilters, withoutIndexes = false): Promise<string[]> {
  const { text, params } = await captureListItemsQuery(filters);
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [sql.raw('explain (analyze, buffers) ')];
  parts.forEach((part, i) => chunks.push(i % 2 === 0 ? sql.raw(part) : sql`${params[Number(part) - 1]}`));
  const explain = async (runner: Db) =>
    (await queryRows(runner, sql.join(chunks))).map((row) => String(Object.values(row)[0]));
  if (!withoutIndexes) return explain(db);
  return db.transaction(async (tx) => {
    await disableIndexes(tx as unknown as Db);
    return explain(tx as unknown as Db);
  });
}

/** Returns the plan's top node, its scans of `items`, and the execution time, costs left out. */
function summarizePlan(lines: string[]): string[] {
  const strip = (line: string) => line.replace(/\s*\(cost=[^)]*\)/, '').replace(/^\s*->\s*/, '');
  const picked = [strip(lines[0] ?? '')];
  for (const line of lines.slice(1)) {
    if (/->.*(Scan|Sort|Limit)/.test(line) && /items|Sort|Limit/.test(line)) picked.push('  ' + strip(line));
    else if (/^\s*(Sort Key|Sort Method|Execution Time)/.test(line)) picked.push('  ' + line.trim());
  }
  return picked;
}

async function disableIndexes(tx: Db): Promise<void> {
  await tx.execute(sql`set local enable_indexscan = off`);
  await tx.execute(sql`set local enable_bitmapscan = off`);
  await tx.execute(sql`set local enable_indexonlyscan = off`);
}

/** Returns the duration in ms of each run of `listItems` with index scans disabled: the full-scan baseline. */
async function timeWithoutIndexes(db: Db, runs: number, filtersFor: (run: number) => ItemFilters): Promise<number[]> {
  // Only the query is timed; BEGIN / SET / COMMIT round trips are not part of what is compared.
  const timings: number[] = [];
  for (let i = 0; i < WARMUPS + runs; i++) {
    const warmup = i < WARMUPS;
    const filters = filtersFor(warmup ? i : i - WARMUPS);
    await db.transaction(async (tx) => {
      await disableIndexes(tx as unknown as Db);
      const started = performance.now();
      await listItems(tx as unknown as Db, filters);
      if (!warmup) timings.push(performance.now() - started);
    });
  }
  return timings;
}

interface BenchDatabase {
  database: Database;
  /** URL of the throw-away database on a server; undefined for the embedded one. */
  url: string | undefined;
  dispose(): Promise<void>;
}

/** Returns a fresh, migrated database: a new database on the server, or PGlite in memory. */
async function createBenchDatabase(serverUrl: string | undefined, keep: boolean): Promise<BenchDatabase> {
  if (!serverUrl) {
    const database = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(database);
    return { database, url: undefined, dispose: () => database.close() };
  }
  const name = `duluan_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let database: Database | undefined;
  const dispose = async () => {
    await database?.close().catch(() => {});
    if (!keep || !database) await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
    console.log(keep && database ? `kept database ${name}; drop it with: drop database ${name} with (force)` : `dropped database ${name}`);
  };
  try {
    database = await openDatabase({ databaseUrl: url.toString(), dataDir: 'memory://', maxConnections: 2 });
    await runMigrations(database, url.toString());
  } catch (error) {
    await dispose();
    throw error;
  }
  console.log(`created database ${name}`);
  return { database, url: url.toString(), dispose };
}

function toInsertRow(item: GeneratedItem) {
  return {
    source_id: item.sourceId,
    key_hash: item.keyHash,
    url: item.url,
    title: item.title,
    body: item.body,
    author: item.author,
    published_at: item.publishedAt,
    collected_at: item.collectedAt,
    sort_at: item.sortAt,
    search_text: item.searchText,
    content_hash: item.contentHash,
    // Literals the server casts to the column types; postgres.js cannot infer a text[] from [].
    labels: `{${item.labels.join(',')}}`,
    classification: JSON.stringify(item.classification),
    classifier_version: item.classifierVersion,
    priority: item.priority,
    status: item.status,
  };
}

/** Loads `count` items in multi-row INSERTs; returns the seconds it took. */
async function loadItems(bench: BenchDatabase, count: number, seed: number): Promise<number> {
  const { db } = bench.database;
  const sourceIds: number[] = [];
  for (let i = 1; i <= SOURCE_COUNT; i++) {
    const source = await insertSource(db, { kind: 'rss', name: `Nguồn tin ${i}`, url: `https://nguon-${i}.example.vn/rss` });
    sourceIds.push(source.id);
  }
  const random = createRandom(seed);
  const now = new Date();
  // On a server, postgres.js's row helper skips drizzle's query building: the load is I/O bound.
  const loader = bench.url ? postgres(bench.url, { max: 1, onnotice: () => {} }) : undefined;
  const started = performance.now();
  try {
    for (let done = 0; done < count; done += BATCH_SIZE) {
      const batch = generateItems(random, sourceIds, done, Math.min(BATCH_SIZE, count - done), now);
      if (loader) await loader`insert into items ${loader(batch.map(toInsertRow))}`;
      else await db.insert(schema.items).values(batch);
      if (process.stdout.isTTY && (done / BATCH_SIZE) % 20 === 19) process.stdout.write(`  loaded ${done + BATCH_SIZE}\r`);
    }
  } finally {
    await loader?.end({ timeout: 5 });
  }
  const loadSeconds = (performance.now() - started) / 1000;
  // VACUUM ANALYZE: fresh statistics, and the trigram index's pending list merged, as autovacuum would.
  await db.execute(sql`vacuum (analyze) items`);
  await db.execute(sql`analyze sources`);
  return loadSeconds;
}

const fmt = (n: number) => (Number.isNaN(n) ? '-' : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const ratio = (baseline: number, indexed: number) => Math.round((baseline / indexed) * 10) / 10;
const round = (n: number) => Math.round(n * 100) / 100;

async function main(): Promise<void> {
  const options = readOptions();
  const kind = options.databaseUrl ? 'postgres' : 'embedded';
  console.log(
    `database: ${kind === 'postgres' ? `PostgreSQL server ${redactUrl(options.databaseUrl!)}` : 'embedded PGlite in memory'}`,
  );
  const bench = await createBenchDatabase(options.databaseUrl, options.keepDatabase);
  const onSignal = () => void bench.dispose().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    const { db } = bench.database;
    const [versionRow] = await queryRows(db, sql`select version() as v`);
    console.log(`server: ${String(versionRow?.v).split(',')[0]}`);
    console.log(`loading ${options.items} items from ${SOURCE_COUNT} sources in batches of ${BATCH_SIZE} …`);
    const loadSeconds = await loadItems(bench, options.items, options.seed);
    const rowsPerSecond = Math.round(options.items / loadSeconds);
    const [counts] = await queryRows(
      db,
      sql`select count(*)::int as total, count(*) filter (where status in ('new','in_review'))::int as open,
                 pg_size_pretty(pg_total_relation_size('items')) as size from items`,
    );
    console.log(
      `loaded ${counts?.total} items (${counts?.open} open, table+indexes ${counts?.size}) in ${loadSeconds.toFixed(1)} s` +
        ` = ${rowsPerSecond} rows/s; vacuum analyze done`,
    );

    // b. Cursor of page 5: follow nextCursor four times.
    let cursor: string | undefined;
    for (let page = 1; page < 5; page++) {
      const result = await listItems(db, { ...TRIAGE, cursor });
      if (!result.nextCursor) throw new Error(`bench: the triage list ended at page ${page}; use more --items`);
      cursor = result.nextCursor;
    }
    const page5: ItemFilters = { ...TRIAGE, cursor };
    const searches = SEARCH_WORDS.map((word) => ({ word, filters: { ...TRIAGE, foldedQuery: foldText(word) } }));
    const searchFor = (run: number) => searches[run % searches.length]!.filters;

    console.log(`measuring: ${options.runs} runs per query (+${WARMUPS} warm-ups), ${options.baselineRuns} for each full-scan baseline …`);
    const triage = await timeRuns(options.runs, () => listItems(db, TRIAGE));
    const page5Timings = await timeRuns(options.runs, () => listItems(db, page5));
    const searchTimings = await timeRuns(options.runs, (run) => listItems(db, searchFor(run)));
    const triageBase = await timeWithoutIndexes(db, options.baselineRuns, () => TRIAGE);
    const page5Base = await timeWithoutIndexes(db, options.baselineRuns, () => page5);
    const searchBase = await timeWithoutIndexes(db, options.baselineRuns, searchFor);

    const perWord: { folded: string; openMatches: number; stats: Stats; base: Stats }[] = [];
    for (const [w, { filters }] of searches.entries()) {
      const [row] = await queryRows(
        db,
        sql`select count(*)::int as n from items where status in ('new','in_review') and search_text like ${`%${filters.foldedQuery}%`}`,
      );
      perWord.push({
        folded: filters.foldedQuery!,
        openMatches: Number(row?.n ?? 0),
        stats: summarize(searchTimings.filter((_, run) => run % searches.length === w)),
        base: summarize(searchBase.filter((_, run) => run % searches.length === w)),
      });
    }

    const rows: [string, Stats, Stats][] = [
      ['a. triage, page 1', summarize(triage), summarize(triageBase)],
      ['b. triage, page 5', summarize(page5Timings), summarize(page5Base)],
      ['c. text search (all words)', summarize(searchTimings), summarize(searchBase)],
      ...perWord.map(
        ({ folded, openMatches, stats, base }) => [`   "${folded}" (${openMatches} open match)`, stats, base] as [string, Stats, Stats],
      ),
    ];
    console.log('');
    console.log(`items: ${options.items}   database: ${kind}   times in ms, measured from the client (driver + mapping included)`);
    const header = ['query', 'p50', 'p95', 'max', 'runs', ' |', 'full scan p50', 'p95', ' |', 'ratio p50', 'p95'];
    const widths = [42, 8, 8, 8, 6, 2, 14, 8, 2, 10, 7];
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('');
    console.log(line(header));
    console.log('-'.repeat(widths.reduce((a, b) => a + b, 0)));
    for (const [name, s, b] of rows) {
      console.log(
        line([name, fmt(s.p50), fmt(s.p95), fmt(s.max), String(s.runs), ' |', fmt(b.p50), fmt(b.p95),
          ' |', `${ratio(b.p50, s.p50)}x`, `${ratio(b.p95, s.p95)}x`]),
      );
    }
    console.log('full scan = the same listItems query with enable_indexscan/bitmapscan/indexonlyscan off (seq scan + sort);');
    console.log('ratio = full scan / indexed (higher is better).');

    console.log('\nEXPLAIN (ANALYZE, BUFFERS), summarized:');
    const explained: [string, ItemFilters, boolean][] = [
      ['a. triage, page 1', TRIAGE, false],
      ['d. triage, page 1, full scan baseline', TRIAGE, true],
      ['b. triage, page 5', page5, false],
      ...searches.map(({ filters }) => [`c. search "${filters.foldedQuery}"`, filters, false] as [string, ItemFilters, boolean]),
    ];
    const executionMs: Record<string, number> = {};
    for (const [name, filters, withoutIndexes] of explained) {
      const plan = await explainListItems(db, filters, withoutIndexes);
      console.log(`${name}:`);
      for (const planLine of summarizePlan(plan)) console.log(`    ${planLine}`);
      const time = plan.map((l) => /Execution Time: ([\d.]+)/.exec(l)?.[1]).find(Boolean);
      if (time) executionMs[name] = Number(time);
      if (name.startsWith('a.') && !plan.some((l) => /Index Scan using items_\w+ on items/.test(l))) {
        console.log('    NOTE: the triage query reads every open item (no index provides its order); see the Sort Key above.');
      }
    }

    const triageStats = summarize(triage);
    const pass = triageStats.p95 <= TARGET_P95_MS;
    console.log(`\ntarget: triage p95 ≤ ${TARGET_P95_MS} ms — ${pass ? 'PASS' : 'FAIL'} (p95 ${fmt(triageStats.p95)} ms)`);

    const figures = (prefix: string, s: Stats) => ({
      [`${prefix}_p50_ms`]: round(s.p50),
      [`${prefix}_p95_ms`]: round(s.p95),
      [`${prefix}_max_ms`]: round(s.max),
    });
    const [, , triageB] = rows[0]!;
    const [, page5S, page5B] = rows[1]!;
    const [, searchS, searchB] = rows[2]!;
    console.log(
      JSON.stringify({
        items: options.items,
        database: kind,
        runs: options.runs,
        baseline_runs: options.baselineRuns,
        load_s: round(loadSeconds),
        load_rows_per_s: rowsPerSecond,
        ...figures('triage', triageStats),
        ...figures('page5', page5S),
        ...figures('search', searchS),
        ...figures('baseline_triage', triageB),
        ...figures('baseline_page5', page5B),
        ...figures('baseline_search', searchB),
        ratio_triage_p50: ratio(triageB.p50, triageStats.p50),
        ratio_triage_p95: ratio(triageB.p95, triageStats.p95),
        ratio_page5_p50: ratio(page5B.p50, page5S.p50),
        ratio_search_p50: ratio(searchB.p50, searchS.p50),
        search_by_query: Object.fromEntries(
          perWord.map(({ folded, openMatches, stats, base }) => [
            folded,
            { open_matches: openMatches, p50_ms: round(stats.p50), p95_ms: round(stats.p95), baseline_p50_ms: round(base.p50) },
          ]),
        ),
        explain_execution_ms: executionMs,
        target_triage_p95_ms: TARGET_P95_MS,
        target_pass: pass,
      }),
    );
  } finally {
    process.removeListener('SIGINT', onSignal);
    await bench.dispose();
  }
}

await main();
