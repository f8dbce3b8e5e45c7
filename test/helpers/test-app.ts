// The real app over a test database, with helpers to sign in and send same-origin requests.
import { createApp } from '../../src/api/app.ts';
import { hashPassword } from '../../src/api/password.ts';
import { createClassifier } from '../../src/classifiers/classify.ts';
import { createSourceChecker } from '../../src/collectors/source-checker.ts';
import { loadModels } from '../../src/classifiers/load-models.ts';
import { createClassifierCache } from '../../src/pipeline/classifier-cache.ts';
import { createFeedbackImporter } from '../../src/pipeline/import-feedback.ts';
import { insertUser } from '../../src/db/queries/users.ts';
import type { AppDeps } from '../../src/api/context.ts';
import type { FeedbackImporter } from '../../src/domain/feedback-import.ts';
import type { Role } from '../../src/domain/user.ts';
import { createInProcessRunner } from '../../src/jobs/job-runner.ts';
import type { PipelineDeps } from '../../src/pipeline/refresh-source.ts';
import { foldText } from '../../src/text/fold-text.ts';
import type { TestDatabase } from './test-database.ts';

export const ORIGIN = 'http://localhost';
export const PASSWORD = 'mật-khẩu-thử-123';

export interface TestApp {
  app: ReturnType<typeof createApp>;
  pipeline: PipelineDeps;
  importer: FeedbackImporter;
  /** Sends a request as if from the dashboard's own origin, with the given session cookie (and socket address). */
  request(path: string, init?: RequestInit & { cookie?: string; json?: unknown; remoteAddress?: string }): Promise<Response>;
  /** Creates a user of the role and returns its session cookie. */
  signIn(role: Role, username?: string): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  trustedProxies?: string[];
  /** Replaces the full classifier (committed models), e.g. with a stub. */
  classifiers?: PipelineDeps['classifiers'];
  /** Session lifetime (1 hour unless given): a test clock that moves days ahead needs longer. */
  sessionTtlHours?: number;
  alerts?: AppDeps['alerts'];
  now?: AppDeps['now'];
}

/** Returns the app over the database with the full classifier (committed models) unless another is given, collecting from loopback only. */
export function createTestApp(database: TestDatabase, options: TestAppOptions = {}): TestApp {
  const pipeline: PipelineDeps = {
    db: database.db,
    classifiers: options.classifiers ?? fullClassifiers(database),
    fetch: { allowHosts: ['127.0.0.1'], timeoutMs: 3000, maxBytes: 1024 * 1024 },
  };
  const jobs = createInProcessRunner(pipeline);
  const importer = createFeedbackImporter({ db: database.db, classifiers: pipeline.classifiers });
  const app = createApp({
    db: database.db,
    databaseKind: database.kind,
    jobs,
    classifiers: pipeline.classifiers,
    importer,
    sourceChecker: createSourceChecker(pipeline.fetch),
    sessionTtlHours: options.sessionTtlHours ?? 1,
    cookieSecure: 'false',
    foldQuery: foldText,
    trustedProxies: options.trustedProxies,
    alerts: options.alerts,
    now: options.now,
  });
  let counter = 0;

  async function request(path: string, init: RequestInit & { cookie?: string; json?: unknown; remoteAddress?: string } = {}) {
    const headers = new Headers(init.headers);
    if (init.cookie) headers.set('cookie', init.cookie);
    const method = init.method ?? (init.json !== undefined ? 'POST' : 'GET');
    if (method !== 'GET' && !headers.has('origin')) headers.set('origin', ORIGIN);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    const { remoteAddress, cookie: _cookie, json: _json, ...rest } = init;
    // What @hono/node-server passes as env: the socket the request came in on.
    const env = remoteAddress
      ? { incoming: { socket: { remoteAddress, remotePort: 40_000, remoteFamily: remoteAddress.includes(':') ? 'IPv6' : 'IPv4' } } }
      : undefined;
    return app.request(`${ORIGIN}${path}`, { ...rest, method, headers, body }, env);
  }

  return {
    app,
    pipeline,
    importer,
    request,
    async signIn(role, username = `${role}-${++counter}`) {
      await insertUser(database.db, { username, role, passwordHash: await hashPassword(PASSWORD) });
      const response = await request('/api/auth/login', { json: { username, password: PASSWORD } });
      if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
      const cookie = response.headers.get('set-cookie') ?? '';
      return cookie.split(';')[0]!;
    },
    async close() {
      await importer.idle();
      await jobs.close();
    },
  };
}

function fullClassifiers(database: TestDatabase): PipelineDeps['classifiers'] {
  const models = loadModels();
  return createClassifierCache(database.db, (inputs) => createClassifier({ ...inputs, models }));
}
