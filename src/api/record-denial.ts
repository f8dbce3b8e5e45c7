// Writes a refused request to the audit log. Best effort: a failure to log never changes the answer.
import type { Db } from '../db/client.ts';
import { insertAccessDenial } from '../db/queries/access-denials.ts';

const ITEM_PATH = /^\/(?:api\/)?items\/(\d{1,15})(?:\/|$)/;

/** Records that `method path` was refused with `status`/`code` for `userId` (null when signed out). */
export async function recordDenial(
  db: Db,
  request: { method: string; path: string; userId: number | null; status: number; code: string },
): Promise<void> {
  const item = ITEM_PATH.exec(request.path);
  try {
    await insertAccessDenial(db, {
      userId: request.userId,
      method: request.method,
      // Paths are short; a hostile one is cut rather than stored whole.
      path: request.path.slice(0, 300),
      status: request.status,
      code: request.code.slice(0, 60),
      itemId: item ? Number(item[1]) : null,
    });
  } catch (error) {
    console.warn('audit: could not record a refused request', { status: request.status, code: request.code, error: String(error) });
  }
}
