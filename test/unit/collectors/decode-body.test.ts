import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { charsetFromContentType, decodeBody } from '../../../src/collectors/decode-body.ts';
import { parseFeed } from '../../../src/collectors/rss.ts';

const VIETNAMESE = 'Trường tiểu học Nguyễn Huệ thông báo lịch nghỉ Tết; phụ huynh đóng học phí ở đâu?';

// windows-1258 holds base letters with their vowel marks (ê, ơ, ư, ă, â, ô) but tone marks only as
// combining characters: decompose, then recompose just the vowel marks.
function toWindows1258Form(text: string): string {
  return text.normalize('NFD').replace(/(\p{L})(\p{M}+)/gu, (_, base: string, marks: string) => {
    const vowelMarks = marks.replace(/[^\u0302\u0306\u031B]/g, '');
    const toneMarks = marks.replace(/[\u0302\u0306\u031B]/g, '');
    return (base + vowelMarks).normalize('NFC') + toneMarks;
  });
}

function encode1258(text: string): Buffer {
  const bytes = iconv.encode(toWindows1258Form(text), 'windows-1258');
  // Guard the fixture itself: an unencodable character would come back as '?'.
  expect(iconv.decode(bytes, 'windows-1258').normalize('NFC')).toBe(text.normalize('NFC'));
  // And prove the bytes really carry combining tone marks (0xEC is U+0301 in windows-1258).
  expect(bytes.includes(0xec)).toBe(true);
  return bytes;
}

describe('decodeBody', () => {
  it('decodes a windows-1258 feed declared only in the XML prolog to NFC', async () => {
    const xml = `<?xml version="1.0" encoding="windows-1258"?>\n<rss version="2.0"><channel><title>${VIETNAMESE}</title><item><title>${VIETNAMESE}</title></item></channel></rss>`;
    const { text, charset } = decodeBody(encode1258(xml), 'application/rss+xml');
    expect(charset).toBe('windows-1258');
    expect(text).toBe(xml.normalize('NFC'));
    expect(text.normalize('NFC')).toBe(text);
    const feed = await parseFeed(text);
    expect(feed.entries[0]!.title).toBe(VIETNAMESE);
  });

  it('uses the Content-Type charset before the XML prolog', () => {
    const bytes = encode1258(`<?xml version="1.0" encoding="utf-8"?><rss><title>${VIETNAMESE}</title></rss>`);
    const { text, charset } = decodeBody(bytes, 'text/xml; charset="Windows-1258"');
    expect(charset).toBe('windows-1258');
    expect(text).toContain(VIETNAMESE);
  });

  it('uses a byte-order mark for UTF-16 and UTF-32 and strips it', () => {
    const xml = `<?xml version="1.0"?><rss><title>${VIETNAMESE}</title></rss>`;
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(xml, 'utf-16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(xml, 'utf-16be')]);
    const u32 = Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), iconv.encode(xml, 'utf-32le')]);
    expect(decodeBody(le, undefined)).toEqual({ text: xml, charset: 'utf-16le' });
    expect(decodeBody(be, 'text/xml; charset=iso-8859-1')).toEqual({ text: xml, charset: 'utf-16be' });
    expect(decodeBody(u32, undefined)).toEqual({ text: xml, charset: 'utf-32le' });
  });

  it('strips a UTF-8 BOM, zero-width spaces and whitespace before <?xml', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('\u200B \n<?xml version="1.0"?><rss/>')]);
    expect(decodeBody(bytes, undefined).text).toBe('<?xml version="1.0"?><rss/>');
  });

  it('reads the charset from <meta charset> and <meta http-equiv> in HTML', () => {
    const html = `<html><head><meta charset="windows-1258"><title>${VIETNAMESE}</title></head></html>`;
    expect(decodeBody(encode1258(html), 'text/html').text).toContain(VIETNAMESE);
    const equiv = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258"></head><body>${VIETNAMESE}</body></html>`;
    const decoded = decodeBody(encode1258(equiv), undefined);
    expect(decoded.charset).toBe('windows-1258');
    expect(decoded.text).toContain(VIETNAMESE);
  });

  it('falls back to UTF-8 for unknown charset names instead of crashing', () => {
    const bytes = Buffer.from(`<?xml version="1.0" encoding="x-klingon"?><rss><title>${VIETNAMESE}</title></rss>`);
    expect(decodeBody(bytes, 'text/xml; charset=bogus-9000')).toMatchObject({ charset: 'utf-8' });
    expect(decodeBody(bytes, 'text/xml; charset=bogus-9000').text).toContain(VIETNAMESE);
  });

  it('returns NFC for UTF-8 input written in NFD', () => {
    const { text } = decodeBody(Buffer.from(VIETNAMESE.normalize('NFD')), 'text/plain; charset=utf-8');
    expect(text).toBe(VIETNAMESE.normalize('NFC'));
  });
});

describe('charsetFromContentType', () => {
  it('reads quoted and unquoted charset parameters', () => {
    expect(charsetFromContentType('text/xml; charset=UTF-8')).toBe('UTF-8');
    expect(charsetFromContentType('text/xml;charset="windows-1258"')).toBe('windows-1258');
    expect(charsetFromContentType('text/xml')).toBeUndefined();
    expect(charsetFromContentType(undefined)).toBeUndefined();
  });
});
