// Run-time settings staff tune without a deploy: the response deadlines per severity — JSON and the admin's page.
import { Hono } from 'hono';
import { DEADLINE_FIELDS, DeadlinesPage } from '../../dashboard/views/deadlines-page.tsx';
import { getSetting, putSetting } from '../db/queries/settings.ts';
import { DEADLINES_SETTING, DEFAULT_DEADLINES, withDefaultDeadlines, type Deadlines } from '../domain/deadline.ts';
import { READ_ITEM_ROLES } from '../domain/user.ts';
import { type AppEnv, requireRole } from './context.ts';
import { ApiError } from './errors.ts';
import { DeadlinesBody } from './query-schemas.ts';

/** Returns the form's hours as numbers (whole numbers only; anything else stays unparseable for the schema). */
function hoursOf(value: unknown): number | string {
  return typeof value === 'string' && /^\s*\d{1,6}\s*$/.test(value) ? Number(value) : String(value ?? '');
}

/** Returns the settings routes: GET (readers) and PUT (admin) of the response deadlines, and the admin's page. */
export function settingsRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/api/settings/deadlines', requireRole(...READ_ITEM_ROLES), async (c) =>
    c.json(withDefaultDeadlines(await getSetting(c.get('deps').db, DEADLINES_SETTING, DEFAULT_DEADLINES))),
  );

  // New items get the new deadlines; items already stored keep the due date they were given.
  routes.put('/api/settings/deadlines', requireRole('admin'), async (c) => {
    const parsed = DeadlinesBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new ApiError(422, 'validation_failed', parsed.error.issues);
    await putSetting(c.get('deps').db, DEADLINES_SETTING, parsed.data);
    return c.json(parsed.data);
  });

  routes.get('/settings/deadlines', requireRole('admin'), async (c) => {
    const current = withDefaultDeadlines(await getSetting(c.get('deps').db, DEADLINES_SETTING, DEFAULT_DEADLINES));
    const values = Object.fromEntries(DEADLINE_FIELDS.map((field) => [field, String(current[field])])) as Record<keyof Deadlines, string>;
    return c.html(DeadlinesPage({ user: c.get('user')!, locale: c.get('locale'), values, flash: c.req.query('flash') === 'saved' ? 'saved' : undefined }));
  });

  routes.post('/settings/deadlines', requireRole('admin'), async (c) => {
    const form = await c.req.parseBody();
    const body = Object.fromEntries(DEADLINE_FIELDS.map((field) => [field, hoursOf(form[field])]));
    const parsed = DeadlinesBody.safeParse(body);
    if (!parsed.success) {
      const errors = DEADLINE_FIELDS.filter((field) => parsed.error.issues.some((issue) => issue.path[0] === field));
      const values = Object.fromEntries(
        DEADLINE_FIELDS.map((field) => [field, typeof form[field] === 'string' ? (form[field] as string).slice(0, 20) : '']),
      ) as Record<keyof Deadlines, string>;
      return c.html(DeadlinesPage({ user: c.get('user')!, locale: c.get('locale'), values, errors }), 422);
    }
    await putSetting(c.get('deps').db, DEADLINES_SETTING, parsed.data);
    return c.redirect('/settings/deadlines?flash=saved', 303);
  });
  return routes;
}
