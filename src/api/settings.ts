// Run-time settings staff tune without a deploy: the response deadlines per severity.
import { Hono } from 'hono';
import { getSetting, putSetting } from '../db/queries/settings.ts';
import { DEADLINES_SETTING, DEFAULT_DEADLINES, withDefaultDeadlines } from '../domain/deadline.ts';
import { READ_ITEM_ROLES } from '../domain/user.ts';
import { type AppEnv, requireRole } from './context.ts';
import { ApiError } from './errors.ts';
import { DeadlinesBody } from './query-schemas.ts';

/** Returns the settings routes: GET (readers) and PUT (admin) of the response deadlines. */
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
  return routes;
}
