// The Monday snapshot is sent where the alert settings say: an e-mail with the official .docx
// attached, and a webhook with the summary; nothing is sent (and nothing marked delivered) while no
// channel is on, and a failed channel is recorded on the snapshot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getWeeklySnapshot } from '../../src/db/queries/weekly-report.ts';
import { putSetting } from '../../src/db/queries/settings.ts';
import { ALERT_SETTINGS_KEY } from '../../src/domain/alert.ts';
import { parseIsoWeek } from '../../src/domain/iso-week.ts';
import { generateWeeklySnapshot, weeklyDelivery } from '../../src/jobs/weekly-snapshot.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { startWebhookReceiver, type TestWebhookReceiver } from '../helpers/webhook-receiver.ts';

let database: TestDatabase;
let smtp: TestSmtpServer;
let receiver: TestWebhookReceiver;
let receiverUrl: string;
let hooks: TestWebhookReceiver['received'];
const NOW = new Date('2026-11-30T01:00:00Z'); // Monday 08:00 in Asia/Ho_Chi_Minh

beforeAll(async () => {
  database = await createTestDatabase();
  smtp = await startSmtpServer();
  receiver = await startWebhookReceiver();
  receiverUrl = receiver.url;
  hooks = receiver.received;
});
afterAll(async () => {
  await smtp?.stop();
  await receiver?.stop();
  await database?.close();
});

const deps = () => ({
  db: database.db,
  publicUrl: 'https://duluan.example.vn',
  delivery: { webhookAllowHosts: ['127.0.0.1'], timeoutMs: 3000 },
});

describe('weekly report delivery', () => {
  it('sends nothing and records no delivery while no channel is switched on', async () => {
    const result = await generateWeeklySnapshot(database.db, parseIsoWeek('2026-W46'), { now: NOW, deliver: weeklyDelivery(deps()) });
    expect(result).toEqual({ week: '2026-W46', stored: true });
    const stored = await getWeeklySnapshot(database.db, '2026-W46');
    expect(stored?.deliveredAt).toBeNull();
    expect(smtp.messages).toHaveLength(0);
  });

  it('e-mails the .docx and posts the summary once the channels are on, and records the delivery', async () => {
    await putSetting(database.db, ALERT_SETTINGS_KEY, {
      emailEnabled: true,
      smtpHost: '127.0.0.1',
      smtpPort: smtp.port,
      smtpSecure: false,
      emailFrom: 'duluan@phuong.example.vn',
      recipients: ['chutich@phuong.example.vn'],
      webhookEnabled: true,
      webhookUrl: receiverUrl,
    });
    const result = await generateWeeklySnapshot(database.db, parseIsoWeek('2026-W47'), { now: NOW, deliver: weeklyDelivery(deps()) });
    expect(result).toEqual({ week: '2026-W47', stored: true, delivered: true });
    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0]!;
    expect(mail.to).toEqual(['chutich@phuong.example.vn']);
    expect(mail.data).toContain('bao-cao-tuan-2026-W47.docx');
    expect(mail.data).toContain('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    // The text part is quoted-printable (Vietnamese): undo soft breaks and =XX escapes to read it.
    const decoded = mail.data.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    expect(decoded).toContain('https://duluan.example.vn/reports/weekly?week=2026-W47');
    expect(hooks).toHaveLength(1);
    const hook = JSON.parse(hooks[0]!.body) as { kind: string; week: string; summary: { week: string; empty: boolean } };
    expect(hook).toMatchObject({ kind: 'weekly_report', week: '2026-W47', summary: { week: '2026-W47', empty: true } });
    expect((await getWeeklySnapshot(database.db, '2026-W47'))?.deliveredAt).toBeInstanceOf(Date);
  });

  it('records a failed channel on the snapshot and keeps the snapshot', async () => {
    await smtp.stop();
    try {
      const result = await generateWeeklySnapshot(database.db, parseIsoWeek('2026-W48'), { now: NOW, deliver: weeklyDelivery(deps()) });
      expect(result).toEqual({ week: '2026-W48', stored: true, delivered: false });
      const stored = await getWeeklySnapshot(database.db, '2026-W48');
      expect(stored?.deliveredAt).toBeNull();
      expect(stored?.deliveryError).toMatch(/^email: /);
      expect(stored?.summary).toMatchObject({ week: '2026-W48' });
    } finally {
      await smtp.start();
    }
  });
});
