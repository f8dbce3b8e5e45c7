// GET /health: is the database answering, is the job queue reachable.
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppEnv } from './context.ts';

/** Returns the health route; 200 when database and queue answer, else 503. */
export function healthRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.get('/health', async (c) => {
    const deps = c.get('deps');
    let database: { ok: boolean; kind: string; detail?: string };
    try {
      await deps.db.execute(sql`select 1`);
      database = { ok: true, kind: deps.databaseKind };
    } catch (error) {
      database = { ok: false, kind: deps.databaseKind, detail: error instanceof Error ? error.message : String(error) };
    }
    const queue = { kind: deps.jobs.kind, ...(await deps.jobs.health()) };
    const ok = database.ok && queue.ok;
    return c.json({ status: ok ? 'ok' : 'degraded', database, queue }, ok ? 200 : 503);
  });
  return routes;
}
