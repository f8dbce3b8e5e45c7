// Reads and writes of responses: what staff did about an item, logged in the audit trail too.
import { and, eq, sql } from 'drizzle-orm';
import { statusAfterResponse } from '../../domain/item.ts';
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
  answer: responses.answer,
  answeredAt: responses.answeredAt,
  createdBy: responses.createdBy,
  createdByName: users.username,
  createdAt: responses.createdAt,
};

/**
 * Returns the stored response, or null when the item does not exist; logs a `response` event in the
 * same transaction. An open item answered in public becomes `responded`, one escalated `escalated`
 * (statusAfterResponse), in that transaction too, with its `status` event and a new version (a form
 * made before it is then a conflict).
 */
export async function insertResponse(db: Db, response: NewResponse): Promise<ItemResponse | null> {
  const id = await db.transaction(async (tx) => {
    const [item] = await tx.select({ id: items.id, status: items.status }).from(items).where(eq(items.id, response.itemId)).for('update');
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
    const status = statusAfterResponse(response.kind, item.status);
    if (status !== null) {
      await tx
        .update(items)
        .set({ status, dismissReason: null, version: sql`${items.version} + 1`, updatedAt: sql`now()` })
        .where(eq(items.id, response.itemId));
      await tx.insert(triageEvents).values({ itemId: response.itemId, userId: response.userId, field: 'status', fromValue: item.status, toValue: status, note: null });
    }
    return Number(row.id);
  });
  if (id === null) return null;
  return getResponse(db, id);
}

/** Returns one response with who recorded it, or null. */
async function getResponse(db: Db, id: number): Promise<ItemResponse | null> {
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

/** An escalation's answer as staff record it (text already NFC). */
export interface EscalationAnswer {
  itemId: number;
  responseId: number;
  answer: string;
  answeredAt: Date;
  userId: number;
}

/** What recording an answer did. */
export type AnswerOutcome =
  | { kind: 'answered'; response: ItemResponse }
  | { kind: 'not_found' }
  | { kind: 'not_escalation' }
  | { kind: 'already_answered'; answeredAt: Date }
  | { kind: 'before_escalation'; respondedAt: Date };

/**
 * Records the answer of an escalation, once: a second answer is refused, so what the body said
 * stays as first recorded (the audit trail keeps notes for anything said later). Logs an `answer` event.
 */
export async function answerEscalation(db: Db, input: EscalationAnswer): Promise<AnswerOutcome> {
  const outcome = await db.transaction(async (tx): Promise<AnswerOutcome | null> => {
    const [row] = await tx
      .select({ kind: responses.kind, escalatedTo: responses.escalatedTo, answeredAt: responses.answeredAt, respondedAt: responses.respondedAt })
      .from(responses)
      .where(and(eq(responses.id, input.responseId), eq(responses.itemId, input.itemId)))
      .for('update');
    if (!row) return { kind: 'not_found' };
    if (row.kind !== 'escalation') return { kind: 'not_escalation' };
    if (row.answeredAt) return { kind: 'already_answered', answeredAt: row.answeredAt };
    // An answer cannot come before the escalation it answers (to the minute: forms give minutes).
    if (input.answeredAt.getTime() < Math.floor(row.respondedAt.getTime() / 60_000) * 60_000) return { kind: 'before_escalation', respondedAt: row.respondedAt };
    await tx
      .update(responses)
      .set({ answer: input.answer, answeredAt: input.answeredAt })
      .where(eq(responses.id, input.responseId));
    await tx.insert(triageEvents).values({
      itemId: input.itemId,
      userId: input.userId,
      field: 'answer',
      fromValue: null,
      toValue: row.escalatedTo ?? `#${input.responseId}`,
      note: input.answer,
    });
    return null;
  });
  if (outcome) return outcome;
  const response = await getResponse(db, input.responseId);
  return response ? { kind: 'answered', response } : { kind: 'not_found' };
}
