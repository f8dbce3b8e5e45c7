// The pure alert rules: what is a surge, when a failed delivery is retried, what an item is about.
import { describe, expect, it } from 'vitest';
import {
  checkSurge,
  DEFAULT_ALERT_SETTINGS,
  enabledChannels,
  localDayAndHour,
  nextAttemptAt,
  topicsOf,
  withDefaultAlertSettings,
} from '../../../src/domain/alert.ts';
import type { ExplanationSpan } from '../../../src/domain/classification.ts';

const rule = { surgeMinCount: 5, surgeSigma: 3 };

describe('checkSurge', () => {
  it('calls a quiet topic that suddenly has many negative items a surge', () => {
    const check = checkSurge(8, [0, 1, 0, 1], rule);
    expect(check.surge).toBe(true);
    expect(check.threshold).toBe(5);
  });

  it('does not call a busy but usual day a surge (the √mean floor on the spread)', () => {
    // Four nearly equal weeks: sd ≈ 1.1 alone would make 14 an outlier; √10.5 ≈ 3.2 does not.
    expect(checkSurge(14, [10, 11, 10, 11], rule).surge).toBe(false);
    expect(checkSurge(20, [10, 11, 10, 11], rule).surge).toBe(false);
    expect(checkSurge(21, [10, 11, 10, 11], rule).surge).toBe(true);
  });

  it('needs the minimum count, however quiet the baseline', () => {
    expect(checkSurge(4, [0, 0, 0, 0], rule).surge).toBe(false);
    expect(checkSurge(5, [0, 0, 0, 0], rule).surge).toBe(true);
  });

  it('widens with a baseline that varies a lot', () => {
    const check = checkSurge(30, [2, 30, 4, 28], rule);
    expect(check.surge).toBe(false);
    expect(check.threshold).toBeGreaterThan(50);
  });
});

describe('nextAttemptAt', () => {
  const created = new Date('2026-11-28T00:00:00Z');
  it('tries at once, then after 30 s, 1, 2, 4, 8 minutes, then every 10 minutes', () => {
    const offsets = [0, 1, 2, 3, 4, 5, 8, 9].map((attempts) => (nextAttemptAt(created, attempts).getTime() - created.getTime()) / 1000);
    expect(offsets.slice(0, 6)).toEqual([0, 30, 90, 210, 450, 930]);
    // 930 s after five tries; from then on ten minutes per try.
    expect(offsets[6]).toBe(930 + 3 * 600);
    expect(offsets[7]! - offsets[6]!).toBe(600);
  });
});

describe('topicsOf', () => {
  const span = (ruleId: string, category: ExplanationSpan['category'], text: string): ExplanationSpan => ({
    field: 'body',
    start: 0,
    end: text.length,
    text,
    category,
    ruleId,
    weight: 1,
  });

  it('takes gazetteer places and relevant rule subjects, once each, and ignores negative phrases', () => {
    const topics = topicsOf({
      spans: [
        span('place:Trường Tiểu học Kim Liên', 'relevant', 'Trường Tiểu học Kim Liên'),
        span('place:Trường Tiểu học Kim Liên', 'relevant', 'truong tieu hoc kim lien'),
        span('seed:relevant.hoc-phi', 'relevant', 'Học phí'),
        span('seed:negative.lam-thu', 'negative', 'lạm thu'),
        span('model:sentiment', 'negative', 'bức xúc'),
      ],
    });
    expect(topics).toEqual([
      { key: 'place:Trường Tiểu học Kim Liên', name: 'Trường Tiểu học Kim Liên' },
      { key: 'seed:relevant.hoc-phi', name: 'học phí' },
    ]);
  });

  it('answers nothing for an item without a classification', () => {
    expect(topicsOf(null)).toEqual([]);
    expect(topicsOf({ spans: [] })).toEqual([]);
  });
});

describe('settings', () => {
  it('completes a partial or damaged stored value with the defaults', () => {
    const settings = withDefaultAlertSettings({ digestHour: 6, surgeSigma: 'many', recipients: ['a@b.vn', 3], locale: 'fr' });
    expect(settings).toEqual({ ...DEFAULT_ALERT_SETTINGS, digestHour: 6 });
    expect(withDefaultAlertSettings(null)).toEqual(DEFAULT_ALERT_SETTINGS);
  });

  it('turns a channel on only when it has somewhere to send to', () => {
    expect(enabledChannels({ ...DEFAULT_ALERT_SETTINGS, emailEnabled: true, smtpHost: 'mail' })).toEqual([]);
    expect(enabledChannels({ ...DEFAULT_ALERT_SETTINGS, emailEnabled: true, smtpHost: 'mail', recipients: ['a@b.vn'], webhookEnabled: true, webhookUrl: 'https://x.vn/h' })).toEqual(['email', 'webhook']);
  });
});

describe('localDayAndHour', () => {
  it('answers the day and hour in Asia/Ho_Chi_Minh (UTC+7)', () => {
    expect(localDayAndHour(new Date('2026-11-27T23:30:00Z'))).toEqual({ day: '2026-11-28', hour: 6 });
    expect(localDayAndHour(new Date('2026-11-28T00:00:00Z'))).toEqual({ day: '2026-11-28', hour: 7 });
    expect(localDayAndHour(new Date('2026-11-28T16:59:00Z'))).toEqual({ day: '2026-11-28', hour: 23 });
  });
});
