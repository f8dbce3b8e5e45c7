// Login and logout: JSON routes and the login page.
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { z } from 'zod';
import { LoginPage } from '../../dashboard/views/login-page.tsx';
import { deleteSession, findUserForLogin } from '../db/queries/users.ts';
import type { SessionUser } from '../domain/user.ts';
import { homeOf, type AppContext, type AppEnv } from './context.ts';
import { ApiError } from './errors.ts';
import { DUMMY_HASH, verifyPassword } from './password.ts';
import { createRateLimiter } from './rate-limit.ts';
import { clearSessionCookie, startSession } from './session.ts';

const LoginBody = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(1000),
});

function clientAddress(c: AppContext): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

// Only same-site paths: "next" must never send a person to another site after login.
function safeNext(next: string | undefined): string | null {
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : null;
}

/** Returns the login/logout routes (JSON and pages). */
export function authRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const limiter = createRateLimiter({ limit: 10, windowMs: 15 * 60_000 });

  async function authenticate(c: AppContext, username: string, password: string): Promise<SessionUser | null> {
    const key = `${clientAddress(c)}|${username.toLowerCase()}`;
    if (!limiter.hit(key)) throw new ApiError(429, 'rate_limited');
    const found = await findUserForLogin(c.get('deps').db, username.normalize('NFC'));
    const ok = await verifyPassword(password, found?.passwordHash ?? DUMMY_HASH);
    if (!found || !ok || found.disabled) return null;
    limiter.reset(key);
    return { id: found.id, username: found.username, role: found.role };
  }

  async function endSession(c: AppContext): Promise<void> {
    const idHash = c.get('sessionIdHash');
    if (idHash) await deleteSession(c.get('deps').db, idHash);
    clearSessionCookie(c);
  }

  routes.post('/api/auth/login', async (c) => {
    const parsed = LoginBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new ApiError(400, 'validation_failed', parsed.error.issues);
    const user = await authenticate(c, parsed.data.username, parsed.data.password);
    if (!user) throw new ApiError(401, 'invalid_credentials');
    await startSession(c, user);
    return c.json({ user });
  });

  routes.post('/api/auth/logout', async (c) => {
    await endSession(c);
    return c.json({ ok: true });
  });

  routes.get('/login', (c) => {
    const user = c.get('user');
    if (user) return c.redirect(safeNext(c.req.query('next')) ?? homeOf(user), 303);
    return c.html(LoginPage({ locale: c.get('locale'), next: safeNext(c.req.query('next')) ?? undefined }));
  });

  routes.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const username = typeof form.username === 'string' ? form.username : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined) ?? undefined;
    const locale = c.get('locale');
    try {
      const user = username && password ? await authenticate(c, username, password) : null;
      if (!user) return c.html(LoginPage({ locale, error: 'invalid_credentials', username, next }), 401);
      await startSession(c, user);
      return c.redirect(next ?? homeOf(user), 303);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'rate_limited') {
        return c.html(LoginPage({ locale, error: 'rate_limited', username, next }), 429);
      }
      throw error;
    }
  });

  routes.post('/logout', async (c) => {
    await endSession(c);
    return c.redirect('/login', 303);
  });
  return routes;
}
