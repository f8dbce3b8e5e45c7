// The weekly summary as an official report (.docx) in the format of Decree 30/2020/NĐ-CP:
// A4 portrait, Times New Roman, the decree's margins, the header table (issuing body and number on
// the left, national title, motto, place and date on the right), the title and subject, the body,
// then the recipients (bottom left) and the signature block (bottom right).
// The document is Vietnamese only: it is an administrative text, not a page of the dashboard.
import {
  AlignmentType,
  BorderStyle,
  Document,
  Header,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  Table,
  TableBorders,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
  convertMillimetersToTwip,
} from 'docx';
import { t } from '../../dashboard/i18n/messages.ts';
import type { ItemStatus, Verdict } from '../domain/item.ts';
import type { ResponseChannel, ResponseKind } from '../domain/response.ts';
import type { SentimentShares, StorySummary, WeeklySummary } from '../domain/weekly-summary.ts';

/** The media type of a .docx document. */
export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** What the report's header and footer need beyond the figures. */
export interface WeeklyDocxOptions {
  /** The ward's name as written after "Phường", e.g. "Bến Thành". */
  wardName: string;
  /** The place written before the date, e.g. "Phường Bến Thành". */
  place: string;
  /** The "Nơi nhận" entries; "Lưu: VT" is added when missing. */
  recipients?: string[];
  /** The signer's title, e.g. "CHỦ TỊCH" or "PHÓ CHỦ TỊCH" (see signatureTitleLines); written upper case. */
  signerTitle?: string;
  signerName?: string;
}

/** The page geometry and type sizes the report uses (Decree 30/2020/NĐ-CP, Appendix I). */
export const WEEKLY_DOCX_LAYOUT = {
  /** A4 in millimetres. */
  pageWidthMm: 210,
  pageHeightMm: 297,
  marginTopMm: 20,
  marginBottomMm: 20,
  marginLeftMm: 30,
  marginRightMm: 15,
  font: 'Times New Roman',
  /** Sizes in points. */
  bodyPt: 14,
  nationalTitlePt: 12,
  mottoPt: 14,
  tablePt: 13,
  placeDatePt: 13,
  recipientsLabelPt: 12,
  recipientsPt: 11,
} as const;

const L = WEEKLY_DOCX_LAYOUT;
const TEXT_WIDTH = convertMillimetersToTwip(L.pageWidthMm - L.marginLeftMm - L.marginRightMm);
const HEADER_LEFT = Math.round(TEXT_WIDTH * 0.38);
const HEADER_RIGHT = TEXT_WIDTH - HEADER_LEFT;
const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const STATUS_VI: Record<ItemStatus, string> = {
  new: 'mới',
  in_review: 'đang xem xét',
  responded: 'đã phản hồi',
  escalated: 'đã chuyển cấp trên',
  dismissed: 'đã bỏ qua',
};
const VERDICT_VI: Record<Verdict, string> = {
  fake: 'tin giả',
  false: 'tin sai sự thật',
  verified: 'tin xác thực',
  unverified: 'chưa xác minh',
};
const KIND_VI: Record<ResponseKind, string> = {
  correction: 'đính chính',
  clarification: 'làm rõ thông tin',
  reply: 'trả lời',
  escalation: 'chuyển cơ quan có thẩm quyền',
  report_up: 'báo cáo cấp trên',
};
// A channel's name as the catalogue writes it in Vietnamese.
const channelVi = (channel: ResponseChannel): string => t('vi', `responseChannel.${channel}`);
const LABEL_VI: Record<string, string> = {
  negative: 'Tiêu cực',
  misinformation: 'Dấu hiệu tin sai',
  offensive: 'Xúc phạm',
  relevant: 'Liên quan giáo dục/phường',
  positive: 'Tích cực',
  other: 'Khác',
};

// Collected text is hostile: XML 1.0 forbids most control characters, and one would make the
// whole document unreadable. Keep tab and newline out too (runs are single lines).
function clean(value: string): string {
  return value.normalize('NFC').replace(/[\u0000-\u001f\u007f-\u009f\ufffe\uffff]/g, ' ');
}

const PT = (points: number) => points * 2;

function run(text: string, options: { bold?: boolean; italics?: boolean; size?: number; underline?: boolean } = {}): TextRun {
  return new TextRun({
    text: clean(text),
    bold: options.bold,
    italics: options.italics,
    size: options.size === undefined ? undefined : PT(options.size),
    underline: options.underline ? {} : undefined,
  });
}

function centered(children: TextRun[], spacing: { before?: number; after?: number } = {}): Paragraph {
  return new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: spacing.before ?? 0, after: spacing.after ?? 0 }, children });
}

