// Walks every route the app registers × every role (and signed out), and checks each answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertNewItems } from '../../src/db/queries/items.ts';
import { insertSource } from '../../src/db/queries/sources.ts';
import { imports } from '../../src/db/schema.ts';
import type { Role } from '../../src/domain/user.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

type Policy = 'public' | readonly Role[];

const TRIAGE: readonly Role[] = ['admin', 'staff'];
const READERS: readonly Role[] = ['admin', 'staff', 'leader'];
const ADMIN: readonly Role[] = ['admin'];
const FEEDBACK: readonly Role[] = ['mttq', 'admin'];

/**
 * Who may use each route. A route the app registers but this table does not name fails the walk:
 * whoever adds a route decides here who may call it.
 */
const POLICY: Record<string, Policy> = {
  'GET /': 'public',
  'GET /health': 'public',
  'GET /static/:name': 'public',
  'GET /favicon.ico': 'public',
  'GET /api/openapi.json': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': 'public',
  'GET /login': 'public',
  'POST /login': 'public',
  'POST /logout': 'public',

  'GET /api/items': READERS,
  'GET /api/items/:id': READERS,
  'PATCH /api/items/:id': TRIAGE,
  'POST /api/items/bulk': TRIAGE,
  'POST /items/bulk': TRIAGE,
  'GET /api/settings/deadlines': READERS,
  'PUT /api/settings/deadlines': ADMIN,
  'GET /api/items/:id/events': READERS,
  'GET /api/items/:id/events.csv': READERS,
  'GET /api/events.csv': READERS,
  'GET /api/items/:id/responses': READERS,
  'POST /api/items/:id/responses': TRIAGE,
  'GET /api/items/:id/revisions': READERS,
  'GET /items': READERS,
  'GET /items/:id': READERS,
  'POST /items/:id/status': TRIAGE,
  'POST /items/:id/decision': TRIAGE,
  'POST /items/:id/responses': TRIAGE,
  // A refused form's page reloaded: redirected to the item, for whoever may read it.
  'GET /items/:id/status': READERS,
  'GET /items/:id/decision': READERS,
  'GET /items/:id/responses': READERS,
  'GET /items/:id/responses/:responseId/answer': READERS,

  'GET /api/sources': READERS,
  'POST /api/sources': ADMIN,
  'POST /api/sources/:id/fetch': TRIAGE,
  'POST /api/sources/preview': ADMIN,
  'GET /sources': READERS,
  'POST /sources': ADMIN,
  'POST /sources/preview': ADMIN,
  'GET /sources/preview': READERS,
  'POST /sources/:id/fetch': TRIAGE,
  'GET /api/sources/:id': READERS,
  'PATCH /api/sources/:id': ADMIN,
  'GET /sources/:id': ADMIN,
  'POST /sources/:id': ADMIN,
  'POST /sources/:id/preview': ADMIN,
  'POST /sources/:id/enabled': ADMIN,

  'GET /api/rules': READERS,
  'POST /api/rules': TRIAGE,
  'PATCH /api/rules/:id': TRIAGE,
  'GET /api/settings/gazetteer': READERS,
  'PUT /api/settings/gazetteer': TRIAGE,
  'GET /api/reclassification': READERS,
  'GET /rules': READERS,
  'GET /rules/:id': TRIAGE,
  'POST /rules': TRIAGE,
  'POST /rules/:id': TRIAGE,
  'POST /rules/:id/toggle': TRIAGE,
  'POST /settings/gazetteer': TRIAGE,

  'POST /api/rules/dry-run': TRIAGE,
  'POST /rules/dry-run': TRIAGE,
  'GET /rules/dry-run': READERS,
  'POST /api/claims/dry-run': TRIAGE,
  'POST /claims/dry-run': TRIAGE,
  'GET /claims/dry-run': READERS,
  'GET /api/views': READERS,
  'POST /api/views': READERS,
  'DELETE /api/views/:id': READERS,
  'POST /views': READERS,
  'POST /views/:id/delete': READERS,
  'GET /api/response-templates': READERS,
  'POST /api/response-templates': TRIAGE,
  'PATCH /api/response-templates/:id': TRIAGE,
  'GET /templates': READERS,
  'GET /templates/:id': TRIAGE,
  'POST /templates': TRIAGE,
  'POST /templates/:id': TRIAGE,
  'POST /api/items/:id/responses/:responseId/answer': TRIAGE,
  'POST /items/:id/responses/:responseId/answer': TRIAGE,
  'GET /settings/deadlines': ADMIN,
  'POST /settings/deadlines': ADMIN,
  'GET /api/alerts': READERS,
  'POST /api/alerts/test': ADMIN,
  'GET /api/settings/alerts': ADMIN,
  'PUT /api/settings/alerts': ADMIN,
  'GET /alerts': READERS,
  'POST /alerts/settings': ADMIN,
  'POST /alerts/test': ADMIN,
  'GET /alerts/test': READERS,

  'GET /api/claims': READERS,
  'POST /api/claims': TRIAGE,
  'PATCH /api/claims/:id': TRIAGE,
  'GET /claims': READERS,
  'GET /claims/:id': TRIAGE,
  'POST /claims': TRIAGE,
  'POST /claims/:id': TRIAGE,
  'POST /claims/:id/toggle': TRIAGE,

  'POST /api/imports/preview': TRIAGE,
  'POST /api/imports': TRIAGE,
  'GET /api/imports': TRIAGE,
  'GET /api/imports/:id': TRIAGE,
  'GET /imports': TRIAGE,
  'POST /imports/preview': TRIAGE,
  'GET /imports/preview': TRIAGE,
  'POST /imports': TRIAGE,
  'GET /imports/:id': TRIAGE,

  'POST /api/feedback': FEEDBACK,
  'GET /api/feedback/mine': FEEDBACK,
  'GET /feedback': FEEDBACK,
  'GET /feedback/new': FEEDBACK,
  'POST /feedback/new': FEEDBACK,
  'GET /feedback/:id': ['mttq', 'admin', 'staff'],
  'GET /feedback/by-item/:itemId': TRIAGE,
  'GET /api/feedback/:id': ['mttq', 'admin', 'staff'],
  'GET /api/feedback/:id/attachments/:attachmentId': ['mttq', 'admin', 'staff'],
  'GET /api/feedback/export.csv': TRIAGE,
  'GET /api/data-requests': ADMIN,
  'POST /api/data-requests': ADMIN,
  'GET /data-requests': ADMIN,
  'POST /data-requests': ADMIN,
  'GET /api/settings/retention': ADMIN,
  'PUT /api/settings/retention': ADMIN,
  'POST /settings/retention': ADMIN,

  'GET /api/settings/public-form': ADMIN,
  'PUT /api/settings/public-form': ADMIN,
  'GET /settings/public-form': ADMIN,
  'POST /settings/public-form': ADMIN,
  // Answer 404 while the form is closed; the walk opens it so they answer for real.
  'POST /api/public/feedback': 'public',
  'GET /api/public/feedback/:receipt': 'public',
  'GET /public/feedback': 'public',
  'POST /public/feedback': 'public',
  'GET /public/feedback/thanks': 'public',
  'GET /public/feedback/status': 'public',

  'GET /api/reports/weekly': READERS,
  'GET /api/reports/weekly.csv': READERS,
  'GET /api/reports/weekly.xlsx': READERS,
  'GET /api/reports/weekly.docx': READERS,
  'POST /api/reports/weekly/:week/regenerate': ADMIN,
  'POST /reports/weekly/:week/regenerate': ADMIN,
  'GET /api/settings/report': READERS,
  'PUT /api/settings/report': ADMIN,
  'GET /api/audit/denials': READERS,
  'GET /audit/denials': READERS,
  'GET /settings/report': ADMIN,
  'POST /settings/report': ADMIN,
  'GET /reports/weekly': READERS,
  'GET /api/users': ADMIN,
  'POST /api/users': ADMIN,
  'PATCH /api/users/:id': ADMIN,
  'GET /users': ADMIN,
  'POST /users': ADMIN,
  'POST /users/:id/role': ADMIN,
  'POST /users/:id/password': ADMIN,
  'POST /users/:id/disabled': ADMIN,
};

