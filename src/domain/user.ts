// People who sign in, and what each role may do.

export const ROLES = ['admin', 'staff', 'leader', 'mttq'] as const;
export type Role = (typeof ROLES)[number];

/** A signed-in user as routes see it. Never carries the password hash. */
export interface SessionUser {
  id: number;
  username: string;
  role: Role;
}

/** Roles that may change an item's triage state. */
export const TRIAGE_ROLES: readonly Role[] = ['admin', 'staff'];
/** Roles that may read the item queue. */
export const READ_ITEM_ROLES: readonly Role[] = ['admin', 'staff', 'leader'];

/** Returns true when `value` names a role. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The longest username, in characters (code points). */
export const USERNAME_MAX_LENGTH = 64;
/** The shortest password anyone may be given (the same rule as ADMIN_PASSWORD). */
export const PASSWORD_MIN_LENGTH = 8;
/** The longest password sign-in accepts. */
export const PASSWORD_MAX_LENGTH = 1000;

export type UsernameProblem = 'required' | 'too_long' | 'invalid_chars';
export type PasswordProblem = 'too_short' | 'too_long';

// Letters of any script (with their combining marks), digits, and . _ - @: no spaces, no control
// or invisible characters, so two accounts never differ by something nobody can see.
const USERNAME_PATTERN = /^[\p{L}\p{M}\p{N}._@-]+$/u;

/**
 * Returns the username as stored (NFC, surrounding spaces dropped) or what is wrong with it.
 * The one rule for every way of creating an account: the CLI, the API and the page.
 */
export function checkUsername(raw: unknown): { ok: true; username: string } | { ok: false; problem: UsernameProblem } {
  const username = typeof raw === 'string' ? raw.normalize('NFC').trim() : '';
  if (username === '') return { ok: false, problem: 'required' };
  if ([...username].length > USERNAME_MAX_LENGTH) return { ok: false, problem: 'too_long' };
  if (!USERNAME_PATTERN.test(username)) return { ok: false, problem: 'invalid_chars' };
  return { ok: true, username };
}

/** Returns what is wrong with a new password, or null when it may be used (lengths as sign-in and ADMIN_PASSWORD count them). */
export function checkPassword(password: string): PasswordProblem | null {
  if (password.length < PASSWORD_MIN_LENGTH) return 'too_short';
  if (password.length > PASSWORD_MAX_LENGTH) return 'too_long';
  return null;
}

/** Returns the key two usernames share when they differ only in letter case (they may not both exist). */
export function usernameKey(username: string): string {
  return username.normalize('NFC').toLowerCase();
}

/** A user as the account list shows it (never the password hash). */
export interface UserAccount extends SessionUser {
  disabled: boolean;
  createdAt: Date;
}
