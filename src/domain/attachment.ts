// Files attached to a citizen's opinion: the type is found by reading the content (magic bytes),
// never from the name or the type the client claimed; PDFs that can run anything are refused;
// names are cleaned so they can never act as a path or hide their real extension.
import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';

/** Largest single attachment, in bytes. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
/** Most attachments on one submission. */
export const MAX_ATTACHMENTS = 5;
/** Largest sum of the attachments of one submission, in bytes. */
export const MAX_ATTACHMENTS_TOTAL_BYTES = 15 * 1024 * 1024;
/** Longest kept filename, in characters (extension included). */
export const MAX_FILENAME_CHARS = 120;

/** The types accepted, as found in the content. */
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

const EXTENSIONS: Record<AttachmentType, readonly string[]> = {
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
};

/** Why an attachment was refused: each names a message in the catalogue (`feedbackError.<code>`). */
export type AttachmentProblem =
  | 'attachment_empty'
  | 'attachment_too_large'
  | 'attachment_type'
  | 'attachment_pdf_active'
  | 'attachment_invalid';

/** An attachment that passed every check, ready to store. */
export interface ValidAttachment {
  filename: string;
  contentType: AttachmentType;
  size: number;
  sha256: string;
  data: Buffer;
}

/** The outcome of checking one attachment. */
export type CheckedAttachment = { ok: true; attachment: ValidAttachment } | { ok: false; problem: AttachmentProblem };

function startsWith(data: Uint8Array, bytes: readonly number[], at = 0): boolean {
  if (data.length < at + bytes.length) return false;
  return bytes.every((byte, index) => data[at + index] === byte);
}

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

