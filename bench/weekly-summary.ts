// Benchmark of the weekly summary (computeWeeklySummary) over a database of 1,000,000 items.
//
//   npm run bench:weekly
//   npx tsx bench/weekly-summary.ts --database-url postgres://postgres@127.0.0.1:5432/postgres --items 1000000 --runs 15
//
// Creates (or reuses, when already seeded with the same size) the database `duluan_bench_weekly` on
// the server: items spread over one year with clusters (3 copies of a story), labels, deadlines,
// responses on every channel and MTTQ feedback, all seeded with generate_series. It then times the
// summary of one week (target: ≤ 1 s) and, in the same run, two baselines:
//   1. the naive approach: load the week's rows (and the week before) into JS and aggregate there;
//   2. the same SQL without the items sort_at index (dropped inside a transaction that is rolled back).
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, redactUrl, type Db } from '../src/db/client.ts';
import { runMigrations } from '../src/db/migrate.ts';
import { getSetting, putSetting } from '../src/db/queries/settings.ts';
import { parseIsoWeek, previousIsoWeek, type IsoWeek } from '../src/domain/iso-week.ts';
import { computeWeeklySummary } from '../src/reports/weekly-summary.ts';

const DATABASE = 'duluan_bench_weekly';
const TARGET_MS = 1000;
const WEEK = parseIsoWeek('2026-W40');
const NOW = new Date('2026-11-28T03:00:00Z');
const SEED_MARKER = 'bench.weekly';
const SEED_VERSION = 1;
const CHUNK = 100_000;

interface Options {
  baseUrl: string;
  items: number;
  runs: number;
  reseed: boolean;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string' },
      items: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '15' },
      reseed: { type: 'boolean', default: false },
    },
  });
  const positive = (name: string, value: string) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`bench: --${name} must be a positive integer, got ${value}`);
    return n;
  };
  return {
    baseUrl: values['database-url'] ?? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    items: positive('items', values.items),
    runs: positive('runs', values.runs),
    reseed: values.reseed,
  };
}

async function ensureDatabase(baseUrl: string): Promise<string> {
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    const found = await admin`select 1 from pg_database where datname = ${DATABASE}`;
    if (found.length === 0) await admin.unsafe(`create database "${DATABASE}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${DATABASE}`;
  return url.toString();
}

async function seed(db: Db, total: number): Promise<void> {
  const started = performance.now();
  await db.execute(sql`truncate items, sources, clusters, responses, feedback, feedback_contacts, triage_events, weekly_reports restart identity cascade`);
  await db.execute(sql`insert into sources (kind, name, url)
    select 'rss', 'Báo ' || g, 'https://bao' || g || '.example/rss' from generate_series(1, 20) g`);
  await db.execute(sql`insert into sources (kind, name, url) values ('form', 'Ý kiến qua MTTQ', null)`);
  // One year ending at the start of 2026-W48; item i at an even step; r and r2 are cheap pseudo-random digits.
  for (let lo = 0; lo < total; lo += CHUNK) {
    const hi = Math.min(total, lo + CHUNK);
    await db.execute(sql`
      insert into items (source_id, key_hash, url, title, body, published_at, collected_at, sort_at, search_text,
                         content_hash, labels, priority, status, dismiss_reason, verdict, due_at, cluster_id)
      select
        case when r2 < 20 then 21 else 1 + (i % 20) end,
        'bench-' || i, 'https://bench.example/' || i, 'Tin giáo dục số ' || i, 'Nội dung tin số ' || i,
        t, t + interval '5 minutes', t, 'tin giao duc so ' || i, md5(i::text),
        case when r < 30 then '{misinformation,negative,relevant}' when r < 130 then '{negative,relevant}'
             when r < 140 then '{offensive}' when r < 220 then '{positive,relevant}' when r < 800 then '{relevant}'
             else '{}' end::text[],
        case when r < 30 then 600 when r < 130 then 300 when r < 140 then 150 when r < 800 then 100 else 0 end,
        case r2 % 7 when 0 then 'responded' when 1 then 'dismissed' when 2 then 'in_review' when 3 then 'escalated' else 'new' end,
        case when r2 % 7 = 1 then 'not_relevant' end,
        case when r < 30 and r2 % 3 = 0 then 'false' end,
        case when r < 30 then t + interval '5 minutes' + interval '24 hours'
             when r < 140 then t + interval '5 minutes' + interval '72 hours'
             when r2 < 20 then t + interval '5 minutes' + interval '168 hours' end,
        case when i % 10 < 3 then i / 10 + 1 end
      from (select i, '2025-11-23T17:00:00Z'::timestamptz + (i::float8 / ${total}::float8) * interval '365 days' as t,
                   (i * 7919) % 1000 as r, (i * 104729) % 1000 as r2
            from generate_series(${lo}::bigint, ${hi - 1}::bigint) as i) g`);
    process.stdout.write(`  seeded ${hi} items (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  await db.execute(sql`insert into clusters (representative_item_id, size, first_seen_at, last_seen_at)
    select min(id), count(*), min(sort_at), max(sort_at) from items where cluster_id is not null group by cluster_id order by cluster_id`);
  const channels = sql`(array['ward_portal','loudspeaker','notice_board','social_page','residential_meeting','school','press','report_up'])`;
  await db.execute(sql`insert into responses (item_id, kind, channel, text, responded_at)
    select id, 'correction', ${channels}[1 + (id / 20) % 8], 'Đã phản hồi', collected_at + ((id / 20) % 96) * interval '1 hour'
    from items where id % 20 = 0`);
  await db.execute(sql`insert into feedback (item_id, receipt, topic, consent_version, consent_given_at)
    select id, 'B-' || id, (array['Học phí','Trường lớp','An toàn','Giáo viên'])[1 + id % 4], '1', collected_at from items where source_id = 21`);
  await db.execute(sql`analyze`);
  console.log(`seeded ${total} items in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function time(runs: number, run: () => Promise<unknown>): Promise<{ p50: number; p95: number; max: number }> {
  await run(); // warm-up: plans and caches
  const samples: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), max: samples[samples.length - 1]! };
}

// postgres.js returns the rows as an array, PGlite as `{ rows }`.
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];
}

