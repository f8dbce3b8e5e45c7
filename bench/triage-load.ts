// Load benchmark of the triage queue and the overdue view: 1 000 000 items in PostgreSQL, the real
// app served over HTTP and driven by 20 concurrent clients (autocannon), beside the same queries
// run directly on PostgreSQL by 1 and by 20 concurrent callers, in the same run.
//
//   npm run bench:triage-load                       # seeds duluan_bench_triage once (a few minutes), then measures
//   npm run bench:triage-load -- --fresh            # rebuilds the data first
//   npm run bench:triage-load -- --duration 5 --items 200000 --explain
//
// The database `duluan_bench_triage` is kept between runs: a rerun with the same --items reuses it.
// Drop it with: psql postgres://postgres@127.0.0.1:5432/postgres -c 'drop database duluan_bench_triage with (force)'
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import autocannon from 'autocannon';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzleProxy } from 'drizzle-orm/pg-proxy';
import postgres from 'postgres';
import { createApp } from '../src/api/app.ts';
import { hashPassword } from '../src/api/password.ts';
import { hashSessionId } from '../src/api/session.ts';
import { createClassifier } from '../src/classifiers/classify.ts';
import { loadModels } from '../src/classifiers/load-models.ts';
import { createSourceChecker } from '../src/collectors/source-checker.ts';
import { openDatabase, redactUrl, type Database, type Db } from '../src/db/client.ts';
import { runMigrations } from '../src/db/migrate.ts';
import { countOverdueItems, getQueuePage, listItems, type ItemFilters } from '../src/db/queries/items.ts';
import { findSessionUser, insertUser } from '../src/db/queries/users.ts';
import * as schema from '../src/db/schema.ts';
import { createInProcessRunner } from '../src/jobs/job-runner.ts';
import { createClassifierCache } from '../src/pipeline/classifier-cache.ts';
import { createFeedbackImporter } from '../src/pipeline/import-feedback.ts';
import { foldText } from '../src/text/fold-text.ts';
import { generateItems } from './generate-items.ts';
import { createRandom } from './seeded-random.ts';

const TARGET_P95_MS = 100;
const DEFAULT_DATABASE_NAME = 'duluan_bench_triage';
/** Bumped whenever the seeded data changes shape, so an old database is rebuilt rather than reused. */
const SEED_VERSION = 3;
const MARKER_KEY = 'bench:triage-load';
// A candidate index earlier runs could add by hand; items_overdue_idx (migration 0009) now covers the count.
const OLD_CANDIDATE_INDEX = 'bench_items_overdue_cover_idx';
const SOURCE_COUNT = 20;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Items span two years of collection: about 1 400 a day at a million. */
const SPAN_DAYS = 730;
const POOL_SIZE = 4000;
const STAFF_PASSWORD = 'bench-staff-password-2026';
const TRIAGE: ItemFilters = { status: 'open', order: 'priority', limit: 50 };
const OVERDUE: Omit<ItemFilters, 'now'> = { status: 'open', order: 'priority', overdue: true, limit: 50 };
const FLAG_PHRASES: { label: 'misinformation' | 'negative' | 'offensive'; phrase: string }[] = [
  { label: 'misinformation', phrase: 'Tin đồn' },
  { label: 'misinformation', phrase: 'Sai sự thật' },
  { label: 'misinformation', phrase: 'Bịa đặt' },
  { label: 'negative', phrase: 'Bức xúc' },
  { label: 'negative', phrase: 'Lạm thu' },
  { label: 'negative', phrase: 'Thiếu minh bạch' },
  { label: 'negative', phrase: 'Quá tải' },
  { label: 'offensive', phrase: 'Lời lẽ xúc phạm' },
];

interface Options {
  items: number;
  serverUrl: string;
  /** The database on that server, kept between runs. */
  databaseName: string;
  fresh: boolean;
  duration: number;
  connections: number;
  directRuns: number;
  explain: boolean;
}

