// Reads and writes of responses: what staff did about an item, logged in the audit trail too.
import { eq } from 'drizzle-orm';
import type { ItemResponse, ResponseChannel, ResponseKind } from '../../domain/response.ts';
import type { Db } from '../client.ts';
import { items, responses, triageEvents, users } from '../schema.ts';

/** A response as staff record it; the link is already checked to be http(s). */
export interface NewResponse {
  itemId: number;
  kind: ResponseKind;
  channel: ResponseChannel;
  text: string;
  link: string | null;
  respondedAt: Date | null;
  escalatedTo?: string | null;
  dueAt?: Date | null;
  userId: number;
}

const responseColumns = {
  id: responses.id,
  itemId: responses.itemId,
  kind: responses.kind,
  channel: responses.channel,
  text: responses.text,
  link: responses.link,
  respondedAt: responses.respondedAt,
  escalatedTo: responses.escalatedTo,
  dueAt: responses.dueAt,
  createdBy: responses.createdBy,
  createdByName: users.username,
  createdAt: responses.createdAt,
};

/** Returns the stored response, or null when the item does not exist; logs a `response` event in the same transaction. */
export async function insertResponse(db: Db, response: NewResponse): Promise<ItemResponse | null> {
  const id = await db.transaction(async (tx) => {
    const [item] = await tx.select({ id: items.id }).from(items).where(eq(items.id, response.itemId)).for('update');
    if (!item) return null;
    const [row] = await tx
      .insert(responses)
      .values({
        itemId: response.itemId,
        kind: response.kind,
        channel: response.channel,
        text: response.text,
        link: response.link,
        respondedAt: response.respondedAt ?? new Date(),
        escalatedTo: response.escalatedTo ?? null,
        dueAt: response.dueAt ?? null,
        createdBy: response.userId,
      })
      .returning({ id: responses.id });
    if (!row) throw new Error('db: insert into responses returned no row');
    await tx.insert(triageEvents).values({
      itemId: response.itemId,
      userId: response.userId,
      field: 'response',
      fromValue: null,
      toValue: `${response.kind} / ${response.channel}`,
      note: response.text,
    });
    return Number(row.id);
  });
  if (id === null) return null;
  const [row] = await db
    .select(responseColumns)
    .from(responses)
    .leftJoin(users, eq(users.id, responses.createdBy))
    .where(eq(responses.id, id));
  return row ? { ...row, id: Number(row.id), itemId: Number(row.itemId) } : null;
}

/** Returns the item's responses, oldest first, with who recorded each. */
export async function listResponses(db: Db, itemId: number): Promise<ItemResponse[]> {
  const rows = await db
    .select(responseColumns)
    .from(responses)
    .leftJoin(users, eq(users.id, responses.createdBy))
    .where(eq(responses.itemId, itemId))
    .orderBy(responses.respondedAt, responses.id);
  return rows.map((row) => ({ ...row, id: Number(row.id), itemId: Number(row.itemId) }));
}
