import { beforeAll, describe, expect, it } from 'vitest';
import { officialDateVi, signatureTitleLines, writeWeeklyDocx, type WeeklyDocxOptions } from '../../../src/reports/weekly-docx.ts';
import { emptyWeeklySummary, sampleStory, sampleWeeklySummary } from '../../fixtures/weekly-summary.ts';
import { convertDocxToPdf, officeAvailable } from '../../helpers/libreoffice.ts';
import { readZip } from '../../helpers/read-zip.ts';

const OPTIONS: WeeklyDocxOptions = {
  wardName: 'Bến Thành',
  place: 'Phường Bến Thành',
  recipients: ['Thường trực Đảng ủy phường', 'Phòng Văn hóa - Xã hội'],
  signerName: 'Nguyễn Văn An',
};
const HOSTILE = '"><img src=x onerror=alert(1)> <w:p/>\u0001\u0008 & tin đồn';

const TWIPS_PER_MM = 1440 / 25.4;
const mm = (twips: number) => twips / TWIPS_PER_MM;

function attribute(xml: string, element: string, name: string): number {
  const tag = new RegExp(`<${element}\\b[^>]*>`).exec(xml)?.[0];
  if (!tag) throw new Error(`no <${element}> in the document`);
  const value = new RegExp(`\\b${name}="(-?\\d+)"`).exec(tag)?.[1];
  if (value === undefined) throw new Error(`<${element}> has no ${name}`);
  return Number(value);
}

/** The run properties of the run (<w:r>) whose text contains `text`. */
function runProperties(xml: string, text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  for (const match of xml.matchAll(/<w:r>(?:(?!<\/w:r>).)*<\/w:r>/gs)) {
    if (match[0].includes(escaped)) return /<w:rPr>(.*?)<\/w:rPr>/s.exec(match[0])?.[1] ?? '';
  }
  throw new Error(`no run holds ${JSON.stringify(text)}`);
}

function halfPoints(properties: string): number {
  return Number(/<w:sz w:val="(\d+)"/.exec(properties)?.[1] ?? Number.NaN);
}

async function documentXml(buffer: Buffer): Promise<{ document: string; styles: string }> {
  const files = readZip(buffer);
  return { document: files.get('word/document.xml')!.toString('utf8'), styles: files.get('word/styles.xml')!.toString('utf8') };
}

