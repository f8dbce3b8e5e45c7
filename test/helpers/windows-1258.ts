// Builds windows-1258 fixtures the way legacy Vietnamese software wrote them.
import iconv from 'iconv-lite';

/** Returns Vietnamese text as windows-1258 bytes: letters with circumflex, breve or horn precomposed, tone marks combining. */
export function toWindows1258(text: string): Buffer {
  const composedBases = text
    .normalize('NFD')
    .replace(/[aeoAEOuU][\u0302\u0306\u031B]/g, (pair) => pair.normalize('NFC'));
  return iconv.encode(composedBases, 'windows-1258');
}
