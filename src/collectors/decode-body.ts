// Bytes to text. Vietnamese sites still serve legacy charsets (windows-1258 with combining tone
// marks, declared only in the XML prolog or a <meta>), so the charset is looked for in every
// place it may be declared before falling back to UTF-8; the result is always NFC.
import iconv from 'iconv-lite';
import { normalizeText } from '../text/normalize-text.ts';

export interface DecodedBody {
  text: string;
  /** The charset used, lower-case, as iconv-lite knows it. */
  charset: string;
}

const SNIFF_BYTES = 4096;
const FALLBACK = 'utf-8';

/** Returns the body decoded to NFC text and the charset used (header, BOM, XML prolog, <meta>, else UTF-8). */
export function decodeBody(bytes: Buffer, contentType: string | undefined): DecodedBody {
  // A byte-order mark is unambiguous about the bytes, so it outranks a header that servers
  // often set by default (the order HTML and RFC 7303 use).
  const charset =
    charsetFromBom(bytes) ??
    charsetFromXmlBytes(bytes) ??
    usable(charsetFromContentType(contentType)) ??
    usable(charsetFromXmlProlog(bytes)) ??
    usable(charsetFromMeta(bytes)) ??
    FALLBACK;
  const decoded = iconv.decode(bytes, charset, { stripBOM: true });
  const text = normalizeText(demoronize(decoded)).replace(/^[\uFEFF\u200B\s]+(?=<\?xml)/, '');
  return { text, charset };
}

// Labels that real documents use for windows-1252 text: smart quotes and dashes in the
// 0x80–0x9F range would otherwise become C1 controls (the WHATWG Encoding Standard maps them too).
const WINDOWS_1252_LABELS = new Set(['iso-8859-1', 'iso8859-1', 'iso_8859-1', 'latin1', 'latin-1', 'l1', 'us-ascii', 'ascii', 'ansi_x3.4-1968', 'cp819', 'ibm819', 'iso-ir-100']);

function usable(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  let label = name.trim().toLowerCase();
  if (WINDOWS_1252_LABELS.has(label)) label = 'windows-1252';
  // A UTF-16/32 label without a BOM or a recognisable `<?xml` pattern: the bytes decide.
  if (label === 'utf-16' || label === 'utf16') label = 'utf-16le';
  if (label === 'utf-32' || label === 'utf32') label = 'utf-32le';
  return label !== '' && iconv.encodingExists(label) ? label : undefined;
}

// XML 1.0 Appendix F: without a BOM, the first bytes of `<?` show a UTF-16/32 document, whose
// declared charset would otherwise be unreadable to the ASCII-based sniffing below.
function charsetFromXmlBytes(bytes: Buffer): string | undefined {
  if (bytes.length < 4) return undefined;
  const [a, b, c, d] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (a === 0x3c && b === 0 && c === 0 && d === 0) return 'utf-32le';
  if (a === 0 && b === 0 && c === 0 && d === 0x3c) return 'utf-32be';
  if (a === 0x3c && b === 0 && c === 0x3f && d === 0) return 'utf-16le';
  if (a === 0 && b === 0x3c && c === 0 && d === 0x3f) return 'utf-16be';
  return undefined;
}

/** Returns the charset parameter of a Content-Type header value, if any. */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '');
  return match?.[1];
}

function charsetFromBom(bytes: Buffer): string | undefined {
  const [a, b, c, d] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (a === 0xff && b === 0xfe && c === 0x00 && d === 0x00) return 'utf-32le';
  if (a === 0x00 && b === 0x00 && c === 0xfe && d === 0xff) return 'utf-32be';
  if (a === 0xef && b === 0xbb && c === 0xbf) return 'utf-8';
  if (a === 0xff && b === 0xfe) return 'utf-16le';
  if (a === 0xfe && b === 0xff) return 'utf-16be';
  return undefined;
}

function asciiHead(bytes: Buffer): string {
  // latin1 maps every byte to one char, so ASCII declarations read the same in any ASCII-compatible charset.
  return bytes.subarray(0, SNIFF_BYTES).toString('latin1');
}

function charsetFromXmlProlog(bytes: Buffer): string | undefined {
  const match = /^[\s\u00a0]*(?:\u00e2\u0080\u008b)?\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(asciiHead(bytes));
  return match?.[1];
}

function charsetFromMeta(bytes: Buffer): string | undefined {
  const head = asciiHead(bytes);
  for (const tag of head.match(/<meta\b[^>]*>/gi) ?? []) {
    const direct = /\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/i.exec(tag);
    if (direct) return direct[1];
  }
  return undefined;
}

// C1 control characters (U+0080–U+009F) in decoded text are almost always windows-1252 bytes
// that a tool mislabelled (curly quotes, dashes, €): read them as the characters meant.
const C1_AS_1252 = new Map<string, string>();
for (let code = 0x80; code <= 0x9f; code += 1) {
  const char = iconv.decode(Buffer.from([code]), 'windows-1252');
  if (char !== '\ufffd' && char.charCodeAt(0) !== code) C1_AS_1252.set(String.fromCharCode(code), char);
}

/** Returns `text` with C1 control characters read as the windows-1252 characters they stand for. */
export function demoronize(text: string): string {
  return /[\u0080-\u009f]/.test(text) ? text.replace(/[\u0080-\u009f]/g, (c) => C1_AS_1252.get(c) ?? c) : text;
}
