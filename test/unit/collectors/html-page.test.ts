import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isCollectorError } from '../../../src/collectors/collector-error.ts';
import { decodeBody } from '../../../src/collectors/decode-body.ts';
import { parseHtmlPage, validateSelectors } from '../../../src/collectors/html-page.ts';
import { limitHtmlDepth } from '../../../src/collectors/limit-html-depth.ts';
import { parsePageDate } from '../../../src/collectors/parse-page-date.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/html/', import.meta.url));
const fixture = (name: string): string => readFileSync(`${FIXTURES}${name}`, 'utf8');
const GOV_PAGE = fileURLToPath(new URL('../../../../shared/data/html/vpcp.chinhphu.vn_homepage.html', import.meta.url));
const govAvailable = existsSync(GOV_PAGE);
if (!govAvailable) console.warn(`html-page.test: real-page tests skipped, ${GOV_PAGE} is absent`);

const isNfc = (s: string): boolean => s === s.normalize('NFC');

describe.skipIf(!govAvailable)('parseHtmlPage on the real government home page', () => {
  const html = govAvailable ? decodeBody(readFileSync(GOV_PAGE), 'text/html').text : '';
  const pageUrl = 'https://vpcp.chinhphu.vn/';
  // The page links 13 distinct articles (21 links: the same story appears in the highlight box
  // and again in its section, with and without a picture).
  const articleLink = /^https:\/\/vpcp\.chinhphu\.vn\/(?:video\/)?[a-z0-9-]+-\d{5,}\.htm$/;

  it('finds every headline without selectors, with absolute links, NFC titles and entities decoded', () => {
    const page = parseHtmlPage(html, { pageUrl });
    expect(page.kind).toBe('list');
    expect(page.title).toBe('Website Văn phòng Chính phủ');
    const articles = page.entries.filter((e) => articleLink.test(e.link ?? ''));
    expect(articles).toHaveLength(13);
    expect(page.entries.length - articles.length).toBeLessThanOrEqual(2);
    expect(new Set(page.entries.map((e) => e.link)).size).toBe(page.entries.length);
    for (const entry of page.entries) {
      expect(entry.link).toMatch(/^https?:\/\//);
      expect(isNfc(entry.title)).toBe(true);
      expect(entry.title).not.toMatch(/&#|&amp;|&[a-z]+;|\s{2}/);
      expect(entry.title.length).toBeGreaterThan(10);
    }
    const titles = page.entries.map((e) => e.title);
    expect(titles).toContain('Quán triệt thực hiện Nghị quyết 18-NQ/TW về tháo gỡ điểm nghẽn thể chế, tinh gọn bộ máy');
    expect(titles).toContain('Chia sẻ kinh nghiệm chuyển đổi số, ứng dụng CNTT trong công tác hành chính văn phòng');
    expect(titles).toContain('Tạo điều kiện để Thái Bình ‘bắt nhịp’ phát triển, không còn là tỉnh thuần nông');
    // Menus, the header's links and section headings are not headlines.
    expect(titles).not.toContain('Lãnh đạo Văn phòng Chính phủ');
    expect(titles).not.toContain('Tin nổi bật');
  });

  it('gets exactly the headlines with selectors read off the page', () => {
    const page = parseHtmlPage(html, { pageUrl, selectors: { item: 'a.box-link-title, .list-news li a' } });
    expect(page.kind).toBe('selectors');
    expect(page.entries).toHaveLength(13);
    expect(page.entries.every((e) => articleLink.test(e.link!))).toBe(true);
    expect(page.entries[0]).toEqual({
      guid: null,
      link: 'https://vpcp.chinhphu.vn/quan-triet-thuc-hien-nghi-quyet-18-nq-tw-ve-thao-go-diem-nghen-the-che-tinh-gon-bo-may-115241201164520419.htm',
      title: 'Quán triệt thực hiện Nghị quyết 18-NQ/TW về tháo gỡ điểm nghẽn thể chế, tinh gọn bộ máy',
      body: '',
      author: null,
      publishedAt: null,
    });
    // `href=" /chuan-bi…"` on the page has a leading space.
    expect(page.entries.map((e) => e.link)).toContain(
      'https://vpcp.chinhphu.vn/chuan-bi-chu-dao-cho-dai-hoi-dang-cac-cap-trong-dang-bo-vpcp-115241113121624641.htm',
    );
  });
});

describe('parseHtmlPage with selectors', () => {
  const pageUrl = 'https://thcs-hoabinh.example.edu.vn/tin-tuc/';
  const selectors = { item: 'li.news-item', date: '.date, time', body: '.sapo' };

  it('reads link, title, Vietnamese dates and body of each item', () => {
    const page = parseHtmlPage(fixture('school-news.html'), { pageUrl, selectors });
    expect(page.title).toBe('Tin tức – Trường THCS Hòa Bình');
    const [first, second] = page.entries;
    expect(first).toEqual({
      guid: null,
      link: 'https://thcs-hoabinh.example.edu.vn/tin-tuc/hop-phu-huynh-dau-nam-1201.html',
      title: 'Họp phụ huynh đầu năm học 2024–2025',
      body: 'Nhà trường tổ chức họp phụ huynh học sinh toàn trường vào sáng Chủ nhật.',
      author: null,
      publishedAt: new Date('2024-09-05T00:00:00+07:00'),
    });
    expect(second!.publishedAt).toEqual(new Date('2024-09-10T14:30:00+07:00'));
    const last = page.entries.at(-1)!;
    expect(last.link).toBe('https://so-gddt.example.gov.vn/van-ban/lich-nghi-tet-1300.html');
    expect(last.publishedAt).toEqual(new Date('2024-12-02T10:30:00+07:00'));
  });

  it('ignores a <base href> to an internal host and resolves against the page URL', () => {
    const page = parseHtmlPage(fixture('school-news.html'), { pageUrl, selectors });
    const links = page.entries.map((e) => e.link);
    expect(links).toContain('https://thcs-hoabinh.example.edu.vn/tin-tuc/thu-hoc-phi-1202.html');
    expect(links.join(' ')).not.toContain('10.0.0.1');
  });

  it('follows a <base href> on the page’s own host', () => {
    const html = '<base href="/mau/"><div class="i"><a href="bai-1.html">Bài một</a></div>';
    const page = parseHtmlPage(html, { pageUrl: 'https://truong.example.vn/', selectors: { item: '.i' } });
    expect(page.entries[0]!.link).toBe('https://truong.example.vn/mau/bai-1.html');
  });

  it('keeps only http(s) links: javascript:, data:, mailto: and internal addresses are dropped', () => {
    const page = parseHtmlPage(fixture('school-news.html'), { pageUrl, selectors });
    const byTitle = new Map(page.entries.map((e) => [e.title, e]));
    expect(byTitle.get('Liên kết độc hại')!.link).toBeNull();
    expect(byTitle.get('Liên kết độc hại')!.publishedAt).toEqual(new Date('2024-09-11T08:15:00+07:00'));
    expect(byTitle.get('Liên kết dữ liệu')!.link).toBeNull();
    expect(byTitle.get('Liên kết dữ liệu')!.publishedAt).toEqual(new Date('2024-09-12T00:00:00.000Z'));
    expect(byTitle.get('Trang quản trị nội bộ')!.link).toBeNull();
    for (const entry of page.entries) if (entry.link !== null) expect(entry.link).toMatch(/^https?:\/\//);
  });

  it('throws a collector error for selectors that do not validate', () => {
    const run = (): unknown => parseHtmlPage('<p>x</p>', { pageUrl, selectors: { item: '//div[@class="x"]' } });
    expect(run).toThrow(/XPath/);
    try {
      run();
    } catch (error) {
      expect(isCollectorError(error)).toBe(true);
    }
  });

  it('caps the entries and counts the rest', () => {
    const html = `<ul>${Array.from({ length: 30 }, (_, i) => `<li><a href="/b/${i}">Bài ${i}</a></li>`).join('')}</ul>`;
    const page = parseHtmlPage(html, { pageUrl, selectors: { item: 'li' }, maxItems: 10 });
    expect(page.entries).toHaveLength(10);
    expect(page.omittedEntries).toBe(20);
  });
});

describe('parseHtmlPage without selectors', () => {
  it('skips navigation and footers on a list page, and drops non-http links', () => {
    const page = parseHtmlPage(fixture('school-news.html'), { pageUrl: 'https://thcs-hoabinh.example.edu.vn/tin-tuc/' });
    expect(page.kind).toBe('list');
    expect(page.entries.map((e) => e.title)).toEqual([
      'Họp phụ huynh đầu năm học 2024–2025',
      'Thông báo thu học phí học kỳ I',
      'Lịch nghỉ Tết Nguyên đán của học sinh thành phố',
    ]);
  });

  it('reads an article page as one entry with its main text, title, date and author', () => {
    const url = 'https://baophuong.example.vn/giao-duc/phu-huynh-phan-anh-khoan-thu-dau-nam-2024091508.html?utm_source=zalo';
    const page = parseHtmlPage(fixture('article.html'), { pageUrl: url });
    expect(page.kind).toBe('article');
    expect(page.entries).toHaveLength(1);
    const [entry] = page.entries;
    expect(entry!.title).toBe('Phụ huynh phản ánh khoản thu đầu năm');
    expect(entry!.link).toBe('https://baophuong.example.vn/giao-duc/phu-huynh-phan-anh-khoan-thu-dau-nam-2024091508.html');
    expect(entry!.author).toBe('Minh Anh');
    expect(entry!.publishedAt).toEqual(new Date('2024-09-15T08:30:00+07:00'));
    const paragraphs = entry!.body.split('\n').filter((l) => l !== '');
    expect(paragraphs[0]).toMatch(/^Nhiều phụ huynh của một trường tiểu học/);
    expect(paragraphs.at(-1)).toMatch(/báo cáo kết quả trước ngày 30\/9\.$/);
    expect(entry!.body).not.toMatch(/Tin đọc nhiều|Bản quyền|Chia sẻ Facebook|Trang chủ/);
  });

  it('reads a windows-1258 page once the caller has decoded it', () => {
    const { text, charset } = decodeBody(readFileSync(`${FIXTURES}windows-1258-list.html`), 'text/html');
    expect(charset).toBe('windows-1258');
    const page = parseHtmlPage(text, { pageUrl: 'http://pgd.example.gov.vn/thong-bao/' });
    expect(page.title).toBe('Thông báo của Phòng Giáo dục');
    expect(page.entries.map((e) => e.title)).toEqual([
      'Tuyển sinh lớp 6 năm học 2024–2025',
      'Hướng dẫn miễn, giảm học phí cho học sinh',
      'Khen thưởng giáo viên dạy giỏi cấp quận',
    ]);
    expect(page.entries.every((e) => isNfc(e.title))).toBe(true);
    expect(page.entries[0]!.link).toBe('http://pgd.example.gov.vn/thong-bao/tuyen-sinh-lop-6-501.htm');
  });

  it('resolves links of a page read from a file to nothing rather than to file: URLs', () => {
    const page = parseHtmlPage(fixture('school-news.html'), { pageUrl: 'file:///tmp/school-news.html' });
    expect(page.link).toBeNull();
    expect(page.entries.map((e) => e.link)).toEqual(['https://so-gddt.example.gov.vn/van-ban/lich-nghi-tet-1300.html']);
  });

  it('throws bad_url for a page URL that is not a URL', () => {
    expect(() => parseHtmlPage('<p>x</p>', { pageUrl: 'not a url' })).toThrow(expect.objectContaining({ code: 'bad_url' }));
  });
});

describe('parseHtmlPage on hostile pages', () => {
  it('reads only the beginning of a 10 MB page and keeps at most 500 entries', () => {
    const row = '<div class="item"><h3><a href="/bai-viet-123456.htm?n=N">Tiêu đề bài viết số N về học phí &amp; khoản thu</a></h3><p>Tóm tắt.</p></div>\n';
    const rows: string[] = [];
    for (let n = 0, size = 0; size < 10_000_000; n += 1) {
      const r = row.replaceAll('N', String(n));
      rows.push(r);
      size += r.length;
    }
    const html = `<html><body>${rows.join('')}</body></html>`;
    expect(html.length).toBeGreaterThan(10_000_000);
    for (const selectors of [undefined, { item: '.item' }]) {
      const page = parseHtmlPage(html, { pageUrl: 'https://truong.example.vn/', selectors });
      expect(page.truncated).toBe(true);
      expect(page.entries).toHaveLength(500);
      expect(page.omittedEntries).toBeGreaterThan(0);
      expect(page.entries[499]!.title).toBe('Tiêu đề bài viết số 499 về học phí & khoản thu');
    }
  });

  it('flattens pathological nesting instead of hanging on it', () => {
    const deep = `<html><body>${'<div>'.repeat(200_000)}<h2><a href="/sau-1234.htm">Bài viết nằm rất sâu trong trang</a></h2>${'</div>'.repeat(200_000)}</body></html>`;
    const page = parseHtmlPage(deep, { pageUrl: 'https://truong.example.vn/' });
    expect(page.entries.map((e) => e.title)).toEqual(['Bài viết nằm rất sâu trong trang']);
    const formatting = `<p>${'<b><i>'.repeat(100_000)}chữ đậm</p>`;
    expect(parseHtmlPage(formatting, { pageUrl: 'https://truong.example.vn/', selectors: { item: 'p', title: 'b' } }).entries[0]!.title).toBe('chữ đậm');
  });
});

describe('limitHtmlDepth', () => {
  it('leaves ordinary pages untouched', () => {
    const html = fixture('article.html');
    const limited = limitHtmlDepth(html, 256);
    expect(limited.html).toBe(html);
    expect(limited.droppedTags).toBe(0);
    expect(limited.maxDepthSeen).toBeLessThan(10);
  });

  it('does not count elements the parser closes by themselves', () => {
    const html = `<ul>${'<li>x'.repeat(10_000)}</ul><table>${'<tr><td>a<td>b'.repeat(10_000)}</table>${'<p>y'.repeat(10_000)}`;
    expect(limitHtmlDepth(html, 256).maxDepthSeen).toBeLessThanOrEqual(4);
  });

  it('removes start and end tags past the limit and keeps their text and anything in quotes or scripts', () => {
    const html = `${'<div>'.repeat(5)}<span title="<div>">a</span><script>"<div>"</script>${'</div>'.repeat(5)}`;
    const limited = limitHtmlDepth(html, 3);
    expect(limited.droppedTags).toBe(3);
    expect(limited.html).toBe('<div><div><div>a<script>"<div>"</script></div></div></div>');
  });
});

describe('validateSelectors', () => {
  it('accepts CSS selectors and trims them', () => {
    expect(validateSelectors({ item: ' .news-item ', link: 'h3 > a[href^="https://"]', title: 'h3', date: 'time, .date', body: 'p.sapo:not(.ad)' })).toEqual({
      ok: true,
      selectors: { item: '.news-item', link: 'h3 > a[href^="https://"]', title: 'h3', date: 'time, .date', body: 'p.sapo:not(.ad)' },
    });
    expect(validateSelectors({ item: 'li:has(> a)', title: 'td:nth-child(2n + 1)' }).ok).toBe(true);
    expect(validateSelectors(undefined)).toEqual({ ok: true, selectors: {} });
  });

  it.each([
    ['//div[@class="news"]//a', 'xpath'],
    ['/html/body/div[2]', 'xpath'],
    ['(//a)[1]', 'xpath'],
    ['descendant::a', 'xpath'],
    ['div[@id="x"]', 'xpath'],
    ['a[href', 'invalid'],
    ['div >', 'invalid'],
    ['a,', 'invalid'],
    [':unknown-pseudo', 'invalid'],
    ['a::before', 'unsupported'],
    ['a:hover', 'unsupported'],
    ['div:has(p:has(a))', 'unsupported'],
    [':not(:not(:not(a)))', 'unsupported'],
    ['* * * * *', 'unsupported'],
    [Array.from({ length: 25 }, () => 'div').join(' '), 'unsupported'],
    ['a'.repeat(10_000), 'too_long'],
    [`${'div '.repeat(2_500)}a`, 'too_long'],
  ])('rejects %s as %s', (selector, code) => {
    const result = validateSelectors({ item: selector });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]).toMatchObject({ field: 'item', code });
      expect(result.errors[0]!.message.length).toBeGreaterThan(10);
    }
  });

  it('reports every bad field, unknown fields and non-text values', () => {
    const result = validateSelectors({ item: '//a', title: 42, colour: 'red', body: '' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => `${e.field}:${e.code}`).sort()).toEqual(['colour:unsupported', 'item:xpath', 'title:invalid']);
    expect(validateSelectors('div').ok).toBe(false);
  });
});