// A body paragraph: justified, first line indented 1 cm, 6 pt after (the decree's minimum).
function body(children: TextRun[] | string, keepNext = false): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.JUSTIFIED,
    keepNext,
    indent: { firstLine: convertMillimetersToTwip(10) },
    spacing: { before: 0, after: 120, line: 300 },
    children: typeof children === 'string' ? [run(children)] : children,
  });
}

function heading(text: string): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.JUSTIFIED,
    indent: { firstLine: convertMillimetersToTwip(10) },
    spacing: { before: 120, after: 120 },
    keepNext: true,
    children: [run(text, { bold: true })],
  });
}

// A short centred rule under a heading line: a bottom border on a narrow, centred empty paragraph.
function shortRule(cellWidth: number, length: number): Paragraph {
  const side = Math.max(0, Math.round((cellWidth - length) / 2));
  return new Paragraph({
    indent: { left: side, right: side },
    spacing: { before: 0, after: 60 },
    border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 1 } },
    children: [],
  });
}

function numberVi(value: number, digits = 0): string {
  return new Intl.NumberFormat('vi-VN', { maximumFractionDigits: digits }).format(value);
}

function percentVi(share: number | null): string {
  return share === null || !Number.isFinite(share) ? '—' : `${numberVi(share * 100, 1)}%`;
}

function pointsVi(points: number): string {
  const rounded = Math.round(points * 10) / 10;
  if (rounded === 0) return 'không đổi';
  return `${rounded > 0 ? 'tăng' : 'giảm'} ${numberVi(Math.abs(rounded), 1)} điểm %`;
}

// `YYYY-MM-DD` as `dd/MM/yyyy`.
function localDateVi(date: string): string {
  const [year, month, day] = date.split('-');
  return `${day}/${month}/${year}`;
}

// The local date (Asia/Ho_Chi_Minh) of an instant as [year, month, day].
function localParts(instant: Date): { year: number; month: number; day: number } {
  const parts: Record<string, string> = {};
  for (const part of new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(instant)) {
    parts[part.type] = part.value;
  }
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) };
}

function instantVi(iso: string): string {
  const { year, month, day } = localParts(new Date(iso));
  return `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${year}`;
}

/** Returns "ngày 05 tháng 01 năm 2026" as the decree writes dates (day below 10 and month below 3 get a 0). */
export function officialDateVi(instant: Date): string {
  const { year, month, day } = localParts(instant);
  const dayText = day < 10 ? `0${day}` : String(day);
  const monthText = month < 3 ? `0${month}` : String(month);
  return `ngày ${dayText} tháng ${monthText} năm ${year}`;
}

// The first and last local dates of the week (Monday and Sunday).
function weekDates(summary: WeeklySummary): { first: string; last: string } {
  const first = summary.byDay[0]?.date;
  const last = summary.byDay[summary.byDay.length - 1]?.date;
  if (first && last) return { first: localDateVi(first), last: localDateVi(last) };
  return { first: instantVi(summary.from), last: instantVi(new Date(new Date(summary.to).getTime() - 1).toISOString()) };
}

/** Returns the report's subject line: "Tình hình dư luận về giáo dục tuần 48 năm 2026 (từ ngày … đến ngày …)". */
export function weeklySubjectVi(summary: WeeklySummary, wardName: string): string {
  const match = /^(\d{4})-W(\d{2})$/.exec(summary.week);
  const weekText = match ? `tuần ${Number(match[2])} năm ${match[1]}` : `tuần ${summary.week}`;
  const { first, last } = weekDates(summary);
  return `Tình hình dư luận về giáo dục trên địa bàn phường ${wardName} ${weekText} (từ ngày ${first} đến ngày ${last})`;
}

const NO_BORDERS = TableBorders.NONE;

function headerTable(summary: WeeklySummary, options: WeeklyDocxOptions): Table {
  // The issuing body in full on two lines, as ward committees write it: ỦY BAN NHÂN DÂN / PHƯỜNG …
  const issuingBody = ['ỦY BAN NHÂN DÂN', `PHƯỜNG ${options.wardName}`.toLocaleUpperCase('vi-VN')];
  const nationalTitle = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
  const motto = 'Độc lập - Tự do - Hạnh phúc';
  const place = `${options.place}, ${officialDateVi(new Date(summary.generatedAt))}`;
  const left = new TableCell({
    width: { size: HEADER_LEFT, type: WidthType.DXA },
    borders: NO_BORDERS,
    children: [
      ...issuingBody.map((line) => centered([run(line, { bold: true, size: L.tablePt })])),
      shortRule(HEADER_LEFT, Math.round(HEADER_LEFT * 0.4)),
      centered([run('Số:       /BC-UBND', { size: L.tablePt })], { before: 120 }),
    ],
  });
  const right = new TableCell({
    width: { size: HEADER_RIGHT, type: WidthType.DXA },
    borders: NO_BORDERS,
    children: [
      centered([run(nationalTitle, { bold: true, size: L.nationalTitlePt })]),
      centered([run(motto, { bold: true, size: L.mottoPt, underline: true })]),
      centered([run(place, { italics: true, size: L.placeDatePt })], { before: 240 }),
    ],
  });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [HEADER_LEFT, HEADER_RIGHT],
    layout: TableLayoutType.FIXED,
    borders: NO_BORDERS,
    rows: [new TableRow({ children: [left, right] })],
  });
}