const WALKERS: ReadonlyArray<Role | 'signed-out'> = ['signed-out', 'mttq', 'leader', 'staff', 'admin'];

let database: TestDatabase;
let t: TestApp;
const cookies = new Map<Role, string>();
const ids: Record<string, number> = {};

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  for (const role of ['admin', 'staff', 'leader', 'mttq'] as const) cookies.set(role, await t.signIn(role, `walker-${role}`));
  // Port 9 (discard) is closed: a fetch fails fast and is recorded on the source.
  const source = await insertSource(database.db, { kind: 'rss', name: 'Nguồn thử', url: 'http://127.0.0.1:9/feed.xml' });
  ids.sources = source.id;
  const now = new Date();
  await insertNewItems(database.db, [
    {
      sourceId: source.id,
      keyHash: 'walk-1',
      url: null,
      title: 'Tin thử',
      body: 'Nội dung thử',
      author: null,
      publishedAt: now,
      collectedAt: now,
      searchText: 'tin thu',
      contentHash: 'walk-1',
      labels: [],
      classification: { labels: [], scores: {}, spans: [], version: 'test' },
      priority: 0,
    },
  ]);
  const listed = (await (await t.request('/api/items?status=all', { cookie: cookies.get('staff') })).json()) as { items: Array<{ id: number }> };
  ids.items = listed.items[0]!.id;
  const rule = await t.request('/api/rules', {
    cookie: cookies.get('staff'),
    json: { kind: 'phrase', category: 'negative', pattern: 'lạm thu' },
  });
  expect(rule.status, await rule.clone().text()).toBe(201);
  ids.rules = ((await rule.json()) as { id: number }).id;
  const claim = await t.request('/api/claims', {
    cookie: cookies.get('staff'),
    json: { statement: 'Trường thu thêm tiền học thêm bắt buộc', verdict: 'false' },
  });
  expect(claim.status).toBe(201);
  ids.claims = ((await claim.json()) as { id: number }).id;
  const [record] = await database.db
    .insert(imports)
    .values({ sourceId: source.id, filename: 'gop-y.csv', status: 'done' })
    .returning({ id: imports.id });
  ids.imports = record!.id;
  const opened = await t.request('/api/settings/public-form', { method: 'PUT', cookie: cookies.get('admin'), json: { enabled: true } });
  expect(opened.status).toBe(200);
});
afterAll(async () => {
  await t?.close();
  await database?.close();
});

