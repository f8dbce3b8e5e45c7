import { describe, expect, it } from 'vitest';
import { shiftIsoWeek, WeeklyReportPage, type WeeklyReportPageProps } from '../../../dashboard/views/weekly-report-page.tsx';
import { emptyWeeklySummary, sampleStory, sampleWeeklySummary } from '../../fixtures/weekly-summary.ts';
import { renderHtml } from './render-html.ts';
import { sampleUser } from './sample-data.ts';

const XSS = '"><img src=x onerror=alert(1)>';
const leader = sampleUser({ username: 'chutich', role: 'leader' });

function render(props: Partial<WeeklyReportPageProps> = {}): Promise<string> {
  return renderHtml(
    WeeklyReportPage({ locale: 'vi', user: leader, summary: sampleWeeklySummary(), week: '2026-W48', snapshot: false, ...props }),
  );
}

/** The <svg> elements of the page, each as its source text. */
function svgs(html: string): string[] {
  return [...html.matchAll(/<svg\b.*?<\/svg>/gs)].map((match) => match[0]);
}

describe('weekly report page', () => {
  it('shows the week, its dates, the key figures and the narrative', async () => {
    const html = await render();
    expect(html).toContain('Tổng hợp dư luận về giáo dục tuần 2026-W48');
    expect(html).toContain('Từ ngày 23/11/2026 đến ngày 29/11/2026');
    expect(html).toMatch(/<dt>Tin thu thập<\/dt>\s*<dd>137<\/dd>/);
    expect(html).toMatch(/<dt>Câu chuyện \(đã gộp tin trùng\)<\/dt>\s*<dd>58<\/dd>/);
    expect(html).toContain('Tỷ lệ câu chuyện tiêu cực là 24,1%');
    expect(html).toContain('Số liệu tính lúc 30/11/2026 07:00.');
    expect(await render({ snapshot: true })).toContain('Bản lưu lúc 30/11/2026 07:00');
  });

  it('draws every chart as SVG with a title and a description that screen readers announce', async () => {
    const charts = svgs(await render());
    // By day, sentiment, by source, by topic, by channel.
    expect(charts).toHaveLength(5);
    for (const svg of charts) {
      const labelled = /aria-labelledby="([^" ]+) ([^"]+)"/.exec(svg);
      expect(labelled, svg.slice(0, 200)).not.toBeNull();
      expect(svg).toContain(`<title id="${labelled![1]}">`);
      expect(svg).toContain(`<desc id="${labelled![2]}">`);
      expect(svg).toMatch(/role="img"/);
      expect(svg).toMatch(/viewBox="0 0 400 \d+"/);
      // CSP forbids inline styles: colours come from classes.
      expect(svg).not.toMatch(/style=/);
    }
    const html = charts.join('\n');
    expect(html).toContain('Ngày nhiều tin nhất: 24/11/2026, 34 tin thuộc 13 câu chuyện.');
    expect(html).toContain('Tuần này: tiêu cực 24,1%, trung tính 60,3%, tích cực 15,5% (58 câu chuyện).');
    expect(html).toContain('Tuần trước: tiêu cực 16%, trung tính 64%, tích cực 20% (50 câu chuyện).');
  });

  it('scales bars to the largest value and shows the change of sentiment in points', async () => {
    const html = await render();
    const bySource = svgs(html).find((svg) => svg.includes('Theo nguồn tin'))!;
    // VnExpress has the most items (61): its bar takes the full plot width (400 - 64).
    expect(bySource).toContain('width="336.0"');
    expect(html).toMatch(/class="weekly-worse">\+8,1 điểm %</);
    expect(html).toContain('-4,5 điểm %');
  });

  it('lists top concerns and positive stories with what was done', async () => {
    const html = await render();
    expect(html).toContain('Tin đồn trường Mầm non Hoa Sen đóng cửa vì dịch bệnh');
    expect(html).toContain('href="/items/117"');
    expect(html).toMatch(/24\/11\/2026 10:30<\/time> · Đính chính · Cổng thông tin điện tử phường/);
    expect(html).toContain('Chưa có phản hồi');
    expect(html).toContain('Trường THCS Nguyễn Du đạt giải nhất');
    expect(html).toContain('Ý kiến do MTTQ chuyển đến');
    expect(html).toContain('Số ý kiến tiếp nhận: 3');
    expect(html).toContain('7,5 giờ');
    expect(html).toContain('77,8%');
  });

  it('offers the downloads and the neighbouring weeks', async () => {
    const html = await render();
    for (const href of ['/api/reports/weekly.docx?week=2026-W48', '/api/reports/weekly.csv?week=2026-W48', '/api/reports/weekly.xlsx?week=2026-W48', '/api/reports/weekly?week=2026-W48']) {
      expect(html).toContain(`href="${href}"`);
    }
    expect(html).toContain('href="/reports/weekly?week=2026-W47"');
    // Generated on 30/11, after W48 ended: W49 has begun, so the link is offered.
    expect(html).toContain('href="/reports/weekly?week=2026-W49"');
    const current = await render({ summary: sampleWeeklySummary({ generatedAt: '2026-11-28T03:00:00.000Z' }) });
    expect(current).not.toContain('week=2026-W49');
  });

  it('escapes hostile titles, source names, topics and links', async () => {
    const summary = sampleWeeklySummary({
      bySource: [{ sourceId: 9, sourceName: XSS, items: 3, stories: 1 }],
      byTopic: [{ topic: XSS, items: 3, stories: 1 }],
      topConcerns: [sampleStory({ title: XSS, sourceName: XSS, url: 'javascript:alert(1)', responses: [{ kind: 'reply', channel: 'press', respondedAt: '2026-11-24T00:00:00Z', link: 'javascript:alert(2)' }] })],
      narrative: [XSS],
    });
    const html = await render({ summary, week: XSS });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('says plainly when nothing was collected that week, without charts', async () => {
    const html = await render({ summary: emptyWeeklySummary(), week: '2026-W49' });
    expect(html).toContain('Tuần 2026-W49 không có tin nào được thu thập');
    expect(svgs(html)).toHaveLength(0);
  });

  it('shows a bad week next to the week field and keeps what was typed', async () => {
    const html = await render({ summary: null, week: '2026-W60', error: 'invalid_week' });
    expect(html).toMatch(/<input[^>]*id="weekly-week"[^>]*value="2026-W60"[^>]*aria-invalid="true"[^>]*aria-describedby="weekly-week-error"/);
    expect(html).toContain('id="weekly-week-error"');
    expect(html).toContain('Tuần không hợp lệ');
    expect(html).not.toContain('weekly.docx');
    // An already translated message is shown as it is.
    expect(await render({ summary: null, week: 'abc', error: 'Tuần không tồn tại.' })).toContain('Tuần không tồn tại.');
  });

  it('speaks English too', async () => {
    const html = await render({ locale: 'en' });
    expect(html).toContain('Public opinion on education, week 2026-W48');
    expect(html).toContain('From 23/11/2026 to 29/11/2026');
    expect(html).toContain('+8.1 pts');
  });

  it('marks the nav entry for the weekly report', async () => {
    expect(await render()).toMatch(/<a href="\/reports\/weekly" aria-current="page">Báo cáo tuần<\/a>/);
  });
});

describe('shiftIsoWeek', () => {
  it('moves across year ends, including 53-week years', () => {
    expect(shiftIsoWeek('2026-W48', -1)).toBe('2026-W47');
    expect(shiftIsoWeek('2026-W53', 1)).toBe('2027-W01');
    expect(shiftIsoWeek('2027-W01', -1)).toBe('2026-W53');
    expect(shiftIsoWeek('2025-W52', 1)).toBe('2026-W01');
  });

  it('refuses what is not a week', () => {
    expect(shiftIsoWeek('2026-W60', 1)).toBeNull();
    expect(shiftIsoWeek('2025-W53', 1)).toBeNull();
    expect(shiftIsoWeek('abc', 1)).toBeNull();
    expect(shiftIsoWeek('2026-W00', 1)).toBeNull();
  });
});
