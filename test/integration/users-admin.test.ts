// User accounts managed by an admin from the web: GET/POST/PATCH /api/users and the /users page;
// and the CLI's `user add`, held to the same username rule.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

interface Account {
  id: number;
  username: string;
  role: string;
  disabled: boolean;
  createdAt: string;
}
interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ field: string; code: string; message: string }> };
}

let database: TestDatabase;
let t: TestApp;
let admin: string;

beforeAll(async () => {
  database = await createTestDatabase();
  t = createTestApp(database);
  // The only admin until the last-admin test adds another.
  admin = await t.signIn('admin', 'quantri');
});
afterAll(async () => {
  await t?.close();
  await database?.close();
});

async function login(username: string, password: string): Promise<Response> {
  return t.request('/api/auth/login', { json: { username, password } });
}

async function sessionOf(username: string, password: string): Promise<string> {
  const response = await login(username, password);
  expect(response.status).toBe(200);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

async function accounts(): Promise<Account[]> {
  const response = await t.request('/api/users', { cookie: admin });
  expect(response.status).toBe(200);
  return ((await response.json()) as { users: Account[] }).users;
}

function form(path: string, fields: Record<string, string>, cookie = admin, extra: { cookieHeader?: string } = {}): Promise<Response> {
  return t.request(path, {
    method: 'POST',
    cookie: extra.cookieHeader ? `${cookie}; ${extra.cookieHeader}` : cookie,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

/** Returns the one-time password cookie a form's POST set (name=value), or null. */
function onceCookie(response: Response): string | null {
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith('duluan_new_password='));
  return cookie ? cookie.split(';')[0]! : null;
}

describe('admin adds accounts through the API', () => {
  it('adds a staff user with a given password, who can then sign in', async () => {
    const response = await t.request('/api/users', { cookie: admin, json: { username: 'canbo.lan', role: 'staff', password: 'mật-khẩu-lan-2026' } });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { user: Account; password?: string };
    expect(body.user).toMatchObject({ username: 'canbo.lan', role: 'staff', disabled: false });
    expect(body.password).toBeUndefined();
    expect((await login('canbo.lan', 'mật-khẩu-lan-2026')).status).toBe(200);
    expect((await login('canbo.lan', 'wrong-password')).status).toBe(401);
  });

  it('generates a strong password when none is given, returns it once, and it works', async () => {
    const response = await t.request('/api/users', { cookie: admin, json: { username: 'Trần_Thị-Hoa', role: 'mttq' } });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { user: Account; password: string };
    expect(body.password).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect((await login('Trần_Thị-Hoa', body.password)).status).toBe(200);

    const listed = await accounts();
    const hoa = listed.find((account) => account.username === 'Trần_Thị-Hoa')!;
    expect(hoa).toMatchObject({ role: 'mttq', disabled: false });
    expect(Number.isNaN(Date.parse(hoa.createdAt))).toBe(false);
    // Never a hash or a password in the list.
    expect(JSON.stringify(listed)).not.toMatch(/scrypt|password/i);
  });

  it('stores the username in NFC, trimmed', async () => {
    const response = await t.request('/api/users', { cookie: admin, json: { username: '  ho\u0300a.nd  ', role: 'leader', password: 'a-long-password' } });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { user: Account }).user.username).toBe('hòa.nd');
    expect((await login('hòa.nd', 'a-long-password')).status).toBe(200);
  });
});

describe('bad input is refused with the catalogue’s messages', () => {
  const bad: Array<[string, Record<string, unknown>, string, string]> = [
    ['an empty username', { username: '', role: 'staff' }, 'username', 'required'],
    ['a username of spaces', { username: '   ', role: 'staff' }, 'username', 'required'],
    ['a missing username', { role: 'staff' }, 'username', 'required'],
    ['a username of 65 characters', { username: 'a'.repeat(65), role: 'staff' }, 'username', 'too_long'],
    ['a control character', { username: 'ab\u0007c', role: 'staff' }, 'username', 'invalid_chars'],
    ['a right-to-left override', { username: 'admin\u202Egnp', role: 'staff' }, 'username', 'invalid_chars'],
    ['a zero-width space', { username: 'ad\u200Bmin', role: 'staff' }, 'username', 'invalid_chars'],
    ['an inner space', { username: 'nguyen van a', role: 'staff' }, 'username', 'invalid_chars'],
    ['an unknown role', { username: 'someone', role: 'superuser' }, 'role', 'invalid'],
    ['no role', { username: 'someone' }, 'role', 'invalid'],
    ['a short password', { username: 'someone', role: 'staff', password: '1234567' }, 'password', 'too_short'],
    ['a password that is not text', { username: 'someone', role: 'staff', password: 12345678 }, 'password', 'too_short'],
  ];
  for (const [what, json, field, code] of bad) {
    it(`refuses ${what} (422) and stores nothing`, async () => {
      const before = (await accounts()).length;
      const response = await t.request('/api/users', { cookie: admin, json });
      expect(response.status).toBe(422);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.code).toBe('validation_failed');
      const detail = body.error.details!.find((entry) => entry.field === field)!;
      expect(detail.code).toBe(code);
      expect(detail.message.length).toBeGreaterThan(10);
      expect((await accounts()).length).toBe(before);
    });
  }

  it('says what is wrong in Vietnamese by default and in English on request', async () => {
    const vi = (await (await t.request('/api/users', { cookie: admin, json: { username: 'x', role: 'staff', password: 'short' } })).json()) as ErrorBody;
    expect(vi.error.details![0]!.message).toBe('Mật khẩu phải có ít nhất 8 ký tự.');
    const en = (await (await t.request('/api/users?lang=en', { cookie: admin, json: { username: 'x', role: 'nobody' } })).json()) as ErrorBody;
    expect(en.error.details![0]!.message).toContain('The role must be one of: admin');
  });

  it('refuses a taken username with 409, also when it differs only in letter case', async () => {
    for (const username of ['canbo.lan', 'CanBo.Lan', 'QUANTRI', 'trần_thị-hoa']) {
      const response = await t.request('/api/users', { cookie: admin, json: { username, role: 'staff' } });
      expect(response.status, username).toBe(409);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.code).toBe('conflict');
      expect(body.error.message).toContain('Đã có tài khoản');
    }
    expect((await accounts()).filter((account) => account.username.toLowerCase() === 'canbo.lan')).toHaveLength(1);
  });

  it('refuses a PATCH with nothing to change, a bad role, a short password or an unknown id', async () => {
    const lan = (await accounts()).find((account) => account.username === 'canbo.lan')!;
    for (const json of [{}, { role: 'root' }, { password: 'short' }, { password: 'long-enough-1', generatePassword: true }, { disabled: 'yes' }]) {
      const response = await t.request(`/api/users/${lan.id}`, { method: 'PATCH', cookie: admin, json });
      expect(response.status, JSON.stringify(json)).toBe(422);
    }
    // A generatePassword that is not a boolean is named as such, not as "both".
    const notBoolean = await t.request(`/api/users/${lan.id}`, { method: 'PATCH', cookie: admin, json: { generatePassword: 'yes' } });
    expect(notBoolean.status).toBe(422);
    expect(((await notBoolean.json()) as { error: { details: Array<{ field: string; code: string }> } }).error.details).toEqual([
      expect.objectContaining({ field: 'generatePassword', code: 'invalid' }),
    ]);
    expect((await t.request('/api/users/99999', { method: 'PATCH', cookie: admin, json: { role: 'staff' } })).status).toBe(404);
    expect((await login('canbo.lan', 'mật-khẩu-lan-2026')).status).toBe(200);
  });
});