describe('weekly report .docx (Decree 30/2020/NĐ-CP)', () => {
  let document: string;
  let styles: string;

  beforeAll(async () => {
    ({ document, styles } = await documentXml(await writeWeeklyDocx(sampleWeeklySummary(), OPTIONS)));
  });

  it('is A4 portrait with the decree margins', () => {
    expect(mm(attribute(document, 'w:pgSz', 'w:w'))).toBeCloseTo(210, 0);
    expect(mm(attribute(document, 'w:pgSz', 'w:h'))).toBeCloseTo(297, 0);
    expect(document).not.toMatch(/w:orient="landscape"/);
    const top = mm(attribute(document, 'w:pgMar', 'w:top'));
    const bottom = mm(attribute(document, 'w:pgMar', 'w:bottom'));
    const left = mm(attribute(document, 'w:pgMar', 'w:left'));
    const right = mm(attribute(document, 'w:pgMar', 'w:right'));
    expect(top).toBeGreaterThanOrEqual(19.9);
    expect(top).toBeLessThanOrEqual(25.1);
    expect(bottom).toBeGreaterThanOrEqual(19.9);
    expect(bottom).toBeLessThanOrEqual(25.1);
    expect(left).toBeGreaterThanOrEqual(29.9);
    expect(left).toBeLessThanOrEqual(35.1);
    expect(right).toBeGreaterThanOrEqual(14.9);
    expect(right).toBeLessThanOrEqual(20.1);
  });

  it('writes Times New Roman 13–14 pt by default', () => {
    const defaults = /<w:docDefaults>.*?<\/w:docDefaults>/s.exec(styles)?.[0] ?? '';
    expect(defaults).toMatch(/<w:rFonts [^>]*w:ascii="Times New Roman"[^>]*w:hAnsi="Times New Roman"/);
    const size = halfPoints(defaults);
    expect(size).toBeGreaterThanOrEqual(26);
    expect(size).toBeLessThanOrEqual(28);
  });

  it('has the national title, motto, issuing body, number and place-date as the decree sets them', () => {
    const title = runProperties(document, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(title).toContain('<w:b/>');
    expect(halfPoints(title)).toBeGreaterThanOrEqual(24);
    expect(halfPoints(title)).toBeLessThanOrEqual(26);
    const motto = runProperties(document, 'Độc lập - Tự do - Hạnh phúc');
    expect(motto).toContain('<w:b/>');
    expect(motto).toMatch(/<w:u w:val="single"\/>/);
    expect(halfPoints(motto)).toBeGreaterThanOrEqual(26);
    expect(halfPoints(motto)).toBeLessThanOrEqual(28);
    expect(runProperties(document, 'PHƯỜNG BẾN THÀNH')).toContain('<w:b/>');
    expect(document).toContain('/BC-UBND');
    const placeDate = runProperties(document, 'Phường Bến Thành, ngày 30 tháng 11 năm 2026');
    expect(placeDate).toContain('<w:i/>');
    expect(runProperties(document, 'BÁO CÁO')).toContain('<w:b/>');
    expect(document).toContain('tuần 48 năm 2026 (từ ngày 23/11/2026 đến ngày 29/11/2026)');
  });

  it('ends with the recipients (bold italic 12 pt, entries 11 pt) and the signature block', () => {
    const label = runProperties(document, 'Nơi nhận:');
    expect(label).toContain('<w:b/>');
    expect(label).toContain('<w:i/>');
    expect(halfPoints(label)).toBe(24);
    expect(halfPoints(runProperties(document, '- Thường trực Đảng ủy phường;'))).toBe(22);
    expect(halfPoints(runProperties(document, '- Lưu: VT.'))).toBe(22);
    expect(runProperties(document, 'CHỦ TỊCH')).toContain('<w:b/>');
    expect(document).toContain('(Ký, ghi rõ họ tên)');
    expect(runProperties(document, 'Nguyễn Văn An')).toContain('<w:b/>');
  });

  it('writes dates as the decree does: day below 10 and month below 3 with a leading zero', () => {
    expect(officialDateVi(new Date('2026-01-04T03:00:00Z'))).toBe('ngày 04 tháng 01 năm 2026');
    expect(officialDateVi(new Date('2026-11-30T00:00:00Z'))).toBe('ngày 30 tháng 11 năm 2026');
    // 23:30 UTC is already the next day in Hanoi.
    expect(officialDateVi(new Date('2026-03-14T23:30:00Z'))).toBe('ngày 15 tháng 3 năm 2026');
  });

  it('holds the figures, the stories and what was done', () => {
    for (const text of ['VnExpress Giáo dục', '24,1% (14)', 'tăng 8,1 điểm %', 'Cổng thông tin điện tử phường', 'Tin đồn trường Mầm non Hoa Sen', 'tin giả', '7,5 giờ', '77,8%']) {
      expect(document, text).toContain(text);
    }
  });

  it('keeps hostile titles as text and drops characters XML forbids', async () => {
    const summary = sampleWeeklySummary({ topConcerns: [sampleStory({ title: HOSTILE, sourceName: HOSTILE })] });
    const xml = (await documentXml(await writeWeeklyDocx(summary, { ...OPTIONS, wardName: `Bến Thành\u0000` }))).document;
    expect(xml).not.toContain('<img');
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(xml).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &lt;w:p/&gt;');
    expect(xml).toContain('PHƯỜNG BẾN THÀNH');
  });

  it('says plainly that nothing was collected in an empty week', async () => {
    const xml = (await documentXml(await writeWeeklyDocx(emptyWeeklySummary(), OPTIONS))).document;
    expect(xml).toContain('không thu thập được tin nào');
    expect(xml).toContain('tuần 49 năm 2026 (từ ngày 30/11/2026 đến ngày 06/12/2026)');
    expect(xml).not.toContain('Theo nguồn tin');
  });
});

describe.runIf(officeAvailable())('weekly report .docx opened by LibreOffice', () => {
  it('converts to an A4 PDF whose text holds the national title, the week and the figures', { timeout: 180_000 }, async () => {
    const pdf = await convertDocxToPdf(await writeWeeklyDocx(sampleWeeklySummary(), OPTIONS));
    expect(pdf.info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    const text = pdf.text.replace(/\s+/g, ' ');
    for (const expected of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'ỦY BAN NHÂN DÂN',
      'PHƯỜNG BẾN THÀNH',
      '/BC-UBND',
      'BÁO CÁO',
      'tuần 48 năm 2026',
      '23/11/2026',
      '29/11/2026',
      '137 tin',
      '58 câu chuyện',
      '24,1% (14)',
      'VnExpress Giáo dục 61 27',
      'Nơi nhận:',
      'Nguyễn Văn An',
    ]) {
      expect(text, expected).toContain(expected);
    }
  });

  it('converts a week with hostile titles and an empty week without error', { timeout: 180_000 }, async () => {
    const hostile = sampleWeeklySummary({ topConcerns: [sampleStory({ title: HOSTILE })] });
    const pdf = await convertDocxToPdf(await writeWeeklyDocx(hostile, OPTIONS));
    expect(pdf.text).toContain('onerror=alert(1)');
    const empty = await convertDocxToPdf(await writeWeeklyDocx(emptyWeeklySummary(), OPTIONS));
    expect(empty.text.replace(/\s+/g, ' ')).toContain('không thu thập được tin nào');
  });
});

describe('signatureTitleLines', () => {
  it('signs on behalf of the committee, and for the chairman when a vice-chairman signs', () => {
    expect(signatureTitleLines(undefined)).toEqual(['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH']);
    expect(signatureTitleLines('Chủ tịch')).toEqual(['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH']);
    expect(signatureTitleLines('PHÓ CHỦ TỊCH')).toEqual(['TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH']);
  });

  it('keeps a title that already says how it signs, or spans lines', () => {
    expect(signatureTitleLines('KT. CHỦ TỊCH / PHÓ CHỦ TỊCH')).toEqual(['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH']);
    expect(signatureTitleLines('TL. CHỦ TỊCH')).toEqual(['TL. CHỦ TỊCH']);
    expect(signatureTitleLines('CÔNG CHỨC VĂN HÓA - XÃ HỘI')).toEqual(['CÔNG CHỨC VĂN HÓA - XÃ HỘI']);
  });
});
