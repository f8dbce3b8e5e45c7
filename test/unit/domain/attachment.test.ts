// Attachments checked by content: magic bytes, PDFs that can run anything, names cleaned; contacts
// compared and pseudonymised the same way everywhere.
import { describe, expect, it } from 'vitest';
import {
  MAX_ATTACHMENT_BYTES,
  MAX_FILENAME_CHARS,
  attachmentDisposition,
  checkAttachment,
  checkAttachments,
  cleanAttachmentFilename,
  pdfHasActiveContent,
  sniffAttachmentType,
} from '../../../src/domain/attachment.ts';
import { citizenPseudonym, normaliseContact, withDefaultRetention } from '../../../src/domain/privacy.ts';
import {
  EXE_HEAD,
  JPEG_HEAD,
  PDF_EMBEDDED_FILE,
  PDF_HEX_ESCAPED_JS,
  PDF_LAUNCH,
  PDF_OPEN_ACTION_JS,
  PDF_PLAIN,
  PNG_1PX,
  pdfScriptInObjectStream,
  pdfWithBinaryLookalikes,
} from '../../helpers/attachment-fixtures.ts';

describe('sniffAttachmentType', () => {
  it('finds the type from the first bytes, whatever the name says', () => {
    expect(sniffAttachmentType(PNG_1PX)).toBe('image/png');
    expect(sniffAttachmentType(JPEG_HEAD)).toBe('image/jpeg');
    expect(sniffAttachmentType(Buffer.from('GIF89a\x01\x00', 'latin1'))).toBe('image/gif');
    expect(sniffAttachmentType(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(sniffAttachmentType(PDF_PLAIN)).toBe('application/pdf');
  });

  it('knows no executable, HTML, SVG or truncated header', () => {
    expect(sniffAttachmentType(EXE_HEAD)).toBeNull();
    expect(sniffAttachmentType(Buffer.from('<html><script>alert(1)</script>'))).toBeNull();
    expect(sniffAttachmentType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'))).toBeNull();
    expect(sniffAttachmentType(Buffer.from([0xff, 0xd8]))).toBeNull();
    expect(sniffAttachmentType(Buffer.from('RIFF\x10\x00\x00\x00WAVE', 'latin1'))).toBeNull();
  });
});

describe('pdfHasActiveContent', () => {
  it('accepts a plain PDF and one whose image bytes merely look like names', () => {
    expect(pdfHasActiveContent(PDF_PLAIN)).toBe(false);
    expect(pdfHasActiveContent(pdfWithBinaryLookalikes())).toBe(false);
  });

  it('refuses JavaScript, open actions, launches and embedded files, hex-escaped names included', () => {
    expect(pdfHasActiveContent(PDF_OPEN_ACTION_JS)).toBe(true);
    expect(pdfHasActiveContent(PDF_HEX_ESCAPED_JS)).toBe(true);
    expect(pdfHasActiveContent(PDF_LAUNCH)).toBe(true);
    expect(pdfHasActiveContent(PDF_EMBEDDED_FILE)).toBe(true);
    expect(pdfHasActiveContent(Buffer.from('%PDF-1.4\n1 0 obj << /Encrypt 2 0 R >> endobj', 'latin1'))).toBe(true);
  });

  it('reads compressed object streams, where a script can hide', () => {
    expect(pdfHasActiveContent(pdfScriptInObjectStream())).toBe(true);
  });
});

describe('checkAttachment', () => {
  it('refuses an .exe renamed .jpg, an empty file and one over the size limit', () => {
    expect(checkAttachment('anh-truong.jpg', EXE_HEAD)).toEqual({ ok: false, problem: 'attachment_type' });
    expect(checkAttachment('rong.png', Buffer.alloc(0))).toEqual({ ok: false, problem: 'attachment_empty' });
    const big = Buffer.concat([PNG_1PX, Buffer.alloc(MAX_ATTACHMENT_BYTES)]);
    expect(checkAttachment('lon.png', big)).toEqual({ ok: false, problem: 'attachment_too_large' });
    expect(checkAttachment('don.pdf', PDF_HEX_ESCAPED_JS)).toEqual({ ok: false, problem: 'attachment_pdf_active' });
  });

  it('keeps a good file with its sniffed type, size and hash, whatever type was claimed', () => {
    const checked = checkAttachment('ảnh.gif', PNG_1PX);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.attachment).toMatchObject({ filename: 'ảnh.png', contentType: 'image/png', size: PNG_1PX.length });
    expect(checked.attachment.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports every problem of a batch at once, by position', () => {
    const result = checkAttachments([
      { filename: 'a.png', data: PNG_1PX },
      { filename: 'b.jpg', data: EXE_HEAD },
      { filename: 'c.pdf', data: PDF_OPEN_ACTION_JS },
    ]);
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: 'attachments.1', code: 'attachment_type' },
        { field: 'attachments.2', code: 'attachment_pdf_active' },
      ],
    });
    const many = checkAttachments(Array.from({ length: 6 }, () => ({ filename: 'x.png', data: PNG_1PX })));
    expect(many.ok ? [] : many.errors).toContainEqual({ field: 'attachments', code: 'too_many_attachments' });
  });
});

