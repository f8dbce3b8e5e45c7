// The log of refused requests: written when a request is denied, read by supervisors.
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { accessDenials, users } from '../schema.ts';

/** One refused request. */
export interface AccessDenial {
  id: number;
  at: Date;
  userId: number | null;
  username: string | null;
  method: string;
  path: string;
  status: number;
  code: string;
  itemId: number | null;
}

export type NewAccessDenial = Omit<AccessDenial, 'id' | 'at' | 'username'>;

/** Appends one refused request to the log. */
export async function insertAccessDenial(db: Db, denial: NewAccessDenial): Promise<void> {
  await db.insert(accessDenials).values(denial);
}

const columns = {
  id: accessDenials.id,
  at: accessDenials.at,
  userId: accessDenials.userId,
  username: users.username,
  method: accessDenials.method,
  path: accessDenials.path,
  status: accessDenials.status,
  code: accessDenials.code,
  itemId: accessDenials.itemId,
};

/** Returns the most recent refused requests, newest first; those naming `itemId` only when given. */
export async function listAccessDenials(db: Db, options: { itemId?: number; limit?: number } = {}): Promise<AccessDenial[]> {
  const query = db.select(columns).from(accessDenials).leftJoin(users, eq(users.id, accessDenials.userId));
  const rows = await (options.itemId === undefined ? query : query.where(eq(accessDenials.itemId, options.itemId)))
    .orderBy(desc(accessDenials.at), desc(accessDenials.id))
    .limit(options.limit ?? 200);
  return rows.map((row) => ({ ...row, id: Number(row.id), itemId: row.itemId === null ? null : Number(row.itemId) }));
}
