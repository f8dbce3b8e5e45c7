import { describe, expect, it } from 'vitest';
import { ITEM_STATUSES, VERDICTS } from '../../../src/domain/item.ts';
import { LABELS } from '../../../src/domain/classification.ts';
import {
  EN_COUNT_ONE,
  MESSAGES,
  apiErrorText,
  fetchErrorText,
  formatDate,
  hasMessage,
  t,
} from '../../../dashboard/i18n/messages.ts';

const FETCH_ERROR_CODES = [
  'bad_url', 'bad_scheme', 'blocked_address', 'dns_failed', 'timeout', 'too_large',
  'too_many_redirects', 'http_status', 'network', 'not_a_feed', 'malformed_feed', 'decode_failed',
];
const API_ERROR_CODES = [
  'unauthorized', 'forbidden', 'not_found', 'validation_failed', 'conflict',
  'invalid_credentials', 'csrf_failed', 'rate_limited', 'internal',
];

describe('message catalogue', () => {
  it('has the same keys in Vietnamese and English', () => {
    expect(Object.keys(MESSAGES.en).sort()).toEqual(Object.keys(MESSAGES.vi).sort());
  });

  it('has no empty messages', () => {
    for (const locale of ['vi', 'en'] as const) {
      for (const [key, text] of Object.entries(MESSAGES[locale])) {
        expect(text.trim(), `${locale} ${key}`).not.toBe('');
      }
    }
  });

  it('has English singulars only for messages with a {count}, using none of their other params that it lacks', () => {
    const params = (text: string) => new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
    for (const [key, one] of Object.entries(EN_COUNT_ONE) as [keyof typeof MESSAGES.en, string][]) {
      const plural = params(MESSAGES.en[key]);
      expect(plural.has('count'), key).toBe(true);
      for (const name of params(one)) expect(plural.has(name) && name !== 'count', `${key} {${name}}`).toBe(true);
    }
  });

  it('writes English counts of one in the singular, and leaves Vietnamese and other counts alone', () => {
    expect(t('en', 'item.members', { count: 1 })).toBe('The same story (1 item across sources)');
    expect(t('en', 'item.members', { count: 2 })).toBe('The same story (2 items across sources)');
    expect(t('en', 'report.narrative.overdue', { count: 1 })).toBe('1 item is past its deadline and still open.');
    expect(t('vi', 'item.members', { count: 1 })).toBe('Cùng một câu chuyện (1 bài từ các nguồn)');
    expect(t('en', 'alerts.attempts', { count: 0 })).toBe('0 attempts');
  });

  it('uses the same {params} in both languages', () => {
    const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(MESSAGES.vi) as (keyof typeof MESSAGES.vi)[]) {
      expect(params(MESSAGES.en[key]), key).toEqual(params(MESSAGES.vi[key]));
    }
  });

  it('names every status, verdict, label, collector error and API error', () => {
    const keys = [
      ...ITEM_STATUSES.map((s) => `status.${s}`),
      ...VERDICTS.map((v) => `verdict.${v}`),
      ...LABELS.map((l) => `label.${l}`),
      ...LABELS.map((l) => `category.${l}`),
      ...FETCH_ERROR_CODES.map((c) => `fetchError.${c}`),
      ...API_ERROR_CODES.map((c) => `apiError.${c}`),
    ];
    for (const key of keys) expect(hasMessage(key), key).toBe(true);
  });

  it('speaks Vietnamese for statuses and verdicts', () => {
    expect(t('vi', 'status.new')).toBe('Mới');
    expect(t('vi', 'status.in_review')).toBe('Đang xem xét');
    expect(t('vi', 'status.responded')).toBe('Đã phản hồi');
    expect(t('vi', 'status.escalated')).toBe('Đã chuyển cấp trên');
    expect(t('vi', 'status.dismissed')).toBe('Đã bỏ qua');
    expect(t('vi', 'verdict.fake')).toBe('Tin giả');
    expect(t('vi', 'verdict.false')).toBe('Tin sai sự thật');
    expect(t('vi', 'verdict.verified')).toBe('Tin xác thực');
    expect(t('vi', 'verdict.unverified')).toBe('Chưa xác minh');
    expect(t('vi', 'label.negative')).toBe('Tiêu cực');
    expect(t('vi', 'label.misinformation')).toBe('Dấu hiệu tin sai');
  });
});

describe('t', () => {
  it('fills {name} params', () => {
    expect(t('vi', 'health.failing', { count: 3 })).toBe('Lỗi 3 lần liên tiếp');
    expect(t('en', 'nav.signedInAs', { name: 'lan' })).toBe('Signed in as lan');
  });

  it('does not expand braces that arrive inside a param value', () => {
    expect(t('en', 'flash.created', { name: '{name}' })).toBe('Added source “{name}”.');
  });

  it('leaves unknown placeholders visible rather than blank', () => {
    expect(t('en', 'nav.signedInAs', {})).toBe('Signed in as {name}');
  });
});

describe('error code texts', () => {
  it('translates known collector codes and shows unknown ones raw', () => {
    expect(fetchErrorText('vi', 'timeout')).toBe('Quá thời gian chờ');
    expect(fetchErrorText('en', 'weird_code')).toBe('Unknown error (weird_code)');
  });

  it('falls back to the internal message for unknown API codes', () => {
    expect(apiErrorText('en', 'forbidden')).toBe('You are not allowed to do this.');
    expect(apiErrorText('en', 'toString')).toBe(apiErrorText('en', 'internal'));
  });
});

describe('formatDate', () => {
  it('shows dd/MM/yyyy HH:mm in Asia/Ho_Chi_Minh (UTC+7) in both languages', () => {
    const date = new Date('2024-03-01T17:30:00Z');
    expect(formatDate(date, 'vi')).toBe('02/03/2024 00:30');
    expect(formatDate(date, 'en')).toBe('02/03/2024 00:30');
    expect(formatDate(new Date('2024-12-31T05:05:00Z'), 'vi')).toBe('31/12/2024 12:05');
  });

  it('shows a dash for missing or invalid dates', () => {
    expect(formatDate(null, 'vi')).toBe('—');
    expect(formatDate(new Date('nope'), 'en')).toBe('—');
  });
});
