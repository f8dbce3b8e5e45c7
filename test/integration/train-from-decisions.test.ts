// `duluan train --from-decisions`: staff decisions read from the database become sentiment examples.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModels } from '../../src/classifiers/load-models.ts';
import { decisionLine, spreadLines, trainWithDecisions } from '../../src/classifiers/train-with-decisions.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { changeItem, insertNewItems } from '../../src/db/queries/items.ts';
import { insertResponse } from '../../src/db/queries/responses.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import { listTrainingDecisions } from '../../src/db/queries/training-decisions.ts';
import { insertUser } from '../../src/db/queries/users.ts';
import type { Label } from '../../src/domain/classification.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DATA_DIR = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
const hasSharedData = existsSync(join(DATA_DIR, 'eval/uit-vsfc-train.tsv'));
const run = promisify(execFile);

/** Stores items as the classifier left them, then the staff's decisions on them. */
async function seedDecisions(db: Database['db']): Promise<void> {
  const user = await insertUser(db, { username: 'lan-staff', role: 'staff', passwordHash: 'x' });
  const source = await insertSource(db, { kind: 'rss', name: 'Báo phường', url: 'http://127.0.0.1/feed' });
  const seeds: Array<{ key: string; title: string; labels: Label[] }> = [
    { key: 'fp-1', title: 'Trường tổ chức lễ khai giảng vui tươi', labels: ['negative', 'relevant'] },
    { key: 'fp-2', title: 'Học sinh được nghỉ học do bão', labels: ['negative', 'relevant'] },
    { key: 'false', title: 'Thầy giáo đánh học sinh gây bức xúc', labels: ['negative', 'relevant'] },
    { key: 'corrected', title: 'Phụ huynh tố trường lạm thu quá đáng', labels: ['negative', 'relevant'] },
    { key: 'clarified', title: 'Phụ huynh phàn nàn về bữa ăn bán trú', labels: ['negative', 'relevant'] },
    { key: 'not-negative', title: 'Tin đồn trường đóng cửa', labels: ['misinformation', 'relevant'] },
    { key: 'undecided', title: 'Trường thiếu giáo viên', labels: ['negative', 'relevant'] },
  ];
  const now = new Date();
  await insertNewItems(
    db,
    seeds.map((seed) => ({
      sourceId: source.id,
      keyHash: seed.key,
      url: null,
      title: seed.title,
      body: `Nội dung\tcó tab\nvà xuống dòng: ${seed.title}`,
      author: null,
      publishedAt: now,
      collectedAt: now,
      searchText: seed.title,
      contentHash: seed.key,
      labels: seed.labels,
      classification: { labels: seed.labels, scores: {}, spans: [], version: 'test' },
      priority: 0,
    })),
  );
  const rows = await db.query.items.findMany({ columns: { id: true, keyHash: true } });
  const id = (key: string) => Number(rows.find((row) => row.keyHash === key)!.id);
  const change = (key: string, fields: Record<string, unknown>) => changeItem(db, { id: id(key), userId: user.id, ...fields });
  await change('fp-1', { status: 'dismissed', dismissReason: 'false_positive' });
  await change('fp-2', { status: 'dismissed', dismissReason: 'false_positive' });
  await change('false', { verdict: 'false' });
  for (const [key, kind] of [['corrected', 'correction'], ['clarified', 'clarification']] as const) {
    await insertResponse(db, { itemId: id(key), kind, channel: 'ward_portal', text: 'Phường trả lời', link: null, respondedAt: null, userId: user.id });
    await change(key, { status: 'responded' });
  }
  await change('not-negative', { verdict: 'false' });
}

describe('decisions as training data', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDecisions(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('reads false positives of the negative flag as neutral and confirmed negatives as negative, nothing else', async () => {
    const decisions = await listTrainingDecisions(database.db);
    const byTitle = Object.fromEntries(decisions.map((decision) => [decision.title, decision.label]));
    expect(byTitle).toEqual({
      'Trường tổ chức lễ khai giảng vui tươi': 'neutral',
      'Học sinh được nghỉ học do bão': 'neutral',
      'Thầy giáo đánh học sinh gây bức xúc': 'negative',
      'Phụ huynh tố trường lạm thu quá đáng': 'negative',
    });
  });

  it('writes each decision as one TSV line and spreads a capped base evenly', () => {
    expect(decisionLine({ label: 'neutral', title: 'Tiêu đề', body: 'dòng 1\tcột\ndòng 2' })).toBe('neutral\tTiêu đề. dòng 1 cột dòng 2');
    expect(spreadLines(['a', '', 'b', 'c', 'd'], 2)).toEqual(['a', 'c']);
    expect(spreadLines(['a', 'b'], undefined)).toEqual(['a', 'b']);
  });

  it.runIf(hasSharedData)('retrains with the decisions, records them in the provenance, and gives dev figures before and after', async () => {
    const decisions = await listTrainingDecisions(database.db);
    const result = trainWithDecisions({ decisions, baseLimit: 400, current: loadModels() });
    expect(result.used).toEqual({ negative: 2, neutral: 2 });
    expect(result.baseLines).toEqual({ sentiment: 400, offensive: 400 });
    expect(result.models.sentiment.training[0]!.file).toContain('4 staff decisions (2 negative, 2 neutral)');
    expect(result.models.sentiment.training[0]!.lines).toBe(404);
    expect(result.before!.negativeF1).toBeGreaterThan(0.8);
    expect(result.after!.negativeF1).toBeGreaterThan(0);
    expect(result.after!.file).toBe('uit-vsfc-dev.tsv');
  }, 300_000);

  it('refuses to train without decisions', () => {
    expect(() => trainWithDecisions({ decisions: [] })).toThrow(/no staff decisions/);
  });
});

describe('duluan train --from-decisions', () => {
  let dataDir: string;
  let outDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'duluan-train-db-'));
    outDir = mkdtempSync(join(tmpdir(), 'duluan-train-out-'));
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'train', '--from-decisions', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, SEED_SOURCES: 'false', LOG_LEVEL: 'silent' },
      timeout: 280_000,
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  it('refuses with a clear message when no decision exists, writing nothing', async () => {
    const result = await cli('--out', outDir, '--base-limit', '300');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no staff decisions to learn from');
    expect(existsSync(join(outDir, 'sentiment.json'))).toBe(false);
  }, 120_000);

  it('refuses a bad --base-limit', async () => {
    const result = await cli('--base-limit', 'many');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--base-limit must be a positive whole number');
  }, 60_000);

  it.runIf(hasSharedData)('prints the decisions used per label and the dev figures, and writes the models', async () => {
    const database = await openDatabase({ dataDir });
    await runMigrations(database);
    await seedDecisions(database.db);
    await database.close();
    const result = await cli('--out', outDir, '--base-limit', '300');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('decisions used: 2 negative, 2 neutral (of 4)');
    expect(result.stdout).toMatch(/dev before: sentiment \(uit-vsfc-dev\.tsv\) negative F1 0\.\d{4}/);
    expect(result.stdout).toMatch(/dev after : sentiment \(uit-vsfc-dev\.tsv\) negative F1 0\.\d{4}/);
    const model = JSON.parse(readFileSync(join(outDir, 'sentiment.json'), 'utf8')) as { training: Array<{ file: string }> };
    expect(model.training[0]!.file).toContain('staff decisions');
    expect(existsSync(join(outDir, 'offensive.json'))).toBe(true);
  }, 300_000);
});
