import { describe, expect, it } from 'vitest';
import type { WeeklyFigureRows } from '../../../src/db/queries/weekly-report.ts';
import { parseIsoWeek } from '../../../src/domain/iso-week.ts';
import { buildWeeklySummary, formatPercent } from '../../../src/reports/weekly-summary.ts';
import { escapeCsvField, writeWeeklyCsv } from '../../../src/reports/weekly-csv.ts';

const WEEK = parseIsoWeek('2026-W48');

function figures(overrides: Partial<WeeklyFigureRows> = {}): WeeklyFigureRows {
  return {
    totals: { items: 4, stories: 2, flaggedStories: 1 },
    byDay: [{ day: 0, items: 3, stories: 1 }, { day: 6, items: 1, stories: 1 }],
    bySource: [{ sourceId: 1, sourceName: 'Báo A', items: 4, stories: 2 }],
    byTopic: [{ topic: 'negative', items: 3, stories: 1 }, { topic: 'other', items: 1, stories: 1 }],
    sentiment: { stories: 2, negative: 1, positive: 0 },
    previousSentiment: { stories: 0, negative: 0, positive: 0 },
    concerns: [{ story: 7, copies: 3, representativeId: 11, topPriority: 300 }],
    concernTotal: 1,
    positives: [],
    positiveTotal: 0,
    storyItems: [
      { story: 7, id: 11, title: 'Lạm thu', url: null, sourceName: 'Báo A', labels: ['negative'], status: 'new', verdict: null },
      { story: 7, id: 12, title: 'Lạm thu (2)', url: null, sourceName: 'Báo A', labels: ['negative', 'relevant'], status: 'new', verdict: null },
    ],
    storyResponses: [],
    responsesByChannel: [],
    responseTime: { responded: 0, medianHours: null, withinDeadline: 0, overdue: 0 },
    feedbackByStatus: [],
    ...overrides,
  };
}

describe('buildWeeklySummary', () => {
  it('fills the seven days, Monday first, with zeros where nothing happened', () => {
    const summary = buildWeeklySummary({ week: WEEK, figures: figures(), generatedAt: new Date('2026-11-30T00:00:00Z') });
    expect(summary.byDay.map((row) => [row.date, row.items])).toEqual([
      ['2026-11-23', 3], ['2026-11-24', 0], ['2026-11-25', 0], ['2026-11-26', 0], ['2026-11-27', 0], ['2026-11-28', 0], ['2026-11-29', 1],
    ]);
    expect(summary.topConcerns[0]).toMatchObject({ itemId: 11, title: 'Lạm thu', copies: 3, labels: ['negative', 'relevant'], responses: [] });
  });

  it('says nothing about a figure that is absent or has no denominator', () => {
    const summary = buildWeeklySummary({ week: WEEK, figures: figures(), generatedAt: new Date() });
    const text = summary.narrative.join(' ');
    expect(summary.previousSentiment).toBeNull();
    expect(summary.sentimentChange).toBeNull();
    expect(summary.responseTime).toEqual({ responded: 0, medianHours: null, withinDeadlineShare: null, overdue: 0 });
    expect(text).not.toContain('tuần trước');
    expect(text).not.toContain('trung vị');
    expect(text).not.toContain('tích cực nên lan tỏa');
    expect(text).toContain('chưa có phản hồi nào');
    expect(text).toContain('không có ý kiến cử tri');
    expect(text).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('writes the change from the week before in percentage points', () => {
    const summary = buildWeeklySummary({
      week: WEEK,
      figures: figures({ previousSentiment: { stories: 4, negative: 1, positive: 1 } }),
      generatedAt: new Date(),
    });
    expect(summary.sentimentChange).toEqual({ negative: 25, positive: -25, neutral: 0 });
    expect(summary.narrative.join(' ')).toContain('tăng 25 điểm phần trăm so với tuần trước (25%)');
  });

  it('formats shares the Vietnamese way', () => {
    expect(formatPercent(2 / 3, 'vi')).toBe('66,7');
    expect(formatPercent(2 / 3, 'en')).toBe('66.7');
    expect(formatPercent(0.5, 'vi')).toBe('50');
  });
});

describe('weekly CSV', () => {
  it('neutralizes every formula prefix and quotes what needs it', () => {
    expect(escapeCsvField('=1+1')).toBe(`"'=1+1"`);
    expect(escapeCsvField('+84')).toBe(`"'+84"`);
    expect(escapeCsvField('-2')).toBe(`"'-2"`);
    expect(escapeCsvField('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(escapeCsvField('a,b')).toBe('"a,b"');
    expect(escapeCsvField('học phí')).toBe('học phí');
    expect(writeWeeklyCsv([], 'raw')).toBe('\uFEFFid,time,collected_at,source,source_kind,title,url,labels,priority,status,verdict,story,due_at,first_response_at,responses,feedback_topic\r\n');
    expect(writeWeeklyCsv([])).toBe(
      '\uFEFFMã tin,Thời gian,Thời điểm thu thập,Nguồn,Loại nguồn,Tiêu đề,Đường dẫn,Nhãn,Điểm ưu tiên,Trạng thái,Kết luận,Câu chuyện,Hạn xử lý,Phản hồi đầu tiên,Số lượt phản hồi,Chủ đề ý kiến (MTTQ)\r\n',
    );
  });
});
