// Alerts end to end on a real database: raising (known false claim, surge, digest), delivery by
// e-mail and webhook with retries, and the API and page.
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasMessage, t } from '../../dashboard/i18n/messages.ts';
import { insertAlert, listAlerts } from '../../src/db/queries/alerts.ts';
import { insertNewItems, type NewItem } from '../../src/db/queries/items.ts';
import { getSetting, putSetting } from '../../src/db/queries/settings.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import { alerts as alertsTable, claims, clusters, items, settings as settingsTable, sources } from '../../src/db/schema.ts';
import { ALERT_CURSOR_KEY, ALERT_DELIVER_FROM_KEY, ALERT_SETTINGS_KEY, DEFAULT_ALERT_SETTINGS, type AlertText } from '../../src/domain/alert.ts';
import type { Classification, ExplanationSpan, Label } from '../../src/domain/classification.ts';
import type { Role } from '../../src/domain/user.ts';
import { createBullmqRunner, REFRESH_QUEUE, startRefreshWorker } from '../../src/jobs/bullmq-runner.ts';
import { DeliveryError, postWebhook } from '../../src/jobs/deliver.ts';
import { createAlertService, deliverPendingAlerts, runAlerts, type RunAlertsDeps } from '../../src/jobs/run-alerts.ts';
import { raiseClaimAlerts, raiseDigest, raiseSurgeAlerts } from '../../src/pipeline/alerts.ts';
import type { PipelineDeps } from '../../src/pipeline/refresh-source.ts';
import { foldText } from '../../src/text/fold-text.ts';
import { freePort } from '../helpers/free-port.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { testRedisUrl } from '../helpers/test-redis.ts';
import { startWebhookReceiver, type TestWebhookReceiver } from '../helpers/webhook-receiver.ts';

const PUBLIC_URL = 'https://duluan.phuong.example';
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

const text: AlertText = (locale, key, params) => (hasMessage(key) ? t(locale, key, params) : key);

let database: TestDatabase;
let smtp: TestSmtpServer;
let receiver: TestWebhookReceiver;
let receiverUrl: string;
let hooks: TestWebhookReceiver['received'];
let clock = new Date('2026-11-20T03:00:00Z');
let deps: RunAlertsDeps;
let testApp: TestApp;
let request: TestApp['request'];
let sourceId: number;
const cookies = new Map<Role, string>();

beforeAll(async () => {
  database = await createTestDatabase();
  smtp = await startSmtpServer();
  receiver = await startWebhookReceiver();
  receiverUrl = receiver.url;
  hooks = receiver.received;

  deps = {
    db: database.db,
    publicUrl: PUBLIC_URL,
    text,
    delivery: { smtpPassword: 'smtp-bí-mật', webhookAllowHosts: ['127.0.0.1'], timeoutMs: 3000 },
    now: () => clock,
  };
  testApp = createTestApp(database, {
    classifiers: { get: async () => ({ version: 'test', classify: () => ({ labels: [], scores: {}, spans: [], version: 'test' }) }) },
    // The test clock moves days ahead: sessions must outlive it.
    sessionTtlHours: 24 * 90,
    alerts: createAlertService(deps),
    now: () => clock,
  });
  request = testApp.request;
  for (const role of ['admin', 'staff', 'leader', 'mttq'] as const) cookies.set(role, await testApp.signIn(role, `alerts-${role}`));
  sourceId = (await insertSource(database.db, { kind: 'rss', name: 'Báo Giáo dục', url: 'https://bao.example/rss' })).id;
});

afterAll(async () => {
  await testApp?.close();
  await smtp?.stop();
  await receiver?.stop();
  await database?.close();
});

let keyCounter = 0;
function item(options: {
  title: string;
  at: Date;
  labels?: Label[];
  spans?: ExplanationSpan[];
  claimMatches?: Classification['claimMatches'];
  priority?: number;
}): NewItem {
  const key = `alerts-${++keyCounter}`;
  const classification: Classification = {
    labels: options.labels ?? [],
    scores: {},
    spans: options.spans ?? [],
    version: 'test',
    claimMatches: options.claimMatches,
  };
  return {
    sourceId,
    keyHash: key,
    url: `https://bao.example/${key}`,
    title: options.title,
    body: 'Nội dung',
    author: null,
    publishedAt: options.at,
    collectedAt: options.at,
    searchText: foldText(options.title),
    contentHash: key,
    labels: options.labels ?? [],
    classification,
    priority: options.priority ?? 0,
  };
}

async function idOf(title: string): Promise<number> {
  const [row] = await database.db.select({ id: items.id }).from(items).where(eq(items.title, title));
  return Number(row!.id);
}

async function putInCluster(itemIds: number[]): Promise<number> {
  const [cluster] = await database.db
    .insert(clusters)
    .values({ representativeItemId: itemIds[0]!, size: itemIds.length })
    .returning({ id: clusters.id });
  for (const id of itemIds) await database.db.update(items).set({ clusterId: cluster!.id }).where(eq(items.id, id));
  return Number(cluster!.id);
}