// A table of figures in the body: header row bold, 13 pt, thin borders.
function figureTable(columns: readonly string[], rows: ReadonlyArray<readonly string[]>, widths: readonly number[]): Table {
  const total = widths.reduce((sum, width) => sum + width, 0);
  const twips = widths.map((width) => Math.round((width / total) * TEXT_WIDTH));
  const cell = (text: string, at: number, bold: boolean) =>
    new TableCell({
      width: { size: twips[at] ?? 0, type: WidthType.DXA },
      verticalAlign: VerticalAlign.CENTER,
      margins: { left: 80, right: 80, top: 40, bottom: 40 },
      children: [new Paragraph({ alignment: at === 0 ? AlignmentType.LEFT : AlignmentType.CENTER, children: [run(text, { bold, size: L.tablePt })] })],
    });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: twips,
    layout: TableLayoutType.FIXED,
    rows: [
      new TableRow({ tableHeader: true, children: columns.map((column, at) => cell(column, at, true)) }),
      ...rows.map((row) => new TableRow({ cantSplit: true, children: row.map((text, at) => cell(text, at, false)) })),
    ],
  });
}

function spacer(): Paragraph {
  return new Paragraph({ spacing: { before: 0, after: 120 }, children: [] });
}

function sentimentRow(label: string, part: 'negative' | 'neutral' | 'positive', summary: WeeklySummary): string[] {
  const now: SentimentShares = summary.sentiment;
  const before = summary.previousSentiment;
  const change = summary.sentimentChange;
  return [
    label,
    `${percentVi(now[`${part}Share`])} (${numberVi(now[part])})`,
    before ? `${percentVi(before[`${part}Share`])} (${numberVi(before[part])})` : '—',
    change ? pointsVi(change[part]) : '—',
  ];
}

function storyParagraphs(stories: readonly StorySummary[], withVerdict: boolean): Paragraph[] {
  return stories.map((story, index) => {
    const facts = [`nguồn: ${story.sourceName}`, `${numberVi(story.copies)} bản tin`, `tình trạng: ${STATUS_VI[story.status]}`];
    if (withVerdict && story.verdict) facts.push(`kết luận: ${VERDICT_VI[story.verdict]}`);
    const done =
      story.responses.length === 0
        ? 'Chưa có phản hồi.'
        : `Đã xử lý: ${story.responses
            .map((response) => `${KIND_VI[response.kind]} trên ${channelVi(response.channel)} (${instantVi(response.respondedAt)})`)
            .join('; ')}.`;
    return body([run(`${index + 1}. `), run(`“${story.title}”`, { italics: true }), run(` (${facts.join('; ')}). ${done}`)]);
  });
}

