// What a receipt lookup may read: the submission's date, its item's status and the ward's
// published responses. Never the opinion's contact, the staff's notes or who handles it.
import { asc, eq } from 'drizzle-orm';
import type { ItemStatus } from '../../domain/item.ts';
import { isPublishedResponse, publicStatusOf, type PublicFeedbackStatus } from '../../domain/public-feedback.ts';
import type { Db } from '../client.ts';
import { feedback, items, responses } from '../schema.ts';

/** Returns the public status of the submission with this receipt (exact, as stored), or null. */
export async function findPublicFeedbackStatus(db: Db, receipt: string): Promise<PublicFeedbackStatus | null> {
  const [row] = await db
    .select({ receipt: feedback.receipt, createdAt: feedback.createdAt, itemId: feedback.itemId, status: items.status })
    .from(feedback)
    .innerJoin(items, eq(items.id, feedback.itemId))
    .where(eq(feedback.receipt, receipt));
  if (!row) return null;
  const found = await db
    .select({ kind: responses.kind, channel: responses.channel, text: responses.text, respondedAt: responses.respondedAt })
    .from(responses)
    .where(eq(responses.itemId, row.itemId))
    .orderBy(asc(responses.respondedAt), asc(responses.id));
  return {
    receipt: row.receipt,
    submittedAt: row.createdAt,
    status: publicStatusOf(row.status as ItemStatus),
    responses: found
      .filter((response) => isPublishedResponse(response.kind, response.channel))
      .map(({ channel, text, respondedAt }) => ({ channel, text, respondedAt })),
  };
}