describe('cleanAttachmentFilename', () => {
  it('drops paths, control and direction-override characters; NFC; the extension of what it is', () => {
    expect(cleanAttachmentFilename('../../etc/passwd', 'image/png')).toBe('passwd.png');
    expect(cleanAttachmentFilename('C:\\Users\\lan\\Ảnh trường.JPG', 'image/jpeg')).toBe('Ảnh trường.jpg');
    // `photo‮gpj.exe` shows as `photoexe.jpg` in a file manager.
    expect(cleanAttachmentFilename('photo\u202Egpj.exe', 'image/jpeg')).toBe('photogpj.jpg');
    expect(cleanAttachmentFilename('đơn\r\nkiến nghị.pdf', 'application/pdf')).toBe('đơnkiến nghị.pdf');
    const nfd = 'Học phí.pdf'.normalize('NFD');
    expect(cleanAttachmentFilename(nfd, 'application/pdf')).toBe('Học phí.pdf'.normalize('NFC'));
    expect(cleanAttachmentFilename('...', 'image/gif')).toBe('tep-dinh-kem.gif');
    expect(cleanAttachmentFilename('a"b;c.png', 'image/png')).toBe('a_b_c.png');
  });

  it('caps the length, keeping the extension', () => {
    const name = cleanAttachmentFilename(`${'ư'.repeat(500)}.pdf`, 'application/pdf');
    expect([...name].length).toBe(MAX_FILENAME_CHARS);
    expect(name.endsWith('.pdf')).toBe(true);
  });

  it('writes a Content-Disposition that downloads under the UTF-8 name with an ASCII fallback', () => {
    expect(attachmentDisposition('Ảnh trường.jpg')).toBe(`attachment; filename="Anh truong.jpg"; filename*=UTF-8''${encodeURIComponent('Ảnh trường.jpg')}`);
  });
});

describe('contacts', () => {
  it('normalises phones to digits (+84 → 0) and e-mails to lowercase', () => {
    expect(normaliseContact(' 0912 345 678 ')).toBe('0912345678');
    expect(normaliseContact('+84 912-345-678')).toBe('0912345678');
    expect(normaliseContact('(84) 912.345.678')).toBe('0912345678');
    expect(normaliseContact('  Lan.Nguyen@Example.VN ')).toBe('lan.nguyen@example.vn');
  });

  it('gives one citizen one pseudonym, another citizen another, and none without data', () => {
    const a = citizenPseudonym('s'.repeat(64), { name: 'Lan', contact: '0912 345 678' });
    expect(a).toMatch(/^CIT-[0-9A-F]{8}$/);
    expect(citizenPseudonym('s'.repeat(64), { name: 'Nguyễn Thị Lan', contact: '+84912345678' })).toBe(a);
    expect(citizenPseudonym('s'.repeat(64), { name: 'Lan', contact: '0912 345 679' })).not.toBe(a);
    expect(citizenPseudonym('t'.repeat(64), { name: 'Lan', contact: '0912 345 678' })).not.toBe(a);
    expect(citizenPseudonym('s'.repeat(64), null)).toBe('');
  });

  it('reads the retention setting with a default for anything malformed', () => {
    expect(withDefaultRetention({ days: 30 })).toEqual({ days: 30 });
    expect(withDefaultRetention({ days: 0 })).toEqual({ days: 365 });
    expect(withDefaultRetention('x')).toEqual({ days: 365 });
  });
});