describe('only admins manage accounts', () => {
  it('answers 403 to staff, leaders and MTTQ officers, and 401 / the login page to nobody', async () => {
    const target = (await accounts()).find((account) => account.username === 'canbo.lan')!;
    for (const role of ['staff', 'leader', 'mttq'] as const) {
      const cookie = await t.signIn(role);
      expect((await t.request('/api/users', { cookie })).status).toBe(403);
      expect((await t.request('/api/users', { cookie, json: { username: `via-${role}`, role: 'admin', password: 'long-enough-1' } })).status).toBe(403);
      expect((await t.request(`/api/users/${target.id}`, { method: 'PATCH', cookie, json: { role: 'admin' } })).status).toBe(403);
      expect((await t.request('/users', { cookie })).status).toBe(403);
      expect((await form('/users', { username: `page-${role}`, role: 'admin' }, cookie)).status).toBe(403);
      expect((await form(`/users/${target.id}/password`, { password: '' }, cookie)).status).toBe(403);
      // The admins' link is not in their menu.
      expect(await (await t.request('/items', { cookie })).text()).not.toContain('href="/users"');
    }
    expect((await t.request('/api/users')).status).toBe(401);
    const page = await t.request('/users');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?next=%2Fusers');
    expect((await accounts()).some((account) => account.username.startsWith('via-') || account.username.startsWith('page-'))).toBe(false);
    expect((await accounts()).find((account) => account.id === target.id)!.role).toBe('staff');
  });
});

