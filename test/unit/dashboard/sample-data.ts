// Test helper: domain objects with sensible defaults for the dashboard views.
import type { ExplanationSpan } from '../../../src/domain/classification.ts';
import type { Item } from '../../../src/domain/item.ts';
import type { Source } from '../../../src/domain/source.ts';
import type { SessionUser } from '../../../src/domain/user.ts';

/** Returns a signed-in staff user. */
export function sampleUser(overrides: Partial<SessionUser> = {}): SessionUser {
  return { id: 1, username: 'canbo.vhxh', role: 'staff', ...overrides };
}

/** Returns an explanation span over [start, end) of `text`. */
export function sampleSpan(
  text: string,
  start: number,
  end: number,
  overrides: Partial<ExplanationSpan> = {},
): ExplanationSpan {
  return {
    field: 'body',
    start,
    end,
    text: text.slice(start, end),
    category: 'negative',
    ruleId: 'seed:test',
    weight: 1,
    ...overrides,
  };
}

/** Returns a flagged item about school fees, with one title span and one body span. */
export function sampleItem(overrides: Partial<Item> = {}): Item {
  const title = 'Phụ huynh bức xúc vì lạm thu học phí';
  const body = 'Trường tiểu học phường thu thêm nhiều khoản.\nPhụ huynh phản ánh lạm thu.';
  return {
    id: 42,
    sourceId: 7,
    sourceName: 'Báo Giáo dục',
    keyHash: 'abc',
    url: 'https://example.vn/bai-viet/1',
    title,
    body,
    author: 'Phóng viên',
    publishedAt: new Date('2024-09-05T01:15:00Z'),
    collectedAt: new Date('2024-09-05T02:00:00Z'),
    labels: ['negative', 'relevant'],
    classification: {
      labels: ['negative', 'relevant'],
      scores: { negative: 0.8, relevant: 0.95 },
      spans: [
        sampleSpan(title, 10, 17, { field: 'title', category: 'negative', ruleId: 'seed:buc-xuc' }),
        sampleSpan(body, body.indexOf('lạm thu'), body.indexOf('lạm thu') + 7, {
          category: 'negative',
          ruleId: 'seed:lam-thu',
        }),
      ],
      version: 'rules-1',
    },
    priority: 300,
    status: 'new',
    verdict: null,
    dismissReason: null,
    version: 3,
    revisionState: null,
    clusterId: null,
    clusterSize: 1,
    ...overrides,
  };
}

/** Returns an RSS source that has been failing. */
export function sampleSource(overrides: Partial<Source> = {}): Source {
  return {
    id: 7,
    kind: 'rss',
    name: 'Báo Giáo dục',
    url: 'https://example.vn/rss',
    selectors: null,
    enabled: true,
    pollIntervalSeconds: 900,
    etag: null,
    lastModified: null,
    lastSuccessAt: new Date('2024-09-04T23:00:00Z'),
    lastErrorAt: new Date('2024-09-05T03:00:00Z'),
    lastError: 'HTTP 503 from example.vn',
    lastErrorCode: 'http_status',
    consecutiveFailures: 2,
    failingSince: new Date('2024-09-05T01:00:00Z'),
    nextFetchAt: new Date('2024-09-05T03:30:00Z'),
    createdAt: new Date('2024-09-01T00:00:00Z'),
    ...overrides,
  };
}