/** The naive approach: every row of the week (and the week before) into JS, aggregated there. */
async function naiveSummary(db: Db, week: IsoWeek): Promise<number> {
  const load = async (range: IsoWeek) =>
    rowsOf<Record<string, unknown>>(
      await db.execute(sql`select i.*, s.name as source_name, f.topic from items i join sources s on s.id = i.source_id
        left join feedback f on f.item_id = i.id where i.sort_at >= ${range.from.toISOString()}::timestamptz and i.sort_at < ${range.to.toISOString()}::timestamptz`),
    );
  const rows = await load(week);
  const previous = await load(previousIsoWeek(week));
  const ids = rows.map((row) => Number(row.id));
  const responses = ids.length
    ? rowsOf<Record<string, unknown>>(await db.execute(sql`select * from responses where item_id = any(${`{${ids.join(',')}}`}::bigint[])
        or (responded_at >= ${week.from.toISOString()}::timestamptz and responded_at < ${week.to.toISOString()}::timestamptz)`))
    : [];
  const storyOf = (row: Record<string, unknown>) => (row.cluster_id === null ? `i${row.id}` : `c${row.cluster_id}`);
  const count = (list: Array<Record<string, unknown>>, key: (row: Record<string, unknown>) => string) => {
    const map = new Map<string, { items: number; stories: Set<string> }>();
    for (const row of list) {
      const entry = map.get(key(row)) ?? { items: 0, stories: new Set<string>() };
      entry.items += 1;
      entry.stories.add(storyOf(row));
      map.set(key(row), entry);
    }
    return map;
  };
  const labelsOf = (row: Record<string, unknown>) => (Array.isArray(row.labels) ? (row.labels as string[]) : []);
  count(rows, () => 'all');
  count(rows, (row) => String(Math.floor((new Date(String(row.sort_at)).getTime() - week.from.getTime()) / 86_400_000)));
  count(rows, (row) => String(row.source_name));
  count(rows, (row) => String(row.topic ?? labelsOf(row)[0] ?? 'other'));
  for (const list of [rows, previous]) {
    const stories = new Map<string, { negative: boolean; positive: boolean }>();
    for (const row of list) {
      const entry = stories.get(storyOf(row)) ?? { negative: false, positive: false };
      entry.negative ||= labelsOf(row).includes('negative');
      entry.positive ||= labelsOf(row).includes('positive');
      stories.set(storyOf(row), entry);
    }
  }
  const firstResponse = new Map<number, number>();
  for (const response of responses) {
    const itemId = Number(response.item_id);
    const at = new Date(String(response.responded_at)).getTime();
    firstResponse.set(itemId, Math.min(at, firstResponse.get(itemId) ?? Infinity));
  }
  const hours = rows
    .filter((row) => row.due_at !== null && firstResponse.has(Number(row.id)))
    .map((row) => (firstResponse.get(Number(row.id))! - new Date(String(row.collected_at)).getTime()) / 3_600_000)
    .sort((a, b) => a - b);
  const concerns = rows.filter((row) => labelsOf(row).includes('negative')).sort((a, b) => Number(b.priority) - Number(a.priority));
  return rows.length + hours.length + concerns.length;
}

