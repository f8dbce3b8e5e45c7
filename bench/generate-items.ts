// Synthetic but realistic items for benchmarks: Vietnamese education news and feedback with
// diacritics, label shares close to what the classifier produces, and a triage backlog in which
// most items are still open (the worst case for the queue query).
import { pickWith } from './seeded-random.ts';
import { createHash } from 'node:crypto';
import type { Classification, Label } from '../src/domain/classification.ts';
import type { ItemStatus } from '../src/domain/item.ts';
import { computePriority } from '../src/domain/item.ts';
import { foldText } from '../src/text/fold-text.ts';

/** One row for the `items` table, with the column values the pipeline would store. */
export interface GeneratedItem {
  sourceId: number;
  keyHash: string;
  url: string;
  title: string;
  body: string;
  author: string | null;
  publishedAt: Date | null;
  collectedAt: Date;
  sortAt: Date;
  searchText: string;
  contentHash: string;
  labels: Label[];
  classification: Classification;
  classifierVersion: string;
  priority: number;
  status: ItemStatus;
}

// Common phrases: each lands in roughly a quarter of the bodies.
const TOPICS = [
  'học phí', 'giáo viên', 'học sinh', 'phụ huynh', 'nhà trường', 'lớp học', 'sách giáo khoa',
  'bán trú', 'tuyển sinh', 'trường mầm non', 'trường tiểu học', 'trung học cơ sở', 'dạy thêm',
  'học thêm', 'khoản thu', 'quỹ lớp', 'đồng phục', 'bữa ăn', 'phòng học', 'cơ sở vật chất',
  'Ủy ban nhân dân phường', 'Phòng Giáo dục và Đào tạo', 'hiệu trưởng', 'kỳ thi', 'điểm chuẩn',
  'năm học mới', 'lễ khai giảng', 'thời khóa biểu', 'sĩ số', 'xe đưa đón', 'sân trường',
  'nhà vệ sinh', 'bảo hiểm y tế', 'miễn giảm', 'chương trình mới', 'học bạ', 'ôn thi',
  'thư viện', 'giờ tan học', 'cổng trường', 'ban đại diện cha mẹ học sinh', 'kết quả học tập',
];
const VERBS = [
  'phản ánh', 'kiến nghị', 'thông báo', 'đề xuất', 'làm rõ', 'kiểm tra', 'hướng dẫn', 'tổ chức',
  'công khai', 'điều chỉnh', 'tăng', 'giảm', 'hỗ trợ', 'trả lời', 'giải thích', 'xem xét',
];
const FILLERS = [
  'của', 'tại', 'trong', 'về việc', 'đã', 'đang', 'cho', 'các', 'những', 'với', 'theo', 'sau khi',
  'trước', 'năm nay', 'tuần này', 'nhiều', 'một số', 'rất', 'chưa', 'vẫn', 'được', 'và',
];
const NEGATIVE = ['bức xúc', 'chậm trễ', 'thiếu minh bạch', 'quá tải', 'xuống cấp', 'không hợp lý', 'vô lý'];
const MISINFORMATION = ['tin đồn', 'sai sự thật', 'thông tin chưa kiểm chứng', 'bịa đặt'];
// Rare phrases, injected at a fixed rate so that searches for them have a known selectivity.
const RARE: { phrase: string; share: number }[] = [
  { phrase: 'lạm thu', share: 0.03 },
  { phrase: 'bạo lực học đường', share: 0.005 },
  { phrase: 'ngộ độc thực phẩm', share: 0.0005 },
];
const AUTHORS = ['Phóng viên', 'Ban biên tập', 'Người dân', 'Phụ huynh lớp 3A', 'Cộng tác viên', null];
const DAY_MS = 24 * 60 * 60 * 1000;


function sentence(random: () => number, extra: string[]): string {
  const words: string[] = [];
  const length = 3 + Math.floor(random() * 4);
  for (let i = 0; i < length; i++) {
    const roll = random();
    words.push(roll < 0.45 ? pickWith(random, TOPICS) : roll < 0.7 ? pickWith(random, FILLERS) : pickWith(random, VERBS));
  }
  if (extra.length && random() < 0.5) words.splice(Math.floor(random() * words.length), 0, extra.shift()!);
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1) + '.';
}

function drawLabels(random: () => number): Label[] {
  const labels: Label[] = [];
  if (random() < 0.03) labels.push('misinformation');
  if (random() < 0.1) labels.push('negative');
  // Flagged items are nearly always about education; overall ~40 % are relevant.
  if (labels.length ? random() < 0.85 : random() < 0.37) labels.push('relevant');
  return labels;
}

function drawStatus(random: () => number): ItemStatus {
  const roll = random();
  if (roll < 0.7) return 'new';
  if (roll < 0.8) return 'in_review';
  if (roll < 0.9) return 'responded';
  return 'dismissed';
}

/** Returns `count` items for sources 1..sourceIds.length, numbered from `firstIndex`, published over the last 180 days. */
export function generateItems(
  random: () => number,
  sourceIds: readonly number[],
  firstIndex: number,
  count: number,
  now: Date,
): GeneratedItem[] {
  const rows: GeneratedItem[] = [];
  for (let n = firstIndex; n < firstIndex + count; n++) {
    const labels = drawLabels(random);
    // Words that explain the labels go into the text, as the rules would have found them.
    const extra: string[] = [];
    if (labels.includes('negative')) extra.push(pickWith(random, NEGATIVE));
    if (labels.includes('misinformation')) extra.push(pickWith(random, MISINFORMATION));
    for (const rare of RARE) if (random() < rare.share) extra.push(rare.phrase);

    const titleWords = [pickWith(random, VERBS), pickWith(random, TOPICS), pickWith(random, FILLERS), pickWith(random, TOPICS)];
    if (extra.length && random() < 0.3) titleWords.push(extra[0]!);
    const title = titleWords.join(' ').replace(/^./, (c) => c.toUpperCase());
    const targetLength = 300 + Math.floor(random() * 300);
    let body = '';
    while (body.length < targetLength || extra.length) body += (body ? ' ' : '') + sentence(random, extra);

    const publishedAt = random() < 0.05 ? null : new Date(now.getTime() - random() * 180 * DAY_MS);
    const collectedAt = new Date((publishedAt ?? new Date(now.getTime() - random() * 180 * DAY_MS)).getTime() + random() * 3_600_000);
    const scores: Partial<Record<Label, number>> = {};
    for (const label of labels) scores[label] = Math.round((0.5 + random() * 0.5) * 100) / 100;
    const sourceId = sourceIds[n % sourceIds.length]!;
    rows.push({
      sourceId,
      keyHash: createHash('sha1').update(`bench-${n}`).digest('hex'),
      url: `https://tin-giao-duc.example.vn/bai-viet/${n}`,
      title,
      body,
      author: pickWith(random, AUTHORS),
      publishedAt,
      collectedAt,
      sortAt: publishedAt ?? collectedAt,
      searchText: foldText(`${title}\n${body}`),
      contentHash: createHash('sha1').update(body).digest('hex'),
      labels,
      classification: { labels, scores, spans: [], version: 'rules-bench-1' },
      classifierVersion: 'rules-bench-1',
      priority: computePriority(labels),
      status: drawStatus(random),
    });
  }
  return rows;
}
