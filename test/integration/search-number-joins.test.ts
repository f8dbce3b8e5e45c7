// Searching the queue: a number typed against its word or apart from it finds both spellings
// (`lớp10` finds `lớp 10` and back), with or without diacritics; LIKE's own characters stay literal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertNewItems, searchPatterns } from '../../src/db/queries/items.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import { newItem } from '../helpers/staff-morning.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let database: TestDatabase;
let t: TestApp;
let staff: string;
const titles = new Map<number, string>();

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  staff = await t.signIn('staff', 'thu-staff');
  const source = await insertSource(database.db, { kind: 'rss', name: 'Báo phường', url: 'https://phuong.example.vn/rss' });
  const texts = [
    'Tuyển sinh lớp 10 năm học mới',
    'Học sinh lớp10A1 đạt giải',
    'Lớp 11 tham quan bảo tàng',
    'Thu 100% học phí từ tháng 9',
    'Thu 100 nghìn đồng quỹ lớp',
    // Another number: a search for lớp10 must not find it.
    'Phòng lớp210 mới sơn',
  ];
  await insertNewItems(database.db, texts.map((title, n) => newItem(source.id, `search-${n}`, { title, body: 'Nội dung' })));
  const listed = (await (await t.request('/api/items?status=all&limit=50', { cookie: staff })).json()) as { items: Array<{ id: number; title: string }> };
  for (const item of listed.items) titles.set(item.id, item.title);
});
afterAll(async () => {
  await t?.close();
  await database?.close();
});

async function found(query: string): Promise<string[]> {
  const response = await t.request(`/api/items?status=all&limit=50&q=${encodeURIComponent(query)}`, { cookie: staff });
  expect(response.status).toBe(200);
  const { items } = (await response.json()) as { items: Array<{ id: number }> };
  return items.map((item) => titles.get(item.id)!).sort();
}

describe('search across a number and its word', () => {
  it('finds "lớp 10" and "lớp10A1" whichever way the number is typed', async () => {
    const both = ['Học sinh lớp10A1 đạt giải', 'Tuyển sinh lớp 10 năm học mới'];
    expect(await found('lớp10')).toEqual(both);
    expect(await found('lớp 10')).toEqual(both);
    expect(await found('LOP10')).toEqual(both);
    expect(await found('lop 10a1')).toEqual(['Học sinh lớp10A1 đạt giải']);
    expect(await found('lớp 11')).toEqual(['Lớp 11 tham quan bảo tàng']);
  });

  it('keeps % and _ literal', async () => {
    expect(await found('100%')).toEqual(['Thu 100% học phí từ tháng 9']);
    expect(await found('100_')).toEqual([]);
  });

  it('tries at most three joins both ways', () => {
    expect(searchPatterns('lop10')).toEqual(['%lop10%', '%lop 10%']);
    expect(searchPatterns('a1b2c3d4 e5')).toHaveLength(8);
    expect(searchPatterns('hoc phi')).toEqual(['%hoc phi%']);
  });
});
