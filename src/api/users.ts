// User accounts for admins: list, add, change role, reset password, disable — JSON and the admin's
// page (the CLI's `duluan user add|password` does the same while the service is stopped).
// There is no general audit log of admin actions to write to; a refused change (409) goes to the
// log of refused requests as every other one does. Last sign-in is not stored, so not shown.
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { UsersPage, type UserFormValues, type UserFieldError, type UserRowError } from '../../dashboard/views/users-page.tsx';
import { t, type Locale } from '../../dashboard/i18n/messages.ts';
import { changeUser, createUser, listUserAccounts, type UserChange, type UserChangeOutcome } from '../db/queries/users.ts';
import {
  checkPassword,
  checkUsername,
  isRole,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  ROLES,
  USERNAME_MAX_LENGTH,
  type Role,
  type UserAccount,
} from '../domain/user.ts';
import { type AppContext, type AppEnv, idParam, requireRole } from './context.ts';
import { ApiError } from './errors.ts';
import { generatePassword, hashPassword } from './password.ts';
import { recordDenial } from './record-denial.ts';

/** Holds a generated password between the form's POST and the page's GET (shown once, then gone). */
const ONCE_COOKIE = 'duluan_new_password';
const ONCE_PATH = '/users';
const FLASHES = ['added', 'role', 'password', 'disabled', 'enabled'] as const;
type Flash = (typeof FLASHES)[number];

/** Returns the catalogue's message for a field's problem, in the request's language. */
export function userErrorText(locale: Locale, error: Pick<UserFieldError, 'field' | 'code'> & { name?: string }): string {
  switch (`${error.field}.${error.code}`) {
    case 'username.required':
      return t(locale, 'users.error.username.required');
    case 'username.too_long':
      return t(locale, 'users.error.username.too_long', { max: USERNAME_MAX_LENGTH });
    case 'username.invalid_chars':
      return t(locale, 'users.error.username.invalid_chars');
    case 'username.taken':
      return t(locale, 'users.error.username.taken', { name: error.name ?? '' });
    case 'role.invalid':
      return t(locale, 'users.error.role.invalid', { roles: ROLES.map((role) => `${role} (${t(locale, `role.${role}`)})`).join(', ') });
    case 'password.too_short':
      return t(locale, 'users.error.password.too_short', { min: PASSWORD_MIN_LENGTH });
    case 'password.too_long':
      return t(locale, 'users.error.password.too_long', { max: PASSWORD_MAX_LENGTH });
    case 'password.both':
      return t(locale, 'users.error.password.both');
    case 'disabled.invalid':
      return t(locale, 'users.error.disabled.invalid');
    case 'generatePassword.invalid':
      return t(locale, 'users.error.generatePassword.invalid');
    case 'role.last_admin':
    case 'disabled.last_admin':
      return t(locale, 'users.error.last_admin');
    default:
      return t(locale, 'users.error.nothing');
  }
}

interface NewUserInput {
  username: string;
  role: Role;
  /** Absent: generate one. */
  password?: string;
}

/** Returns the checked new account, or every problem with it. */
function checkNewUser(body: { username?: unknown; role?: unknown; password?: unknown }): { ok: true; input: NewUserInput } | { ok: false; errors: UserFieldError[] } {
  const errors: UserFieldError[] = [];
  const username = checkUsername(body.username);
  if (!username.ok) errors.push({ field: 'username', code: username.problem });
  if (!isRole(body.role)) errors.push({ field: 'role', code: 'invalid' });
  let password: string | undefined;
  if (body.password !== undefined && body.password !== null && body.password !== '') {
    const problem = typeof body.password === 'string' ? checkPassword(body.password) : 'too_short';
    if (problem) errors.push({ field: 'password', code: problem });
    else password = body.password as string;
  }
  if (errors.length > 0 || !username.ok || !isRole(body.role)) return { ok: false, errors };
  return { ok: true, input: { username: username.username, role: body.role, password } };
}

/** Returns the account as JSON shows it. */
function accountJson(user: UserAccount) {
  return { id: user.id, username: user.username, role: user.role, disabled: user.disabled, createdAt: user.createdAt.toISOString() };
}

/** Logs a refused change in the log of refused requests (a 409 answered without throwing). */
async function recordConflict(c: AppContext): Promise<void> {
  await recordDenial(c.get('deps').db, { method: c.req.method, path: c.req.path, userId: c.get('user')?.id ?? null, status: 409, code: 'conflict' });
}

/** The API's 409 with the catalogue's own message (the general `conflict` text speaks of someone else's edit). */
async function conflictJson(c: AppContext, details: UserFieldError[]): Promise<Response> {
  await recordConflict(c);
  const locale = c.get('locale');
  const withMessages = details.map((detail) => ({ ...detail, message: userErrorText(locale, detail) }));
  return c.json({ error: { code: 'conflict', message: withMessages.map((detail) => detail.message).join(' '), details: withMessages } }, 409);
}

