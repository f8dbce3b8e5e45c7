// The weekly summary for leadership: JSON, CSV/XLSX of the week's items, the official .docx, the
// page, an administrator's regeneration of the stored snapshot, and the report's header details.
import { Hono } from 'hono';
import { z } from 'zod';
import { REPORT_SETTING_FIELDS, ReportSettingsPage, type ReportSettingField } from '../../dashboard/views/report-settings-page.tsx';
import { WeeklyReportPage } from '../../dashboard/views/weekly-report-page.tsx';
import { apiErrorText } from '../../dashboard/i18n/messages.ts';
import { putSetting } from '../db/queries/settings.ts';
import { replaceWeeklySnapshot } from '../db/queries/weekly-report.ts';
import { IsoWeekError, assertWeekStarted, lastCompleteIsoWeek, parseIsoWeek, type IsoWeek } from '../domain/iso-week.ts';
import { REPORT_SETTING } from '../domain/report-settings.ts';
import { READ_ITEM_ROLES } from '../domain/user.ts';
import { DOCX_TYPE } from '../reports/weekly-docx.ts';
import { loadReportSettings, renderWeeklyReport } from '../reports/weekly-report-file.ts';
import { lastCollectedInWeek } from '../reports/weekly-freshness.ts';
import { computeWeeklySummary, readWeeklySummary } from '../reports/weekly-summary.ts';
import type { WeeklySummary } from '../domain/weekly-summary.ts';
import { type AppContext, type AppEnv, requireRole } from './context.ts';
import { ApiError } from './errors.ts';
import { downloadLanguage } from './events-csv.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The media type of each downloadable file, by format. */
const DOWNLOAD_TYPES = { csv: 'text/csv; charset=utf-8', xlsx: XLSX_TYPE, docx: DOCX_TYPE } as const;

// One line of text: NFC, trimmed, no control characters (they would break the document).
const line = (max: number) =>
  z
    .string()
    .max(max)
    .transform((value) => value.normalize('NFC').trim())
    .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), 'control characters are not allowed');

/** The official report's header details, as an administrator sets them. */
export const ReportSettingsBody = z
  .object({
    wardName: line(100).refine((value) => value !== '', 'required'),
    place: line(100).refine((value) => value !== '', 'required'),
    recipients: z.array(line(200).refine((value) => value !== '', 'required')).max(20),
    signerTitle: line(100).refine((value) => value !== '', 'required'),
    signerName: line(100),
  })
  .strict();

function nowOf(c: AppContext): Date {
  return c.get('deps').now?.() ?? new Date();
}

/** Returns the week asked for (default: the last complete week); throws ApiError 400/422 for a malformed or future week. */
function weekOf(c: AppContext, text: string | undefined): IsoWeek {
  const now = nowOf(c);
  if (text === undefined || text.trim() === '') return lastCompleteIsoWeek(now);
  try {
    return assertWeekStarted(parseIsoWeek(text), now);
  } catch (error) {
    if (error instanceof IsoWeekError) {
      throw new ApiError(error.code === 'week_in_future' ? 422 : 400, error.code, { week: text.slice(0, 40), reason: error.message });
    }
    throw error;
  }
}

function download(c: AppContext, body: string | Buffer, type: string, filename: string): Response {
  c.header('content-type', type);
  c.header('content-disposition', `attachment; filename="${filename}"`);
  c.header('cache-control', 'no-store');
  return c.body(typeof body === 'string' ? body : new Uint8Array(body));
}

/** Returns the past week's summary computed now, stored in place of its snapshot; throws ApiError for a bad, future or running week. */
async function regenerate(c: AppContext, text: string): Promise<WeeklySummary> {
  const week = weekOf(c, text);
  const now = nowOf(c);
  if (week.to.getTime() > now.getTime()) throw new ApiError(422, 'week_not_over', { week: week.label });
  const summary = await computeWeeklySummary(c.get('deps').db, week, now);
  await replaceWeeklySnapshot(c.get('deps').db, week.label, summary, now);
  return summary;
}

