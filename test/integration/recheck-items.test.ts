import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuleClassifier } from '../../src/classifiers/classify.ts';
import { listRevisions } from '../../src/db/queries/revisions.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import { items } from '../../src/db/schema.ts';
import { fixedClassifier } from '../../src/pipeline/classifier-cache.ts';
import { recheckItems } from '../../src/pipeline/recheck-items.ts';
import { refreshSource, type PipelineDeps } from '../../src/pipeline/refresh-source.ts';
import { respond, startHostileServer, type HostileServer } from '../helpers/hostile-feed-server.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

// Realistic length: an article page is recognised by the amount of text in its main block.
const CONTEXT = [
  'Theo ghi nhận của phóng viên, thông tin được chia sẻ trong nhiều nhóm Zalo của các tổ dân phố trên địa bàn phường từ tối ngày 25/11.',
  'Đại diện Phòng Giáo dục và Đào tạo cho biết đơn vị đã nắm được thông tin và đang phối hợp với nhà trường để làm rõ các khoản thu trong năm học.',
  'Ủy ban nhân dân phường đề nghị phụ huynh theo dõi thông tin chính thức trên cổng thông tin điện tử của phường và bảng tin của nhà trường.',
];

function article(title: string, paragraphs: string[]): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>
    <nav><a href="/">Trang chủ</a> <a href="/giao-duc">Giáo dục</a></nav>
    <article><h1>${title}</h1>${[...paragraphs, ...CONTEXT].map((p) => `<p>${p}</p>`).join('')}</article>
    <footer>Bản quyền © Báo Demo</footer></body></html>`;
}

let database: TestDatabase;
let server: HostileServer;
let deps: PipelineDeps;
let clock = new Date();

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startHostileServer();
  deps = {
    db: database.db,
    classifiers: fixedClassifier(createRuleClassifier()),
    fetch: { allowHosts: ['127.0.0.1'], timeoutMs: 2000, maxBytes: 1024 * 1024 },
    now: () => clock,
  };
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe('recheckItems', () => {
  it('records a correction with what changed, then a takedown, and shows nothing for unflagged items', async () => {
    const link = server.url('/bai-viet/tin-don-hoc-phi');
    const paragraphs = [
      'Tin đồn trường Tiểu học Hòa An thu thêm học phí lan truyền trên mạng xã hội.',
      'Nhiều phụ huynh bức xúc và chia sẻ gấp bài viết này.',
    ];
    server.setRoute('/bai-viet/tin-don-hoc-phi', respond(article('Tin đồn thu thêm học phí', paragraphs), 'text/html; charset=utf-8'));
    server.setRoute(
      '/feed.xml',
      respond(
        `<?xml version="1.0"?><rss version="2.0"><channel><title>Báo demo</title>
        <item><guid>a1</guid><title>Tin đồn thu thêm học phí, phụ huynh bức xúc</title><link>${link}</link><description>${paragraphs.join(' ')}</description></item>
        <item><guid>a2</guid><title>Giá rau tăng nhẹ</title><link>${server.url('/rau')}</link></item>
        </channel></rss>`,
      ),
    );
    const source = await insertSource(database.db, { kind: 'rss', name: 'Báo demo', url: server.url('/feed.xml') });
    clock = new Date();
    await refreshSource(deps, source.id, { force: true });
    const [flagged] = await database.db.select().from(items).where(eq(items.url, link));
    expect(flagged!.recheckUntil).not.toBeNull();

    expect(await recheckItems(deps)).toMatchObject({ checked: 1, edited: 0 });
    expect((await listRevisions(database.db, flagged!.id)).map((revision) => revision.change)).toEqual(['baseline']);

    // Too soon for another check: nothing happens.
    expect((await recheckItems(deps)).checked).toBe(0);

    // The paper corrects the article.
    server.setRoute(
      '/bai-viet/tin-don-hoc-phi',
      respond(article('Tin đồn thu thêm học phí', [paragraphs[0]!, 'Nhà trường khẳng định không thu thêm khoản nào.']), 'text/html; charset=utf-8'),
    );
    clock = new Date(clock.getTime() + 7 * 3600_000);
    expect(await recheckItems(deps)).toMatchObject({ checked: 1, edited: 1 });
    const [edited] = await database.db.select().from(items).where(eq(items.id, flagged!.id));
    expect(edited!.revisionState).toBe('edited');
    const revisions = await listRevisions(database.db, flagged!.id);
    expect(revisions[0]).toMatchObject({ change: 'edited' });
    expect(revisions[0]!.body).toContain('Nhà trường khẳng định không thu thêm khoản nào.');

    // Then takes it down.
    server.setRoute('/bai-viet/tin-don-hoc-phi', respond('gone', 'text/plain', 410));
    clock = new Date(clock.getTime() + 7 * 3600_000);
    expect(await recheckItems(deps)).toMatchObject({ checked: 1, removed: 1 });
    const [removed] = await database.db.select().from(items).where(eq(items.id, flagged!.id));
    expect(removed!.revisionState).toBe('removed');
    expect((await listRevisions(database.db, flagged!.id)).map((revision) => revision.change)).toEqual(['removed', 'edited', 'baseline']);

    // After the window, no more checks.
    clock = new Date(clock.getTime() + 8 * 86_400_000);
    expect((await recheckItems(deps)).checked).toBe(0);
  });
});
