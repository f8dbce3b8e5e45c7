// A staff member's named queue filter.

/** The longest name a saved view may have (characters, after NFC). */
export const MAX_VIEW_NAME_LENGTH = 80;
/** How many views one person may keep. */
export const MAX_VIEWS_PER_USER = 50;

/** A saved queue filter: the query string the queue page reads (`?status=open&label=negative`). */
export interface SavedView {
  id: number;
  name: string;
  query: string;
  createdAt: Date;
}
