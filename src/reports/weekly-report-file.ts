// One weekly report as a file in the format asked for: the summary (JSON, .docx) or the week's items (CSV, XLSX).
import { t } from '../../dashboard/i18n/messages.ts';
import type { Db } from '../db/client.ts';
import { getSetting } from '../db/queries/settings.ts';
import { listWeekItems } from '../db/queries/weekly-report.ts';
import type { IsoWeek } from '../domain/iso-week.ts';
import { DEFAULT_REPORT_SETTINGS, REPORT_SETTING, withDefaultReportSettings, type ReportSettings } from '../domain/report-settings.ts';
import type { ExportLanguage } from './export-text.ts';
import { writeWeeklyCsv } from './weekly-csv.ts';
import { writeWeeklyDocx } from './weekly-docx.ts';
import { readWeeklySummary } from './weekly-summary.ts';
import { writeWeeklyXlsx } from './weekly-xlsx.ts';

/** The formats a weekly report can be written in. */
export const WEEKLY_REPORT_FORMATS = ['docx', 'csv', 'xlsx', 'json'] as const;
export type WeeklyReportFormat = (typeof WEEKLY_REPORT_FORMATS)[number];

/** Returns true when `value` names a weekly report format. */
export function isWeeklyReportFormat(value: string): value is WeeklyReportFormat {
  return (WEEKLY_REPORT_FORMATS as readonly string[]).includes(value);
}

/**
 * Returns the bytes of the week's report in the format: JSON and .docx from the snapshot (else computed
 * now), CSV/XLSX of the items as they are now, for people in `language` (Vietnamese by default) or raw.
 */
export async function renderWeeklyReport(
  db: Db,
  week: IsoWeek,
  format: WeeklyReportFormat,
  now: Date,
  language: ExportLanguage = 'vi',
): Promise<Buffer> {
  if (format === 'csv') return Buffer.from(writeWeeklyCsv(await listWeekItems(db, week), language), 'utf8');
  if (format === 'xlsx') return writeWeeklyXlsx(week.label, await listWeekItems(db, week), language);
  const { summary, snapshot } = await readWeeklySummary(db, week, now);
  if (format === 'json') return Buffer.from(`${JSON.stringify({ ...summary, snapshot }, null, 2)}\n`, 'utf8');
  return writeWeeklyDocx(summary, await loadReportSettings(db));
}

/** Returns the official report's header details as stored, completed with the defaults. */
export async function loadReportSettings(db: Db): Promise<ReportSettings> {
  return withDefaultReportSettings(await getSetting(db, REPORT_SETTING, DEFAULT_REPORT_SETTINGS));
}

/** Returns the subject of the e-mail that sends the week's report (Vietnamese, like the .docx it carries). */
export function weeklyEmailSubject(week: string): string {
  return t('vi', 'weekly.email.subject', { week });
}
