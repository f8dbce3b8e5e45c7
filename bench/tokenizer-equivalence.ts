// Checks that tokenizeSyllables (a scan over character classes) finds the same syllables as the
// regular expression it replaced, on the eval data, random strings of tricky characters, and NFD.
//   npx tsx bench/tokenizer-equivalence.ts
import { fileURLToPath } from 'node:url';
import { tokenizeSyllables, tokenizeSyllablesByPattern } from '../src/text/tokenize-syllables.ts';
import { readFileSync } from 'node:fs';
import { normalizeText, unifyTonePlacement } from '../src/text/normalize-text.ts';
const texts = ['uit-vsfc-dev.tsv','vihsd-dev.tsv','vihsd-train.tsv','uit-vsfc-train.tsv'].flatMap(f => readFileSync(fileURLToPath(new URL('../../shared/data/eval/', import.meta.url))+f,'utf8').split('\n'));
// random strings from an alphabet of tricky characters
const alphabet = ['1','2','0','.',',',' ','a','B','đ','Đ','\u0301','\u200b','\u00ad','é','ẹ','İ','ß','😀','𝟏','𝐀','\ud835','\udc00','-','\n','٣','²','Ⅻ','_','ǅ','ﬁ','\ufeff','\u0323','x','9'];
let r = 12345; const rnd = () => ((r = (Math.imul(r, 1103515245) + 12345) >>> 0) / 2 ** 32);
for (let k = 0; k < 300000; k++) { let t = ''; const n = Math.floor(rnd() * 12); for (let i = 0; i < n; i++) t += alphabet[Math.floor(rnd() * alphabet.length)]; texts.push(t); }
const all = texts.concat(texts.map((t) => t.normalize("NFD")));
let bad = 0;
for (const t of all) { const a = JSON.stringify(tokenizeSyllables(t)), b = JSON.stringify(tokenizeSyllablesByPattern(t)); if (a !== b) { if (bad++ < 5) console.log(JSON.stringify(t), a, b); } }
console.log("texts", all.length, 'bad', bad);

// normalizeText's fast path (text already NFC, nothing invisible) against the full normaliser.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]|[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const fullNormalize = (input: string) => unifyTonePlacement(input.replace(/\r\n?/g, '\n').replace(INVISIBLE, '').normalize('NFC'));
const extra = ['\r', '\r\n', 'Å', 'Å', '\u2000', '😀', '\u0345', 'ö', 'o\u0308', 'hoà', 'thuý', 'Ω', 'K', '\u1100\u1161', 'ḱ', '…', '€', '♥', '✓', '\u2060'];
let normalizeBad = 0;
for (const t of all.concat(all.slice(0, 200000).map((t, i) => t + extra[i % extra.length]! + t))) {
  if (normalizeText(t) !== fullNormalize(t)) { if (normalizeBad++ < 5) console.log('normalize differs', JSON.stringify(t)); }
}
console.log('normalizeText: bad', normalizeBad);
if (bad > 0 || normalizeBad > 0) process.exitCode = 1;