describe('known false claim', () => {
  let claimId: number;
  const hostileTitle = 'Trường thu thêm tiền "><img src=x onerror=alert(1)>';

  beforeAll(async () => {
    const [claim] = await database.db
      .insert(claims)
      .values({ statement: 'Trường bắt buộc học sinh đóng tiền học thêm', verdict: 'false', correction: 'Phòng GD&ĐT khẳng định không có khoản thu này.' })
      .returning({ id: claims.id });
    claimId = claim!.id;
    const match = (verdict: 'false' | 'fake' | 'verified') => [{ claimId, score: 0.82, verdict, correction: null }];
    const old = new Date(clock.getTime() - 3 * DAY);
    await insertNewItems(database.db, [item({ title: 'Tin cũ lặp lại nhận định sai', at: old, claimMatches: match('false') })]);
    await insertNewItems(database.db, [
      item({ title: hostileTitle, at: new Date(clock.getTime() - 20 * 60 * 1000), claimMatches: match('false') }),
      item({ title: 'Bản sao của cùng câu chuyện', at: new Date(clock.getTime() - 19 * 60 * 1000), claimMatches: match('false') }),
      item({ title: 'Tin đã lâu chưa được gom nhóm', at: new Date(clock.getTime() - 15 * 60 * 1000), claimMatches: match('fake') }),
      item({ title: 'Tin xác thực trùng nhận định', at: new Date(clock.getTime() - 10 * 60 * 1000), claimMatches: match('verified') }),
      item({ title: 'Tin mới chưa gom nhóm', at: new Date(clock.getTime() - 60 * 1000), claimMatches: match('false') }),
    ]);
    await putInCluster([await idOf(hostileTitle), await idOf('Bản sao của cùng câu chuyện')]);
  });

  it('raises one alert per claim and story (five copies of one story alert once), waits for clustering, skips old and verified items', async () => {
    const raised = await raiseClaimAlerts(deps, DEFAULT_ALERT_SETTINGS);
    expect(raised).toBe(2);
    const stored = (await listAlerts(database.db)).filter((alert) => alert.kind === 'claim_match');
    const keys = stored.map((alert) => alert.dedupeKey).sort();
    const [clusterRow] = await database.db.select({ clusterId: items.clusterId }).from(items).where(eq(items.title, hostileTitle));
    expect(keys).toEqual([`claim:${claimId}:cluster:${clusterRow!.clusterId}`, `claim:${claimId}:item:${await idOf('Tin đã lâu chưa được gom nhóm')}`].sort());
    const alert = stored.find((entry) => entry.dedupeKey.includes(':cluster:'))!;
    expect(alert.itemId).toBe(await idOf(hostileTitle));
    expect(alert.link).toBe(`${PUBLIC_URL}/items/${alert.itemId}`);
    expect(alert.subject).toContain('Tin trùng với thông tin sai đã biết');
    expect(alert.body).toContain('Trường bắt buộc học sinh đóng tiền học thêm');
    expect(alert.body).toContain('Tin sai sự thật');
    expect(alert.body).toContain('Phòng GD&ĐT khẳng định không có khoản thu này.');
    // The newest match is not yet clustered: the cursor stops before it.
    const cursor = await getSetting<{ lastId: number }>(database.db, ALERT_CURSOR_KEY, { lastId: -1 });
    expect(cursor.lastId).toBe((await idOf('Tin mới chưa gom nhóm')) - 1);
  });

  it('is idempotent, and a late copy joining the story adds nothing', async () => {
    expect(await raiseClaimAlerts(deps, DEFAULT_ALERT_SETTINGS)).toBe(0);
    const waiting = await idOf('Tin mới chưa gom nhóm');
    const [clusterRow] = await database.db.select({ clusterId: items.clusterId }).from(items).where(eq(items.title, hostileTitle));
    await database.db.update(items).set({ clusterId: clusterRow!.clusterId }).where(eq(items.id, waiting));
    expect(await raiseClaimAlerts(deps, DEFAULT_ALERT_SETTINGS)).toBe(0);
    expect((await getSetting<{ lastId: number }>(database.db, ALERT_CURSOR_KEY, { lastId: -1 })).lastId).toBe(waiting);
  });

  it('shows the alert on the page with the hostile title inert', async () => {
    const response = await request('/alerts', { cookie: cookies.get('leader') });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Tin trùng với thông tin sai đã biết');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // Readers see the list, not the settings.
    expect(html).not.toContain('name="smtpHost"');
  });
});