function bodySections(summary: WeeklySummary): Array<Paragraph | Table> {
  if (summary.empty) {
    return [
      heading('I. TÌNH HÌNH CHUNG'),
      body(`Trong tuần (${weekDates(summary).first} – ${weekDates(summary).last}), hệ thống không thu thập được tin nào về giáo dục trên địa bàn; không có số liệu để tổng hợp.`),
      ...summary.narrative.map((paragraph) => body(paragraph)),
    ];
  }
  const totals = summary.totals;
  const responses = summary.responsesByChannel.reduce((sum, row) => sum + row.count, 0);
  const time = summary.responseTime;
  const out: Array<Paragraph | Table> = [
    heading('I. TÌNH HÌNH CHUNG'),
    // The narrative is written from the same figures; without it, state the totals plainly.
    ...(summary.narrative.length > 0
      ? summary.narrative.map((paragraph) => body(paragraph))
      : [
          body(
            `Trong tuần, hệ thống thu thập ${numberVi(totals.items)} tin, thuộc ${numberVi(totals.stories)} câu chuyện (các tin cùng nội dung được tính là một câu chuyện); ${numberVi(totals.flaggedStories)} câu chuyện cần chú ý.`,
          ),
        ]),
    body('Số tin và câu chuyện theo ngày:', true),
    figureTable(
      ['Ngày', 'Số tin', 'Số câu chuyện'],
      summary.byDay.map((day) => [localDateVi(day.date), numberVi(day.items), numberVi(day.stories)]),
      [2, 1, 1],
    ),
    spacer(),
    body('Theo nguồn tin:', true),
    figureTable(
      ['Nguồn tin', 'Số tin', 'Số câu chuyện'],
      summary.bySource.map((row) => [row.sourceName, numberVi(row.items), numberVi(row.stories)]),
      [2, 1, 1],
    ),
    spacer(),
    body('Theo chủ đề:', true),
    figureTable(
      ['Chủ đề', 'Số tin', 'Số câu chuyện'],
      summary.byTopic.map((row) => [LABEL_VI[row.topic] ?? row.topic, numberVi(row.items), numberVi(row.stories)]),
      [2, 1, 1],
    ),
    spacer(),
    body(
      summary.previousSentiment
        ? 'Sắc thái các câu chuyện trong tuần so với tuần trước:'
        : 'Sắc thái các câu chuyện trong tuần (tuần trước không có câu chuyện để so sánh):',
      true,
    ),
    figureTable(
      ['Sắc thái', 'Tuần này', 'Tuần trước', 'Thay đổi'],
      [
        sentimentRow('Tiêu cực', 'negative', summary),
        sentimentRow('Trung tính', 'neutral', summary),
        sentimentRow('Tích cực', 'positive', summary),
      ],
      [1.2, 1.2, 1.2, 1.4],
    ),
    spacer(),
    heading('II. CÁC VỤ VIỆC TIÊU CỰC, SAI SỰ THẬT NỔI BẬT VÀ KẾT QUẢ XỬ LÝ'),
    ...(summary.topConcerns.length === 0
      ? [body('Trong tuần không có câu chuyện tiêu cực hoặc sai sự thật cần xử lý.')]
      : storyParagraphs(summary.topConcerns, true)),
    heading('III. CÔNG TÁC PHẢN HỒI, ĐÍNH CHÍNH THÔNG TIN'),
    body(
      responses === 0
        ? 'Trong tuần chưa có phản hồi nào được ghi nhận.'
        : `Trong tuần có ${numberVi(responses)} lượt phản hồi, đính chính trên các kênh thông tin của phường:`,
      responses > 0,
    ),
    ...(responses === 0
      ? []
      : [
          figureTable(
            ['Kênh', 'Số lượt'],
            summary.responsesByChannel.map((row) => [channelVi(row.channel), numberVi(row.count)]),
            [3, 1],
          ),
          spacer(),
        ]),
    body(
      time.responded === 0
        ? `Không có tin có hạn xử lý nào được phản hồi trong tuần; ${numberVi(time.overdue)} tin quá hạn chưa xử lý vào cuối tuần.`
        : `${numberVi(time.responded)} tin có hạn xử lý đã được phản hồi; thời gian đến phản hồi đầu tiên (trung vị) là ${time.medianHours === null ? '—' : numberVi(time.medianHours, 1)} giờ; tỷ lệ phản hồi trong hạn ${percentVi(time.withinDeadlineShare)}; ${numberVi(time.overdue)} tin quá hạn chưa xử lý vào cuối tuần.`,
    ),
    heading('IV. Ý KIẾN DO MẶT TRẬN TỔ QUỐC PHƯỜNG CHUYỂN ĐẾN'),
    body(
      summary.feedback.received === 0
        ? 'Trong tuần không có ý kiến nào được chuyển đến.'
        : `Trong tuần tiếp nhận ${numberVi(summary.feedback.received)} ý kiến; tình trạng xử lý: ${summary.feedback.byStatus
            .map((row) => `${STATUS_VI[row.status]} ${numberVi(row.count)}`)
            .join(', ')}.`,
    ),
    heading('V. THÔNG TIN TÍCH CỰC, GƯƠNG ĐIỂN HÌNH CẦN LAN TỎA'),
    ...(summary.positiveStories.length === 0
      ? [body('Trong tuần không ghi nhận câu chuyện tích cực nào.')]
      : storyParagraphs(summary.positiveStories, false)),
  ];
  return out;
}

/**
 * Returns the lines above the signature. A report of the People's Committee is signed on its behalf
 * ("TM. ỦY BAN NHÂN DÂN"); a vice-chairman signs for the chairman ("KT. CHỦ TỊCH"). A title that
 * already says how it signs (TM., KT., TL., TUQ., Q.) or spans lines is kept as given.
 */