interface Stats {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  count: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      items: { type: 'string', default: '1000000' },
      'database-url': { type: 'string' },
      database: { type: 'string', default: DEFAULT_DATABASE_NAME },
      fresh: { type: 'boolean', default: false },
      duration: { type: 'string', default: '15' },
      connections: { type: 'string', default: '20' },
      'direct-runs': { type: 'string', default: '300' },
      explain: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'usage: tsx bench/triage-load.ts [--items N=1000000] [--database NAME=duluan_bench_triage] [--fresh] [--duration S=15] [--connections N=20]\n' +
        '                                [--direct-runs N=300] [--explain] [--database-url URL of the server (else $BENCH_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres)]',
    );
    process.exit(0);
  }
  const positive = (name: string, value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`bench: --${name} must be a positive integer, got ${value}`);
    return n;
  };
  return {
    items: positive('items', values.items),
    serverUrl: values['database-url'] ?? (process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'),
    databaseName: /^[a-z_][a-z0-9_]{0,62}$/.test(values.database)
      ? values.database
      : (() => {
          throw new Error(`bench: --database must be a plain lowercase name, got ${values.database}`);
        })(),
    fresh: values.fresh,
    duration: positive('duration', values.duration),
    connections: positive('connections', values.connections),
    directRuns: positive('direct-runs', values['direct-runs']),
    explain: values.explain,
  };
}

/** Returns p50/p95/p99/max of the timings, nearest-rank. */
function summarize(timings: readonly number[]): Stats {
  if (timings.length === 0) return { p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, max: Number.NaN, count: 0 };
  const sorted = [...timings].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return { p50: rank(50), p95: rank(95), p99: rank(99), max: sorted[sorted.length - 1]!, count: sorted.length };
}

/** Returns the rows of a raw statement (postgres.js answers an array). */
async function queryRows(db: Db, statement: SQL): Promise<Record<string, unknown>[]> {
  const result = (await db.execute(statement)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows) as Record<string, unknown>[];
}

interface Marker {
  version: number;
  items: number;
  /** The instant the data was generated around (ms since epoch): "now" for deadlines and recency. */
  anchor: number;
  seedSeconds: number;
}

