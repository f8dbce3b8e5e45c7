// The log of refused requests (stale edits, stale sessions, missing rights, ids of things one may
// not see, cross-site requests): JSON and a page for supervisors. Nothing here changes it.
import { Hono } from 'hono';
import { DenialsPage } from '../../dashboard/views/denials-page.tsx';
import { listAccessDenials } from '../db/queries/access-denials.ts';
import { READ_ITEM_ROLES } from '../domain/user.ts';
import { type AppEnv, requireRole } from './context.ts';

export function auditRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const readers = requireRole(...READ_ITEM_ROLES);

  routes.get('/api/audit/denials', readers, async (c) => {
    const denials = await listAccessDenials(c.get('deps').db, { limit: 500 });
    return c.json({ denials: denials.map((denial) => ({ ...denial, at: denial.at.toISOString() })) });
  });

  routes.get('/audit/denials', readers, async (c) =>
    c.html(DenialsPage({ user: c.get('user')!, locale: c.get('locale'), denials: await listAccessDenials(c.get('deps').db, { limit: 500 }) })),
  );
  return routes;
}