async function main(): Promise<void> {
  const options = readOptions();
  const url = await ensureDatabase(options.baseUrl);
  const database = await openDatabase({ databaseUrl: url, dataDir: 'unused', maxConnections: 4 });
  try {
    await runMigrations(database, url);
    const db = database.db;
    const marker = await getSetting<{ items?: number; version?: number } | null>(db, SEED_MARKER, null);
    if (options.reseed || marker?.items !== options.items || marker?.version !== SEED_VERSION) {
      console.log(`seeding ${redactUrl(url)} with ${options.items} items…`);
      await seed(db, options.items);
      await putSetting(db, SEED_MARKER, { items: options.items, version: SEED_VERSION });
    } else {
      console.log(`reusing ${redactUrl(url)} (already seeded with ${options.items} items)`);
    }
    const [counts] = rowsOf<Record<string, unknown>>(
      await db.execute(sql`select (select count(*) from items) as items, (select count(*) from responses) as responses,
        (select count(*) from feedback) as feedback, (select count(*) from clusters) as clusters,
        (select count(*) from items where sort_at >= ${WEEK.from.toISOString()}::timestamptz and sort_at < ${WEEK.to.toISOString()}::timestamptz) as week_items`),
    );
    console.log(
      `database: ${counts!.items} items, ${counts!.clusters} clusters, ${counts!.responses} responses, ${counts!.feedback} feedback; ` +
        `week ${WEEK.label}: ${counts!.week_items} items`,
    );

    const summary = await computeWeeklySummary(db, WEEK, NOW);
    console.log(`summary: ${summary.totals.items} items, ${summary.totals.stories} stories, ${summary.totals.flaggedStories} flagged stories`);

    const ours = await time(options.runs, () => computeWeeklySummary(db, WEEK, NOW));
    const naive = await time(Math.min(options.runs, 10), () => naiveSummary(db, WEEK));
    // The same SQL planned without the sort_at index: dropped in a transaction that is rolled back.
    type Stats = { p50: number; p95: number; max: number };
    // Runs `measure` inside a transaction after `change` (DDL), then rolls everything back.
    const withChange = async (change: ReturnType<typeof sql>[], runs: number): Promise<Stats | null> => {
      let stats: Stats | null = null;
      await db
        .transaction(async (tx) => {
          for (const statement of change) await tx.execute(statement);
          stats = await time(runs, () => computeWeeklySummary(tx as unknown as Db, WEEK, NOW));
          tx.rollback();
        })
        .catch((error: unknown) => {
          if (!(error instanceof Error && /rollback/i.test(error.message))) throw error;
        });
      return stats;
    };
    const noIndex = await withChange([sql`drop index items_sort_at_idx`, sql`drop index items_source_sort_idx`], Math.min(options.runs, 5));
    // A candidate index for the responses made in the week (not in the schema: measured, not assumed).
    const respondedAtIndex = await withChange(
      [sql`create index bench_responses_responded_at_idx on responses (responded_at)`, sql`analyze responses`],
      options.runs,
    );

    console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((value) => value.toFixed(1)).join(' ')} (other work shares the cores)`);
    const fmt = (stats: { p50: number; p95: number; max: number }) =>
      `p50 ${stats.p50.toFixed(1)} ms, p95 ${stats.p95.toFixed(1)} ms, max ${stats.max.toFixed(1)} ms`;
    console.log(`\nweekly summary (SQL aggregates), ${options.runs} runs: ${fmt(ours)}  — target p95 ≤ ${TARGET_MS} ms: ${ours.p95 <= TARGET_MS ? 'met' : 'MISSED'}`);
    console.log(`baseline, naive (rows into JS):      ${fmt(naive)}  — ratio p50 ${(naive.p50 / ours.p50).toFixed(1)}×`);
    if (noIndex) {
      const stats = noIndex as Stats;
      console.log(`baseline, without sort_at indexes:   ${fmt(stats)}  — ratio p50 ${(stats.p50 / ours.p50).toFixed(1)}×`);
    }
    if (respondedAtIndex) {
      const stats = respondedAtIndex as Stats;
      console.log(`with an index on responses(responded_at): ${fmt(stats)}  — ratio p50 ${(ours.p50 / stats.p50).toFixed(2)}× (not needed for the target)`);
    }
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
