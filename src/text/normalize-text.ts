// The one entry point every outside text passes through before it is stored or matched.

import { readCodeUnits } from './fold-text.ts';

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

function moveToneToFirstVowel(_whole: string, initial: string | undefined, first: string, toned: string): string {
  const [bare, mark] = TONED_VOWEL.get(toned) ?? [toned, ''];
  return (initial ?? '') + (first + mark).normalize('NFC') + bare;
}

const ANY_MOVABLE_TONE = new RegExp(`[${tonedClass('aey')}]`, 'u');
/** Up to this length, the character scans below are cheaper than the regular expressions and ICU. */
const SHORT_TEXT = 256;

// Code units of the toned vowels each pattern moves from: `a`/`e` after `o`, `y` after `u`.
const TONED_A_E = new Set([...tonedClass('ae')].map((ch) => ch.charCodeAt(0)));
const TONED_Y = new Set([...tonedClass('y')].map((ch) => ch.charCodeAt(0)));

/** Returns true when some toned `a`/`e` follows `o`/`O` or some toned `y` follows `u`/`U`: only then can a pattern match. */
function hasMovableTone(text: string): boolean {
  const last = text.length - 1;
  for (let i = 0; i < last; i++) {
    const code = text.charCodeAt(i);
    if (code === 111 || code === 79) {
      if (TONED_A_E.has(text.charCodeAt(i + 1))) return true;
    } else if (code === 117 || code === 85) {
      if (TONED_Y.has(text.charCodeAt(i + 1))) return true;
    }
  }
  return false;
}

/** Returns the text with `oà`/`oé`/`uỳ`-style tone placement rewritten as `òa`/`óe`/`ùy`; same length. */
export function unifyTonePlacement(nfcText: string): string {
  // Short texts: one pass over the characters; long ones: the regular expression usually stops at
  // the first toned vowel, well before a scan for a movable pair would end.
  if (nfcText.length <= SHORT_TEXT ? !hasMovableTone(nfcText) : !ANY_MOVABLE_TONE.test(nfcText)) return nfcText;
  return nfcText.replace(TONE_AFTER_O, moveToneToFirstVowel).replace(TONE_AFTER_U, moveToneToFirstVowel);
}

/**
 * Returns true when every code unit is one that NFC leaves alone whatever surrounds it and that
 * normalizeText keeps: tab, newline, printable ASCII, Latin-1 and Latin Extended-A/B letters and
 * symbols, the precomposed Vietnamese letters (U+1E00–U+1EFF), common punctuation, currency,
 * symbols and dingbats, and emoji (surrogate pairs of U+1F000–U+1FBFF). None of these has a
 * canonical decomposition or composes with a neighbour; combining marks, invisible and control
 * characters and CR are not in the set, so such text needs the full normaliser.
 */
function isPlainNfc(input: string): boolean {
  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i);
    if (code < 0x300) {
      if (code >= 0x20 ? code >= 0x7f && (code <= 0x9f || code === 0xad) : code !== 9 && code !== 10) return false;
    } else if (code >= 0x1e00 && code <= 0x1eff) {
      continue;
    } else if (code >= 0x2010 && code <= 0x2027) {
      continue;
    } else if ((code >= 0x2030 && code <= 0x205e) || (code >= 0x20a0 && code <= 0x20c0) || (code >= 0x2190 && code <= 0x21ff) || (code >= 0x2600 && code <= 0x27bf)) {
      continue;
    } else if (code >= 0xd83c && code <= 0xd83e) {
      const next = input.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else {
      return false;
    }
  }
  return true;
}

// isPlainNfc and hasMovableTone in one pass over a table: per code unit, what the two scans ask of it.
const NOT_PLAIN = 0;
const PLAIN = 1;
const HIGH_SURROGATE = 2; // plain when a low surrogate follows (emoji)
const PLAIN_O = 3; // `o`/`O`: a movable tone when a toned `a`/`e` follows
const PLAIN_U = 4; // `u`/`U`: a movable tone when a toned `y` follows
const PLAIN_TONED_A_E = 5;
const PLAIN_TONED_Y = 6;
const SCAN_CLASS = new Uint8Array(0x10000);
for (let code = 0; code < 0x10000; code++) {
  const character = String.fromCharCode(code);
  SCAN_CLASS[code] =
    code >= 0xd83c && code <= 0xd83e
      ? HIGH_SURROGATE
      : !isPlainNfc(character)
        ? NOT_PLAIN
        : code === 111 || code === 79
          ? PLAIN_O
          : code === 117 || code === 85
            ? PLAIN_U
            : TONED_A_E.has(code)
              ? PLAIN_TONED_A_E
              : TONED_Y.has(code)
                ? PLAIN_TONED_Y
                : PLAIN;
}
const SCANNED_NOT_PLAIN = 0;
const SCANNED_PLAIN = 1;
const SCANNED_MOVABLE = 2;

/** Returns SCANNED_NOT_PLAIN unless isPlainNfc(input), else SCANNED_MOVABLE when hasMovableTone(input), else SCANNED_PLAIN. */
function scanPlain(input: string): number {
  const length = input.length;
  const units = readCodeUnits(input);
  let movable = false;
  for (let i = 0; i < length; i++) {
    const kind = SCAN_CLASS[units[i] as number] as number;
    if (kind === PLAIN) continue;
    if (kind === NOT_PLAIN) return SCANNED_NOT_PLAIN;
    if (kind === HIGH_SURROGATE) {
      const next = i + 1 < length ? (units[i + 1] as number) : -1;
      if (!(next >= 0xdc00 && next <= 0xdfff)) return SCANNED_NOT_PLAIN;
      i++;
    } else if (kind === PLAIN_O) {
      if (i + 1 < length && SCAN_CLASS[units[i + 1] as number] === PLAIN_TONED_A_E) movable = true;
    } else if (kind === PLAIN_U) {
      if (i + 1 < length && SCAN_CLASS[units[i + 1] as number] === PLAIN_TONED_Y) movable = true;
    }
  }
  return movable ? SCANNED_MOVABLE : SCANNED_PLAIN;
}

/** Returns the text in NFC, tone marks placed the project's way, invisible and control characters removed, CRLF made LF. */
export function normalizeText(input: string): string {
  // Most text arrives already in NFC without invisible characters: nothing to remove or compose,
  // and usually no tone to move (one scan over a table says both, whatever the text's length).
  const scanned = scanPlain(input);
  if (scanned === SCANNED_PLAIN) return input;
  if (scanned === SCANNED_MOVABLE) return input.replace(TONE_AFTER_O, moveToneToFirstVowel).replace(TONE_AFTER_U, moveToneToFirstVowel);
  // Invisible characters go before NFC so that a zero-width space between a letter and its
  // combining mark cannot keep the pair from composing.
  const nfc = input.replace(/\r\n?/g, '\n').replace(INVISIBLE, '').normalize('NFC');
  return unifyTonePlacement(nfc);
}
