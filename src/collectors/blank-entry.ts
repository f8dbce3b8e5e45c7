// An entry with neither a title nor any body text says nothing: stored, it would be a blank row in
// the queue and the weekly report. Links, guids and dates alone do not make an entry worth keeping.
import type { ParsedEntry } from '../domain/item.ts';

// White space, invisible format characters (zero-width space, BOM, direction marks) and controls.
const NOTHING = /[\s\p{Cf}\p{Cc}]+/gu;

/** Returns true when the text is empty once white space and invisible characters are removed. */
export function isBlankText(text: string | null | undefined): boolean {
  return (text ?? '').replace(NOTHING, '') === '';
}

/** Returns true when the entry has no title and no body text: nothing to read or classify. */
export function isBlankEntry(entry: Pick<ParsedEntry, 'title' | 'body'>): boolean {
  return isBlankText(entry.title) && isBlankText(entry.body);
}
