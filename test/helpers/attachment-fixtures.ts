// Small files written here for the attachment tests: real magic bytes, PDFs with and without scripts.
import { deflateSync } from 'node:zlib';

/** A 1×1 PNG. */
export const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** The start of a JPEG (SOI, APP0 JFIF) with some bytes after it. */
export const JPEG_HEAD = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\u0000rest-of-image', 'latin1')]);

/** A Windows program: `MZ` header, as an `.exe` renamed `.jpg` would carry. */
export const EXE_HEAD = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(64, 0x41)]);

function pdf(objects: string[], extra: Buffer[] = []): Buffer {
  const body = objects.map((object, index) => `${index + 1} 0 obj\n${object}\nendobj\n`).join('');
  return Buffer.concat([Buffer.from(`%PDF-1.7\n%\xe2\xe3\xcf\xd3\n${body}`, 'latin1'), ...extra, Buffer.from('trailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1')]);
}

/** A plain one-page PDF. */
export const PDF_PLAIN = pdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>']);

/** A PDF whose catalog runs JavaScript when opened. */
export const PDF_OPEN_ACTION_JS = pdf([
  '<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>',
  '<< /Type /Pages /Kids [] /Count 0 >>',
  '<< /S /JavaScript /JS (app.alert\\(1\\)) >>',
]);

/** The same script with its names hex-escaped (`/J#61vaScript`, `/J#53`, `/Open#41ction`). */
export const PDF_HEX_ESCAPED_JS = pdf([
  '<< /Type /Catalog /Pages 2 0 R /Open#41ction 3 0 R >>',
  '<< /Type /Pages /Kids [] /Count 0 >>',
  '<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>',
]);

/** A PDF that starts a program. */
export const PDF_LAUNCH = pdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 0 /AA << /O << /S /Launch /F (cmd.exe) >> >> >>']);

/** A PDF carrying another file. */
export const PDF_EMBEDDED_FILE = pdf(['<< /Type /Catalog /Names << /EmbeddedFiles 2 0 R >> >>', '<< /Type /EmbeddedFile /Length 3 >>']);

/** A PDF hiding its script inside a compressed object stream (`/Type /ObjStm`). */
export function pdfScriptInObjectStream(): Buffer {
  const hidden = deflateSync(Buffer.from('4 0 << /S /JavaScript /JS (app.alert\\(1\\)) >>', 'latin1'));
  const head = Buffer.from(`5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${hidden.length} >>\nstream\n`, 'latin1');
  const tail = Buffer.from('\nendstream\nendobj\n', 'latin1');
  return pdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 0 >>'], [head, hidden, tail]);
}

/** A harmless PDF whose image stream happens to hold the bytes `/JS ` and `/AA ` (not names: stream data). */
export function pdfWithBinaryLookalikes(): Buffer {
  const data = Buffer.from('\x00\x01/JS \x02/AA \x03/Launch\x04', 'latin1');
  const head = Buffer.from(`4 0 obj\n<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /Length ${data.length} >>\nstream\n`, 'latin1');
  const tail = Buffer.from('\nendstream\nendobj\n', 'latin1');
  return pdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R >>'], [head, data, tail]);
}
