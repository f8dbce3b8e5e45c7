// Reads and writes of users and their sessions.
import { and, eq, inArray, lt, ne, sql } from 'drizzle-orm';
import { usernameKey, type Role, type SessionUser, type UserAccount } from '../../domain/user.ts';
import type { Db } from '../client.ts';
import { preparedPerDatabase } from '../prepare-once.ts';
import { sessions, users } from '../schema.ts';

/** Returns the user with this name and its password hash, or null. */
export async function findUserForLogin(
  db: Db,
  username: string,
): Promise<(SessionUser & { passwordHash: string; disabled: boolean }) | null> {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  if (!row) return null;
  return { id: row.id, username: row.username, role: row.role, passwordHash: row.passwordHash, disabled: row.disabled };
}

/** Returns the new user; throws when the name is taken. */
export async function insertUser(db: Db, user: { username: string; role: Role; passwordHash: string }): Promise<SessionUser> {
  const [row] = await db.insert(users).values(user).returning();
  if (!row) throw new Error('db: insert into users returned no row');
  return { id: row.id, username: row.username, role: row.role };
}

/** Returns the user with the new password hash, or null when no such user exists; the user's sessions end. */
export async function setUserPassword(db: Db, username: string, passwordHash: string): Promise<SessionUser | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.update(users).set({ passwordHash }).where(eq(users.username, username)).returning();
    if (!row) return null;
    await tx.delete(sessions).where(eq(sessions.userId, row.id));
    return { id: row.id, username: row.username, role: row.role };
  });
}

/** Every account, by name, for the admin's list. */
export async function listUserAccounts(db: Db): Promise<UserAccount[]> {
  return db
    .select({ id: users.id, username: users.username, role: users.role, disabled: users.disabled, createdAt: users.createdAt })
    .from(users)
    .orderBy(users.username, users.id);
}

/**
 * Creates the account unless its name is taken, also when the names differ only in letter case
 * (`An` and `an` would be two accounts nobody tells apart). Returns the new user, or the name
 * already taken.
 */
export async function createUser(
  db: Db,
  user: { username: string; role: Role; passwordHash: string },
): Promise<{ ok: true; user: UserAccount } | { ok: false; taken: string }> {
  const key = usernameKey(user.username);
  // The list is short (a ward's officers); comparing here folds case the same on every database.
  const names = await db.select({ username: users.username }).from(users);
  const clash = names.find((row) => usernameKey(row.username) === key);
  if (clash) return { ok: false, taken: clash.username };
  const [row] = await db.insert(users).values(user).onConflictDoNothing({ target: users.username }).returning();
  if (!row) return { ok: false, taken: user.username };
  return { ok: true, user: { id: row.id, username: row.username, role: row.role, disabled: row.disabled, createdAt: row.createdAt } };
}

/** What an admin changes on an account; absent fields stay. */
export interface UserChange {
  role?: Role;
  passwordHash?: string;
  disabled?: boolean;
}

export type UserChangeOutcome = { kind: 'ok'; user: UserAccount } | { kind: 'not_found' } | { kind: 'last_admin' };

/**
 * Changes the account in one transaction. Refuses (`last_admin`) to take the admin role from, or
 * disable, the only active admin: the active admins' rows are locked first, so two admins demoting
 * each other at once cannot both succeed. A new role, password or disabling ends the user's
 * sessions, except `keepSession` (the admin's own, when they change their own account).
 */
export async function changeUser(db: Db, id: number, change: UserChange, keepSession: string | null = null): Promise<UserChangeOutcome> {
  return db.transaction(async (tx) => {
    const admins = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, 'admin'), eq(users.disabled, false)))
      .orderBy(users.id)
      .for('update');
    const [current] = await tx.select().from(users).where(eq(users.id, id)).for('update');
    if (!current) return { kind: 'not_found' } as const;
    const isActiveAdmin = current.role === 'admin' && !current.disabled;
    const staysActiveAdmin = (change.role ?? current.role) === 'admin' && !(change.disabled ?? current.disabled);
    if (isActiveAdmin && !staysActiveAdmin && admins.length <= 1) return { kind: 'last_admin' } as const;
    const [row] = await tx.update(users).set(change).where(eq(users.id, id)).returning();
    if (!row) return { kind: 'not_found' } as const;
    const endsSessions =
      change.passwordHash !== undefined || (change.role !== undefined && change.role !== current.role) || (change.disabled === true && !current.disabled);
    if (endsSessions) {
      await tx
        .delete(sessions)
        .where(keepSession === null ? eq(sessions.userId, id) : and(eq(sessions.userId, id), ne(sessions.idHash, keepSession)));
    }
    return { kind: 'ok', user: { id: row.id, username: row.username, role: row.role, disabled: row.disabled, createdAt: row.createdAt } } as const;
  });
}

/** Returns the active users with one of the roles, by name (e.g. who an item can be assigned to). */
export async function listUsersByRole(db: Db, roles: readonly Role[]): Promise<SessionUser[]> {
  if (roles.length === 0) return [];
  return db
    .select({ id: users.id, username: users.username, role: users.role })
    .from(users)
    .where(and(inArray(users.role, [...roles]), eq(users.disabled, false)))
    .orderBy(users.username);
}

/** Returns how many users exist. */
export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(users);
  return row?.count ?? 0;
}

/** Stores a session keyed by the hash of its id. */
export async function insertSession(db: Db, session: { idHash: string; userId: number; expiresAt: Date }): Promise<void> {
  await db.insert(sessions).values(session);
}

// The session lookup runs on every request: built and prepared once per database handle (building it cost more app CPU than running it).
const preparedSessionUser = preparedPerDatabase((db: Db) =>
  db
    .select({ id: users.id, username: users.username, role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        sql`${sessions.idHash} = ${sql.placeholder('idHash')}`,
        sql`${sessions.expiresAt} > ${sql.placeholder('now')}::timestamptz`,
        eq(users.disabled, false),
      ),
    )
    .prepare('session_user'),
);

/** Returns the live session's user, or null when the session is unknown, expired or the user disabled. */
export async function findSessionUser(db: Db, idHash: string, now: Date): Promise<SessionUser | null> {
  const [row] = await preparedSessionUser(db).execute({ idHash, now: now.toISOString() });
  return row ?? null;
}

/** Deletes one session (logout). */
export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, idHash));
}

/** Deletes expired sessions; returns how many went. */
export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  const rows = await db.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ idHash: sessions.idHash });
  return rows.length;
}