/** Returns the URL of the bench database on the same server. */
function benchUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Returns the migrated bench database, creating it when missing (or dropping it first with --fresh). */
async function openBenchDatabase(options: Options): Promise<{ database: Database; url: string }> {
  const admin = postgres(options.serverUrl, { max: 1, onnotice: () => {} });
  try {
    if (options.fresh) await admin.unsafe(`drop database if exists ${options.databaseName} with (force)`);
    const [exists] = await admin`select 1 from pg_database where datname = ${options.databaseName}`;
    if (!exists) {
      await admin.unsafe(`create database ${options.databaseName}`);
      console.log(`created database ${options.databaseName}`);
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = benchUrl(options.serverUrl, options.databaseName);
  await runMigrations({ kind: 'postgres' } as Database, url);
  // The app's own pool size (src/db/client.ts default): the HTTP figures include waiting for it.
  const database = await openDatabase({ databaseUrl: url, dataDir: 'unused' });
  return { database, url };
}

async function readMarker(db: Db): Promise<Marker | null> {
  const [row] = await queryRows(db, sql`select value from settings where key = ${MARKER_KEY}`);
  return (row?.value as Marker | undefined) ?? null;
}

const sqlText = (values: readonly string[]) => `array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}]::text[]`;

/**
 * Seeds `count` items with one INSERT … SELECT over generate_series: titles and bodies come from a
 * pool of generated Vietnamese texts (folded in JS, as the pipeline folds them), labels, statuses,
 * deadlines and clusters are drawn per row in SQL. Secondary indexes are dropped during the load
 * and rebuilt afterwards (faster than maintaining them row by row). Returns the seconds it took.
 */
async function seedItems(url: string, count: number, anchor: Date): Promise<number> {
  const started = performance.now();
  const client = postgres(url, { max: 1, onnotice: () => {} });
  const step = async (label: string, run: () => Promise<unknown>) => {
    const t0 = performance.now();
    await run();
    console.log(`  ${label} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  };
  try {
    await client.unsafe(`set maintenance_work_mem = '512MB'; set synchronous_commit = off; set work_mem = '64MB'`);
    // CASCADE empties whatever refers to them too (events, responses, sessions, saved views …).
    await step('emptied tables', () => client.unsafe('truncate items, clusters, sources, users restart identity cascade'));
    await client.unsafe(`delete from settings where key = '${MARKER_KEY}'`);

    // Sources: mostly feeds, a few web pages, the public form and an import (their items all carry a deadline).
    const kinds = Array.from({ length: SOURCE_COUNT }, (_, i) => (i === 18 ? 'form' : i === 19 ? 'import' : i >= 16 ? 'html' : 'rss'));
    for (const [i, kind] of kinds.entries()) {
      await client`insert into sources (kind, name, url, last_success_at)
        values (${kind}, ${`Nguồn tin ${i + 1}`}, ${kind === 'form' || kind === 'import' ? null : `https://nguon-${i + 1}.example.vn/rss`}, ${anchor})`;
    }
    const staffHash = await hashPassword(STAFF_PASSWORD);
    for (const name of ['canbo1', 'canbo2', 'canbo3']) {
      await client`insert into users (username, role, password_hash) values (${name}, 'staff', ${staffHash})`;
    }

    // A pool of realistic texts, folded here so search_text matches what the pipeline stores.
    const pool = generateItems(createRandom(7), [1], 0, POOL_SIZE, anchor).map((item, i) => ({
      id: i,
      title: item.title,
      title_folded: foldText(item.title),
      body: item.body,
      body_folded: foldText(item.body),
    }));
    await client.unsafe('create temp table bench_pool (id int primary key, title text, title_folded text, body text, body_folded text)');
    for (let i = 0; i < pool.length; i += 500) await client`insert into bench_pool ${client(pool.slice(i, i + 500))}`;

    const indexes = await client<{ indexname: string; indexdef: string }[]>`
      select indexname, indexdef from pg_indexes where tablename = 'items' and indexname <> 'items_pkey'`;
    await step(`dropped ${indexes.length} secondary indexes of items for the load`, () =>
      client.unsafe(indexes.map((index) => `drop index ${index.indexname};`).join('\n')),
    );

    const phrases = FLAG_PHRASES.map((f) => f.phrase);
    const phraseLabels = FLAG_PHRASES.map((f) => f.label);
    const phrasesFolded = phrases.map((p) => foldText(p));
    const spanMs = SPAN_DAYS * DAY_MS;
    await step(`inserted ${count} items`, () =>
      client.unsafe(`
      insert into items (id, source_id, key_hash, url, title, body, author, published_at, collected_at, sort_at,
        search_text, content_hash, labels, classification, classifier_version, priority, status, verdict,
        dismiss_reason, assignee_id, due_at, cluster_id, version, updated_at)
      select g, src, md5('bench-' || g), 'https://nguon-' || src || '.example.vn/bai-viet/' || g,
        case when flag then phrases[fi] || ': ' || p.title else p.title end,
        p.body,
        (array['Phóng viên','Ban biên tập','Người dân','Phụ huynh lớp 3A','Cộng tác viên'])[1 + (g % 5)],
        case when r_pub < 0.05 then null else collected - make_interval(secs => r_pub * 7200) end,
        collected,
        case when r_pub < 0.05 then collected else collected - make_interval(secs => r_pub * 7200) end,
        case when flag then phrases_folded[fi] || ': ' else '' end || p.title_folded || E'\\n' || p.body_folded,
        md5(p.body || g),
        labels, jsonb_build_object(
          'labels', to_jsonb(labels),
          'scores', (select coalesce(jsonb_object_agg(l, round((0.5 + r_score / 2)::numeric, 2)), '{}'::jsonb) from unnest(labels) l),
          'spans', case when flag then jsonb_build_array(jsonb_build_object(
              'field', 'title', 'start', 0, 'end', length(phrases[fi]), 'text', phrases[fi],
              'category', phrase_labels[fi], 'ruleId', 'seed:bench', 'weight', 1)) else '[]'::jsonb end,
          'version', 'rules-bench-1'),
        'rules-bench-1', priority, status,
        case when status in ('responded', 'escalated') and flag then (array['fake','false','verified','unverified'])[1 + (g % 4)] end,
        case when status = 'dismissed' then case when flag then 'false_positive' else 'not_relevant' end end,
        case when status = 'in_review' then 1 + (g % 3) end,
        case when flag or feedback then collected + make_interval(hours => case
          when 'misinformation' = any(labels) then 24 when flag then 72 else 168 end) end,
        case when clustered then g / 75 + 1 end,
        case when status in ('new') then 1 else 3 end,
        collected
      from (
        select *,
          (300 * (has_mis::int) + 200 * (has_neg::int) + 150 * (has_off::int) + 100 * (has_rel::int)) as priority,
          array_remove(array[
            case when has_neg then 'negative' end, case when has_mis then 'misinformation' end,
            case when has_off then 'offensive' end, case when has_rel then 'relevant' end,
            case when has_pos then 'positive' end], null) as labels,
          case
            when flag and age_days < 3 then case when r_status < 0.75 then 'new' when r_status < 0.9 then 'in_review' else 'responded' end
            when flag and age_days < 30 then case when r_status < 0.08 then 'new' when r_status < 0.15 then 'in_review'
              when r_status < 0.6 then 'responded' when r_status < 0.85 then 'dismissed' else 'escalated' end
            when flag then case when r_status < 0.01 then 'new' when r_status < 0.6 then 'responded' when r_status < 0.85 then 'dismissed' else 'escalated' end
            when feedback and age_days < 7 then case when r_status < 0.6 then 'new' when r_status < 0.8 then 'in_review' else 'responded' end
            when feedback then case when r_status < 0.05 then 'new' else 'responded' end
            when age_days < 2 then case when r_status < 0.85 then 'new' when r_status < 0.9 then 'in_review' else 'dismissed' end
            when age_days < 14 then case when r_status < 0.03 then 'new' else 'dismissed' end
            else case when r_status < 0.01 then 'new' else 'dismissed' end
          end as status
        from (
          select *, (has_mis or has_neg or has_off) as flag,
            case when has_mis then 1 + (g % 3) when has_neg then 4 + (g % 4) else 8 end as fi,
            case when (has_mis or has_neg or has_off) then r_rel < 0.85 else r_rel < 0.37 end as has_rel,
            (not (has_mis or has_neg or has_off) and r_pos < 0.05) as has_pos,
            extract(epoch from (timestamptz '${anchor.toISOString()}' - collected)) / 86400 as age_days
          from (
            select g, src, (src >= 19) as feedback, clustered,
              (r_lab < 0.03) as has_mis, (r_neg < 0.10) as has_neg, (r_off < 0.01) as has_off,
              r_rel, r_pos, r_pub, r_status, r_score,
              case when clustered then (g / 75) % ${POOL_SIZE} else pool_id end as pool_id,
              timestamptz '${anchor.toISOString()}' - make_interval(secs => ((${count}::float8 - g) / ${count} * ${spanMs / 1000}) + r_pub * 600) as collected
            from (
              select g, 1 + (g % ${SOURCE_COUNT}) as src, (g % 75) < 3 as clustered,
                random() as r_lab, random() as r_neg, random() as r_off, random() as r_rel, random() as r_pos,
                random() as r_pub, random() as r_status, random() as r_score,
                floor(random() * ${POOL_SIZE})::int as pool_id
              from generate_series(1, ${count}) g
            ) draws
          ) base
        ) flagged
      ) s
      join bench_pool p on p.id = s.pool_id,
      lateral (select ${sqlText(phrases)} as phrases, ${sqlText(phrasesFolded)} as phrases_folded,
                      ${sqlText(phraseLabels)} as phrase_labels) consts`),
    );
    await client.unsafe(`select setval(pg_get_serial_sequence('items', 'id'), ${count})`);
    // The same story in three sources: one cluster, shown as one row (its first-collected item).
    await step('stored clusters', async () => {
      await client.unsafe(`
        insert into clusters (id, representative_item_id, size, first_seen_at, last_seen_at)
        select cluster_id, min(id), count(*), min(collected_at), max(collected_at) from items
        where cluster_id is not null group by cluster_id`);
      await client.unsafe(`select setval(pg_get_serial_sequence('clusters', 'id'), (select max(id) from clusters))`);
    });
    for (const index of indexes) {
      await step(`rebuilt ${index.indexname}`, () => client.unsafe(index.indexdef));
    }
    await step('vacuum analyze', async () => {
      for (const table of ['items', 'clusters', 'sources', 'users']) await client.unsafe(`vacuum (analyze) ${table}`);
    });
  } finally {
    await client.end({ timeout: 5 });
  }
  return (performance.now() - started) / 1000;
}

/** Returns the exact SQL and parameters a query function sends, without running it. */
async function captureQuery(run: (db: Db) => Promise<unknown>): Promise<{ text: string; params: unknown[] }> {
  let captured: { text: string; params: unknown[] } | undefined;
  const recorder = drizzleProxy(
    async (text, params) => {
      captured = { text, params };
      return { rows: [] };
    },
    { schema },
  );
  await run(recorder as unknown as Db).catch(() => {});
  if (!captured) throw new Error('bench: the query function sent no query');
  return captured;
}

/** Returns the plan lines of EXPLAIN (ANALYZE, BUFFERS) for the query a query function runs. */
async function explainQuery(db: Db, run: (db: Db) => Promise<unknown>): Promise<string[]> {
  const { text, params } = await captureQuery(run);
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [sql.raw('explain (analyze, buffers) ')];
  parts.forEach((part, i) => chunks.push(i % 2 === 0 ? sql.raw(part) : sql`${params[Number(part) - 1]}`));
  return (await queryRows(db, sql.join(chunks))).map((row) => String(Object.values(row)[0]));
}

/** Returns the duration in ms of each of `runs` sequential calls, after a few warm-ups. */
async function timeSequential(runs: number, call: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 5; i++) await call();
  const timings: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await call();
    timings.push(performance.now() - started);
  }
  return timings;
}

/** Returns the duration in ms of each call made by `clients` concurrent loops for `seconds`. */
async function timeConcurrent(clients: number, seconds: number, call: () => Promise<unknown>): Promise<number[]> {
  const timings: number[] = [];
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        await call();
        timings.push(performance.now() - started);
      }
    }),
  );
  return timings;
}

interface HttpResult {
  name: string;
  path: string;
  server: Stats;
  /** Server time with one client making one request at a time: the cost of a request without queueing. */
  serverSingle: Stats;
  client: { p50: number; p90: number; p97_5: number; p99: number; max: number };
  requestsPerSecond: number;
  /** Event-loop busy time per request in the app process (ms). */
  loopMsPerRequest: number;
  /** The machine's 1-minute load average when the run ended. */
  loadAverage: number;
  requests: number;
  non2xx: number;
  errors: number;
  bytesPerResponse: number;
}

const fmt = (n: number) => (Number.isNaN(n) ? '-' : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const round = (n: number) => Math.round(n * 100) / 100;

async function main(): Promise<void> {
  const options = readOptions();
  console.log(`machine: ${cpus().length} CPU cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GB RAM, ` +
    `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} — PostgreSQL, the app and the load generator share these cores`);
  console.log(`PostgreSQL server: ${redactUrl(options.serverUrl)}, database ${options.databaseName}`);
  const { database, url } = await openBenchDatabase(options);
  const { db } = database;
  let server: ServerType | undefined;
  try {
    const [versionRow] = await queryRows(db, sql`select version() as v`);
    console.log(`server: ${String(versionRow?.v).split(',')[0]}`);
    let marker = await readMarker(db);
    const [{ n: stored } = { n: 0 }] = (await queryRows(db, sql`select count(*)::int as n from items`)) as { n: number }[];
    if (marker && marker.version === SEED_VERSION && marker.items === options.items && stored === options.items) {
      console.log(`reusing ${stored} items seeded ${new Date(marker.anchor).toISOString()} in ${marker.seedSeconds.toFixed(0)} s (--fresh to rebuild)`);
    } else {
      const anchor = new Date();
      console.log(`seeding ${options.items} items with INSERT … SELECT generate_series …`);
      const seedSeconds = await seedItems(url, options.items, anchor);
      marker = { version: SEED_VERSION, items: options.items, anchor: anchor.getTime(), seedSeconds };
      await db.execute(sql`insert into settings (key, value) values (${MARKER_KEY}, ${JSON.stringify(marker)}::jsonb)
        on conflict (key) do update set value = excluded.value`);
      console.log(`seeded in ${seedSeconds.toFixed(1)} s`);
    }
    // An index earlier runs of this bench could add by hand, now part of the schema as items_overdue_idx.
    await db.execute(sql.raw(`drop index if exists ${OLD_CANDIDATE_INDEX}`));
    const [overdueIndex] = await queryRows(db, sql`select indexdef from pg_indexes where indexname = 'items_overdue_idx'`);
    console.log(`overdue index: ${String(overdueIndex?.indexdef ?? 'MISSING')}`);

    // Deadlines and recency are relative to when the data was generated: the clock runs from there.
    const startedAt = Date.now();
    const anchor = marker.anchor;
    const now = () => new Date(anchor + (Date.now() - startedAt));
    const overdueFilters = (): ItemFilters => ({ ...OVERDUE, now: now() });

    const [shape] = await queryRows(
      db,
      sql`select count(*)::int as total,
            count(*) filter (where status in ('new','in_review'))::int as open,
            count(*) filter (where status in ('new','in_review') and priority >= 150)::int as open_flagged,
            count(*) filter (where due_at is not null)::int as with_deadline,
            (select count(*)::int from clusters) as clusters,
            pg_size_pretty(pg_total_relation_size('items')) as size
          from items`,
    );
    const overdueCount = await countOverdueItems(db, now());
    console.log(
      `data: ${shape?.total} items, ${shape?.open} open (${shape?.open_flagged} flagged), ${shape?.with_deadline} with a deadline, ` +
        `${overdueCount} overdue (one per cluster), ${shape?.clusters} clusters of 3; items table + indexes ${shape?.size}`,
    );

    // The real app with the real dependencies, as src/main.ts builds them (no scheduler: nothing runs in the background).
    const models = loadModels();
    const pipeline = {
      db,
      classifiers: createClassifierCache(db, (inputs) => createClassifier({ ...inputs, models })),
      fetch: { allowHosts: [], timeoutMs: 15_000, maxBytes: 10 * 1024 * 1024 },
    };
    const jobs = createInProcessRunner(pipeline);
    const app = createApp({
      db,
      databaseKind: 'postgres',
      jobs,
      classifiers: pipeline.classifiers,
      importer: createFeedbackImporter({ db, classifiers: pipeline.classifiers }),
      sourceChecker: createSourceChecker(pipeline.fetch),
      sessionTtlHours: 8,
      cookieSecure: 'false',
      foldQuery: foldText,
      now,
    });
    // Server time: from the moment the app gets the request to its finished response (rendered
    // HTML or JSON), measured around app.fetch so src/api stays as it ships.
    let serverTimings: number[] = [];
    let inFlight = 0;
    const timedFetch = async (request: Request): Promise<Response> => {
      const started = performance.now();
      inFlight++;
      try {
        const response = await app.fetch(request);
        const ms = performance.now() - started;
        serverTimings.push(ms);
        response.headers.set('server-timing', `app;dur=${ms.toFixed(1)}`);
        return response;
      } finally {
        inFlight--;
      }
    };
    // When autocannon stops, requests it sent last are still being answered: wait for them, so their
    // times do not land in the next measurement and the database stays open until they are done.
    const drain = async () => {
      while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    server = await new Promise<ServerType>((resolve) => {
      const started = serve({ fetch: timedFetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ username: 'canbo1', password: STAFF_PASSWORD }),
    });
    if (login.status !== 200) throw new Error(`bench: sign-in failed with ${login.status}: ${await login.text()}`);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const sessionHash = hashSessionId(cookie.split('=')[1] ?? '');

    const endpoints = [
      { name: 'triage page   GET /items', path: '/items' },
      { name: 'triage JSON   GET /api/items', path: '/api/items' },
      { name: 'overdue page  GET /items?overdue=true', path: '/items?overdue=true' },
      { name: 'overdue JSON  GET /api/items?overdue=true', path: '/api/items?overdue=true' },
    ];
    for (const endpoint of endpoints) {
      const check = await fetch(`${base}${endpoint.path}`, { headers: { cookie }, redirect: 'manual' });
      const body = await check.text();
      if (check.status !== 200) throw new Error(`bench: ${endpoint.path} answered ${check.status}`);
      const listed = endpoint.path.startsWith('/api/') ? (JSON.parse(body) as { items: unknown[] }).items.length : 50;
      if (listed < 50) console.log(`NOTE: ${endpoint.path} lists only ${listed} items (a page holds 50): use more --items`);
    }

    console.log(`\nmeasuring the direct queries (${options.directRuns} sequential runs; ${options.connections} concurrent callers for ${Math.min(options.duration, 10)} s) …`);
    const directSeconds = Math.min(options.duration, 10);
    const benchUserId = (await findSessionUser(db, sessionHash, now()))?.id ?? 0;
    const direct = {
      triage1: summarize(await timeSequential(options.directRuns, () => listItems(db, TRIAGE))),
      triageN: summarize(await timeConcurrent(options.connections, directSeconds, () => listItems(db, TRIAGE))),
      overdue1: summarize(await timeSequential(options.directRuns, () => listItems(db, overdueFilters()))),
      overdueN: summarize(await timeConcurrent(options.connections, directSeconds, () => listItems(db, overdueFilters()))),
      overdueCount1: summarize(await timeSequential(options.directRuns, () => countOverdueItems(db, now()))),
      overdueCountN: summarize(await timeConcurrent(options.connections, directSeconds, () => countOverdueItems(db, now()))),
      // The pages' own statement (getQueuePage): the list, the overdue count, the sources and the saved views in one query.
      triagePage1: summarize(await timeSequential(options.directRuns, () => getQueuePage(db, { ...TRIAGE, now: now() }, benchUserId))),
      triagePageN: summarize(await timeConcurrent(options.connections, directSeconds, () => getQueuePage(db, { ...TRIAGE, now: now() }, benchUserId))),
      overduePage1: summarize(await timeSequential(options.directRuns, () => getQueuePage(db, overdueFilters(), benchUserId))),
      overduePageN: summarize(await timeConcurrent(options.connections, directSeconds, () => getQueuePage(db, overdueFilters(), benchUserId))),
      // Everything the queue page asks the database: the session, then the page's one statement.
      pageQueriesN: summarize(
        await timeConcurrent(options.connections, directSeconds, async () => {
          const user = await findSessionUser(db, sessionHash, now());
          await getQueuePage(db, { ...TRIAGE, now: now() }, user?.id ?? 0);
        }),
      ),
    };

    console.log(`measuring over HTTP: autocannon, ${options.connections} connections, ${options.duration} s per endpoint (+2 s warm-up) …`);
    const results: HttpResult[] = [];
    // The load generator runs in a worker thread: its own event loop, so it does not delay the server's.
    const load = (path: string, duration: number) =>
      autocannon({ url: `${base}${path}`, connections: options.connections, duration, headers: { cookie }, workers: 1 });
    for (const endpoint of endpoints) {
      serverTimings = [];
      for (let i = 0; i < options.directRuns / 3; i++) await (await fetch(`${base}${endpoint.path}`, { headers: { cookie } })).arrayBuffer();
      const serverSingle = summarize(serverTimings);
      await load(endpoint.path, 2);
      await drain();
      serverTimings = [];
      const loop = performance.eventLoopUtilization();
      const result = await load(endpoint.path, options.duration);
      // How long the app's event loop was busy per request: the CPU the main thread spends on one.
      const busy = performance.eventLoopUtilization(loop);
      await drain();
      results.push({
        name: endpoint.name,
        path: endpoint.path,
        server: summarize(serverTimings),
        serverSingle,
        client: {
          p50: result.latency.p50,
          p90: result.latency.p90,
          p97_5: result.latency.p97_5,
          p99: result.latency.p99,
          max: result.latency.max,
        },
        requestsPerSecond: result.requests.average,
        loopMsPerRequest: result.requests.total ? busy.active / result.requests.total : Number.NaN,
        loadAverage: loadavg()[0]!,
        requests: result.requests.total,
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
        bytesPerResponse: result.requests.total ? Math.round(result.throughput.total / result.requests.total) : 0,
      });
    }

    const widths = [44, 9, 8, 8, 8, 8, 3, 8, 8, 8, 8, 3, 8, 8, 7, 6];
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('');
    console.log(`\nitems: ${shape?.total}   clients: ${options.connections}   times in ms`);
    console.log(line(['HTTP (autocannon)', '1-cli p50', 'srv p50', 'srv p95', 'srv p99', 'srv max', ' |', 'cli p50', 'cli p90', 'p97.5', 'cli p99', ' |', 'req/s', 'loop/req', 'non2xx', 'load']));
    console.log('-'.repeat(widths.reduce((a, b) => a + b, 0)));
    for (const r of results) {
      console.log(
        line([r.name, fmt(r.serverSingle.p50), fmt(r.server.p50), fmt(r.server.p95), fmt(r.server.p99), fmt(r.server.max), ' |',
          fmt(r.client.p50), fmt(r.client.p90), fmt(r.client.p97_5), fmt(r.client.p99), ' |',
          fmt(r.requestsPerSecond), fmt(r.loopMsPerRequest), String(r.non2xx + r.errors), r.loadAverage.toFixed(1)]),
      );
    }
    console.log('srv = server time (app.fetch: session, queries, rendering) measured in the app process under the load;');
    console.log('1-cli = the same with a single client, one request at a time; cli = autocannon latency at the client;');
    console.log('loop/req = the app\'s event loop busy time per request (its CPU on the main thread); load = 1-min load average after the run.');
    const dwidths = [44, 8, 8, 8, 8, 8];
    const dline = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(dwidths[i]!) : c.padStart(dwidths[i]!))).join('');
    console.log('');
    console.log(dline(['direct on PostgreSQL', 'p50', 'p95', 'p99', 'max', 'calls']));
    console.log('-'.repeat(dwidths.reduce((a, b) => a + b, 0)));
    const directRows: [string, Stats][] = [
      ['triage query, 1 client', direct.triage1],
      [`triage query, ${options.connections} concurrent`, direct.triageN],
      ['overdue query, 1 client', direct.overdue1],
      [`overdue query, ${options.connections} concurrent`, direct.overdueN],
      ['overdue count (queue page header), 1 client', direct.overdueCount1],
      [`overdue count, ${options.connections} concurrent`, direct.overdueCountN],
      ['queue page stmt (getQueuePage), 1 client', direct.triagePage1],
      [`queue page statement, ${options.connections} concurrent`, direct.triagePageN],
      ['overdue page statement, 1 client', direct.overduePage1],
      [`overdue page statement, ${options.connections} concurrent`, direct.overduePageN],
      [`session + page query, ${options.connections} concurrent`, direct.pageQueriesN],
    ];
    for (const [name, s] of directRows) console.log(dline([name, fmt(s.p50), fmt(s.p95), fmt(s.p99), fmt(s.max), String(s.count)]));

    const ratio = (http: number, db: number) => `${(Math.round((http / db) * 10) / 10).toFixed(1)}x`;
    const [triagePage, triageJson, overduePage, overdueJson] = results as [HttpResult, HttpResult, HttpResult, HttpResult];
    console.log('\nratio HTTP server p95 / direct query p95 at the same concurrency (the cost of session, rendering and HTTP;');
    console.log('pages against their statement (getQueuePage), JSON against listItems):');
    console.log(`  triage page ${ratio(triagePage.server.p95, direct.triagePageN.p95)}, triage JSON ${ratio(triageJson.server.p95, direct.triageN.p95)}, ` +
      `overdue page ${ratio(overduePage.server.p95, direct.overduePageN.p95)}, overdue JSON ${ratio(overdueJson.server.p95, direct.overdueN.p95)}`);

    const triagePass = triagePage.server.p95 <= TARGET_P95_MS;
    const overduePass = overduePage.server.p95 <= TARGET_P95_MS;
    console.log(`\ntarget: triage page server p95 ≤ ${TARGET_P95_MS} ms — ${triagePass ? 'PASS' : 'FAIL'} (${fmt(triagePage.server.p95)} ms)`);
    console.log(`target: overdue view server p95 ≤ ${TARGET_P95_MS} ms — ${overduePass ? 'PASS' : 'FAIL'} (${fmt(overduePage.server.p95)} ms)`);
    const failed = results.filter((r) => r.non2xx + r.errors > 0);
    if (failed.length) console.log(`WARNING: non-2xx answers or errors on ${failed.map((r) => r.path).join(', ')}: figures are not valid`);

    if (options.explain) {
      const at = now();
      const explained: [string, (db: Db) => Promise<unknown>][] = [
        ['the triage query (listItems)', (d) => listItems(d, TRIAGE)],
        ['the overdue query (listItems overdue)', (d) => listItems(d, { ...OVERDUE, now: at })],
        ['the overdue count on the queue page (countOverdueItems)', (d) => countOverdueItems(d, at)],
        ["the queue page's one statement (getQueuePage: list, overdue count, sources, saved views)", (d) => getQueuePage(d, { ...TRIAGE, now: at }, 1)],
      ];
      for (const [name, run] of explained) {
        console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of ${name}:`);
        for (const planLine of await explainQuery(db, run)) console.log(`  ${planLine}`);
      }
    }

    console.log(
      JSON.stringify({
        items: shape?.total,
        open: shape?.open,
        overdue: overdueCount,
        cores: cpus().length,
        connections: options.connections,
        duration_s: options.duration,
        http: Object.fromEntries(
          results.map((r) => [r.path, {
            single_client_server_p50_ms: round(r.serverSingle.p50), server_p50_ms: round(r.server.p50), server_p95_ms: round(r.server.p95), server_p99_ms: round(r.server.p99),
            client_p50_ms: r.client.p50, client_p97_5_ms: r.client.p97_5, client_p99_ms: r.client.p99,
            requests_per_s: round(r.requestsPerSecond), loop_ms_per_request: round(r.loopMsPerRequest), load_average: round(r.loadAverage), requests: r.requests, non2xx_or_errors: r.non2xx + r.errors,
            bytes_per_response: r.bytesPerResponse,
          }]),
        ),
        direct: Object.fromEntries(
          Object.entries(direct).map(([key, s]) => [key, { p50_ms: round(s.p50), p95_ms: round(s.p95), p99_ms: round(s.p99), calls: s.count }]),
        ),
        target_p95_ms: TARGET_P95_MS,
        triage_page_pass: triagePass,
        overdue_page_pass: overduePass,
      }),
    );
    await jobs.close();
  } finally {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await database.close();
  }
}

await main();