describe('surges', () => {
  const school = 'Trường Tiểu học Kim Liên';
  const placeSpan: ExplanationSpan = { field: 'body', start: 0, end: school.length, text: school, category: 'relevant', ruleId: `place:${school}`, weight: 2 };
  const feeSpan: ExplanationSpan = { field: 'body', start: 0, end: 7, text: 'học phí', category: 'relevant', ruleId: 'seed:relevant.hoc-phi', weight: 1 };

  beforeAll(async () => {
    const batch: NewItem[] = [];
    const add = (span: ExplanationSpan, daysAgo: number, count: number, label: string) => {
      for (let index = 0; index < count; index += 1) {
        const at = new Date(clock.getTime() - daysAgo * DAY - (index + 1) * 20 * 60 * 1000);
        batch.push(item({ title: `${label} ${daysAgo}/${index}`, at, labels: ['negative', 'relevant'], spans: [span] }));
      }
    };
    // The school: quiet in the previous weeks (0, 1, 0, 1), eight negative items today.
    add(placeSpan, 0, 8, 'Phụ huynh phản ánh trường');
    add(placeSpan, 7, 0, 'x');
    add(placeSpan, 14, 1, 'Phản ánh trường tuần trước');
    add(placeSpan, 28, 1, 'Phản ánh trường tháng trước');
    // Fees: a busy topic every week (10, 11, 10, 11), 14 today: a busy day, not an alarm.
    add(feeSpan, 0, 14, 'Học phí hôm nay');
    add(feeSpan, 7, 10, 'Học phí tuần 1');
    add(feeSpan, 14, 11, 'Học phí tuần 2');
    add(feeSpan, 21, 10, 'Học phí tuần 3');
    add(feeSpan, 28, 11, 'Học phí tuần 4');
    // Positive items about the school do not count.
    for (let index = 0; index < 6; index += 1) {
      batch.push(item({ title: `Tin vui về trường ${index}`, at: new Date(clock.getTime() - HOUR), labels: ['positive', 'relevant'], spans: [placeSpan] }));
    }
    await insertNewItems(database.db, batch);
  });

  it('raises a surge for the school and none for the busy but usual topic', async () => {
    expect(await raiseSurgeAlerts(deps, DEFAULT_ALERT_SETTINGS)).toBe(1);
    const [surge] = (await listAlerts(database.db)).filter((alert) => alert.kind === 'surge');
    expect(surge!.dedupeKey).toBe(`surge:place:${school}:2026-11-20`);
    expect(surge!.subject).toContain(school);
    expect(surge!.subject).toContain('8');
    expect(surge!.body).toContain('0, 1, 0, 1');
    expect(surge!.link).toBe(`${PUBLIC_URL}/items?status=all&q=${encodeURIComponent(school)}`);
  });

  it('raises it once a day, and the fee topic only when it leaves its usual range', async () => {
    expect(await raiseSurgeAlerts(deps, DEFAULT_ALERT_SETTINGS)).toBe(0);
    const batch: NewItem[] = [];
    for (let index = 0; index < 8; index += 1) {
      batch.push(item({ title: `Học phí tăng vọt ${index}`, at: new Date(clock.getTime() - (index + 1) * 60 * 1000), labels: ['negative'], spans: [feeSpan] }));
    }
    await insertNewItems(database.db, batch);
    // 22 today against 10, 11, 10, 11: above the threshold of 21.
    expect(await raiseSurgeAlerts(deps, DEFAULT_ALERT_SETTINGS)).toBe(1);
    const keys = (await listAlerts(database.db)).filter((alert) => alert.kind === 'surge').map((alert) => alert.dedupeKey);
    expect(keys).toContain('surge:seed:relevant.hoc-phi:2026-11-20');
  });

  it('follows the admin thresholds', async () => {
    const strict = { ...DEFAULT_ALERT_SETTINGS, surgeMinCount: 50 };
    clock = new Date(clock.getTime() + DAY / 2);
    expect(await raiseSurgeAlerts(deps, strict)).toBe(0);
  });
});

describe('morning digest', () => {
  it('raises nothing before the digest hour, then one digest a day with counts, overdue and top items', async () => {
    // 06:30 in Hà Nội on 21/11.
    clock = new Date('2026-11-20T23:30:00Z');
    expect(await raiseDigest(deps, DEFAULT_ALERT_SETTINGS)).toBe(0);
    await insertNewItems(database.db, [
      item({ title: 'Tin sai về kỳ thi tuyển sinh', at: new Date(clock.getTime() - HOUR), labels: ['misinformation', 'relevant'], priority: 90 }),
      item({ title: 'Tin vui: học sinh đạt giải', at: new Date(clock.getTime() - HOUR), labels: ['positive', 'relevant'] }),
    ]);
    await database.db.update(items).set({ dueAt: new Date(clock.getTime() - HOUR) }).where(eq(items.title, 'Tin sai về kỳ thi tuyển sinh'));
    clock = new Date('2026-11-21T00:05:00Z'); // 07:05
    expect(await raiseDigest(deps, DEFAULT_ALERT_SETTINGS)).toBe(1);
    expect(await raiseDigest(deps, DEFAULT_ALERT_SETTINGS)).toBe(0);
    const [digest] = (await listAlerts(database.db)).filter((alert) => alert.kind === 'digest');
    expect(digest!.dedupeKey).toBe('digest:2026-11-21');
    expect(digest!.subject).toMatch(/^Bản tin sáng 21\/11\/2026: \d+ tin mới, \d+ tin cần chú ý$/);
    expect(digest!.body).toContain('Dấu hiệu tin sai: ');
    expect(digest!.body).toContain('Tin quá hạn xử lý: 1');
    expect(digest!.body).toContain(`Tin sai về kỳ thi tuyển sinh [Dấu hiệu tin sai] ${PUBLIC_URL}/items/`);
    expect(digest!.link).toBe(`${PUBLIC_URL}/items`);
  });

  it('counts only what arrived since the previous digest, in the chosen language and hour', async () => {
    clock = new Date('2026-11-22T00:30:00Z'); // 07:30 on 22/11
    const english = { ...DEFAULT_ALERT_SETTINGS, locale: 'en' as const, digestHour: 8 };
    expect(await raiseDigest(deps, english)).toBe(0);
    clock = new Date('2026-11-22T01:00:00Z'); // 08:00
    expect(await raiseDigest(deps, english)).toBe(1);
    const [latest] = (await listAlerts(database.db)).filter((alert) => alert.kind === 'digest');
    expect(latest!.subject).toBe('Morning digest 22/11/2026: 0 new items, 0 need attention');
    expect(latest!.body).toContain('Nothing new needs attention.');
  });
});

