// Sessions: a random id in an HttpOnly cookie, its hash in the database.
import { createHash, randomBytes } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { findSessionUser, insertSession } from '../db/queries/users.ts';
import type { SessionUser } from '../domain/user.ts';
import type { AppContext, AppEnv } from './context.ts';

const SECURE_COOKIE = '__Host-duluan_session';
const PLAIN_COOKIE = 'duluan_session';

/** Returns the SHA-256 of a session id, the only form stored. */
export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

function isSecure(c: AppContext): boolean {
  const setting = c.get('deps').cookieSecure;
  if (setting !== 'auto') return setting === 'true';
  return new URL(c.req.url).protocol === 'https:';
}

/** Returns middleware that loads the signed-in user (or null) into the context. */
export function loadSession(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = getCookie(c, SECURE_COOKIE) ?? getCookie(c, PLAIN_COOKIE);
    c.set('user', null);
    c.set('sessionIdHash', null);
    c.set('staleSession', id !== undefined && id !== '');
    if (id && /^[A-Za-z0-9_-]{20,100}$/.test(id)) {
      const idHash = hashSessionId(id);
      const deps = c.get('deps');
      const user = await findSessionUser(deps.db, idHash, deps.now?.() ?? new Date());
      if (user) {
        c.set('user', user);
        c.set('sessionIdHash', idHash);
        c.set('staleSession', false);
      }
    }
    await next();
  };
}

/** Creates a session for the user and sets its cookie. */
export async function startSession(c: AppContext, user: SessionUser): Promise<void> {
  const deps = c.get('deps');
  const id = randomBytes(32).toString('base64url');
  const now = deps.now?.() ?? new Date();
  const expiresAt = new Date(now.getTime() + deps.sessionTtlHours * 3600_000);
  await insertSession(deps.db, { idHash: hashSessionId(id), userId: user.id, expiresAt });
  const secure = isSecure(c);
  // The __Host- prefix needs Secure; over plain http (a local install) the cookie goes without it.
  setCookie(c, secure ? SECURE_COOKIE : PLAIN_COOKIE, id, {
    path: '/',
    httpOnly: true,
    secure,
    sameSite: 'Strict',
    expires: expiresAt,
  });
}

/** Clears the session cookie (the database row is deleted by the caller). */
export function clearSessionCookie(c: AppContext): void {
  deleteCookie(c, PLAIN_COOKIE, { path: '/' });
  deleteCookie(c, SECURE_COOKIE, { path: '/', secure: true });
}
