// What every route can read from the request context, and the role check that sits at each route.
import type { Context, MiddlewareHandler } from 'hono';
import type { Locale } from '../../dashboard/i18n/messages.ts';
import type { Role, SessionUser } from '../domain/user.ts';
import type { Db } from '../db/client.ts';
import type { JobRunner } from '../jobs/job-runner.ts';
import type { ClassifierProvider } from '../domain/classification.ts';
import type { FeedbackImporter } from '../domain/feedback-import.ts';
import type { SourceChecker } from '../domain/source.ts';
import type { AlertService } from '../domain/alert.ts';
import { ApiError } from './errors.ts';
import { parseId } from './query-schemas.ts';
import { recordDenial } from './record-denial.ts';

/** What createApp needs: passed in, so tests build the same app over an embedded database. */
export interface AppDeps {
  db: Db;
  databaseKind: 'embedded' | 'postgres';
  jobs: JobRunner;
  classifiers: ClassifierProvider;
  sessionTtlHours: number;
  cookieSecure: 'auto' | 'true' | 'false';
  /** Checks a web-page source's selectors and previews a source before it is saved. */
  sourceChecker: SourceChecker;
  /** Reads, previews and runs imports of feedback files (CSV/XLSX). */
  importer: FeedbackImporter;
  /** Folds a search query the same way stored text was folded. */
  foldQuery: (query: string) => string;
  /** Proxies (IPs or CIDR blocks) whose X-Forwarded-For is believed for rate limits; none by default. */
  trustedProxies?: readonly string[];
  /** Alert secrets and the test send (absent: the test send answers that alerts are unavailable). */
  alerts?: AlertService;
  now?: () => Date;
}

export type AppEnv = {
  Variables: {
    deps: AppDeps;
    user: SessionUser | null;
    locale: Locale;
    sessionIdHash: string | null;
    /** A session cookie came with the request but names no live session (signed out, expired). */
    staleSession: boolean;
  };
};

export type AppContext = Context<AppEnv>;

/** Returns where a person starts: MTTQ officers at their submissions, everyone else at the queue. */
export function homeOf(user: { role: string } | null): string {
  if (!user) return '/login';
  return user.role === 'mttq' ? '/feedback' : '/items';
}

/** Returns true when the request is for a JSON API route. */
export function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/** Returns middleware that lets only signed-in users with one of the roles through. */
export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = c.get('user');
    if (!user) {
      // A request carrying a dead session (after logout or expiry) is worth a supervisor's eye.
      if (c.get('staleSession')) {
        await recordDenial(c.get('deps').db, { method: c.req.method, path: c.req.path, userId: null, status: 401, code: 'stale_session' });
      }
      if (isApiPath(c.req.path)) throw new ApiError(401, 'unauthorized');
      const back = encodeURIComponent(c.req.path);
      return c.redirect(`/login?next=${back}`, 303);
    }
    if (!roles.includes(user.role)) throw new ApiError(403, 'forbidden');
    await next();
  };
}

/** Returns the path parameter `name` as a positive integer id; a malformed one answers 404, as an unknown id does. */
export function idParam(c: AppContext, name = 'id'): number {
  const id = parseId(c.req.param(name) ?? '');
  if (id === null) throw new ApiError(404, 'not_found');
  return id;
}
