import { describe, expect, it } from 'vitest';
import { DEFAULT_DEADLINES, dueAtFor, withDefaultDeadlines } from '../../../src/domain/deadline.ts';
import { computePriority, explainPriority } from '../../../src/domain/item.ts';

const collectedAt = new Date('2026-11-28T01:00:00Z');
const hoursLater = (hours: number) => new Date(collectedAt.getTime() + hours * 3_600_000);

describe('dueAtFor', () => {
  it('gives misinformation a day and negative or offensive items three days by default', () => {
    expect(dueAtFor(['misinformation'], 'rss', collectedAt, DEFAULT_DEADLINES)).toEqual(hoursLater(24));
    expect(dueAtFor(['negative', 'relevant'], 'html', collectedAt, DEFAULT_DEADLINES)).toEqual(hoursLater(72));
    expect(dueAtFor(['offensive'], 'rss', collectedAt, DEFAULT_DEADLINES)).toEqual(hoursLater(72));
  });

  it('takes the shortest deadline when an item carries several flags', () => {
    expect(dueAtFor(['negative', 'misinformation'], 'rss', collectedAt, DEFAULT_DEADLINES)).toEqual(hoursLater(24));
  });

  it('gives no deadline to an unflagged article', () => {
    expect(dueAtFor([], 'rss', collectedAt, DEFAULT_DEADLINES)).toBeNull();
    expect(dueAtFor(['relevant', 'positive'], 'html', collectedAt, DEFAULT_DEADLINES)).toBeNull();
  });

  it('gives every piece of citizen feedback a week, and flagged feedback its shorter deadline', () => {
    expect(dueAtFor([], 'form', collectedAt, DEFAULT_DEADLINES)).toEqual(hoursLater(168));
    expect(dueAtFor(['relevant'], 'import', collectedAt, DEFAULT_DEADLINES)).toEqual(hoursLater(168));
    expect(dueAtFor(['misinformation'], 'import', collectedAt, DEFAULT_DEADLINES)).toEqual(hoursLater(24));
  });

  it('uses the deadlines staff set', () => {
    const deadlines = { misinformation: 6, negative: 48, offensive: 12, feedback: 240 };
    expect(dueAtFor(['misinformation'], 'rss', collectedAt, deadlines)).toEqual(hoursLater(6));
    expect(dueAtFor([], 'form', collectedAt, deadlines)).toEqual(hoursLater(240));
  });

  it('completes a partial or damaged stored setting with the defaults', () => {
    expect(withDefaultDeadlines({ misinformation: 12, negative: 'x' })).toEqual({ ...DEFAULT_DEADLINES, misinformation: 12 });
    expect(withDefaultDeadlines(null)).toEqual(DEFAULT_DEADLINES);
  });
});

describe('explainPriority', () => {
  it('lists the points of each flag, largest first, then recency, and sums to the priority', () => {
    const parts = explainPriority(['relevant', 'negative', 'misinformation']);
    expect(parts).toEqual([
      { reason: 'misinformation', points: 300 },
      { reason: 'negative', points: 200 },
      { reason: 'relevant', points: 100 },
      { reason: 'recency', points: 0 },
    ]);
    expect(computePriority(['relevant', 'negative', 'misinformation'])).toBe(600);
  });

  it('explains an unflagged item by recency alone', () => {
    expect(explainPriority([])).toEqual([{ reason: 'recency', points: 0 }]);
    expect(computePriority(['positive'])).toBe(0);
  });
});