describe('delivery', () => {
  const pendingIds: number[] = [];

  it('refuses hostile or half-configured settings and stores nothing', async () => {
    const admin = cookies.get('admin');
    const cases: unknown[] = [
      { webhookEnabled: true, webhookUrl: 'javascript:alert(1)' },
      { webhookEnabled: true, webhookUrl: '' },
      { emailEnabled: true, smtpHost: '127.0.0.1', recipients: [] },
      { recipients: ['not-an-address'] },
      { smtpHost: 'mail.example\r\nRCPT TO:<x@evil.example>' },
      { smtpPort: 70000 },
      { digestHour: 24 },
      { surgeSigma: -1 },
      { smtpPassword: 'never-stored' },
    ];
    for (const body of cases) {
      const response = await request('/api/settings/alerts', { method: 'PUT', cookie: admin, json: body });
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    }
    expect(await getSetting(database.db, ALERT_SETTINGS_KEY, null)).toBeNull();
    const staff = await request('/api/settings/alerts', { method: 'PUT', cookie: cookies.get('staff'), json: { digestHour: 6 } });
    expect(staff.status).toBe(403);
  });

  // Delivery refuses these for their literal address (or the user and password in them), whatever
  // DNS says: saving them would only make every alert fail later.
  const UNDELIVERABLE: Array<[string, 'blocked_address' | 'credentials']> = [
    ['http://10.0.0.5/hook', 'blocked_address'],
    ['https://192.168.1.20:8443/canh-bao', 'blocked_address'],
    ['http://169.254.169.254/latest/meta-data', 'blocked_address'],
    ['http://172.16.0.1/', 'blocked_address'],
    // Loopback other than the allowed 127.0.0.1, however it is spelled.
    ['http://127.0.0.2:9000/', 'blocked_address'],
    ['http://2130706434/', 'blocked_address'],
    ['http://0x7f.0.0.3/', 'blocked_address'],
    ['http://[::1]:9000/hook', 'blocked_address'],
    ['http://[fe80::1]/', 'blocked_address'],
    ['http://[fd00::5]/', 'blocked_address'],
    ['http://[::ffff:10.0.0.1]/', 'blocked_address'],
    ['http://localhost:8080/hook', 'blocked_address'],
    ['https://canhbao:mat-khau@hooks.phuong.example/', 'credentials'],
  ];

  /** Forgets settings a failing case stored, so one failure does not spill into the tests after it. */
  const forgetSettings = () => database.db.delete(settingsTable).where(inArray(settingsTable.key, [ALERT_SETTINGS_KEY, ALERT_DELIVER_FROM_KEY]));

  it('refuses a webhook address delivery could never reach, on save, beside the field, storing nothing', async () => {
    const admin = cookies.get('admin');
    try {
      for (const [url, code] of UNDELIVERABLE) {
        for (const body of [{ webhookEnabled: true, webhookUrl: url }, { webhookUrl: url }]) {
          const response = await request('/api/settings/alerts', { method: 'PUT', cookie: admin, json: body });
          expect(response.status, JSON.stringify(body)).toBe(422);
          const error = ((await response.json()) as { error: { code: string; details: Array<{ field: string; code: string }> } }).error;
          expect(error.code).toBe('validation_failed');
          expect(error.details, url).toContainEqual({ field: 'webhookUrl', code });
        }
      }
      expect(await getSetting(database.db, ALERT_SETTINGS_KEY, null)).toBeNull();
    } finally {
      await forgetSettings();
    }
  });

  it('refuses on save exactly what delivery refuses for its address', async () => {
    for (const [url] of UNDELIVERABLE) {
      // The same allow list as the app's alert service: delivery refuses before any connection.
      const sent = postWebhook(url, { test: true }, { allowHosts: deps.delivery.webhookAllowHosts, timeoutMs: 3000 });
      await expect(sent, url).rejects.toBeInstanceOf(DeliveryError);
      await expect(sent, url).rejects.toThrow(/non-public address|credentials/);
    }
    // Allowed for delivery (ALERT_WEBHOOK_ALLOW_HOSTS), allowed on save; without the allow list, refused on save too.
    const strict = createTestApp(database, { alerts: createAlertService({ ...deps, delivery: { ...deps.delivery, webhookAllowHosts: [] } }) });
    try {
      const admin = await strict.signIn('admin', 'alerts-strict-admin');
      const refused = await strict.request('/api/settings/alerts', { method: 'PUT', cookie: admin, json: { webhookUrl: receiverUrl } });
      expect(refused.status).toBe(422);
      expect(((await refused.json()) as { error: { details: unknown[] } }).error.details).toContainEqual({ field: 'webhookUrl', code: 'blocked_address' });
      await expect(postWebhook(receiverUrl, {}, { allowHosts: [], timeoutMs: 3000 })).rejects.toThrow(/non-public address/);
      expect(await getSetting(database.db, ALERT_SETTINGS_KEY, null)).toBeNull();
    } finally {
      await strict.close();
      await forgetSettings();
    }
  });

  it('turns both channels on; alerts raised while nothing was on stay on the page only', async () => {
    clock = new Date('2026-11-23T02:00:00Z');
    await smtp.stop();
    const response = await request('/api/settings/alerts', {
      method: 'PUT',
      cookie: cookies.get('admin'),
      json: {
        emailEnabled: true,
        smtpHost: '127.0.0.1',
        smtpPort: smtp.port,
        smtpUser: 'canhbao',
        emailFrom: 'canhbao@phuong.example',
        // The same mailbox three times, in two spellings: kept once, or every alert would arrive three times.
        recipients: ['vanhoa@phuong.example', 'vanhoa@phuong.example', 'VANHOA@phuong.example'],
        webhookEnabled: true,
        webhookUrl: receiverUrl,
      },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.secrets).toEqual({ smtpPassword: true, webhookSecret: false });
    expect(JSON.stringify(body)).not.toContain('smtp-bí-mật');
    expect(await getSetting(database.db, ALERT_DELIVER_FROM_KEY, null)).toBe(clock.toISOString());
    const got = await request('/api/settings/alerts', { cookie: cookies.get('admin') });
    expect(((await got.json()) as { recipients: string[] }).recipients).toEqual(['vanhoa@phuong.example']);
    expect((await request('/api/settings/alerts', { cookie: cookies.get('leader') })).status).toBe(403);
  });

  it('keeps alerts pending while the mail server is down, retries with backoff, and loses nothing once it is back', async () => {
    for (let index = 0; index < 3; index += 1) {
      const alert = await insertAlert(database.db, {
        kind: 'claim_match',
        dedupeKey: `test:delivery:${index}`,
        itemId: null,
        subject: `Cảnh báo số ${index}`,
        body: `Nội dung cảnh báo ${index}`,
        link: `${PUBLIC_URL}/items`,
        createdAt: new Date(clock.getTime() + index),
      });
      pendingIds.push(alert!.id);
    }
    clock = new Date(clock.getTime() + 1000);
    expect(await deliverPendingAlerts(deps)).toEqual({ delivered: 0, failed: 1 });
    const [first] = await database.db.select().from(alertsTable).where(eq(alertsTable.id, pendingIds[0]!));
    expect(first!.deliveredAt).toBeNull();
    expect(first!.attempts).toBe(1);
    expect(first!.lastError).toMatch(/^email: /);
    expect(first!.lastError).not.toContain('webhook');
    expect(hooks.map((hook) => JSON.parse(hook.body).id)).toEqual([pendingIds[0]]);

    // Within the backoff nothing is tried again.
    expect(await deliverPendingAlerts(deps)).toEqual({ delivered: 0, failed: 0 });
    clock = new Date(clock.getTime() + 31_000);
    expect(await deliverPendingAlerts(deps)).toEqual({ delivered: 0, failed: 1 });
    const [again] = await database.db.select().from(alertsTable).where(eq(alertsTable.id, pendingIds[0]!));
    expect(again!.attempts).toBe(2);
    // The webhook took it the first time: only the e-mail is retried.
    expect(hooks.length).toBe(1);

    await smtp.start();
    clock = new Date(clock.getTime() + 61_000);
    expect(await deliverPendingAlerts(deps)).toEqual({ delivered: 3, failed: 0 });
    expect(smtp.messages.map((mail) => /^Message-ID: <duluan-alert-(\d+)@/im.exec(mail.data)?.[1]).map(Number)).toEqual(pendingIds);
    expect(hooks.map((hook) => JSON.parse(hook.body).id)).toEqual(pendingIds);
    const hook = JSON.parse(hooks[1]!.body) as Record<string, unknown>;
    expect(hook).toMatchObject({ kind: 'claim_match', subject: 'Cảnh báo số 1', body: 'Nội dung cảnh báo 1', link: `${PUBLIC_URL}/items`, itemId: null });
    expect(Object.keys(hook).sort()).toEqual(['body', 'createdAt', 'id', 'itemId', 'kind', 'link', 'subject']);
    expect(smtp.messages[0]!.auth).toEqual({ username: 'canhbao', password: 'smtp-bí-mật' });

    // Nothing is sent twice, and what was raised before a channel was on was never sent.
    expect(await deliverPendingAlerts(deps)).toEqual({ delivered: 0, failed: 0 });
    const pending = (await listAlerts(database.db)).filter((alert) => !alert.deliveredAt);
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((alert) => alert.createdAt < new Date('2026-11-23T02:00:00Z'))).toBe(true);
  });

  it('sends each alert once when two passes run at the same time', async () => {
    const before = smtp.messages.length;
    for (let index = 0; index < 2; index += 1) {
      await insertAlert(database.db, {
        kind: 'surge',
        dedupeKey: `test:parallel:${index}`,
        itemId: null,
        subject: `Song song ${index}`,
        body: 'x',
        link: `${PUBLIC_URL}/items`,
        createdAt: clock,
      });
    }
    const results = await Promise.all([deliverPendingAlerts(deps), deliverPendingAlerts(deps)]);
    expect(results[0]!.delivered + results[1]!.delivered).toBe(2);
    expect(smtp.messages.length).toBe(before + 2);
  });

  it('runs a whole pass (raise + deliver) and reports the counts', async () => {
    clock = new Date('2026-11-24T01:00:00Z'); // 08:00 on 24/11: a new digest is due
    const result = await runAlerts(deps);
    expect(result.raised.digest).toBe(1);
    expect(result.delivered).toBe(1);
    expect(result.failed).toBe(0);
    expect(smtp.messages.at(-1)!.data).toMatch(/Subject: =\?UTF-8\?/);
  });

  it('sends a test alert through every channel (admin only)', async () => {
    const mails = smtp.messages.length;
    const hooksBefore = hooks.length;
    expect((await request('/api/alerts/test', { cookie: cookies.get('staff'), json: {} })).status).toBe(403);
    const response = await request('/api/alerts/test', { cookie: cookies.get('admin'), json: {} });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, email: { ok: true }, webhook: { ok: true, status: 200 } });
    expect(smtp.messages.length).toBe(mails + 1);
    expect(hooks.length).toBe(hooksBefore + 1);
    expect(JSON.parse(hooks.at(-1)!.body).kind).toBe('test');
    // The test is not stored as an alert.
    expect((await listAlerts(database.db)).some((alert) => (alert.kind as string) === 'test')).toBe(false);
  });
});

