// The HTTP application: security middleware, sessions, and one route file per resource.
import { contextStorage } from 'hono/context-storage';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import { secureHeaders } from 'hono/secure-headers';
import { ErrorPage } from '../../dashboard/views/error-page.tsx';
import { apiErrorText, type Locale } from '../../dashboard/i18n/messages.ts';
import { alertRoutes } from './alerts.ts';
import { auditRoutes } from './audit.ts';
import { authRoutes } from './auth.ts';
import { type AppDeps, type AppEnv, homeOf, isApiPath } from './context.ts';
import { ApiError, toApiError } from './errors.ts';
import { healthRoutes } from './health.ts';
import { IMPORT_BODY_LIMIT_BYTES, importRoutes } from './imports.ts';
import { itemRoutes } from './items.ts';
import { claimRoutes } from './claims.ts';
import { FEEDBACK_BODY_LIMIT_BYTES, feedbackRoutes } from './feedback.ts';
import { privacyRoutes } from './privacy.ts';
import { feedbackRateLimit, publicFeedbackRoutes } from './public-feedback.ts';
import { settingsRoutes } from './settings.ts';
import { savedViewRoutes } from './saved-views.ts';
import { responseTemplateRoutes } from './response-templates.ts';
import { ruleRoutes } from './rules.ts';
import { reportRoutes } from './reports.ts';
import { openapiRoutes } from './openapi.ts';
import { loadSession } from './session.ts';
import { sourceRoutes } from './sources.ts';
import { staticRoutes } from './static-files.ts';
import { userRoutes } from './users.ts';
import { recordDenial } from './record-denial.ts';

const MAX_BODY_BYTES = 1024 * 1024;
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Returns the Hono app serving the JSON API, the pages and /health. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // Pages read the request they answer from here (the layout's language link keeps the query).
  app.use(contextStorage());
  app.use(async (c, next) => {
    c.set('deps', deps);
    c.set('locale', pickLocale(c.req.query('lang'), getCookie(c, 'lang')));
    const lang = c.req.query('lang');
    if (lang === 'vi' || lang === 'en') setCookie(c, 'lang', lang, { path: '/', sameSite: 'Strict', httpOnly: true });
    await next();
  });
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      referrerPolicy: 'same-origin',
      // A route may set a stricter header of its own (attachments add a CSP sandbox); it is kept.
      overwrite: false,
    }),
  );
  app.use(async (c, next) => {
    if (UNSAFE_METHODS.has(c.req.method)) rejectCrossSite(c.req.raw, isApiPath(c.req.path));
    await next();
  });
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError(413, 'payload_too_large');
      },
    });
  const defaultLimit = limit(MAX_BODY_BYTES);
  const importLimit = limit(IMPORT_BODY_LIMIT_BYTES);
  // Uploaded feedback files are the one thing larger than a megabyte.
  const feedbackLimit = limit(FEEDBACK_BODY_LIMIT_BYTES);
  // The session before the body limit (it reads a cookie, never the body), so a refused upload's
  // page is drawn for the signed-in user, with their menu and a way back.
  app.use(loadSession());
  app.use((c, next) =>
    (/^\/(api\/)?imports(\/|$)/.test(c.req.path) ? importLimit : /^\/(api\/feedback|feedback\/new)$/.test(c.req.path) ? feedbackLimit : defaultLimit)(c, next),
  );
  // Submissions are limited per client address (and officer): a flood gets 429, others get through.
  app.use(feedbackRateLimit(deps.trustedProxies));

  app.route('/', healthRoutes());
  app.route('/', staticRoutes());
  app.route('/', openapiRoutes());
  app.route('/', authRoutes());
  app.route('/', itemRoutes());
  app.route('/', sourceRoutes());
  app.route('/', ruleRoutes());
  app.route('/', claimRoutes());
  app.route('/', reportRoutes());
  app.route('/', alertRoutes());
  app.route('/', settingsRoutes());
  app.route('/', savedViewRoutes());
  app.route('/', responseTemplateRoutes());
  app.route('/', importRoutes(deps.importer));
  app.route('/', feedbackRoutes());
  app.route('/', auditRoutes());
  app.route('/', privacyRoutes());
  app.route('/', userRoutes());
  app.route('/', publicFeedbackRoutes(deps.trustedProxies));
  app.get('/', (c) => c.redirect(homeOf(c.get('user')), 303));

  app.notFound((c) => {
    throw new ApiError(404, 'not_found');
  });
  app.onError(async (error, c) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) console.error('api: unhandled error', error);
    if (isAuditedDenial(apiError.status, c.get('user') ?? null, c.req.path)) {
      await recordDenial(deps.db, { method: c.req.method, path: c.req.path, userId: c.get('user')?.id ?? null, status: apiError.status, code: apiError.code });
    }
    const locale = c.get('locale') ?? 'vi';
    if (isApiPath(c.req.path) || c.req.path === '/health') {
      return c.json(
        { error: { code: apiError.code, message: apiErrorText(locale, apiError.code), details: apiError.details } },
        apiError.status,
      );
    }
    return c.html(
      ErrorPage({ locale, status: apiError.status, code: apiError.code, user: c.get('user') ?? undefined }),
      apiError.status,
    );
  });
  return app;
}

/**
 * Returns whether a refused request goes to the audit log: every refusal for lack of right (403),
 * every conflicting edit (409), and a signed-in person asking for a numbered thing they cannot see
 * (404 on a path with an id: another unit's item or submission typed into the URL).
 */
function isAuditedDenial(status: number, user: { id: number } | null, path: string): boolean {
  if (status === 403 || status === 409) return true;
  return status === 404 && user !== null && /\/\d+(\/|$)/.test(path);
}

function pickLocale(query: string | undefined, cookie: string | undefined): Locale {
  if (query === 'en' || query === 'vi') return query;
  if (cookie === 'en' || cookie === 'vi') return cookie;
  return 'vi';
}

// Cross-site request forgery: browsers mark where a request comes from. A request from another
// site is refused; JSON routes also require the JSON content type, which a plain HTML form or a
// "simple" cross-site fetch cannot send without a CORS preflight (and no foreign origin is allowed).
function rejectCrossSite(request: Request, isApi: boolean): void {
  const site = request.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') throw new ApiError(403, 'csrf_failed');
  const ownOrigin = new URL(request.url).origin;
  const origin = request.headers.get('origin');
  if (origin !== null && origin !== ownOrigin) throw new ApiError(403, 'csrf_failed');
  if (isApi) {
    const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') throw new ApiError(403, 'csrf_failed');
    return;
  }
  if (origin === null) {
    const referer = request.headers.get('referer');
    let refererOrigin: string | null = null;
    try {
      refererOrigin = referer ? new URL(referer).origin : null;
    } catch {
      refererOrigin = null;
    }
    if (refererOrigin !== ownOrigin) throw new ApiError(403, 'csrf_failed');
  }
}
