// Reads and writes of users and their sessions.
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Role, SessionUser } from '../../domain/user.ts';
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

/** Returns the user with the new password hash, or null when no such user exists. */
export async function setUserPassword(db: Db, username: string, passwordHash: string): Promise<SessionUser | null> {
  const [row] = await db.update(users).set({ passwordHash }).where(eq(users.username, username)).returning();
  return row ? { id: row.id, username: row.username, role: row.role } : null;
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
