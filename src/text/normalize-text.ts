// The one entry point every outside text passes through before it is stored or matched.

// Zero-width characters, bidirectional overrides and C0/C1 controls other than tab and newline:
// invisible to staff, so they would hide words from rules and search.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]|[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

// Tone placement: the project writes the tone on the first vowel of an open `oa`, `oe`, `uy`
// syllable (`hòa`, `khỏe`, `thúy`), the style most Vietnamese press uses. Text written the other
// way (`hoà`, `khoẻ`, `thuý`) is moved over so that both spellings store, search and match alike.
// Only whole syllables made of an optional Vietnamese initial consonant and the two vowels are
// touched: `hoàn`, `huỳnh`, `khuỷu`, `ngoài` (tone on the main vowel in both styles) and `quý`
// (`qu` is the initial, so `y` is the only vowel) are left alone, and so are foreign names such
// as `Zoé` or `Chloé` whose first letters are no Vietnamese initial.
const TONE_MARKS = ['\u0300', '\u0301', '\u0309', '\u0303', '\u0323'] as const;
const INITIAL = 'ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|[bcdđghklmnprstvx]';
const INITIAL_BEFORE_U = 'ngh|ng|nh|ch|gh|kh|ph|th|tr|[bcdđghklmnprstvx]'; // never q: `quý` is right
const NOT_WORD_BEFORE = '(?<![\\p{L}\\p{M}\\p{N}])';
const NOT_WORD_AFTER = '(?![\\p{L}\\p{M}\\p{N}])';

/** Maps a vowel carrying a tone mark to its bare vowel and the mark, e.g. `à` → [`a`, U+0300]. */
const TONED_VOWEL = new Map<string, readonly [string, string]>();
for (const base of ['a', 'e', 'y', 'A', 'E', 'Y']) {
  for (const mark of TONE_MARKS) TONED_VOWEL.set((base + mark).normalize('NFC'), [base, mark]);
}
const tonedClass = (bases: string): string =>
  [...TONED_VOWEL.entries()]
    .filter(([, [base]]) => bases.includes(base.toLowerCase()))
    .map(([toned]) => toned)
    .join('');

const TONE_AFTER_O = new RegExp(
  `${NOT_WORD_BEFORE}(${INITIAL})?([oO])([${tonedClass('ae')}])${NOT_WORD_AFTER}`,
  'giu',
);
const TONE_AFTER_U = new RegExp(
  `${NOT_WORD_BEFORE}(${INITIAL_BEFORE_U})?([uU])([${tonedClass('y')}])${NOT_WORD_AFTER}`,
  'giu',
);
const ANY_MOVABLE_TONE = new RegExp(`[${tonedClass('aey')}]`, 'u');

function moveToneToFirstVowel(_whole: string, initial: string | undefined, first: string, toned: string): string {
  const [bare, mark] = TONED_VOWEL.get(toned) ?? [toned, ''];
  return (initial ?? '') + (first + mark).normalize('NFC') + bare;
}

/** Returns the text with `oà`/`oé`/`uỳ`-style tone placement rewritten as `òa`/`óe`/`ùy`; same length. */
export function unifyTonePlacement(nfcText: string): string {
  if (!ANY_MOVABLE_TONE.test(nfcText)) return nfcText;
  return nfcText.replace(TONE_AFTER_O, moveToneToFirstVowel).replace(TONE_AFTER_U, moveToneToFirstVowel);
}

/** Returns the text in NFC, tone marks placed the project's way, invisible and control characters removed, CRLF made LF. */
export function normalizeText(input: string): string {
  // Invisible characters go before NFC so that a zero-width space between a letter and its
  // combining mark cannot keep the pair from composing.
  const nfc = input.replace(/\r\n?/g, '\n').replace(INVISIBLE, '').normalize('NFC');
  return unifyTonePlacement(nfc);
}