interface Route {
  method: string;
  path: string;
}

/** Returns each method and path the app answers, once. */
function registeredRoutes(): Route[] {
  const seen = new Map<string, Route>();
  for (const route of t.app.routes) {
    if (route.method === 'ALL' || route.path.includes('*')) continue;
    seen.set(`${route.method} ${route.path}`, { method: route.method, path: route.path });
  }
  return [...seen.values()];
}

/** Returns the path with each parameter filled with something that exists. */
function fillPath(path: string): string {
  const resource = /^\/(?:api\/)?([a-z-]+)/.exec(path)?.[1] ?? '';
  return path
    .replace(':name', 'app.css')
    .replace(/:(\w+)/g, () => String(ids[resource] ?? 1));
}

async function cookieFor(walker: Role | 'signed-out', route: Route): Promise<string | undefined> {
  if (walker === 'signed-out') return undefined;
  // Signing out ends the session: those routes get a session of their own.
  if (route.path.endsWith('/logout')) return t.signIn(walker);
  return cookies.get(walker);
}

/** Returns what is wrong with the answer, or null when it is what the walker should get. */
function checkAnswer(walker: Role | 'signed-out', route: Route, policy: Policy, response: Response): string | null {
  const status = response.status;
  if (status >= 500) return `server error ${status}`;
  if (policy === 'public') {
    // Only signing in may answer 401 here (wrong or missing credentials); no public route needs a session.
    const refused = status === 403 || (status === 401 && !route.path.endsWith('/login'));
    return refused ? `public route refused with ${status}` : null;
  }
  if (walker === 'signed-out') {
    if (route.path.startsWith('/api/')) return status === 401 ? null : `expected 401, got ${status}`;
    const location = response.headers.get('location') ?? '';
    return status === 303 && location.startsWith('/login?next=') ? null : `expected 303 to /login, got ${status} ${location}`;
  }
  if (!policy.includes(walker)) return status === 403 ? null : `expected 403, got ${status}`;
  return status === 401 || status === 403 ? `allowed role refused with ${status}` : null;
}

describe('every route × every role', () => {
  it('names a policy for every registered route', () => {
    const routes = registeredRoutes();
    expect(routes.length).toBeGreaterThan(40);
    const missing = routes.map((route) => `${route.method} ${route.path}`).filter((key) => !(key in POLICY));
    expect(missing, 'add these routes to POLICY').toEqual([]);
  });

  it('documents in OpenAPI every JSON route that needs a session', async () => {
    const document = (await (await t.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = (route: Route) => {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      return document.paths[path]?.[route.method.toLowerCase()] !== undefined;
    };
    const ours = ['/api/items/:id/responses', '/api/items/:id/events.csv', '/api/events.csv', '/api/items/:id'];
    const undocumented = registeredRoutes().filter((route) => ours.includes(route.path) && !documented(route));
    expect(undocumented).toEqual([]);
  });

  for (const walker of WALKERS) {
    it(`answers ${walker} as its role allows, never with a server error`, async () => {
      const problems: string[] = [];
      for (const route of registeredRoutes()) {
        const policy = POLICY[`${route.method} ${route.path}`];
        const path = fillPath(route.path);
        const cookie = await cookieFor(walker, route);
        const write = route.method !== 'GET' && route.method !== 'HEAD';
        const response = await t.request(path, { method: route.method, cookie, ...(write ? { json: {} } : {}) });
        // Unlisted routes still must not fail; the policy test names them.
        const problem = checkAnswer(walker, route, policy ?? READERS, response);
        if (problem && (policy !== undefined || response.status >= 500)) problems.push(`${route.method} ${path}: ${problem}`);
      }
      expect(problems).toEqual([]);
    });
  }
});