/** Returns the weekly report routes (admin, staff and leaders read; administrators regenerate and set the header). */
export function reportRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const readers = requireRole(...READ_ITEM_ROLES);

  routes.get('/api/reports/weekly', readers, async (c) => {
    const week = weekOf(c, c.req.query('week'));
    // The narrative in the request's language (`?lang=`, else the language cookie, else Vietnamese), as error messages are.
    const { summary, snapshot } = await readWeeklySummary(c.get('deps').db, week, nowOf(c), c.get('locale'));
    return c.json({ ...summary, snapshot });
  });

  // CSV and XLSX: the items as they are now (the export is for working on them, not a frozen record),
  // for people in the request's language, or machine-readable with `?format=raw`;
  // .docx: the stored snapshot (else computed now) with the report's header details.
  for (const format of ['csv', 'xlsx', 'docx'] as const) {
    routes.get(`/api/reports/weekly.${format}`, readers, async (c) => {
      const week = weekOf(c, c.req.query('week'));
      const language = format === 'docx' ? 'vi' : downloadLanguage(c);
      const body = await renderWeeklyReport(c.get('deps').db, week, format, nowOf(c), language);
      return download(c, body, DOWNLOAD_TYPES[format], `bao-cao-tuan-${week.label}.${format}`);
    });
  }

  // Replaces the stored snapshot of a past week with one computed now (after a correction, say).
  routes.post('/api/reports/weekly/:week/regenerate', requireRole('admin'), async (c) => {
    const summary = await regenerate(c, c.req.param('week'));
    return c.json({ ...summary, snapshot: true });
  });

  // The page's "Tính lại" button: a form post (JSON routes refuse forms), then back to the week.
  routes.post('/reports/weekly/:week/regenerate', requireRole('admin'), async (c) => {
    const summary = await regenerate(c, c.req.param('week'));
    return c.redirect(`/reports/weekly?week=${summary.week}&flash=regenerated`, 303);
  });

  routes.get('/api/settings/report', readers, async (c) =>
    c.json(await loadReportSettings(c.get('deps').db)),
  );

  routes.put('/api/settings/report', requireRole('admin'), async (c) => {
    const parsed = ReportSettingsBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new ApiError(422, 'validation_failed', parsed.error.issues);
    await putSetting(c.get('deps').db, REPORT_SETTING, parsed.data);
    return c.json(parsed.data);
  });

  routes.get('/settings/report', requireRole('admin'), async (c) => {
    const stored = await loadReportSettings(c.get('deps').db);
    return c.html(
      ReportSettingsPage({
        user: c.get('user')!,
        locale: c.get('locale'),
        values: { ...stored, recipients: stored.recipients.join('\n') },
        flash: c.req.query('flash') === 'saved' ? 'saved' : undefined,
      }),
    );
  });

  routes.post('/settings/report', requireRole('admin'), async (c) => {
    const form = await c.req.parseBody();
    const values = Object.fromEntries(
      REPORT_SETTING_FIELDS.map((field) => [field, typeof form[field] === 'string' ? (form[field] as string) : '']),
    ) as Record<ReportSettingField, string>;
    const recipients = values.recipients
      .split(/\r?\n/)
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    const parsed = ReportSettingsBody.safeParse({ ...values, recipients });
    if (!parsed.success) {
      const errors = [...new Set(parsed.error.issues.map((issue) => issue.path[0]))].filter((field): field is ReportSettingField =>
        (REPORT_SETTING_FIELDS as readonly unknown[]).includes(field),
      );
      return c.html(ReportSettingsPage({ user: c.get('user')!, locale: c.get('locale'), values, errors }), 422);
    }
    await putSetting(c.get('deps').db, REPORT_SETTING, parsed.data);
    return c.redirect('/settings/report?flash=saved', 303);
  });

  routes.get('/reports/weekly', readers, async (c) => {
    const locale = c.get('locale');
    const user = c.get('user')!;
    const asked = c.req.query('week') ?? '';
    let week: IsoWeek;
    try {
      week = weekOf(c, asked);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const page = WeeklyReportPage({ locale, user, summary: null, week: asked, error: apiErrorText(locale, error.code), snapshot: false });
      return c.html(page, error.status);
    }
    const db = c.get('deps').db;
    const { summary, snapshot } = await readWeeklySummary(db, week, nowOf(c), locale);
    // A snapshot older than the latest item dated in its week misses what was imported after it.
    const latest = snapshot ? await lastCollectedInWeek(db, week) : null;
    const newerItemAt = latest && latest.getTime() > new Date(summary.generatedAt).getTime() ? latest : undefined;
    const flash = c.req.query('flash') === 'regenerated' ? 'regenerated' : undefined;
    return c.html(WeeklyReportPage({ locale, user, summary, week: week.label, snapshot, newerItemAt, flash }));
  });

  return routes;
}
