// Staff decisions read as labelled examples for the sentiment model (`duluan train --from-decisions`).
import { and, desc, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { items, responses } from '../schema.ts';

/** One decided item as a labelled text: `neutral` when staff dismissed its negative flag, `negative` when they confirmed it. */
export interface TrainingDecision {
  itemId: number;
  label: 'negative' | 'neutral';
  title: string;
  body: string;
}

/**
 * Returns decided items the classifier flagged negative, newest first (at most `limit`): dismissed as a
 * false positive → `neutral`; confirmed — verdict fake or false, or responded to with a correction → `negative`.
 * Items both dismissed and confirmed cannot occur (a dismissed item was not responded to); a verdict on a
 * dismissed item does not make it confirmed.
 */
export async function listTrainingDecisions(db: Db, limit = 50_000): Promise<TrainingDecision[]> {
  const corrected = sql`exists (select 1 from ${responses} where ${responses.itemId} = ${items.id} and ${responses.kind} = 'correction')`;
  const falsePositive = sql`${items.status} = 'dismissed' and ${items.dismissReason} = 'false_positive'`;
  const confirmed = sql`${items.status} <> 'dismissed' and (${items.verdict} in ('fake', 'false') or (${items.status} = 'responded' and ${corrected}))`;
  const rows = await db
    .select({
      itemId: items.id,
      label: sql<'negative' | 'neutral'>`case when ${falsePositive} then 'neutral' else 'negative' end`,
      title: items.title,
      body: items.body,
    })
    .from(items)
    .where(and(sql`'negative' = any(${items.labels})`, sql`((${falsePositive}) or (${confirmed}))`))
    .orderBy(desc(items.id))
    .limit(limit);
  return rows.map((row) => ({ ...row, itemId: Number(row.itemId) }));
}