describe('the /users page', () => {
  it('lists the accounts with their roles in Vietnamese, linked from the admin’s menu', async () => {
    const response = await t.request('/users', { cookie: admin });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('href="/users"');
    expect(html).toContain('canbo.lan');
    expect(html).toContain('Cán bộ truyền thông');
    expect(html).toContain('Tài khoản người dùng');
  });

  it('adds an account with a generated password shown once, after a redirect', async () => {
    const response = await form('/users', { username: 'mttq.binh', role: 'mttq', password: '' });
    expect(response.status).toBe(303);
    const location = response.headers.get('location')!;
    expect(location).toMatch(/^\/users\?flash=added&id=\d+$/);
    const once = onceCookie(response);
    expect(once).not.toBeNull();

    const shown = await t.request(location, { cookie: `${admin}; ${once}` });
    expect(shown.status).toBe(200);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    const html = await shown.text();
    expect(html).toContain('Đã thêm tài khoản mttq.binh.');
    expect(html).toContain('chỉ hiện một lần');
    const password = /id="users-once-password">([A-Za-z0-9_-]{20})</.exec(html)?.[1];
    expect(password).toBeDefined();
    // The GET forgot it: the cookie is cleared, and a reload without it shows no password.
    expect(shown.headers.getSetCookie().some((line) => line.startsWith('duluan_new_password=;'))).toBe(true);
    expect(await (await t.request(location, { cookie: admin })).text()).not.toContain(password!);

    expect((await login('mttq.binh', password!)).status).toBe(200);
    expect((await accounts()).find((account) => account.username === 'mttq.binh')!.role).toBe('mttq');
  });

  it('adds an account with a typed password and shows no password', async () => {
    const response = await form('/users', { username: 'lanhdao.tu', role: 'leader', password: 'mat-khau-tu-2026' });
    expect(response.status).toBe(303);
    expect(onceCookie(response)).toBeNull();
    expect((await login('lanhdao.tu', 'mat-khau-tu-2026')).status).toBe(200);
  });

  it('keeps what was typed on an error (but never the password) and says what is wrong', async () => {
    const response = await form('/users', { username: 'ab\u0007cd', role: 'leader', password: 'secret-but-bad-name' });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('Tên đăng nhập chỉ gồm chữ cái');
    expect(html).toContain('value="ab\u0007cd"');
    expect(html).toMatch(/<option value="leader" selected="">/);
    expect(html).not.toContain('secret-but-bad-name');

    const short = await (await form('/users', { username: 'ok.name', role: 'staff', password: 'short' })).text();
    expect(short).toContain('Mật khẩu phải có ít nhất 8 ký tự.');
    expect(short).toContain('value="ok.name"');

    const taken = await form('/users', { username: 'MTTQ.Binh', role: 'staff' });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain('Đã có tài khoản «mttq.binh»');
    expect((await accounts()).some((account) => account.username === 'ok.name' || account.username === 'MTTQ.Binh')).toBe(false);
  });

  it('changes a role and resets a password from the page', async () => {
    const tu = (await accounts()).find((account) => account.username === 'lanhdao.tu')!;
    const session = await sessionOf('lanhdao.tu', 'mat-khau-tu-2026');
    const changed = await form(`/users/${tu.id}/role`, { role: 'staff' });
    expect(changed.status).toBe(303);
    expect(changed.headers.get('location')).toBe(`/users?flash=role&id=${tu.id}`);
    expect((await accounts()).find((account) => account.id === tu.id)!.role).toBe('staff');
    // The role change ended their session.
    expect((await t.request('/api/items', { cookie: session })).status).toBe(401);

    expect((await form(`/users/${tu.id}/role`, { role: 'boss' })).status).toBe(422);
    const bad = await form(`/users/${tu.id}/password`, { password: 'short' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Mật khẩu phải có ít nhất 8 ký tự.');

    const reset = await form(`/users/${tu.id}/password`, { password: '' });
    expect(reset.status).toBe(303);
    const once = onceCookie(reset)!;
    const html = await (await t.request(reset.headers.get('location')!, { cookie: `${admin}; ${once}` })).text();
    const password = /id="users-once-password">([A-Za-z0-9_-]{20})</.exec(html)?.[1];
    expect(password).toBeDefined();
    expect((await login('lanhdao.tu', 'mat-khau-tu-2026')).status).toBe(401);
    expect((await login('lanhdao.tu', password!)).status).toBe(200);
  });
});

describe('password resets, roles and locking through the API', () => {
  it('a reset makes the old password fail and ends the user’s sessions', async () => {
    const lan = (await accounts()).find((account) => account.username === 'canbo.lan')!;
    const session = await sessionOf('canbo.lan', 'mật-khẩu-lan-2026');
    expect((await t.request('/api/items', { cookie: session })).status).toBe(200);

    const given = await t.request(`/api/users/${lan.id}`, { method: 'PATCH', cookie: admin, json: { password: 'mật-khẩu-mới-2026' } });
    expect(given.status).toBe(200);
    expect(((await given.json()) as { password?: string }).password).toBeUndefined();
    expect((await t.request('/api/items', { cookie: session })).status).toBe(401);
    expect((await login('canbo.lan', 'mật-khẩu-lan-2026')).status).toBe(401);
    expect((await login('canbo.lan', 'mật-khẩu-mới-2026')).status).toBe(200);

    const generated = await t.request(`/api/users/${lan.id}`, { method: 'PATCH', cookie: admin, json: { generatePassword: true } });
    expect(generated.status).toBe(200);
    const { password } = (await generated.json()) as { password: string };
    expect(password).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect((await login('canbo.lan', 'mật-khẩu-mới-2026')).status).toBe(401);
    expect((await login('canbo.lan', password)).status).toBe(200);
  });

  it('an admin resetting their own password keeps their own session', async () => {
    const response = await t.request(`/api/users/${adminIdOf(await accounts())}`, { method: 'PATCH', cookie: admin, json: { password: PASSWORD } });
    expect(response.status).toBe(200);
    expect((await t.request('/api/users', { cookie: admin })).status).toBe(200);
  });

  it('locking refuses sign-in and ends sessions; unlocking lets them back', async () => {
    const binh = (await accounts()).find((account) => account.username === 'mttq.binh')!;
    const lanId = (await accounts()).find((account) => account.username === 'canbo.lan')!.id;
    const lanPassword = ((await (await t.request(`/api/users/${lanId}`, { method: 'PATCH', cookie: admin, json: { generatePassword: true } })).json()) as { password: string }).password;
    const session = await sessionOf('canbo.lan', lanPassword);
    const locked = await t.request(`/api/users/${lanId}`, { method: 'PATCH', cookie: admin, json: { disabled: true } });
    expect(locked.status).toBe(200);
    expect(((await locked.json()) as { user: Account }).user.disabled).toBe(true);
    expect((await t.request('/api/items', { cookie: session })).status).toBe(401);
    expect((await login('canbo.lan', lanPassword)).status).toBe(401);
    expect((await form(`/users/${lanId}/disabled`, { disabled: 'false' })).status).toBe(303);
    expect((await login('canbo.lan', lanPassword)).status).toBe(200);
    expect((await form(`/users/${binh.id}/disabled`, {})).status).toBe(422);
  });
});

function adminIdOf(list: Account[]): number {
  return list.find((account) => account.username === 'quantri')!.id;
}

describe('the last admin stays', () => {
  it('refuses to demote or lock the only active admin, with a clear message, then allows it once there is another', async () => {
    const id = adminIdOf(await accounts());
    const demote = await t.request(`/api/users/${id}`, { method: 'PATCH', cookie: admin, json: { role: 'staff' } });
    expect(demote.status).toBe(409);
    const body = (await demote.json()) as ErrorBody;
    expect(body.error.code).toBe('conflict');
    expect(body.error.message).toContain('quản trị viên duy nhất');
    expect((await t.request(`/api/users/${id}`, { method: 'PATCH', cookie: admin, json: { disabled: true } })).status).toBe(409);

    const page = await form(`/users/${id}/role`, { role: 'leader' });
    expect(page.status).toBe(409);
    expect(await page.text()).toContain('quản trị viên duy nhất');
    expect((await form(`/users/${id}/disabled`, { disabled: 'true' })).status).toBe(409);
    expect((await accounts()).find((account) => account.id === id)).toMatchObject({ role: 'admin', disabled: false });

    // A locked admin does not count: another admin who is locked leaves this one the last.
    const other = await t.request('/api/users', { cookie: admin, json: { username: 'quantri2', role: 'admin', password: 'quan-tri-2-2026' } });
    const otherId = ((await other.json()) as { user: Account }).user.id;
    expect((await t.request(`/api/users/${otherId}`, { method: 'PATCH', cookie: admin, json: { disabled: true } })).status).toBe(200);
    expect((await t.request(`/api/users/${id}`, { method: 'PATCH', cookie: admin, json: { role: 'staff' } })).status).toBe(409);

    // With a second active admin the first may step down; the refusals were logged.
    expect((await t.request(`/api/users/${otherId}`, { method: 'PATCH', cookie: admin, json: { disabled: false } })).status).toBe(200);
    const stepDown = await t.request(`/api/users/${id}`, { method: 'PATCH', cookie: admin, json: { role: 'staff' } });
    expect(stepDown.status).toBe(200);
    expect((await t.request('/api/users', { cookie: admin })).status).toBe(403);
    const other2 = await sessionOf('quantri2', 'quan-tri-2-2026');
    const denials = (await (await t.request('/api/audit/denials', { cookie: other2 })).json()) as { denials: Array<{ path: string; status: number }> };
    expect(denials.denials.some((denial) => denial.path === `/api/users/${id}` && denial.status === 409)).toBe(true);
    // And the new last admin cannot demote themselves either.
    expect((await t.request(`/api/users/${otherId}`, { method: 'PATCH', cookie: other2, json: { role: 'staff' } })).status).toBe(409);
  });
});

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Without DATABASE_URL the CLI opens its own embedded database in DATA_DIR.
    const { DATABASE_URL: _url, ...inherited } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...inherited, LOG_LEVEL: 'silent', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the CLI follows the same rules', () => {
  it('refuses a username with a control character, and a case variant of a taken name', async () => {
    const bad = await cli(['user', 'add', '--username', 'ab\u0007c', '--role', 'staff']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--username may hold only letters, digits and . _ - @');
    const dir = mkdtempSync(join(tmpdir(), 'duluan-users-'));
    try {
      const first = await cli(['user', 'add', '--username', 'An.Tran', '--role', 'mttq', '--password', 'mat-khau-an-1'], { DATA_DIR: dir });
      expect(first.stderr).toBe('');
      expect(first.stdout).toContain('user An.Tran (mttq) created');
      const second = await cli(['user', 'add', '--username', 'an.tran', '--role', 'staff'], { DATA_DIR: dir });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('a user named An.Tran already exists');
      expect(second.stdout).not.toContain('password:');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Three CLI starts and two embedded migrations took 22 s on the shared 2-core machine.
  }, 120_000);
});