function validationFailed(c: AppContext, errors: UserFieldError[]): never {
  const locale = c.get('locale');
  throw new ApiError(
    422,
    'validation_failed',
    errors.map((error) => ({ ...error, message: userErrorText(locale, error) })),
  );
}

/** Applies a change; a new password (given, or generated when asked) is hashed here. */
async function applyChange(c: AppContext, id: number, change: Omit<UserChange, 'passwordHash'> & { password?: string }): Promise<UserChangeOutcome> {
  const { password, ...rest } = change;
  const full: UserChange = password === undefined ? rest : { ...rest, passwordHash: await hashPassword(password) };
  return changeUser(c.get('deps').db, id, full, c.get('user')!.id === id ? c.get('sessionIdHash') : null);
}

/** Returns the field a refused last-admin change is about. */
function lastAdminError(change: { role?: Role; disabled?: boolean }): UserFieldError {
  return { field: change.role !== undefined ? 'role' : 'disabled', code: 'last_admin' };
}

/** Returns the one-time generated password the form's POST left, and forgets it. */
function takeOncePassword(c: AppContext): { id: number; password: string } | null {
  const value = getCookie(c, ONCE_COOKIE);
  if (value === undefined) return null;
  deleteCookie(c, ONCE_COOKIE, { path: ONCE_PATH });
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { id, password } = parsed as { id?: unknown; password?: unknown };
    return typeof id === 'number' && typeof password === 'string' ? { id, password } : null;
  } catch {
    return null;
  }
}

/** Keeps a generated password for the next GET of the page only (HttpOnly, this path, five minutes). */
function keepOncePassword(c: AppContext, id: number, password: string): void {
  const setting = c.get('deps').cookieSecure;
  const secure = setting === 'auto' ? new URL(c.req.url).protocol === 'https:' : setting === 'true';
  setCookie(c, ONCE_COOKIE, Buffer.from(JSON.stringify({ id, password }), 'utf8').toString('base64url'), {
    path: ONCE_PATH,
    httpOnly: true,
    secure,
    sameSite: 'Strict',
    maxAge: 300,
  });
}