export function signatureTitleLines(signerTitle: string | undefined): string[] {
  // The settings hold one line: " / " separates the lines of a title written in full.
  const lines = (signerTitle ?? 'CHỦ TỊCH')
    .split(/\s+\/\s+|\n/)
    .map((line) => clean(line).trim().toLocaleUpperCase('vi-VN'))
    .filter(Boolean);
  if (lines.length === 0) lines.push('CHỦ TỊCH');
  if (lines.length > 1 || /^(TM|KT|TL|TUQ|Q)\./.test(lines[0]!)) return lines;
  if (lines[0] === 'CHỦ TỊCH') return ['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH'];
  if (lines[0]!.startsWith('PHÓ CHỦ TỊCH')) return ['TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH', lines[0]!];
  return lines;
}

function closingTable(options: WeeklyDocxOptions): Table {
  const given = (options.recipients ?? ['Thường trực Đảng ủy phường', 'Chủ tịch, các Phó Chủ tịch UBND phường']).map((entry) => clean(entry).trim()).filter(Boolean);
  const recipients = given.some((entry) => /^lưu\b/i.test(entry)) ? given : [...given, 'Lưu: VT'];
  const titleLines = signatureTitleLines(options.signerTitle);
  const left = new TableCell({
    width: { size: HEADER_LEFT, type: WidthType.DXA },
    borders: NO_BORDERS,
    children: [
      new Paragraph({ children: [run('Nơi nhận:', { bold: true, italics: true, size: L.recipientsLabelPt })] }),
      ...recipients.map(
        (entry, index) => new Paragraph({ children: [run(`- ${entry.replace(/[;.]+$/, '')}${index === recipients.length - 1 ? '.' : ';'}`, { size: L.recipientsPt })] }),
      ),
    ],
  });
  const right = new TableCell({
    width: { size: HEADER_RIGHT, type: WidthType.DXA },
    borders: NO_BORDERS,
    children: [
      ...titleLines.map((line) => centered([run(line.toLocaleUpperCase('vi-VN'), { bold: true, size: L.bodyPt })])),
      centered([run('(Ký, ghi rõ họ tên)', { italics: true, size: L.bodyPt })]),
      // Room for the signature and the seal.
      ...[1, 2, 3, 4].map(() => centered([run('')])),
      centered([run(options.signerName ?? '', { bold: true, size: L.bodyPt })]),
    ],
  });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [HEADER_LEFT, HEADER_RIGHT],
    layout: TableLayoutType.FIXED,
    borders: NO_BORDERS,
    rows: [new TableRow({ cantSplit: true, children: [left, right] })],
  });
}

/** Returns the .docx bytes of the weekly report for `summary`, in the format of Decree 30/2020/NĐ-CP. */
export async function writeWeeklyDocx(summary: WeeklySummary, options: WeeklyDocxOptions): Promise<Buffer> {
  const wardName = clean(options.wardName).trim();
  const settings: WeeklyDocxOptions = { ...options, wardName, place: clean(options.place).trim() };
  const subject = weeklySubjectVi(summary, wardName);
  const document = new Document({
    title: `Báo cáo ${subject}`,
    creator: `UBND phường ${wardName}`,
    styles: {
      default: {
        document: {
          run: { font: L.font, size: PT(L.bodyPt) },
          paragraph: { spacing: { before: 0, after: 0 } },
        },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: {
              width: convertMillimetersToTwip(L.pageWidthMm),
              height: convertMillimetersToTwip(L.pageHeightMm),
              orientation: PageOrientation.PORTRAIT,
            },
            margin: {
              top: convertMillimetersToTwip(L.marginTopMm),
              bottom: convertMillimetersToTwip(L.marginBottomMm),
              left: convertMillimetersToTwip(L.marginLeftMm),
              right: convertMillimetersToTwip(L.marginRightMm),
              header: convertMillimetersToTwip(10),
              footer: convertMillimetersToTwip(10),
            },
          },
          // The decree numbers pages from the second one, centred at the top.
          titlePage: true,
        },
        headers: {
          default: new Header({ children: [centered([new TextRun({ children: [PageNumber.CURRENT], size: PT(L.tablePt) })])] }),
          first: new Header({ children: [] }),
        },
        children: [
          headerTable(summary, settings),
          centered([run('BÁO CÁO', { bold: true, size: L.bodyPt })], { before: 360 }),
          centered([run(subject, { bold: true, size: L.bodyPt })]),
          shortRule(TEXT_WIDTH, Math.round(TEXT_WIDTH * 0.25)),
          spacer(),
          ...bodySections(summary),
          spacer(),
          closingTable(settings),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}