describe('API and page', () => {
  it('lists recent alerts with their delivery state for readers, not for MTTQ', async () => {
    const response = await request('/api/alerts?limit=500', { cookie: cookies.get('leader') });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { alerts: Array<{ state: string; kind: string }>; pending: number };
    expect(body.alerts.some((alert) => alert.state === 'delivered')).toBe(true);
    expect(body.alerts.some((alert) => alert.state === 'pending')).toBe(true);
    expect(body.pending).toBeGreaterThan(0);
    expect((await request('/api/alerts', { cookie: cookies.get('mttq') })).status).toBe(403);
    expect((await request('/api/alerts')).status).toBe(401);
    expect((await request('/api/alerts?limit=0', { cookie: cookies.get('staff') })).status).toBe(422);
  });

  it('lets the admin change the settings with the page form, keeping the input when it is refused', async () => {
    const admin = cookies.get('admin');
    const page = await request('/alerts', { cookie: admin });
    const html = await page.text();
    expect(html).toContain('name="smtpHost"');
    expect(html).toContain('SMTP_PASSWORD');
    expect(html).not.toContain('smtp-bí-mật');
    const form = (values: Record<string, string>) =>
      request('/alerts/settings', { method: 'POST', cookie: admin, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(values).toString() });
    const base = {
      emailEnabled: 'true',
      smtpHost: '127.0.0.1',
      smtpPort: String(smtp.port),
      smtpUser: 'canhbao',
      emailFrom: 'canhbao@phuong.example',
      recipients: 'vanhoa@phuong.example\nlanhdao@phuong.example',
      webhookUrl: '',
      digestHour: '6',
      surgeMinCount: '7',
      surgeSigma: '2.5',
      locale: 'vi',
    };
    const refused = await form({ ...base, recipients: 'vanhoa@phuong.example\nkhông-phải-địa-chỉ' });
    expect(refused.status).toBe(422);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain('không-phải-địa-chỉ');
    expect(refusedHtml).toContain('alerts-recipients-error');
    const saved = await form(base);
    expect(saved.status).toBe(303);
    const stored = await getSetting<Record<string, unknown>>(database.db, ALERT_SETTINGS_KEY, {});
    expect(stored).toMatchObject({ digestHour: 6, surgeMinCount: 7, surgeSigma: 2.5, webhookEnabled: false, recipients: ['vanhoa@phuong.example', 'lanhdao@phuong.example'] });
    const test = await request('/alerts/test', { method: 'POST', cookie: admin, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(test.status).toBe(200);
    expect(await test.text()).toContain('Đã gửi cảnh báo thử');
    expect((await request('/alerts/settings', { method: 'POST', cookie: cookies.get('leader'), headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' })).status).toBe(403);
  });

  it('shows why a private webhook address is refused beside its field, keeping the input; host names are not looked up', async () => {
    const admin = cookies.get('admin');
    const storedBefore = await getSetting<Record<string, unknown>>(database.db, ALERT_SETTINGS_KEY, {});
    const fields = {
      emailEnabled: 'true',
      smtpHost: '127.0.0.1',
      smtpPort: String(smtp.port),
      smtpUser: 'canhbao',
      emailFrom: 'canhbao@phuong.example',
      recipients: 'vanhoa@phuong.example',
      webhookEnabled: 'true',
      webhookUrl: 'http://192.168.1.20/hook?kênh=giáo-dục',
      digestHour: '6',
      surgeMinCount: '7',
      surgeSigma: '2.5',
      locale: 'vi',
    };
    const refused = await request('/alerts/settings', {
      method: 'POST',
      cookie: admin,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(html).toContain('value="http://192.168.1.20/hook?kênh=giáo-dục"');
    expect(html).toMatch(/<input id="alerts-webhookUrl"[^>]*aria-invalid="true"[^>]*aria-describedby="alerts-webhookUrl-error"/);
    expect(html).toContain(`<p class="field-error" id="alerts-webhookUrl-error">${t('vi', 'alerts.error.webhookUrl.blocked_address')}</p>`);
    expect(html).toContain(t('vi', 'alerts.invalid'));
    expect(await getSetting(database.db, ALERT_SETTINGS_KEY, {})).toEqual(storedBefore);

    const english = await request('/alerts/settings?lang=en', {
      method: 'POST',
      cookie: admin,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, webhookUrl: 'https://ops:secret@hooks.phuong.example/' }).toString(),
    });
    expect(english.status).toBe(422);
    expect(await english.text()).toContain(t('en', 'alerts.error.webhookUrl.credentials'));

    // A host name is judged when sending (its addresses may change), not on save: no DNS lookup here.
    for (const webhookUrl of ['https://hooks.phuong.example/canh-bao', 'http://8.8.8.8/hook']) {
      const saved = await request('/api/settings/alerts', { method: 'PUT', cookie: admin, json: { webhookUrl } });
      expect(saved.status, webhookUrl).toBe(200);
    }
    const restored = await request('/api/settings/alerts', { method: 'PUT', cookie: admin, json: { webhookUrl: storedBefore.webhookUrl } });
    expect(restored.status).toBe(200);
  });

  it('shows the page in English with ?lang=en', async () => {
    const response = await request('/alerts?lang=en', { cookie: cookies.get('staff') });
    expect(await response.text()).toContain('<h1>Alerts</h1>');
    // The alerts' language choice is named from the catalogue, in the page's language.
    const settings = await (await request('/alerts?lang=en', { cookie: cookies.get('admin') })).text();
    expect(settings).toContain('Vietnamese (Tiếng Việt)');
    expect(await (await request('/alerts', { cookie: cookies.get('admin') })).text()).toContain('Tiếng Anh (English)');
  });

  it('explains a failed test send in Vietnamese, the sender\'s own words folded under “Chi tiết kỹ thuật”', async () => {
    const admin = cookies.get('admin');
    const storedBefore = await getSetting<Record<string, unknown>>(database.db, ALERT_SETTINGS_KEY, {});
    const closed = await freePort();
    const sendTest = async (lang = '') => {
      const response = await request(`/alerts/test${lang}`, { method: 'POST', cookie: admin, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
      expect(response.status).toBe(200);
      const html = await response.text();
      const report = /<div class="alert alert-error" role="status">[\s\S]*?<\/ul>\s*<\/div>/.exec(html)?.[0] ?? '';
      expect(report, 'failed test report').not.toBe('');
      // What is said outside the folded details: no error codes, no English.
      const visible = report.replace(/<details\b[\s\S]*?<\/details>/g, '');
      return { report, visible };
    };
    try {
      const saved = await request('/api/settings/alerts', {
        method: 'PUT',
        cookie: admin,
        json: { emailEnabled: true, smtpHost: 'smtp.khong-ton-tai.invalid', smtpPort: 25, recipients: ['vanhoa@phuong.example'], webhookEnabled: true, webhookUrl: `http://127.0.0.1:${closed}/hook` },
      });
      expect(saved.status).toBe(200);
      const first = await sendTest();
      expect(first.visible).toContain('Thư điện tử: Không tìm thấy máy chủ thư smtp.khong-ton-tai.invalid');
      expect(first.visible).toContain(`Máy chủ webhook 127.0.0.1:${closed} từ chối kết nối`);
      expect(first.visible).not.toMatch(/ENOTFOUND|EDNS|ECONNREFUSED|getaddrinfo/);
      expect(first.report).toMatch(/<details class="error-detail"><summary>Chi tiết kỹ thuật<\/summary><code class="error-message">[^<]*ENOTFOUND smtp\.khong-ton-tai\.invalid/);
      expect(first.report).toMatch(/<summary>Chi tiết kỹ thuật<\/summary><code class="error-message">[^<]*ECONNREFUSED/);
      // The JSON answer says how each channel failed, beside the sender's own words.
      const json = (await (await request('/api/alerts/test', { cookie: admin, json: {} })).json()) as Record<string, { reason?: string; error?: string }>;
      expect(json.email).toMatchObject({ ok: false, reason: 'dns' });
      expect(json.email!.error).toContain('ENOTFOUND');
      expect(json.webhook).toMatchObject({ ok: false, reason: 'refused' });

      // The webhook answering an error status is said with the status.
      await request('/api/settings/alerts', { method: 'PUT', cookie: admin, json: { emailEnabled: false, webhookUrl: receiverUrl } });
      receiver.status = 404;
      const second = await sendTest();
      expect(second.visible).toContain('Máy chủ webhook 127.0.0.1:');
      expect(second.visible).toContain('trả về mã lỗi HTTP 404');
      expect(second.visible).not.toContain('answered');
      const english = await sendTest('?lang=en');
      expect(english.visible).toContain('answered HTTP error 404');
      expect(english.report).toContain('<summary>Technical detail</summary>');
    } finally {
      receiver.status = 200;
      await putSetting(database.db, ALERT_SETTINGS_KEY, storedBefore);
    }
  });

  it('says which settings only the server operator can make, naming them', async () => {
    const html = await (await request('/alerts', { cookie: cookies.get('admin') })).text();
    for (const name of ['SMTP_PASSWORD', 'ALERT_WEBHOOK_SECRET', 'ALERT_WEBHOOK_ALLOW_HOSTS']) expect(html, name).toContain(name);
    // This app has the SMTP password and no webhook secret.
    expect(html).toContain('người vận hành máy chủ đã đặt nó (biến SMTP_PASSWORD)');
    expect(html).toContain('người vận hành máy chủ cần đặt ALERT_WEBHOOK_SECRET');
    expect(html).toContain('người vận hành máy chủ cần thêm máy đó vào ALERT_WEBHOOK_ALLOW_HOSTS');
    expect(html).not.toContain('biến môi trường');
  });

  it('sends a reload or bookmark of the test-send address back to the page, sending nothing', async () => {
    const mails = smtp.messages.length;
    const hooksBefore = hooks.length;
    const response = await request('/alerts/test', { cookie: cookies.get('admin') });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/alerts');
    expect(smtp.messages.length).toBe(mails);
    expect(hooks.length).toBe(hooksBefore);
  });

  it('documents its routes in OpenAPI', async () => {
    const document = (await (await request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(document.paths['/api/alerts']?.get).toBeDefined();
    expect(document.paths['/api/alerts/test']?.post).toBeDefined();
    expect(document.paths['/api/settings/alerts']?.put).toBeDefined();
  });

  it('puts the page in the navigation for readers', async () => {
    const html = await (await request('/items', { cookie: cookies.get('leader') })).text();
    expect(html).toContain('href="/alerts"');
  });
});

const redisUrl = testRedisUrl();

describe.runIf(redisUrl)('alerts on BullMQ', () => {
  it('schedules the alerts job, and a worker raises and delivers with it', async () => {
    const prefix = `duluan-test-${randomBytes(4).toString('hex')}`;
    await database.db.update(sources).set({ enabled: false });
    const pipeline: PipelineDeps = {
      db: database.db,
      classifiers: { get: async () => ({ version: 'test', classify: () => ({ labels: [], scores: {}, spans: [], version: 'test' }) }) },
      fetch: { allowHosts: ['127.0.0.1'], timeoutMs: 3000, maxBytes: 1024 * 1024 },
    };
    const runner = createBullmqRunner({ redisUrl: redisUrl!, deps: pipeline, prefix });
    const queue = new Queue(REFRESH_QUEUE, { connection: { url: redisUrl! }, prefix });
    const worker = startRefreshWorker({ redisUrl: redisUrl!, deps: pipeline, alerts: deps, prefix, concurrency: 1 });
    try {
      const alert = await insertAlert(database.db, {
        kind: 'surge',
        dedupeKey: 'test:bullmq',
        itemId: null,
        subject: 'Qua hàng đợi BullMQ',
        body: 'x',
        link: `${PUBLIC_URL}/items`,
        createdAt: clock,
      });
      await runner.start();
      expect((await queue.getJobSchedulers()).map((scheduler) => scheduler.key)).toContain('alerts');
      const deadline = Date.now() + 15_000;
      let deliveredAt: Date | null = null;
      while (!deliveredAt && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        [{ deliveredAt }] = (await database.db.select({ deliveredAt: alertsTable.deliveredAt }).from(alertsTable).where(eq(alertsTable.id, alert!.id))) as [{ deliveredAt: Date | null }];
      }
      expect(deliveredAt).not.toBeNull();
      // The page form turned the webhook off: e-mail only.
      expect(smtp.messages.at(-1)!.data).toContain(`<duluan-alert-${alert!.id}@duluan.phuong.example>`);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      await runner.close();
    }
  });
});
