// Serves the dashboard's static files from memory: a fixed list, read once.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { AppEnv } from './context.ts';

const STATIC_DIR = new URL('../../dashboard/static/', import.meta.url);
const FILES: Record<string, string> = {
  'app.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
};

/** Returns the /static/* routes. */
export function staticRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const bodies = new Map<string, Buffer>();
  for (const name of Object.keys(FILES)) bodies.set(name, readFileSync(fileURLToPath(new URL(name, STATIC_DIR))));
  // Browsers ask for it on every page; no icon, and no 404 in their console.
  routes.get('/favicon.ico', (c) => c.body(null, 204, { 'cache-control': 'public, max-age=86400' }));
  routes.get('/static/:name', (c) => {
    const name = c.req.param('name');
    const body = bodies.get(name);
    const type = FILES[name];
    if (!body || !type) return c.notFound();
    return c.body(new Uint8Array(body), 200, { 'content-type': type, 'cache-control': 'public, max-age=300' });
  });
  return routes;
}