describe('parsePageDate', () => {
  it.each([
    ['05/09/2024', '2024-09-05T00:00:00+07:00'],
    ['5/9/2024 14:30', '2024-09-05T14:30:00+07:00'],
    ['14:30 05/09/2024', '2024-09-05T14:30:00+07:00'],
    ['Thứ Năm, 05/09/2024 - 14:30 (GMT+7)', '2024-09-05T14:30:00+07:00'],
    ['Cập nhật lúc 14h30 ngày 05-09-2024', '2024-09-05T14:30:00+07:00'],
    ['Hà Nội, ngày 5 tháng 9 năm 2024', '2024-09-05T00:00:00+07:00'],
    ['2024-09-05', '2024-09-05T00:00:00+07:00'],
    ['2024-09-05T14:30:00Z', '2024-09-05T14:30:00Z'],
    ['2024-09-05 14:30', '2024-09-05T14:30:00+07:00'],
    ['Thu, 05 Sep 2024 07:30:00 GMT', '2024-09-05T07:30:00Z'],
  ])('reads %s', (text, iso) => {
    expect(parsePageDate(text)).toEqual(new Date(iso));
  });

  it.each(['', 'Tin nổi bật 2', '31/02/2024', '12:30', 'Số 1234/QĐ-UBND'])('gives null for %j', (text) => {
    expect(parsePageDate(text)).toBeNull();
  });
});