/** Returns the type the content is (magic bytes), or null when it is none of the accepted ones. */
export function sniffAttachmentType(data: Uint8Array): AttachmentType | null {
  if (startsWith(data, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(data, ascii('GIF87a')) || startsWith(data, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(data, ascii('RIFF')) && startsWith(data, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(data, ascii('%PDF-'))) return 'application/pdf';
  return null;
}

// PDF names that make a reader run something, open something or carry a file: refused outright.
// `/AA` (additional actions) and `/OpenAction` fire on open; `/Launch` starts programs;
// `/EmbeddedFile(s)` carry other files; `/RichMedia` Flash; `/XFA` scripted forms;
// `/Encrypt` hides the streams from this very check.
const ACTIVE_PDF_NAMES = new Set([
  'javascript',
  'js',
  'openaction',
  'aa',
  'launch',
  'embeddedfile',
  'embeddedfiles',
  'richmedia',
  'xfa',
  'submitform',
  'importdata',
  'gotoe',
  'encrypt',
]);

// A PDF name: `/` then regular characters; `#xx` escapes any byte (`/J#61vaScript` is `/JavaScript`).
const PDF_NAME = /\/((?:[^\s/<>[\](){}%#]|#[0-9A-Fa-f]{2})+)/g;

function namesIn(text: string): string[] {
  return [...text.matchAll(PDF_NAME)].map((match) =>
    match[1]!.replace(/#([0-9A-Fa-f]{2})/g, (_all, hex: string) => String.fromCharCode(parseInt(hex, 16))).toLowerCase(),
  );
}

function hasActiveName(text: string): boolean {
  return namesIn(text).some((name) => ACTIVE_PDF_NAMES.has(name));
}

// Dictionaries live outside streams, except in object streams (`/Type /ObjStm`), which hide them
// compressed: those are inflated (bounded) and read too. Other streams (images, page content) are
// not read as names: their bytes would match `/JS` by chance.
const INFLATE_BUDGET_BYTES = 32 * 1024 * 1024;
const STREAM_START = /(?<!end)stream\r?\n/g;

/** Returns true when the PDF holds scripts, actions on open, launches, embedded files or encryption. */
export function pdfHasActiveContent(data: Buffer): boolean {
  const text = data.toString('latin1');
  let budget = INFLATE_BUDGET_BYTES;
  let outside = '';
  let from = 0;
  STREAM_START.lastIndex = 0;
  for (let match = STREAM_START.exec(text); match; match = STREAM_START.exec(text)) {
    const start = match.index + match[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    const dictionary = text.slice(Math.max(from, match.index - 4096), match.index);
    outside += text.slice(from, match.index) + '\n';
    from = end + 'endstream'.length;
    STREAM_START.lastIndex = from;
    if (!namesIn(dictionary).includes('objstm')) continue;
    if (budget <= 0) return true;
    let inflated: Buffer;
    try {
      inflated = inflateSync(data.subarray(start, end), { maxOutputLength: budget });
    } catch {
      // An object stream that cannot be read, or is bigger than the budget, cannot be checked: refused.
      return true;
    }
    budget -= inflated.length;
    if (hasActiveName(inflated.toString('latin1'))) return true;
  }
  outside += text.slice(from);
  return hasActiveName(outside);
}

// Characters that hide, reorder or break a name: controls, zero-width, bidi marks and overrides.
const FILENAME_BAD = /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
// Characters Windows, shells or headers treat specially.
const FILENAME_RESERVED = /[<>:"|?*\\/;]/g;

/** Returns a safe file name for the content's type: no path, no hidden characters, NFC, length-capped, the right extension. */
export function cleanAttachmentFilename(raw: string, type: AttachmentType): string {
  const base = raw.split(/[/\\]/).pop() ?? '';
  let name = base
    .normalize('NFC')
    .replace(FILENAME_BAD, '')
    .replace(FILENAME_RESERVED, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  const allowed = EXTENSIONS[type];
  const dot = name.lastIndexOf('.');
  let stem = name;
  let extension = allowed[0]!;
  if (dot > 0) {
    const given = name.slice(dot + 1).toLowerCase();
    stem = name.slice(0, dot);
    // A name claiming another type (`ảnh.exe` holding a JPEG) gets the extension of what it is.
    if (allowed.includes(given)) extension = given;
  }
  stem = stem.replace(/[.\s]+$/, '');
  if (stem === '') stem = 'tep-dinh-kem';
  const room = MAX_FILENAME_CHARS - extension.length - 1;
  const chars = [...stem];
  if (chars.length > room) stem = chars.slice(0, room).join('').trimEnd();
  name = `${stem}.${extension}`;
  return name;
}

/** Checks one attachment by its content and size; returns it ready to store or the problem found. */
export function checkAttachment(filename: string, data: Buffer): CheckedAttachment {
  if (data.length === 0) return { ok: false, problem: 'attachment_empty' };
  if (data.length > MAX_ATTACHMENT_BYTES) return { ok: false, problem: 'attachment_too_large' };
  const contentType = sniffAttachmentType(data);
  if (!contentType) return { ok: false, problem: 'attachment_type' };
  if (contentType === 'application/pdf' && pdfHasActiveContent(data)) return { ok: false, problem: 'attachment_pdf_active' };
  return {
    ok: true,
    attachment: {
      filename: cleanAttachmentFilename(filename, contentType),
      contentType,
      size: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      data,
    },
  };
}

/** Returns a Content-Disposition header value that downloads the file under its cleaned name. */
export function attachmentDisposition(filename: string): string {
  const fallback = filename.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/[^\x20-\x7E]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** An attachment as received: the name the client gave and the bytes. */
export interface RawAttachment {
  filename: string;
  data: Buffer;
}

/** A problem with one attachment (`attachments.N`) or with all of them (`attachments`). */
export interface AttachmentError {
  field: string;
  code: AttachmentProblem | 'too_many_attachments' | 'attachments_too_large';
}

/** Checks a submission's attachments: count, total size, then each one; all problems at once. */
export function checkAttachments(
  raw: readonly RawAttachment[],
): { ok: true; attachments: ValidAttachment[] } | { ok: false; errors: AttachmentError[] } {
  const errors: AttachmentError[] = [];
  if (raw.length > MAX_ATTACHMENTS) errors.push({ field: 'attachments', code: 'too_many_attachments' });
  if (raw.reduce((sum, entry) => sum + entry.data.length, 0) > MAX_ATTACHMENTS_TOTAL_BYTES) errors.push({ field: 'attachments', code: 'attachments_too_large' });
  const attachments: ValidAttachment[] = [];
  raw.forEach((entry, index) => {
    const checked = checkAttachment(entry.filename, entry.data);
    if (checked.ok) attachments.push(checked.attachment);
    else errors.push({ field: `attachments.${index}`, code: checked.problem });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, attachments };
}