function formString(form: Record<string, unknown>, name: string, max = 2000): string {
  const value = form[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
}

/** Returns the user-account routes (admin only): JSON and the page. */
export function userRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const admin = requireRole('admin');

  routes.get('/api/users', admin, async (c) => c.json({ users: (await listUserAccounts(c.get('deps').db)).map(accountJson) }));

  routes.post('/api/users', admin, async (c) => {
    const body = await c.req.json().catch(() => null);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'validation_failed');
    const checked = checkNewUser(body as Record<string, unknown>);
    if (!checked.ok) validationFailed(c, checked.errors);
    const password = checked.input.password ?? generatePassword();
    const created = await createUser(c.get('deps').db, { username: checked.input.username, role: checked.input.role, passwordHash: await hashPassword(password) });
    if (!created.ok) return conflictJson(c, [{ field: 'username', code: 'taken', name: created.taken }]);
    c.header('cache-control', 'no-store');
    return c.json({ user: accountJson(created.user), ...(checked.input.password === undefined ? { password } : {}) }, 201);
  });

  routes.patch('/api/users/:id', admin, async (c) => {
    const id = idParam(c);
    const body = await c.req.json().catch(() => null);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'validation_failed');
    const { role, password, generatePassword: generate, disabled } = body as Record<string, unknown>;
    const errors: UserFieldError[] = [];
    if (role !== undefined && !isRole(role)) errors.push({ field: 'role', code: 'invalid' });
    if (password !== undefined && generate === true) errors.push({ field: 'password', code: 'both' });
    else if (password !== undefined) {
      const problem = typeof password === 'string' ? checkPassword(password) : 'too_short';
      if (problem) errors.push({ field: 'password', code: problem });
    }
    if (generate !== undefined && typeof generate !== 'boolean') errors.push({ field: 'generatePassword', code: 'invalid' });
    if (disabled !== undefined && typeof disabled !== 'boolean') errors.push({ field: 'disabled', code: 'invalid' });
    if (errors.length === 0 && role === undefined && password === undefined && generate !== true && disabled === undefined) {
      errors.push({ field: 'body', code: 'nothing' });
    }
    if (errors.length > 0) validationFailed(c, errors);
    const newPassword = generate === true ? generatePassword() : (password as string | undefined);
    const change = { role: role as Role | undefined, disabled: disabled as boolean | undefined, password: newPassword };
    const outcome = await applyChange(c, id, change);
    if (outcome.kind === 'not_found') throw new ApiError(404, 'not_found');
    if (outcome.kind === 'last_admin') return conflictJson(c, [lastAdminError(change)]);
    c.header('cache-control', 'no-store');
    return c.json({ user: accountJson(outcome.user), ...(generate === true ? { password: newPassword } : {}) });
  });

  async function renderPage(
    c: AppContext,
    extra: { form?: UserFormValues; formErrors?: UserFieldError[]; rowError?: UserRowError } = {},
    status: 200 | 409 | 422 = 200,
  ) {
    const locale = c.get('locale');
    const accounts = await listUserAccounts(c.get('deps').db);
    const once = status === 200 ? takeOncePassword(c) : null;
    const flashValue = c.req.query('flash');
    const flash = status === 200 && FLASHES.includes(flashValue as Flash) ? (flashValue as Flash) : undefined;
    const flashId = Number(c.req.query('id'));
    const messageOf = (error: UserFieldError) => userErrorText(locale, error);
    c.header('cache-control', 'no-store');
    return c.html(
      UsersPage({
        user: c.get('user')!,
        locale,
        accounts,
        form: extra.form ?? { username: '', role: 'staff' },
        formErrors: (extra.formErrors ?? []).map((error) => ({ ...error, message: messageOf(error) })),
        rowError: extra.rowError && { ...extra.rowError, message: messageOf(extra.rowError) },
        flash: flash && { kind: flash, username: accounts.find((account) => account.id === flashId)?.username ?? '' },
        oncePassword: once && { ...once, username: accounts.find((account) => account.id === once.id)?.username ?? '' },
      }),
      status,
    );
  }

  routes.get('/users', admin, async (c) => renderPage(c));

  routes.post('/users', admin, async (c) => {
    const form = await c.req.parseBody();
    // What was typed stays in the form on error, except the password (never written back into a page).
    const values: UserFormValues = { username: formString(form, 'username', 200), role: formString(form, 'role', 20) };
    const checked = checkNewUser({ username: values.username, role: values.role, password: formString(form, 'password') });
    if (!checked.ok) return renderPage(c, { form: values, formErrors: checked.errors }, 422);
    const password = checked.input.password ?? generatePassword();
    const created = await createUser(c.get('deps').db, { username: checked.input.username, role: checked.input.role, passwordHash: await hashPassword(password) });
    if (!created.ok) {
      await recordConflict(c);
      return renderPage(c, { form: values, formErrors: [{ field: 'username', code: 'taken', name: created.taken }] }, 409);
    }
    if (checked.input.password === undefined) keepOncePassword(c, created.user.id, password);
    return c.redirect(`/users?flash=added&id=${created.user.id}`, 303);
  });

  routes.post('/users/:id/role', admin, async (c) => {
    const id = idParam(c);
    const role = formString(await c.req.parseBody(), 'role', 20);
    if (!isRole(role)) return renderPage(c, { rowError: { userId: id, field: 'role', code: 'invalid' } }, 422);
    const outcome = await applyChange(c, id, { role });
    if (outcome.kind === 'not_found') throw new ApiError(404, 'not_found');
    if (outcome.kind === 'last_admin') {
      await recordConflict(c);
      return renderPage(c, { rowError: { userId: id, field: 'role', code: 'last_admin' } }, 409);
    }
    return c.redirect(`/users?flash=role&id=${id}`, 303);
  });

  routes.post('/users/:id/password', admin, async (c) => {
    const id = idParam(c);
    const given = formString(await c.req.parseBody(), 'password');
    const problem = given === '' ? null : checkPassword(given);
    if (problem) return renderPage(c, { rowError: { userId: id, field: 'password', code: problem } }, 422);
    const password = given === '' ? generatePassword() : given;
    const outcome = await applyChange(c, id, { password });
    if (outcome.kind !== 'ok') throw new ApiError(404, 'not_found');
    if (given === '') keepOncePassword(c, id, password);
    return c.redirect(`/users?flash=password&id=${id}`, 303);
  });

  routes.post('/users/:id/disabled', admin, async (c) => {
    const id = idParam(c);
    const value = formString(await c.req.parseBody(), 'disabled', 10);
    if (value !== 'true' && value !== 'false') return renderPage(c, { rowError: { userId: id, field: 'disabled', code: 'invalid' } }, 422);
    const disabled = value === 'true';
    const outcome = await applyChange(c, id, { disabled });
    if (outcome.kind === 'not_found') throw new ApiError(404, 'not_found');
    if (outcome.kind === 'last_admin') {
      await recordConflict(c);
      return renderPage(c, { rowError: { userId: id, field: 'disabled', code: 'last_admin' } }, 409);
    }
    return c.redirect(`/users?flash=${disabled ? 'disabled' : 'enabled'}&id=${id}`, 303);
  });
  return routes;
}
