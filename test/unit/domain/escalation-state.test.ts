import { describe, expect, it } from 'vitest';
import { precisionOf } from '../../../src/domain/dry-run.ts';
import { escalationState } from '../../../src/domain/response.ts';
import { canonicalViewQuery } from '../../../src/api/saved-views.ts';

const NOW = new Date('2026-11-28T03:00:00Z');

describe('escalationState', () => {
  it('tells an escalation awaiting, overdue or answered, and ignores other kinds', () => {
    expect(escalationState({ kind: 'correction', dueAt: null, answeredAt: null }, NOW)).toBe('none');
    expect(escalationState({ kind: 'escalation', dueAt: null, answeredAt: null }, NOW)).toBe('awaiting');
    expect(escalationState({ kind: 'escalation', dueAt: new Date('2026-11-29T00:00:00Z'), answeredAt: null }, NOW)).toBe('awaiting');
    expect(escalationState({ kind: 'escalation', dueAt: new Date('2026-11-27T16:59:59Z'), answeredAt: null }, NOW)).toBe('overdue');
    expect(escalationState({ kind: 'escalation', dueAt: new Date('2026-11-01T00:00:00Z'), answeredAt: new Date('2026-11-02T00:00:00Z') }, NOW)).toBe('answered');
  });
});

describe('precisionOf', () => {
  it('is the share of confirmed among confirmed and false positives, or null without either', () => {
    expect(precisionOf(3, 1)).toBe(0.75);
    expect(precisionOf(0, 2)).toBe(0);
    expect(precisionOf(0, 0)).toBeNull();
  });
});

describe('canonicalViewQuery', () => {
  it('keeps the queue filters in one order, drops paging and empty values, and refuses what the queue would refuse', () => {
    expect(canonicalViewQuery('order=newest&status=all&cursor=x&limit=10&q=')).toEqual({ ok: true, query: '?status=all&order=newest' });
    expect(canonicalViewQuery('')).toEqual({ ok: true, query: '' });
    const decomposed = canonicalViewQuery('?q=' + encodeURIComponent('học phí'.normalize('NFD')));
    expect(decomposed.ok && new URLSearchParams(decomposed.query).get('q')).toBe('học phí'.normalize('NFC'));
    expect(canonicalViewQuery('?label=spam').ok).toBe(false);
    expect(canonicalViewQuery('?source=-1').ok).toBe(false);
    expect(canonicalViewQuery('?javascript=alert(1)').ok).toBe(false);
  });
});
